package sign

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// minimalPDF writes a one-page PDF by hand with a classic cross-reference table.
func minimalPDF() []byte {
	content := "0 0 1 rg 50 700 200 50 re f"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

// TestWriteTestdata rewrites testdata/blank.pdf (used by the example) and the seed
// corpus of FuzzVerify (small signed files).
func TestWriteTestdata(t *testing.T) {
	if os.Getenv("SIGN_WRITE_TESTDATA") == "" {
		t.Skip("set SIGN_WRITE_TESTDATA=1 to rewrite testdata/blank.pdf and testdata/fuzz/FuzzVerify")
	}
	if err := os.WriteFile(filepath.Join("testdata", "blank.pdf"), minimalPDF(), 0o644); err != nil {
		t.Fatal(err)
	}
	d := demoSigner(t, P256, "Fuzz Ký", "Fuzz")
	once, err := Sign(minimalPDF(), d.signer, Appearance{Rect: [4]float64{10, 10, 40, 20}}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Sign(once, d.signer, Appearance{Rect: [4]float64{10, 30, 40, 40}}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzVerify")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"minimal": minimalPDF(), "signed-once": once, "signed-twice": twice} {
		seed := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(seed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzVerify feeds arbitrary bytes to the PDF reader through Verify and Sign: they
// must never panic, and whatever Sign accepts, Verify must find validly signed.
func FuzzVerify(f *testing.F) {
	f.Add(minimalPDF())
	f.Add([]byte("%PDF-1.7\nstartxref\n0\n%%EOF"))
	f.Add([]byte("%PDF-1.5\n1 0 obj <</Type/XRef/W[1 2 1]/Size 2/Length 0>>stream\n\nendstream endobj\nstartxref\n9\n%%EOF"))
	d := demoSigner(f, P256, "Fuzz Ký", "Fuzz")
	f.Fuzz(func(t *testing.T, data []byte) {
		infos, err := Verify(data, nil)
		if err == nil {
			for _, s := range infos {
				if s.Valid && (s.ByteRange[0] != 0 || s.ByteRange[2]+s.ByteRange[3] > int64(len(data))) {
					t.Fatalf("valid signature with a bad byte range %v", s.ByteRange)
				}
			}
		}
		out, err := Sign(data, d.signer, Appearance{Rect: [4]float64{10, 10, 40, 20}}, signTime)
		if err != nil {
			return
		}
		infos, err = Verify(out, nil)
		if err != nil {
			t.Fatalf("Verify of a file Sign wrote: %v", err)
		}
		if len(infos) == 0 {
			t.Fatal("Verify found no signature in a file Sign wrote")
		}
		last := infos[len(infos)-1]
		if !last.Valid || !last.CoversWholeFile || !last.PAdES {
			t.Fatalf("new signature not valid: %+v", last)
		}
	})
}
