package data

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"parindex/index"
)

// testNow is the fixed clock of the tests: Hanoi time.
var testNow = time.Date(2025, 2, 5, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// smallFramework is a framework with every kind of leaf:
//
//	1     appraisal field, 5 points
//	1.1   leaf, max 2
//	1.2   node, max 3
//	1.2.1 leaf, max 1.5
//	1.2.2 leaf, max 1.5
//	2     survey field: 2.1 leaf, max 3
//	3     bonus and penalty: 3.1 bonus max 2, 3.2 penalty max 2
func smallFramework() *index.Framework {
	return &index.Framework{
		Code: "fw", Version: 1, Name: "Bộ chỉ số thử", Year: 2024, Sample: true,
		AppraisalMax: 500, SurveyMax: 300, Total: 800, BonusCap: 100, PenaltyCap: 100,
		Step: 25, Rounding: index.RoundingHalfUp2,
		Bands: []index.Band{{Label: "A", Min: 9000}, {Label: "B", Min: 8000}},
		Fields: []*index.Criterion{
			{Code: "1", Title: "Công tác chỉ đạo", Max: 500, Children: []*index.Criterion{
				{Code: "1.1", Title: "Kế hoạch", Max: 200, Method: index.Appraisal},
				{Code: "1.2", Title: "Báo cáo", Max: 300, Children: []*index.Criterion{
					{Code: "1.2.1", Title: "Đúng hạn", Max: 150, Method: index.Appraisal},
					{Code: "1.2.2", Title: "Đầy đủ", Max: 150, Method: index.Appraisal},
				}},
			}},
			{Code: "2", Title: "Điều tra xã hội học", Max: 300, Children: []*index.Criterion{
				{Code: "2.1", Title: "Hài lòng", Max: 300, Method: index.Survey},
			}},
			{Code: "3", Title: "Thưởng, trừ", Max: 400, Children: []*index.Criterion{
				{Code: "3.1", Title: "Điểm thưởng", Max: 200, Method: index.Bonus},
				{Code: "3.2", Title: "Điểm trừ", Max: 200, Method: index.Penalty},
			}},
		},
	}
}

// openTest opens a new store in a temporary folder with the test clock.
func openTest(t testing.TB) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "council.parindex"))
}

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	s.Actor = "thư ký"
	s.Now = func() time.Time { return testNow }
	t.Cleanup(func() { s.Close() })
	return s
}

// fixture is a store with one period of one block, three active units, five
// voting members and a secretary.
type fixture struct {
	s      *Store
	period int64
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	return fixtureOn(t, openTest(t))
}

