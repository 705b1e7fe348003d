// Package identity holds a council member's key pair: the Ed25519 key that
// signs the member's return files, created on first use and kept in the
// user's configuration folder, readable only by that user (a 0600 file in a
// 0700 folder).
//
// The public half is shown to people as a fingerprint, eight groups of four
// letters and digits ("K7QW-3MZP-..."), which the secretariat enrols for the
// member. The package also defines the enrolment proof a return carries when
// the member's key is not enrolled yet: a signature by a one-time key whose
// seed was inside that member's package, over the member's public key and
// the council, period and member it is for.
//
// The package imports nothing of parindex but appdirs; both the member's
// laptop (exchange) and the secretariat's store (data) use it.
package identity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"parindex/appdirs"
)

// Names of the key's folder and file, and of the environment variable that
// overrides the configuration folder.
const (
	// KeyDir is the folder, inside the configuration folder, that holds the key.
	KeyDir = "identity"
	// KeyFile is the name of the private key file (PKCS #8 in PEM).
	KeyFile = "member-ed25519.pem"
	// ConfigEnv names the environment variable that sets the configuration
	// folder (for tests, scripts and a second profile on one laptop).
	ConfigEnv = "PARINDEX_CONFIG_DIR"
)

// Errors a caller can test for with errors.Is.
var (
	// ErrNoKey is wrapped by Load when this profile has no key yet.
	ErrNoKey = errors.New("no member key yet")
	// ErrExposed is wrapped when the key file or its folder can be read by
	// other users: the key may have been copied and is not used.
	ErrExposed = errors.New("member key is readable by other users")
	// ErrBadFingerprint is wrapped by ParseFingerprint.
	ErrBadFingerprint = errors.New("not a key fingerprint")
	// ErrBadPublicKey is wrapped by ParsePublicKey.
	ErrBadPublicKey = errors.New("not an Ed25519 public key")
)

// Identity is this profile's key pair.
type Identity struct {
	Private ed25519.PrivateKey
	Public  ed25519.PublicKey
	Path    string // the private key file
	Created bool   // the key was created by this call
}

// Fingerprint returns the fingerprint of the identity's public key.
func (id *Identity) Fingerprint() string { return Fingerprint(id.Public) }

// Sign signs msg with the private key.
func (id *Identity) Sign(msg []byte) []byte { return ed25519.Sign(id.Private, msg) }

// ConfigDir returns the configuration folder: $PARINDEX_CONFIG_DIR when set,
// otherwise the operating system's configuration folder for parindex (see
// package appdirs). getenv is os.Getenv when nil.
func ConfigDir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if d := strings.TrimSpace(getenv(ConfigEnv)); d != "" {
		return d, nil
	}
	dirs, err := appdirs.Resolve(appdirs.Options{Getenv: getenv})
	if err != nil {
		return "", fmt.Errorf("find the configuration folder: %w", err)
	}
	return dirs.Config, nil
}

// KeyPath returns the key file's path inside a configuration folder.
func KeyPath(configDir string) string {
	return filepath.Join(configDir, KeyDir, KeyFile)
}

// Load reads the key kept in configDir. It returns an error wrapping ErrNoKey
// when there is none, and ErrExposed when the file or its folder is readable
// by other users (on Windows, where permissions are ACLs, that check is left
// to the profile folder's own protection).
func Load(configDir string) (*Identity, error) {
	path := KeyPath(configDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load member key %s: %w", path, ErrNoKey)
	}
	if err != nil {
		return nil, fmt.Errorf("load member key: %w", err)
	}
	if err := checkPrivate(path); err != nil {
		return nil, err
	}
	priv, err := parsePrivate(b)
	if err != nil {
		return nil, fmt.Errorf("load member key %s: %w", path, err)
	}
	return &Identity{Private: priv, Public: priv.Public().(ed25519.PublicKey), Path: path}, nil
}

// LoadOrCreate loads the key kept in configDir, creating it on first use:
// the folders are made readable only by the user (0700) and the key file is
// written 0600. Two programs creating the key at the same moment end with
// one key: the second finds the first's file and loads it.
func LoadOrCreate(configDir string) (*Identity, error) {
	id, err := Load(configDir)
	if err == nil || !errors.Is(err, ErrNoKey) {
		return id, err
	}
	dir := filepath.Join(configDir, KeyDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create member key folder: %w", err)
	}
	if runtime.GOOS != "windows" {
		// MkdirAll leaves an existing folder as it was; this one is ours.
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("protect member key folder: %w", err)
		}
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("create member key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("create member key: %w", err)
	}
	body := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	path := KeyPath(configDir)
	tmp, err := os.CreateTemp(dir, ".new-key-*")
	if err != nil {
		return nil, fmt.Errorf("create member key: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if runtime.GOOS != "windows" {
		if err := tmp.Chmod(0o600); err != nil {
			tmp.Close()
			return nil, fmt.Errorf("create member key: %w", err)
		}
	}
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create member key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create member key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("create member key: %w", err)
	}
	// Link fails when another program created the key meanwhile: keep theirs.
	if err := os.Link(tmpName, path); err != nil {
		if _, statErr := os.Stat(path); statErr == nil {
			return Load(configDir)
		}
		if err := os.Rename(tmpName, path); err != nil {
			return nil, fmt.Errorf("create member key: %w", err)
		}
	}
	syncDir(dir)
	return &Identity{Private: priv, Public: pub, Path: path, Created: true}, nil
}

