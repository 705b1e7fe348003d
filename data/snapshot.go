package data

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"

	"parindex/index"
)

// interner returns one shared string per distinct code, so that a snapshot
// of 330,000 scores holds each unit and criterion code once.
type interner map[string]string

func (in interner) get(b sql.RawBytes) string {
	if s, ok := in[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// Snapshot loads everything index.Compute needs about a period, as one
// consistent state of the file. Scores and marks of inactive units are left
// out (Compute refuses them); the units themselves are listed with Active
// false.
//
// The score tables are read on two connections at once when the machine has
// more than one CPU: both read transactions must then see the same audit log
// length, which (since every change appends to the audit log) means they see
// the same state; otherwise the load is retried on one connection.
func (s *Store) Snapshot(period int64) (*index.Snapshot, error) {
	parts := [][]snapPart{{snapMeta, snapAppraisals}, {snapSelf, snapSurvey, snapDecisions, snapNA}}
	if runtime.GOMAXPROCS(0) > 1 {
		snap, ok, err := s.snapshotParallel(period, parts)
		if err != nil || ok {
			return snap, err
		}
	}
	snap := &index.Snapshot{}
	err := s.read("load snapshot", func(tx *sql.Tx) error {
		for _, group := range parts {
			for _, part := range group {
				if err := part(tx, period, snap); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return finishSnapshot(snap), nil
}

// snapshotParallel runs each group of parts in its own read transaction;
// ok is false when the transactions saw different states.
func (s *Store) snapshotParallel(period int64, groups [][]snapPart) (*index.Snapshot, bool, error) {
	ctx := context.Background()
	type result struct {
		snap    index.Snapshot
		version int64
		err     error
	}
	res := make([]result, len(groups))
	txs := make([]*sql.Tx, len(groups))
	defer func() {
		for _, tx := range txs {
			if tx != nil {
				tx.Rollback()
			}
		}
	}()
	// Start every transaction and fix its view of the file before any reads.
	for i := range groups {
		tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, false, s.classify("load snapshot", err)
		}
		txs[i] = tx
		if err := tx.QueryRow(`SELECT coalesce(max(id), 0) FROM audit`).Scan(&res[i].version); err != nil {
			return nil, false, s.classify("load snapshot", err)
		}
		if res[i].version != res[0].version {
			return nil, false, nil
		}
	}
	var wg sync.WaitGroup
	for i, group := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, part := range group {
				if err := part(txs[i], period, &res[i].snap); err != nil {
					res[i].err = err
					return
				}
			}
		}()
	}
	wg.Wait()
	snap := &index.Snapshot{}
	for _, r := range res {
		if r.err != nil {
			return nil, false, s.classify("load snapshot", r.err)
		}
		mergeSnapshot(snap, &r.snap)
	}
	return finishSnapshot(snap), true, nil
}

// mergeSnapshot moves the parts src loaded into dst.
func mergeSnapshot(dst, src *index.Snapshot) {
	if src.Frameworks != nil {
		dst.Period, dst.Frameworks, dst.Blocks, dst.Units = src.Period, src.Frameworks, src.Blocks, src.Units
		dst.Members, dst.Assignments = src.Members, src.Assignments
	}
	dst.Self = append(dst.Self, src.Self...)
	dst.Appraisals = append(dst.Appraisals, src.Appraisals...)
	dst.Decisions = append(dst.Decisions, src.Decisions...)
	dst.Survey = append(dst.Survey, src.Survey...)
	dst.NotApplicable = append(dst.NotApplicable, src.NotApplicable...)
}

// finishSnapshot drops the scores and marks of inactive units.
func finishSnapshot(snap *index.Snapshot) *index.Snapshot {
	inactive := map[string]bool{}
	for _, u := range snap.Units {
		if !u.Active {
			inactive[u.Code] = true
		}
	}
	if len(inactive) == 0 {
		return snap
	}
	snap.Self = keep(snap.Self, func(x index.SelfScore) bool { return !inactive[x.Unit] })
	snap.Appraisals = keep(snap.Appraisals, func(x index.AppraisalScore) bool { return !inactive[x.Unit] })
	snap.Decisions = keep(snap.Decisions, func(x index.Decision) bool { return !inactive[x.Unit] })
	snap.Survey = keep(snap.Survey, func(x index.SurveyScore) bool { return !inactive[x.Unit] })
	snap.NotApplicable = keep(snap.NotApplicable, func(x index.NotApplicable) bool { return !inactive[x.Unit] })
	return snap
}

func keep[T any](xs []T, ok func(T) bool) []T {
	out := xs[:0]
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// snapPart loads one part of a snapshot.
type snapPart func(tx *sql.Tx, period int64, snap *index.Snapshot) error

// snapMeta loads the period, its blocks with their frameworks, units,
// members and assignments.
func snapMeta(tx *sql.Tx, period int64, snap *index.Snapshot) error {
	p, err := loadPeriod(tx, period)
	if err != nil {
		return err
	}
	snap.Period = p.Period
	var versions map[string]int
	if snap.Blocks, versions, err = loadBlocks(tx, period); err != nil {
		return err
	}
	snap.Frameworks = map[string]*index.Framework{}
	for code, v := range versions {
		if snap.Frameworks[code], err = loadFramework(tx, code, v); err != nil {
			return err
		}
	}
	if snap.Units, err = loadUnits(tx, period); err != nil {
		return err
	}
	ms, err := loadMembers(tx, period)
	if err != nil {
		return err
	}
	for _, m := range ms {
		snap.Members = append(snap.Members, m.CouncilMember)
	}
	snap.Assignments, err = loadAssignments(tx, period)
	return err
}

// scan runs a query of the period's rows and calls fn after each Scan.
func scan(tx *sql.Tx, what, q string, period int64, dest []any, fn func()) error {
	rows, err := tx.Query(q, period)
	if err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("load %s: %w", what, err)
		}
		fn()
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	return nil
}

// rowCount sizes a slice before loading.
func rowCount(tx *sql.Tx, table string, period int64) int {
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM `+table+` WHERE period_id = ?`, period).Scan(&n); err != nil {
		return 0
	}
	return n
}

func snapSelf(tx *sql.Tx, period int64, snap *index.Snapshot) error {
	in := interner{}
	var unit, crit sql.RawBytes
	var points int64
	var evidence, explanation string
	snap.Self = make([]index.SelfScore, 0, rowCount(tx, "self_scores", period))
	return scan(tx, "self-assessments", `SELECT unit, criterion, points, evidence, explanation FROM self_scores WHERE period_id = ?`,
		period, []any{&unit, &crit, &points, &evidence, &explanation}, func() {
			snap.Self = append(snap.Self, index.SelfScore{Unit: in.get(unit), Criterion: in.get(crit),
				Points: index.Points(points), Evidence: evidence, Explanation: explanation})
		})
}

func snapAppraisals(tx *sql.Tx, period int64, snap *index.Snapshot) error {
	in := interner{}
	var unit, crit, member sql.RawBytes
	var points int64
	var round int
	var reason string
	snap.Appraisals = make([]index.AppraisalScore, 0, rowCount(tx, "appraisals", period))
	return scan(tx, "appraisals", `SELECT unit, criterion, member, round, points, reason FROM appraisals WHERE period_id = ?`,
		period, []any{&unit, &crit, &member, &round, &points, &reason}, func() {
			snap.Appraisals = append(snap.Appraisals, index.AppraisalScore{Member: in.get(member), Unit: in.get(unit),
				Criterion: in.get(crit), Round: round, Points: index.Points(points), Reason: reason})
		})
}

func snapSurvey(tx *sql.Tx, period int64, snap *index.Snapshot) error {
	in := interner{}
	var unit, crit sql.RawBytes
	var points int64
	snap.Survey = make([]index.SurveyScore, 0, rowCount(tx, "survey_scores", period))
	return scan(tx, "survey points", `SELECT unit, criterion, points FROM survey_scores WHERE period_id = ?`,
		period, []any{&unit, &crit, &points}, func() {
			snap.Survey = append(snap.Survey, index.SurveyScore{Unit: in.get(unit), Criterion: in.get(crit), Points: index.Points(points)})
		})
}

func snapDecisions(tx *sql.Tx, period int64, snap *index.Snapshot) error {
	var d index.Decision
	var points int64
	return scan(tx, "decisions", `SELECT unit, criterion, points, reason, votes_for FROM decisions WHERE period_id = ?`,
		period, []any{&d.Unit, &d.Criterion, &points, &d.Reason, &d.VotesFor}, func() {
			d.Points = index.Points(points)
			snap.Decisions = append(snap.Decisions, d)
		})
}

func snapNA(tx *sql.Tx, period int64, snap *index.Snapshot) error {
	var na index.NotApplicable
	return scan(tx, "not-applicable marks", `SELECT unit, criterion, reason FROM not_applicable WHERE period_id = ?`,
		period, []any{&na.Unit, &na.Criterion, &na.Reason}, func() {
			snap.NotApplicable = append(snap.NotApplicable, na)
		})
}
