package report

import (
	"bytes"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// bboxWord is a word as pdftotext -bbox prints it: points from the page's
// upper left corner.
type bboxWord struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

// bboxPage is one page of pdftotext -bbox output.
type bboxPage struct {
	w, h  float64
	words []bboxWord
}

var (
	bboxPageRE = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	bboxWordRE = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
)

// readBBox runs pdftotext -bbox on a PDF file.
func readBBox(t *testing.T, pdftotext, path string) []bboxPage {
	t.Helper()
	var pages []bboxPage
	f := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, l := range strings.Split(run(t, pdftotext, "-bbox", path, "-"), "\n") {
		if m := bboxPageRE.FindStringSubmatch(l); m != nil {
			pages = append(pages, bboxPage{w: f(m[1]), h: f(m[2])})
		} else if m := bboxWordRE.FindStringSubmatch(l); m != nil && len(pages) > 0 {
			p := &pages[len(pages)-1]
			p.words = append(p.words, bboxWord{html.UnescapeString(m[5]), f(m[1]), f(m[2]), f(m[3]), f(m[4])})
		}
	}
	return pages
}

// find returns the words of the page's last occurrence of phrase, word by
// word, in order of printing.
func (p bboxPage) find(phrase string) []bboxWord {
	want := strings.Fields(phrase)
	for i := len(p.words) - len(want); i >= 0; i-- {
		ok := true
		for k, w := range want {
			if p.words[i+k].text != w {
				ok = false
				break
			}
		}
		if ok {
			return p.words[i : i+len(want)]
		}
	}
	return nil
}

// TestSignatureBox renders the reports with a signature block and checks the
// stamp box written in their Keywords: on the last page, below the signer's
// title (and note), above the name, under the title, and big enough for a
// stamp; the unit sheets, which have no signature block, have none; the
// output stays reproducible.
func TestSignatureBox(t *testing.T) {
	pdftotext := need(t, "pdftotext")
	fonts := testFonts(t)
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		build func(Input) (*Document, error)
		above string // the last line above the signing space
		title string // the signer's title
		below string // the signer's name
	}{
		{"summary", Summary, "CHỦ TỊCH", "CHỦ TỊCH", "Nguyễn Văn An"},
		{"membersheet", func(in Input) (*Document, error) { return MemberSheet(in, "m3") },
			"(Ký, ghi rõ họ tên)", "NGƯỜI CHẤM", "Lê Văn Cường"},
		{"unitsheets", func(in Input) (*Document, error) { return UnitSheets(in, nil) }, "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := fixtureInput(t)
			doc, err := c.build(in)
			if err != nil {
				t.Fatal(err)
			}
			pdf, err := Render(doc, fonts)
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := Render(doc, fonts); !bytes.Equal(pdf, again) {
				t.Error("rendering twice gave different bytes")
			}
			if p, err := ReadProvenance(pdf); err != nil || p.AuditHead != in.Provenance.AuditHead {
				t.Errorf("provenance next to the signature box: %+v, %v", p, err)
			}
			page, rect, ok := SignatureBox(pdf)
			if c.below == "" {
				if ok {
					t.Fatalf("a report without a signature block has a signature box: page %d %v", page, rect)
				}
				return
			}
			if !ok {
				t.Fatal("no signature box")
			}
			path := writeTemp(t, dir, c.name+".pdf", pdf)
			if keep := os.Getenv("REPORT_KEEP"); keep != "" {
				os.WriteFile(filepath.Join(keep, c.name+"-sigbox.pdf"), pdf, 0o644)
			}
			pages := readBBox(t, pdftotext, path)
			if page != len(pages) {
				t.Fatalf("signature box on page %d of %d", page, len(pages))
			}
			pg := pages[page-1]
			above, title, below := pg.find(c.above), pg.find(c.title), pg.find(c.below)
			if above == nil || title == nil || below == nil {
				t.Fatalf("last page lacks %q, %q or %q", c.above, c.title, c.below)
			}
			// The box in the page's top-down coordinates of pdftotext.
			top, bottom := pg.h-rect[3], pg.h-rect[1]
			if top < above[0].yMax {
				t.Errorf("box top %.1f pt overlaps %q (down to %.1f)", top, c.above, above[0].yMax)
			}
			if bottom > below[0].yMin {
				t.Errorf("box bottom %.1f pt overlaps %q (from %.1f)", bottom, c.below, below[0].yMin)
			}
			if h := rect[3] - rect[1]; h < 60 || h > 90 {
				t.Errorf("box height %.1f pt, want a stamp's 60-90", h)
			}
			if w := rect[2] - rect[0]; w < 180 || w > 260 {
				t.Errorf("box width %.1f pt, want a stamp's 180-260", w)
			}
			mid := (title[0].xMin + title[len(title)-1].xMax) / 2
			if d := (rect[0]+rect[2])/2 - mid; d < -3 || d > 3 {
				t.Errorf("box centred %.1f pt off the title", d)
			}
			if rect[0] < 0 || rect[2] > pg.w || rect[1] < 0 || rect[3] > pg.h {
				t.Errorf("box %v off the %gx%g page", rect, pg.w, pg.h)
			}
			// The first signature goes there, later ones do not.
			if p2, r2, ok := StampPlacement(pdf, 0); !ok || p2 != page || r2 != rect {
				t.Errorf("StampPlacement of the first signature: %d %v %v", p2, r2, ok)
			}
			if _, _, ok := StampPlacement(pdf, 1); ok {
				t.Error("StampPlacement put a second signature in the signature block")
			}
			// An incremental update (such as a signature) that writes the
			// document information again without the box leaves it readable.
			updated := append(append([]byte{}, pdf...), "\n9999 0 obj\n<< /Keywords (other) >>\nendobj\n%%EOF\n"...)
			if p2, r2, ok := SignatureBox(updated); !ok || p2 != page || r2 != rect {
				t.Errorf("after an update: %d %v %v", p2, r2, ok)
			}
		})
	}
}

