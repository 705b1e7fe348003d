package sign

// A minimal PDF reader: just enough of ISO 32000 to find the catalog, the pages,
// the interactive form and the signature dictionaries of a file, and the facts an
// incremental update needs (last cross-reference offset, /Size, /Root, /Info, /ID).
// It reads classic cross-reference tables, cross-reference streams, hybrid files and
// object streams (FlateDecode with PNG predictors). It never panics on bad input:
// nesting, cycles and decompressed sizes are bounded.

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

type (
	pdfName   string
	pdfString []byte
	pdfArray  []any
	pdfDict   map[pdfName]any
	pdfRef    struct{ Num, Gen int }
	// pdfStream is a stream object; Data holds the still-encoded bytes.
	pdfStream struct {
		Dict pdfDict
		Data []byte
	}
)

const (
	maxNesting     = 64       // arrays and dictionaries inside each other
	maxXrefChain   = 1024     // cross-reference sections followed through /Prev
	maxDecodedSize = 64 << 20 // bytes one decoded stream may grow to
	maxPages       = 1 << 20
)

var errEOF = errors.New("unexpected end of data")

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lexer reads PDF objects from b starting at pos.
type lexer struct {
	b   []byte
	pos int
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// keyword reads a run of regular characters (true, obj, R, xref, ...).
func (l *lexer) keyword() string {
	l.skipSpace()
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	return string(l.b[start:l.pos])
}

// integer reads a plain non-negative or signed integer token.
func (l *lexer) integer() (int64, error) {
	l.skipSpace()
	start := l.pos
	if l.pos < len(l.b) && (l.b[l.pos] == '+' || l.b[l.pos] == '-') {
		l.pos++
	}
	for l.pos < len(l.b) && isDigit(l.b[l.pos]) {
		l.pos++
	}
	n, err := strconv.ParseInt(string(l.b[start:l.pos]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("integer expected at offset %d", start)
	}
	return n, nil
}

func (l *lexer) hasPrefix(s string) bool {
	return l.pos <= len(l.b) && bytes.HasPrefix(l.b[l.pos:], []byte(s))
}

// object reads one direct object (or an indirect reference "n g R").
func (l *lexer) object(depth int) (any, error) {
	if depth > maxNesting {
		return nil, errors.New("objects nested too deeply")
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, errEOF
	}
	c := l.b[l.pos]
	switch {
	case c == '/':
		return l.name(), nil
	case c == '(':
		return l.literalString()
	case c == '<':
		if l.hasPrefix("<<") {
			return l.dict(depth)
		}
		return l.hexString()
	case c == '[':
		l.pos++
		arr := pdfArray{}
		for {
			l.skipSpace()
			if l.pos >= len(l.b) {
				return nil, errEOF
			}
			if l.b[l.pos] == ']' {
				l.pos++
				return arr, nil
			}
			o, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, o)
		}
	case c == '+' || c == '-' || c == '.' || isDigit(c):
		return l.number()
	}
	start := l.pos
	switch kw := l.keyword(); kw {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	default:
		return nil, fmt.Errorf("unexpected %q at offset %d", kw, start)
	}
}

func (l *lexer) number() (any, error) {
	start := l.pos
	real := false
	if l.b[l.pos] == '+' || l.b[l.pos] == '-' {
		l.pos++
	}
	for l.pos < len(l.b) && (isDigit(l.b[l.pos]) || l.b[l.pos] == '.') {
		if l.b[l.pos] == '.' {
			real = true
		}
		l.pos++
	}
	tok := string(l.b[start:l.pos])
	if real {
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q at offset %d", tok, start)
		}
		return f, nil
	}
	n, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(tok, 64); ferr == nil {
			return f, nil // too large for int64
		}
		return nil, fmt.Errorf("bad number %q at offset %d", tok, start)
	}
	// An unsigned integer may start "num gen R".
	if n >= 0 && isDigit(tok[0]) && n <= 1<<31 {
		save := l.pos
		l.skipSpace()
		gs := l.pos
		for l.pos < len(l.b) && isDigit(l.b[l.pos]) {
			l.pos++
		}
		if l.pos > gs && l.pos-gs < 10 {
			gen, _ := strconv.Atoi(string(l.b[gs:l.pos]))
			l.skipSpace()
			if l.pos < len(l.b) && l.b[l.pos] == 'R' &&
				(l.pos+1 == len(l.b) || isSpace(l.b[l.pos+1]) || isDelim(l.b[l.pos+1])) {
				l.pos++
				return pdfRef{Num: int(n), Gen: gen}, nil
			}
		}
		l.pos = save
	}
	return n, nil
}

