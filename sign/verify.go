package sign

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
)

// SignatureInfo is what Verify found about one signature.
type SignatureInfo struct {
	// Field is the signature field's fully qualified name.
	Field string
	// Signer and Org are the signer certificate's subject CN and O.
	Signer, Org string
	// Time is the signing time claimed in the signature dictionary's /M (zero when
	// absent). Without a timestamp it is the signer's own claim.
	Time time.Time
	// Reason and Location are copied from the signature dictionary.
	Reason, Location string
	// SubFilter is the signature dictionary's /SubFilter, such as
	// "ETSI.CAdES.detached" (PAdES) or "adbe.pkcs7.detached".
	SubFilter string
	// Valid: the byte range is well formed, the digest of the signed bytes equals
	// the signed message-digest, and the CMS signature verifies with the signer's
	// public key. Any changed byte in the signed range makes it false.
	Valid bool
	// Trusted: the signer certificate chains, at Time, to a system root or to one of
	// the extra roots given to Verify.
	Trusted bool
	// PAdES: SubFilter is ETSI.CAdES.detached and the CMS carries a
	// signing-certificate-v2 attribute that matches the signer certificate.
	PAdES bool
	// CoversWholeFile: the byte range reaches the end of the file (nothing was
	// appended after this signature).
	CoversWholeFile bool
	// CoversRevision: the byte range ends at the end of a revision (%%EOF), so it
	// signed a complete earlier version of the file; true when CoversWholeFile.
	CoversRevision bool
	// ByteRange is the signed range [offset1 length1 offset2 length2].
	ByteRange [4]int64
	// Certificate is the signer certificate (nil if the CMS could not be read).
	Certificate *x509.Certificate
	// Problems lists, in English, everything that is wrong or doubtful.
	Problems []string
}

// OK reports whether the signature is valid, trusted and covers a whole revision.
func (s SignatureInfo) OK() bool { return s.Valid && s.Trusted && s.CoversRevision }

// Verify checks every signature in pdf, in the order they were made. Certificates
// are trusted when they chain to a root of the system pool or to extraRoots.
// An error means the file could not be read at all; a file without signatures
// gives an empty slice.
func Verify(pdf []byte, extraRoots []*x509.Certificate) ([]SignatureInfo, error) {
	f, err := parsePDF(pdf)
	if err != nil {
		return nil, fmt.Errorf("verify pdf: read pdf: %w", err)
	}
	catalog := f.dict(f.trailer["Root"])
	if catalog == nil {
		return nil, errors.New("verify pdf: catalog not found")
	}
	type found struct {
		name string
		ref  any // the field's /V: a reference to the signature dictionary
		sig  pdfDict
	}
	var sigs []found
	var damaged []SignatureInfo
	seen := map[string]bool{}
	f.walkFields(catalog, func(name string, ft pdfName, d pdfDict) {
		if ft != "Sig" {
			return
		}
		vref, signed := d["V"]
		v := f.dict(vref)
		if v == nil {
			if signed && vref != nil {
				// A signed field whose signature dictionary no longer
				// parses (e.g. a changed byte in /Contents) is an invalid
				// signature, never a missing one.
				damaged = append(damaged, SignatureInfo{Field: name,
					Problems: []string{"the signature dictionary is damaged and cannot be read"}})
			}
			return // an empty signature field
		}
		var key bytes.Buffer
		_ = writeObj(&key, v["ByteRange"])
		if seen[key.String()] {
			return
		}
		seen[key.String()] = true
		sigs = append(sigs, found{name, d["V"], v})
	})

	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	for _, c := range extraRoots {
		roots.AddCert(c)
	}
	out := make([]SignatureInfo, 0, len(sigs))
	for _, s := range sigs {
		out = append(out, checkSignature(f, s.name, s.ref, s.sig, roots))
	}
	out = append(out, damaged...)
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].ByteRange[2]+out[i].ByteRange[3] < out[j].ByteRange[2]+out[j].ByteRange[3]
	})
	return out, nil
}

