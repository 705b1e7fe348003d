package exchange

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"parindex/data"
	"parindex/identity"
	"parindex/index"
	"parindex/version"
)

// Return is a return file as read: its signature verified against the key
// it names, its content ready for data.Store.MergeReturn, which checks the
// key against the one enrolled.
type Return struct {
	Merge       *data.ReturnMerge
	CreatedAt   time.Time
	App         string
	Fingerprint string // of the key that signed it
}

// returnHeader is the head of a return's payload.
type returnHeader struct {
	Format        string     `json:"format"`
	FormatVersion int        `json:"format_version"`
	CouncilID     string     `json:"council_id"`
	Period        periodJSON `json:"period"`
	Round         int        `json:"round"`
	Member        string     `json:"member"`
	Version       int64      `json:"version"`
	CreatedAt     string     `json:"created_at"`
	App           string     `json:"app"`
}

// returnKey is the member's public key, inside the signed payload.
type returnKey struct {
	Fingerprint string `json:"fingerprint"`
	PublicKey   string `json:"public_key"` // base64 of the 32 bytes
}

// returnScore is one score of a return; member and round are the header's.
type returnScore struct {
	Unit      string       `json:"unit"`
	Criterion string       `json:"criterion"`
	Points    index.Points `json:"points"`
	Reason    string       `json:"reason,omitempty"`
}

// returnPayload is what a return's signature covers.
type returnPayload struct {
	Header         returnHeader  `json:"header"`
	Key            returnKey     `json:"key"`
	EnrolmentProof string        `json:"enrolment_proof,omitempty"` // base64, when the key is not enrolled yet
	Scores         []returnScore `json:"scores"`
}

// WriteReturn writes a member's return signed with the member's key. The
// signature is Ed25519 over the exact bytes of the payload (prefixed by the
// context "parindex-return/1" and a NUL byte), never over a re-encoding.
// When the package carried a one-time enrolment secret the payload carries
// the proof of it for this key (identity.EnrolmentProof). It returns the
// payload's SHA-256, which identifies the return at the secretariat.
func WriteReturn(w io.Writer, rc *data.ReturnContent, id *identity.Identity, createdAt time.Time) (string, error) {
	if rc == nil || id == nil {
		return "", fmt.Errorf("write return: no content or no key")
	}
	p := returnPayload{
		Header: returnHeader{Format: FormatReturn, FormatVersion: FormatVersion, CouncilID: rc.CouncilID,
			Period: periodOf(rc.Period, false), Round: rc.Round, Member: rc.Member, Version: rc.Version,
			CreatedAt: createdAt.Format(time.RFC3339), App: "parindex " + version.Version},
		Key:    returnKey{Fingerprint: id.Fingerprint(), PublicKey: base64.StdEncoding.EncodeToString(id.Public)},
		Scores: make([]returnScore, len(rc.Scores)),
	}
	for i, a := range rc.Scores {
		p.Scores[i] = returnScore{Unit: a.Unit, Criterion: a.Criterion, Points: a.Points, Reason: a.Reason}
	}
	if len(rc.EnrolSecret) > 0 {
		proof, err := identity.EnrolmentProof(rc.EnrolSecret, rc.CouncilID, rc.Period.ID, rc.Member, id.Public)
		if err != nil {
			return "", fmt.Errorf("write return: %w", err)
		}
		p.EnrolmentProof = base64.StdEncoding.EncodeToString(proof)
	}
	payload, err := marshalPayload(p)
	if err != nil {
		return "", fmt.Errorf("write return: %w", err)
	}
	sig := id.Sign(append([]byte(contextReturn), payload...))
	if err := writeEnvelope(w, FormatReturn, payload, "", &signatureJSON{Alg: "ed25519",
		Value: base64.StdEncoding.EncodeToString(sig)}); err != nil {
		return "", fmt.Errorf("write return: %w", err)
	}
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:]), nil
}

