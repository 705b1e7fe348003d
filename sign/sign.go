// Package sign signs PDF files with PAdES baseline B-B signatures and verifies them.
//
// Sign appends an incremental update to a PDF: a signature field with a visible
// stamp (the signer's name, organisation and signing time in Vietnamese, drawn with
// the embedded Liberation Serif; optionally a signature image and a red seal as
// Nghị định 30/2020/NĐ-CP describes), and a signature dictionary with SubFilter
// ETSI.CAdES.detached whose /Contents is a detached CMS SignedData over the file's
// ByteRange (SHA-256; signed attributes content-type, message-digest and ESS
// signing-certificate-v2; the signing time is in /M, not in the CMS). Each further
// signature is another incremental update, so earlier signatures stay valid.
//
// Verify reports every signature of a file: who signed, when, whether the bytes are
// unchanged and the CMS signature holds, whether the certificate chains to a trusted
// root, and whether the signature covers the whole file or the revision it signed.
//
// Keys and certificates come from PKCS#12 files (LoadPKCS12) or from any
// crypto.Signer (a token or a remote service) in a Signer. DemoCertificate makes an
// untrusted test certificate.
package sign

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// ICT is Indochina Time (UTC+07:00, Asia/Ho_Chi_Minh), the zone of every time the
// package writes. It is a fixed zone so that no tzdata is needed.
var ICT = time.FixedZone("ICT", 7*3600)

// Signer is a signing certificate with its private key and the certificates that
// chain it to a root (put into the signature so that verifiers can build the path).
type Signer struct {
	Cert  *x509.Certificate
	Key   crypto.Signer // RSA or ECDSA; signs SHA-256 digests
	Chain []*x509.Certificate
}

// LoadPKCS12 reads a certificate, its private key and its chain from PKCS#12 data
// (.p12/.pfx, including OpenSSL 3's default AES/PBKDF2 export).
func LoadPKCS12(p12 []byte, password string) (*Signer, error) {
	key, cert, chain, err := pkcs12.DecodeChain(p12, password)
	if err != nil {
		return nil, fmt.Errorf("decode pkcs12: %w", err)
	}
	k, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("decode pkcs12: private key %T cannot sign", key)
	}
	if eq, ok := k.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(cert.PublicKey) {
		return nil, errors.New("decode pkcs12: private key does not match the certificate")
	}
	if _, _, err := signatureAlgorithm(cert.PublicKey); err != nil {
		return nil, fmt.Errorf("decode pkcs12: %w", err)
	}
	return &Signer{Cert: cert, Key: k, Chain: chain}, nil
}

// Appearance describes the signature field and its visible stamp.
type Appearance struct {
	// Page is the 1-based page that shows the stamp; 0 means the last page.
	Page int
	// Rect is the stamp's box in PDF points (x1, y1, x2, y2 from the page's lower
	// left corner). The zero value places a 200 x 70 pt box in the lower right area
	// (20 mm from the right and bottom edges), stacked above earlier signatures.
	Rect [4]float64
	// Name and Org are shown on the stamp; empty means the certificate's subject
	// common name (CN) and organisation (O).
	Name, Org string
	// Reason and Location go into the signature dictionary; Reason is also shown.
	Reason, Location string
	// Image is an optional picture of the handwritten signature (PNG or JPEG) and
	// Seal an optional picture of the organisation's red seal (PNG with alpha),
	// drawn over the left third of the signature.
	Image, Seal []byte
}

// contentsSlack is added to the computed maximum CMS size when reserving /Contents.
const contentsSlack = 64