func checkSignature(f *pdfFile, field string, ref any, d pdfDict, roots *x509.CertPool) SignatureInfo {
	pdf := f.b
	info := SignatureInfo{Field: field}
	problem := func(format string, args ...any) {
		info.Problems = append(info.Problems, fmt.Sprintf(format, args...))
	}
	info.SubFilter = string(nameOf(d["SubFilter"]))
	if s, ok := d["Reason"].(pdfString); ok {
		info.Reason = decodeText(s)
	}
	if s, ok := d["Location"].(pdfString); ok {
		info.Location = decodeText(s)
	}
	if m, ok := d["M"].(pdfString); ok {
		t, err := parsePDFDate(string(m))
		if err != nil {
			problem("signing time /M %q is malformed", string(m))
		}
		info.Time = t
	} else {
		problem("signing time /M is missing")
	}
	switch info.SubFilter {
	case "ETSI.CAdES.detached":
	case "adbe.pkcs7.detached":
		problem("SubFilter adbe.pkcs7.detached is not PAdES (ETSI.CAdES.detached)")
	case "ETSI.RFC3161":
		problem("document timestamps are not verified")
		return info
	default:
		problem("unsupported SubFilter %q", info.SubFilter)
		return info
	}

	// The byte range: [0 a b c], the gap exactly the hex /Contents string.
	br, ok := d["ByteRange"].(pdfArray)
	if !ok || len(br) != 4 {
		problem("ByteRange is missing or malformed")
		return info
	}
	for i, v := range br {
		n, ok := v.(int64)
		if !ok || n < 0 || n > int64(len(pdf)) {
			problem("ByteRange is missing or malformed")
			return info
		}
		info.ByteRange[i] = n
	}
	r := info.ByteRange
	end := r[2] + r[3]
	if r[0] != 0 || r[1] < 1 || r[2] <= r[1] || end > int64(len(pdf)) {
		problem("ByteRange %v does not fit the file", r)
		return info
	}
	gap := pdf[r[1]:r[2]]
	if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
		problem("ByteRange gap is not the /Contents string")
		return info
	}
	raw := make([]byte, hex.DecodedLen(len(gap)-2))
	if _, err := hex.Decode(raw, gap[1:len(gap)-1]); err != nil {
		problem("ByteRange gap is not the /Contents string")
		return info
	}
	if c, ok := d["Contents"].(pdfString); !ok || !bytes.Equal(c, raw) {
		problem("ByteRange gap is not the /Contents string")
		return info
	}
	// The dictionary read here must be the one that was signed, not a later
	// revision of it with another /M, /Reason or /Location.
	replaced := false
	if r, ok := ref.(pdfRef); ok {
		if e := f.xref[r.Num]; e.kind != 1 || e.a >= info.ByteRange[1] {
			problem("the signature dictionary was replaced after signing")
			replaced = true
		}
	}
	info.CoversWholeFile = end == int64(len(pdf))
	info.CoversRevision = info.CoversWholeFile ||
		bytes.HasSuffix(bytes.TrimRight(pdf[:end], "\r\n \t\x00"), []byte("%%EOF"))
	if !info.CoversWholeFile {
		if info.CoversRevision {
			problem("later revisions were appended after this signature (their changes are not checked)")
		} else {
			problem("the signature covers only part of a revision")
		}
	}

	cms := trimDER(raw)
	res, err := checkCMS(cms, [][]byte{pdf[:r[1]], pdf[r[2]:end]})
	if err != nil {
		problem("%v", err)
		return info
	}
	info.Problems = append(info.Problems, res.problems...)
	info.Certificate = res.cert
	info.Signer = res.cert.Subject.CommonName
	info.Org = first(res.cert.Subject.Organization)
	info.Valid = res.digestOK && res.signatureOK && !replaced
	info.PAdES = info.SubFilter == "ETSI.CAdES.detached" && res.essV2OK
	if info.SubFilter == "ETSI.CAdES.detached" && res.signingTime {
		problem("signing-time attribute present (PAdES puts the time in /M)")
	}
	if ku := res.cert.KeyUsage; ku != 0 && ku&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		problem("signer certificate key usage allows neither digital signature nor non-repudiation")
	}
	inter := x509.NewCertPool()
	for _, c := range res.certs {
		if c != res.cert {
			inter.AddCert(c)
		}
	}
	at := info.Time
	if at.IsZero() {
		at = time.Now()
	}
	if _, err := res.cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		problem("certificate is not trusted: %v", err)
	} else {
		info.Trusted = true
	}
	return info
}

// trimDER cuts the zero padding after a DER value.
func trimDER(b []byte) []byte {
	if len(b) < 2 || b[0] != 0x30 {
		return b
	}
	n, hl := int(b[1]), 2
	if b[1]&0x80 != 0 {
		k := int(b[1] & 0x7f)
		if k == 0 || k > 4 || len(b) < 2+k {
			return b
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		hl = 2 + k
	}
	if n < 0 || hl+n > len(b) {
		return b
	}
	return b[:hl+n]
}

func nameOf(o any) pdfName {
	n, _ := o.(pdfName)
	return n
}

// decodeText decodes a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, or
// PDFDocEncoding, read here as Latin-1).
func decodeText(s pdfString) string {
	switch {
	case len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff:
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	case len(s) >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf:
		return string(s[3:])
	}
	r := make([]rune, len(s))
	for i, c := range s {
		r[i] = rune(c)
	}
	return string(r)
}

// parsePDFDate reads "D:YYYYMMDDHHmmSSOHH'mm'" and its shorter forms.
func parsePDFDate(s string) (time.Time, error) {
	if len(s) >= 2 && s[:2] == "D:" {
		s = s[2:]
	}
	digits := 0
	for digits < len(s) && digits < 14 && isDigit(s[digits]) {
		digits++
	}
	if digits < 4 || digits%2 != 0 {
		return time.Time{}, errors.New("bad date")
	}
	parts := []int{0, 1, 1, 0, 0, 0}
	parts[0], _ = strconv.Atoi(s[:4])
	for i := 4; i < digits; i += 2 {
		parts[(i-2)/2], _ = strconv.Atoi(s[i : i+2])
	}
	loc := time.UTC
	rest := s[digits:]
	if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-') {
		var hh, mm int
		if len(rest) >= 3 {
			hh, _ = strconv.Atoi(rest[1:3])
		}
		if len(rest) >= 6 && rest[3] == '\'' {
			mm, _ = strconv.Atoi(rest[4:6])
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
		if off == 7*3600 {
			loc = ICT
		}
	}
	return time.Date(parts[0], time.Month(parts[1]), parts[2], parts[3], parts[4], parts[5], 0, loc), nil
}

// ParseCertificatesPEM reads every CERTIFICATE block of PEM data, for example a
// file of extra trusted roots for Verify.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("parse certificates: no PEM certificate found")
	}
	return out, nil
}
