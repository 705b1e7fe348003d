package data

import (
	"errors"
	"strings"
	"testing"

	"parindex/index"
)

// goodBatch is a valid batch for the fixture's period.
func goodBatch() *Batch {
	return &Batch{
		Units:   []index.Unit{{Code: "U4", Name: "Sở Xây dựng", Block: "so", Active: true}},
		Members: []index.CouncilMember{{ID: "m6", Name: "Thành viên 6", Role: index.Member}},
		Self: []index.SelfScore{
			{Unit: "U1", Criterion: "1.1", Points: 200},
			{Unit: "U4", Criterion: "1.1", Points: 200},
		},
		Appraisals: []index.AppraisalScore{
			{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200},
			{Member: "m3", Unit: "U1", Criterion: "1.2.1", Round: 1, Points: 125},
			{Member: "m6", Unit: "U4", Criterion: "1.1", Round: 1, Points: 150, Reason: "thiếu"},
		},
		Decisions:     []index.Decision{{Unit: "U2", Criterion: "1.1", Points: 200, Reason: "biểu quyết", VotesFor: 4}},
		Survey:        []index.SurveyScore{{Unit: "U1", Criterion: "2.1", Points: 250}, {Unit: "U4", Criterion: "2.1", Points: 299}},
		NotApplicable: []index.NotApplicable{{Unit: "U3", Criterion: "1.2"}},
		Assignments:   []index.Assignment{{Member: "m6", Block: "so", Field: "2"}},
	}
}

func TestApplyRefusesWholeBatch(t *testing.T) {
	tests := []struct {
		name   string
		spoil  func(b *Batch)
		item   string // the ItemError message starts with this
		reason string
		more   int // further problems that follow from the first
	}{
		{"score above max", func(b *Batch) { b.Appraisals[1].Points = 175 },
			"appraisals[1] (unit U1, criterion 1.2.1, member m3)", "above the max 1.5", 0},
		{"survey off the leaf", func(b *Batch) { b.Survey[1].Criterion = "1.1" },
			"survey[1] (unit U4, criterion 1.1)", "not a survey leaf", 0},
		{"unknown member", func(b *Batch) { b.Appraisals[2].Member = "m7" },
			"appraisals[2] (unit U4, criterion 1.1, member m7)", `member "m7" does not exist`, 0},
		{"unit of a unit added in the batch, below self", func(b *Batch) { b.Appraisals[2].Reason = "" },
			"appraisals[2]", "below the unit's self-assessment", 0},
		{"duplicate item", func(b *Batch) { b.Self = append(b.Self, b.Self[0]) },
			"self[2] (unit U1, criterion 1.1)", "the batch holds this item twice (first as self[0])", 0},
		{"decision votes", func(b *Batch) { b.Decisions[0].VotesFor = 1 },
			"decisions[0]", "not more than half", 0},
		{"na on unknown criterion", func(b *Batch) { b.NotApplicable[0].Criterion = "4" },
			"not_applicable[0] (unit U3, criterion 4)", "not in framework", 0},
		{"unit without name", func(b *Batch) { b.Units[0].Name = " " },
			"units[0] (unit U4)", "code and name are required", 3}, // U4's scores fail too
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			db := rawDB(t, f.s.Path())
			before := dump(t, db)
			b := goodBatch()
			tt.spoil(b)
			_, err := f.s.Apply(f.period, b)
			var be *BatchError
			var ie *ItemError
			if !errors.As(err, &be) || !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
				t.Fatalf("apply: %v, want a *BatchError with an *ItemError", err)
			}
			if !strings.HasPrefix(ie.Error(), tt.item) || !strings.Contains(ie.Error(), tt.reason) {
				t.Errorf("item error %q, want %q ... %q", ie, tt.item, tt.reason)
			}
			if be.Count != 1+tt.more {
				t.Errorf("%d problems, want %d: %v", be.Count, 1+tt.more, be)
			}
			if after := dump(t, db); after != before {
				t.Errorf("a refused batch changed the file")
			}
			// The good batch applies.
			if _, err := f.s.Apply(f.period, goodBatch()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestApplyReportsEveryProblem(t *testing.T) {
	f := newFixture(t)
	b := goodBatch()
	b.Self[0].Points = 999
	b.Survey[0].Points = -1
	b.Appraisals[0].Round = 0
	_, err := f.s.Apply(f.period, b)
	var be *BatchError
	if !errors.As(err, &be) || be.Count != 3 || len(be.Items) != 3 {
		t.Fatalf("apply: %v", err)
	}
	if !strings.Contains(err.Error(), "(and 2 more problems)") {
		t.Errorf("message %q", err)
	}
	var se *index.ScoreError
	if !errors.As(err, &se) || se.Code != "1.1" {
		t.Errorf("ScoreError not reachable: %v", se)
	}
}

func TestApplyTwice(t *testing.T) {
	f := newFixture(t)
	b := goodBatch()
	rep, err := f.s.Apply(f.period, b)
	must(t, err)
	n := b.Len()
	if rep.Added != n || rep.Changed != 0 || rep.Unchanged != 0 {
		t.Errorf("first apply: %+v, want %d added", rep, n)
	}
	entries := auditCount(t, f.s)
	es, err := f.s.AuditEntries(AuditFilter{Limit: n + 1})
	must(t, err)
	for _, e := range es[:n] {
		if e.Tx != es[0].Tx {
			t.Errorf("entries of one Apply in transactions %d and %d", es[0].Tx, e.Tx)
		}
	}
	if es[n].Tx == es[0].Tx {
		t.Errorf("the fixture's entries share the Apply's transaction")
	}
	db := rawDB(t, f.s.Path())
	before := dump(t, db)
	rep, err = f.s.Apply(f.period, b)
	must(t, err)
	if rep.Added != 0 || rep.Changed != 0 || rep.Unchanged != n {
		t.Errorf("second apply: %+v, want %d unchanged", rep, n)
	}
	if got := auditCount(t, f.s); got != entries {
		t.Errorf("second apply wrote %d audit entries", got-entries)
	}
	if after := dump(t, db); after != before {
		t.Errorf("second apply changed the file")
	}
	b.Appraisals[0].Points = 175
	b.Appraisals[0].Reason = "Thiếu kế hoạch"
	rep, err = f.s.Apply(f.period, b)
	must(t, err)
	if rep.Added != 0 || rep.Changed != 1 || rep.Unchanged != n-1 {
		t.Errorf("third apply: %+v, want 1 changed", rep)
	}
	verifyOK(t, f.s)
}

// TestApplyBulkPath runs a batch large enough to read existing rows in bulk
// and checks it behaves like the per-item path.
func TestApplyBulkPath(t *testing.T) {
	s := openTest(t)
	must(t, s.SaveFramework(nationalFramework()))
	pid, err := s.CreatePeriod(index.Period{Year: 2024, Round: index.FullYear})
	must(t, err)
	b := nationalBatch(12) // 1,200 appraisals: above bulkThreshold
	rep, err := s.Apply(pid, b)
	must(t, err)
	if rep.Added != b.Len() {
		t.Errorf("added %d of %d", rep.Added, b.Len())
	}
	b.Appraisals[5].Points = 0
	b.Appraisals[5].Reason = "Không thực hiện"
	b.Self[7].Points = 0 // appraisals of 7 are now above self: fine
	rep, err = s.Apply(pid, b)
	must(t, err)
	if rep.Added != 0 || rep.Changed != 2 || rep.Unchanged != b.Len()-2 {
		t.Errorf("re-apply: %+v", rep)
	}
	b.Appraisals[9].Reason = ""
	b.Appraisals[9].Points = 0
	if _, err := s.Apply(pid, b); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "appraisals[9]") {
		t.Errorf("bulk below-self check: %v", err)
	}
	snap, err := s.Snapshot(pid)
	must(t, err)
	if len(snap.Appraisals) != 1200 || len(snap.Self) != 1200 || len(snap.Survey) != 360 {
		t.Errorf("snapshot: %d appraisals %d self %d survey", len(snap.Appraisals), len(snap.Self), len(snap.Survey))
	}
	if _, err := index.Compute(snap); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s)
}

