package data

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"parindex/index"
)

// The two kinds of council file.
const (
	// ModeSecretariat is the secretariat's council file: it holds the whole
	// council, exports member packages and merges their returns.
	ModeSecretariat = "secretariat"
	// ModeMember is a member's workspace, made by opening a member package:
	// only that member's appraisals within their assignments can change.
	ModeMember = "member"
)

// Errors of the offline council a caller can test for with errors.Is.
var (
	// ErrMemberWorkspace is wrapped when a change is refused because the
	// file is a member's workspace (or, the other way round, when a member
	// package is opened into a secretariat's file).
	ErrMemberWorkspace = errors.New("member workspace")
	// ErrNotAssigned is wrapped when a score lies outside the member's
	// assignments.
	ErrNotAssigned = errors.New("outside the member's assignments")
	// ErrRefused is wrapped by every refusal of a return file (*MergeError).
	ErrRefused = errors.New("return refused")
)

// The audited tables of migration 0002.
var (
	kWorkspace = newKind("workspace", "workspace", false, "",
		[]col{{"one", cInt}},
		[]col{{"mode", cText}, {"council_id", cText}, {"member", cText}})
	kCouncilPeriod = newKind("council_period", "council_periods", true, "",
		nil,
		[]col{{"round", cInt}})
	kPackageExport = newKind("package_export", "package_exports", true, "",
		[]col{{"member", cText}, {"seq", cInt}},
		[]col{{"round", cInt}, {"exported_at", cText}})
	kEnrolSecret = newKind("enrol_secret", "enrol_secrets", true, "",
		[]col{{"member", cText}, {"verifier", cText}},
		[]col{{"issued_at", cText}})
	kMergedReturn = newKind("merged_return", "merged_returns", true, "",
		[]col{{"member", cText}, {"version", cInt}},
		[]col{{"round", cInt}, {"digest", cText}, {"key_fingerprint", cText}, {"scores", cInt}, {"merged_at", cText}})
	kMemberPeriod = newKind("member_period", "member_periods", true, "",
		nil,
		[]col{{"source_period", cInt}, {"round", cInt}, {"package_seq", cInt}, {"package_digest", cText},
			{"enrolled_key", cText}, {"enrol_secret", cText}, {"last_return", cInt}, {"return_digest", cText}})
)

func init() {
	kinds = append(kinds, kWorkspace, kCouncilPeriod, kPackageExport, kEnrolSecret, kMergedReturn, kMemberPeriod)
}

// WorkspaceInfo says what a council file is. The desktop app reads it to
// choose between the secretariat's screens and a member's.
type WorkspaceInfo struct {
	// Mode is ModeSecretariat or ModeMember.
	Mode string `json:"mode"`
	// CouncilID is the council's random ID: at the secretariat it is made
	// when the first member package is exported ("" before); in a member
	// workspace it is the council the packages came from.
	CouncilID string `json:"council_id"`
	// MemberID and MemberName name the member whose workspace it is (member mode only).
	MemberID   string `json:"member_id,omitempty"`
	MemberName string `json:"member_name,omitempty"`
}

// workspaceRow is the workspace table's row; mode "" when there is none.
type workspaceRow struct {
	mode, councilID, member string
}

func (r workspaceRow) rec() rec {
	return rec{k: kWorkspace, key: []any{int64(1)}, val: []any{r.mode, r.councilID, r.member}}
}

func loadWorkspace(q querier) (workspaceRow, error) {
	var r workspaceRow
	err := q.QueryRow(`SELECT mode, council_id, member FROM workspace WHERE one = 1`).Scan(&r.mode, &r.councilID, &r.member)
	if isNoRows(err) {
		return workspaceRow{}, nil
	}
	if err != nil {
		return r, fmt.Errorf("read workspace: %w", err)
	}
	return r, nil
}

