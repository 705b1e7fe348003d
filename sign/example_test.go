package sign_test

import (
	"fmt"
	"log"
	"os"
	"time"

	"parindex/sign"
)

// Make a demo certificate, sign a PDF twice and verify it.
func Example() {
	now := time.Date(2026, 11, 25, 10, 30, 0, 0, sign.ICT)
	pdf, err := os.ReadFile("testdata/blank.pdf")
	if err != nil {
		log.Fatal(err)
	}
	var roots []byte
	for i, who := range []string{"Nguyễn Trọng Đông", "Trần Thị Thu Hà"} {
		p12, caPEM, err := sign.DemoCertificate(who, "Hội đồng thẩm định Chỉ số CCHC", sign.P256, "secret", now)
		if err != nil {
			log.Fatal(err)
		}
		roots = append(roots, caPEM...)
		signer, err := sign.LoadPKCS12(p12, "secret")
		if err != nil {
			log.Fatal(err)
		}
		pdf, err = sign.Sign(pdf, signer, sign.Appearance{Reason: "Phê duyệt"}, now.Add(time.Duration(i)*time.Hour))
		if err != nil {
			log.Fatal(err)
		}
	}
	extra, err := sign.ParseCertificatesPEM(roots)
	if err != nil {
		log.Fatal(err)
	}
	infos, err := sign.Verify(pdf, extra)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range infos {
		fmt.Printf("%s: %s, %s, valid=%v trusted=%v pades=%v whole=%v ok=%v\n", s.Field, s.Signer,
			s.Time.Format(time.RFC3339), s.Valid, s.Trusted, s.PAdES, s.CoversWholeFile, s.OK())
	}
	// Output:
	// Signature1: Nguyễn Trọng Đông, 2026-11-25T10:30:00+07:00, valid=true trusted=true pades=true whole=false ok=true
	// Signature2: Trần Thị Thu Hà, 2026-11-25T11:30:00+07:00, valid=true trusted=true pades=true whole=true ok=true
}
