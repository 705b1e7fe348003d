package data

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"parindex/index"
)

// Batch is a set of changes to one period that Apply validates as a whole
// and writes in one transaction. Items are added or updated, never deleted;
// assignments are added to the ones the period has.
type Batch struct {
	Blocks        []index.Block
	Units         []index.Unit
	Members       []index.CouncilMember
	Assignments   []index.Assignment
	Self          []index.SelfScore
	Appraisals    []index.AppraisalScore
	Decisions     []index.Decision
	Survey        []index.SurveyScore
	NotApplicable []index.NotApplicable
}

// Len is the number of items in the batch.
func (b *Batch) Len() int {
	return len(b.Blocks) + len(b.Units) + len(b.Members) + len(b.Assignments) + len(b.Self) +
		len(b.Appraisals) + len(b.Decisions) + len(b.Survey) + len(b.NotApplicable)
}

// ApplyReport counts what Apply (or a single setter) did.
type ApplyReport struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// ItemError is a refused item. Kind names the Batch field ("appraisals",
// "self", ...) and Index the item's position in it (0-based; -1 for the
// single-item setters), so an importer can map it back to a row of its file.
// Err says why; it wraps ErrInvalid or ErrNotFound, and an *index.ScoreError
// for a score outside the leaf's rules.
type ItemError struct {
	Kind      string
	Index     int
	Unit      string
	Criterion string
	Member    string
	Err       error
}

// Error names the item and says why it was refused.
func (e *ItemError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind)
	if e.Index >= 0 {
		fmt.Fprintf(&b, "[%d]", e.Index)
	}
	var parts []string
	if e.Unit != "" {
		parts = append(parts, "unit "+e.Unit)
	}
	if e.Criterion != "" {
		parts = append(parts, "criterion "+e.Criterion)
	}
	if e.Member != "" {
		parts = append(parts, "member "+e.Member)
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the reason.
func (e *ItemError) Unwrap() error { return e.Err }

// BatchError lists the refused items of a batch (at most 100; Count has them all).
type BatchError struct {
	Items []*ItemError
	Count int
}

// Error gives the first problem and how many more there are.
func (e *BatchError) Error() string {
	if len(e.Items) == 0 {
		return "batch refused"
	}
	msg := "batch refused, nothing was changed: " + e.Items[0].Error()
	if e.Count > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", e.Count-1)
	}
	return msg
}

// Unwrap returns the item errors, so errors.As finds the first *ItemError
// and errors.Is finds ErrInvalid.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Items))
	for i, it := range e.Items {
		out[i] = it
	}
	return out
}

// blockCtx is a block of the period being changed, with its framework.
type blockCtx struct {
	index.Block
	version int
	fw      *index.Framework
}

// memberCtx is a member with the key fields index.CouncilMember lacks.
type memberCtx struct {
	index.CouncilMember
	fingerprint string
	publicKey   []byte
}

func (m *memberCtx) rec(period int64) rec {
	return rec{k: kMember, period: period, key: []any{m.ID},
		val: []any{m.Name, string(m.Role), m.Organisation, m.fingerprint, m.publicKey}}
}

// pctx is what validation needs to know about a period, read inside the
// write transaction.
type pctx struct {
	w       *wtx
	p       periodRow
	blocks  map[string]*blockCtx
	units   map[string]index.Unit
	members map[string]*memberCtx
	fws     map[string]*index.Framework // code + "\x00" + version
	selfPts map[string]int64            // unit + "\x00" + criterion; nil until loaded in bulk
}

// loadCtx loads an open (not finalised) period with its blocks, frameworks,
// units and members.
func (w *wtx) loadCtx(period int64) (*pctx, error) {
	p, err := w.openPeriod(period)
	if err != nil {
		return nil, err
	}
	c := &pctx{w: w, p: p, blocks: map[string]*blockCtx{}, units: map[string]index.Unit{},
		members: map[string]*memberCtx{}, fws: map[string]*index.Framework{}}
	rows, err := w.tx.Query(`SELECT code, name, framework_code, framework_version FROM blocks WHERE period_id = ?`, period)
	if err != nil {
		return nil, fmt.Errorf("load blocks: %w", err)
	}
	for rows.Next() {
		b := &blockCtx{}
		if err := rows.Scan(&b.Code, &b.Name, &b.Framework, &b.version); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load blocks: %w", err)
		}
		c.blocks[b.Code] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load blocks: %w", err)
	}
	for _, b := range c.blocks {
		if b.fw, err = c.framework(b.Framework, b.version); err != nil {
			return nil, err
		}
	}
	rows, err = w.tx.Query(`SELECT code, name, block, active FROM units WHERE period_id = ?`, period)
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	for rows.Next() {
		var u index.Unit
		if err := rows.Scan(&u.Code, &u.Name, &u.Block, &u.Active); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load units: %w", err)
		}
		c.units[u.Code] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	ms, err := loadMembers(w.tx, period)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		c.members[m.ID] = m
	}
	return c, nil
}