// Sign returns pdf with a new PAdES B-B signature by s appended as an incremental
// update. at is the signing time written in /M and on the stamp (in ICT, +07:00);
// the zero time means now. The input must be an unencrypted PDF.
func Sign(pdf []byte, s *Signer, a Appearance, at time.Time) ([]byte, error) {
	if s == nil || s.Cert == nil || s.Key == nil {
		return nil, errors.New("sign pdf: signer needs a certificate and a key")
	}
	if at.IsZero() {
		at = time.Now()
	}
	at = at.In(ICT)
	f, err := parsePDF(pdf)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: read pdf: %w", err)
	}
	if _, ok := f.trailer["Encrypt"]; ok {
		return nil, errors.New("sign pdf: encrypted pdf files are not supported")
	}
	rootRef, ok := f.trailer["Root"].(pdfRef)
	if !ok {
		return nil, errors.New("sign pdf: trailer has no /Root reference")
	}
	catalog := f.dict(rootRef)
	if catalog == nil {
		return nil, errors.New("sign pdf: catalog not found")
	}
	pages, err := f.pages(catalog)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: read pages: %w", err)
	}
	if len(pages) == 0 {
		return nil, errors.New("sign pdf: document has no pages")
	}
	pi := a.Page
	if pi == 0 {
		pi = len(pages)
	}
	if pi < 1 || pi > len(pages) {
		return nil, fmt.Errorf("sign pdf: page %d out of range 1..%d", a.Page, len(pages))
	}
	pg := pages[pi-1]

	u, err := newUpdate(f)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	sigRef, fieldRef, apRef, imgRef := u.alloc(), u.alloc(), u.alloc(), u.alloc()

	// The form: existing fields are kept, the new field is appended.
	names, sigFields := f.fieldNames(catalog)
	fieldName := ""
	for i := sigFields + 1; ; i++ {
		fieldName = fmt.Sprintf("Signature%d", i)
		if !names[fieldName] {
			break
		}
	}
	if err := addField(f, u, rootRef, catalog, fieldRef); err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	if err := addAnnot(f, u, pg, fieldRef); err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}

	// The stamp.
	rect := a.Rect
	if rect == ([4]float64{}) {
		rect = defaultRect(pg.box, f.widgetRects(pg))
	}
	if rect[0] > rect[2] {
		rect[0], rect[2] = rect[2], rect[0]
	}
	if rect[1] > rect[3] {
		rect[1], rect[3] = rect[3], rect[1]
	}
	w, h := rect[2]-rect[0], rect[3]-rect[1]
	name := norm.NFC.String(firstNonEmpty(a.Name, s.Cert.Subject.CommonName))
	org := norm.NFC.String(firstNonEmpty(a.Org, first(s.Cert.Subject.Organization)))
	reason := norm.NFC.String(a.Reason)
	location := norm.NFC.String(a.Location)
	lines := []stampLine{{text: "Người ký: " + name, bold: true}}
	if org != "" {
		lines = append(lines, stampLine{text: "Cơ quan: " + org})
	}
	if reason != "" {
		lines = append(lines, stampLine{text: "Lý do: " + reason})
	}
	lines = append(lines, stampLine{text: "Thời gian ký: " + at.Format("2006-01-02T15:04:05-07:00")})
	img, err := renderStamp(w, h, lines, a.Image, a.Seal)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: draw stamp: %w", err)
	}
	rgb, alpha, err := imageXObjects(img)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: encode stamp: %w", err)
	}
	imgDict := pdfDict{"Type": pdfName("XObject"), "Subtype": pdfName("Image"),
		"Width": int64(img.Rect.Dx()), "Height": int64(img.Rect.Dy()), "ColorSpace": pdfName("DeviceRGB"),
		"BitsPerComponent": int64(8), "Filter": pdfName("FlateDecode"), "Interpolate": true}
	if alpha != nil {
		maskRef := u.alloc()
		if err := u.putStream(maskRef, pdfDict{"Type": pdfName("XObject"), "Subtype": pdfName("Image"),
			"Width": int64(img.Rect.Dx()), "Height": int64(img.Rect.Dy()), "ColorSpace": pdfName("DeviceGray"),
			"BitsPerComponent": int64(8), "Filter": pdfName("FlateDecode"), "Interpolate": true}, alpha); err != nil {
			return nil, fmt.Errorf("sign pdf: %w", err)
		}
		imgDict["SMask"] = maskRef
	}
	if err := u.putStream(imgRef, imgDict, rgb); err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	content := fmt.Sprintf("q %s 0 0 %s 0 0 cm /Stamp Do Q", num(w), num(h))
	if err := u.putStream(apRef, pdfDict{"Type": pdfName("XObject"), "Subtype": pdfName("Form"),
		"BBox":      pdfArray{0.0, 0.0, w, h},
		"Resources": pdfDict{"XObject": pdfDict{"Stamp": imgRef}},
	}, []byte(content)); err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	if err := u.put(fieldRef, pdfDict{"Type": pdfName("Annot"), "Subtype": pdfName("Widget"),
		"FT": pdfName("Sig"), "T": textString(fieldName), "V": sigRef, "F": int64(132),
		"Rect": pdfArray{rect[0], rect[1], rect[2], rect[3]}, "P": pg.ref,
		"AP": pdfDict{"N": apRef}}); err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}

	// The signature dictionary, with placeholders for /ByteRange and /Contents.
	maxSize, err := maxCMSSize(s)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	reserve := maxSize + contentsSlack
	if err := u.begin(sigRef); err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	u.out.WriteString("<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ")
	brPos := u.out.Len()
	u.out.WriteString("[0 0 0 0]" + strings.Repeat(" ", 36))
	brLen := u.out.Len() - brPos
	u.out.WriteString(" /Contents ")
	contentsStart := u.out.Len()
	u.out.WriteByte('<')
	u.out.Write(bytes.Repeat([]byte("0"), 2*reserve))
	u.out.WriteByte('>')
	contentsEnd := u.out.Len()
	fmt.Fprintf(&u.out, " /M (D:%s+07'00') /Name %s", at.Format("20060102150405"), textString(name))
	if reason != "" {
		fmt.Fprintf(&u.out, " /Reason %s", textString(reason))
	}
	if location != "" {
		fmt.Fprintf(&u.out, " /Location %s", textString(location))
	}
	u.out.WriteString(" /Prop_Build <</App <</Name /parindex>>>>>>\nendobj\n")
	out := u.finish()

	br := fmt.Sprintf("[0 %d %d %d]", contentsStart, contentsEnd, len(out)-contentsEnd)
	if len(br) > brLen {
		return nil, errors.New("sign pdf: byte range does not fit its placeholder")
	}
	copy(out[brPos:], br+strings.Repeat(" ", brLen-len(br)))
	hs := sha256.New()
	hs.Write(out[:contentsStart])
	hs.Write(out[contentsEnd:])
	cms, err := signCMS(s, hs.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	if len(cms) > reserve {
		return nil, fmt.Errorf("sign pdf: signature of %d bytes exceeds the %d reserved", len(cms), reserve)
	}
	hex.Encode(out[contentsStart+1:], cms)
	return out, nil
}