// ReadReturn reads a return file and verifies its signature with the key
// its payload names. It checks the file as strictly as ReadPackage (size
// MaxReturnSize); a file whose signature does not verify — changed by a
// single byte after signing — is refused as FileTampered. Errors are
// *PackageFileError naming the file.
func ReadReturn(r io.Reader, name string) (*Return, error) {
	if name == "" {
		name = "(return)"
	}
	b, err := readLimited(r, name, MaxReturnSize, "return")
	if err != nil {
		return nil, err
	}
	env, err := readEnvelope(b, name, FormatReturn)
	if err != nil {
		return nil, err
	}
	if env.Signature == nil || env.Signature.Alg != "ed25519" || env.PayloadSHA256 != "" {
		return nil, fileErr(name, FileDamaged, "a return must carry one Ed25519 signature")
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(env.Signature.Value)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, fileErr(name, FileTampered, "the signature is not an Ed25519 signature in base64")
	}
	var p returnPayload
	if err := decodeStrict(env.Payload, &p); err != nil {
		return nil, &PackageFileError{File: name, Kind: FileTampered, Msg: "the payload cannot be read (changed after signing?): " + err.Error(), Err: err}
	}
	pub, err := base64.StdEncoding.Strict().DecodeString(p.Key.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, fileErr(name, FileTampered, "the member's public key is not 32 bytes in base64")
	}
	if !ed25519.Verify(pub, append([]byte(contextReturn), env.Payload...), sig) {
		return nil, fileErr(name, FileTampered, "the signature does not verify: the file was changed after the member signed it")
	}
	fp := identity.Fingerprint(pub)
	if f, err := identity.ParseFingerprint(p.Key.Fingerprint); err != nil || f != fp {
		return nil, fileErr(name, FileInvalid, "the fingerprint %q is not the key's (%s)", p.Key.Fingerprint, fp)
	}
	h := p.Header
	bad := func(format string, a ...any) (*Return, error) {
		return nil, fileErr(name, FileInvalid, format, a...)
	}
	if h.Format != FormatReturn || h.FormatVersion != FormatVersion {
		return bad("the payload's header is not a %s version %d header", FormatReturn, FormatVersion)
	}
	created, err := time.Parse(time.RFC3339, h.CreatedAt)
	if err != nil {
		return bad("created_at %q is not an RFC 3339 time", h.CreatedAt)
	}
	app, err := textRule(h.App, "app", maxCodeBytes)
	if err != nil {
		return bad("%v", err)
	}
	m := &data.ReturnMerge{File: name, Round: h.Round, Version: h.Version, PublicKey: pub}
	sum := sha256.Sum256(env.Payload)
	m.Digest = hex.EncodeToString(sum[:])
	if m.CouncilID, err = codeRule(h.CouncilID, "the council ID"); err != nil {
		return bad("%v", err)
	}
	if m.Period, err = h.Period.check(false); err != nil {
		return bad("%v", err)
	}
	if m.Member, err = codeRule(h.Member, "the member"); err != nil {
		return bad("%v", err)
	}
	if h.Round != 1 && h.Round != 2 {
		return bad("round %d is not 1 or 2", h.Round)
	}
	if h.Version < 1 {
		return bad("version %d is not 1 or more", h.Version)
	}
	if p.EnrolmentProof != "" {
		proof, err := base64.StdEncoding.Strict().DecodeString(p.EnrolmentProof)
		if err != nil || len(proof) != ed25519.SignatureSize {
			return bad("the enrolment proof is not %d bytes in base64", ed25519.SignatureSize)
		}
		m.EnrolProof = proof
	}
	if len(p.Scores) > maxItems {
		return bad("the return holds more than %d scores", maxItems)
	}
	m.Scores = make([]index.AppraisalScore, len(p.Scores))
	seen := make(map[[2]string]int, len(p.Scores))
	for i, sc := range p.Scores {
		a := index.AppraisalScore{Member: m.Member, Round: h.Round, Points: sc.Points}
		if a.Unit, err = codeRule(sc.Unit, fmt.Sprintf("score %d's unit", i+1)); err != nil {
			return bad("%v", err)
		}
		if a.Criterion, err = codeRule(sc.Criterion, fmt.Sprintf("score %d's criterion", i+1)); err != nil {
			return bad("%v", err)
		}
		if a.Reason, err = textRule(sc.Reason, fmt.Sprintf("score %d's reason", i+1), maxTextBytes); err != nil {
			return bad("%v", err)
		}
		if sc.Points < 0 {
			return bad("score %d (unit %s, criterion %s) is negative", i+1, a.Unit, a.Criterion)
		}
		k := [2]string{a.Unit, a.Criterion}
		if j, dup := seen[k]; dup {
			return bad("scores %d and %d are both for unit %s, criterion %s", j+1, i+1, a.Unit, a.Criterion)
		}
		seen[k] = i
		m.Scores[i] = a
	}
	return &Return{Merge: m, CreatedAt: created, App: app, Fingerprint: fp}, nil
}
