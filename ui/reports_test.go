package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"parindex/report"
	"parindex/sign"
)

func TestReportsRenderSignAndVerify(t *testing.T) {
	st := newTestState(t, "TK01", Vietnamese)
	rp := newReports(st)
	wait(t, st)
	if rp.model == nil {
		t.Fatal("the reports screen did not load")
	}
	for _, c := range []struct{ kind, arg string }{{"summary", ""}, {"sheet", "SO-NV"}, {"member", "TV03"}} {
		pdf, err := rp.render(c.kind, c.arg)
		if err != nil {
			t.Fatalf("%s: %v", c.kind, err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF", c.kind)
		}
		prov, err := report.ReadProvenance(pdf)
		if err != nil || prov.ResultsDigest != report.ResultsDigest(rp.model.Res) {
			t.Fatalf("%s: provenance %+v, %v", c.kind, prov, err)
		}
	}
	// the settings editor saves the plain keys, which win over the demo's prefixed ones
	rp.entries[report.KeyNumber].SetText("07/BC-HĐTĐ")
	rp.saveSettings()
	wait(t, st)
	set, err := st.council.PeriodSettings(st.period.ID)
	if err != nil {
		t.Fatal(err)
	}
	if parsed, _ := report.ParseSettings(set); parsed.Number != "07/BC-HĐTĐ" {
		t.Fatalf("number = %q", parsed.Number)
	}
	// what the Sign and Verify actions call, with a demo certificate
	pdf, err := rp.render("summary", "")
	if err != nil {
		t.Fatal(err)
	}
	p12, caPEM, err := sign.DemoCertificate("Trần Quang Minh", "Hội đồng", sign.RSA2048, "pw", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s, err := sign.LoadPKCS12(p12, "pw")
	if err != nil {
		t.Fatal(err)
	}
	// the first stamp goes in the report's signature block, as on the command line
	a := sign.Appearance{}
	a.Page, a.Rect = stampPlacement(pdf)
	if page, rect, ok := report.SignatureBox(pdf); !ok || a.Page != page || a.Rect != rect {
		t.Fatalf("first stamp on page %d at %v, want the signature block (%d %v %v)", a.Page, a.Rect, page, rect, ok)
	}
	signed, err := sign.Sign(pdf, s, a, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// a second one gets the signer's default placement
	if page, rect := stampPlacement(signed); page != 0 || rect != [4]float64{} {
		t.Fatalf("second stamp on page %d at %v, want the default", page, rect)
	}
	path := filepath.Join(t.TempDir(), "signed.pdf")
	if err := writeFile(path, signed); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	roots, _ := sign.ParseCertificatesPEM(caPEM)
	infos, err := sign.Verify(b, roots)
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].Trusted {
		t.Fatalf("verify: %+v, %v", infos, err)
	}
	rp.showSignatures("signed.pdf", infos) // the result dialog builds
	if _, err := sign.LoadPKCS12(p12, "wrong"); err == nil || explain(Vietnamese, err).Msg != Vietnamese.T("err.pkcs12") {
		t.Fatalf("a wrong password is not explained: %v", err)
	}
}