// syncDir flushes a folder's entries to disk where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// checkPrivate refuses a key file or folder that group or others may read.
func checkPrivate(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("check member key: %w", err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			return fmt.Errorf("%s has permissions %04o (want %s): %w; run chmod %s %s, and if someone may have copied it, ask the secretariat to re-enrol a new key",
				p, st.Mode().Perm(), want(st.IsDir()), ErrExposed, want(st.IsDir()), p)
		}
	}
	return nil
}

func want(dir bool) string {
	if dir {
		return "0700"
	}
	return "0600"
}

func parsePrivate(b []byte) (ed25519.PrivateKey, error) {
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("the file is not one PEM \"PRIVATE KEY\" block")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the key cannot be read: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the key is a %T, not an Ed25519 key", k)
	}
	return priv, nil
}

// fpEncoding is RFC 4648 base32 without padding: capital letters and the
// digits 2 to 7, so no 0/O or 1/I confusion when a fingerprint is read aloud.
var fpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// fingerprintBytes is how much of the SHA-256 of the key a fingerprint shows:
// 160 bits, 32 characters.
const fingerprintBytes = 20

// Fingerprint returns the fingerprint of a public key: the first 160 bits of
// its SHA-256 in base32, as eight groups of four characters joined by "-".
func Fingerprint(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	s := fpEncoding.EncodeToString(h[:fingerprintBytes])
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// ParseFingerprint reads a fingerprint as typed by a person: letters in
// either case, with or without the dashes or spaces between groups. It
// returns the canonical form.
func ParseFingerprint(s string) (string, error) {
	t := strings.Map(func(r rune) rune {
		switch r {
		case '-', ' ', '\t':
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
	raw, err := fpEncoding.DecodeString(t)
	if err != nil || len(t) != 32 || len(raw) != fingerprintBytes {
		return "", fmt.Errorf("%q: %w (want 8 groups of 4 letters or digits 2-7, such as those printed by 'parindex-cli identity show')", s, ErrBadFingerprint)
	}
	out := fpEncoding.EncodeToString(raw)
	var b strings.Builder
	for i := 0; i < len(out); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(out[i : i+4])
	}
	return b.String(), nil
}

// MarshalPublicKey returns the public key as a PEM "PUBLIC KEY" block (PKIX),
// the file 'identity export' writes for the secretariat.
func MarshalPublicKey(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err) // an ed25519.PublicKey always marshals
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKey reads a public key file: a PEM "PUBLIC KEY" block, or the
// 32 raw bytes of the key in standard base64 (as 'identity show' prints it).
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	if len(b) > 16<<10 {
		return nil, fmt.Errorf("%w: the file is larger than 16 KiB", ErrBadPublicKey)
	}
	t := bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))
	if blk, rest := pem.Decode(t); blk != nil {
		if blk.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) != 0 {
			return nil, fmt.Errorf("%w: want one PEM \"PUBLIC KEY\" block, found %q", ErrBadPublicKey, blk.Type)
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadPublicKey, err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: the key is a %T", ErrBadPublicKey, k)
		}
		return pub, nil
	}
	raw, err := base64.StdEncoding.DecodeString(string(t))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: want a PEM \"PUBLIC KEY\" block or 32 bytes in base64", ErrBadPublicKey)
	}
	return ed25519.PublicKey(raw), nil
}

// SecretSize is the size of a one-time enrolment secret: an Ed25519 seed.
const SecretSize = ed25519.SeedSize

// NewEnrolmentSecret returns a fresh one-time enrolment secret and its
// verifier, the public key of the one-time key it seeds. The secretariat
// keeps only the verifier; the secret travels inside the member's package.
func NewEnrolmentSecret() (secret []byte, verifier ed25519.PublicKey, err error) {
	secret = make([]byte, SecretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, nil, fmt.Errorf("create enrolment secret: %w", err)
	}
	return secret, EnrolmentVerifier(secret), nil
}

// EnrolmentVerifier returns the verifier of a one-time enrolment secret.
// It panics if the secret is not SecretSize bytes.
func EnrolmentVerifier(secret []byte) ed25519.PublicKey {
	return ed25519.NewKeyFromSeed(secret).Public().(ed25519.PublicKey)
}

// enrolmentMessage is what an enrolment proof signs: a version tag and each
// field as a netstring, so no two different enrolments encode alike.
func enrolmentMessage(councilID string, period int64, member string, pub ed25519.PublicKey) []byte {
	var b []byte
	b = append(b, "parindex-enrolment-1\n"...)
	for _, f := range []string{councilID, strconv.FormatInt(period, 10), member, string(pub)} {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, ',')
	}
	return b
}

// EnrolmentProof proves that whoever holds the member key pub also received
// the package that carried secret: it signs the key, the council, the
// period (its ID at the secretariat) and the member with the one-time key.
func EnrolmentProof(secret []byte, councilID string, period int64, member string, pub ed25519.PublicKey) ([]byte, error) {
	if len(secret) != SecretSize {
		return nil, fmt.Errorf("enrolment secret has %d bytes, want %d", len(secret), SecretSize)
	}
	return ed25519.Sign(ed25519.NewKeyFromSeed(secret), enrolmentMessage(councilID, period, member, pub)), nil
}

// VerifyEnrolment reports whether proof was made by the secret whose
// verifier is given, for this council, period, member and key.
func VerifyEnrolment(verifier ed25519.PublicKey, proof []byte, councilID string, period int64, member string, pub ed25519.PublicKey) bool {
	if len(verifier) != ed25519.PublicKeySize || len(proof) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(verifier, enrolmentMessage(councilID, period, member, pub), proof)
}