// Workspace tells whether the file is the secretariat's or a member's
// workspace, with the council ID and, in member mode, the member.
func (s *Store) Workspace() (WorkspaceInfo, error) {
	var info WorkspaceInfo
	err := s.read("read workspace", func(tx *sql.Tx) error {
		r, err := loadWorkspace(tx)
		if err != nil {
			return err
		}
		info = WorkspaceInfo{Mode: r.mode, CouncilID: r.councilID, MemberID: r.member}
		if r.mode == "" {
			info.Mode = ModeSecretariat
		}
		if r.mode == ModeMember {
			err := tx.QueryRow(`SELECT m.name FROM members m JOIN member_periods p ON p.period_id = m.period_id
				WHERE m.id = ? ORDER BY p.period_id DESC LIMIT 1`, r.member).Scan(&info.MemberName)
			if err != nil && !isNoRows(err) {
				return fmt.Errorf("read member: %w", err)
			}
		}
		return nil
	})
	return info, err
}

// secretariat returns the workspace row of a secretariat file, creating it
// with a new random council ID on first use. It refuses a member workspace.
func (w *wtx) secretariat(what string) (workspaceRow, error) {
	r, err := loadWorkspace(w.tx)
	if err != nil {
		return r, err
	}
	switch r.mode {
	case ModeMember:
		return r, &reasonError{kind: ErrMemberWorkspace,
			msg: fmt.Sprintf("this file is member %s's workspace, not the secretariat's council file: %s is done at the secretariat", r.member, what)}
	case ModeSecretariat:
		return r, nil
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return r, fmt.Errorf("make council ID: %w", err)
	}
	r = workspaceRow{mode: ModeSecretariat, councilID: hex.EncodeToString(id)}
	if err := w.put(r.rec(), "workspace.create", "council ID made for the first member package"); err != nil {
		return r, err
	}
	return r, nil
}

// memberGuard is what a write in a member workspace is checked against.
type memberGuard struct {
	mode    string
	member  string
	periods map[int64]*guardPeriod
}

// guardPeriod is a member workspace's period: its round and the member's
// assignments.
type guardPeriod struct {
	open       bool // the period came from a package
	round      int
	unitBlock  map[string]string
	frameworks map[string]*index.Framework // by block
	assigned   map[string]bool             // block + "\x00" + field
}

// checkWorkspace refuses, in a member workspace, every write but the
// member's own appraisals within their assignments in the package's round.
// The store's own package and return bookkeeping is trusted.
func (w *wtx) checkWorkspace(r rec) error {
	if w.trusted {
		return nil
	}
	if w.guard == nil {
		ws, err := loadWorkspace(w.tx)
		if err != nil {
			return err
		}
		w.guard = &memberGuard{mode: ws.mode, member: ws.member, periods: map[int64]*guardPeriod{}}
	}
	g := w.guard
	if g.mode != ModeMember {
		return nil
	}
	if r.k != kAppraisal {
		return &reasonError{kind: ErrMemberWorkspace, msg: fmt.Sprintf(
			"this is member %s's workspace: only %s's own appraisals can be changed here (%s comes from the secretariat's package)",
			g.member, g.member, r.entity())}
	}
	unit, crit, member, round := r.key[0].(string), r.key[1].(string), r.key[2].(string), int(r.key[3].(int64))
	if member != g.member {
		return &ItemError{Kind: "appraisal", Index: -1, Unit: unit, Criterion: crit, Member: member,
			Err: &reasonError{kind: ErrMemberWorkspace, msg: fmt.Sprintf(
				"this is member %s's workspace: scores of member %s are entered at the secretariat or on their own laptop", g.member, member)}}
	}
	gp, err := g.period(w, r.period)
	if err != nil {
		return err
	}
	if !gp.open {
		return &reasonError{kind: ErrMemberWorkspace, msg: fmt.Sprintf("period %d of this workspace did not come from a member package", r.period)}
	}
	if round != gp.round {
		return &ItemError{Kind: "appraisal", Index: -1, Unit: unit, Criterion: crit, Member: member,
			Err: &reasonError{kind: ErrMemberWorkspace, msg: fmt.Sprintf(
				"the council is in round %d (from the latest package): round %d scores cannot be changed here", gp.round, round)}}
	}
	block, ok := gp.unitBlock[unit]
	var field *index.Criterion
	if ok {
		field = gp.frameworks[block].FieldOf(crit)
	}
	if field == nil || !gp.assigned[block+"\x00"+field.Code] {
		return &ItemError{Kind: "appraisal", Index: -1, Unit: unit, Criterion: crit, Member: member,
			Err: &reasonError{kind: ErrNotAssigned, msg: fmt.Sprintf(
				"criterion %s of unit %s is not in your assignments (%s)", crit, unit, gp.describe())}}
	}
	return nil
}

