package data

import (
	"database/sql"
	"fmt"

	"parindex/index"
)

// SaveBlock adds a block to a period or edits it. The block uses the latest
// version of its framework, or the version other blocks of the period
// already use. Its framework cannot change once its units have scores.
func (s *Store) SaveBlock(period int64, b index.Block) error {
	_, err := s.apply("save block", period, &Batch{Blocks: []index.Block{b}}, true)
	return err
}

// SaveUnit adds a unit to a period or edits it. Active is stored as given: a
// new unit must have Active set to take part in the results.
func (s *Store) SaveUnit(period int64, u index.Unit) error {
	_, err := s.apply("save unit", period, &Batch{Units: []index.Unit{u}}, true)
	return err
}

// SetUnitActive takes a unit out of the results (or back in) with a reason.
// The scores of an inactive unit are kept but left out of Snapshot.
func (s *Store) SetUnitActive(period int64, code string, active bool, reason string) error {
	code, reason = cleanCode(code), clean(reason)
	if reason == "" {
		return fmt.Errorf("set unit active: %w", invalidf("a reason is required"))
	}
	return s.write("set unit active", func(w *wtx) error {
		c, err := w.loadCtx(period)
		if err != nil {
			return err
		}
		u, ok := c.units[code]
		if !ok {
			return notFoundf("unit %q does not exist in period %s", code, c.p.label())
		}
		action := "unit.deactivate"
		if active {
			action = "unit.activate"
		}
		u.Active = active
		return w.put(rec{k: kUnit, period: period, key: []any{u.Code}, val: []any{u.Name, u.Block, u.Active}}, action, reason)
	})
}

// SaveMember adds a council member to a period or edits one. An empty role
// means index.Member. The member's signing key, if any, is kept.
func (s *Store) SaveMember(period int64, m index.CouncilMember) error {
	_, err := s.apply("save member", period, &Batch{Members: []index.CouncilMember{m}}, true)
	return err
}

// SetMemberKey records a member's signing key: its fingerprint and the public
// key. Empty values remove the key.
func (s *Store) SetMemberKey(period int64, id, fingerprint string, publicKey []byte) error {
	id, fingerprint = cleanCode(id), cleanCode(fingerprint)
	return s.write("set member key", func(w *wtx) error {
		c, err := w.loadCtx(period)
		if err != nil {
			return err
		}
		m, ok := c.members[id]
		if !ok {
			return notFoundf("member %q does not exist in period %s", id, c.p.label())
		}
		m.fingerprint, m.publicKey = fingerprint, append([]byte(nil), publicKey...)
		return w.put(m.rec(period), "member.key", "")
	})
}

// MemberKey returns a member's key fingerprint and public key ("" and nil
// when the member has none).
func (s *Store) MemberKey(period int64, id string) (string, []byte, error) {
	var fp string
	var pub []byte
	err := s.read("read member key", func(tx *sql.Tx) error {
		var nfp sql.NullString
		err := tx.QueryRow(`SELECT key_fingerprint, public_key FROM members WHERE period_id = ? AND id = ?`,
			period, cleanCode(id)).Scan(&nfp, &pub)
		if isNoRows(err) {
			return notFoundf("member %q does not exist in period %d", id, period)
		}
		fp = nfp.String
		return err
	})
	return fp, pub, err
}

