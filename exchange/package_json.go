package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Kinds of PackageFileError.
const (
	FileTooLarge   = "too-large"  // over the size limit
	FileDamaged    = "damaged"    // not a file of the expected format, or not well formed
	FileTampered   = "tampered"   // its digest or signature does not match its content
	FileNewer      = "newer"      // written by a newer parindex (a later format version)
	FileInvalid    = "invalid"    // well formed, but its content breaks the format's rules
	FileWrongKind  = "wrong-kind" // another parindex file (a return where a package was expected, ...)
	FileUnreadable = "unreadable" // the file could not be read
)

// Limits of the files read, and the signature context.
const (
	maxJSONDepth  = 64        // nesting of a package: frameworks nest criteria about 10 deep
	maxTextBytes  = 64 << 10  // one text field: a reason, an evidence note, an explanation
	maxItems      = 2_000_000 // items of one list in a package or return
	maxCodeBytes  = 200       // a code or an ID
	bomUTF8       = "\xEF\xBB\xBF"
	contextReturn = "parindex-return/1\x00" // signed before a return's payload
)

// PackageFileError is a package, return or unit sheet file that cannot be used.
// Its message names the file and says what is wrong with it.
type PackageFileError struct {
	File string // the name given to the reader
	Kind string // FileTooLarge, FileDamaged, FileTampered, ...
	Msg  string
	Err  error // the underlying error, if any
}

// Error names the file and the problem.
func (e *PackageFileError) Error() string { return e.File + ": " + e.Msg }

// Unwrap returns the underlying error.
func (e *PackageFileError) Unwrap() error { return e.Err }

func fileErr(name, kind, format string, a ...any) *PackageFileError {
	return &PackageFileError{File: name, Kind: kind, Msg: fmt.Sprintf(format, a...)}
}

// readLimited reads at most max bytes, refusing a larger file.
func readLimited(r io.Reader, name string, max int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, &PackageFileError{File: name, Kind: FileUnreadable, Msg: "cannot read the file: " + err.Error(), Err: err}
	}
	if int64(len(b)) > max {
		return nil, fileErr(name, FileTooLarge, "the file is larger than %d MiB, the limit for a %s", max>>20, what)
	}
	return bytes.TrimPrefix(b, []byte(bomUTF8)), nil
}

// checkStrictJSON checks that data is one well-formed JSON value in valid
// UTF-8, nested at most maxDepth deep, with no object holding a key twice,
// and every key in lower-case ASCII (encoding/json matches keys without
// regard to case, so "Format" would otherwise pass for "format").
// Errors give the line and column.
func checkStrictJSON(data []byte, maxDepth int) error {
	_, err := strictJSON(data, maxDepth)
	return err
}

// strictJSON is checkStrictJSON; it also returns the keys of the top-level
// object, in order.
func strictJSON(data []byte, maxDepth int) ([]string, error) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, posErrorf(data, off, "the file is not valid UTF-8 text")
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, posErrorf(data, int(se.Offset), "not well-formed JSON: %s", se.Error())
		}
		return nil, fmt.Errorf("not well-formed JSON")
	}
	// data is valid JSON: scan it for depth and duplicate keys.
	type frame struct {
		object bool
		keys   []string
		seen   map[string]bool
		expect bool // in an object: the next string is a key
	}
	var stack []frame
	var top []string
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '{', '[':
			if len(stack) >= maxDepth {
				return nil, posErrorf(data, i, "nested more than %d levels deep", maxDepth)
			}
			stack = append(stack, frame{object: c == '{', expect: c == '{'})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expect = true
			}
		case '"':
			start := i
			escaped := false
			for i++; i < len(data); i++ {
				if data[i] == '\\' {
					escaped = true
					i++
					continue
				}
				if data[i] == '"' {
					break
				}
			}
			n := len(stack)
			if n == 0 || !stack[n-1].object || !stack[n-1].expect {
				continue
			}
			f := &stack[n-1]
			f.expect = false
			key := string(data[start+1 : i])
			if escaped {
				if err := json.Unmarshal(data[start:i+1], &key); err != nil {
					return nil, posErrorf(data, start, "bad key: %v", err)
				}
			}
			for j := 0; j < len(key); j++ {
				if c := key[j]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
					return nil, posErrorf(data, start, "key %q: keys are lower-case letters, digits and _", key)
				}
			}
			if f.seen == nil && len(f.keys) >= 16 {
				f.seen = make(map[string]bool, 32)
				for _, k := range f.keys {
					f.seen[k] = true
				}
			}
			dup := false
			if f.seen != nil {
				dup = f.seen[key]
				f.seen[key] = true
			} else {
				for _, k := range f.keys {
					if k == key {
						dup = true
						break
					}
				}
				f.keys = append(f.keys, key)
			}
			if dup {
				return nil, posErrorf(data, start, "key %q appears twice in one object", key)
			}
			if n == 1 {
				top = append(top, key)
			}
		}
	}
	return top, nil
}

// posErrorf is an error located at a byte offset: "line 3, column 7: ...".
func posErrorf(data []byte, off int, format string, a ...any) error {
	line, col := lineCol(data, off)
	return fmt.Errorf("line %d, column %d: %s", line, col, fmt.Sprintf(format, a...))
}

// decodeStrict decodes one JSON value into v, refusing unknown keys and
// trailing data. Run checkStrictJSON first.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return posErrorf(data, int(dec.InputOffset()), "data after the end of the document")
	}
	return nil
}

