package data

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"parindex/identity"
	"parindex/index"
)

// PackageContent is what a member package carries from the secretariat to
// one member: the period, the frameworks of the member's blocks, those
// blocks' units with their self-assessments (on the leaves of the member's
// fields, with evidence notes and the units' explanations) and
// not-applicable marks, the member's assignments and own scores so far, and
// the key the council has enrolled for the member — or, when there is none,
// a one-time enrolment secret.
//
// The store makes it (PreparePackage) and installs it (InstallPackage);
// package exchange turns it into a file and back.
type PackageContent struct {
	CouncilID     string
	Period        index.Period // as at the secretariat: its ID there
	Round         int          // the appraisal round the council is in: 1 or 2
	Sequence      int64        // this member's package number: 1, 2, ...
	Member        index.CouncilMember
	Frameworks    []*index.Framework
	Blocks        []index.Block
	Units         []index.Unit
	Assignments   []index.Assignment
	Self          []index.SelfScore
	NotApplicable []index.NotApplicable
	Appraisals    []index.AppraisalScore // the member's own scores merged so far, any round
	// EnrolledKey is the fingerprint of the key the council enrolled for the
	// member, "" when none; EnrolSecret is then a fresh one-time secret
	// (identity.SecretSize bytes) the member's first return proves.
	EnrolledKey string
	EnrolSecret []byte
	// LastReturn is the highest return version of this member merged so far:
	// the member's next return must be newer.
	LastReturn int64
}

// PreparePackage gathers the content of a member package for one member and
// records its export: the package's sequence number and, when the member
// has no enrolled key, the verifier of a new one-time enrolment secret (all
// audited, in one transaction). The first export gives the council file its
// random council ID. It refuses a member workspace, a finalised period and a
// member without assignments.
func (s *Store) PreparePackage(period int64, member string) (*PackageContent, error) {
	member = cleanCode(member)
	var pc *PackageContent
	err := s.write("prepare member package", func(w *wtx) error {
		ws, err := w.secretariat("exporting a member package")
		if err != nil {
			return err
		}
		c, err := w.loadCtx(period)
		if err != nil {
			return err
		}
		m, ok := c.members[member]
		if !ok {
			return notFoundf("member %q does not exist in period %s", member, c.p.label())
		}
		all, err := loadAssignments(w.tx, period)
		if err != nil {
			return err
		}
		pc = &PackageContent{CouncilID: ws.councilID, Period: c.p.Period, Member: m.CouncilMember, EnrolledKey: m.fingerprint}
		fields := map[string]map[string]bool{} // block -> field -> assigned
		for _, a := range all {
			if a.Member == member {
				pc.Assignments = append(pc.Assignments, a)
				if fields[a.Block] == nil {
					fields[a.Block] = map[string]bool{}
				}
				fields[a.Block][a.Field] = true
			}
		}
		if len(pc.Assignments) == 0 {
			return invalidf("member %s has no assignments in period %s: assign fields before exporting a package", member, c.p.label())
		}
		if pc.Round, err = councilRound(w.tx, period); err != nil {
			return err
		}
		if err := w.tx.QueryRow(`SELECT coalesce(max(seq), 0) + 1 FROM package_exports WHERE period_id = ? AND member = ?`,
			period, member).Scan(&pc.Sequence); err != nil {
			return fmt.Errorf("read package exports: %w", err)
		}
		if err := w.tx.QueryRow(`SELECT coalesce(max(version), 0) FROM merged_returns WHERE period_id = ? AND member = ?`,
			period, member).Scan(&pc.LastReturn); err != nil {
			return fmt.Errorf("read merged returns: %w", err)
		}
		if err := w.put(rec{k: kPackageExport, period: period, key: []any{member, pc.Sequence},
			val: []any{int64(pc.Round), w.at}}, "", ""); err != nil {
			return err
		}
		if m.fingerprint == "" {
			secret, verifier, err := identity.NewEnrolmentSecret()
			if err != nil {
				return err
			}
			pc.EnrolSecret = secret
			if err := w.put(rec{k: kEnrolSecret, period: period, key: []any{member, hex.EncodeToString(verifier)},
				val: []any{w.at}}, "", "one-time enrolment secret sent in package "+fmt.Sprint(pc.Sequence)); err != nil {
				return err
			}
		}
		return pc.gather(w, c, fields)
	})
	if err != nil {
		return nil, err
	}
	return pc, nil
}

