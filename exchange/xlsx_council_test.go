package exchange_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"parindex/data"
	"parindex/demo"
	"parindex/exchange"
	"parindex/index"
)

// council is a demo council in a temporary file.
type council struct {
	s      *data.Store
	period int64
	ds     *demo.Dataset
	dir    string
}

// newCouncil installs a demo dataset into a new council file.
func newCouncil(t testing.TB, scale demo.Scale) *council {
	t.Helper()
	ds, err := demo.Generate(scale, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := data.Open(filepath.Join(dir, "council.parindex"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	id, err := ds.Install(s)
	if err != nil {
		t.Fatal(err)
	}
	return &council{s: s, period: id, ds: ds, dir: dir}
}

func (c *council) snap(t testing.TB) *index.Snapshot {
	t.Helper()
	snap, err := c.s.Snapshot(c.period)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// head is the audit chain's length and head: equal heads mean nothing changed.
func (c *council) head(t testing.TB) string {
	t.Helper()
	rep, err := c.s.VerifyAudit()
	if err != nil || !rep.OK() {
		t.Fatalf("audit: %+v %v", rep, err)
	}
	return rep.Head
}

// memFile is a File held in memory.
func memFile(name string, b []byte) exchange.File {
	return exchange.File{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func template(t testing.TB, c *council, unit string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := exchange.ExportTemplate(c.s, c.period, unit, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// edit opens a workbook, lets fn change it and returns the new bytes.
func edit(t testing.TB, data []byte, fn func(x *excelize.File)) []byte {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	fn(x)
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func setCell(t testing.TB, x *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := x.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

// findRow returns the 1-based row of a code in column A of a sheet.
func findRow(t testing.TB, x *excelize.File, sheet, code string) int {
	t.Helper()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == code {
			return i + 1
		}
	}
	t.Fatalf("no row %s in sheet %s", code, sheet)
	return 0
}

func wantProblems(t testing.TB, err error, want ...string) *exchange.SpreadsheetError {
	t.Helper()
	var se *exchange.SpreadsheetError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want a *SpreadsheetError", err, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
		}
	}
	return se
}

// TestTemplateRoundTrip exports every unit's template, imports them all back
// and finds the council file unchanged: same snapshot, same audit head.
func TestTemplateRoundTrip(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	before, head := c.snap(t), c.head(t)
	dir := filepath.Join(c.dir, "templates")
	var calls int
	paths, err := exchange.ExportTemplates(c.s, c.period, dir, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(c.ds.Units) || calls == 0 {
		t.Fatalf("%d templates, %d progress calls; want %d templates", len(paths), calls, len(c.ds.Units))
	}
	rep, err := exchange.ImportSelf(c.s, c.period, exchange.Files(paths...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 0 || rep.Changed != 0 || rep.Unchanged != len(c.ds.Self) {
		t.Fatalf("report %+v, want %d unchanged", rep, len(c.ds.Self))
	}
	if c.head(t) != head {
		t.Fatal("the audit head moved: the import changed something")
	}
	if !reflect.DeepEqual(c.snap(t), before) {
		t.Fatal("the snapshot changed")
	}
}

// TestTemplateLayout checks what a unit sees: its header block, locked and
// unlocked cells, validations and the parent rows' formulas.
func TestTemplateLayout(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	b := template(t, c, "SO-TC")
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sh := exchange.SheetSelf
	if got, _ := x.GetCellValue(sh, "B2"); got != "SO-TC" {
		t.Errorf("B2 = %q, want the unit code", got)
	}
	if got, _ := x.GetCellValue(sh, "B4"); got != "2024 full-year" {
		t.Errorf("B4 = %q, want the period", got)
	}
	if got, _ := x.GetCellValue(sh, "A9"); got != "Mã tiêu chí" {
		t.Errorf("A9 = %q, want the table header", got)
	}
	dvs, err := x.GetDataValidations(sh)
	if err != nil || len(dvs) == 0 {
		t.Fatalf("no data validations: %v", err)
	}
	for _, dv := range dvs {
		if dv.Type != "decimal" || dv.Operator != "between" || dv.Formula1 != "0" {
			t.Errorf("validation %+v", dv)
		}
	}
	row := findRow(t, x, sh, "1")
	if f, _ := x.GetCellFormula(sh, "G"+itoa(row)); !strings.HasPrefix(f, "SUM(") {
		t.Errorf("field row self cell formula %q", f)
	}
	leaf := findRow(t, x, sh, "1.1.1")
	for col, locked := range map[string]bool{"A": true, "E": true, "G": false, "H": false, "I": false} {
		id, _ := x.GetCellStyle(sh, col+itoa(leaf))
		st, _ := x.GetStyle(id)
		got := st.Protection == nil || st.Protection.Locked
		if got != locked {
			t.Errorf("cell %s%d locked %v, want %v", col, leaf, got, locked)
		}
	}
	// A survey leaf is locked.
	for _, l := range c.ds.Framework("so-nganh-quan-huyen-2024").Leaves() {
		if l.Method == index.Survey {
			r := findRow(t, x, sh, l.Code)
			id, _ := x.GetCellStyle(sh, "G"+itoa(r))
			if st, _ := x.GetStyle(id); st.Protection != nil && !st.Protection.Locked {
				t.Errorf("survey leaf %s is unlocked", l.Code)
			}
			break
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// selfOf returns a unit's stored self-assessment of a leaf.
func selfOf(t testing.TB, c *council, unit, crit string) (index.SelfScore, bool) {
	t.Helper()
	for _, s := range c.snap(t).Self {
		if s.Unit == unit && s.Criterion == crit {
			return s, true
		}
	}
	return index.SelfScore{}, false
}

// TestTemplateFilled fills a template the ways units do (text with a decimal
// comma, a number, a cleared cell) and imports it.
func TestTemplateFilled(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	unit := "SO-TC"
	// Start from an empty self-assessment for 1.1.1 and 1.1.2.
	for _, code := range []string{"1.1.1", "1.1.2"} {
		if err := c.s.DeleteSelf(c.period, unit, code, "test"); err != nil {
			t.Fatal(err)
		}
	}
	b := edit(t, template(t, c, unit), func(x *excelize.File) {
		sh := exchange.SheetSelf
		r := findRow(t, x, sh, "1.1.1")
		setCell(t, x, sh, "G"+itoa(r), "0,5")
		setCell(t, x, sh, "H"+itoa(r), "  Kế hoạch số 12/KH-STC\u0301  ")
		r = findRow(t, x, sh, "1.1.2")
		setCell(t, x, sh, "G"+itoa(r), 0.75)
		setCell(t, x, sh, "I"+itoa(r), "Giải trình")
	})
	rep, err := exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("SO-TC.xlsx", b)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 2 || rep.Changed != 0 {
		t.Fatalf("report %+v, want 2 added", rep)
	}
	if s, _ := selfOf(t, c, unit, "1.1.1"); s.Points != 50 || s.Evidence != "Kế hoạch số 12/KH-STĆ" {
		t.Errorf("1.1.1 stored %+v", s)
	}
	if s, _ := selfOf(t, c, unit, "1.1.2"); s.Points != 75 || s.Explanation != "Giải trình" {
		t.Errorf("1.1.2 stored %+v", s)
	}
}

// TestTemplateBad imports broken templates: each is refused with the sheet,
// row, column and criterion, and the council file is unchanged.
func TestTemplateBad(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	unit := "SO-TC"
	fw := c.ds.Framework("so-nganh-quan-huyen-2024")
	var survey string
	for _, l := range fw.Leaves() {
		if l.Method == index.Survey {
			survey = l.Code
			break
		}
	}
	base := template(t, c, unit)
	head := c.head(t)
	sh := exchange.SheetSelf
	row := func(x *excelize.File, code string) string { return itoa(findRow(t, x, sh, code)) }
	cases := []struct {
		name string
		edit func(x *excelize.File)
		want []string
	}{
		{"above max", func(x *excelize.File) { setCell(t, x, sh, "G"+row(x, "1.1.1"), 7) },
			[]string{`SO-TC.xlsx: sheet "Tự đánh giá", row 12, column G (Điểm tự đánh giá): unit SO-TC: criterion 1.1.1: 7 is above the max 0.5`}},
		{"text", func(x *excelize.File) { setCell(t, x, sh, "G"+row(x, "1.1.1"), "đạt") },
			[]string{`criterion 1.1.1: text where a number belongs: "đạt" is not a number of points`}},
		{"decimals", func(x *excelize.File) { setCell(t, x, sh, "G"+row(x, "1.1.1"), "0,125") },
			[]string{`criterion 1.1.1: 0,125 has more than two decimals`}},
		{"off step", func(x *excelize.File) { setCell(t, x, sh, "G"+row(x, "1.1.1"), 0.1) },
			[]string{`criterion 1.1.1: 0.1 is not a multiple of the step 0.25`}},
		{"survey leaf", func(x *excelize.File) { setCell(t, x, sh, "G"+row(x, survey), 1) },
			[]string{"criterion " + survey + ": a survey criterion: its points come from the survey"}},
		{"unknown code", func(x *excelize.File) { setCell(t, x, sh, "A"+row(x, "1.1.1"), "1.1.9") },
			[]string{`column A (Mã tiêu chí): unit SO-TC: criterion 1.1.9: criterion "1.1.9" is not in framework so-nganh-quan-huyen-2024`}},
		{"numeric code", func(x *excelize.File) { setCell(t, x, sh, "A"+row(x, "1.1.1"), 1.19) },
			[]string{`type the code as text`}},
		{"duplicate", func(x *excelize.File) { setCell(t, x, sh, "A"+row(x, "1.1.2"), "1.1.1") },
			[]string{`criterion 1.1.1: the criterion is given twice (first in row 12)`}},
		{"evidence without score", func(x *excelize.File) {
			setCell(t, x, sh, "G"+row(x, "1.1.1"), nil)
			setCell(t, x, sh, "H"+row(x, "1.1.1"), "tài liệu")
		}, []string{`criterion 1.1.1: an evidence note or an explanation without a self score`}},
		{"unknown unit", func(x *excelize.File) { setCell(t, x, sh, "B2", "SO-XX") },
			[]string{`row 2, column B: unit SO-XX: unit "SO-XX" does not exist in period 2024 full-year`}},
		{"no unit", func(x *excelize.File) { setCell(t, x, sh, "B2", "") }, []string{`no unit code`}},
		{"other period", func(x *excelize.File) { setCell(t, x, sh, "B4", "2023 full-year") },
			[]string{`the template is for period 2023 full-year, not for period 2024 full-year`}},
		{"merged header", func(x *excelize.File) {
			x.UnprotectSheet(sh)
			if err := x.MergeCell(sh, "H9", "I9"); err != nil {
				t.Fatal(err)
			}
		}, []string{`row 9, column H: merged header cells H9:I9`}},
		{"missing header", func(x *excelize.File) {
			x.UnprotectSheet(sh)
			setCell(t, x, sh, "G9", "Điểm")
		}, []string{`row 9: column "Điểm tự đánh giá" (points) is missing from the header row`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := edit(t, base, tc.edit)
			_, err := exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("SO-TC.xlsx", b)}, nil)
			wantProblems(t, err, tc.want...)
			if c.head(t) != head {
				t.Fatal("a refused import changed the council file")
			}
		})
	}
}

// TestSelfImportAllOrNothing imports a good and a bad template together:
// nothing is stored, and the error names the bad file.
func TestSelfImportAllOrNothing(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	head := c.head(t)
	good := edit(t, template(t, c, "SO-TC"), func(x *excelize.File) {
		setCell(t, x, exchange.SheetSelf, "G"+itoa(findRow(t, x, exchange.SheetSelf, "1.1.1")), 0)
	})
	bad := edit(t, template(t, c, "SO-NV"), func(x *excelize.File) {
		setCell(t, x, exchange.SheetSelf, "G"+itoa(findRow(t, x, exchange.SheetSelf, "1.1.1")), 99)
	})
	twice := template(t, c, "SO-TC")
	_, err := exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("a.xlsx", good), memFile("b.xlsx", bad), memFile("c.xlsx", twice)}, nil)
	wantProblems(t, err, "b.xlsx: sheet", "99 is above the max", "c.xlsx: unit SO-TC: the unit's self-assessment is also in a.xlsx")
	if c.head(t) != head {
		t.Fatal("a refused import changed the council file")
	}
}

// TestSelfCSVRoundTrip writes the self-assessments as CSV and reads them
// back: nothing changes; a changed score is stored.
func TestSelfCSVRoundTrip(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	head := c.head(t)
	var b bytes.Buffer
	if err := exchange.ExportSelfCSV(c.s, c.period, &b); err != nil {
		t.Fatal(err)
	}
	rep, err := exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("self.csv", b.Bytes())}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added+rep.Changed != 0 || c.head(t) != head {
		t.Fatalf("round trip changed something: %+v", rep)
	}
	// A semicolon CSV with a decimal comma, as Vietnamese Excel saves it.
	csv := "unit;criterion;points;evidence\nSO-TC;1.1.1;0,25;Kế hoạch\n"
	rep, err = exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("vi.csv", []byte(csv))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := selfOf(t, c, "SO-TC", "1.1.1"); s.Points != 25 || s.Evidence != "Kế hoạch" || rep.Added+rep.Changed != 1 {
		t.Fatalf("stored %+v, report %+v", s, rep)
	}
	_, err = exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("empty.csv", []byte("unit,criterion,points\nSO-TC,1.1.1,\n"))}, nil)
	wantProblems(t, err, "empty.csv: the file holds no self-assessment")
	_, err = exchange.ImportUnits(c.s, c.period, memFile("empty.csv", []byte("code,name,block\n")))
	wantProblems(t, err, "empty.csv: the file lists no unit")
	_, err = exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("bad.csv", []byte("unit,criterion,points\nSO-TC,1.1.1,x\nSO-ZZ,1.1.1,1\n"))}, nil)
	wantProblems(t, err, `bad.csv: row 2, column C (points): unit SO-TC: criterion 1.1.1: text where a number belongs`,
		`bad.csv: row 3, column A (unit): unit SO-ZZ: unit "SO-ZZ" does not exist`)
}

// TestUnitsRoundTrip exports the units, imports them back unchanged, then
// adds, renames and deactivates units through a file.
func TestUnitsRoundTrip(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	for _, name := range []string{"units.xlsx", "units.csv"} {
		head := c.head(t)
		var b bytes.Buffer
		if err := exchange.ExportUnits(c.s, c.period, &b, name); err != nil {
			t.Fatal(err)
		}
		rep, err := exchange.ImportUnits(c.s, c.period, memFile(name, b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Unchanged != len(c.ds.Units) || c.head(t) != head {
			t.Fatalf("%s: round trip %+v changed something", name, rep)
		}
	}
	csv := "Mã đơn vị,Tên đơn vị,Khối\nSO-MOI,Sở Mới,SO\nSO-TC,Sở Tài chính Hà Nội,SO\n"
	rep, err := exchange.ImportUnits(c.s, c.period, memFile("u.csv", []byte(csv)))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || rep.Changed != 1 {
		t.Fatalf("report %+v", rep)
	}
	units, _ := c.s.Units(c.period)
	found := false
	for _, u := range units {
		if u.Code == "SO-MOI" && u.Active && u.Block == "SO" {
			found = true
		}
	}
	if !found {
		t.Fatal("new unit not stored active")
	}
	if _, err := exchange.ImportUnits(c.s, c.period, memFile("off.csv", []byte("code,name,block,active\nSO-MOI,Sở Mới,SO,không\n"))); err != nil {
		t.Fatal(err)
	}
	units, _ = c.s.Units(c.period)
	for _, u := range units {
		if u.Code == "SO-MOI" && u.Active {
			t.Fatal("SO-MOI still active")
		}
	}
	head := c.head(t)
	bad := "code,name,block,active\nSO-A,,SO,có\nSO-B,B,XX,\nSO-C,C,SO,maybe\nSO-D,D,SO,\nSO-D,D,SO,\nSO-TC,Sở Tài chính,TW,\n"
	_, err = exchange.ImportUnits(c.s, c.period, memFile("bad.csv", []byte(bad)))
	wantProblems(t, err, "row 2, column B (name): unit SO-A: the unit name is empty",
		`row 3, column C (block): unit SO-B: block "XX" does not exist`,
		`row 4, column D (active): unit SO-C: "maybe" is not yes or no`,
		"row 6, column A (code): unit SO-D: unit SO-D is listed twice (first in row 5)")
	if c.head(t) != head {
		t.Fatal("a refused import changed the council file")
	}
	// A move the store refuses (SO-TC has scores under another framework) is
	// reported at its row.
	_, err = exchange.ImportUnits(c.s, c.period, memFile("move.csv", []byte("code,name,block\nSO-NV,Sở Nội vụ,SO\nSO-TC,Sở Tài chính,TW\n")))
	wantProblems(t, err, "move.csv: row 3, column A (code): unit SO-TC: cannot move to block TW")
}

// TestFrameworkImportExport exports a framework as xlsx and imports it into
// a new council file.
func TestFrameworkImportExport(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	code := "co-quan-trung-uong-2024"
	var b bytes.Buffer
	if err := exchange.ExportFramework(c.s, code, 0, &b, "fw.xlsx"); err != nil {
		t.Fatal(err)
	}
	s2, err := data.Open(filepath.Join(t.TempDir(), "other.parindex"))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	fw, err := exchange.ImportFramework(s2, memFile("fw.xlsx", b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := c.s.Framework(code)
	got, _ := s2.Framework(code)
	if fw.Code != code || !reflect.DeepEqual(got, want) {
		t.Fatal("imported framework differs")
	}
	// The same file again changes nothing.
	if _, err := exchange.ImportFramework(c.s, memFile("fw.xlsx", b.Bytes())); err != nil {
		t.Fatal(err)
	}
}

// TestExportTemplatesFiles checks the files on disk and that a failed export
// leaves none behind.
func TestExportTemplatesFiles(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	p := filepath.Join(c.dir, "x.xlsx")
	err := exchange.WriteFile(p, func(w io.Writer) error { w.Write([]byte("half")); return errors.New("boom") })
	if err == nil {
		t.Fatal("no error")
	}
	ents, _ := os.ReadDir(c.dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), "x.xlsx") {
			t.Fatalf("left %s behind", e.Name())
		}
	}
	if got := exchange.TemplateFileName(`a/b:c`); got != "a_b_c.xlsx" {
		t.Fatalf("file name %q", got)
	}
}

// TestSelfListXLSX imports a workbook laid out as the self-assessment CSV:
// one row per unit and criterion.
func TestSelfListXLSX(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	x := excelize.NewFile()
	for i, row := range [][]any{{"Mã đơn vị", "Mã tiêu chí", "Điểm tự đánh giá", "Giải trình"}, {"SO-TC", "1.1.1", 0.25, "chậm"}, {"SO-NV", "1.1.1", "0,5", ""}} {
		if err := x.SetSheetRow("Sheet1", "A"+itoa(i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.ImportSelf(c.s, c.period, []exchange.File{memFile("list.xlsx", b.Bytes())}, nil); err != nil {
		t.Fatal(err)
	}
	if s, _ := selfOf(t, c, "SO-TC", "1.1.1"); s.Points != 25 || s.Explanation != "chậm" {
		t.Fatalf("stored %+v", s)
	}
	if s, _ := selfOf(t, c, "SO-NV", "1.1.1"); s.Points != 50 {
		t.Fatalf("stored %+v", s)
	}
}
