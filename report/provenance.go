package report

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"parindex/index"
)

// Prefixes of the provenance tokens written in a PDF's Keywords:
// "parindex-results:sha256:<hex>; parindex-audit:<head>".
const (
	resultsPrefix = "parindex-results:"
	auditPrefix   = "parindex-audit:"
)

// ResultsDigest returns "sha256:" and the hex SHA-256 of a canonical
// encoding of everything the reports show of a result. The encoding
// (version 1) is UTF-8 text, one record a line, each line ending in "\n",
// fields separated by a tab, strings in NFC quoted as by strconv.Quote,
// points and percentages with two decimals and a decimal point ("92.76"):
//
//	parindex-results/v1
//	period <year> <round>
//	block <code> <count> <mean> <median> <min> <max> <band>=<count>,...   (blocks sorted by code)
//	unit <code> <block> <appraisal> <survey> <bonus> <penalty> <total> <max> <index> <rank> <band>
//	field <unit code> <field code> <points> <max> <index>                 (after their unit, in framework order)
//
// Units are sorted by code. Bonus and penalty are the capped values; the
// penalty is positive. Band labels in the block line are quoted too. The same
// result always gives the same digest, whatever the order of its slices.
func ResultsDigest(res *index.Result) string {
	h := sha256.New()
	io.WriteString(h, canonicalResults(res))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// canonicalResults is the text ResultsDigest hashes.
func canonicalResults(res *index.Result) string {
	var b strings.Builder
	q := func(s string) string { return strconv.Quote(nfc(s)) }
	line := func(fields ...string) {
		b.WriteString(strings.Join(fields, "\t"))
		b.WriteByte('\n')
	}
	line("parindex-results/v1")
	if res == nil {
		return b.String()
	}
	line("period", strconv.Itoa(res.Period.Year), q(string(res.Period.Round)))
	blocks := append([]index.BlockResult(nil), res.Blocks...)
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].Code < blocks[j].Code })
	for _, bl := range blocks {
		bands := make([]string, len(bl.Bands))
		for i, bc := range bl.Bands {
			bands[i] = q(bc.Label) + "=" + strconv.Itoa(bc.Count)
		}
		line("block", q(bl.Code), strconv.Itoa(bl.Count), bl.Mean.String(), bl.Median.String(),
			bl.Min.String(), bl.Max.String(), strings.Join(bands, ","))
	}
	units := make([]*index.UnitResult, len(res.Units))
	for i := range res.Units {
		units[i] = &res.Units[i]
	}
	sort.SliceStable(units, func(i, j int) bool { return units[i].Code < units[j].Code })
	for _, u := range units {
		line("unit", q(u.Code), q(u.Block), u.Appraisal.String(), u.Survey.String(), u.Bonus.String(),
			u.Penalty.String(), u.Total.String(), u.Max.String(), u.Index.String(), strconv.Itoa(u.Rank), q(u.Band))
		for _, f := range u.Fields {
			line("field", q(u.Code), q(f.Code), f.Points.String(), f.Max.String(), f.Index.String())
		}
	}
	return b.String()
}

// String prints the provenance as written in the PDF Keywords:
// "parindex-results:sha256:<hex>; parindex-audit:<head>". Empty parts are
// left out.
func (p Provenance) String() string {
	var parts []string
	if p.ResultsDigest != "" {
		parts = append(parts, resultsPrefix+p.ResultsDigest)
	}
	if p.AuditHead != "" {
		parts = append(parts, auditPrefix+p.AuditHead)
	}
	return strings.Join(parts, "; ")
}

// checkProvenance refuses provenance that is not plain printable ASCII
// without spaces and semicolons, so that it reads back unchanged.
func checkProvenance(p Provenance) error {
	for _, v := range []string{p.ResultsDigest, p.AuditHead} {
		for i := 0; i < len(v); i++ {
			if c := v[i]; c <= ' ' || c > '~' || c == ';' || c == '(' || c == ')' || c == '\\' {
				return fmt.Errorf("report: provenance %q must be printable ASCII without spaces, semicolons, parentheses or backslashes", v)
			}
		}
	}
	return nil
}

// parseProvenance reads the tokens of a Keywords value.
func parseProvenance(s string) (Provenance, bool) {
	var p Provenance
	found := false
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		switch {
		case strings.HasPrefix(part, resultsPrefix):
			p.ResultsDigest, found = strings.TrimPrefix(part, resultsPrefix), true
		case strings.HasPrefix(part, auditPrefix):
			p.AuditHead, found = strings.TrimPrefix(part, auditPrefix), true
		}
	}
	return p, found
}

// ErrNoProvenance is returned by ReadProvenance for a PDF that carries no
// parindex provenance.
var ErrNoProvenance = errors.New("report: the PDF carries no parindex provenance")