// period loads what the guard needs about one period of the workspace.
func (g *memberGuard) period(w *wtx, id int64) (*guardPeriod, error) {
	if gp, ok := g.periods[id]; ok {
		return gp, nil
	}
	gp := &guardPeriod{unitBlock: map[string]string{}, frameworks: map[string]*index.Framework{}, assigned: map[string]bool{}}
	g.periods[id] = gp
	err := w.tx.QueryRow(`SELECT round FROM member_periods WHERE period_id = ?`, id).Scan(&gp.round)
	if isNoRows(err) {
		return gp, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read member period: %w", err)
	}
	gp.open = true
	blocks, versions, err := loadBlocks(w.tx, id)
	if err != nil {
		return nil, err
	}
	fws := map[string]*index.Framework{}
	for code, v := range versions {
		if fws[code], err = loadFramework(w.tx, code, v); err != nil {
			return nil, err
		}
	}
	for _, b := range blocks {
		gp.frameworks[b.Code] = fws[b.Framework]
	}
	units, err := loadUnits(w.tx, id)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		gp.unitBlock[u.Code] = u.Block
	}
	as, err := loadAssignments(w.tx, id)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.Member == g.member {
			gp.assigned[a.Block+"\x00"+a.Field] = true
		}
	}
	return gp, nil
}

// describe lists the member's assignments for messages: "block SO fields 1, 9".
func (gp *guardPeriod) describe() string {
	byBlock := map[string][]string{}
	for k := range gp.assigned {
		b, f, _ := cutNUL(k)
		byBlock[b] = append(byBlock[b], f)
	}
	if len(byBlock) == 0 {
		return "you have no assignments"
	}
	var blocks []string
	for b := range byBlock {
		blocks = append(blocks, b)
	}
	sort.Strings(blocks)
	out := "you appraise"
	for i, b := range blocks {
		fs := byBlock[b]
		sort.Strings(fs)
		if i > 0 {
			out += ";"
		}
		out += " block " + b + " field"
		if len(fs) > 1 {
			out += "s"
		}
		for j, f := range fs {
			if j > 0 {
				out += ","
			}
			out += " " + f
		}
	}
	return out
}

