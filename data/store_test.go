package data

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parindex/index"
)

func TestOpenMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.parindex")
	s, err := Open(path)
	must(t, err)
	db := rawDB(t, path)
	if n := count(t, db, `SELECT count(*) FROM schema_migrations`); n != SchemaVersion() || n < 1 {
		t.Fatalf("schema_migrations has %d rows, want %d", n, SchemaVersion())
	}
	var mode string
	must(t, s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	var fk, sync int
	must(t, s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk))
	must(t, s.db.QueryRow(`PRAGMA synchronous`).Scan(&sync))
	if mode != "wal" || fk != 1 || sync != 1 {
		t.Errorf("journal_mode %q foreign_keys %d synchronous %d, want wal 1 1 (NORMAL)", mode, fk, sync)
	}
	must(t, s.Close())
	before := dump(t, db)

	// Re-opening applies nothing.
	s2, err := Open(path)
	must(t, err)
	must(t, s2.Close())
	if after := dump(t, db); after != before {
		t.Errorf("re-open changed the file:\n%s\n---\n%s", before, after)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.parindex")
	s, err := Open(path)
	must(t, err)
	must(t, s.Close())
	db := rawDB(t, path)
	future := SchemaVersion() + 5
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future.sql', 'x')`, future); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("open newer file: %v, want ErrNewerSchema", err)
	}
	want := fmt.Sprintf("was written by a newer parindex (schema %d, this program knows %d): update parindex", future, SchemaVersion())
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
		t.Errorf("message %q lacks %q or the path", err, want)
	}
}

func TestOpenNotDatabase(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		setup func(path string)
		want  string
	}{
		{"text file", func(p string) {
			must(t, os.WriteFile(p, []byte("Họ và tên,Điểm\nA,1\n"), 0o644))
		}, "not a council file (not a SQLite database)"},
		{"short file", func(p string) {
			must(t, os.WriteFile(p, []byte("SQL"), 0o644))
		}, "not a council file (not a SQLite database)"},
		{"folder", func(p string) {
			must(t, os.Mkdir(p, 0o755))
		}, "is a folder"},
		{"other sqlite database", func(p string) {
			db, err := sql.Open("sqlite", p)
			must(t, err)
			_, err = db.Exec(`CREATE TABLE contacts (name TEXT)`)
			must(t, err)
			db.Close()
		}, "not a council file (it has no schema_migrations table)"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.Repeat("x", i+1)+".parindex")
			tt.setup(path)
			_, err := Open(path)
			if !errors.Is(err, ErrNotDatabase) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("open: %v, want ErrNotDatabase saying %q", err, tt.want)
			}
		})
	}
	// An empty file becomes a new council file.
	path := filepath.Join(dir, "empty.parindex")
	must(t, os.WriteFile(path, nil, 0o644))
	s, err := Open(path)
	must(t, err)
	must(t, s.Close())
}

func TestFrameworks(t *testing.T) {
	s := openTest(t)
	must(t, s.SaveFramework(smallFramework()))
	n := auditCount(t, s)
	must(t, s.SaveFramework(smallFramework())) // same content: no-op
	if got := auditCount(t, s); got != n {
		t.Errorf("saving the same framework again wrote %d audit entries", got-n)
	}

	changed := smallFramework()
	changed.Name = "Tên khác"
	err := s.SaveFramework(changed)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "save the change as version 2") {
		t.Errorf("different content under the same version: %v", err)
	}
	changed.Version = 2
	must(t, s.SaveFramework(changed))

	bad := smallFramework()
	bad.Code = "bad"
	bad.Fields[0].Children[0].Max = 300 // children no longer sum to the field
	err = s.SaveFramework(bad)
	var verr *index.ValidationError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &verr) {
		t.Errorf("invalid framework: %v, want ErrInvalid wrapping *index.ValidationError", err)
	}

	f, err := s.Framework("fw")
	must(t, err)
	if f.Version != 2 || f.Name != "Tên khác" || len(f.Leaves()) != 6 || f.Find("1.2.1") == nil {
		t.Errorf("latest framework: version %d name %q leaves %d", f.Version, f.Name, len(f.Leaves()))
	}
	f1, err := s.FrameworkVersion("fw", 1)
	must(t, err)
	if f1.Name != "Bộ chỉ số thử" || f1.Step != 25 {
		t.Errorf("version 1: %q step %s", f1.Name, f1.Step)
	}
	if _, err := s.Framework("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown framework: %v", err)
	}
	list, err := s.Frameworks()
	must(t, err)
	if len(list) != 2 || list[0].Version != 1 || list[1].Version != 2 || list[0].Leaves != 6 || list[0].Total != 800 || !list[0].Sample {
		t.Errorf("frameworks: %+v", list)
	}
	verifyOK(t, s)
}

