package data

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"parindex/index"
)

func TestScoreValidation(t *testing.T) {
	f := newFixture(t)
	s, pid := f.s, f.period
	must(t, s.SetSelf(pid, index.SelfScore{Unit: "U1", Criterion: "1.1", Points: 200}))
	must(t, s.SaveUnit(pid, index.Unit{Code: "U4", Name: "Sở cũ", Block: "so", Active: false}))

	app := func(a index.AppraisalScore) func() error {
		return func() error { return s.SetAppraisal(pid, a) }
	}
	tests := []struct {
		name string
		set  func() error
		is   error                // ErrInvalid or ErrNotFound
		kind index.ScoreErrorKind // when an *index.ScoreError is expected
		want string               // part of the message
	}{
		{"appraisal above max", app(index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.1", Round: 1, Points: 225}),
			ErrInvalid, index.ScoreAboveMax, "appraisal (unit U2, criterion 1.1, member m3): criterion 1.1: 2.25 is above the max 2"},
		{"appraisal negative", app(index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.1", Round: 1, Points: -25}),
			ErrInvalid, index.ScoreNegative, "is negative"},
		{"appraisal off step", app(index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.1", Round: 1, Points: 110}),
			ErrInvalid, index.ScoreOffStep, "not a multiple of the step 0.25"},
		{"appraisal of a node", app(index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.2", Round: 1, Points: 100}),
			ErrInvalid, "", "is not a leaf"},
		{"appraisal unknown unit", app(index.AppraisalScore{Member: "m3", Unit: "U9", Criterion: "1.1", Round: 1, Points: 100}),
			ErrNotFound, "", `unit "U9" does not exist`},
		{"appraisal inactive unit", app(index.AppraisalScore{Member: "m3", Unit: "U4", Criterion: "1.1", Round: 1, Points: 100}),
			ErrInvalid, "", "unit U4 is inactive"},
		{"appraisal unknown criterion", app(index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "9.9", Round: 1, Points: 100}),
			ErrNotFound, "", `criterion "9.9" is not in framework fw`},
		{"appraisal unknown member", app(index.AppraisalScore{Member: "m9", Unit: "U2", Criterion: "1.1", Round: 1, Points: 100}),
			ErrNotFound, "", `member "m9" does not exist`},
		{"appraisal round 3", app(index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.1", Round: 3, Points: 100}),
			ErrInvalid, "", "round 3 is not 1 or 2"},
		{"appraisal of a survey leaf", app(index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "2.1", Round: 1, Points: 100}),
			ErrInvalid, "", "is a survey leaf"},
		{"appraisal below self without reason", app(index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 150}),
			ErrInvalid, "", "1.5 is below the unit's self-assessment 2: a reason is required"},
		{"self above max", func() error {
			return s.SetSelf(pid, index.SelfScore{Unit: "U2", Criterion: "1.2.1", Points: 175})
		}, ErrInvalid, index.ScoreAboveMax, "self-assessment (unit U2, criterion 1.2.1)"},
		{"self of a survey leaf", func() error {
			return s.SetSelf(pid, index.SelfScore{Unit: "U2", Criterion: "2.1", Points: 100})
		}, ErrInvalid, "", "is a survey leaf"},
		{"survey on an appraisal leaf", func() error {
			return s.SetSurvey(pid, index.SurveyScore{Unit: "U2", Criterion: "1.1", Points: 100})
		}, ErrInvalid, "", "is an appraisal leaf, not a survey leaf"},
		{"survey above max", func() error {
			return s.SetSurvey(pid, index.SurveyScore{Unit: "U2", Criterion: "2.1", Points: 301})
		}, ErrInvalid, index.ScoreAboveMax, "above the max 3"},
		{"survey unknown unit", func() error {
			return s.SetSurvey(pid, index.SurveyScore{Unit: "X", Criterion: "2.1", Points: 100})
		}, ErrNotFound, "", `unit "X"`},
		{"decision too few votes", func() error {
			return s.SetDecision(pid, index.Decision{Unit: "U2", Criterion: "1.1", Points: 100, Reason: "họp", VotesFor: 2})
		}, ErrInvalid, "", "2 of 5 votes is not more than half"},
		{"decision more votes than members", func() error {
			return s.SetDecision(pid, index.Decision{Unit: "U2", Criterion: "1.1", Points: 100, Reason: "họp", VotesFor: 6})
		}, ErrInvalid, "", "the council has 5 voting members"},
		{"decision without reason", func() error {
			return s.SetDecision(pid, index.Decision{Unit: "U2", Criterion: "1.1", Points: 100, VotesFor: 5})
		}, ErrInvalid, "", "a reason is required"},
		{"decision on a survey leaf", func() error {
			return s.SetDecision(pid, index.Decision{Unit: "U2", Criterion: "2.1", Points: 100, Reason: "r", VotesFor: 5})
		}, ErrInvalid, "", "is a survey leaf"},
		{"decision off step", func() error {
			return s.SetDecision(pid, index.Decision{Unit: "U2", Criterion: "3.1", Points: 10, Reason: "r", VotesFor: 5})
		}, ErrInvalid, index.ScoreOffStep, "decision (unit U2, criterion 3.1)"},
		{"not applicable unknown criterion", func() error {
			return s.SetNotApplicable(pid, index.NotApplicable{Unit: "U2", Criterion: "7"}, true)
		}, ErrNotFound, "", `criterion "7"`},
		{"delete missing appraisal", func() error {
			return s.DeleteAppraisal(pid, "m3", "U2", "1.1", 1, "")
		}, ErrNotFound, "", "appraisal/1/U2/1.1/m3/1 does not exist"},
		{"unit in unknown block", func() error {
			return s.SaveUnit(pid, index.Unit{Code: "U5", Name: "n", Block: "zz", Active: true})
		}, ErrNotFound, "", `block "zz" does not exist`},
		{"member with unknown role", func() error {
			return s.SaveMember(pid, index.CouncilMember{ID: "m7", Name: "n", Role: "boss"})
		}, ErrInvalid, "", `role "boss"`},
		{"block with unknown framework", func() error {
			return s.SaveBlock(pid, index.Block{Code: "b", Name: "n", Framework: "nope"})
		}, ErrNotFound, "", `framework "nope" does not exist`},
		{"assignment to a non-field", func() error {
			return s.SetAssignments(pid, "m4", []index.Assignment{{Block: "so", Field: "1.1"}})
		}, ErrNotFound, "", `"1.1" is not a field`},
		{"unknown period", func() error {
			return s.SetSurvey(99, index.SurveyScore{Unit: "U2", Criterion: "2.1", Points: 100})
		}, ErrNotFound, "", "period 99 not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := auditCount(t, s)
			err := tt.set()
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			var se *index.ScoreError
			if got := errors.As(err, &se); got != (tt.kind != "") || (got && se.Kind != tt.kind) {
				t.Errorf("errors.As ScoreError = %v (%+v), want kind %q", got, se, tt.kind)
			}
			if got := auditCount(t, s); got != n {
				t.Errorf("a refused change wrote %d audit entries", got-n)
			}
		})
	}
	verifyOK(t, s)
}

func TestScoreAudit(t *testing.T) {
	f := newFixture(t)
	s, pid := f.s, f.period
	type step struct {
		do       func() error
		action   string // of the last audit entry; "" when nothing is written
		entity   string
		old, new string
		reason   string
	}
	steps := []step{
		{func() error {
			return s.SetSelf(pid, index.SelfScore{Unit: "U1", Criterion: "1.1", Points: 200, Evidence: "QĐ 12"})
		},
			"self.insert", "self/1/U1/1.1", "", `{"points":2.00,"evidence":"QĐ 12","explanation":""}`, ""},
		{func() error {
			return s.SetAppraisal(pid, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 175, Reason: "Thiếu báo cáo quý"})
		}, "appraisal.insert", "appraisal/1/U1/1.1/m3/1", "", `{"points":1.75,"reason":"Thiếu báo cáo quý"}`, "Thiếu báo cáo quý"},
		{func() error {
			return s.SetAppraisal(pid, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200})
		}, "appraisal.update", "appraisal/1/U1/1.1/m3/1", `{"points":1.75,"reason":"Thiếu báo cáo quý"}`, `{"points":2.00,"reason":""}`, ""},
		{func() error { // the same value again writes nothing
			return s.SetAppraisal(pid, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200})
		}, "", "", "", "", ""},
		{func() error {
			return s.SetDecision(pid, index.Decision{Unit: "U1", Criterion: "3.2", Points: 50, Reason: "Biên bản số 3", VotesFor: 3})
		}, "decision.insert", "decision/1/U1/3.2", "", `{"points":0.50,"reason":"Biên bản số 3","votes_for":3}`, "Biên bản số 3"},
		{func() error { return s.SetSurvey(pid, index.SurveyScore{Unit: "U1", Criterion: "2.1", Points: 287}) },
			"survey.insert", "survey/1/U1/2.1", "", `{"points":2.87}`, ""},
		{func() error {
			return s.SetNotApplicable(pid, index.NotApplicable{Unit: "U2", Criterion: "1.2", Reason: "Không có văn bản"}, true)
		}, "na.insert", "na/1/U2/1.2", "", `{"reason":"Không có văn bản"}`, "Không có văn bản"},
		{func() error { return s.SetNotApplicable(pid, index.NotApplicable{Unit: "U2", Criterion: "1.2"}, false) },
			"na.delete", "na/1/U2/1.2", `{"reason":"Không có văn bản"}`, "", ""},
		{func() error { return s.DeleteAppraisal(pid, "m3", "U1", "1.1", 1, "Nhập nhầm") },
			"appraisal.delete", "appraisal/1/U1/1.1/m3/1", `{"points":2.00,"reason":""}`, "", "Nhập nhầm"},
		{func() error { return s.SetUnitActive(pid, "U3", false, "Sáp nhập") },
			"unit.deactivate", "unit/1/U3", `{"name":"Sở Tư pháp","block":"so","active":true}`, `{"name":"Sở Tư pháp","block":"so","active":false}`, "Sáp nhập"},
		{func() error { return s.SetMemberKey(pid, "m1", "SHA256:ab", []byte{1, 2, 3}) },
			"member.key", "member/1/m1", `{"name":"Chủ tịch","role":"chair","organisation":"","key_fingerprint":"","public_key":null}`,
			`{"name":"Chủ tịch","role":"chair","organisation":"","key_fingerprint":"SHA256:ab","public_key":"AQID"}`, ""},
	}
	for i, st := range steps {
		before := auditCount(t, s)
		must(t, st.do())
		after := auditCount(t, s)
		if st.action == "" {
			if after != before {
				t.Errorf("step %d: wrote %d audit entries, want none", i, after-before)
			}
			continue
		}
		if after != before+1 {
			t.Errorf("step %d: wrote %d audit entries, want 1", i, after-before)
		}
		es, err := s.AuditEntries(AuditFilter{Limit: 1})
		must(t, err)
		e := es[0]
		if e.Action != st.action || e.Entity != st.entity || e.Old != st.old || e.New != st.new || e.Reason != st.reason {
			t.Errorf("step %d: entry\n %s %s old=%s new=%s reason=%q\nwant\n %s %s old=%s new=%s reason=%q",
				i, e.Action, e.Entity, e.Old, e.New, e.Reason, st.action, st.entity, st.old, st.new, st.reason)
		}
		if e.Actor != "thư ký" || !e.At.Equal(testNow) || len(e.Hash) != 64 {
			t.Errorf("step %d: actor %q at %v hash %q", i, e.Actor, e.At, e.Hash)
		}
	}
	var at string
	must(t, s.db.QueryRow(`SELECT at FROM audit_tx ORDER BY id DESC LIMIT 1`).Scan(&at))
	if at != "2025-02-05T09:30:00+07:00" {
		t.Errorf("audit time %q, want RFC 3339 with the offset", at)
	}
	fp, pub, err := s.MemberKey(pid, "m1")
	must(t, err)
	if fp != "SHA256:ab" || len(pub) != 3 {
		t.Errorf("member key %q %v", fp, pub)
	}

	// Filters.
	es, err := s.AuditEntries(AuditFilter{Text: "Nhập nhầm"})
	must(t, err)
	if len(es) != 1 || es[0].Action != "appraisal.delete" {
		t.Errorf("text filter: %+v", es)
	}
	es, err = s.AuditEntries(AuditFilter{EntityPrefix: "appraisal/1/U1/"})
	must(t, err)
	if len(es) != 3 {
		t.Errorf("entity prefix: %d entries, want 3", len(es))
	}
	es, err = s.AuditEntries(AuditFilter{Actor: "thư ký", Limit: 2})
	must(t, err)
	if len(es) != 2 || es[0].ID <= es[1].ID {
		t.Errorf("actor filter, limit 2: %+v", es)
	}
	older, err := s.AuditEntries(AuditFilter{BeforeID: es[1].ID, Limit: 1})
	must(t, err)
	if len(older) != 1 || older[0].ID != es[1].ID-1 {
		t.Errorf("paging: %+v", older)
	}
	if es, _ := s.AuditEntries(AuditFilter{Actor: "someone else"}); len(es) != 0 {
		t.Errorf("unknown actor matched %d entries", len(es))
	}
	verifyOK(t, s)
}

