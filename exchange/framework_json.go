package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"parindex/index"
)

// MaxFrameworkSize is the largest framework file ReadFrameworkJSON accepts: 8 MiB.
// The official national sets are well under 1 MiB.
const MaxFrameworkSize = 8 << 20

// maxDepth is how deep criteria may nest: field (1) → criterion (2) →
// sub-criterion (3) and a few more levels than any published framework uses.
const maxDepth = 8

// maxAbsPoints bounds every number of points in a file (one million points),
// so that no sum over the largest accepted file can overflow.
const maxAbsPoints index.Points = 1_000_000 * 100

// Problem is one thing wrong with a framework file.
type Problem struct {
	Line      int    // 1-based line in the file, 0 when unknown
	Column    int    // 1-based column (in characters), 0 when unknown
	Criterion string // code of the criterion concerned, "" when the problem is not about one
	Message   string // what is wrong, in plain words
}

// FrameworkFileError is returned by ReadFrameworkJSON when a file cannot be
// used. Its message has one line a problem, in the form
//
//	frameworks/x.json:41:7: criterion 3.2: children's max sum to 4.50, not 5.00
//
// with the position left out when it is unknown.
type FrameworkFileError struct {
	File     string    // the name given to ReadFrameworkJSON
	Problems []Problem // at least one
	Err      error     // the underlying error (*json.SyntaxError, *index.ValidationError, …) or nil
}

// Error lists the problems, one a line, each starting with the file name.
func (e *FrameworkFileError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
		}
		b.WriteString(": ")
		if p.Criterion != "" {
			b.WriteString("criterion ")
			b.WriteString(p.Criterion)
			b.WriteString(": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *FrameworkFileError) Unwrap() error { return e.Err }

// ReadFrameworkJSON reads one framework (bộ chỉ số) in the JSON format described
// in assets/frameworks/README.md and validates it. name is the file name used in
// error messages.
//
// Reading is strict: a key that is not part of the format, a key given twice,
// data after the framework, a number of points with more than two decimals or
// an exponent, and files over MaxFrameworkSize are refused. A UTF-8 byte order
// mark is skipped. Codes, titles, names and labels are trimmed of surrounding
// spaces, and all text is normalised to Unicode NFC. The framework is then
// checked by index.Framework.Validate, so the result is ready for index.Compute.
//
// Any error is a *FrameworkFileError naming the file, the line and column where
// known, and the criterion code.
func ReadFrameworkJSON(r io.Reader, name string) (*index.Framework, error) {
	if name == "" {
		name = "(framework)"
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFrameworkSize+1))
	if err != nil {
		return nil, &FrameworkFileError{File: name, Err: err,
			Problems: []Problem{{Message: "cannot read the file: " + err.Error()}}}
	}
	if len(data) > MaxFrameworkSize {
		return nil, &FrameworkFileError{File: name,
			Problems: []Problem{{Message: fmt.Sprintf("the file is larger than %d MiB", MaxFrameworkSize>>20)}}}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FrameworkFileError{File: name, Problems: []Problem{{Message: "the file is empty"}}}
	}

	fr := &frameworkReader{
		name:    name,
		data:    data,
		dec:     json.NewDecoder(bytes.NewReader(data)),
		critPos: map[string]int{},
		keyPos:  map[string]int{},
	}
	fr.dec.UseNumber()
	f, err := fr.read()
	if err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, fr.validationError(err)
	}
	return f, nil
}