func cutNUL(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// CouncilRound returns the appraisal round (1 or 2) a period is in at the
// secretariat; a period whose round was never set is in round 1. In a
// member workspace it is the round of the latest package opened.
func (s *Store) CouncilRound(period int64) (int, error) {
	round := 1
	err := s.read("read council round", func(tx *sql.Tx) error {
		if _, err := loadPeriod(tx, period); err != nil {
			return err
		}
		var err error
		round, err = councilRound(tx, period)
		return err
	})
	return round, err
}

func councilRound(q querier, period int64) (int, error) {
	var round int
	err := q.QueryRow(`SELECT round FROM council_periods WHERE period_id = ?`, period).Scan(&round)
	if isNoRows(err) {
		err = q.QueryRow(`SELECT round FROM member_periods WHERE period_id = ?`, period).Scan(&round)
		if isNoRows(err) {
			return 1, nil
		}
	}
	if err != nil {
		return 0, fmt.Errorf("read council round: %w", err)
	}
	return round, nil
}

// SetCouncilRound moves a period to appraisal round 1 or 2 at the
// secretariat. From then on packages carry that round and only returns of
// that round are merged. The reason is recorded in the audit log.
func (s *Store) SetCouncilRound(period int64, round int, reason string) error {
	if round != 1 && round != 2 {
		return fmt.Errorf("set council round: %w", invalidf("round %d is not 1 or 2", round))
	}
	return s.write("set council round", func(w *wtx) error {
		if _, err := w.secretariat("setting the round"); err != nil {
			return err
		}
		if _, err := w.openPeriod(period); err != nil {
			return err
		}
		return w.put(rec{k: kCouncilPeriod, period: period, val: []any{int64(round)}}, "", reason)
	})
}

// scoresDigest is a digest of a member's scores of one round: a return
// made from exactly these scores has the same digest.
func scoresDigest(scores []index.AppraisalScore) string {
	sorted := append([]index.AppraisalScore(nil), scores...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Unit != sorted[j].Unit {
			return sorted[i].Unit < sorted[j].Unit
		}
		return sorted[i].Criterion < sorted[j].Criterion
	})
	h := sha256.New()
	var b []byte
	for _, a := range sorted {
		b = b[:0]
		for _, f := range []string{a.Unit, a.Criterion, strconv.FormatInt(int64(a.Points), 10), a.Reason} {
			b = strconv.AppendInt(b, int64(len(f)), 10)
			b = append(b, ':')
			b = append(b, f...)
			b = append(b, ',')
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// memberAppraisals reads one member's appraisals of a period in one round.
func memberAppraisals(q querier, period int64, member string, round int) ([]index.AppraisalScore, error) {
	rows, err := q.Query(`SELECT unit, criterion, points, reason FROM appraisals
		WHERE period_id = ? AND member = ? AND round = ? ORDER BY unit, criterion`, period, member, round)
	if err != nil {
		return nil, fmt.Errorf("read appraisals of %s: %w", member, err)
	}
	defer rows.Close()
	var out []index.AppraisalScore
	for rows.Next() {
		a := index.AppraisalScore{Member: member, Round: round}
		var pts int64
		if err := rows.Scan(&a.Unit, &a.Criterion, &pts, &a.Reason); err != nil {
			return nil, fmt.Errorf("read appraisals of %s: %w", member, err)
		}
		a.Points = index.Points(pts)
		out = append(out, a)
	}
	return out, rows.Err()
}

// assignedScope returns a test of whether a unit's leaf lies in one of the
// member's assigned fields in the period.
func assignedScope(q querier, period int64, member string) (func(unit, crit string) bool, error) {
	blocks, versions, err := loadBlocks(q, period)
	if err != nil {
		return nil, err
	}
	fws := map[string]*index.Framework{}
	for code, v := range versions {
		if fws[code], err = loadFramework(q, code, v); err != nil {
			return nil, err
		}
	}
	byBlock := map[string]*index.Framework{}
	for _, b := range blocks {
		byBlock[b.Code] = fws[b.Framework]
	}
	units, err := loadUnits(q, period)
	if err != nil {
		return nil, err
	}
	unitBlock := map[string]string{}
	for _, u := range units {
		if u.Active {
			unitBlock[u.Code] = u.Block
		}
	}
	as, err := loadAssignments(q, period)
	if err != nil {
		return nil, err
	}
	assigned := map[string]bool{}
	for _, a := range as {
		if a.Member == member {
			assigned[a.Block+"\x00"+a.Field] = true
		}
	}
	return func(unit, crit string) bool {
		b, ok := unitBlock[unit]
		if !ok || byBlock[b] == nil {
			return false
		}
		f := byBlock[b].FieldOf(crit)
		return f != nil && assigned[b+"\x00"+f.Code]
	}, nil
}

// returnScores is what a member workspace's return carries: the member's
// scores of the round within their current assignments (a score left
// outside them by a change of assignments stays in the workspace, unsent).
func returnScores(q querier, period int64, member string, round int) ([]index.AppraisalScore, error) {
	all, err := memberAppraisals(q, period, member, round)
	if err != nil || len(all) == 0 {
		return all, err
	}
	in, err := assignedScope(q, period, member)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if in(a.Unit, a.Criterion) {
			out = append(out, a)
		}
	}
	return out, nil
}