// framework returns a framework version (0: the latest), loaded once per transaction.
func (c *pctx) framework(code string, version int) (*index.Framework, error) {
	if version == 0 {
		err := c.w.tx.QueryRow(`SELECT coalesce(max(version), 0) FROM frameworks WHERE code = ?`, code).Scan(&version)
		if err != nil {
			return nil, fmt.Errorf("read framework %s: %w", code, err)
		}
		if version == 0 {
			return nil, notFoundf("framework %q does not exist", code)
		}
	}
	key := fmt.Sprintf("%s\x00%d", code, version)
	if f, ok := c.fws[key]; ok {
		return f, nil
	}
	f, err := loadFramework(c.w.tx, code, version)
	if err != nil {
		return nil, err
	}
	c.fws[key] = f
	return f, nil
}

// leaf finds a scoreable leaf of a unit's framework.
func (c *pctx) leaf(unit, crit string) (*index.Framework, *index.Criterion, error) {
	u, ok := c.units[unit]
	if !ok {
		return nil, nil, notFoundf("unit %q does not exist in period %s", unit, c.p.label())
	}
	if !u.Active {
		return nil, nil, invalidf("unit %s is inactive", unit)
	}
	fw := c.blocks[u.Block].fw
	cr := fw.Find(crit)
	if cr == nil {
		return nil, nil, notFoundf("criterion %q is not in framework %s", crit, fw.Code)
	}
	if !cr.IsLeaf() {
		return nil, nil, invalidf("criterion %s is not a leaf of framework %s: score its sub-criteria", crit, fw.Code)
	}
	return fw, cr, nil
}

// checkPoints checks a score against its leaf and the method it is entered as.
func checkPoints(fw *index.Framework, cr *index.Criterion, p index.Points, survey bool) error {
	if survey && cr.Method != index.Survey {
		return invalidf("criterion %s is an %s leaf, not a survey leaf", cr.Code, cr.Method)
	}
	if !survey && cr.Method == index.Survey {
		return invalidf("criterion %s is a survey leaf: its points come from the survey", cr.Code)
	}
	if err := fw.CheckScore(cr, p); err != nil {
		return invalid(err)
	}
	return nil
}