// WriteFrameworkJSON writes f in the format ReadFrameworkJSON reads: indented
// with two spaces, keys in a fixed order, points with two decimals, text in
// NFC and not HTML-escaped, and a final newline. The same framework always
// gives the same bytes, and reading them back gives a framework equal to f
// when f's text is already NFC and trimmed (as everything ReadFrameworkJSON
// returns is).
//
// f is not modified. A framework that does not pass Validate is refused, so
// every file written can be read back.
func WriteFrameworkJSON(w io.Writer, f *index.Framework) error {
	if f == nil {
		return errors.New("exchange: write framework: nil framework")
	}
	g, err := cloneNFC(f)
	if err != nil {
		return fmt.Errorf("exchange: write framework %s: %w", f.Code, err)
	}
	if err := g.Validate(); err != nil {
		return fmt.Errorf("exchange: write framework: %w", err)
	}
	if g.Bands == nil {
		g.Bands = []index.Band{}
	}
	if g.Fields == nil {
		g.Fields = []*index.Criterion{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		return fmt.Errorf("exchange: write framework %s: %w", f.Code, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// cloneNFC copies the exported content of f with its text in NFC. It refuses
// a nil criterion, on which Validate would fail.
func cloneNFC(f *index.Framework) (*index.Framework, error) {
	g := &index.Framework{
		Code: nfc(f.Code), Version: f.Version, Name: nfc(f.Name), Year: f.Year, Sample: f.Sample,
		AppraisalMax: f.AppraisalMax, SurveyMax: f.SurveyMax, Total: f.Total,
		BonusCap: f.BonusCap, PenaltyCap: f.PenaltyCap, Step: f.Step, Rounding: nfc(f.Rounding),
	}
	if f.Bands != nil {
		g.Bands = make([]index.Band, len(f.Bands))
		for i, b := range f.Bands {
			g.Bands[i] = index.Band{Label: nfc(b.Label), Min: b.Min}
		}
	}
	var err error
	g.Fields, err = cloneCriteria(f.Fields, "")
	return g, err
}

func cloneCriteria(cs []*index.Criterion, parent string) ([]*index.Criterion, error) {
	if cs == nil {
		return nil, nil
	}
	out := make([]*index.Criterion, len(cs))
	for i, c := range cs {
		if c == nil {
			if parent == "" {
				return nil, fmt.Errorf("field %d is nil", i+1)
			}
			return nil, fmt.Errorf("criterion %s: child %d is nil", parent, i+1)
		}
		children, err := cloneCriteria(c.Children, c.Code)
		if err != nil {
			return nil, err
		}
		out[i] = &index.Criterion{
			Code: nfc(c.Code), Title: nfc(c.Title), Max: c.Max, Method: index.Method(nfc(string(c.Method))),
			Guide: nfc(c.Guide), EvidenceRequired: c.EvidenceRequired, Children: children,
		}
	}
	return out, nil
}

func nfc(s string) string { return norm.NFC.String(s) }

// clean trims a one-line text and normalises it to NFC.
func clean(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }

// frameworkReader decodes a framework token by token, so that every error can
// carry a position and the code of the criterion being read.
type frameworkReader struct {
	name    string
	data    []byte
	dec     *json.Decoder
	critPos map[string]int // criterion code → offset of its object (the last one with that code)
	keyPos  map[string]int // top-level key → offset
}

// readError is a decoding problem at a byte offset.
type readError struct {
	off  int
	crit string
	msg  string
	err  error
}

func (e *readError) Error() string { return e.msg }

func (fr *frameworkReader) fail(e *readError) error {
	p := Problem{Criterion: e.crit, Message: e.msg}
	if e.off >= 0 {
		p.Line, p.Column = lineCol(fr.data, e.off)
	}
	return &FrameworkFileError{File: fr.name, Problems: []Problem{p}, Err: e.err}
}

// lineCol turns a byte offset into a 1-based line and character column.
func lineCol(data []byte, off int) (int, int) {
	off = max(0, min(off, len(data)))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, utf8.RuneCount(data[start:off]) + 1
}

// tokenStart is the offset where the next token begins, skipping the
// white space and separators after off.
func (fr *frameworkReader) tokenStart() int {
	off := int(fr.dec.InputOffset())
	for off < len(fr.data) {
		switch fr.data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// next reads one token and its starting offset, turning syntax errors into
// positioned problems.
func (fr *frameworkReader) next(crit string) (json.Token, int, error) {
	off := fr.tokenStart()
	tok, err := fr.dec.Token()
	if err == nil {
		return tok, off, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		at := int(se.Offset) - 1
		return nil, off, &readError{off: max(at, 0), crit: crit, msg: "JSON syntax: " + strings.TrimPrefix(se.Error(), "json: "), err: err}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, off, &readError{off: len(fr.data), crit: crit, msg: "the file ends in the middle of the framework", err: err}
	default:
		return nil, off, &readError{off: off, crit: crit, msg: "JSON: " + err.Error(), err: err}
	}
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case bool:
		return "true or false"
	case json.Number:
		return "a number (" + string(v) + ")"
	case string:
		return "a text"
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "a list"
		}
		return string(v)
	}
	return fmt.Sprintf("%v", tok)
}

func (fr *frameworkReader) expectDelim(d json.Delim, what, crit string) (int, error) {
	tok, off, err := fr.next(crit)
	if err != nil {
		return off, err
	}
	if tok != d {
		return off, &readError{off: off, crit: crit, msg: fmt.Sprintf("%s must be %s, not %s", what, describe(d), describe(tok))}
	}
	return off, nil
}

func (fr *frameworkReader) str(key, crit string) (string, error) {
	tok, off, err := fr.next(crit)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", &readError{off: off, crit: crit, msg: fmt.Sprintf("%q must be a text, not %s", key, describe(tok))}
	}
	return s, nil
}

func (fr *frameworkReader) boolean(key, crit string) (bool, error) {
	tok, off, err := fr.next(crit)
	if err != nil {
		return false, err
	}
	b, ok := tok.(bool)
	if !ok {
		return false, &readError{off: off, crit: crit, msg: fmt.Sprintf("%q must be true or false, not %s", key, describe(tok))}
	}
	return b, nil
}

func (fr *frameworkReader) integer(key, crit string) (int, error) {
	tok, off, err := fr.next(crit)
	if err != nil {
		return 0, err
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, &readError{off: off, crit: crit, msg: fmt.Sprintf("%q must be a whole number, not %s", key, describe(tok))}
	}
	v, err := strconv.ParseInt(string(n), 10, 32)
	if err != nil {
		return 0, &readError{off: off, crit: crit, msg: fmt.Sprintf("%q must be a whole number, not %s", key, n)}
	}
	return int(v), nil
}

// hundredths reads a number of at most two decimals, as hundredths.
func (fr *frameworkReader) hundredths(key, crit string) (int64, error) {
	tok, off, err := fr.next(crit)
	if err != nil {
		return 0, err
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, &readError{off: off, crit: crit, msg: fmt.Sprintf("%q must be a number, not %s", key, describe(tok))}
	}
	lit := string(n)
	if strings.ContainsAny(lit, "eE") {
		return 0, &readError{off: off, crit: crit, msg: fmt.Sprintf("%s %s: write the number without an exponent", key, lit)}
	}
	if i := strings.IndexByte(lit, '.'); i >= 0 && len(lit)-i-1 > 2 {
		return 0, &readError{off: off, crit: crit, msg: fmt.Sprintf("%s %s has more than two decimals", key, lit)}
	}
	p, err := index.ParsePoints(lit)
	if err != nil || p > maxAbsPoints || p < -maxAbsPoints {
		return 0, &readError{off: off, crit: crit, msg: fmt.Sprintf("%s %s is out of range", key, lit)}
	}
	return int64(p), nil
}

func (fr *frameworkReader) points(key, crit string) (index.Points, error) {
	v, err := fr.hundredths(key, crit)
	return index.Points(v), err
}

// keys reads the members of an object whose '{' has been read, calling value
// for each key (which must read exactly one value). It refuses a key given
// twice and any key not in known.
func (fr *frameworkReader) keys(crit func() string, known []string, value func(key string, off int) error) error {
	seen := map[string]bool{}
	for {
		tok, off, err := fr.next(crit())
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		key, _ := tok.(string) // the decoder guarantees a key here
		if seen[key] {
			return &readError{off: off, crit: crit(), msg: fmt.Sprintf("key %q appears twice", key)}
		}
		seen[key] = true
		found := false
		for _, k := range known {
			if k == key {
				found = true
				break
			}
		}
		if !found {
			msg := fmt.Sprintf("unknown key %q", key)
			for _, k := range known {
				if strings.EqualFold(k, key) {
					msg += fmt.Sprintf(" (did you mean %q?)", k)
					break
				}
			}
			return &readError{off: off, crit: crit(), msg: msg}
		}
		if err := value(key, off); err != nil {
			return err
		}
	}
}

var frameworkKeys = []string{"code", "version", "name", "year", "sample", "appraisal_max", "survey_max",
	"total", "bonus_cap", "penalty_cap", "step", "rounding", "bands", "criteria"}

var criterionKeys = []string{"code", "title", "max", "method", "guide", "evidence_required", "children"}

var bandKeys = []string{"label", "min"}

func (fr *frameworkReader) read() (*index.Framework, error) {
	f, err := fr.readFramework()
	if err != nil {
		var re *readError
		if errors.As(err, &re) {
			return nil, fr.fail(re)
		}
		return nil, err
	}
	// Nothing but white space may follow the framework.
	off := fr.tokenStart()
	if tok, err := fr.dec.Token(); err != io.EOF {
		msg := "data after the end of the framework"
		if err == nil {
			msg += " (" + describe(tok) + ")"
		}
		return nil, fr.fail(&readError{off: off, msg: msg})
	}
	return f, nil
}

func (fr *frameworkReader) readFramework() (*index.Framework, error) {
	f := &index.Framework{}
	if _, err := fr.expectDelim('{', "the file", ""); err != nil {
		return nil, err
	}
	none := func() string { return "" }
	err := fr.keys(none, frameworkKeys, func(key string, off int) error {
		fr.keyPos[key] = off
		var err error
		switch key {
		case "code":
			var s string
			s, err = fr.str(key, "")
			f.Code = clean(s)
		case "version":
			f.Version, err = fr.integer(key, "")
		case "name":
			var s string
			s, err = fr.str(key, "")
			f.Name = clean(s)
		case "year":
			f.Year, err = fr.integer(key, "")
		case "sample":
			f.Sample, err = fr.boolean(key, "")
		case "appraisal_max":
			f.AppraisalMax, err = fr.points(key, "")
		case "survey_max":
			f.SurveyMax, err = fr.points(key, "")
		case "total":
			f.Total, err = fr.points(key, "")
		case "bonus_cap":
			f.BonusCap, err = fr.points(key, "")
		case "penalty_cap":
			f.PenaltyCap, err = fr.points(key, "")
		case "step":
			f.Step, err = fr.points(key, "")
		case "rounding":
			var s string
			s, err = fr.str(key, "")
			f.Rounding = clean(s)
		case "bands":
			f.Bands, err = fr.readBands()
		case "criteria":
			f.Fields, err = fr.readCriteria(nil, 1)
		}
		return err
	})
	return f, err
}

func (fr *frameworkReader) readBands() ([]index.Band, error) {
	tok, off, err := fr.next("")
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, &readError{off: off, msg: fmt.Sprintf(`"bands" must be a list, not %s`, describe(tok))}
	}
	var bands []index.Band
	for fr.dec.More() {
		if _, err := fr.expectDelim('{', fmt.Sprintf("band %d", len(bands)+1), ""); err != nil {
			return nil, err
		}
		var b index.Band
		err := fr.keys(func() string { return "" }, bandKeys, func(key string, off int) error {
			switch key {
			case "label":
				s, err := fr.str("label", "")
				b.Label = clean(s)
				return err
			default:
				v, err := fr.hundredths("band min", "")
				b.Min = index.Percent(v)
				return err
			}
		})
		if err != nil {
			return nil, err
		}
		bands = append(bands, b)
	}
	_, _, err = fr.next("") // ']'
	return bands, err
}

// readCriteria reads a list of criteria (or null) under parent at the given depth.
func (fr *frameworkReader) readCriteria(parent *index.Criterion, depth int) ([]*index.Criterion, error) {
	where := func() string {
		if parent == nil {
			return `"criteria"`
		}
		return `"children"`
	}
	parentCode := ""
	if parent != nil {
		parentCode = parent.Code
	}
	tok, off, err := fr.next(parentCode)
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, &readError{off: off, crit: parentCode, msg: fmt.Sprintf("%s must be a list, not %s", where(), describe(tok))}
	}
	if depth > maxDepth {
		return nil, &readError{off: off, crit: parentCode, msg: fmt.Sprintf("criteria nest more than %d levels deep", maxDepth)}
	}
	var out []*index.Criterion
	for fr.dec.More() {
		c, err := fr.readCriterion(parent, len(out)+1, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if _, _, err := fr.next(parentCode); err != nil { // ']'
		return nil, err
	}
	return out, nil
}

func (fr *frameworkReader) readCriterion(parent *index.Criterion, nth, depth int) (*index.Criterion, error) {
	c := &index.Criterion{}
	// Until its code is read, a criterion is named by its place.
	crit := func() string {
		if c.Code != "" {
			return c.Code
		}
		if parent == nil {
			return fmt.Sprintf("#%d (no code yet)", nth)
		}
		return fmt.Sprintf("#%d under %s", nth, parent.Code)
	}
	start, err := fr.expectDelim('{', "a criterion", crit())
	if err != nil {
		return nil, err
	}
	err = fr.keys(crit, criterionKeys, func(key string, off int) error {
		var err error
		switch key {
		case "code":
			var s string
			s, err = fr.str(key, crit())
			c.Code = clean(s)
			if err == nil && c.Code != "" {
				fr.critPos[c.Code] = start
			}
		case "title":
			var s string
			s, err = fr.str(key, crit())
			c.Title = clean(s)
		case "max":
			c.Max, err = fr.points(key, crit())
		case "method":
			var s string
			s, err = fr.str(key, crit())
			c.Method = index.Method(clean(s))
		case "guide":
			var s string
			s, err = fr.str(key, crit())
			c.Guide = clean(s)
		case "evidence_required":
			c.EvidenceRequired, err = fr.boolean(key, crit())
		case "children":
			c.Children, err = fr.readCriteria(c, depth+1)
		}
		return err
	})
	if err != nil {
		var re *readError
		if errors.As(err, &re) && c.Code == "" {
			// The code may come after the problem: look it up leniently.
			if code := fr.codeAt(start); code != "" {
				re.crit = code
			}
		}
		return nil, err
	}
	if len(c.Children) == 0 {
		c.Children = nil
	}
	return c, nil
}

// codeAt leniently reads the "code" of the object starting at off, or "".
func (fr *frameworkReader) codeAt(off int) string {
	var v struct {
		Code string `json:"code"`
	}
	if err := json.NewDecoder(bytes.NewReader(fr.data[off:])).Decode(&v); err != nil {
		return ""
	}
	return clean(v.Code)
}

// topKeyOf maps the start of a Validate problem that is not about a
// criterion to the top-level key it concerns.
var topKeyOf = []struct{ prefix, key string }{
	{"framework code", "code"},
	{"framework name", "name"},
	{"version", "version"},
	{"rounding", "rounding"},
	{"step", "step"},
	{"bonus and penalty caps", "bonus_cap"},
	{"no criteria", "criteria"},
	{"a criterion under", "criteria"},
	{"appraisal leaves", "appraisal_max"},
	{"survey leaves", "survey_max"},
	{"parts", "total"},
	{"total", "total"},
	{"band", "bands"},
}

// validationError turns Validate's problems into positioned problems.
func (fr *frameworkReader) validationError(err error) error {
	var ve *index.ValidationError
	if !errors.As(err, &ve) {
		return &FrameworkFileError{File: fr.name, Err: err, Problems: []Problem{{Message: err.Error()}}}
	}
	fe := &FrameworkFileError{File: fr.name, Err: err}
	for _, msg := range ve.Problems {
		p := Problem{Message: msg}
		off := -1
		if rest, ok := strings.CutPrefix(msg, "criterion "); ok {
			if code, m, ok := strings.Cut(rest, ": "); ok {
				p.Criterion, p.Message = code, m
				if o, ok := fr.critPos[code]; ok {
					off = o
				}
			}
		} else {
			for _, tk := range topKeyOf {
				if strings.HasPrefix(msg, tk.prefix) {
					if o, ok := fr.keyPos[tk.key]; ok {
						off = o
					}
					break
				}
			}
		}
		if off >= 0 {
			p.Line, p.Column = lineCol(fr.data, off)
		}
		fe.Problems = append(fe.Problems, p)
	}
	return fe
}
