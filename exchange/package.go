package exchange

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"parindex/data"
	"parindex/identity"
	"parindex/index"
	"parindex/version"
)

// The offline council's files are single JSON documents in UTF-8, text in
// NFC, every key lower-case snake_case:
//
//	{"format":"parindex-package","format_version":1,
//	 "payload_sha256":"<hex SHA-256 of the payload's bytes>",
//	 "payload":{"header":{"format","format_version","council_id","period":{"id","year","round","name","rule","threshold"},
//	                      "round","member","sequence","created_at","app"},
//	            "member":{...},"enrolment":{"enrolled_key"|"secret"},"last_return",
//	            "frameworks":[<framework JSON, as framework files>],"blocks","units","assignments",
//	            "self","not_applicable","appraisals"}}
//
//	{"format":"parindex-return","format_version":1,
//	 "signature":{"alg":"ed25519","value":"<base64>"},
//	 "payload":{"header":{"format","format_version","council_id","period":{"id","year","round"},
//	                      "round","member","version","created_at","app"},
//	            "key":{"fingerprint","public_key"},"enrolment_proof":"<base64, optional>",
//	            "scores":[{"unit","criterion","points","reason"}]}}
//
// The digest and the signature cover the exact bytes of "payload" as they
// stand in the file (the signature over "parindex-return/1", a NUL byte and
// those bytes), never a re-encoding. Readers refuse duplicate or unknown
// keys, trailing data, points with more than two decimals, control
// characters in text, and files over the size limits.

// Formats and their version. A file names its format and version in its
// first keys; a later version is refused with a message to update parindex.
const (
	FormatPackage   = "parindex-package"    // member package: secretariat → member
	FormatReturn    = "parindex-return"     // return: member → secretariat, signed
	FormatUnitSheet = "parindex-unit-sheet" // a unit's appraisal sheet and its answers
	FormatVersion   = 1
)

// Size limits of the files read.
const (
	// MaxPackageSize is the largest member package ReadPackage accepts:
	// 256 MiB. A member of a national council assigned every field of 3,321
	// communes needs about 60 MiB.
	MaxPackageSize = 256 << 20
	// MaxReturnSize is the largest return ReadReturn accepts: 128 MiB (a
	// return of 30,000 scores is about 3 MiB).
	MaxReturnSize = 128 << 20
)

// Package is a member package read from a file.
type Package struct {
	Content   *data.PackageContent
	CreatedAt time.Time
	App       string // the program that wrote it, e.g. "parindex 0.1.0"
	Digest    string // hex SHA-256 of the payload: the package's identity
}

// periodJSON is a period as files name it.
type periodJSON struct {
	ID        int64             `json:"id"`
	Year      int               `json:"year"`
	Round     index.PeriodRound `json:"round"`
	Name      string            `json:"name,omitempty"`
	Rule      index.Rule        `json:"rule,omitempty"`
	Threshold *index.Percent    `json:"threshold,omitempty"`
}

// packageHeader is the head of a package's payload.
type packageHeader struct {
	Format        string     `json:"format"`
	FormatVersion int        `json:"format_version"`
	CouncilID     string     `json:"council_id"`
	Period        periodJSON `json:"period"`
	Round         int        `json:"round"`
	Member        string     `json:"member"`
	Sequence      int64      `json:"sequence"`
	CreatedAt     string     `json:"created_at"`
	App           string     `json:"app"`
}

// enrolmentJSON tells the member's laptop what the council knows of its key.
type enrolmentJSON struct {
	EnrolledKey string `json:"enrolled_key,omitempty"` // fingerprint
	Secret      string `json:"secret,omitempty"`       // base64 one-time secret, when no key is enrolled
}

// packagePayload is what a package's digest covers.
type packagePayload struct {
	Header        packageHeader          `json:"header"`
	Member        index.CouncilMember    `json:"member"`
	Enrolment     enrolmentJSON          `json:"enrolment"`
	LastReturn    int64                  `json:"last_return"`
	Frameworks    []json.RawMessage      `json:"frameworks"`
	Blocks        []index.Block          `json:"blocks"`
	Units         []index.Unit           `json:"units"`
	Assignments   []index.Assignment     `json:"assignments"`
	Self          []index.SelfScore      `json:"self"`
	NotApplicable []index.NotApplicable  `json:"not_applicable"`
	Appraisals    []index.AppraisalScore `json:"appraisals"`
}