// describeJSONError locates a decoding error where possible.
func describeJSONError(data []byte, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := te.Field
		if where == "" {
			where = "a value"
		}
		return posErrorf(data, int(te.Offset), "%s: a JSON %s where a %s is expected", where, te.Value, te.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return posErrorf(data, int(se.Offset), "%s", se.Error())
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	return errors.New(msg)
}

// textRule checks one text of a file: valid length, no control characters
// but tab and line breaks. It returns the text in NFC without surrounding spaces.
func textRule(s, what string, max int) (string, error) {
	if len(s) > max {
		return "", fmt.Errorf("%s is longer than %d bytes", what, max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return "", fmt.Errorf("%s holds the control character U+%04X", what, r)
		}
	}
	return clean(s), nil
}

// codeRule checks a code or an ID: not empty, short, no control characters.
func codeRule(s, what string) (string, error) {
	c, err := textRule(s, what, maxCodeBytes)
	if err != nil {
		return "", err
	}
	if c == "" {
		return "", fmt.Errorf("%s is empty", what)
	}
	if strings.ContainsAny(c, "\t\n\r") {
		return "", fmt.Errorf("%s %q holds a line break or a tab", what, c)
	}
	return c, nil
}

// envelope is the outside of a package or return file. Payload keeps the
// exact bytes of the file: the digest and the signature cover them.
type envelope struct {
	Format        string          `json:"format"`
	FormatVersion int             `json:"format_version"`
	Payload       json.RawMessage `json:"payload"`
	PayloadSHA256 string          `json:"payload_sha256,omitempty"`
	Signature     *signatureJSON  `json:"signature,omitempty"`
}

// signatureJSON is a return file's signature over its payload.
type signatureJSON struct {
	Alg   string `json:"alg"`
	Value string `json:"value"` // base64
}

// readEnvelope reads and checks the outside of a file of the given format.
func readEnvelope(data []byte, name, format string) (*envelope, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileErr(name, FileDamaged, "the file is empty")
	}
	switch t := bytes.TrimSpace(data); {
	case bytes.HasPrefix(t, []byte("SQLite format 3\x00")):
		return nil, fileErr(name, FileWrongKind, "this is a council file (open it with --db), not a %s file", kindName(format))
	case t[0] != '{':
		return nil, fileErr(name, FileDamaged, "not a %s file: it is not JSON text", kindName(format))
	}
	top, err := strictJSON(data, maxJSONDepth)
	if err != nil {
		return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: "not a parindex file: " + err.Error(), Err: err}
	}
	// One lenient pass over the file; its keys and types are checked below.
	var head struct {
		Format        any             `json:"format"`
		FormatVersion any             `json:"format_version"`
		Payload       json.RawMessage `json:"payload"`
		PayloadSHA256 any             `json:"payload_sha256"`
		Signature     json.RawMessage `json:"signature"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: "not a parindex file: the file is not a JSON object", Err: err}
	}
	// The format first, so that another kind of file gets a clear message.
	f, _ := head.Format.(string)
	switch {
	case f == format:
	case f == FormatPackage || f == FormatReturn || f == FormatUnitSheet:
		return nil, fileErr(name, FileWrongKind, "this is a %s file, not a %s file", kindName(f), kindName(format))
	default:
		return nil, fileErr(name, FileDamaged, "not a %s file (its format is not %q)", kindName(format), format)
	}
	v, ok := head.FormatVersion.(float64)
	switch {
	case ok && v > FormatVersion:
		return nil, fileErr(name, FileNewer, "the file was written by a newer parindex (format version %v; this program reads %d): update parindex", v, FormatVersion)
	case v != FormatVersion:
		return nil, fileErr(name, FileDamaged, "format version %v is not %d", head.FormatVersion, FormatVersion)
	}
	for _, k := range top {
		switch k {
		case "format", "format_version", "payload", "payload_sha256", "signature":
		default:
			return nil, fileErr(name, FileDamaged, "unknown field %q", k)
		}
	}
	env := &envelope{Format: f, FormatVersion: FormatVersion, Payload: head.Payload}
	if head.PayloadSHA256 != nil {
		if env.PayloadSHA256, ok = head.PayloadSHA256.(string); !ok {
			return nil, fileErr(name, FileDamaged, "payload_sha256 is not a string")
		}
	}
	if head.Signature != nil {
		env.Signature = &signatureJSON{}
		if err := decodeStrict(head.Signature, env.Signature); err != nil {
			return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: "signature: " + err.Error(), Err: err}
		}
	}
	if len(env.Payload) == 0 || env.Payload[0] != '{' {
		return nil, fileErr(name, FileDamaged, "the file has no payload object")
	}
	return env, nil
}

func kindName(format string) string {
	switch format {
	case FormatPackage:
		return "member package"
	case FormatReturn:
		return "return"
	case FormatUnitSheet:
		return "unit sheet"
	}
	return format
}

// writeEnvelope writes a file: the fixed keys in order, the payload's bytes
// as they are, and a final newline.
func writeEnvelope(w io.Writer, format string, payload []byte, digest string, sig *signatureJSON) error {
	var b bytes.Buffer
	b.Grow(len(payload) + 256)
	b.WriteString(`{"format":`)
	writeJSONString(&b, format)
	fmt.Fprintf(&b, `,"format_version":%d,`, FormatVersion)
	if digest != "" {
		b.WriteString(`"payload_sha256":`)
		writeJSONString(&b, digest)
		b.WriteByte(',')
	}
	if sig != nil {
		b.WriteString(`"signature":{"alg":`)
		writeJSONString(&b, sig.Alg)
		b.WriteString(`,"value":`)
		writeJSONString(&b, sig.Value)
		b.WriteString(`},`)
	}
	b.WriteString("\"payload\":")
	b.Write(payload)
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

// marshalPayload encodes a payload compactly, text not HTML-escaped.
func marshalPayload(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// newIndentEncoder encodes indented JSON, text not HTML-escaped.
func newIndentEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc
}