// addField appends fieldRef to the AcroForm's /Fields and sets /SigFlags 3, writing
// new revisions of whichever objects hold them.
func addField(f *pdfFile, u *update, rootRef pdfRef, catalog pdfDict, fieldRef pdfRef) error {
	formObj := catalog["AcroForm"]
	form := copyDict(f.dict(formObj))
	if form == nil {
		form = pdfDict{}
	}
	flags, _ := form["SigFlags"].(int64)
	form["SigFlags"] = flags | 3
	if fr, ok := form["Fields"].(pdfRef); ok && f.array(fr) != nil {
		fields := append(append(pdfArray{}, f.array(fr)...), fieldRef)
		if err := u.put(fr, fields); err != nil {
			return err
		}
	} else {
		fields, _ := form["Fields"].(pdfArray)
		form["Fields"] = append(append(pdfArray{}, fields...), fieldRef)
	}
	cat := copyDict(catalog)
	changed := declarePAdES(cat, f.version())
	if r, ok := formObj.(pdfRef); ok && f.dict(r) != nil {
		if err := u.put(r, form); err != nil {
			return err
		}
	} else {
		formRef := u.alloc()
		if err := u.put(formRef, form); err != nil {
			return err
		}
		cat["AcroForm"] = formRef
		changed = true
	}
	if !changed {
		return nil
	}
	return u.put(rootRef, cat)
}

// declarePAdES makes the catalog declare what ETSI.CAdES.detached needs: PDF 2.0,
// or PDF 1.7 with the ESIC extension level 2 (ETSI EN 319 142-1). It reports
// whether cat changed.
func declarePAdES(cat pdfDict, header string) bool {
	version := header
	if v, ok := cat["Version"].(pdfName); ok && string(v) > version {
		version = string(v)
	}
	if version >= "2.0" {
		return false
	}
	changed := false
	if version < "1.7" {
		cat["Version"] = pdfName("1.7")
		changed = true
	}
	ext, _ := cat["Extensions"].(pdfDict)
	if ext == nil && cat["Extensions"] != nil {
		return changed // an indirect extensions dictionary: leave it alone
	}
	if _, ok := ext["ESIC"]; !ok {
		ext = copyDict(ext)
		if ext == nil {
			ext = pdfDict{}
		}
		ext["ESIC"] = pdfDict{"BaseVersion": pdfName("1.7"), "ExtensionLevel": int64(2)}
		cat["Extensions"] = ext
		changed = true
	}
	return changed
}