// SetAssignments replaces the assignments of one member in a period. An
// assignment's Member may be empty; it is the member given.
func (s *Store) SetAssignments(period int64, member string, as []index.Assignment) error {
	member = cleanCode(member)
	return s.write("set assignments", func(w *wtx) error {
		c, err := w.loadCtx(period)
		if err != nil {
			return err
		}
		if _, ok := c.members[member]; !ok {
			return notFoundf("member %q does not exist in period %s", member, c.p.label())
		}
		want := map[string]rec{}
		var order []string
		for i, a := range as {
			if a.Member == "" {
				a.Member = member
			}
			if cleanCode(a.Member) != member {
				return &ItemError{Kind: "assignments", Index: i, Member: a.Member,
					Err: invalidf("assignment of member %q in the list of member %q", a.Member, member)}
			}
			r, err := c.assignment(a)
			if err != nil {
				return &ItemError{Kind: "assignments", Index: i, Member: a.Member, Criterion: a.Field, Err: err}
			}
			if _, dup := want[r.entity()]; !dup {
				order = append(order, r.entity())
			}
			want[r.entity()] = r
		}
		have, err := loadAssignments(w.tx, period)
		if err != nil {
			return err
		}
		for _, a := range have {
			if a.Member != member {
				continue
			}
			r := rec{k: kAssignment, period: period, key: []any{a.Member, a.Block, a.Field}}
			if _, keep := want[r.entity()]; !keep {
				if _, err := w.remove(r, "", ""); err != nil {
					return err
				}
			}
		}
		for _, e := range order {
			if err := w.put(want[e], "", ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetSelf records a unit's self-assessed score on a leaf.
func (s *Store) SetSelf(period int64, sc index.SelfScore) error {
	_, err := s.apply("set self-assessment", period, &Batch{Self: []index.SelfScore{sc}}, true)
	return err
}

// SetAppraisal records one member's appraisal of a unit's leaf. A score
// below the unit's self-assessment needs a reason.
func (s *Store) SetAppraisal(period int64, a index.AppraisalScore) error {
	_, err := s.apply("set appraisal", period, &Batch{Appraisals: []index.AppraisalScore{a}}, true)
	return err
}

// SetDecision records a council decision on a unit's leaf; it needs a reason
// and more than half of the council's voting members.
func (s *Store) SetDecision(period int64, d index.Decision) error {
	_, err := s.apply("set decision", period, &Batch{Decisions: []index.Decision{d}}, true)
	return err
}

// SetSurvey records a unit's points on a survey leaf.
func (s *Store) SetSurvey(period int64, sv index.SurveyScore) error {
	_, err := s.apply("set survey points", period, &Batch{Survey: []index.SurveyScore{sv}}, true)
	return err
}

// SetNotApplicable marks a criterion (a leaf, or every leaf under a node) as
// not applicable to a unit, or removes the mark when on is false.
func (s *Store) SetNotApplicable(period int64, na index.NotApplicable, on bool) error {
	if on {
		_, err := s.apply("set not applicable", period, &Batch{NotApplicable: []index.NotApplicable{na}}, true)
		return err
	}
	return s.write("clear not applicable", func(w *wtx) error {
		if _, err := w.openPeriod(period); err != nil {
			return err
		}
		r := rec{k: kNA, period: period, key: []any{cleanCode(na.Unit), cleanCode(na.Criterion)}}
		_, err := w.remove(r, "", na.Reason)
		return err
	})
}

// deleteRow removes one score row with an audit entry; a missing row is ErrNotFound.
func (s *Store) deleteRow(what string, period int64, r rec, reason string) error {
	return s.write(what, func(w *wtx) error {
		if _, err := w.openPeriod(period); err != nil {
			return err
		}
		ok, err := w.remove(r, "", reason)
		if err != nil {
			return err
		}
		if !ok {
			return notFoundf("%s does not exist", r.entity())
		}
		return nil
	})
}

// DeleteSelf removes a unit's self-assessed score on a leaf.
func (s *Store) DeleteSelf(period int64, unit, criterion, reason string) error {
	return s.deleteRow("delete self-assessment", period,
		rec{k: kSelf, period: period, key: []any{cleanCode(unit), cleanCode(criterion)}}, reason)
}

// DeleteAppraisal removes one member's appraisal of a unit's leaf in a round.
func (s *Store) DeleteAppraisal(period int64, member, unit, criterion string, round int, reason string) error {
	return s.deleteRow("delete appraisal", period,
		rec{k: kAppraisal, period: period, key: []any{cleanCode(unit), cleanCode(criterion), cleanCode(member), int64(round)}}, reason)
}

// DeleteDecision withdraws a council decision on a unit's leaf.
func (s *Store) DeleteDecision(period int64, unit, criterion, reason string) error {
	return s.deleteRow("delete decision", period,
		rec{k: kDecision, period: period, key: []any{cleanCode(unit), cleanCode(criterion)}}, reason)
}

// DeleteSurvey removes a unit's points on a survey leaf.
func (s *Store) DeleteSurvey(period int64, unit, criterion, reason string) error {
	return s.deleteRow("delete survey points", period,
		rec{k: kSurvey, period: period, key: []any{cleanCode(unit), cleanCode(criterion)}}, reason)
}

// Blocks lists a period's blocks in the order they were added.
func (s *Store) Blocks(period int64) ([]index.Block, error) {
	var out []index.Block
	err := s.read("list blocks", func(tx *sql.Tx) error {
		var err error
		out, _, err = loadBlocks(tx, period)
		return err
	})
	return out, err
}

// Units lists a period's units, active or not, in the order they were added.
func (s *Store) Units(period int64) ([]index.Unit, error) {
	var out []index.Unit
	err := s.read("list units", func(tx *sql.Tx) error {
		var err error
		out, err = loadUnits(tx, period)
		return err
	})
	return out, err
}

// Members lists a period's council members in the order they were added.
func (s *Store) Members(period int64) ([]index.CouncilMember, error) {
	var out []index.CouncilMember
	err := s.read("list members", func(tx *sql.Tx) error {
		ms, err := loadMembers(tx, period)
		for _, m := range ms {
			out = append(out, m.CouncilMember)
		}
		return err
	})
	return out, err
}

// Assignments lists a period's assignments by member, block and field.
func (s *Store) Assignments(period int64) ([]index.Assignment, error) {
	var out []index.Assignment
	err := s.read("list assignments", func(tx *sql.Tx) error {
		var err error
		out, err = loadAssignments(tx, period)
		return err
	})
	return out, err
}

// loadBlocks returns the blocks and, by framework code, the version they use.
func loadBlocks(q querier, period int64) ([]index.Block, map[string]int, error) {
	rows, err := q.Query(`SELECT code, name, framework_code, framework_version FROM blocks WHERE period_id = ? ORDER BY seq`, period)
	if err != nil {
		return nil, nil, fmt.Errorf("load blocks: %w", err)
	}
	defer rows.Close()
	var out []index.Block
	versions := map[string]int{}
	for rows.Next() {
		var b index.Block
		var v int
		if err := rows.Scan(&b.Code, &b.Name, &b.Framework, &v); err != nil {
			return nil, nil, fmt.Errorf("load blocks: %w", err)
		}
		versions[b.Framework] = v
		out = append(out, b)
	}
	return out, versions, rows.Err()
}

func loadUnits(q querier, period int64) ([]index.Unit, error) {
	rows, err := q.Query(`SELECT code, name, block, active FROM units WHERE period_id = ? ORDER BY seq`, period)
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	defer rows.Close()
	var out []index.Unit
	for rows.Next() {
		var u index.Unit
		if err := rows.Scan(&u.Code, &u.Name, &u.Block, &u.Active); err != nil {
			return nil, fmt.Errorf("load units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func loadMembers(q querier, period int64) ([]*memberCtx, error) {
	rows, err := q.Query(`SELECT id, name, role, organisation, key_fingerprint, public_key FROM members WHERE period_id = ? ORDER BY seq`, period)
	if err != nil {
		return nil, fmt.Errorf("load members: %w", err)
	}
	defer rows.Close()
	var out []*memberCtx
	for rows.Next() {
		m := &memberCtx{}
		var role string
		var fp sql.NullString
		if err := rows.Scan(&m.ID, &m.Name, &role, &m.Organisation, &fp, &m.publicKey); err != nil {
			return nil, fmt.Errorf("load members: %w", err)
		}
		m.Role, m.fingerprint = index.Role(role), fp.String
		out = append(out, m)
	}
	return out, rows.Err()
}

func loadAssignments(q querier, period int64) ([]index.Assignment, error) {
	rows, err := q.Query(`SELECT member, block, field FROM assignments WHERE period_id = ? ORDER BY member, block, field`, period)
	if err != nil {
		return nil, fmt.Errorf("load assignments: %w", err)
	}
	defer rows.Close()
	var out []index.Assignment
	for rows.Next() {
		var a index.Assignment
		if err := rows.Scan(&a.Member, &a.Block, &a.Field); err != nil {
			return nil, fmt.Errorf("load assignments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
