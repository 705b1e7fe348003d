package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"parindex/demo"
)

// need returns the path of a command-line tool, or skips the test.
func need(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s not installed (apt-get install -y --no-install-recommends qpdf poppler-utils)", tool)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

type renderCase struct {
	name  string
	build func(Input) (*Document, error)
	// texts that pdftotext must find
	want []string
}

func renderCases() []renderCase {
	units := []string{"Sở Tài chính", "Sở Tư pháp", "Sở Nội vụ", "Kho bạc Nhà nước khu vực I", "Thuế thành phố Hà Nội"}
	official := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}
	return []renderCase{
		{
			name:  "summary",
			build: Summary,
			want: append(append(append([]string{}, official...), units...),
				"BÁO CÁO", "Nơi nhận:", "TM. HỘI ĐỒNG", "CHỦ TỊCH", "Số: 05/BC-HĐTĐ", "Hà Nội, ngày 05 tháng 02 năm 2025",
				"UBND THÀNH PHỐ HÀ NỘI", "- Lưu: VT, HĐTĐ.", "92,76", "88,50", "87,50", "95,00", "Nguyễn Văn An"),
		},
		{
			name:  "unitsheets",
			build: func(in Input) (*Document, error) { return UnitSheets(in, nil) },
			want: append(append([]string{}, units...),
				"PHỤ LỤC", "Phụ lục kèm theo Báo cáo số 05/BC-HĐTĐ", "Ngày ký: 2025-02-05T00:00:00+07:00",
				"92,76", "88,50", "87,50", "95,00", "Không áp dụng", "Thiếu báo cáo quý IV", "Kết quả điều tra xã hội học"),
		},
		{
			name:  "membersheet",
			build: func(in Input) (*Document, error) { return MemberSheet(in, "m3") },
			want: append(append([]string{}, official...),
				"PHIẾU THẨM ĐỊNH, CHẤM ĐIỂM", "NGƯỜI CHẤM", "Lê Văn Cường", "Sở Tài chính", "Sở Tư pháp", "Sở Nội vụ",
				"28,40", "27,50", "Hà Nội, ngày 05 tháng 02 năm 2025"),
		},
	}
}

// TestRenderPDF renders every report kind and checks the bytes with qpdf and
// poppler: structure, embedded fonts, text, reproducibility, provenance.
func TestRenderPDF(t *testing.T) {
	qpdf := need(t, "qpdf")
	pdffonts := need(t, "pdffonts")
	pdftotext := need(t, "pdftotext")
	fonts := testFonts(t)
	dir := t.TempDir()
	for _, c := range renderCases() {
		t.Run(c.name, func(t *testing.T) {
			in := fixtureInput(t)
			in.Previous = previousResult(t)
			doc, err := c.build(in)
			if err != nil {
				t.Fatal(err)
			}
			pdf, err := Render(doc, fonts)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Render(doc, fonts)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pdf, again) {
				t.Error("rendering twice gave different bytes")
			}
			// A document built again renders the same too.
			doc2, _ := c.build(in)
			if third, _ := Render(doc2, fonts); !bytes.Equal(pdf, third) {
				t.Error("building and rendering again gave different bytes")
			}
			path := writeTemp(t, dir, c.name+".pdf", pdf)
			if os.Getenv("REPORT_KEEP") != "" {
				os.WriteFile(filepath.Join(os.Getenv("REPORT_KEEP"), c.name+".pdf"), pdf, 0o644)
			}

			out := run(t, qpdf, "--check", path)
			if !strings.Contains(out, "No syntax or stream encoding errors") {
				t.Errorf("qpdf --check:\n%s", out)
			}

			out = run(t, pdffonts, path)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) < 3 {
				t.Fatalf("pdffonts lists no font:\n%s", out)
			}
			for _, l := range lines[2:] {
				f := strings.Fields(l)
				// name type... encoding emb sub uni object ID
				if len(f) < 7 {
					t.Errorf("pdffonts line %q", l)
					continue
				}
				emb := f[len(f)-5]
				if emb != "yes" {
					t.Errorf("font not embedded: %s", l)
				}
				if strings.Contains(l, "Type 1") || !strings.Contains(strings.ToLower(l), "liberationserif") {
					t.Errorf("unexpected font: %s", l)
				}
			}

			text := run(t, pdftotext, "-layout", path, "-")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("pdftotext lacks %q", w)
				}
			}
			digest := ResultsDigest(in.Result)
			if !strings.Contains(text, "parindex-results:"+digest) || !strings.Contains(text, "parindex-audit:"+in.Provenance.AuditHead) {
				t.Error("the provenance is not printed in the footer")
			}
			// The provenance is on the last page only.
			pages := strings.Split(text, "\f")
			for i, pg := range pages[:max(0, len(pages)-2)] {
				if strings.Contains(pg, "parindex-results:") {
					t.Errorf("page %d carries the provenance footer", i+1)
				}
			}
			// Page numbers from page 2: page 2 starts with "2".
			if len(pages) > 2 {
				if first := strings.TrimSpace(strings.SplitN(strings.TrimLeft(pages[1], "\n "), "\n", 2)[0]); first != "2" {
					t.Errorf("page 2 starts with %q, not its number", first)
				}
			}
			if m := regexp.MustCompile(`\b1\s*\n`).FindString(strings.SplitN(pages[0], "\n", 2)[0] + "\n"); m != "" {
				t.Error("page 1 carries a page number")
			}

			prov, err := ReadProvenance(pdf)
			if err != nil {
				t.Fatal(err)
			}
			if prov.ResultsDigest != digest || prov.AuditHead != in.Provenance.AuditHead {
				t.Errorf("ReadProvenance: got %+v, want %s / %s", prov, digest, in.Provenance.AuditHead)
			}
		})
	}
}