func (l *lexer) name() pdfName {
	l.pos++ // '/'
	var out []byte
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) {
			if v, err := strconv.ParseUint(string(l.b[l.pos+1:l.pos+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				l.pos += 3
				continue
			}
		}
		out = append(out, c)
		l.pos++
	}
	return pdfName(out)
}

func (l *lexer) literalString() (pdfString, error) {
	l.pos++ // '('
	out := pdfString{}
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out, nil
			}
		case '\\':
			if l.pos >= len(l.b) {
				return nil, errEOF
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, errEOF
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) hexString() (pdfString, error) {
	l.pos++ // '<'
	out := make(pdfString, 0, 64)
	var cur byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			if half {
				out = append(out, cur<<4)
			}
			return out, nil
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return nil, fmt.Errorf("bad hex string at offset %d", l.pos-1)
		}
		if half {
			out = append(out, cur<<4|v)
		} else {
			cur = v
		}
		half = !half
	}
	return nil, errEOF
}

func (l *lexer) dict(depth int) (pdfDict, error) {
	l.pos += 2 // "<<"
	d := pdfDict{}
	for {
		l.skipSpace()
		if l.pos >= len(l.b) {
			return nil, errEOF
		}
		if l.hasPrefix(">>") {
			l.pos += 2
			return d, nil
		}
		if l.b[l.pos] != '/' {
			return nil, fmt.Errorf("dictionary key expected at offset %d", l.pos)
		}
		k := l.name()
		v, err := l.object(depth + 1)
		if err != nil {
			return nil, err
		}
		d[k] = v
	}
}

// xrefEntry is one cross-reference entry: kind 0 free, 1 in use at offset a with
// generation b, 2 compressed in object stream a at index b.
type xrefEntry struct {
	kind byte
	a    int64
	b    int
}

type objStm struct {
	data    []byte
	first   int
	offsets map[int]int // object number -> offset after first
}

// pdfFile is a parsed view of the newest revision of a PDF.
type pdfFile struct {
	b          []byte
	xref       map[int]xrefEntry
	trailer    pdfDict // trailer (or xref stream dictionary) of the newest section
	startxref  int64   // offset of the newest cross-reference section
	xrefStream bool    // the newest section is a cross-reference stream
	objs       map[int]any
	loading    map[int]bool
	stms       map[int]*objStm
}

// parsePDF reads the cross-reference chain of b.
func parsePDF(b []byte) (*pdfFile, error) {
	f := &pdfFile{b: b, xref: map[int]xrefEntry{}, objs: map[int]any{},
		loading: map[int]bool{}, stms: map[int]*objStm{}}
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return nil, errors.New("not a pdf file (no %PDF- header)")
	}
	sx := bytes.LastIndex(b, []byte("startxref"))
	if sx < 0 {
		return nil, errors.New("no startxref")
	}
	l := &lexer{b: b, pos: sx + len("startxref")}
	off, err := l.integer()
	if err != nil {
		return nil, fmt.Errorf("startxref: %w", err)
	}
	f.startxref = off
	visited := map[int64]bool{}
	for i := 0; ; i++ {
		if i >= maxXrefChain {
			return nil, errors.New("too many cross-reference sections")
		}
		if visited[off] {
			break
		}
		visited[off] = true
		trailer, isStream, err := f.readXrefSection(off)
		if err != nil {
			return nil, fmt.Errorf("cross-reference section at %d: %w", off, err)
		}
		if i == 0 {
			f.trailer, f.xrefStream = trailer, isStream
		}
		if xs, ok := trailer["XRefStm"].(int64); ok && !isStream && !visited[xs] {
			visited[xs] = true
			if _, _, err := f.readXrefSection(xs); err != nil {
				return nil, fmt.Errorf("cross-reference stream at %d: %w", xs, err)
			}
		}
		prev, ok := trailer["Prev"].(int64)
		if !ok {
			break
		}
		off = prev
	}
	return f, nil
}