func TestParseSigBox(t *testing.T) {
	b := sigBox{page: 3, rect: [4]float64{310.75, 294.5, 537.52, 369.47}}
	kw := keywords(Provenance{ResultsDigest: "sha256:ab", AuditHead: "cd"}, b)
	if kw != "parindex-results:sha256:ab; parindex-audit:cd; parindex-sigbox:3,310.75,294.50,537.52,369.47" {
		t.Errorf("keywords %q", kw)
	}
	if got, ok := parseSigBox(kw); !ok || got != b {
		t.Errorf("read back %+v %v", got, ok)
	}
	if kw := keywords(Provenance{}, sigBox{}); kw != "" {
		t.Errorf("no provenance and no box: %q", kw)
	}
	for _, s := range []string{
		"", "parindex-sigbox:", "parindex-sigbox:1,2,3,4", "parindex-sigbox:0,1,2,3,4",
		"parindex-sigbox:1,5,2,3,4", "parindex-sigbox:1,1,4,3,2", "parindex-sigbox:1,1,x,3,4",
		"parindex-sigbox:1,NaN,2,3,4", "parindex-sigbox:-1,1,2,3,4",
	} {
		if got, ok := parseSigBox(s); ok {
			t.Errorf("%q read as %+v", s, got)
		}
	}
	for name, pdf := range map[string][]byte{
		"not a pdf":     []byte("parindex-sigbox:1,1,2,3,4"),
		"no keywords":   []byte("%PDF-1.4\n<< /Title (x) >>\n"),
		"provenance":    []byte("%PDF-1.4\n<< /Keywords (parindex-results:sha256:ab) >>\n"),
		"not this kind": []byte("%PDF-1.4\n<< /Keywords (sigbox 1,1,2,3,4) >>\n"),
	} {
		if p, r, ok := SignatureBox(pdf); ok {
			t.Errorf("%s: box %d %v", name, p, r)
		}
	}
	if p, r, ok := SignatureBox([]byte("%PDF-1.4\n<< /Keywords (parindex-sigbox:2,1,2,3,4) >>\n")); !ok || p != 2 || r != [4]float64{1, 2, 3, 4} {
		t.Errorf("a box alone: %d %v %v", p, r, ok)
	}
}
