package sign

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"

	"parindex/assets"
)

var signTime = time.Date(2026, 11, 25, 10, 30, 0, 0, ICT)

const (
	name1 = "Nguyễn Trọng Đông"
	org1  = "Hội đồng thẩm định Chỉ số CCHC"
	name2 = "Trần Thị Thu Hà"
	org2  = "Sở Nội vụ thành phố Hà Nội"
	pass  = "mật khẩu demo"
)

// testPDF makes an A4 document of n pages with Vietnamese text, as gofpdf writes it
// (classic cross-reference table, compressed content streams).
func testPDF(t testing.TB, n int) []byte {
	t.Helper()
	regular, err := assets.Fonts.ReadFile("fonts/LiberationSerif-Regular.ttf")
	if err != nil {
		t.Fatal(err)
	}
	bold, err := assets.Fonts.ReadFile("fonts/LiberationSerif-Bold.ttf")
	if err != nil {
		t.Fatal(err)
	}
	p := gofpdf.New("P", "mm", "A4", "")
	p.SetCatalogSort(true)
	p.SetCreationDate(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	p.SetModificationDate(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	p.AddUTF8FontFromBytes("Serif", "", regular)
	p.AddUTF8FontFromBytes("Serif", "B", bold)
	p.SetMargins(30, 20, 15)
	for i := 1; i <= n; i++ {
		p.AddPage()
		p.SetFont("Serif", "B", 14)
		p.CellFormat(0, 8, norm.NFC.String("BÁO CÁO KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CCHC NĂM 2026"), "", 1, "C", false, 0, "")
		p.SetFont("Serif", "", 13)
		p.MultiCell(0, 7, norm.NFC.String(fmt.Sprintf("Trang %d. Hội đồng thẩm định, đánh giá, chấm điểm "+
			"Chỉ số cải cách hành chính đã họp và thống nhất kết quả: Sở Tài chính đạt 92,76 điểm; "+
			"điều tra xã hội học: 26,36 điểm.", i)), "", "J", false)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type demo struct {
	signer *Signer
	ca     *x509.Certificate
}

var (
	demoMu    sync.Mutex
	demoCache = map[string]demo{}
)

// demoSigner makes (once per test binary) a demo certificate and loads it back.
func demoSigner(t testing.TB, kind KeyKind, name, org string) demo {
	t.Helper()
	demoMu.Lock()
	defer demoMu.Unlock()
	key := string(kind) + "|" + name + "|" + org
	if d, ok := demoCache[key]; ok {
		return d
	}
	p12, caPEM, err := DemoCertificate(name, org, kind, pass, signTime)
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadPKCS12(p12, pass)
	if err != nil {
		t.Fatal(err)
	}
	roots, err := ParseCertificatesPEM(caPEM)
	if err != nil {
		t.Fatal(err)
	}
	d := demo{signer: s, ca: roots[0]}
	demoCache[key] = d
	return d
}

func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt-get install qpdf poppler-utils)", name)
	}
	return p
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func qpdfCheck(t *testing.T, pdf []byte) {
	t.Helper()
	needTool(t, "qpdf")
	out, err := exec.Command("qpdf", "--check", writeTemp(t, "check.pdf", pdf)).CombinedOutput()
	if err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("No syntax or stream encoding errors found")) {
		t.Fatalf("qpdf --check:\n%s", out)
	}
}

// pdfsigResult runs poppler's pdfsig (which exits 0 even for invalid signatures)
// and returns, per signature, its validation line, plus the whole output.
func pdfsig(t *testing.T, pdf []byte) ([]string, string) {
	t.Helper()
	needTool(t, "pdfsig")
	cmd := exec.Command("pdfsig", writeTemp(t, "sig.pdf", pdf))
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // no NSS database of the user
	out, _ := cmd.CombinedOutput()
	var lines []string
	for _, m := range regexp.MustCompile(`(?m)Signature Validation: (.*)$`).FindAllStringSubmatch(string(out), -1) {
		lines = append(lines, strings.TrimSpace(m[1]))
	}
	return lines, string(out)
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x01
	return c
}

func TestSignTwiceEveryKeyKind(t *testing.T) {
	base := testPDF(t, 1)
	for _, kind := range KeyKinds {
		t.Run(string(kind), func(t *testing.T) {
			d1 := demoSigner(t, kind, name1, org1)
			d2 := demoSigner(t, kind, name2, org2)
			roots := []*x509.Certificate{d1.ca, d2.ca}

			once, err := Sign(base, d1.signer, Appearance{Reason: "Phê duyệt báo cáo", Location: "Hà Nội"}, signTime)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(once, base) {
				t.Fatal("signing rewrote the original bytes instead of appending")
			}
			twice, err := Sign(once, d2.signer, Appearance{}, signTime.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(twice, once) {
				t.Fatal("second signature rewrote the first revision")
			}
			qpdfCheck(t, once)
			qpdfCheck(t, twice)

			lines, out := pdfsig(t, twice)
			if len(lines) != 2 {
				t.Fatalf("pdfsig found %d signatures, want 2:\n%s", len(lines), out)
			}
			for i, l := range lines {
				if l != "Signature is Valid." {
					t.Errorf("pdfsig signature %d: %q\n%s", i+1, l, out)
				}
			}
			if !strings.Contains(out, "ETSI.CAdES.detached") {
				t.Errorf("pdfsig does not report the PAdES sub-filter:\n%s", out)
			}
			for _, n := range []string{name1, name2} {
				if !strings.Contains(out, n) {
					t.Errorf("pdfsig output lacks signer %q:\n%s", n, out)
				}
			}

			infos, err := Verify(twice, roots)
			if err != nil {
				t.Fatal(err)
			}
			if len(infos) != 2 {
				t.Fatalf("Verify found %d signatures, want 2", len(infos))
			}
			want := []struct {
				field, signer, org string
				at                 time.Time
				whole              bool
			}{
				{"Signature1", name1, org1, signTime, false},
				{"Signature2", name2, org2, signTime.Add(time.Hour), true},
			}
			for i, w := range want {
				got := infos[i]
				if !got.Valid || !got.Trusted || !got.PAdES || !got.CoversRevision || !got.OK() {
					t.Errorf("signature %d: %+v", i+1, got)
				}
				if got.Field != w.field || got.Signer != w.signer || got.Org != w.org || !got.Time.Equal(w.at) ||
					got.CoversWholeFile != w.whole || got.SubFilter != "ETSI.CAdES.detached" {
					t.Errorf("signature %d: got %q %q %q %v whole=%v %s", i+1,
						got.Field, got.Signer, got.Org, got.Time, got.CoversWholeFile, got.SubFilter)
				}
				if _, off := got.Time.Zone(); off != 7*3600 {
					t.Errorf("signature %d: time zone offset %d, want +07:00", i+1, off)
				}
			}
			if infos[0].Reason != "Phê duyệt báo cáo" || infos[0].Location != "Hà Nội" {
				t.Errorf("reason/location: %q %q", infos[0].Reason, infos[0].Location)
			}
			if len(infos[1].Problems) != 0 {
				t.Errorf("last signature has problems: %v", infos[1].Problems)
			}

			// A flipped byte inside the first page's content stream breaks both.
			i := bytes.Index(base, []byte("stream\n"))
			if i < 0 {
				t.Fatal("no stream in the test pdf")
			}
			bad := flip(twice, i+len("stream\n")+5)
			lines, out = pdfsig(t, bad)
			if len(lines) != 2 {
				t.Fatalf("pdfsig on the changed file found %d signatures:\n%s", len(lines), out)
			}
			for i, l := range lines {
				if l == "Signature is Valid." {
					t.Errorf("pdfsig still says signature %d is valid after a change", i+1)
				}
			}
			infos, err = Verify(bad, roots)
			if err != nil {
				t.Fatal(err)
			}
			if len(infos) != 2 {
				t.Fatalf("Verify on the changed file found %d signatures", len(infos))
			}
			for i, got := range infos {
				if got.Valid || got.OK() || !hasProblem(got, "message digest mismatch") {
					t.Errorf("changed file, signature %d: valid=%v problems=%v", i+1, got.Valid, got.Problems)
				}
			}
		})
	}
}

func hasProblem(s SignatureInfo, sub string) bool {
	for _, p := range s.Problems {
		if strings.Contains(p, sub) {
			return true
		}
	}
	return false
}

// Every byte of the signed ranges matters: flip bytes spread over the file.
func TestVerifyDetectsAnyChangedByte(t *testing.T) {
	d := demoSigner(t, P256, name1, org1)
	signed, err := Sign(testPDF(t, 1), d.signer, Appearance{}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(signed, []*x509.Certificate{d.ca})
	if err != nil || len(infos) != 1 || !infos[0].OK() {
		t.Fatalf("unchanged file: %v %+v", err, infos)
	}
	br := infos[0].ByteRange
	for i := 0; i < len(signed); i += 97 {
		if int64(i) >= br[1] && int64(i) < br[2] {
			continue // inside the signature value itself, tested below
		}
		infos, err := Verify(flip(signed, i), []*x509.Certificate{d.ca})
		if err == nil && len(infos) == 1 && infos[0].Valid {
			t.Fatalf("byte %d (%q) changed and the signature is still valid", i, signed[i])
		}
	}
	// A changed character inside the CMS (here in the signature value at its
	// end): whether it stays a hex digit or not, the signature is there and
	// invalid.
	cms := trimDER(mustHexDecode(t, signed[br[1]+1:br[2]-1]))
	at := int(br[1]) + 1 + 2*len(cms) - 3
	for _, c := range []byte{'0', '7', 'a', 'f', 'g'} {
		if c == signed[at] {
			continue
		}
		changed := append([]byte(nil), signed...)
		changed[at] = c
		infos, err = Verify(changed, []*x509.Certificate{d.ca})
		if err != nil || len(infos) != 1 || infos[0].Valid || infos[0].OK() {
			t.Fatalf("signature value character set to %q: %v %+v", c, err, infos)
		}
	}
}

func mustHexDecode(t *testing.T, h []byte) []byte {
	t.Helper()
	out := make([]byte, len(h)/2)
	for i := range out {
		var v byte
		if _, err := fmt.Sscanf(string(h[2*i:2*i+2]), "%02x", &v); err != nil {
			t.Fatal(err)
		}
		out[i] = v
	}
	return out
}

func TestVerifyTrustAndAppendedData(t *testing.T) {
	d := demoSigner(t, RSA2048, name1, org1)
	signed, err := Sign(testPDF(t, 2), d.signer, Appearance{Page: 1}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(signed, nil)
	if err != nil || len(infos) != 1 {
		t.Fatalf("%v %+v", err, infos)
	}
	if !infos[0].Valid || infos[0].Trusted || !hasProblem(infos[0], "not trusted") {
		t.Errorf("without the demo root: valid=%v trusted=%v %v", infos[0].Valid, infos[0].Trusted, infos[0].Problems)
	}
	// Bytes appended after signing are outside the signature: still valid, but it
	// no longer covers the whole file.
	appended := append(append([]byte(nil), signed...), []byte("1 0 obj\n(changed)\nendobj\n")...)
	infos, err = Verify(appended, []*x509.Certificate{d.ca})
	if err != nil || len(infos) != 1 {
		t.Fatalf("%v %+v", err, infos)
	}
	if !infos[0].Valid || infos[0].CoversWholeFile || !infos[0].CoversRevision || len(infos[0].Problems) == 0 {
		t.Errorf("appended data: %+v", infos[0])
	}
	// A file without signatures.
	infos, err = Verify(testPDF(t, 1), nil)
	if err != nil || len(infos) != 0 {
		t.Errorf("unsigned file: %v %+v", err, infos)
	}
	if _, err := Verify([]byte("not a pdf"), nil); err == nil {
		t.Error("Verify accepted garbage")
	}
}

// Inputs with cross-reference and object streams (as qpdf writes them) sign too,
// three times over.
func TestSignObjectStreams(t *testing.T) {
	needTool(t, "qpdf")
	in := writeTemp(t, "in.pdf", testPDF(t, 3))
	outPath := filepath.Join(t.TempDir(), "objstm.pdf")
	if out, err := exec.Command("qpdf", "--object-streams=generate", in, outPath).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf, []byte("/ObjStm")) {
		t.Fatal("qpdf wrote no object streams")
	}
	d1 := demoSigner(t, RSA2048, name1, org1)
	d2 := demoSigner(t, P256, name2, org2)
	roots := []*x509.Certificate{d1.ca, d2.ca}
	for i, d := range []demo{d1, d2, d1} {
		pdf, err = Sign(pdf, d.signer, Appearance{Page: 2}, signTime.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatalf("signature %d: %v", i+1, err)
		}
	}
	qpdfCheck(t, pdf)
	lines, out := pdfsig(t, pdf)
	if len(lines) != 3 {
		t.Fatalf("pdfsig found %d signatures:\n%s", len(lines), out)
	}
	for i, l := range lines {
		if l != "Signature is Valid." {
			t.Errorf("pdfsig signature %d: %q", i+1, l)
		}
	}
	infos, err := Verify(pdf, roots)
	if err != nil || len(infos) != 3 {
		t.Fatalf("%v %d", err, len(infos))
	}
	for i, s := range infos {
		if !s.OK() || !s.PAdES || s.CoversWholeFile != (i == 2) {
			t.Errorf("signature %d: %+v", i+1, s)
		}
	}
}

// testImages draws a blue scribble (signature) and a red ring (seal, with alpha).
func testImages(t *testing.T) (sig, seal []byte) {
	t.Helper()
	s := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	for x := 10; x < 290; x++ {
		y := 60 + int(35*math.Sin(float64(x)/18))
		for dy := -2; dy <= 2; dy++ {
			s.Set(x, y+dy, color.NRGBA{R: 0x10, G: 0x30, B: 0xc0, A: 0xff})
		}
	}
	r := image.NewNRGBA(image.Rect(0, 0, 200, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 200; x++ {
			d := math.Hypot(float64(x-100), float64(y-100))
			if (d > 80 && d < 95) || (d < 40 && (x+y)%12 < 6) {
				r.Set(x, y, color.NRGBA{R: 0xd0, G: 0x10, B: 0x10, A: 0xd0})
			}
		}
	}
	var a, b bytes.Buffer
	if err := png.Encode(&a, s); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&b, r); err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), b.Bytes()
}

// The stamp is visible where it was put: render the page and look at the box.
// Set SIGN_KEEP=dir to keep the rendered pages for a look.
func TestAppearanceRenders(t *testing.T) {
	needTool(t, "pdftoppm")
	d := demoSigner(t, RSA2048, name1, org1)
	sigPNG, sealPNG := testImages(t)
	rect := [4]float64{300, 60, 540, 150}
	signed, err := Sign(testPDF(t, 2), d.signer, Appearance{Rect: rect, Image: sigPNG, Seal: sealPNG,
		Name: norm.NFD.String(name1), Reason: "Ký duyệt"}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	// A second signature with the default (text-only) stamp on the last page.
	signed, err = Sign(signed, demoSigner(t, P256, name2, org2).signer, Appearance{}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if keep := os.Getenv("SIGN_KEEP"); keep != "" {
		dir = keep
	}
	in := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(in, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	const dpi = 60
	if out, err := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-png", "-f", "2", "-l", "2", in,
		filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(matches) != 1 {
		t.Fatalf("pdftoppm made %v", matches)
	}
	f, err := os.Open(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	hPx := img.Bounds().Dy()
	count := func(r [4]float64) (ink, blue, red int) {
		scale := dpi / 72.0
		for y := hPx - int(r[3]*scale); y < hPx-int(r[1]*scale); y++ {
			for x := int(r[0] * scale); x < int(r[2]*scale); x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				if int(c.R)+int(c.G)+int(c.B) < 3*200 {
					ink++
				}
				if c.B > 120 && c.R < 100 {
					blue++
				}
				if c.R > 150 && c.G < 100 && c.B < 100 {
					red++
				}
			}
		}
		return
	}
	ink, blue, red := count(rect)
	area := (rect[2] - rect[0]) * (rect[3] - rect[1]) * dpi * dpi / 72 / 72
	if float64(ink) < area/50 || blue == 0 || red == 0 {
		t.Errorf("stamp box looks blank: %d inked, %d blue, %d red of %.0f pixels", ink, blue, red, area)
	}
	// The default box (lower right, 20 mm from the edges) holds the second stamp.
	def := defaultRect([4]float64{0, 0, 595.28, 841.89}, [][4]float64{rect})
	if def[1] < rect[3] {
		t.Errorf("default box %v overlaps the first stamp %v", def, rect)
	}
	if ink, _, _ := count(def); ink == 0 {
		t.Errorf("default stamp box %v is blank", def)
	}
	// Well away from both boxes, the lower left corner stays white.
	if ink, _, _ := count([4]float64{20, 20, 80, 50}); ink != 0 {
		t.Errorf("%d inked pixels outside the stamps", ink)
	}
}

// The stamp text and /Name are NFC even when the caller passes NFD.
func TestNameIsNFC(t *testing.T) {
	d := demoSigner(t, P256, name1, org1)
	signed, err := Sign(testPDF(t, 1), d.signer, Appearance{Name: norm.NFD.String(name1)}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(signed, []byte(textString(name1))) {
		t.Error("/Name is not the NFC form of the name")
	}
}

func TestLoadPKCS12(t *testing.T) {
	p12, _, err := DemoCertificate(name1, org1, P256, pass, signTime)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPKCS12(p12, "wrong"); err == nil {
		t.Error("wrong password accepted")
	}
	s, err := LoadPKCS12(p12, pass)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cert.Subject.CommonName != name1 || len(s.Chain) != 1 || s.Chain[0].Subject.CommonName != DemoCAName {
		t.Errorf("loaded %q with chain %d", s.Cert.Subject.CommonName, len(s.Chain))
	}
	if s.Cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		t.Errorf("key usage %v", s.Cert.KeyUsage)
	}
	if _, err := ParseKeyKind("rsa1024"); err == nil {
		t.Error("ParseKeyKind accepted rsa1024")
	}
}

// A PKCS#12 file exported by OpenSSL 3 with its defaults (AES-256, PBKDF2).
func TestLoadPKCS12FromOpenSSL(t *testing.T) {
	openssl := needTool(t, "openssl")
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	run("req", "-x509", "-newkey", "rsa:3072", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
		"-days", "30", "-subj", "/CN=OpenSSL Signer/O=Test", "-addext", "keyUsage=digitalSignature,nonRepudiation")
	run("pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-out", "s.p12", "-passout", "pass:secret")
	p12, err := os.ReadFile(filepath.Join(dir, "s.p12"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadPKCS12(p12, "secret")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(testPDF(t, 1), s, Appearance{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(signed, []*x509.Certificate{s.Cert})
	if err != nil || len(infos) != 1 || !infos[0].OK() || infos[0].Signer != "OpenSSL Signer" {
		t.Fatalf("%v %+v", err, infos)
	}
}

func TestSignErrors(t *testing.T) {
	d := demoSigner(t, P256, name1, org1)
	pdf := testPDF(t, 1)
	if _, err := Sign(pdf, d.signer, Appearance{Page: 2}, signTime); err == nil {
		t.Error("page 2 of a one-page document accepted")
	}
	if _, err := Sign([]byte("%PDF-1.4\n"), d.signer, Appearance{}, signTime); err == nil {
		t.Error("a pdf without xref accepted")
	}
	if _, err := Sign(pdf, &Signer{}, Appearance{}, signTime); err == nil {
		t.Error("an empty signer accepted")
	}
	if _, err := Sign(pdf, d.signer, Appearance{Image: []byte("no png")}, signTime); err == nil {
		t.Error("a broken signature image accepted")
	}
}

func BenchmarkSign(b *testing.B) {
	d := demoSigner(b, RSA2048, name1, org1)
	pdf := testPDF(b, 1)
	b.SetBytes(int64(len(pdf)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Sign(pdf, d.signer, Appearance{}, signTime); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	d := demoSigner(b, RSA2048, name1, org1)
	signed, err := Sign(testPDF(b, 1), d.signer, Appearance{}, signTime)
	if err != nil {
		b.Fatal(err)
	}
	roots := []*x509.Certificate{d.ca}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Verify(signed, roots); err != nil {
			b.Fatal(err)
		}
	}
}

// A later revision that rewrites the signature dictionary (say, to fake /M) keeps
// the signed bytes intact but must not pass as valid.
func TestVerifyDetectsReplacedSignatureDictionary(t *testing.T) {
	d := demoSigner(t, P256, name1, org1)
	signed, err := Sign(testPDF(t, 1), d.signer, Appearance{}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parsePDF(signed)
	if err != nil {
		t.Fatal(err)
	}
	var sigRef pdfRef
	f.walkFields(f.dict(f.trailer["Root"]), func(_ string, _ pdfName, fd pdfDict) { sigRef, _ = fd["V"].(pdfRef) })
	forged := copyDict(f.dict(sigRef))
	forged["M"] = pdfString("D:20200101000000+07'00'")
	u, err := newUpdate(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.put(sigRef, forged); err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(u.finish(), []*x509.Certificate{d.ca})
	if err != nil || len(infos) != 1 {
		t.Fatalf("%v %+v", err, infos)
	}
	if infos[0].Valid || !hasProblem(infos[0], "replaced after signing") {
		t.Errorf("forged /M accepted: %+v", infos[0])
	}
}