func TestNFC(t *testing.T) {
	nfd := func(s string) string { return norm.NFD.String(s) }
	s := openTest(t)
	fw := smallFramework()
	fw.Name = nfd("Bộ chỉ số Sở, ngành")
	fw.Fields[0].Title = nfd("Công tác chỉ đạo, điều hành CCHC")
	must(t, s.SaveFramework(fw))
	pid, err := s.CreatePeriod(index.Period{Year: 2024, Round: index.FullYear, Name: nfd("Năm 2024")})
	must(t, err)
	unitCode := nfd("Sở-TƯ") // a code with letters that decompose
	_, err = s.Apply(pid, &Batch{
		Blocks:  []index.Block{{Code: "so", Name: nfd("Sở, cơ quan tương đương sở"), Framework: "fw"}},
		Units:   []index.Unit{{Code: unitCode, Name: nfd("Sở Tài nguyên và Môi trường"), Block: "so", Active: true}},
		Members: []index.CouncilMember{{ID: "m1", Name: nfd("Nguyễn Thị Hằng"), Role: index.Chair, Organisation: nfd("Sở Nội vụ")}},
		Self:    []index.SelfScore{{Unit: unitCode, Criterion: "1.1", Points: 200, Evidence: nfd("Quyết định số 12"), Explanation: nfd("Đã ban hành")}},
	})
	must(t, err)
	must(t, s.SetAppraisal(pid, index.AppraisalScore{Member: "m1", Unit: unitCode, Criterion: "1.1", Round: 1, Points: 100, Reason: nfd("Thiếu tài liệu kiểm chứng")}))
	must(t, s.SetPeriodSettings(pid, map[string]string{"issuer": nfd("ỦY BAN NHÂN DÂN")}))

	// Every text column of every table is NFC.
	db := rawDB(t, s.Path())
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	must(t, err)
	var tables []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	texts := 0
	for _, tb := range tables {
		rows, err := db.Query(`SELECT * FROM ` + tb)
		must(t, err)
		cols, _ := rows.Columns()
		for rows.Next() {
			v := make([]any, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			must(t, rows.Scan(p...))
			for i, x := range v {
				if str, ok := x.(string); ok {
					texts++
					if !norm.NFC.IsNormalString(str) {
						t.Errorf("%s.%s is not NFC: %q", tb, cols[i], str)
					}
				}
			}
		}
		rows.Close()
	}
	if texts < 20 {
		t.Errorf("only %d text values checked", texts)
	}
	us, err := s.Units(pid)
	must(t, err)
	if us[0].Code != norm.NFC.String(unitCode) || us[0].Name != "Sở Tài nguyên và Môi trường" {
		t.Errorf("unit read back: %+v", us[0])
	}
	// An NFD code finds the NFC row.
	must(t, s.DeleteAppraisal(pid, "m1", unitCode, "1.1", 1, nfd("Nhập lại")))
	f, err := s.Framework("fw")
	must(t, err)
	if f.Fields[0].Title != "Công tác chỉ đạo, điều hành CCHC" {
		t.Errorf("framework title %q", f.Fields[0].Title)
	}
	es, err := s.AuditEntries(AuditFilter{Text: nfd("Nhập lại")})
	must(t, err)
	if len(es) != 1 {
		t.Errorf("NFD search text found %d entries", len(es))
	}
	verifyOK(t, s)
}

func TestSnapshot(t *testing.T) {
	f := newFixture(t)
	s, pid := f.s, f.period
	_, err := s.Apply(pid, &Batch{
		Self: []index.SelfScore{{Unit: "U1", Criterion: "1.1", Points: 200}},
		Appraisals: []index.AppraisalScore{
			{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 150, Reason: "thiếu"},
			{Member: "m3", Unit: "U1", Criterion: "1.2.1", Round: 1, Points: 150},
			{Member: "m3", Unit: "U1", Criterion: "1.2.2", Round: 1, Points: 100},
			{Member: "m3", Unit: "U1", Criterion: "1.2.2", Round: 2, Points: 150},
			{Member: "m3", Unit: "U1", Criterion: "3.1", Round: 1, Points: 200},
			{Member: "m3", Unit: "U2", Criterion: "1.1", Round: 1, Points: 200},
			{Member: "m3", Unit: "U3", Criterion: "1.1", Round: 1, Points: 200},
		},
		Decisions:     []index.Decision{{Unit: "U1", Criterion: "1.1", Points: 175, Reason: "Hội đồng biểu quyết", VotesFor: 4}},
		Survey:        []index.SurveyScore{{Unit: "U1", Criterion: "2.1", Points: 263}, {Unit: "U2", Criterion: "2.1", Points: 300}},
		NotApplicable: []index.NotApplicable{{Unit: "U2", Criterion: "1.2", Reason: "không có"}},
	})
	must(t, err)
	must(t, s.SetUnitActive(pid, "U3", false, "giải thể"))
	snap, err := s.Snapshot(pid)
	must(t, err)
	if len(snap.Units) != 3 || len(snap.Members) != 6 || len(snap.Blocks) != 1 || len(snap.Assignments) != 1 ||
		len(snap.Self) != 1 || len(snap.Appraisals) != 6 || len(snap.Decisions) != 1 || len(snap.Survey) != 2 ||
		len(snap.NotApplicable) != 1 || snap.Frameworks["fw"] == nil {
		t.Fatalf("snapshot sizes: %+v", snap)
	}
	res, err := index.Compute(snap)
	must(t, err)
	u1 := res.Unit("U1")
	// 1.75 (decision) + 1.5 + 1.5 (round 2) = 4.75 appraisal, 2.63 survey, bonus 2 capped at 1.
	if u1 == nil || u1.Appraisal != 475 || u1.Survey != 263 || u1.Bonus != 100 || u1.Total != 838 || u1.Index != 10475 {
		t.Errorf("U1: %+v", u1)
	}
	u2 := res.Unit("U2")
	// 1.2 is not applicable: max 2 + 3 = 5, total 2 + 3 = 5.
	if u2 == nil || u2.Max != 500 || u2.Total != 500 || u2.Index != 10000 {
		t.Errorf("U2: %+v", u2)
	}
	if res.Unit("U3") != nil {
		t.Errorf("inactive unit computed")
	}
}

// TestSnapshotSequential checks that the one-connection load (one CPU, or
// a write between the parallel transactions' starts) gives the same snapshot.
func TestSnapshotSequential(t *testing.T) {
	s := openTest(t)
	must(t, s.SaveFramework(nationalFramework()))
	pid, err := s.CreatePeriod(index.Period{Year: 2024, Round: index.FullYear})
	must(t, err)
	_, err = s.Apply(pid, nationalBatch(6))
	must(t, err)
	must(t, s.SetUnitActive(pid, "U0002", false, "sáp nhập"))
	must(t, s.SetDecision(pid, index.Decision{Unit: "U0001", Criterion: "1.1", Points: 50, Reason: "biểu quyết", VotesFor: 10}))
	must(t, s.SetNotApplicable(pid, index.NotApplicable{Unit: "U0001", Criterion: "2"}, true))
	par, err := s.Snapshot(pid)
	must(t, err)
	prev := runtime.GOMAXPROCS(1)
	seq, err := s.Snapshot(pid)
	runtime.GOMAXPROCS(prev)
	must(t, err)
	if !reflect.DeepEqual(par, seq) {
		t.Errorf("parallel and sequential snapshots differ")
	}
	if len(par.Units) != 6 || len(par.Appraisals) != 500 || len(par.Decisions) != 1 || len(par.NotApplicable) != 1 {
		t.Errorf("snapshot: %d units %d appraisals %d decisions %d na", len(par.Units), len(par.Appraisals), len(par.Decisions), len(par.NotApplicable))
	}
	if _, err := s.Snapshot(99); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown period: %v", err)
	}
}