// hasScores reports whether any unit matching the condition has a score or a
// not-applicable mark in the period.
func (c *pctx) hasScores(unitCond string, args ...any) (bool, error) {
	for _, t := range []string{"self_scores", "appraisals", "decisions", "survey_scores", "not_applicable"} {
		var n int
		q := fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s WHERE period_id = ? AND %s)`, t, unitCond)
		if err := c.w.tx.QueryRow(q, append([]any{c.p.ID}, args...)...).Scan(&n); err != nil {
			return false, fmt.Errorf("read %s: %w", t, err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// selfPoints returns a unit's self-assessed points on a leaf, if any.
func (c *pctx) selfPoints(unit, crit string) (int64, bool, error) {
	if c.selfPts != nil {
		v, ok := c.selfPts[unit+"\x00"+crit]
		return v, ok, nil
	}
	st, err := c.w.stmt(`SELECT points FROM self_scores WHERE period_id = ? AND unit = ? AND criterion = ?`)
	if err != nil {
		return 0, false, err
	}
	var v int64
	err = st.QueryRow(c.p.ID, unit, crit).Scan(&v)
	if err != nil {
		if isNoRows(err) {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("read self-assessment: %w", err)
	}
	return v, true, nil
}

func (c *pctx) loadSelfPoints() error {
	c.selfPts = map[string]int64{}
	rows, err := c.w.tx.Query(`SELECT unit, criterion, points FROM self_scores WHERE period_id = ?`, c.p.ID)
	if err != nil {
		return fmt.Errorf("load self-assessments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, cr string
		var v int64
		if err := rows.Scan(&u, &cr, &v); err != nil {
			return fmt.Errorf("load self-assessments: %w", err)
		}
		c.selfPts[u+"\x00"+cr] = v
	}
	return rows.Err()
}

// singular names the item kinds in the errors of the single-item setters.
var singular = map[string]string{
	"blocks": "block", "units": "unit", "members": "member", "assignments": "assignment",
	"self": "self-assessment", "appraisals": "appraisal", "decisions": "decision",
	"survey": "survey points", "not_applicable": "not-applicable mark",
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// bulkThreshold is the number of items of one kind above which a batch reads
// the period's rows of that kind at once instead of one query per item.
const bulkThreshold = 256

// itemRef names an item of a batch.
type itemRef struct {
	kind  string
	index int
}

// planned is a validated item ready to write.
type planned struct {
	r      rec
	reason string // recorded in the audit entry
}

// checker validates a batch against a period, collecting item errors.
type checker struct {
	c      *pctx
	single bool
	errs   []*ItemError
	count  int
	seen   map[string]itemRef // entity -> its first occurrence
	plan   []planned
}

func (ch *checker) fail(kind string, i int, unit, crit, member string, err error) {
	ch.count++
	if len(ch.errs) >= 100 {
		return
	}
	if ch.single {
		i = -1
		kind = singular[kind]
	}
	ch.errs = append(ch.errs, &ItemError{Kind: kind, Index: i, Unit: unit, Criterion: crit, Member: member, Err: err})
}

// add plans r unless the batch already holds the same row.
func (ch *checker) add(kind string, i int, unit, crit, member string, r rec, reason string) {
	r = r.withEntity()
	if first, dup := ch.seen[r.ent]; dup {
		ch.fail(kind, i, unit, crit, member, invalidf("the batch holds this item twice (first as %s[%d])", first.kind, first.index))
		return
	}
	ch.seen[r.ent] = itemRef{kind, i}
	ch.plan = append(ch.plan, planned{r: r, reason: reason})
}

// Apply validates every item of the batch against the period and, when all
// are valid, writes them in one transaction with one audit entry per changed
// row. Items equal to what the file holds write nothing, so applying the
// same batch twice changes nothing the second time. When any item is
// invalid nothing is written and the error is a *BatchError naming the items.
func (s *Store) Apply(period int64, b *Batch) (ApplyReport, error) {
	return s.apply("apply batch", period, b, false)
}

// apply is Apply; single marks the one-item calls of the setters, whose
// errors are the *ItemError itself.
func (s *Store) apply(what string, period int64, b *Batch, single bool) (ApplyReport, error) {
	var rep ApplyReport
	if b == nil {
		return rep, nil
	}
	err := s.write(what, func(w *wtx) error {
		c, err := w.loadCtx(period)
		if err != nil {
			return err
		}
		ch := &checker{c: c, single: single, seen: make(map[string]itemRef, b.Len())}
		if err := ch.check(b); err != nil {
			return err
		}
		if ch.count > 0 {
			if single && len(ch.errs) == 1 {
				return ch.errs[0]
			}
			return &BatchError{Items: ch.errs, Count: ch.count}
		}
		ch.seen = nil // let the collector have it
		counts := map[*kind]int{}
		for _, p := range ch.plan {
			counts[p.r.k]++
		}
		for k, n := range counts {
			if n > bulkThreshold {
				if err := w.load(k, period); err != nil {
					return err
				}
			}
		}
		for _, p := range ch.plan {
			if err := w.put(p.r, "", p.reason); err != nil {
				return err
			}
		}
		rep = w.report
		return nil
	})
	if err != nil {
		return ApplyReport{}, err
	}
	return rep, nil
}

// check validates every item in dependency order: blocks, units and members
// first, so that scores may refer to units and members of the same batch.
func (ch *checker) check(b *Batch) error {
	c := ch.c
	pid := c.p.ID
	for i, bl := range b.Blocks {
		bl.Code, bl.Name, bl.Framework = cleanCode(bl.Code), clean(bl.Name), cleanCode(bl.Framework)
		fail := func(err error) { ch.fail("blocks", i, "", "", "", fmt.Errorf("block %q: %w", bl.Code, err)) }
		if bl.Code == "" || bl.Name == "" || bl.Framework == "" {
			fail(invalidf("code, name and framework are required"))
			continue
		}
		old := c.blocks[bl.Code]
		version := 0
		if old != nil && old.Framework == bl.Framework {
			version = old.version
		} else {
			for _, other := range c.blocks {
				if other.Framework == bl.Framework {
					version = other.version // one version of a framework per period
				}
			}
		}
		fw, err := c.framework(bl.Framework, version)
		if err != nil {
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
				fail(err)
				continue
			}
			return err
		}
		if old != nil && (old.Framework != bl.Framework || old.version != fw.Version) {
			has, err := c.hasScores(`unit IN (SELECT code FROM units WHERE period_id = ? AND block = ?)`, pid, bl.Code)
			if err != nil {
				return err
			}
			if has {
				fail(invalidf("its units already have scores under framework %s version %d", old.Framework, old.version))
				continue
			}
		}
		c.blocks[bl.Code] = &blockCtx{Block: bl, version: fw.Version, fw: fw}
		ch.add("blocks", i, "", "", "", rec{k: kBlock, period: pid, key: []any{bl.Code},
			val: []any{bl.Name, bl.Framework, int64(fw.Version)}}, "")
	}
	for i, u := range b.Units {
		u.Code, u.Name, u.Block = cleanCode(u.Code), clean(u.Name), cleanCode(u.Block)
		fail := func(err error) { ch.fail("units", i, u.Code, "", "", err) }
		if u.Code == "" || u.Name == "" {
			fail(invalidf("code and name are required"))
			continue
		}
		nb, ok := c.blocks[u.Block]
		if !ok {
			fail(notFoundf("block %q does not exist in period %s", u.Block, c.p.label()))
			continue
		}
		if old, ok := c.units[u.Code]; ok && old.Block != u.Block {
			ob := c.blocks[old.Block]
			if ob.fw != nb.fw {
				has, err := c.hasScores(`unit = ?`, u.Code)
				if err != nil {
					return err
				}
				if has {
					fail(invalidf("cannot move to block %s: the unit has scores under framework %s", u.Block, ob.Framework))
					continue
				}
			}
		}
		c.units[u.Code] = u
		ch.add("units", i, u.Code, "", "", rec{k: kUnit, period: pid, key: []any{u.Code},
			val: []any{u.Name, u.Block, u.Active}}, "")
	}
	for i, m := range b.Members {
		m.ID, m.Name, m.Organisation = cleanCode(m.ID), clean(m.Name), clean(m.Organisation)
		m.Role = index.Role(cleanCode(string(m.Role)))
		if m.Role == "" {
			m.Role = index.Member
		}
		fail := func(err error) { ch.fail("members", i, "", "", m.ID, err) }
		if m.ID == "" || m.Name == "" {
			fail(invalidf("id and name are required"))
			continue
		}
		if !m.Role.Valid() {
			fail(invalidf("role %q is not chair, vice-chair, member or secretary", m.Role))
			continue
		}
		mc := &memberCtx{CouncilMember: m}
		if old, ok := c.members[m.ID]; ok {
			mc.fingerprint, mc.publicKey = old.fingerprint, old.publicKey
		}
		c.members[m.ID] = mc
		ch.add("members", i, "", "", m.ID, mc.rec(pid), "")
	}
	for i, a := range b.Assignments {
		r, err := c.assignment(a)
		if err != nil {
			ch.fail("assignments", i, "", a.Field, a.Member, err)
			continue
		}
		ch.add("assignments", i, "", a.Field, a.Member, r, "")
	}
	batchSelf := map[string]int64{}
	for i, sc := range b.Self {
		sc.Unit, sc.Criterion = cleanCode(sc.Unit), cleanCode(sc.Criterion)
		sc.Evidence, sc.Explanation = clean(sc.Evidence), clean(sc.Explanation)
		fw, cr, err := c.leaf(sc.Unit, sc.Criterion)
		if err == nil {
			err = checkPoints(fw, cr, sc.Points, false)
		}
		if err != nil {
			ch.fail("self", i, sc.Unit, sc.Criterion, "", err)
			continue
		}
		batchSelf[sc.Unit+"\x00"+sc.Criterion] = int64(sc.Points)
		ch.add("self", i, sc.Unit, sc.Criterion, "", rec{k: kSelf, period: pid, key: []any{sc.Unit, sc.Criterion},
			val: []any{int64(sc.Points), sc.Evidence, sc.Explanation}}, "")
	}
	if len(b.Appraisals) > bulkThreshold {
		if err := c.loadSelfPoints(); err != nil {
			return err
		}
	}
	for i, a := range b.Appraisals {
		a.Member, a.Unit, a.Criterion, a.Reason = cleanCode(a.Member), cleanCode(a.Unit), cleanCode(a.Criterion), clean(a.Reason)
		fail := func(err error) { ch.fail("appraisals", i, a.Unit, a.Criterion, a.Member, err) }
		if _, ok := c.members[a.Member]; !ok {
			fail(notFoundf("member %q does not exist in period %s", a.Member, c.p.label()))
			continue
		}
		if a.Round != 1 && a.Round != 2 {
			fail(invalidf("round %d is not 1 or 2", a.Round))
			continue
		}
		fw, cr, err := c.leaf(a.Unit, a.Criterion)
		if err == nil {
			err = checkPoints(fw, cr, a.Points, false)
		}
		if err != nil {
			fail(err)
			continue
		}
		if a.Reason == "" {
			self, ok := batchSelf[a.Unit+"\x00"+a.Criterion]
			if !ok {
				if self, ok, err = c.selfPoints(a.Unit, a.Criterion); err != nil {
					return err
				}
			}
			if ok && int64(a.Points) < self {
				fail(invalidf("%s is below the unit's self-assessment %s: a reason is required",
					a.Points.Short(), index.Points(self).Short()))
				continue
			}
		}
		ch.add("appraisals", i, a.Unit, a.Criterion, a.Member, rec{k: kAppraisal, period: pid,
			key: []any{a.Unit, a.Criterion, a.Member, int64(a.Round)},
			val: []any{int64(a.Points), a.Reason}}, a.Reason)
	}
	council := make([]index.CouncilMember, 0, len(c.members))
	for _, m := range c.members {
		council = append(council, m.CouncilMember)
	}
	voting := index.VotingMembers(council)
	for i, d := range b.Decisions {
		d.Unit, d.Criterion, d.Reason = cleanCode(d.Unit), cleanCode(d.Criterion), clean(d.Reason)
		fw, cr, err := c.leaf(d.Unit, d.Criterion)
		if err == nil {
			err = checkPoints(fw, cr, d.Points, false)
		}
		if err == nil {
			if derr := index.CheckDecision(d, voting); derr != nil {
				err = invalid(derr)
			}
		}
		if err != nil {
			ch.fail("decisions", i, d.Unit, d.Criterion, "", err)
			continue
		}
		ch.add("decisions", i, d.Unit, d.Criterion, "", rec{k: kDecision, period: pid, key: []any{d.Unit, d.Criterion},
			val: []any{int64(d.Points), d.Reason, int64(d.VotesFor)}}, d.Reason)
	}
	for i, sv := range b.Survey {
		sv.Unit, sv.Criterion = cleanCode(sv.Unit), cleanCode(sv.Criterion)
		fw, cr, err := c.leaf(sv.Unit, sv.Criterion)
		if err == nil {
			err = checkPoints(fw, cr, sv.Points, true)
		}
		if err != nil {
			ch.fail("survey", i, sv.Unit, sv.Criterion, "", err)
			continue
		}
		ch.add("survey", i, sv.Unit, sv.Criterion, "", rec{k: kSurvey, period: pid, key: []any{sv.Unit, sv.Criterion},
			val: []any{int64(sv.Points)}}, "")
	}
	for i, na := range b.NotApplicable {
		r, err := c.notApplicable(na)
		if err != nil {
			ch.fail("not_applicable", i, cleanCode(na.Unit), cleanCode(na.Criterion), "", err)
			continue
		}
		ch.add("not_applicable", i, cleanCode(na.Unit), cleanCode(na.Criterion), "", r, r.val[0].(string))
	}
	return nil
}

// assignment validates an assignment and returns its row.
func (c *pctx) assignment(a index.Assignment) (rec, error) {
	a.Member, a.Block, a.Field = cleanCode(a.Member), cleanCode(a.Block), cleanCode(a.Field)
	if _, ok := c.members[a.Member]; !ok {
		return rec{}, notFoundf("member %q does not exist in period %s", a.Member, c.p.label())
	}
	b, ok := c.blocks[a.Block]
	if !ok {
		return rec{}, notFoundf("block %q does not exist in period %s", a.Block, c.p.label())
	}
	isField := false
	for _, f := range b.fw.Fields {
		if f.Code == a.Field {
			isField = true
		}
	}
	if !isField {
		return rec{}, notFoundf("%q is not a field (top-level criterion) of framework %s", a.Field, b.fw.Code)
	}
	return rec{k: kAssignment, period: c.p.ID, key: []any{a.Member, a.Block, a.Field}}, nil
}

// notApplicable validates a not-applicable mark and returns its row.
func (c *pctx) notApplicable(na index.NotApplicable) (rec, error) {
	na.Unit, na.Criterion, na.Reason = cleanCode(na.Unit), cleanCode(na.Criterion), clean(na.Reason)
	u, ok := c.units[na.Unit]
	if !ok {
		return rec{}, notFoundf("unit %q does not exist in period %s", na.Unit, c.p.label())
	}
	if !u.Active {
		return rec{}, invalidf("unit %s is inactive", na.Unit)
	}
	fw := c.blocks[u.Block].fw
	if fw.Find(na.Criterion) == nil {
		return rec{}, notFoundf("criterion %q is not in framework %s", na.Criterion, fw.Code)
	}
	return rec{k: kNA, period: c.p.ID, key: []any{na.Unit, na.Criterion}, val: []any{na.Reason}}, nil
}
