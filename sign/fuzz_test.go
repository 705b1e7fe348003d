package sign

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// TestTestdata checks the committed test data: testdata/blank.pdf (used by
// the example) is what minimalPDF writes, and the signed seeds of FuzzVerify
// still verify as valid. With SIGN_WRITE_TESTDATA=1 it rewrites them.
func TestTestdata(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzVerify")
	if os.Getenv("SIGN_WRITE_TESTDATA") != "" {
		writeTestdata(t, dir)
	}
	blank, err := os.ReadFile(filepath.Join("testdata", "blank.pdf"))
	if err != nil || !bytes.Equal(blank, minimalPDF()) {
		t.Fatalf("testdata/blank.pdf is missing or out of date (%v): rerun with SIGN_WRITE_TESTDATA=1", err)
	}
	for name, want := range map[string]int{"signed-once": 1, "signed-twice": 2} {
		seed, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(seed), "\n", 3)
		quoted := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
		pdf, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
		infos, err := Verify([]byte(pdf), nil)
		if err != nil || len(infos) != want {
			t.Fatalf("seed %s: %d signatures, %v; want %d", name, len(infos), err, want)
		}
		for _, si := range infos {
			if !si.Valid || !si.PAdES {
				t.Errorf("seed %s: signature %s not valid PAdES: %v", name, si.Field, si.Problems)
			}
		}
	}
}

// writeTestdata rewrites testdata/blank.pdf and the signed seeds of FuzzVerify.
func writeTestdata(t *testing.T, dir string) {
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
