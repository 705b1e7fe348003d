package sign

// CMS (RFC 5652) SignedData for PAdES baseline B-B, built and read with encoding/asn1:
// detached content, SHA-256, signed attributes content-type, message-digest and
// ESS signing-certificate-v2 (RFC 5035), and no signing-time (PAdES puts the time
// in the signature dictionary's /M instead).

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"sort"
)

var (
	oidData                 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCert      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidAttrSigningCertV2    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSHA1                 = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSAEncryption        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA1WithRSA          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidSHA256WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECDSAWithSHA256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidECPublicKey          = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	sha256AlgorithmIdentity = pkix.AlgorithmIdentifier{Algorithm: oidSHA256}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue // IssuerAndSerialNumber or [0] SubjectKeyIdentifier
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue // SET OF AttributeValue
}

// ESS (RFC 5035) signing-certificate-v2.
type signingCertificateV2 struct {
	Certs    []essCertIDv2
	Policies asn1.RawValue `asn1:"optional"`
}

type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"` // DEFAULT sha256: omitted
	CertHash      []byte
	IssuerSerial  essIssuerSerial `asn1:"optional"`
}

type essIssuerSerial struct {
	Issuer []asn1.RawValue // GeneralNames
	Serial *big.Int
}

// ESS (RFC 2634) signing-certificate (v1, SHA-1), only read.
type signingCertificateV1 struct {
	Certs    []essCertIDv1
	Policies asn1.RawValue `asn1:"optional"`
}

type essCertIDv1 struct {
	CertHash     []byte
	IssuerSerial essIssuerSerial `asn1:"optional"`
}

func marshalAttribute(typ asn1.ObjectIdentifier, value any) ([]byte, error) {
	v, err := asn1.Marshal(value)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(attribute{Type: typ, Values: asn1.RawValue{
		Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: v}})
}

// signedAttributes returns the DER content (without the SET header) of the
// signed attributes for a detached signature over data with the given digest.
func signedAttributes(cert *x509.Certificate, digest []byte) ([]byte, error) {
	certHash := sha256.Sum256(cert.Raw)
	scv2 := signingCertificateV2{Certs: []essCertIDv2{{
		CertHash: certHash[:],
		IssuerSerial: essIssuerSerial{
			Issuer: []asn1.RawValue{{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true,
				Bytes: cert.RawIssuer}},
			Serial: cert.SerialNumber,
		},
	}}}
	var attrs [][]byte
	for _, a := range []struct {
		oid asn1.ObjectIdentifier
		v   any
	}{
		{oidAttrContentType, oidData},
		{oidAttrMessageDigest, digest},
		{oidAttrSigningCertV2, scv2},
	} {
		der, err := marshalAttribute(a.oid, a.v)
		if err != nil {
			return nil, fmt.Errorf("encode attribute %v: %w", a.oid, err)
		}
		attrs = append(attrs, der)
	}
	// DER: the elements of a SET OF are sorted by their encodings.
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(attrs[i], attrs[j]) < 0 })
	return bytes.Join(attrs, nil), nil
}

// setOf wraps DER content in a universal SET header (the form that is signed).
func setOf(content []byte) []byte {
	der, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet,
		IsCompound: true, Bytes: content})
	return der
}

// signatureAlgorithm returns the CMS signatureAlgorithm for pub with SHA-256 and the
// largest signature the key can make.
func signatureAlgorithm(pub crypto.PublicKey) (pkix.AlgorithmIdentifier, int, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return pkix.AlgorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue},
			(k.N.BitLen() + 7) / 8, nil
	case *ecdsa.PublicKey:
		n := (k.Params().BitSize + 7) / 8
		return pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256}, 2*(n+3) + 3, nil
	}
	return pkix.AlgorithmIdentifier{}, 0, fmt.Errorf("unsupported key type %T (want RSA or ECDSA)", pub)
}