func (f *pdfFile) addXref(num int, e xrefEntry) {
	if _, ok := f.xref[num]; !ok && num >= 0 {
		f.xref[num] = e
	}
}

func (f *pdfFile) readXrefSection(off int64) (pdfDict, bool, error) {
	if off < 0 || off >= int64(len(f.b)) {
		return nil, false, errors.New("offset outside the file")
	}
	l := &lexer{b: f.b, pos: int(off)}
	l.skipSpace()
	if !l.hasPrefix("xref") {
		return f.readXrefStream(off)
	}
	l.pos += 4
	for {
		l.skipSpace()
		if l.hasPrefix("trailer") {
			l.pos += len("trailer")
			l.skipSpace()
			if !l.hasPrefix("<<") {
				return nil, false, errors.New("trailer dictionary expected")
			}
			d, err := l.dict(0)
			return d, false, err
		}
		start, err := l.integer()
		if err != nil {
			return nil, false, err
		}
		count, err := l.integer()
		if err != nil {
			return nil, false, err
		}
		if start < 0 || count < 0 || start > 1<<31 || count > int64(len(f.b)-l.pos)/18+1 {
			return nil, false, errors.New("bad subsection header")
		}
		for i := int64(0); i < count; i++ {
			o, err := l.integer()
			if err != nil {
				return nil, false, err
			}
			g, err := l.integer()
			if err != nil {
				return nil, false, err
			}
			switch l.keyword() {
			case "n":
				f.addXref(int(start+i), xrefEntry{kind: 1, a: o, b: int(g)})
			case "f":
				f.addXref(int(start+i), xrefEntry{kind: 0})
			default:
				return nil, false, errors.New("bad cross-reference entry")
			}
		}
	}
}

func (f *pdfFile) readXrefStream(off int64) (pdfDict, bool, error) {
	_, _, obj, err := f.objectAt(off)
	if err != nil {
		return nil, true, err
	}
	s, ok := obj.(*pdfStream)
	if !ok || s.Dict["Type"] != pdfName("XRef") {
		return nil, true, errors.New("neither xref table nor xref stream")
	}
	data, err := decodeStream(s)
	if err != nil {
		return nil, true, err
	}
	wa, _ := s.Dict["W"].(pdfArray)
	if len(wa) != 3 {
		return nil, true, errors.New("bad /W")
	}
	var w [3]int
	total := 0
	for i, v := range wa {
		n, ok := v.(int64)
		if !ok || n < 0 || n > 8 {
			return nil, true, errors.New("bad /W")
		}
		w[i] = int(n)
		total += w[i]
	}
	if total == 0 {
		return nil, true, errors.New("bad /W")
	}
	size, _ := s.Dict["Size"].(int64)
	index := pdfArray{int64(0), size}
	if ia, ok := s.Dict["Index"].(pdfArray); ok {
		index = ia
	}
	field := func(p []byte, def int64) int64 {
		if len(p) == 0 {
			return def
		}
		var v int64
		for _, c := range p {
			v = v<<8 | int64(c)
		}
		return v
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || start > 1<<31 {
			return nil, true, errors.New("bad /Index")
		}
		for j := int64(0); j < count; j++ {
			if pos+total > len(data) {
				return s.Dict, true, nil // short stream: keep what we have
			}
			e := data[pos : pos+total]
			pos += total
			typ := field(e[:w[0]], 1)
			a := field(e[w[0]:w[0]+w[1]], 0)
			b := field(e[w[0]+w[1]:], 0)
			switch typ {
			case 0:
				f.addXref(int(start+j), xrefEntry{kind: 0})
			case 1:
				f.addXref(int(start+j), xrefEntry{kind: 1, a: a, b: int(b)})
			case 2:
				f.addXref(int(start+j), xrefEntry{kind: 2, a: a, b: int(b)})
			}
		}
	}
	return s.Dict, true, nil
}