// gather reads the blocks, frameworks, units, self-assessments, marks and
// the member's appraisals the package carries.
func (pc *PackageContent) gather(w *wtx, c *pctx, fields map[string]map[string]bool) error {
	period := c.p.ID
	blocks, _, err := loadBlocks(w.tx, period)
	if err != nil {
		return err
	}
	fwSeen := map[*index.Framework]bool{}
	for _, b := range blocks {
		if fields[b.Code] == nil {
			continue
		}
		pc.Blocks = append(pc.Blocks, b)
		if fw := c.blocks[b.Code].fw; !fwSeen[fw] {
			fwSeen[fw] = true
			pc.Frameworks = append(pc.Frameworks, fw)
		}
	}
	units, err := loadUnits(w.tx, period)
	if err != nil {
		return err
	}
	unitBlock := map[string]string{}
	for _, u := range units {
		if fields[u.Block] != nil && u.Active {
			pc.Units = append(pc.Units, u)
			unitBlock[u.Code] = u.Block
		}
	}
	// inFields reports whether a unit's leaf lies in one of the member's fields.
	inFields := func(unit, crit string) bool {
		b, ok := unitBlock[unit]
		if !ok {
			return false
		}
		f := c.blocks[b].fw.FieldOf(crit)
		return f != nil && fields[b][f.Code]
	}
	rows, err := w.tx.Query(`SELECT unit, criterion, points, evidence, explanation FROM self_scores WHERE period_id = ? ORDER BY unit, criterion`, period)
	if err != nil {
		return fmt.Errorf("read self-assessments: %w", err)
	}
	for rows.Next() {
		var sc index.SelfScore
		var pts int64
		if err := rows.Scan(&sc.Unit, &sc.Criterion, &pts, &sc.Evidence, &sc.Explanation); err != nil {
			rows.Close()
			return fmt.Errorf("read self-assessments: %w", err)
		}
		if inFields(sc.Unit, sc.Criterion) {
			sc.Points = index.Points(pts)
			pc.Self = append(pc.Self, sc)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read self-assessments: %w", err)
	}
	rows, err = w.tx.Query(`SELECT unit, criterion, reason FROM not_applicable WHERE period_id = ? ORDER BY unit, criterion`, period)
	if err != nil {
		return fmt.Errorf("read not-applicable marks: %w", err)
	}
	for rows.Next() {
		var na index.NotApplicable
		if err := rows.Scan(&na.Unit, &na.Criterion, &na.Reason); err != nil {
			rows.Close()
			return fmt.Errorf("read not-applicable marks: %w", err)
		}
		if _, ok := unitBlock[na.Unit]; ok {
			pc.NotApplicable = append(pc.NotApplicable, na)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read not-applicable marks: %w", err)
	}
	for round := 1; round <= 2; round++ {
		as, err := memberAppraisals(w.tx, period, pc.Member.ID, round)
		if err != nil {
			return err
		}
		for _, a := range as {
			if inFields(a.Unit, a.Criterion) {
				pc.Appraisals = append(pc.Appraisals, a)
			}
		}
	}
	return nil
}

// InstallReport says what opening a member package did.
type InstallReport struct {
	Period      int64  `json:"period"` // the period's ID in this workspace
	Created     bool   `json:"created"`
	AlreadyOpen bool   `json:"already_open"` // the same package was opened before: nothing changed
	Member      string `json:"member"`
	Round       int    `json:"round"`
	Sequence    int64  `json:"sequence"`
	Units       int    `json:"units"`
	Leaves      int    `json:"leaves"`     // unit × leaf items the member may score
	KeptLocal   int    `json:"kept_local"` // the member's scores of the current round kept from this workspace
	Changes     int    `json:"changes"`    // rows added, changed or removed
}

// InstallOptions tune InstallPackage.
type InstallOptions struct {
	// Discard allows a package of a later round to replace scores of the
	// earlier round that were changed here and not yet returned.
	Discard bool
}

// InstallPackage opens a member package into this file: a new (empty) file
// becomes the member's workspace; a workspace of the same council and
// member is brought up to date. digest identifies the package file, so
// opening the same file twice changes nothing, and an older package than
// the one already opened is refused.
//
// The member's scores of the package's round already in the workspace are
// kept (the workspace is where the member types them); scores of earlier
// rounds take the secretariat's merged values, and a package that would so
// drop scores not yet returned is refused unless opt.Discard is set.
func (s *Store) InstallPackage(pc *PackageContent, digest string, opt InstallOptions) (InstallReport, error) {
	var rep InstallReport
	if pc == nil {
		return rep, fmt.Errorf("open member package: %w", invalidf("no package"))
	}
	if pc.Round != 1 && pc.Round != 2 {
		return rep, fmt.Errorf("open member package: %w", invalidf("round %d is not 1 or 2", pc.Round))
	}
	err := s.write("open member package", func(w *wtx) error {
		w.trusted = true
		var err error
		rep, err = w.install(pc, digest, opt)
		return err
	})
	if err != nil {
		return InstallReport{}, err
	}
	return rep, nil
}

func (w *wtx) install(pc *PackageContent, digest string, opt InstallOptions) (InstallReport, error) {
	member := cleanCode(pc.Member.ID)
	rep := InstallReport{Member: member, Round: pc.Round, Sequence: pc.Sequence}
	ws, err := loadWorkspace(w.tx)
	if err != nil {
		return rep, err
	}
	switch ws.mode {
	case ModeSecretariat:
		return rep, &reasonError{kind: ErrMemberWorkspace, msg: "this is the secretariat's council file: open the member package into a new file on the member's laptop"}
	case ModeMember:
		if ws.councilID != pc.CouncilID {
			return rep, invalidf("this workspace belongs to council %s; the package is from council %s: open it into a new file", ws.councilID, pc.CouncilID)
		}
		if ws.member != member {
			return rep, invalidf("this is member %s's workspace; the package is for member %s", ws.member, member)
		}
	default:
		var n int
		if err := w.tx.QueryRow(`SELECT (SELECT count(*) FROM periods) + (SELECT count(*) FROM frameworks)`).Scan(&n); err != nil {
			return rep, fmt.Errorf("read council file: %w", err)
		}
		if n > 0 {
			return rep, &reasonError{kind: ErrMemberWorkspace, msg: "this file already holds a council (frameworks or periods): open the member package into a new file"}
		}
		if pc.CouncilID == "" || member == "" {
			return rep, invalidf("the package names no council or no member")
		}
		if err := w.put(workspaceRow{mode: ModeMember, councilID: pc.CouncilID, member: member}.rec(), "workspace.create", "member package opened"); err != nil {
			return rep, err
		}
	}
	before, removedBefore := w.report, w.removed

	// The period: found by its ID at the secretariat.
	var local int64
	var old struct {
		ok                          bool
		round                       int
		seq, lastReturn             int64
		digest, returnDigest, fpKey string
		secret                      string
	}
	err = w.tx.QueryRow(`SELECT period_id, round, package_seq, package_digest, last_return, return_digest, enrolled_key, enrol_secret
		FROM member_periods WHERE source_period = ?`, pc.Period.ID).Scan(&local, &old.round, &old.seq, &old.digest,
		&old.lastReturn, &old.returnDigest, &old.fpKey, &old.secret)
	switch {
	case isNoRows(err):
	case err != nil:
		return rep, fmt.Errorf("read member period: %w", err)
	default:
		old.ok = true
	}
	if old.ok {
		if pc.Sequence == old.seq && digest == old.digest {
			rep.Period, rep.AlreadyOpen = local, true
			return rep, nil
		}
		if pc.Sequence <= old.seq {
			return rep, invalidf("this package (number %d) is not newer than the one already opened (number %d)", pc.Sequence, old.seq)
		}
		p, err := loadPeriod(w.tx, local)
		if err != nil {
			return rep, err
		}
		if p.Year != pc.Period.Year || p.Round != pc.Period.Round {
			return rep, invalidf("the package's period is %d %s, but this workspace holds it as %s", pc.Period.Year, pc.Period.Round, p.label())
		}
	} else {
		var n int
		if err := w.tx.QueryRow(`SELECT count(*) FROM periods WHERE year = ? AND round = ?`, pc.Period.Year, string(pc.Period.Round)).Scan(&n); err != nil {
			return rep, fmt.Errorf("read periods: %w", err)
		}
		if n > 0 {
			return rep, invalidf("this workspace already has a period %d %s from another package", pc.Period.Year, pc.Period.Round)
		}
		if err := w.tx.QueryRow(`SELECT coalesce(max(id), 0) + 1 FROM periods`).Scan(&local); err != nil {
			return rep, fmt.Errorf("read periods: %w", err)
		}
		rep.Created = true
	}
	rep.Period = local
	p := pc.Period
	p.ID, p.Finalized = local, false
	p.Name = clean(p.Name)
	if p.Threshold == 0 {
		p.Threshold = index.DefaultThreshold
	}
	if err := checkPeriodFields(&p); err != nil {
		return rep, err
	}
	if p.Name == "" {
		p.Name = fmt.Sprintf("%d %s", p.Year, p.Round)
	}
	if err := w.put(periodRow{Period: p}.rec(), "", ""); err != nil {
		return rep, err
	}

	// Frameworks, blocks, units, the member and their assignments.
	versions := map[string]int{}
	for _, f := range pc.Frameworks {
		nf, err := normaliseFramework(f)
		if err != nil {
			return rep, err
		}
		r, err := frameworkRec(nf)
		if err != nil {
			return rep, err
		}
		cur, exists, err := w.current(r)
		if err != nil {
			return rep, err
		}
		if exists && cur != r.value() {
			return rep, invalidf("framework %s version %d in the package differs from the one this workspace holds", nf.Code, nf.Version)
		}
		if err := w.put(r, "", ""); err != nil {
			return rep, err
		}
		versions[nf.Code] = nf.Version
	}
	for _, bl := range pc.Blocks {
		bl.Code, bl.Name, bl.Framework = cleanCode(bl.Code), clean(bl.Name), cleanCode(bl.Framework)
		v, ok := versions[bl.Framework]
		if !ok {
			return rep, invalidf("block %s uses framework %s, which the package does not carry", bl.Code, bl.Framework)
		}
		if bl.Code == "" || bl.Name == "" {
			return rep, invalidf("the package holds a block without a code or a name")
		}
		if err := w.put(rec{k: kBlock, period: local, key: []any{bl.Code}, val: []any{bl.Name, bl.Framework, int64(v)}}, "", ""); err != nil {
			return rep, err
		}
	}
	c, err := w.loadCtx(local)
	if err != nil {
		return rep, err
	}
	ch := &checker{c: c, seen: map[string]itemRef{}}
	if err := ch.check(&Batch{Units: pc.Units, Members: []index.CouncilMember{pc.Member}}); err != nil {
		return rep, err
	}
	if ch.count > 0 {
		return rep, &BatchError{Items: ch.errs, Count: ch.count}
	}
	for _, pl := range ch.plan {
		if err := w.put(pl.r, "", ""); err != nil {
			return rep, err
		}
	}
	// Units the package no longer carries were taken out at the secretariat.
	inPackage := map[string]bool{}
	for _, u := range pc.Units {
		inPackage[cleanCode(u.Code)] = true
	}
	here, err := loadUnits(w.tx, local)
	if err != nil {
		return rep, err
	}
	for _, u := range here {
		if !inPackage[u.Code] && u.Active {
			u.Active = false
			c.units[u.Code] = u
			if err := w.put(rec{k: kUnit, period: local, key: []any{u.Code}, val: []any{u.Name, u.Block, false}},
				"unit.deactivate", "not in the latest member package"); err != nil {
				return rep, err
			}
		}
	}
	// Assignments: exactly the package's.
	want := map[string]rec{}
	for _, a := range pc.Assignments {
		if cleanCode(a.Member) != member {
			return rep, invalidf("the package holds an assignment of member %q", a.Member)
		}
		r, err := c.assignment(a)
		if err != nil {
			return rep, err
		}
		want[r.withEntity().ent] = r
	}
	have, err := loadAssignments(w.tx, local)
	if err != nil {
		return rep, err
	}
	for _, a := range have {
		r := rec{k: kAssignment, period: local, key: []any{a.Member, a.Block, a.Field}}
		if _, keep := want[r.entity()]; !keep {
			if _, err := w.remove(r, "", "not in the latest member package"); err != nil {
				return rep, err
			}
		}
	}
	for _, e := range sortedKeys(want) {
		if err := w.put(want[e], "", ""); err != nil {
			return rep, err
		}
	}

	// Self-assessments and not-applicable marks: exactly the package's.
	ch = &checker{c: c, seen: map[string]itemRef{}}
	if err := ch.check(&Batch{Self: pc.Self}); err != nil {
		return rep, err
	}
	if ch.count > 0 {
		return rep, &BatchError{Items: ch.errs, Count: ch.count}
	}
	if err := w.replaceRows(kSelf, local, planRecs(ch.plan)); err != nil {
		return rep, err
	}
	naRecs := make([]rec, 0, len(pc.NotApplicable))
	for _, na := range pc.NotApplicable {
		r, err := c.notApplicable(na)
		if err != nil {
			return rep, err
		}
		naRecs = append(naRecs, r)
	}
	if err := w.replaceRows(kNA, local, naRecs); err != nil {
		return rep, err
	}

	// The member's scores, checked against their leaves (the secretariat
	// already applied its rules to them).
	byRound := map[int][]rec{}
	byRoundScores := map[int][]index.AppraisalScore{}
	for _, a := range pc.Appraisals {
		a.Member, a.Unit, a.Criterion, a.Reason = cleanCode(a.Member), cleanCode(a.Unit), cleanCode(a.Criterion), clean(a.Reason)
		if a.Member != member {
			return rep, invalidf("the package holds a score of member %q", a.Member)
		}
		if a.Round != 1 && a.Round != 2 {
			return rep, invalidf("the package holds a score of round %d", a.Round)
		}
		fw, cr, err := c.leaf(a.Unit, a.Criterion)
		if err == nil {
			err = checkPoints(fw, cr, a.Points, false)
		}
		if err != nil {
			return rep, &ItemError{Kind: "appraisals", Index: -1, Unit: a.Unit, Criterion: a.Criterion, Member: a.Member, Err: err}
		}
		byRound[a.Round] = append(byRound[a.Round], rec{k: kAppraisal, period: local,
			key: []any{a.Unit, a.Criterion, a.Member, int64(a.Round)}, val: []any{int64(a.Points), a.Reason}})
		byRoundScores[a.Round] = append(byRoundScores[a.Round], a)
	}
	lastReturn := max(old.lastReturn, pc.LastReturn)
	returnDigest := old.returnDigest
	for round := 1; round <= pc.Round; round++ {
		here, err := returnScores(w.tx, local, member, round)
		if err != nil {
			return rep, err
		}
		if round == pc.Round && len(here) > 0 {
			rep.KeptLocal = len(here) // the member's work in progress
			continue
		}
		if old.ok && round == old.round && round < pc.Round && !opt.Discard && len(here) > 0 && scoresDigest(here) != old.returnDigest {
			return rep, invalidf("your round %d scores were changed after your last return: make a return (package return) before opening this round %d package, or open it discarding those changes", round, pc.Round)
		}
		if err := w.replaceWhere(kAppraisal, local, byRound[round], func(r rec) bool {
			return r.key[2].(string) == member && r.key[3].(int64) == int64(round)
		}); err != nil {
			return rep, err
		}
		if round == pc.Round {
			returnDigest = scoresDigest(byRoundScores[round]) // as the secretariat has them: nothing to return yet
		}
	}

	secret := ""
	if pc.EnrolledKey == "" && len(pc.EnrolSecret) > 0 {
		if len(pc.EnrolSecret) != identity.SecretSize {
			return rep, invalidf("the package's enrolment secret has %d bytes, not %d", len(pc.EnrolSecret), identity.SecretSize)
		}
		secret = hex.EncodeToString(pc.EnrolSecret)
	}
	if err := w.put(rec{k: kMemberPeriod, period: local, val: []any{pc.Period.ID, int64(pc.Round), pc.Sequence, digest,
		cleanCode(pc.EnrolledKey), secret, lastReturn, returnDigest}}, "", "member package opened"); err != nil {
		return rep, err
	}
	rep.Units = len(pc.Units)
	rep.Leaves, err = w.assignedLeaves(c, member)
	if err != nil {
		return rep, err
	}
	rep.Changes = (w.report.Added + w.report.Changed) - (before.Added + before.Changed) + w.removed - removedBefore
	return rep, nil
}

// planRecs returns the rows of a checked batch.
func planRecs(plan []planned) []rec {
	out := make([]rec, len(plan))
	for i, p := range plan {
		out[i] = p.r
	}
	return out
}

// assignedLeaves counts the unit × leaf items a member may score: leaves
// scored by the council under the member's fields, of active units, less
// those marked not applicable.
func (w *wtx) assignedLeaves(c *pctx, member string) (int, error) {
	as, err := loadAssignments(w.tx, c.p.ID)
	if err != nil {
		return 0, err
	}
	na := map[string][]string{}
	rows, err := w.tx.Query(`SELECT unit, criterion FROM not_applicable WHERE period_id = ?`, c.p.ID)
	if err != nil {
		return 0, fmt.Errorf("read not-applicable marks: %w", err)
	}
	for rows.Next() {
		var u, cr string
		if err := rows.Scan(&u, &cr); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read not-applicable marks: %w", err)
		}
		na[u] = append(na[u], cr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read not-applicable marks: %w", err)
	}
	n := 0
	for _, a := range as {
		b := c.blocks[a.Block]
		if a.Member != member || b == nil {
			continue
		}
		for _, u := range c.units {
			if u.Block != a.Block || !u.Active {
				continue
			}
			for _, l := range b.fw.LeavesUnder(a.Field) {
				if b.fw.Find(l).Method == index.Survey || underAny(l, na[u.Code]) {
					continue
				}
				n++
			}
		}
	}
	return n, nil
}

// underAny reports whether the criterion code is one of nodes or under one.
func underAny(code string, nodes []string) bool {
	for _, n := range nodes {
		if code == n || strings.HasPrefix(code, n+".") {
			return true
		}
	}
	return false
}

// replaceRows makes the period's rows of kind k exactly recs.
func (w *wtx) replaceRows(k *kind, period int64, recs []rec) error {
	return w.replaceWhere(k, period, recs, func(rec) bool { return true })
}

// replaceWhere makes the period's rows of kind k that match scope exactly
// recs (which must all match scope): it removes the others and writes recs.
func (w *wtx) replaceWhere(k *kind, period int64, recs []rec, scope func(rec) bool) error {
	want := make(map[string]bool, len(recs))
	for i := range recs {
		recs[i] = recs[i].withEntity()
		want[recs[i].ent] = true
	}
	if len(recs) > bulkThreshold {
		if err := w.load(k, period); err != nil {
			return err
		}
	}
	rows, err := w.tx.QueryContext(w.ctx, k.listSQL, period)
	if err != nil {
		return fmt.Errorf("read %s: %w", k.table, err)
	}
	var drop []rec
	if err := scanRows(k, rows, func(r rec) error {
		if scope(r) && !want[r.entity()] {
			drop = append(drop, r)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("read %s: %w", k.table, err)
	}
	for _, r := range drop {
		if _, err := w.remove(r, "", ""); err != nil {
			return err
		}
	}
	for _, r := range recs {
		if err := w.put(r, "", ""); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sameKey reports whether two public keys are the same bytes.
func sameKey(a, b []byte) bool { return len(a) > 0 && bytes.Equal(a, b) }