// assembleCMS builds the DER ContentInfo around attrs (signed attributes content)
// and signature.
func assembleCMS(s *Signer, attrs, signature []byte) ([]byte, error) {
	sigAlg, _, err := signatureAlgorithm(s.Cert.PublicKey)
	if err != nil {
		return nil, err
	}
	sid, err := asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: s.Cert.RawIssuer},
		Serial: s.Cert.SerialNumber})
	if err != nil {
		return nil, fmt.Errorf("encode signer identifier: %w", err)
	}
	var certs bytes.Buffer
	certs.Write(s.Cert.Raw)
	for _, c := range s.Chain {
		if !bytes.Equal(c.Raw, s.Cert.Raw) {
			certs.Write(c.Raw)
		}
	}
	sd := signedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{sha256AlgorithmIdentity},
		EncapContentInfo: encapContentInfo{EContentType: oidData},
		Certificates: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true,
			Bytes: certs.Bytes()},
		SignerInfos: []signerInfo{{
			Version:            1,
			SID:                asn1.RawValue{FullBytes: sid},
			DigestAlgorithm:    sha256AlgorithmIdentity,
			SignedAttrs:        asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: attrs},
			SignatureAlgorithm: sigAlg,
			Signature:          signature,
		}},
	}
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, fmt.Errorf("encode signed data: %w", err)
	}
	der, err := asn1.Marshal(contentInfo{ContentType: oidSignedData,
		Content: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}})
	if err != nil {
		return nil, fmt.Errorf("encode content info: %w", err)
	}
	return der, nil
}

// maxCMSSize is an upper bound of the DER size of the CMS that signCMS makes for s.
// It builds the structure with the largest possible signature; the key is not used.
func maxCMSSize(s *Signer) (int, error) {
	_, sigLen, err := signatureAlgorithm(s.Cert.PublicKey)
	if err != nil {
		return 0, err
	}
	attrs, err := signedAttributes(s.Cert, make([]byte, sha256.Size))
	if err != nil {
		return 0, err
	}
	der, err := assembleCMS(s, attrs, make([]byte, sigLen))
	if err != nil {
		return 0, err
	}
	return len(der), nil
}

// signCMS makes a detached CMS signature over the data whose SHA-256 is digest.
func signCMS(s *Signer, digest []byte) ([]byte, error) {
	attrs, err := signedAttributes(s.Cert, digest)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(setOf(attrs))
	sig, err := s.Key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return assembleCMS(s, attrs, sig)
}

// cmsResult is what checkCMS learnt about one signature.
type cmsResult struct {
	cert         *x509.Certificate
	certs        []*x509.Certificate
	digestOK     bool // message-digest attribute equals the digest of the signed bytes
	signatureOK  bool // the signature over the signed attributes verifies
	essV2OK      bool // signing-certificate-v2 present and matching cert
	signingTime  bool // a signing-time attribute is present (not allowed in PAdES B-B)
	problems     []string
	digestName   string
	hasSignedAtt bool
}

func hashFor(oid asn1.ObjectIdentifier) (crypto.Hash, string) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, "SHA-256"
	case oid.Equal(oidSHA384):
		return crypto.SHA384, "SHA-384"
	case oid.Equal(oidSHA512):
		return crypto.SHA512, "SHA-512"
	case oid.Equal(oidSHA1):
		return crypto.SHA1, "SHA-1"
	}
	return 0, oid.String()
}

func newHash(h crypto.Hash) hash.Hash {
	switch h {
	case crypto.SHA1:
		return sha1.New()
	case crypto.SHA256:
		return sha256.New()
	case crypto.SHA384:
		return sha512.New384()
	case crypto.SHA512:
		return sha512.New()
	}
	return nil
}