// TestRenderFallbackFonts renders with Regular and Bold only.
func TestRenderFallbackFonts(t *testing.T) {
	f := testFonts(t)
	f.Italic, f.BoldItalic = nil, nil
	d, err := Summary(fixtureInput(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Render(d, f); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(d, Fonts{}); err == nil {
		t.Error("rendering without fonts was accepted")
	}
}

// TestRenderPNG renders each report kind to PNG files with pdftoppm, for a
// person to look at: set REPORT_PNG to a folder to keep them.
func TestRenderPNG(t *testing.T) {
	pdftoppm := need(t, "pdftoppm")
	dir := os.Getenv("REPORT_PNG")
	if dir == "" {
		dir = t.TempDir()
	}
	fonts := testFonts(t)
	for _, c := range renderCases() {
		in := fixtureInput(t)
		in.Previous = previousResult(t)
		doc, err := c.build(in)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := Render(doc, fonts)
		if err != nil {
			t.Fatal(err)
		}
		path := writeTemp(t, dir, c.name+".pdf", pdf)
		run(t, pdftoppm, "-r", "50", "-png", path, filepath.Join(dir, c.name))
		pngs, _ := filepath.Glob(filepath.Join(dir, c.name+"-*.png"))
		if len(pngs) == 0 {
			t.Errorf("%s: pdftoppm wrote no page", c.name)
		}
	}
}

// TestRenderCityScale renders the reports of the demo datasets (the city:
// 250 units; Hanoi 2024: 72 units) and checks them with qpdf and pdftotext:
// every unit name and index is printed (a member sheet prints only the units
// the member scored). With REPORT_PNG set, the PDFs are kept there for a look.
func TestRenderCityScale(t *testing.T) {
	if testing.Short() {
		t.Skip("testing.Short: the city-scale render runs without -short")
	}
	qpdf := need(t, "qpdf")
	pdftotext := need(t, "pdftotext")
	fonts := testFonts(t)
	dir := os.Getenv("REPORT_PNG")
	if dir == "" {
		dir = t.TempDir()
	}
	for _, c := range []struct {
		name  string
		scale demo.Scale
		build func(Input) (*Document, error)
	}{
		{"city-summary", demo.City, Summary},
		{"hanoi-summary", demo.Hanoi, Summary},
		{"hanoi-unitsheets", demo.Hanoi, func(in Input) (*Document, error) { return UnitSheets(in, nil) }},
		{"hanoi-membersheet", demo.Hanoi, func(in Input) (*Document, error) { return MemberSheet(in, in.Snapshot.Members[2].ID) }},
	} {
		in := demoInput(t, c.scale)
		doc, err := c.build(in)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := Render(doc, fonts)
		if err != nil {
			t.Fatal(err)
		}
		path := writeTemp(t, dir, c.name+".pdf", pdf)
		if out := run(t, qpdf, "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Errorf("%s: qpdf --check:\n%s", c.name, out)
		}
		text := run(t, pdftotext, "-layout", path, "-")
		// Long names wrap in table cells: read the text in drawing order with
		// the white space collapsed.
		raw := strings.Join(strings.Fields(run(t, pdftotext, "-raw", path, "-")), " ")
		for _, u := range in.Result.Units {
			if doc.Kind == KindMemberSheet {
				break
			}
			if !strings.Contains(raw, strings.Join(strings.Fields(u.Name), " ")) {
				t.Errorf("%s: %q is not printed", c.name, u.Name)
			}
			if !strings.Contains(text, u.Index.VI()) {
				t.Errorf("%s: the index %s of %s is not printed", c.name, u.Index.VI(), u.Code)
			}
		}
		t.Logf("%s: %d units, %d pages, %d bytes", c.name, len(in.Result.Units), strings.Count(text, "\f"), len(pdf))
	}
}