// addAnnot adds the widget to the page's /Annots.
func addAnnot(f *pdfFile, u *update, pg page, widget pdfRef) error {
	if ar, ok := pg.dict["Annots"].(pdfRef); ok && f.array(ar) != nil {
		return u.put(ar, append(append(pdfArray{}, f.array(ar)...), widget))
	}
	d := copyDict(pg.dict)
	annots, _ := d["Annots"].(pdfArray)
	d["Annots"] = append(append(pdfArray{}, annots...), widget)
	return u.put(pg.ref, d)
}

// fieldNames returns the fully qualified names of all form fields and the number of
// signature fields.
func (f *pdfFile) fieldNames(catalog pdfDict) (map[string]bool, int) {
	names := map[string]bool{}
	n := 0
	f.walkFields(catalog, func(name string, ft pdfName, _ pdfDict) {
		names[name] = true
		if ft == "Sig" {
			n++
		}
	})
	return names, n
}

// walkFields calls fn for each terminal field of the form with its qualified name,
// its (inherited) field type and its dictionary.
func (f *pdfFile) walkFields(catalog pdfDict, fn func(name string, ft pdfName, d pdfDict)) {
	form := f.dict(catalog["AcroForm"])
	if form == nil {
		return
	}
	seen := map[pdfRef]bool{}
	count := 0
	var walk func(o any, parent string, ft pdfName, depth int)
	walk = func(o any, parent string, ft pdfName, depth int) {
		if r, ok := o.(pdfRef); ok {
			if seen[r] {
				return
			}
			seen[r] = true
		}
		count++
		d := f.dict(o)
		if d == nil || depth > maxNesting || count > 1<<16 {
			return
		}
		name := parent
		if t, ok := d["T"].(pdfString); ok {
			if name != "" {
				name += "."
			}
			name += decodeText(t)
		}
		if v, ok := d["FT"].(pdfName); ok {
			ft = v
		}
		kids := f.array(d["Kids"])
		hasFieldKids := false
		for _, k := range kids {
			if kd := f.dict(k); kd != nil {
				if _, ok := kd["T"]; ok {
					hasFieldKids = true
				}
			}
		}
		if !hasFieldKids {
			fn(name, ft, d)
			return
		}
		for _, k := range kids {
			walk(k, name, ft, depth+1)
		}
	}
	for _, fo := range f.array(form["Fields"]) {
		walk(fo, "", "", 0)
	}
}

// defaultRect is a 200 x 70 pt box 20 mm from the right and bottom edges of the
// page box, moved up in steps until it overlaps none of the taken rectangles.
func defaultRect(box [4]float64, taken [][4]float64) [4]float64 {
	const mm = 72 / 25.4
	w, h := 200.0, 70.0
	x2 := box[2] - 20*mm
	x1 := max(box[0], x2-w)
	y0 := box[1] + 20*mm
	for y1 := y0; y1+h <= box[3]-20*mm; y1 += h + 6 {
		r := [4]float64{x1, y1, x2, y1 + h}
		free := true
		for _, t := range taken {
			if r[0] < t[2] && t[0] < r[2] && r[1] < t[3] && t[1] < r[3] {
				free = false
				break
			}
		}
		if free {
			return r
		}
	}
	return [4]float64{x1, y0, x2, y0 + h}
}

// widgetRects returns the rectangles of the form widgets on page p.
func (f *pdfFile) widgetRects(p page) [][4]float64 {
	var out [][4]float64
	for _, a := range f.array(p.dict["Annots"]) {
		d := f.dict(a)
		if d == nil || d["Subtype"] != pdfName("Widget") {
			continue
		}
		if r, ok := f.rect(d["Rect"]); ok {
			out = append(out, r)
		}
	}
	return out
}

func copyDict(d pdfDict) pdfDict {
	if d == nil {
		return nil
	}
	c := make(pdfDict, len(d)+2)
	for k, v := range d {
		c[k] = v
	}
	return c
}

func num(v float64) string { return fmt.Sprintf("%.4f", v) }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func first(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}