// checkCMS parses a DER CMS SignedData and checks it as a detached signature over
// the bytes that signedParts yields.
func checkCMS(der []byte, signedParts [][]byte) (*cmsResult, error) {
	var ci contentInfo
	rest, err := asn1.Unmarshal(der, &ci)
	if err != nil {
		return nil, fmt.Errorf("parse cms: %w", err)
	}
	for _, b := range rest {
		if b != 0 {
			return nil, errors.New("parse cms: trailing data after the signature")
		}
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("parse cms: content type %v is not signed data", ci.ContentType)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("parse signed data: %w", err)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("parse signed data: %d signer infos, want 1", len(sd.SignerInfos))
	}
	if len(sd.EncapContentInfo.EContent.Bytes) > 0 {
		return nil, errors.New("parse signed data: content is embedded, want a detached signature")
	}
	res := &cmsResult{}
	if len(sd.Certificates.Bytes) > 0 {
		res.certs, err = x509.ParseCertificates(sd.Certificates.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificates: %w", err)
		}
	}
	si := sd.SignerInfos[0]
	res.cert = findSigner(si.SID, res.certs)
	if res.cert == nil {
		return nil, errors.New("signer certificate is not in the signature")
	}
	hashAlg, hashName := hashFor(si.DigestAlgorithm.Algorithm)
	res.digestName = hashName
	h := newHash(hashAlg)
	if h == nil {
		return nil, fmt.Errorf("unsupported digest algorithm %s", hashName)
	}
	if hashAlg == crypto.SHA1 {
		res.problems = append(res.problems, "digest algorithm SHA-1 is too weak")
	}
	for _, p := range signedParts {
		h.Write(p)
	}
	contentDigest := h.Sum(nil)

	signed := contentDigest // what the signature covers without signed attributes
	if len(si.SignedAttrs.Bytes) > 0 {
		res.hasSignedAtt = true
		attrs, err := parseAttributes(si.SignedAttrs.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse signed attributes: %w", err)
		}
		if ct := attrs[oidAttrContentType.String()]; len(ct) != 1 {
			res.problems = append(res.problems, "content-type attribute missing")
		} else {
			var oid asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(ct[0].FullBytes, &oid); err != nil || !oid.Equal(oidData) {
				res.problems = append(res.problems, "content-type attribute is not id-data")
			}
		}
		md := attrs[oidAttrMessageDigest.String()]
		var mdv []byte
		if len(md) == 1 {
			_, err = asn1.Unmarshal(md[0].FullBytes, &mdv)
		}
		switch {
		case len(md) != 1 || err != nil:
			res.problems = append(res.problems, "message-digest attribute missing or malformed")
		case !bytes.Equal(mdv, contentDigest):
			res.problems = append(res.problems,
				"message digest mismatch: the signed bytes were changed after signing")
		default:
			res.digestOK = true
		}
		res.signingTime = len(attrs[oidAttrSigningTime.String()]) > 0
		res.essV2OK = checkESSv2(attrs[oidAttrSigningCertV2.String()], res.cert, &res.problems)
		if !res.essV2OK && len(attrs[oidAttrSigningCertV2.String()]) == 0 {
			if len(attrs[oidAttrSigningCert.String()]) > 0 {
				res.problems = append(res.problems,
					"only the SHA-1 signing-certificate (v1) attribute is present, not signing-certificate-v2")
			} else {
				res.problems = append(res.problems, "signing-certificate-v2 attribute missing")
			}
		}
		h := newHash(hashAlg)
		h.Write(setOf(si.SignedAttrs.Bytes))
		signed = h.Sum(nil)
	} else {
		res.digestOK = true // checked by the signature itself below
		res.problems = append(res.problems, "no signed attributes")
	}
	if err := verifySignature(res.cert, si.SignatureAlgorithm.Algorithm, hashAlg, signed, si.Signature); err != nil {
		res.problems = append(res.problems, "cryptographic signature is invalid: "+err.Error())
		if !res.hasSignedAtt {
			res.digestOK = false
		}
	} else {
		res.signatureOK = true
	}
	return res, nil
}

