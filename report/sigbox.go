package report

import (
	"math"
	"strconv"
	"strings"
)

// sigBoxPrefix starts the Keywords token that records where a report's
// signature block leaves room for the signature:
// "parindex-sigbox:<page>,<x1>,<y1>,<x2>,<y2>".
const sigBoxPrefix = "parindex-sigbox:"

// sigBox is the stamp box of a signature block: a 1-based page and a
// rectangle in PDF points (x1, y1, x2, y2 from the page's lower left corner,
// the convention of a widget's /Rect). page 0 means there is none.
type sigBox struct {
	page int
	rect [4]float64
}

// String is the Keywords token, in ASCII with the coordinates in points to
// two decimals; "" when there is no box.
func (b sigBox) String() string {
	if b.page < 1 {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(sigBoxPrefix)
	sb.WriteString(strconv.Itoa(b.page))
	for _, v := range b.rect {
		sb.WriteByte(',')
		sb.WriteString(strconv.FormatFloat(v, 'f', 2, 64))
	}
	return sb.String()
}

// keywords is the PDF Keywords value: the provenance, then the signature
// box, separated by "; ".
func keywords(p Provenance, b sigBox) string {
	var parts []string
	if s := p.String(); s != "" {
		parts = append(parts, s)
	}
	if s := b.String(); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// parseSigBox reads the signature box token of a Keywords value.
func parseSigBox(s string) (sigBox, bool) {
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if !strings.HasPrefix(part, sigBoxPrefix) {
			continue
		}
		f := strings.Split(strings.TrimPrefix(part, sigBoxPrefix), ",")
		if len(f) != 5 {
			return sigBox{}, false
		}
		var b sigBox
		var err error
		if b.page, err = strconv.Atoi(f[0]); err != nil || b.page < 1 {
			return sigBox{}, false
		}
		for i := range b.rect {
			v, err := strconv.ParseFloat(f[i+1], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return sigBox{}, false
			}
			b.rect[i] = v
		}
		if b.rect[0] >= b.rect[2] || b.rect[1] >= b.rect[3] {
			return sigBox{}, false
		}
		return b, true
	}
	return sigBox{}, false
}

// SignatureBox reads where a report made by Render leaves room for the
// signature: the blank space of its signature block between the signer's
// title and name, as a 1-based page number and a rectangle in PDF points
// (x1, y1, x2, y2 from the page's lower left corner, as sign.Appearance
// takes it). ok is false for a PDF without a signature block or not made by
// Render. Like ReadProvenance it reads signed and otherwise incrementally
// updated files.
func SignatureBox(pdf []byte) (page int, rect [4]float64, ok bool) {
	if !isPDF(pdf) {
		return 0, rect, false
	}
	s, ok := findKeywords(pdf, func(s string) bool {
		_, ok := parseSigBox(s)
		return ok
	})
	if !ok {
		return 0, rect, false
	}
	b, _ := parseSigBox(s)
	return b.page, b.rect, true
}

// StampPlacement says where to put the visible stamp of a new signature on
// pdf, which already carries existing signatures: the first signature of a
// report made by Render goes into the space its signature block leaves
// between the signer's title and name (ok, with the page and rectangle for
// sign.Appearance); a later signature, or any signature of a PDF without
// that space, gets ok false and the signer's default placement (stacked
// boxes in the lower right of the last page). The command line and the app
// both sign through this decision.
func StampPlacement(pdf []byte, existing int) (page int, rect [4]float64, ok bool) {
	if existing > 0 {
		return 0, rect, false
	}
	return SignatureBox(pdf)
}