// objectAt parses "num gen obj ... endobj" at offset off.
func (f *pdfFile) objectAt(off int64) (num, gen int, obj any, err error) {
	if off < 0 || off >= int64(len(f.b)) {
		return 0, 0, nil, errors.New("object offset outside the file")
	}
	l := &lexer{b: f.b, pos: int(off)}
	n, err := l.integer()
	if err != nil {
		return 0, 0, nil, err
	}
	g, err := l.integer()
	if err != nil {
		return 0, 0, nil, err
	}
	if kw := l.keyword(); kw != "obj" {
		return 0, 0, nil, fmt.Errorf("obj expected at offset %d", off)
	}
	if n < 0 || n > 1<<31 || g < 0 || g > 65535 {
		return 0, 0, nil, fmt.Errorf("bad object number at offset %d", off)
	}
	obj, err = l.object(0)
	if err != nil {
		return 0, 0, nil, err
	}
	d, ok := obj.(pdfDict)
	if !ok {
		return int(n), int(g), obj, nil
	}
	l.skipSpace()
	if !l.hasPrefix("stream") {
		return int(n), int(g), obj, nil
	}
	l.pos += len("stream")
	if l.pos < len(f.b) && f.b[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(f.b) && f.b[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	length := int64(-1)
	switch v := d["Length"].(type) {
	case int64:
		length = v
	case pdfRef:
		if v.Num != int(n) {
			if lv, err := f.load(v.Num); err == nil {
				if li, ok := lv.(int64); ok {
					length = li
				}
			}
		}
	}
	if length < 0 || length > int64(len(f.b)-start) || !endstreamAt(f.b, start+int(length)) {
		i := bytes.Index(f.b[start:], []byte("endstream"))
		if i < 0 {
			return 0, 0, nil, errors.New("stream without endstream")
		}
		end := start + i
		if end > start && f.b[end-1] == '\n' {
			end--
		}
		if end > start && f.b[end-1] == '\r' {
			end--
		}
		length = int64(end - start)
	}
	return int(n), int(g), &pdfStream{Dict: d, Data: f.b[start : start+int(length)]}, nil
}

func endstreamAt(b []byte, p int) bool {
	for p < len(b) && isSpace(b[p]) {
		p++
	}
	return bytes.HasPrefix(b[p:], []byte("endstream"))
}

// version returns the version in the file header ("1.4"), or "1.0" if unreadable.
func (f *pdfFile) version() string {
	i := bytes.Index(f.b[:min(len(f.b), 1024)], []byte("%PDF-"))
	if i < 0 || i+8 > len(f.b) {
		return "1.0"
	}
	v := f.b[i+5 : i+8]
	if !isDigit(v[0]) || v[1] != '.' || !isDigit(v[2]) {
		return "1.0"
	}
	return string(v)
}

// resolve follows an indirect reference; other objects are returned as they are.
func (f *pdfFile) resolve(o any) (any, error) {
	if r, ok := o.(pdfRef); ok {
		return f.load(r.Num)
	}
	return o, nil
}

// dict resolves o and returns it as a dictionary (nil when it is none).
func (f *pdfFile) dict(o any) pdfDict {
	o, err := f.resolve(o)
	if err != nil {
		return nil
	}
	switch v := o.(type) {
	case pdfDict:
		return v
	case *pdfStream:
		return v.Dict
	}
	return nil
}

// array resolves o and returns it as an array (nil when it is none).
func (f *pdfFile) array(o any) pdfArray {
	o, err := f.resolve(o)
	if err != nil {
		return nil
	}
	a, _ := o.(pdfArray)
	return a
}

// load returns object num of the newest revision (nil for free or missing objects).
func (f *pdfFile) load(num int) (any, error) {
	if o, ok := f.objs[num]; ok {
		return o, nil
	}
	if f.loading[num] {
		return nil, fmt.Errorf("object %d refers to itself", num)
	}
	f.loading[num] = true
	defer delete(f.loading, num)
	e, ok := f.xref[num]
	var obj any
	var err error
	switch {
	case !ok || e.kind == 0:
		obj = nil
	case e.kind == 1:
		var n int
		n, _, obj, err = f.objectAt(e.a)
		if err == nil && n != num {
			err = fmt.Errorf("cross-reference entry of object %d points at object %d", num, n)
		}
	case e.kind == 2:
		obj, err = f.loadCompressed(int(e.a), num)
	}
	if err != nil {
		return nil, fmt.Errorf("object %d: %w", num, err)
	}
	f.objs[num] = obj
	return obj, nil
}

func (f *pdfFile) loadCompressed(stmNum, num int) (any, error) {
	st, ok := f.stms[stmNum]
	if !ok {
		e, ok := f.xref[stmNum]
		if !ok || e.kind != 1 {
			return nil, fmt.Errorf("object stream %d not found", stmNum)
		}
		_, _, o, err := f.objectAt(e.a)
		if err != nil {
			return nil, err
		}
		s, ok := o.(*pdfStream)
		if !ok {
			return nil, fmt.Errorf("object stream %d is no stream", stmNum)
		}
		data, err := decodeStream(s)
		if err != nil {
			return nil, fmt.Errorf("object stream %d: %w", stmNum, err)
		}
		n, _ := s.Dict["N"].(int64)
		first, _ := s.Dict["First"].(int64)
		if n < 0 || first < 0 || first > int64(len(data)) {
			return nil, fmt.Errorf("object stream %d: bad /N or /First", stmNum)
		}
		st = &objStm{data: data, first: int(first), offsets: map[int]int{}}
		l := &lexer{b: data[:first]}
		for i := int64(0); i < n; i++ {
			on, err1 := l.integer()
			oo, err2 := l.integer()
			if err1 != nil || err2 != nil {
				break
			}
			if on >= 0 && on <= 1<<31 && oo >= 0 && oo < int64(len(data)) {
				if _, dup := st.offsets[int(on)]; !dup {
					st.offsets[int(on)] = int(oo)
				}
			}
		}
		f.stms[stmNum] = st
	}
	off, ok := st.offsets[num]
	if !ok || st.first+off > len(st.data) {
		return nil, fmt.Errorf("object not in object stream %d", stmNum)
	}
	l := &lexer{b: st.data, pos: st.first + off}
	return l.object(0)
}

// decodeStream returns the decoded data of s (no filter or FlateDecode, with
// optional PNG predictors).
func decodeStream(s *pdfStream) ([]byte, error) {
	filter := s.Dict["Filter"]
	parms := s.Dict["DecodeParms"]
	if a, ok := filter.(pdfArray); ok {
		if len(a) == 0 {
			filter = nil
		} else if len(a) == 1 {
			filter = a[0]
			if pa, ok := parms.(pdfArray); ok && len(pa) == 1 {
				parms = pa[0]
			}
		} else {
			return nil, errors.New("unsupported filter chain")
		}
	}
	switch filter {
	case nil:
		return s.Data, nil
	case pdfName("FlateDecode"):
	default:
		return nil, fmt.Errorf("unsupported filter %v", filter)
	}
	zr, err := zlib.NewReader(bytes.NewReader(s.Data))
	if err != nil {
		return nil, fmt.Errorf("flate: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, maxDecodedSize+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && len(data) == 0 {
		return nil, fmt.Errorf("flate: %w", err)
	}
	if len(data) > maxDecodedSize {
		return nil, errors.New("decoded stream too large")
	}
	p, _ := parms.(pdfDict)
	pred, _ := p["Predictor"].(int64)
	if pred < 10 {
		if pred > 1 {
			return nil, fmt.Errorf("unsupported predictor %d", pred)
		}
		return data, nil
	}
	cols, ok := p["Columns"].(int64)
	if !ok {
		cols = 1
	}
	colors, ok := p["Colors"].(int64)
	if !ok {
		colors = 1
	}
	bpc, ok := p["BitsPerComponent"].(int64)
	if !ok {
		bpc = 8
	}
	if cols < 1 || cols > 1<<20 || colors < 1 || colors > 32 || bpc < 1 || bpc > 16 {
		return nil, errors.New("bad predictor parameters")
	}
	return unpredictPNG(data, int((colors*bpc+7)/8), int((cols*colors*bpc+7)/8))
}

func unpredictPNG(data []byte, bpp, rowLen int) ([]byte, error) {
	out := make([]byte, 0, len(data))
	prev := make([]byte, rowLen)
	for len(data) >= rowLen+1 {
		typ := data[0]
		row := append([]byte(nil), data[1:rowLen+1]...)
		data = data[rowLen+1:]
		for i := range row {
			var a, b, c byte
			if i >= bpp {
				a = row[i-bpp]
				c = prev[i-bpp]
			}
			b = prev[i]
			switch typ {
			case 0:
			case 1:
				row[i] += a
			case 2:
				row[i] += b
			case 3:
				row[i] += byte((int(a) + int(b)) / 2)
			case 4:
				row[i] += paeth(a, b, c)
			default:
				return nil, fmt.Errorf("bad png predictor row type %d", typ)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// page is one leaf of the page tree.
type page struct {
	ref  pdfRef
	dict pdfDict
	box  [4]float64 // CropBox, else MediaBox, normalised so box[0] < box[2]
}

// pages walks the page tree of catalog in document order.
func (f *pdfFile) pages(catalog pdfDict) ([]page, error) {
	root, ok := catalog["Pages"].(pdfRef)
	if !ok {
		return nil, errors.New("catalog has no /Pages reference")
	}
	var out []page
	seen := map[int]bool{}
	if cr, ok := f.trailer["Root"].(pdfRef); ok {
		seen[cr.Num] = true // the catalog is no page tree node
	}
	var walk func(r pdfRef, media, crop any, depth int) error
	walk = func(r pdfRef, media, crop any, depth int) error {
		if depth > maxNesting || seen[r.Num] || len(out) > maxPages {
			return errors.New("page tree is cyclic or too deep")
		}
		seen[r.Num] = true
		d := f.dict(r)
		if d == nil {
			return fmt.Errorf("page tree node %d is no dictionary", r.Num)
		}
		if v, ok := d["MediaBox"]; ok {
			media = v
		}
		if v, ok := d["CropBox"]; ok {
			crop = v
		}
		if kids, ok := d["Kids"]; ok && d["Type"] != pdfName("Page") {
			for _, k := range f.array(kids) {
				kr, ok := k.(pdfRef)
				if !ok {
					return errors.New("page tree kid is no reference")
				}
				if err := walk(kr, media, crop, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		box, ok := f.rect(crop)
		if !ok {
			if box, ok = f.rect(media); !ok {
				box = [4]float64{0, 0, 595.28, 841.89}
			}
		}
		out = append(out, page{ref: r, dict: d, box: box})
		return nil
	}
	if err := walk(root, nil, nil, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// rect reads a rectangle array, normalised so that r[0] < r[2] and r[1] < r[3].
func (f *pdfFile) rect(o any) ([4]float64, bool) {
	a := f.array(o)
	var r [4]float64
	if len(a) != 4 {
		return r, false
	}
	for i, v := range a {
		n, ok := number(v)
		if !ok {
			return r, false
		}
		r[i] = n
	}
	if r[0] > r[2] {
		r[0], r[2] = r[2], r[0]
	}
	if r[1] > r[3] {
		r[1], r[3] = r[3], r[1]
	}
	return r, r[2] > r[0] && r[3] > r[1]
}

func number(o any) (float64, bool) {
	switch v := o.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}
