package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"parindex/exchange"
	"parindex/index"
)

// newSheetsScreen opens the Spreadsheets screen on a copy of the demo council.
func newSheetsScreen(t *testing.T, member string, lang Lang) (*State, *sheetsScreen) {
	t.Helper()
	st := newTestState(t, member, lang)
	ss := newSheets(st)
	wait(t, st)
	if ss.model == nil {
		t.Fatal("the spreadsheets screen did not load")
	}
	return st, ss
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func unitByCode(t *testing.T, st *State, code string) (index.Unit, bool) {
	t.Helper()
	snap, err := st.council.Snapshot(st.period.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range snap.Units {
		if u.Code == code {
			return u, true
		}
	}
	return index.Unit{}, false
}

func lastEvent(t *testing.T, ss *sheetsScreen) sheetEvent {
	t.Helper()
	ev := ss.log.list()
	if len(ev) == 0 {
		t.Fatal("the action left nothing in the session's log")
	}
	return ev[0]
}

func TestSpreadsheetsImportUnitsCSV(t *testing.T) {
	st, ss := newSheetsScreen(t, "TK01", Vietnamese)
	before := len(ss.model.Snap.Units)
	path := writeTemp(t, "don-vi.csv", "Mã đơn vị,Tên đơn vị,Khối\nSO-MOI,Sở Thử nghiệm,SO\nQH-MOI,UBND huyện Thử nghiệm,QH\n")
	ss.importUnits(exchange.Files(path)[0])
	wait(t, st)
	e := lastEvent(t, ss)
	if !e.OK || e.Result != st.Tf("sheets.applied", 2, 0, 0) {
		t.Fatalf("log: %+v", e)
	}
	for _, code := range []string{"SO-MOI", "QH-MOI"} {
		if u, ok := unitByCode(t, st, code); !ok || !u.Active {
			t.Fatalf("unit %s not added: %+v", code, u)
		}
	}
	// the shared snapshot was dropped and the screen reloaded with the new units
	if ss.model == nil || len(ss.model.Snap.Units) != before+2 {
		t.Fatalf("the screen holds %d units, want %d", len(ss.model.Snap.Units), before+2)
	}
	m, err := st.loadModel()
	if err != nil || len(m.Snap.Units) != before+2 {
		t.Fatalf("shared model: %v", err)
	}
}

func TestSpreadsheetsBadFileChangesNothing(t *testing.T) {
	st, ss := newSheetsScreen(t, "TK01", Vietnamese)
	head, err := st.council.AuditHead()
	if err != nil {
		t.Fatal(err)
	}
	// one good row, a block that does not exist, a unit listed twice, an empty name
	path := writeTemp(t, "don-vi-sai.csv", "Mã đơn vị,Tên đơn vị,Khối\nSO-MOI,Sở Thử nghiệm,SO\nXX-1,Đơn vị lạ,XX\nSO-MOI,Sở Thử nghiệm,SO\nQH-2,,QH\n")
	ss.importUnits(exchange.Files(path)[0])
	wait(t, st)
	e := lastEvent(t, ss)
	var se *exchange.SpreadsheetError
	if e.OK || !errors.As(e.Err, &se) || len(se.Problems) != 3 {
		t.Fatalf("log: %+v (%v)", e, e.Err)
	}
	if after, _ := st.council.AuditHead(); after != head {
		t.Fatal("a refused import changed the council file")
	}
	if _, ok := unitByCode(t, st, "SO-MOI"); ok {
		t.Fatal("the good row of a refused file was stored")
	}
	// the dialog lists every problem, in the user's language, with row and column
	ss.showImportError(e.Err)
	ov := st.Win.Canvas().Overlays().Top()
	if ov == nil {
		t.Fatal("no error dialog")
	}
	shown := strings.Join(texts(ov), "\n")
	for _, want := range []string{st.T("sheets.err.title"), st.Tf("sheets.err.head", 3) + " " + st.T("sheets.err.nothing")} {
		if !strings.Contains(shown, want) {
			t.Errorf("the dialog does not say %q:\n%s", want, shown)
		}
	}
	rows := map[string]bool{}
	for _, p := range se.Problems {
		rows[problemCell(Vietnamese, p, 2)] = true
		if strings.HasPrefix(problemCell(Vietnamese, p, 6), "block") {
			t.Errorf("untranslated problem: %q", p.Message)
		}
	}
	if !rows["3"] || !rows["4"] || !rows["5"] {
		t.Errorf("problem rows %v, want 3, 4 and 5", rows)
	}
	if got := problemMessage(Vietnamese, `block "XX" does not exist in period 2024 full-year`); got != Vietnamese.Tf("sheets.pm.noblock", "XX", "2024 cả năm") {
		t.Errorf("translated: %q", got)
	}
	if got := problemMessage(Vietnamese, "92.5 is above the max 2"); got != "92,5 vượt điểm tối đa 2" {
		t.Errorf("translated: %q", got)
	}
}

func TestSpreadsheetsExportResultsReadsBack(t *testing.T) {
	st, ss := newSheetsScreen(t, "TK01", English)
	dir := t.TempDir()
	book := filepath.Join(dir, "results.xlsx")
	ss.exportResults(book, "xlsx", "")
	wait(t, st)
	if e := lastEvent(t, ss); !e.OK {
		t.Fatalf("export: %+v", e)
	}
	x, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := strings.Join(x.GetSheetList(), "|")
	for _, b := range ss.model.Snap.Blocks {
		if !strings.Contains(sheets, b.Code) {
			t.Errorf("no sheet for block %s in %s", b.Code, sheets)
		}
	}
	// the units list exported goes back in unchanged
	units := filepath.Join(dir, "units.csv")
	ss.exportUnits(units)
	wait(t, st)
	f, err := os.Open(units)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ul, err := exchange.ReadUnits(f, "units.csv", ss.model.Snap)
	if err != nil || len(ul.Units) != len(ss.model.Snap.Units) {
		t.Fatalf("read back %v, %v", ul, err)
	}
	head, _ := st.council.AuditHead()
	ss.importUnits(exchange.Files(units)[0])
	wait(t, st)
	if e := lastEvent(t, ss); !e.OK || e.Result != st.Tf("sheets.applied", 0, 0, len(ul.Units)) {
		t.Fatalf("re-import: %+v", e)
	}
	if after, _ := st.council.AuditHead(); after != head {
		t.Fatal("re-importing the same units changed the council file")
	}
	// every template into a folder, then one read back as a template
	tdir := filepath.Join(dir, "templates")
	ss.exportTemplates(tdir)
	wait(t, st)
	files, _ := filepath.Glob(filepath.Join(tdir, "*.xlsx"))
	if len(files) != len(ss.activeUnits()) {
		t.Fatalf("%d templates for %d units", len(files), len(ss.activeUnits()))
	}
	// CSV results, the survey sheet and the framework
	for _, c := range []struct{ name, table string }{{"r-units.csv", exchange.TableUnits}, {"r-leaves.csv", exchange.TableLeaves}} {
		ss.exportResults(filepath.Join(dir, c.name), "csv", c.table)
	}
	ss.exportSurvey(filepath.Join(dir, "survey.xlsx"), exchange.SurveyCountsLayout)
	fw := ss.fws[0]
	ss.exportFramework(fw.Code, fw.Version, filepath.Join(dir, "fw.json"))
	wait(t, st)
	for _, n := range []string{"r-units.csv", "r-leaves.csv", "survey.xlsx", "fw.json"} {
		if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", n, err)
		}
	}
	b, _ := os.Open(filepath.Join(dir, "fw.json"))
	defer b.Close()
	if got, err := exchange.ReadFrameworkJSON(b, "fw.json"); err != nil || got.Code != fw.Code {
		t.Fatalf("framework read back: %v", err)
	}
}

func TestSpreadsheetsSurveyMappingAndSelf(t *testing.T) {
	st, ss := newSheetsScreen(t, "TK01", Vietnamese)
	m, err := exchange.ParseMapping("A=100,B=50,C=25,D=0")
	if err != nil {
		t.Fatal(err)
	}
	ss.setMapping(m)
	wait(t, st)
	if got, err := exchange.SurveyMapping(st.db, st.period.ID); err != nil || got.String() != m.String() {
		t.Fatalf("mapping %v, %v", got, err)
	}
	if ss.mapping.String() != m.String() {
		t.Fatalf("the screen shows %v", ss.mapping)
	}
	// a unit's template holds the period's self-assessments: it goes back unchanged
	p := filepath.Join(t.TempDir(), exchange.TemplateFileName("SO-NV"))
	ss.exportTemplate("SO-NV", p)
	wait(t, st)
	head, _ := st.council.AuditHead()
	ss.importSelf(exchange.Files(p))
	wait(t, st)
	if e := lastEvent(t, ss); !e.OK || !strings.HasPrefix(e.Result, "Thêm mới 0, thay đổi 0,") {
		t.Fatalf("template read back: %+v", e)
	}
	// a CSV with a score above the max and an unknown unit is refused whole
	bad := writeTemp(t, "tu-cham.csv", "Mã đơn vị,Mã tiêu chí,Điểm tự đánh giá\nSO-NV,1.1,999\nSO-KHONG,1.1,1\n")
	ss.importSelf(append(exchange.Files(p), exchange.Files(bad)...))
	wait(t, st)
	e := lastEvent(t, ss)
	ps, n, ok := fileProblems(e.Err)
	if e.OK || !ok || n < 2 {
		t.Fatalf("bad CSV: %+v %v", e, ps)
	}
	if e.File != st.Tf("sheets.nfiles", 2) {
		t.Errorf("log names %q", e.File)
	}
	if after, _ := st.council.AuditHead(); after != head {
		t.Fatal("a refused import changed the council file")
	}
	for _, q := range ps {
		if q.Unit == "SO-KHONG" && !strings.HasPrefix(problemMessage(Vietnamese, q.Message), "đơn vị SO-KHONG không có") {
			t.Errorf("unknown unit said as %q", problemMessage(Vietnamese, q.Message))
		}
	}
}

func TestSpreadsheetsRoles(t *testing.T) {
	// the chair sees the screen, may export results and cannot import
	st, ss := newSheetsScreen(t, "TV01", Vietnamese)
	if st.role != RoleChair {
		t.Skipf("CT01 is %s", st.role)
	}
	all := strings.Join(texts(ss.root), "\n")
	if !strings.Contains(all, st.T("sheets.import.secretary")) || strings.Contains(all, st.T("sheets.choosefiles")) {
		t.Fatalf("the chair is offered imports:\n%s", all)
	}
	if !screenByID("spreadsheets").allowedFor(RoleChair) || screenByID("spreadsheets").allowedFor(RoleMember) {
		t.Fatal("the spreadsheets screen is for the secretariat and the chair")
	}
}