func fixtureOn(t testing.TB, s *Store) fixture {
	t.Helper()
	must(t, s.SaveFramework(smallFramework()))
	id, err := s.CreatePeriod(index.Period{Year: 2024, Round: index.FullYear, Name: "Năm 2024"})
	must(t, err)
	_, err = s.Apply(id, &Batch{
		Blocks: []index.Block{{Code: "so", Name: "Sở, ngành", Framework: "fw"}},
		Units: []index.Unit{
			{Code: "U1", Name: "Sở Tài chính", Block: "so", Active: true},
			{Code: "U2", Name: "Sở Nội vụ", Block: "so", Active: true},
			{Code: "U3", Name: "Sở Tư pháp", Block: "so", Active: true},
		},
		Members: []index.CouncilMember{
			{ID: "m1", Name: "Chủ tịch", Role: index.Chair},
			{ID: "m2", Name: "Phó chủ tịch", Role: index.ViceChair},
			{ID: "m3", Name: "Thành viên 3", Role: index.Member},
			{ID: "m4", Name: "Thành viên 4", Role: index.Member},
			{ID: "m5", Name: "Thành viên 5", Role: index.Member},
			{ID: "t1", Name: "Thư ký", Role: index.Secretary},
		},
		Assignments: []index.Assignment{{Member: "m3", Block: "so", Field: "1"}},
	})
	must(t, err)
	return fixture{s: s, period: id}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rawDB opens the file with a plain connection for tampering and checks.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dump returns every row of every table, sorted, as text.
func dump(t testing.TB, db *sql.DB) string {
	t.Helper()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	must(t, err)
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		rows, err := db.Query(`SELECT * FROM ` + tb)
		must(t, err)
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			v := make([]any, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			must(t, rows.Scan(p...))
			lines = append(lines, fmt.Sprint(v...))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "== %s (%d)\n%s\n", tb, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

func count(t testing.TB, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, db.QueryRow(q, args...).Scan(&n))
	return n
}

// auditCount is the number of audit entries.
func auditCount(t testing.TB, s *Store) int {
	t.Helper()
	var n int
	must(t, s.db.QueryRow(`SELECT count(*) FROM audit`).Scan(&n))
	return n
}

// verifyOK fails the test unless the audit log verifies.
func verifyOK(t testing.TB, s *Store) AuditReport {
	t.Helper()
	rep, err := s.VerifyAudit()
	must(t, err)
	if !rep.OK() {
		t.Fatalf("audit does not verify:\n%s", rep)
	}
	return rep
}

// nationalFramework has 130 leaves: 100 appraisal leaves in 7 fields (70
// points) and 30 survey leaves in field 8 (30 points).
func nationalFramework() *index.Framework {
	f := &index.Framework{Code: "national", Version: 1, Name: "Bộ chỉ số quốc gia (mẫu)", Year: 2024, Sample: true,
		AppraisalMax: 7000, SurveyMax: 3000, Total: 10000, Step: 25, Rounding: index.RoundingHalfUp2,
		Bands: []index.Band{{Label: "A", Min: 9000}, {Label: "B", Min: 8000}, {Label: "C", Min: 7000}}}
	n := 0
	for fi := 1; fi <= 7; fi++ {
		field := &index.Criterion{Code: fmt.Sprint(fi), Title: fmt.Sprintf("Lĩnh vực %d", fi)}
		per := 14
		if fi <= 2 {
			per = 15 // 15+15+14*5 = 100 leaves
		}
		for li := 1; li <= per; li++ {
			max := index.Points(75)
			if n >= 80 {
				max = 50 // 80 × 0.75 + 20 × 0.5 = 70
			}
			n++
			field.Children = append(field.Children, &index.Criterion{Code: fmt.Sprintf("%d.%d", fi, li),
				Title: fmt.Sprintf("Tiêu chí %d.%d", fi, li), Max: max, Method: index.Appraisal})
			field.Max += max
		}
		f.Fields = append(f.Fields, field)
	}
	survey := &index.Criterion{Code: "8", Title: "Điều tra xã hội học", Max: 3000}
	for li := 1; li <= 30; li++ {
		survey.Children = append(survey.Children, &index.Criterion{Code: fmt.Sprintf("8.%d", li),
			Title: fmt.Sprintf("Câu hỏi %d", li), Max: 100, Method: index.Survey})
	}
	f.Fields = append(f.Fields, survey)
	return f
}

// nationalBatch builds a period's data at national scale: units units in
// three blocks, ten members each assigned one field, a self-assessment and an
// appraisal of every appraisal leaf, and survey points of every survey leaf.
func nationalBatch(units int) *Batch {
	fw := nationalFramework()
	if err := fw.Validate(); err != nil {
		panic(err)
	}
	b := &Batch{}
	for i, code := range []string{"so", "xa", "tw"} {
		b.Blocks = append(b.Blocks, index.Block{Code: code, Name: fmt.Sprintf("Khối %d", i+1), Framework: fw.Code})
	}
	for m := 1; m <= 10; m++ {
		id := fmt.Sprintf("m%02d", m)
		role := index.Member
		if m == 1 {
			role = index.Chair
		}
		b.Members = append(b.Members, index.CouncilMember{ID: id, Name: "Thành viên " + id, Role: role})
		if m <= 7 {
			for _, bl := range b.Blocks {
				b.Assignments = append(b.Assignments, index.Assignment{Member: id, Block: bl.Code, Field: fmt.Sprint(m)})
			}
		}
	}
	for u := 0; u < units; u++ {
		code := fmt.Sprintf("U%04d", u)
		b.Units = append(b.Units, index.Unit{Code: code, Name: "Đơn vị " + code, Block: b.Blocks[u%3].Code, Active: true})
		for li, leaf := range fw.Leaves() {
			v := leaf.Max - index.Points((u+li)%3)*25
			if v < 0 {
				v = 0
			}
			if leaf.Method == index.Survey {
				b.Survey = append(b.Survey, index.SurveyScore{Unit: code, Criterion: leaf.Code, Points: leaf.Max - index.Points((u*7+li)%50)})
				continue
			}
			b.Self = append(b.Self, index.SelfScore{Unit: code, Criterion: leaf.Code, Points: leaf.Max})
			field := fw.FieldOf(leaf.Code).Code
			a := index.AppraisalScore{Member: "m0" + field, Unit: code, Criterion: leaf.Code, Round: 1, Points: v}
			if v < leaf.Max {
				a.Reason = "Thiếu tài liệu kiểm chứng"
			}
			b.Appraisals = append(b.Appraisals, a)
		}
	}
	return b
}
