package data

import (
	"crypto/ed25519"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"parindex/identity"
	"parindex/index"
)

// MemberPeriodInfo is the state of one period of a member workspace.
type MemberPeriodInfo struct {
	Period       int64  `json:"period"`        // ID in this workspace
	SourcePeriod int64  `json:"source_period"` // ID at the secretariat
	Round        int    `json:"round"`         // the round of the latest package
	PackageSeq   int64  `json:"package_seq"`   // number of the latest package opened
	EnrolledKey  string `json:"enrolled_key"`  // fingerprint the council has enrolled, "" when none
	CanEnrol     bool   `json:"can_enrol"`     // the package carried a one-time enrolment secret
	LastReturn   int64  `json:"last_return"`   // highest return version made (or merged)
	Scores       int    `json:"scores"`        // the member's scores of the current round
	Unreturned   bool   `json:"unreturned"`    // scores changed since the last return
}

// MemberPeriod returns the state of a period of a member workspace. It
// returns an error wrapping ErrNotFound for a period that did not come from
// a member package (and so for every period of a secretariat file).
func (s *Store) MemberPeriod(period int64) (MemberPeriodInfo, error) {
	var info MemberPeriodInfo
	err := s.read("read member period", func(tx *sql.Tx) error {
		var err error
		info, err = loadMemberPeriod(tx, period)
		return err
	})
	return info, err
}

func loadMemberPeriod(q querier, period int64) (MemberPeriodInfo, error) {
	info := MemberPeriodInfo{Period: period}
	var secret, digest string
	err := q.QueryRow(`SELECT source_period, round, package_seq, enrolled_key, enrol_secret, last_return, return_digest
		FROM member_periods WHERE period_id = ?`, period).Scan(&info.SourcePeriod, &info.Round, &info.PackageSeq,
		&info.EnrolledKey, &secret, &info.LastReturn, &digest)
	if isNoRows(err) {
		return info, notFoundf("period %d did not come from a member package", period)
	}
	if err != nil {
		return info, fmt.Errorf("read member period: %w", err)
	}
	info.CanEnrol = secret != ""
	ws, err := loadWorkspace(q)
	if err != nil {
		return info, err
	}
	scores, err := returnScores(q, period, ws.member, info.Round)
	if err != nil {
		return info, err
	}
	info.Scores = len(scores)
	info.Unreturned = scoresDigest(scores) != digest
	return info, nil
}

// ReturnContent is what a member's return file carries: the member's
// scores and reasons of the current round, with the version that orders the
// member's returns, and what the file needs to prove the member's key.
type ReturnContent struct {
	CouncilID   string
	Period      index.Period // as at the secretariat: its ID there
	Round       int
	Member      string
	Version     int64
	Scores      []index.AppraisalScore // every score of the member in the round, by unit and criterion
	Digest      string                 // digest of Scores, for MarkReturned
	EnrolledKey string                 // fingerprint the council enrolled for the member, "" when none
	EnrolSecret []byte                 // the package's one-time enrolment secret, nil when none
}