// ReadProvenance reads the provenance that Render wrote in a PDF's Keywords.
// It reads the document information dictionary as written (literal or hex
// strings, PDFDocEncoding or UTF-16BE), taking the last one when the file
// was updated incrementally (e.g. signed); when the dictionary sits in a
// compressed object stream it looks into the Flate streams too.
func ReadProvenance(pdf []byte) (Provenance, error) {
	if !isPDF(pdf) {
		return Provenance{}, errors.New("report: not a PDF file")
	}
	s, ok := findKeywords(pdf, func(s string) bool {
		_, ok := parseProvenance(s)
		return ok
	})
	if !ok {
		return Provenance{}, ErrNoProvenance
	}
	p, _ := parseProvenance(s)
	return p, nil
}

// isPDF reports whether data starts like a PDF file.
func isPDF(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, "\x00\t\r\n "), []byte("%PDF-"))
}

// findKeywords returns the last /Keywords string of a PDF that accept takes,
// looking at the file as written and, when none is found there, into its
// Flate streams (object streams).
func findKeywords(pdf []byte, accept func(string) bool) (string, bool) {
	if s, ok := keywordsIn(pdf, accept); ok {
		return s, true
	}
	rest := pdf
	for {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			break
		}
		start := i + len("stream")
		if bytes.HasPrefix(rest[start:], []byte("\r\n")) {
			start += 2
		} else if bytes.HasPrefix(rest[start:], []byte("\n")) {
			start++
		} else {
			rest = rest[start:]
			continue
		}
		end := bytes.Index(rest[start:], []byte("endstream"))
		if end < 0 {
			break
		}
		if zr, err := zlib.NewReader(bytes.NewReader(rest[start : start+end])); err == nil {
			data, err := io.ReadAll(io.LimitReader(zr, 64<<20))
			if err == nil || len(data) > 0 {
				if s, ok := keywordsIn(data, accept); ok {
					return s, true
				}
			}
		}
		rest = rest[start+end+len("endstream"):]
	}
	return "", false
}

// keywordsIn finds the last /Keywords string in data that accept takes.
func keywordsIn(data []byte, accept func(string) bool) (string, bool) {
	last := ""
	found := false
	key := []byte("/Keywords")
	for off := 0; ; {
		i := bytes.Index(data[off:], key)
		if i < 0 {
			break
		}
		pos := off + i + len(key)
		off = pos
		s, ok := pdfString(data[pos:])
		if !ok {
			continue
		}
		if accept(s) {
			last, found = s, true
		}
	}
	return last, found
}

// pdfString decodes the PDF string object at the start of b (after
// whitespace): a literal (...) string with escapes or a hex <...> string,
// in PDFDocEncoding (read as Latin-1) or UTF-16BE with a byte order mark.
func pdfString(b []byte) (string, bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t') {
		i++
	}
	if i >= len(b) {
		return "", false
	}
	var raw []byte
	switch b[i] {
	case '(':
		depth := 0
		for j := i + 1; j < len(b); j++ {
			c := b[j]
			switch c {
			case '\\':
				j++
				if j >= len(b) {
					return "", false
				}
				switch e := b[j]; e {
				case 'n':
					raw = append(raw, '\n')
				case 'r':
					raw = append(raw, '\r')
				case 't':
					raw = append(raw, '\t')
				case 'b':
					raw = append(raw, '\b')
				case 'f':
					raw = append(raw, '\f')
				case '\r':
					if j+1 < len(b) && b[j+1] == '\n' {
						j++
					}
				case '\n':
				default:
					if e >= '0' && e <= '7' {
						v := int(e - '0')
						for k := 0; k < 2 && j+1 < len(b) && b[j+1] >= '0' && b[j+1] <= '7'; k++ {
							j++
							v = v*8 + int(b[j]-'0')
						}
						raw = append(raw, byte(v))
					} else {
						raw = append(raw, e)
					}
				}
			case '(':
				depth++
				raw = append(raw, c)
			case ')':
				if depth == 0 {
					return decodeText(raw), true
				}
				depth--
				raw = append(raw, c)
			default:
				raw = append(raw, c)
			}
		}
		return "", false
	case '<':
		end := bytes.IndexByte(b[i:], '>')
		if end < 0 {
			return "", false
		}
		h := make([]byte, 0, end)
		for _, c := range b[i+1 : i+end] {
			if c != ' ' && c != '\r' && c != '\n' && c != '\t' {
				h = append(h, c)
			}
		}
		if len(h)%2 == 1 {
			h = append(h, '0')
		}
		raw = make([]byte, len(h)/2)
		if _, err := hex.Decode(raw, h); err != nil {
			return "", false
		}
		return decodeText(raw), true
	}
	return "", false
}

// decodeText decodes a PDF text string: UTF-16BE with a BOM, UTF-8 with a
// BOM (PDF 2.0), or single bytes.
func decodeText(raw []byte) string {
	switch {
	case len(raw) >= 2 && raw[0] == 0xFE && raw[1] == 0xFF:
		u := make([]uint16, 0, len(raw)/2)
		for k := 2; k+1 < len(raw); k += 2 {
			u = append(u, uint16(raw[k])<<8|uint16(raw[k+1]))
		}
		return string(utf16.Decode(u))
	case len(raw) >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF:
		return string(raw[3:])
	}
	r := make([]rune, len(raw))
	for k, c := range raw {
		r[k] = rune(c)
	}
	return string(r)
}