// WritePackage writes a member package. Its payload is compact JSON led by
// a header (format, version, council ID, period, round, member, sequence,
// creation time); the envelope adds the payload's SHA-256, which a reader
// checks, so damage in transit is found. It returns that digest.
func WritePackage(w io.Writer, pc *data.PackageContent, createdAt time.Time) (string, error) {
	if pc == nil {
		return "", fmt.Errorf("write member package: no content")
	}
	p := packagePayload{
		Header: packageHeader{Format: FormatPackage, FormatVersion: FormatVersion, CouncilID: pc.CouncilID,
			Period: periodOf(pc.Period, true), Round: pc.Round, Member: pc.Member.ID, Sequence: pc.Sequence,
			CreatedAt: createdAt.Format(time.RFC3339), App: "parindex " + version.Version},
		Member:        pc.Member,
		Enrolment:     enrolmentJSON{EnrolledKey: pc.EnrolledKey},
		LastReturn:    pc.LastReturn,
		Frameworks:    make([]json.RawMessage, 0, len(pc.Frameworks)),
		Blocks:        nonNil(pc.Blocks),
		Units:         nonNil(pc.Units),
		Assignments:   nonNil(pc.Assignments),
		Self:          nonNil(pc.Self),
		NotApplicable: nonNil(pc.NotApplicable),
		Appraisals:    nonNil(pc.Appraisals),
	}
	if len(pc.EnrolSecret) > 0 {
		p.Enrolment.Secret = base64.StdEncoding.EncodeToString(pc.EnrolSecret)
	}
	for _, f := range pc.Frameworks {
		var b bytes.Buffer
		if err := WriteFrameworkJSON(&b, f); err != nil {
			return "", fmt.Errorf("write member package: %w", err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, b.Bytes()); err != nil {
			return "", fmt.Errorf("write member package: framework %s: %w", f.Code, err)
		}
		p.Frameworks = append(p.Frameworks, c.Bytes())
	}
	payload, err := marshalPayload(p)
	if err != nil {
		return "", fmt.Errorf("write member package: %w", err)
	}
	sum := sha256.Sum256(payload)
	digest := hex.EncodeToString(sum[:])
	if err := writeEnvelope(w, FormatPackage, payload, digest, nil); err != nil {
		return "", fmt.Errorf("write member package: %w", err)
	}
	return digest, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func periodOf(p index.Period, full bool) periodJSON {
	pj := periodJSON{ID: p.ID, Year: p.Year, Round: p.Round}
	if full {
		thr := p.Threshold
		pj.Name, pj.Rule, pj.Threshold = p.Name, p.Rule, &thr
	}
	return pj
}

// ReadPackage reads a member package and checks it strictly: the size
// (MaxPackageSize), UTF-8, well-formed JSON without duplicate keys, unknown
// keys or trailing data, the format and its version, the payload's digest,
// every code and text (length, no control characters; normalised to NFC),
// every framework (as ReadFrameworkJSON does), and that everything in it
// belongs together: blocks use the frameworks carried, units are in the
// blocks, scores are on leaves of their unit's framework, all of the one
// member. name is the file name used in errors, which are *PackageFileError.
func ReadPackage(r io.Reader, name string) (*Package, error) {
	if name == "" {
		name = "(member package)"
	}
	b, err := readLimited(r, name, MaxPackageSize, "member package")
	if err != nil {
		return nil, err
	}
	env, err := readEnvelope(b, name, FormatPackage)
	if err != nil {
		return nil, err
	}
	if env.Signature != nil {
		return nil, fileErr(name, FileDamaged, "a member package carries no signature")
	}
	sum := sha256.Sum256(env.Payload)
	digest := hex.EncodeToString(sum[:])
	if env.PayloadSHA256 != digest {
		return nil, fileErr(name, FileTampered, "the file was damaged or changed after it was written (its payload_sha256 does not match its content)")
	}
	var p packagePayload
	if err := decodeStrict(env.Payload, &p); err != nil {
		return nil, &PackageFileError{File: name, Kind: FileDamaged, Msg: "payload: " + err.Error(), Err: err}
	}
	pkg, err := p.content(name)
	if err != nil {
		return nil, err
	}
	pkg.Digest = digest
	return pkg, nil
}

// content checks the payload and turns it into the store's PackageContent.
func (p *packagePayload) content(name string) (*Package, error) {
	bad := func(format string, a ...any) (*Package, error) {
		return nil, fileErr(name, FileInvalid, format, a...)
	}
	h := p.Header
	if h.Format != FormatPackage || h.FormatVersion != FormatVersion {
		return bad("the payload's header is not a %s version %d header", FormatPackage, FormatVersion)
	}
	created, err := time.Parse(time.RFC3339, h.CreatedAt)
	if err != nil {
		return bad("created_at %q is not an RFC 3339 time", h.CreatedAt)
	}
	pc := &data.PackageContent{Round: h.Round, Sequence: h.Sequence, LastReturn: p.LastReturn}
	if pc.CouncilID, err = codeRule(h.CouncilID, "the council ID"); err != nil {
		return bad("%v", err)
	}
	if pc.Period, err = h.Period.check(true); err != nil {
		return bad("%v", err)
	}
	if h.Round != 1 && h.Round != 2 {
		return bad("round %d is not 1 or 2", h.Round)
	}
	if h.Sequence < 1 || p.LastReturn < 0 {
		return bad("sequence %d or last return %d is out of range", h.Sequence, p.LastReturn)
	}
	app, err := textRule(h.App, "app", maxCodeBytes)
	if err != nil {
		return bad("%v", err)
	}
	member, err := codeRule(h.Member, "the member")
	if err != nil {
		return bad("%v", err)
	}
	m := p.Member
	if m.ID, err = codeRule(m.ID, "the member's ID"); err != nil {
		return bad("%v", err)
	}
	if m.ID != member {
		return bad("the header is for member %s but the package holds member %s", member, m.ID)
	}
	if m.Name, err = codeRule(m.Name, "the member's name"); err != nil {
		return bad("%v", err)
	}
	if m.Organisation, err = textRule(m.Organisation, "the member's organisation", maxCodeBytes*4); err != nil {
		return bad("%v", err)
	}
	if r := index.Role(clean(string(m.Role))); r != "" && !r.Valid() {
		return bad("member role %q is not chair, vice-chair, member or secretary", m.Role)
	}
	m.Role = index.Role(clean(string(m.Role)))
	pc.Member = m
	if p.Enrolment.EnrolledKey != "" {
		if pc.EnrolledKey, err = identity.ParseFingerprint(p.Enrolment.EnrolledKey); err != nil {
			return bad("enrolled key: %v", err)
		}
		if p.Enrolment.Secret != "" {
			return bad("the package carries both an enrolled key and an enrolment secret")
		}
	}
	if p.Enrolment.Secret != "" {
		s, err := base64.StdEncoding.Strict().DecodeString(p.Enrolment.Secret)
		if err != nil || len(s) != identity.SecretSize {
			return bad("the enrolment secret is not %d bytes in base64", identity.SecretSize)
		}
		pc.EnrolSecret = s
	}
	for _, n := range []int{len(p.Frameworks), len(p.Blocks), len(p.Units), len(p.Assignments), len(p.Self), len(p.NotApplicable), len(p.Appraisals)} {
		if n > maxItems {
			return bad("a list holds more than %d items", maxItems)
		}
	}

	fws := map[string]*index.Framework{}
	for i, raw := range p.Frameworks {
		f, err := ReadFrameworkJSON(bytes.NewReader(raw), fmt.Sprintf("%s: framework %d", name, i+1))
		if err != nil {
			return nil, &PackageFileError{File: name, Kind: FileInvalid, Msg: err.Error(), Err: err}
		}
		if _, dup := fws[f.Code]; dup {
			return bad("framework %s appears twice", f.Code)
		}
		fws[f.Code] = f
		pc.Frameworks = append(pc.Frameworks, f)
	}
	blocks := map[string]*index.Framework{}
	for i, bl := range p.Blocks {
		if bl.Code, err = codeRule(bl.Code, fmt.Sprintf("block %d's code", i+1)); err != nil {
			return bad("%v", err)
		}
		if bl.Name, err = codeRule(bl.Name, "block "+bl.Code+"'s name"); err != nil {
			return bad("%v", err)
		}
		bl.Framework = clean(bl.Framework)
		f, ok := fws[bl.Framework]
		if !ok {
			return bad("block %s uses framework %q, which the package does not carry", bl.Code, bl.Framework)
		}
		if _, dup := blocks[bl.Code]; dup {
			return bad("block %s appears twice", bl.Code)
		}
		blocks[bl.Code] = f
		pc.Blocks = append(pc.Blocks, bl)
	}
	units := map[string]*index.Framework{}
	for i, u := range p.Units {
		if u.Code, err = codeRule(u.Code, fmt.Sprintf("unit %d's code", i+1)); err != nil {
			return bad("%v", err)
		}
		if u.Name, err = codeRule(u.Name, "unit "+u.Code+"'s name"); err != nil {
			return bad("%v", err)
		}
		u.Block = clean(u.Block)
		f, ok := blocks[u.Block]
		if !ok {
			return bad("unit %s is in block %q, which the package does not carry", u.Code, u.Block)
		}
		if _, dup := units[u.Code]; dup {
			return bad("unit %s appears twice", u.Code)
		}
		units[u.Code] = f
		pc.Units = append(pc.Units, u)
	}
	for _, a := range p.Assignments {
		a.Member, a.Block, a.Field = clean(a.Member), clean(a.Block), clean(a.Field)
		if a.Member != member {
			return bad("an assignment is for member %q, not %s", a.Member, member)
		}
		f, ok := blocks[a.Block]
		if !ok {
			return bad("an assignment is in block %q, which the package does not carry", a.Block)
		}
		isField := false
		for _, fc := range f.Fields {
			isField = isField || fc.Code == a.Field
		}
		if !isField {
			return bad("assignment of block %s: %q is not a field of framework %s", a.Block, a.Field, f.Code)
		}
		pc.Assignments = append(pc.Assignments, a)
	}
	if len(pc.Assignments) == 0 {
		return bad("the package gives the member no assignments")
	}
	leaf := func(unit, crit, what string) (*index.Framework, *index.Criterion, error) {
		f, ok := units[unit]
		if !ok {
			return nil, nil, fmt.Errorf("%s for unit %q, which the package does not carry", what, unit)
		}
		c := f.Find(crit)
		if c == nil {
			return nil, nil, fmt.Errorf("%s for unit %s: %q is not a criterion of framework %s", what, unit, crit, f.Code)
		}
		return f, c, nil
	}
	for _, sc := range p.Self {
		sc.Unit, sc.Criterion = clean(sc.Unit), clean(sc.Criterion)
		f, c, err := leaf(sc.Unit, sc.Criterion, "a self-assessment")
		if err == nil && (!c.IsLeaf() || c.Method == index.Survey) {
			err = fmt.Errorf("self-assessment of unit %s: %s is not a leaf scored by the council", sc.Unit, sc.Criterion)
		}
		if err == nil {
			err = f.CheckScore(c, sc.Points)
		}
		if err == nil {
			if sc.Evidence, err = textRule(sc.Evidence, "an evidence note", maxTextBytes); err == nil {
				sc.Explanation, err = textRule(sc.Explanation, "an explanation", maxTextBytes)
			}
		}
		if err != nil {
			return bad("%v", err)
		}
		pc.Self = append(pc.Self, sc)
	}
	for _, na := range p.NotApplicable {
		na.Unit, na.Criterion = clean(na.Unit), clean(na.Criterion)
		_, _, err := leaf(na.Unit, na.Criterion, "a not-applicable mark")
		if err == nil {
			na.Reason, err = textRule(na.Reason, "a reason", maxTextBytes)
		}
		if err != nil {
			return bad("%v", err)
		}
		pc.NotApplicable = append(pc.NotApplicable, na)
	}
	for _, a := range p.Appraisals {
		a.Member, a.Unit, a.Criterion = clean(a.Member), clean(a.Unit), clean(a.Criterion)
		if a.Member != member {
			return bad("a score is of member %q, not %s", a.Member, member)
		}
		if a.Round != 1 && a.Round != 2 {
			return bad("a score is of round %d", a.Round)
		}
		f, c, err := leaf(a.Unit, a.Criterion, "a score")
		if err == nil && (!c.IsLeaf() || c.Method == index.Survey) {
			err = fmt.Errorf("score of unit %s: %s is not a leaf scored by the council", a.Unit, a.Criterion)
		}
		if err == nil {
			err = f.CheckScore(c, a.Points)
		}
		if err == nil {
			a.Reason, err = textRule(a.Reason, "a reason", maxTextBytes)
		}
		if err != nil {
			return bad("%v", err)
		}
		pc.Appraisals = append(pc.Appraisals, a)
	}
	return &Package{Content: pc, CreatedAt: created, App: app}, nil
}

// check validates a period named by a file and returns it as index.Period.
func (pj periodJSON) check(full bool) (index.Period, error) {
	p := index.Period{ID: pj.ID, Year: pj.Year, Round: index.PeriodRound(clean(string(pj.Round)))}
	if pj.ID < 1 {
		return p, fmt.Errorf("period ID %d is not 1 or more", pj.ID)
	}
	if pj.Year < 1900 || pj.Year > 9999 {
		return p, fmt.Errorf("period year %d is not a year", pj.Year)
	}
	if p.Round != index.MidYear && p.Round != index.FullYear {
		return p, fmt.Errorf("period round %q is not %s or %s", pj.Round, index.MidYear, index.FullYear)
	}
	if !full {
		return p, nil
	}
	var err error
	if p.Name, err = textRule(pj.Name, "the period's name", maxCodeBytes*4); err != nil {
		return p, err
	}
	p.Rule = index.Rule(clean(string(pj.Rule)))
	if p.Rule == "" {
		p.Rule = index.RuleAssigned
	}
	if !p.Rule.Valid() {
		return p, fmt.Errorf("consolidation rule %q is not assigned, mean or median", pj.Rule)
	}
	if pj.Threshold != nil {
		p.Threshold = *pj.Threshold
	}
	if p.Threshold < 0 || p.Threshold > 10000 {
		return p, fmt.Errorf("discrepancy threshold %s %% is outside 0..100", p.Threshold)
	}
	return p, nil
}
