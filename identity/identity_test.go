package identity

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config")
	if _, err := Load(dir); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Load before creation: %v, want ErrNoKey", err)
	}
	id, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !id.Created || id.Path != KeyPath(dir) {
		t.Errorf("Created %v Path %s", id.Created, id.Path)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(id.Path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("key file mode %04o, want 0600", st.Mode().Perm())
		}
		st, err = os.Stat(filepath.Dir(id.Path))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("key folder mode %04o, want 0700", st.Mode().Perm())
		}
	}
	again, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || !bytes.Equal(again.Public, id.Public) || again.Fingerprint() != id.Fingerprint() {
		t.Error("second LoadOrCreate did not load the same key")
	}
	sig := again.Sign([]byte("x"))
	if !ed25519.Verify(id.Public, []byte("x"), sig) {
		t.Error("signature does not verify")
	}
	ents, _ := os.ReadDir(filepath.Dir(id.Path))
	if len(ents) != 1 {
		t.Errorf("key folder holds %d entries, want only the key", len(ents))
	}
}

func TestConcurrentCreation(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	keys := make([]string, 8)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := LoadOrCreate(dir)
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = id.Fingerprint()
		}()
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if k != keys[0] {
			t.Fatalf("concurrent creation gave different keys: %v", keys)
		}
	}
}

func TestExposedKeyRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runtime.GOOS is windows: file permissions are ACLs there")
	}
	dir := t.TempDir()
	id, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(id.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); !errors.Is(err, ErrExposed) {
		t.Errorf("Load of a 0644 key: %v, want ErrExposed", err)
	}
	os.Chmod(id.Path, 0o600)
	os.Chmod(filepath.Dir(id.Path), 0o755)
	if _, err := Load(dir); !errors.Is(err, ErrExposed) {
		t.Errorf("Load from a 0755 folder: %v, want ErrExposed", err)
	}
}

func TestDamagedKey(t *testing.T) {
	dir := t.TempDir()
	id, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(id.Path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(dir); err == nil || errors.Is(err, ErrNoKey) {
		t.Errorf("a damaged key must be reported, not replaced: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)).Public().(ed25519.PublicKey)
	fp := Fingerprint(pub)
	if len(fp) != 39 || strings.Count(fp, "-") != 7 {
		t.Fatalf("fingerprint %q: want 8 groups of 4", fp)
	}
	for _, in := range []string{fp, strings.ToLower(fp), strings.ReplaceAll(fp, "-", ""), " " + strings.ReplaceAll(fp, "-", " ") + " "} {
		got, err := ParseFingerprint(in)
		if err != nil || got != fp {
			t.Errorf("ParseFingerprint(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "ABCD", fp + "A", strings.Replace(fp, fp[:1], "1", 1), "0000-0000-0000-0000-0000-0000-0000-0000"} {
		if _, err := ParseFingerprint(bad); !errors.Is(err, ErrBadFingerprint) {
			t.Errorf("ParseFingerprint(%q): %v, want ErrBadFingerprint", bad, err)
		}
	}
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32)).Public().(ed25519.PublicKey)
	if Fingerprint(other) == fp {
		t.Error("two keys share a fingerprint")
	}
}

func TestPublicKeyFiles(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32)).Public().(ed25519.PublicKey)
	for name, in := range map[string][]byte{
		"pem":    MarshalPublicKey(pub),
		"base64": []byte(base64.StdEncoding.EncodeToString(pub) + "\n"),
		"bom":    append([]byte("\xEF\xBB\xBF"), MarshalPublicKey(pub)...),
	} {
		got, err := ParsePublicKey(in)
		if err != nil || !bytes.Equal(got, pub) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, in := range map[string][]byte{
		"empty":   nil,
		"short":   []byte(base64.StdEncoding.EncodeToString(pub[:31])),
		"private": []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
		"huge":    bytes.Repeat([]byte("A"), 20<<10),
		"two":     append(MarshalPublicKey(pub), MarshalPublicKey(pub)...),
	} {
		if _, err := ParsePublicKey(in); !errors.Is(err, ErrBadPublicKey) {
			t.Errorf("%s: %v, want ErrBadPublicKey", name, err)
		}
	}
}

func TestEnrolmentProof(t *testing.T) {
	secret, verifier, err := NewEnrolmentSecret()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(EnrolmentVerifier(secret), verifier) {
		t.Fatal("verifier differs")
	}
	pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)).Public().(ed25519.PublicKey)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32)).Public().(ed25519.PublicKey)
	proof, err := EnrolmentProof(secret, "council", 3, "TV03", pub)
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyEnrolment(verifier, proof, "council", 3, "TV03", pub) {
		t.Fatal("a good proof is refused")
	}
	for name, ok := range map[string]bool{
		"other key":     VerifyEnrolment(verifier, proof, "council", 3, "TV03", other),
		"other member":  VerifyEnrolment(verifier, proof, "council", 3, "TV04", pub),
		"other period":  VerifyEnrolment(verifier, proof, "council", 4, "TV03", pub),
		"other council": VerifyEnrolment(verifier, proof, "counci", 3, "TV03", pub),
		"other secret":  VerifyEnrolment(other, proof, "council", 3, "TV03", pub),
		"short proof":   VerifyEnrolment(verifier, proof[:10], "council", 3, "TV03", pub),
	} {
		if ok {
			t.Errorf("%s: proof accepted", name)
		}
	}
	if _, err := EnrolmentProof(secret[:5], "c", 1, "m", pub); err == nil {
		t.Error("a short secret is accepted")
	}
}

func TestConfigDir(t *testing.T) {
	env := map[string]string{ConfigEnv: "/tmp/x", "HOME": "/home/u"}
	d, err := ConfigDir(func(k string) string { return env[k] })
	if err != nil || d != "/tmp/x" {
		t.Errorf("ConfigDir with %s: %q, %v", ConfigEnv, d, err)
	}
	if runtime.GOOS == "linux" {
		delete(env, ConfigEnv)
		d, err = ConfigDir(func(k string) string { return env[k] })
		if err != nil || d != "/home/u/.config/parindex" {
			t.Errorf("ConfigDir: %q, %v", d, err)
		}
	}
}