func TestPeriods(t *testing.T) {
	s := openTest(t)
	id1, err := s.CreatePeriod(index.Period{Year: 2024, Round: index.FullYear})
	must(t, err)
	id2, err := s.CreatePeriod(index.Period{Year: 2025, Round: index.MidYear, Name: "6 tháng đầu năm 2025", Rule: index.RuleMedian, Threshold: 3000})
	must(t, err)
	id3, err := s.CreatePeriod(index.Period{Year: 2024, Round: index.MidYear})
	must(t, err)

	bad := []index.Period{
		{Year: 2024, Round: index.FullYear},            // exists
		{Year: 24, Round: index.FullYear},              // not a year
		{Year: 2026, Round: "quarterly"},               // round
		{Year: 2026, Round: index.FullYear, Rule: "x"}, // rule
		{Year: 2026, Round: index.FullYear, Threshold: 10001},
	}
	for _, p := range bad {
		if _, err := s.CreatePeriod(p); !errors.Is(err, ErrInvalid) {
			t.Errorf("create %+v: %v, want ErrInvalid", p, err)
		}
	}

	ps, err := s.Periods()
	must(t, err)
	if len(ps) != 3 || ps[0].ID != id3 || ps[1].ID != id1 || ps[2].ID != id2 {
		t.Fatalf("periods out of order: %+v", ps)
	}
	if ps[1].Name != "2024 full-year" || ps[1].Rule != index.RuleAssigned || ps[1].Threshold != index.DefaultThreshold {
		t.Errorf("defaults: %+v", ps[1])
	}
	latest, err := s.LatestPeriod()
	must(t, err)
	if latest.ID != id2 || latest.Rule != index.RuleMedian || latest.Threshold != 3000 {
		t.Errorf("latest: %+v", latest)
	}

	name, rule, thr := "Năm 2024 (sửa)", index.RuleMean, index.Percent(2000)
	must(t, s.UpdatePeriod(id1, PeriodUpdate{Name: &name, Rule: &rule, Threshold: &thr}))
	p, err := s.Period(id1)
	must(t, err)
	if p.Name != name || p.Rule != rule || p.Threshold != thr {
		t.Errorf("updated: %+v", p)
	}
	badRule := index.Rule("vote")
	if err := s.UpdatePeriod(id1, PeriodUpdate{Rule: &badRule}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad rule: %v", err)
	}
	if _, err := s.Period(99); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown period: %v", err)
	}

	must(t, s.SetPeriodSettings(id1, map[string]string{"issuer": "HỘI ĐỒNG THẨM ĐỊNH", "number": "12/BC-HĐTĐ", "place": "Hà Nội"}))
	must(t, s.SetPeriodSettings(id1, map[string]string{"place": "", "number": "13/BC-HĐTĐ"}))
	set, err := s.PeriodSettings(id1)
	must(t, err)
	if len(set) != 2 || set["number"] != "13/BC-HĐTĐ" || set["issuer"] != "HỘI ĐỒNG THẨM ĐỊNH" {
		t.Errorf("settings: %v", set)
	}
	verifyOK(t, s)
}

func TestFinalize(t *testing.T) {
	f := newFixture(t)
	s, pid := f.s, f.period
	must(t, s.SetAppraisal(pid, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}))
	if err := s.Finalize(pid, "sha256:abc", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("finalize without reason: %v", err)
	}
	head, err := s.AuditHead()
	must(t, err)
	must(t, s.Finalize(pid, "sha256:abc", "Biên bản họp hội đồng ngày 05/02/2025"))
	fin, err := s.Finalization(pid)
	must(t, err)
	if !fin.Finalized || fin.AuditHead != head || fin.ResultsDigest != "sha256:abc" || !fin.At.Equal(testNow) {
		t.Errorf("finalization: %+v (head before %s)", fin, head)
	}

	name := "x"
	changes := map[string]func() error{
		"appraisal": func() error {
			return s.SetAppraisal(pid, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 100, Reason: "r"})
		},
		"self":   func() error { return s.SetSelf(pid, index.SelfScore{Unit: "U1", Criterion: "1.1", Points: 100}) },
		"survey": func() error { return s.SetSurvey(pid, index.SurveyScore{Unit: "U1", Criterion: "2.1", Points: 100}) },
		"decision": func() error {
			return s.SetDecision(pid, index.Decision{Unit: "U1", Criterion: "1.1", Points: 100, Reason: "r", VotesFor: 5})
		},
		"na":       func() error { return s.SetNotApplicable(pid, index.NotApplicable{Unit: "U1", Criterion: "1.2"}, true) },
		"delete":   func() error { return s.DeleteAppraisal(pid, "m3", "U1", "1.1", 1, "r") },
		"unit":     func() error { return s.SaveUnit(pid, index.Unit{Code: "U9", Name: "n", Block: "so", Active: true}) },
		"inactive": func() error { return s.SetUnitActive(pid, "U1", false, "r") },
		"member":   func() error { return s.SaveMember(pid, index.CouncilMember{ID: "m9", Name: "n"}) },
		"block":    func() error { return s.SaveBlock(pid, index.Block{Code: "b2", Name: "n", Framework: "fw"}) },
		"assign":   func() error { return s.SetAssignments(pid, "m4", nil) },
		"settings": func() error { return s.SetPeriodSettings(pid, map[string]string{"a": "b"}) },
		"update":   func() error { return s.UpdatePeriod(pid, PeriodUpdate{Name: &name}) },
		"apply":    func() error { _, err := s.Apply(pid, &Batch{}); return err },
		"finalize": func() error { return s.Finalize(pid, "d", "again") },
		"key":      func() error { return s.SetMemberKey(pid, "m1", "fp", []byte{1}) },
	}
	for name, change := range changes {
		if err := change(); !errors.Is(err, ErrFinalized) {
			t.Errorf("%s on a finalised period: %v, want ErrFinalized", name, err)
		}
	}
	if err := s.Reopen(pid, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("reopen without reason: %v", err)
	}
	must(t, s.Reopen(pid, "Sửa điểm theo kết luận thanh tra"))
	must(t, changes["appraisal"]())
	es, err := s.AuditEntries(AuditFilter{EntityPrefix: "period/"})
	must(t, err)
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, " ") != "period.reopen period.finalize period.insert" ||
		es[0].Reason != "Sửa điểm theo kết luận thanh tra" || !strings.Contains(es[1].New, `"finalized":true`) {
		t.Errorf("period audit entries: %v %+v", actions, es)
	}
	verifyOK(t, s)
}
