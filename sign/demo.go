package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/text/unicode/norm"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// KeyKind names the key type of a demo certificate.
type KeyKind string

// The key kinds DemoCertificate makes.
const (
	RSA2048 KeyKind = "rsa2048"
	RSA3072 KeyKind = "rsa3072"
	RSA4096 KeyKind = "rsa4096"
	P256    KeyKind = "p256"
)

// KeyKinds lists every KeyKind, for help texts and tests.
var KeyKinds = []KeyKind{RSA2048, RSA3072, RSA4096, P256}

// ParseKeyKind reads a key kind such as "rsa3072" (for a --key flag).
func ParseKeyKind(s string) (KeyKind, error) {
	for _, k := range KeyKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown key kind %q (want rsa2048, rsa3072, rsa4096 or p256)", s)
}

// DemoCAName is the common name of the demo CA; nothing should ever trust it.
const DemoCAName = "parindex DEMO CA - NOT TRUSTED"

func newKey(kind KeyKind) (crypto.Signer, error) {
	switch kind {
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	case P256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	return nil, fmt.Errorf("unknown key kind %q", kind)
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// DemoCertificate makes a self-signed demo CA (DemoCAName) and a signing
// certificate issued by it (CN=name, O=org, C=VN; key usage digital signature and
// non-repudiation; valid from an hour before now for two years), both with keys of
// the given kind. It returns the key, the certificate and the CA certificate as
// PKCS#12 (go-pkcs12's Modern encoding: AES-256 and PBKDF2, readable by OpenSSL 3)
// protected by password, and the CA certificate as PEM, which a verifier must be
// given as an extra root to trust the signatures.
func DemoCertificate(name, org string, kind KeyKind, password string, now time.Time) (p12, caPEM []byte, err error) {
	name, org = norm.NFC.String(name), norm.NFC.String(org)
	caKey, err := newKey(kind)
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: %w", err)
	}
	key, err := newKey(kind)
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: %w", err)
	}
	caSerial, err := serial()
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          caSerial,
		Subject:               pkix.Name{CommonName: DemoCAName, Organization: []string{"parindex"}, Country: []string{"VN"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: create ca: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: parse ca: %w", err)
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: %w", err)
	}
	subject := pkix.Name{CommonName: name, Country: []string{"VN"}}
	if org != "" {
		subject.Organization = []string{org}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               subject,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(2, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: parse certificate: %w", err)
	}
	p12, err = pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca}, password)
	if err != nil {
		return nil, nil, fmt.Errorf("demo certificate: encode pkcs12: %w", err)
	}
	return p12, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}