func TestBlockAndUnitChanges(t *testing.T) {
	f := newFixture(t)
	s, pid := f.s, f.period
	fw2 := smallFramework()
	fw2.Code = "fw2"
	must(t, s.SaveFramework(fw2))
	must(t, s.SaveBlock(pid, index.Block{Code: "xa", Name: "Xã, phường", Framework: "fw2"}))
	// A unit without scores may move to a block with another framework.
	must(t, s.SaveUnit(pid, index.Unit{Code: "U3", Name: "Sở Tư pháp", Block: "xa", Active: true}))
	must(t, s.SetSelf(pid, index.SelfScore{Unit: "U1", Criterion: "1.1", Points: 100}))
	err := s.SaveUnit(pid, index.Unit{Code: "U1", Name: "Sở Tài chính", Block: "xa", Active: true})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "the unit has scores") {
		t.Errorf("moving a scored unit: %v", err)
	}
	err = s.SaveBlock(pid, index.Block{Code: "so", Name: "Sở", Framework: "fw2"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "already have scores") {
		t.Errorf("changing a scored block's framework: %v", err)
	}
	must(t, s.SaveBlock(pid, index.Block{Code: "so", Name: "Sở, ban, ngành", Framework: "fw"}))

	// A new framework version does not change the period's blocks.
	fw1b := smallFramework()
	fw1b.Version = 2
	fw1b.Name = "v2"
	must(t, s.SaveFramework(fw1b))
	must(t, s.SaveBlock(pid, index.Block{Code: "tw", Name: "Trung ương", Framework: "fw"}))
	snap, err := s.Snapshot(pid)
	must(t, err)
	if snap.Frameworks["fw"].Version != 1 || len(snap.Blocks) != 3 || snap.Blocks[0].Name != "Sở, ban, ngành" {
		t.Errorf("snapshot frameworks %v blocks %+v", snap.Frameworks["fw"].Version, snap.Blocks)
	}

	must(t, s.SetAssignments(pid, "m4", []index.Assignment{{Block: "so", Field: "2"}, {Block: "xa", Field: "1"}}))
	must(t, s.SetAssignments(pid, "m4", []index.Assignment{{Member: "m4", Block: "xa", Field: "1"}}))
	as, err := s.Assignments(pid)
	must(t, err)
	if len(as) != 2 || as[0] != (index.Assignment{Member: "m3", Block: "so", Field: "1"}) || as[1] != (index.Assignment{Member: "m4", Block: "xa", Field: "1"}) {
		t.Errorf("assignments: %+v", as)
	}
	ms, err := s.Members(pid)
	must(t, err)
	if len(ms) != 6 || ms[0].ID != "m1" || ms[5].Role != index.Secretary {
		t.Errorf("members: %+v", ms)
	}
	verifyOK(t, s)
}