func findSigner(sid asn1.RawValue, certs []*x509.Certificate) *x509.Certificate {
	if sid.Class == asn1.ClassContextSpecific && sid.Tag == 0 {
		for _, c := range certs {
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, sid.Bytes) {
				return c
			}
		}
		return nil
	}
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil || ias.Serial == nil {
		return nil
	}
	for _, c := range certs {
		if c.SerialNumber.Cmp(ias.Serial) == 0 && bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) {
			return c
		}
	}
	return nil
}

// parseAttributes maps attribute OIDs to their values.
func parseAttributes(content []byte) (map[string][]asn1.RawValue, error) {
	out := map[string][]asn1.RawValue{}
	for len(content) > 0 {
		var a attribute
		var err error
		content, err = asn1.Unmarshal(content, &a)
		if err != nil {
			return nil, err
		}
		if _, dup := out[a.Type.String()]; dup {
			return nil, fmt.Errorf("attribute %v appears twice", a.Type)
		}
		vals := []asn1.RawValue{}
		rest := a.Values.Bytes
		for len(rest) > 0 {
			var v asn1.RawValue
			rest, err = asn1.Unmarshal(rest, &v)
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
		}
		out[a.Type.String()] = vals
	}
	return out, nil
}

func checkESSv2(vals []asn1.RawValue, cert *x509.Certificate, problems *[]string) bool {
	if len(vals) == 0 {
		return false
	}
	var sc signingCertificateV2
	if len(vals) != 1 {
		*problems = append(*problems, "signing-certificate-v2 attribute has several values")
		return false
	}
	if _, err := asn1.Unmarshal(vals[0].FullBytes, &sc); err != nil || len(sc.Certs) == 0 {
		*problems = append(*problems, "signing-certificate-v2 attribute is malformed")
		return false
	}
	id := sc.Certs[0]
	hashAlg := crypto.SHA256
	if len(id.HashAlgorithm.Algorithm) > 0 {
		hashAlg, _ = hashFor(id.HashAlgorithm.Algorithm)
	}
	h := newHash(hashAlg)
	if h == nil {
		*problems = append(*problems, "signing-certificate-v2 uses an unsupported hash")
		return false
	}
	h.Write(cert.Raw)
	if !bytes.Equal(h.Sum(nil), id.CertHash) {
		*problems = append(*problems, "signing-certificate-v2 does not match the signer certificate")
		return false
	}
	if id.IssuerSerial.Serial != nil {
		ok := id.IssuerSerial.Serial.Cmp(cert.SerialNumber) == 0
		if ok && len(id.IssuerSerial.Issuer) > 0 {
			gn := id.IssuerSerial.Issuer[0]
			ok = gn.Class == asn1.ClassContextSpecific && gn.Tag == 4 && bytes.Equal(gn.Bytes, cert.RawIssuer)
		}
		if !ok {
			*problems = append(*problems, "signing-certificate-v2 issuer and serial do not match the signer certificate")
			return false
		}
	}
	return true
}

func verifySignature(cert *x509.Certificate, alg asn1.ObjectIdentifier, h crypto.Hash, digest, sig []byte) error {
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		switch {
		case alg.Equal(oidRSAEncryption), alg.Equal(oidSHA1WithRSA), alg.Equal(oidSHA256WithRSA),
			alg.Equal(oidSHA384WithRSA), alg.Equal(oidSHA512WithRSA):
			return rsa.VerifyPKCS1v15(pub, h, digest, sig)
		}
	case *ecdsa.PublicKey:
		switch {
		case alg.Equal(oidECDSAWithSHA256), alg.Equal(oidECDSAWithSHA384), alg.Equal(oidECDSAWithSHA512),
			alg.Equal(oidECPublicKey):
			if !ecdsa.VerifyASN1(pub, digest, sig) {
				return errors.New("ecdsa verification failure")
			}
			return nil
		}
	default:
		return fmt.Errorf("unsupported public key %T", cert.PublicKey)
	}
	return fmt.Errorf("unsupported signature algorithm %v", alg)
}