// PrepareReturn reserves the next return version of a member workspace's
// period and returns what the return file carries. Call MarkReturned once
// the file is written; a version reserved but never written leaves a gap,
// which is harmless.
func (s *Store) PrepareReturn(period int64) (*ReturnContent, error) {
	var rc *ReturnContent
	err := s.write("prepare return", func(w *wtx) error {
		w.trusted = true
		ws, err := loadWorkspace(w.tx)
		if err != nil {
			return err
		}
		if ws.mode != ModeMember {
			return invalidf("this is the secretariat's council file: returns are made in a member's workspace")
		}
		p, err := w.openPeriod(period)
		if err != nil {
			return err
		}
		var src, seq, last int64
		var round int
		var pkgDigest, fp, secret, rdigest string
		err = w.tx.QueryRow(`SELECT source_period, round, package_seq, package_digest, enrolled_key, enrol_secret, last_return, return_digest
			FROM member_periods WHERE period_id = ?`, period).Scan(&src, &round, &seq, &pkgDigest, &fp, &secret, &last, &rdigest)
		if isNoRows(err) {
			return notFoundf("period %s did not come from a member package", p.label())
		}
		if err != nil {
			return fmt.Errorf("read member period: %w", err)
		}
		rc = &ReturnContent{CouncilID: ws.councilID, Period: p.Period, Round: round, Member: ws.member,
			Version: last + 1, EnrolledKey: fp}
		rc.Period.ID = src
		if secret != "" {
			if rc.EnrolSecret, err = hex.DecodeString(secret); err != nil {
				return fmt.Errorf("read enrolment secret: %w", err)
			}
		}
		if rc.Scores, err = returnScores(w.tx, period, ws.member, round); err != nil {
			return err
		}
		rc.Digest = scoresDigest(rc.Scores)
		return w.put(rec{k: kMemberPeriod, period: period, val: []any{src, int64(round), seq, pkgDigest, fp, secret,
			rc.Version, rdigest}}, "return.version", "return version "+strconv.FormatInt(rc.Version, 10)+" reserved")
	})
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// MarkReturned records that the return of that version, holding scores with
// that digest, was written: the workspace has no unreturned changes until
// the member changes a score again.
func (s *Store) MarkReturned(period int64, version int64, digest string) error {
	return s.write("record return", func(w *wtx) error {
		w.trusted = true
		var src, seq, last int64
		var round int
		var pkgDigest, fp, secret, rdigest string
		err := w.tx.QueryRow(`SELECT source_period, round, package_seq, package_digest, enrolled_key, enrol_secret, last_return, return_digest
			FROM member_periods WHERE period_id = ?`, period).Scan(&src, &round, &seq, &pkgDigest, &fp, &secret, &last, &rdigest)
		if isNoRows(err) {
			return notFoundf("period %d did not come from a member package", period)
		}
		if err != nil {
			return fmt.Errorf("read member period: %w", err)
		}
		if last != version {
			return invalidf("return version %d is not the latest reserved (%d)", version, last)
		}
		return w.put(rec{k: kMemberPeriod, period: period, val: []any{src, int64(round), seq, pkgDigest, fp, secret,
			last, digest}}, "return.write", "return version "+strconv.FormatInt(version, 10)+" written")
	})
}

// ReturnMerge is a return file as the secretariat merges it: package
// exchange has read it and checked its signature against PublicKey; the
// store checks everything else.
type ReturnMerge struct {
	File       string       // the file's name, for messages
	CouncilID  string       // the council it is for
	Period     index.Period // the period as the return names it: ID (at the secretariat), year and round
	Round      int
	Member     string
	Version    int64
	Digest     string // SHA-256 of the signed bytes, hex
	PublicKey  []byte // the key that signed it
	EnrolProof []byte // proof of the package's one-time secret, when the return enrols the key
	Scores     []index.AppraisalScore
	// DryRun checks and counts everything but writes nothing.
	DryRun bool
}

// MergeReport says what merging a return did (or, in a dry run, would do).
type MergeReport struct {
	File          string `json:"file"`
	Member        string `json:"member"`
	Version       int64  `json:"version"`
	Round         int    `json:"round"`
	Added         int    `json:"added"`
	Changed       int    `json:"changed"`
	Unchanged     int    `json:"unchanged"`
	Removed       int    `json:"removed"`        // scores of the member's round missing from this newer return
	AlreadyMerged bool   `json:"already_merged"` // the same file was merged before: nothing changed
	Enrolled      bool   `json:"enrolled"`       // the return enrolled the member's key
	Fingerprint   string `json:"fingerprint"`
	DryRun        bool   `json:"dry_run,omitempty"`
}

// Why a return is refused (MergeError.Kind).
const (
	RefusedTampered           = "tampered"            // the signature does not verify or the file is damaged
	RefusedNotCouncil         = "not-council"         // this file is a member workspace, or exported no package
	RefusedOtherCouncil       = "other-council"       // the return is for another council
	RefusedOtherPeriod        = "other-period"        // the return is for a period this council does not have
	RefusedFinalized          = "finalized"           // the period is finalised
	RefusedUnknownMember      = "unknown-member"      // the member is not on the council for the period
	RefusedUnknownKey         = "unknown-key"         // no key is enrolled and the return proves no package secret
	RefusedKeyMismatch        = "key-mismatch"        // signed with another key than the enrolled one
	RefusedOldVersion         = "old-version"         // older than a return already merged
	RefusedVersionConflict    = "version-conflict"    // another file with the same version was merged
	RefusedWrongRound         = "wrong-round"         // the council is in another round
	RefusedOutsideAssignments = "outside-assignments" // a score lies outside the member's assignments
	RefusedInvalidScore       = "invalid-score"       // a score breaks the leaf's rules
)

// MergeError is a refused return: nothing was changed. It wraps ErrRefused,
// ErrFinalized for a finalised period, ErrNotAssigned for scores outside
// the assignments, and the item errors of invalid scores.
type MergeError struct {
	File string
	Kind string // one of the Refused... constants
	Msg  string
	Err  error
}

// Error names the file and says why it was refused.
func (e *MergeError) Error() string {
	f := e.File
	if f == "" {
		f = "return"
	}
	return fmt.Sprintf("%s refused, nothing was changed: %s", f, e.Msg)
}

// Is reports ErrRefused, and ErrFinalized or ErrNotAssigned for those kinds.
func (e *MergeError) Is(target error) bool {
	switch target {
	case ErrRefused:
		return true
	case ErrFinalized:
		return e.Kind == RefusedFinalized
	case ErrNotAssigned:
		return e.Kind == RefusedOutsideAssignments
	}
	return false
}

// Unwrap returns the cause, if any.
func (e *MergeError) Unwrap() error { return e.Err }

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// MergeReturn merges a member's return into the secretariat's council file
// in one transaction: the scores, the record of the merged return and, when
// the return enrols the member's key, the key. It refuses (changing nothing,
// with a *MergeError saying why) a return for another council or period, a
// finalised period, a key other than the enrolled one, an unknown key that
// proves no package secret, an older version than one merged, a return of
// another round than the council's, and scores outside the member's
// assignments or breaking the leaves' rules.
//
// A return is the member's complete set of scores for its round: a newer
// version replaces the older one's scores, and removes those it no longer
// holds (within the member's assignments; scores the member gave outside
// them at the secretariat are left alone). Merging the same file twice
// changes nothing; members' returns touch only their own scores, so merging
// them in any order gives the same result. Every change is audited.
func (s *Store) MergeReturn(in *ReturnMerge) (MergeReport, error) {
	rep := MergeReport{File: in.File, Member: cleanCode(in.Member), Version: in.Version, Round: in.Round, DryRun: in.DryRun}
	refuse := func(kind, format string, a ...any) error {
		return &MergeError{File: in.File, Kind: kind, Msg: fmt.Sprintf(format, a...)}
	}
	err := s.write("merge return", func(w *wtx) error {
		var err error
		rep, err = w.merge(in, rep, refuse)
		if err == nil && in.DryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		var me *MergeError
		if !errors.As(err, &me) && (errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound)) {
			err = &MergeError{File: in.File, Kind: RefusedInvalidScore, Msg: err.Error(), Err: err}
		}
		return MergeReport{}, err
	}
	return rep, nil
}

func (w *wtx) merge(in *ReturnMerge, rep MergeReport, refuse func(kind, format string, a ...any) error) (MergeReport, error) {
	member := rep.Member
	ws, err := loadWorkspace(w.tx)
	if err != nil {
		return rep, err
	}
	switch {
	case ws.mode == ModeMember:
		return rep, refuse(RefusedNotCouncil, "this file is member %s's workspace: returns are merged into the secretariat's council file", ws.member)
	case ws.mode == "":
		return rep, refuse(RefusedOtherCouncil, "this council file has not exported any member package, so the return (for council %s) cannot be for it", in.CouncilID)
	case ws.councilID != in.CouncilID:
		return rep, refuse(RefusedOtherCouncil, "the return is for council %s, but this file is council %s", in.CouncilID, ws.councilID)
	}
	p, err := loadPeriod(w.tx, in.Period.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && (p.Year != in.Period.Year || p.Round != in.Period.Round)) {
		return rep, refuse(RefusedOtherPeriod, "the return is for period %d %s (ID %d), which this council file does not have",
			in.Period.Year, in.Period.Round, in.Period.ID)
	}
	if err != nil {
		return rep, err
	}
	if p.Finalized {
		return rep, &MergeError{File: in.File, Kind: RefusedFinalized,
			Msg: fmt.Sprintf("period %s is finalised; reopen it to merge returns", p.label())}
	}
	c, err := w.loadCtx(p.ID)
	if err != nil {
		return rep, err
	}
	m, ok := c.members[member]
	if !ok {
		return rep, refuse(RefusedUnknownMember, "member %q is not on the council in period %s", in.Member, p.label())
	}

	// The key: the enrolled one, or enrolled now by the package's secret.
	pub := ed25519.PublicKey(in.PublicKey)
	if len(pub) != ed25519.PublicKeySize {
		return rep, refuse(RefusedTampered, "the return carries no valid public key")
	}
	fp := identity.Fingerprint(pub)
	rep.Fingerprint = fp
	enrolKey := false
	switch {
	case len(m.publicKey) > 0:
		if !sameKey(m.publicKey, pub) {
			return rep, refuse(RefusedKeyMismatch, "the return is signed with key %s, but the council enrolled key %s for member %s; a new key must be enrolled by the secretariat first (members enrol)",
				fp, m.fingerprint, member)
		}
	case m.fingerprint != "":
		if m.fingerprint != fp {
			return rep, refuse(RefusedKeyMismatch, "the return is signed with key %s, but the council enrolled key %s for member %s; a new key must be enrolled by the secretariat first (members enrol)",
				fp, m.fingerprint, member)
		}
		enrolKey = true // pin the public key of the enrolled fingerprint
	default:
		ok, err := w.checkEnrolProof(in, p.ID, member, pub)
		if err != nil {
			return rep, err
		}
		if !ok {
			if len(in.EnrolProof) == 0 {
				return rep, refuse(RefusedUnknownKey, "key %s is not enrolled for member %s and the return proves no package secret; enrol it at the secretariat (members enrol) or make the return from the workspace of member %s's latest package",
					fp, member, member)
			}
			return rep, refuse(RefusedUnknownKey, "key %s is not enrolled for member %s and the return's enrolment proof does not match any package sent to the member (or the secret was already used)",
				fp, member)
		}
		enrolKey, rep.Enrolled = true, true
	}

	// The version.
	var last int64
	var lastDigest string
	err = w.tx.QueryRow(`SELECT version, digest FROM merged_returns WHERE period_id = ? AND member = ? ORDER BY version DESC LIMIT 1`,
		p.ID, member).Scan(&last, &lastDigest)
	if err != nil && !isNoRows(err) {
		return rep, fmt.Errorf("read merged returns: %w", err)
	}
	switch {
	case in.Version == last && in.Digest == lastDigest:
		rep.AlreadyMerged, rep.Enrolled = true, false
		rep.Unchanged = len(in.Scores)
		return rep, nil
	case in.Version == last:
		return rep, refuse(RefusedVersionConflict, "another return of member %s with version %d was already merged (was the workspace copied to two laptops?)", member, last)
	case in.Version < last:
		return rep, refuse(RefusedOldVersion, "version %d of member %s's return is older than version %d, already merged", in.Version, member, last)
	}
	round, err := councilRound(w.tx, p.ID)
	if err != nil {
		return rep, err
	}
	if in.Round != round {
		return rep, refuse(RefusedWrongRound, "the return holds round %d scores, but the council is in round %d", in.Round, round)
	}

	// The scores: inside the assignments and valid.
	assigned := map[string]bool{}
	as, err := loadAssignments(w.tx, p.ID)
	if err != nil {
		return rep, err
	}
	for _, a := range as {
		if a.Member == member {
			assigned[a.Block+"\x00"+a.Field] = true
		}
	}
	inScope := func(unit, crit string) bool {
		u, ok := c.units[unit]
		if !ok || !u.Active {
			return false // an inactive unit's scores are kept as they are
		}
		f := c.blocks[u.Block].fw.FieldOf(crit)
		return f != nil && assigned[u.Block+"\x00"+f.Code]
	}
	for i, a := range in.Scores {
		if cleanCode(a.Member) != member || a.Round != in.Round {
			return rep, refuse(RefusedInvalidScore, "score %d is of member %s round %d, not of the return's member %s round %d",
				i+1, a.Member, a.Round, member, in.Round)
		}
		if !inScope(cleanCode(a.Unit), cleanCode(a.Criterion)) {
			return rep, &MergeError{File: in.File, Kind: RefusedOutsideAssignments,
				Msg: fmt.Sprintf("score %d (unit %s, criterion %s) is outside member %s's assignments", i+1, a.Unit, a.Criterion, member)}
		}
	}
	ch := &checker{c: c, seen: make(map[string]itemRef, len(in.Scores))}
	if err := ch.check(&Batch{Appraisals: in.Scores}); err != nil {
		return rep, err
	}
	if ch.count > 0 {
		be := &BatchError{Items: ch.errs, Count: ch.count}
		return rep, &MergeError{File: in.File, Kind: RefusedInvalidScore, Msg: be.Error(), Err: be}
	}

	// Write: the scores (replacing the member's round), the key, the record.
	before := w.report
	recs := planRecs(ch.plan)
	reason := fmt.Sprintf("superseded by return version %d of member %s", in.Version, member)
	want := make(map[string]bool, len(recs))
	for i := range recs {
		recs[i] = recs[i].withEntity()
		want[recs[i].ent] = true
	}
	have, err := memberAppraisals(w.tx, p.ID, member, in.Round)
	if err != nil {
		return rep, err
	}
	// Every row this merge writes is one of the member's in the round: with
	// those rows in memory, put compares against a map, not one query a row.
	current := make(map[string]string, len(have))
	haveRecs := make([]rec, len(have))
	for i, a := range have {
		r := rec{k: kAppraisal, period: p.ID, key: []any{a.Unit, a.Criterion, member, int64(in.Round)},
			val: []any{int64(a.Points), a.Reason}}.withEntity()
		current[r.ent] = r.value()
		haveRecs[i] = r
	}
	w.loaded[kAppraisal] = current
	for i, a := range have {
		r := haveRecs[i]
		if want[r.ent] || !inScope(a.Unit, a.Criterion) {
			continue
		}
		if _, err := w.remove(r, "", reason); err != nil {
			return rep, err
		}
		rep.Removed++
	}
	for i, r := range recs {
		if err := w.put(r, "", ch.plan[i].reason); err != nil {
			return rep, err
		}
	}
	rep.Added = w.report.Added - before.Added
	rep.Changed = w.report.Changed - before.Changed
	rep.Unchanged = w.report.Unchanged - before.Unchanged
	if enrolKey {
		action, why := "member.key", "key pinned by the first return signed with the enrolled fingerprint"
		if rep.Enrolled {
			action, why = "member.enrol", fmt.Sprintf("key %s enrolled by return version %d, which proved the secret of a package sent to the member", fp, in.Version)
		}
		m.fingerprint, m.publicKey = fp, append([]byte(nil), pub...)
		if err := w.put(m.rec(p.ID), action, why); err != nil {
			return rep, err
		}
		if err := w.consumeSecrets(p.ID, member, "used by return version "+strconv.FormatInt(in.Version, 10)); err != nil {
			return rep, err
		}
	}
	err = w.put(rec{k: kMergedReturn, period: p.ID, key: []any{member, in.Version},
		val: []any{int64(in.Round), cleanCode(in.Digest), fp, int64(len(in.Scores)), w.at}}, "return.merge",
		fmt.Sprintf("return version %d of member %s (%s)", in.Version, member, clean(in.File)))
	return rep, err
}

// checkEnrolProof reports whether the return's proof matches an outstanding
// one-time secret of the member.
func (w *wtx) checkEnrolProof(in *ReturnMerge, period int64, member string, pub ed25519.PublicKey) (bool, error) {
	if len(in.EnrolProof) == 0 {
		return false, nil
	}
	rows, err := w.tx.Query(`SELECT verifier FROM enrol_secrets WHERE period_id = ? AND member = ?`, period, member)
	if err != nil {
		return false, fmt.Errorf("read enrolment secrets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return false, fmt.Errorf("read enrolment secrets: %w", err)
		}
		raw, err := hex.DecodeString(v)
		if err != nil {
			continue
		}
		if identity.VerifyEnrolment(raw, in.EnrolProof, in.CouncilID, in.Period.ID, member, pub) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// consumeSecrets removes a member's outstanding enrolment secrets.
func (w *wtx) consumeSecrets(period int64, member, reason string) error {
	rows, err := w.tx.Query(`SELECT verifier FROM enrol_secrets WHERE period_id = ? AND member = ?`, period, member)
	if err != nil {
		return fmt.Errorf("read enrolment secrets: %w", err)
	}
	var vs []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("read enrolment secrets: %w", err)
		}
		vs = append(vs, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read enrolment secrets: %w", err)
	}
	for _, v := range vs {
		if _, err := w.remove(rec{k: kEnrolSecret, period: period, key: []any{member, v}}, "enrol_secret.consume", reason); err != nil {
			return err
		}
	}
	return nil
}
