package exchange_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"parindex/demo"
	"parindex/exchange"
	"parindex/index"
)

// hanoiResults computes the Hanoi demo council.
func hanoiResults(t testing.TB) (*index.Snapshot, *index.Result) {
	t.Helper()
	c := newCouncil(t, demo.Hanoi)
	snap := c.snap(t)
	res, err := index.Compute(snap)
	if err != nil {
		t.Fatal(err)
	}
	return snap, res
}

// TestResultsWorkbook checks the workbook as the program writes it: one
// sheet per block, formulas everywhere a number is computed, and the
// program's numbers as the cached values.
func TestResultsWorkbook(t *testing.T) {
	snap, res := hanoiResults(t)
	var calls, last int
	var b bytes.Buffer
	err := exchange.WriteResultsXLSX(&b, snap, res, exchange.ResultsOptions{Progress: func(done, total int) {
		calls++
		if done < last || done > total {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		last = done
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != 3*len(res.Units) {
		t.Errorf("progress: %d calls, last %d", calls, last)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	want := []string{"SO", "QH", "TW", "SN", exchange.SheetFields, exchange.SheetLeaves}
	if got := x.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	rows := map[string]int{}
	for _, u := range res.Units {
		rows[u.Block]++
		r := strconv.Itoa(2 + rows[u.Block])
		get := func(col string) string {
			v, err := x.GetCellValue(u.Block, col+r, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if get("B") != u.Code {
			t.Fatalf("%s row %s holds %s, want %s", u.Block, r, get("B"), u.Code)
		}
		checks := map[string]string{"A": strconv.Itoa(u.Rank), "H": u.Total.Short(), "I": u.Max.Short(),
			"J": index.Points(u.Index).Short(), "M": u.Band}
		for col, w := range checks {
			if g := get(col); g != w {
				t.Errorf("%s %s%s = %q, want %q", u.Code, col, r, g, w)
			}
			f, err := x.GetCellFormula(u.Block, col+r)
			if err != nil || f == "" {
				t.Errorf("%s %s%s has no formula", u.Code, col, r)
			}
		}
	}
	f, _ := x.GetCellFormula("SO", "J3")
	if !strings.Contains(f, "QUOTIENT(ABS(ROUND(H3*100,0))*20000+ROUND(I3*100,0),2*ROUND(I3*100,0))") {
		t.Errorf("index formula %s", f)
	}
	if v, _ := x.GetCalcProps(); v.FullCalcOnLoad == nil || !*v.FullCalcOnLoad {
		t.Error("the workbook does not ask for a recalculation on load")
	}
}

// halvesSnapshot is a period whose indexes fall exactly on half a hundredth
// of a percent: a max of 8 points makes the index 12.5 × the total's
// hundredths, so every odd total is a half. Negative totals (penalties) and
// a tie are included.
func halvesSnapshot(t testing.TB) *index.Snapshot {
	t.Helper()
	fw := &index.Framework{Code: "halves", Version: 1, Name: "Halves", Year: 2025, AppraisalMax: 800, Total: 800,
		PenaltyCap: 100, BonusCap: 50, Step: 1,
		Bands: []index.Band{{Label: "Tốt", Min: 8338}, {Label: "Khá \"B\"", Min: 5000}, {Label: "Yếu", Min: 0}},
		Fields: []*index.Criterion{
			{Code: "1", Title: "A", Max: 800, Children: []*index.Criterion{
				{Code: "1.1", Title: "a", Max: 400, Method: index.Appraisal},
				{Code: "1.2", Title: "b", Max: 400, Method: index.Appraisal},
			}},
			{Code: "2", Title: "B", Max: 200, Children: []*index.Criterion{
				{Code: "2.1", Title: "bonus", Max: 100, Method: index.Bonus},
				{Code: "2.2", Title: "penalty", Max: 100, Method: index.Penalty},
			}},
		}}
	if err := fw.Validate(); err != nil {
		t.Fatal(err)
	}
	snap := &index.Snapshot{
		Period:     index.Period{ID: 1, Year: 2025, Round: index.FullYear, Name: "Halves", Rule: index.RuleMean},
		Frameworks: map[string]*index.Framework{fw.Code: fw},
		Blocks:     []index.Block{{Code: "H", Name: "Halves", Framework: fw.Code}},
		Members:    []index.CouncilMember{{ID: "m", Name: "M", Role: index.Member}},
	}
	// unit: 1.1, 1.2, bonus, penalty (hundredths)
	scores := [][4]index.Points{
		{1, 0, 0, 0}, {3, 0, 0, 0}, {5, 0, 0, 0}, {333, 0, 0, 0}, {400, 267, 0, 0}, {400, 399, 0, 0},
		{400, 400, 0, 0}, {400, 333, 37, 3}, {400, 400, 0, 0}, {0, 0, 0, 3}, {0, 0, 0, 1}, {1, 0, 0, 0},
		{399, 268, 0, 0}, {0, 0, 0, 0}, {17, 0, 100, 99},
	}
	codes := []string{"1.1", "1.2", "2.1", "2.2"}
	for i, sc := range scores {
		u := fmt.Sprintf("H%02d", i+1)
		snap.Units = append(snap.Units, index.Unit{Code: u, Name: "Đơn vị " + u, Block: "H", Active: true})
		for j, p := range sc {
			snap.Appraisals = append(snap.Appraisals, index.AppraisalScore{Member: "m", Unit: u, Criterion: codes[j], Round: 1, Points: p})
		}
	}
	// One unit without 1.2: its max is 4 points.
	snap.NotApplicable = []index.NotApplicable{{Unit: "H15", Criterion: "1.2"}}
	return snap
}

// soffice converts a file with LibreOffice headless into a new folder and
// returns it. LibreOffice runs with its own profile in a temporary folder (so
// it works as root and in parallel), set to recalculate xlsx files on load.
func soffice(t testing.TB, path, filter string) string {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed (Debian: libreoffice-calc-nogui)")
	}
	tmp := t.TempDir()
	prof := filepath.Join(tmp, "profile")
	if err := os.MkdirAll(filepath.Join(prof, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Recalculate xlsx files on load: 0 = always.
	xcu := `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`
	if err := os.WriteFile(filepath.Join(prof, "user", "registrymodifications.xcu"), []byte(xcu), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.ToSlash(prof), "--headless", "--norestore",
		"--convert-to", filter, "--outdir", out, path)
	cmd.Env = append(os.Environ(), "HOME="+tmp)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	if ents, _ := os.ReadDir(out); len(ents) == 0 {
		t.Fatalf("soffice wrote nothing:\n%s", msg)
	}
	return out
}

// sofficeCSV recalculates an xlsx file with LibreOffice and returns every
// sheet as CSV records, by sheet name.
func sofficeCSV(t testing.TB, path string) map[string][][]string {
	t.Helper()
	// CSV filter options: comma, double quote, UTF-8, from line 1, default
	// cell format, language, quoted text, special numbers, cell contents as
	// stored (not as shown), no formulas, keep spaces, every sheet (-1: one
	// file per sheet, LibreOffice 7.2 and later).
	out := soffice(t, path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1")
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	sheets := map[string][][]string{}
	for _, e := range ents {
		name := strings.TrimSuffix(strings.TrimPrefix(e.Name(), base+"-"), ".csv")
		f, err := os.Open(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		sheets[name] = recs
	}
	return sheets
}

// checkRecalculated compares LibreOffice's recalculated block and field
// sheets with the program's results: index, rank, band, total and the parts'
// indexes of every unit, and every field index.
func checkRecalculated(t *testing.T, sheets map[string][][]string, res *index.Result) {
	t.Helper()
	pct := func(s string) index.Percent {
		p, err := index.ParsePercent(s)
		if err != nil {
			t.Fatalf("recalculated value %q: %v", s, err)
		}
		return p
	}
	seen := 0
	for _, b := range res.Blocks {
		recs, ok := sheets[b.Code]
		if !ok {
			t.Fatalf("no sheet %s in %v", b.Code, len(sheets))
		}
		byCode := map[string][]string{}
		for _, r := range recs[2:] {
			if len(r) > 12 {
				byCode[r[1]] = r
			}
		}
		for _, u := range res.Units {
			if u.Block != b.Code {
				continue
			}
			r, ok := byCode[u.Code]
			if !ok {
				t.Fatalf("unit %s missing from sheet %s", u.Code, b.Code)
			}
			seen++
			if r[0] != strconv.Itoa(u.Rank) || pct(r[9]) != u.Index || r[12] != u.Band ||
				pct(r[7]) != index.Percent(u.Total) || pct(r[10]) != u.AppraisalIndex || pct(r[11]) != u.SurveyIndex {
				t.Errorf("unit %s recalculated rank %s, index %s, band %q, total %s, parts %s %s; program: %d, %s, %q, %s, %s %s",
					u.Code, r[0], r[9], r[12], r[7], r[10], r[11], u.Rank, u.Index, u.Band, u.Total, u.AppraisalIndex, u.SurveyIndex)
			}
		}
	}
	if seen != len(res.Units) {
		t.Errorf("checked %d units of %d", seen, len(res.Units))
	}
	fields := map[string][]string{}
	for _, r := range sheets[exchange.SheetFields] {
		if len(r) > 0 {
			fields[r[0]] = r
		}
	}
	for _, u := range res.Units {
		r := fields[u.Code]
		for k, f := range u.Fields {
			if len(r) <= 4+3*k || pct(r[2+3*k]) != index.Percent(f.Points) || pct(r[3+3*k]) != index.Percent(f.Max) || pct(r[4+3*k]) != f.Index {
				t.Errorf("unit %s field %s recalculated %q; program %s / %s = %s", u.Code, f.Code, r, f.Points, f.Max, f.Index)
				break
			}
		}
	}
}

// TestResultsLibreOffice has LibreOffice recalculate the Hanoi demo's results
// workbook, written with wrong cached values so that only a recalculation
// can give the right numbers, and compares every unit's index and rank with
// what compute gives.
func TestResultsLibreOffice(t *testing.T) {
	snap, res := hanoiResults(t)
	path := filepath.Join(t.TempDir(), "results.xlsx")
	if err := exchange.WriteFile(path, func(w io.Writer) error { return exchange.WriteResultsXLSXWrongCache(w, snap, res) }); err != nil {
		t.Fatal(err)
	}
	checkRecalculated(t, sofficeCSV(t, path), res)
}

// TestResultsLibreOfficeHalves does the same on indexes that fall exactly
// on half a hundredth, where ROUND of a binary float goes wrong.
func TestResultsLibreOfficeHalves(t *testing.T) {
	snap := halvesSnapshot(t)
	res, err := index.Compute(snap)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture does hit halves: 0.01 of 8 points is 0.125 %.
	if u := res.Unit("H01"); u.Index != 13 {
		t.Fatalf("H01 index %s, want 0.13", u.Index)
	}
	if u := res.Unit("H10"); u.Index != -38 || u.Total != -3 {
		t.Fatalf("H10 total %s index %s, want -0.03 and -0.38", u.Total, u.Index)
	}
	path := filepath.Join(t.TempDir(), "halves.xlsx")
	if err := exchange.WriteFile(path, func(w io.Writer) error { return exchange.WriteResultsXLSXWrongCache(w, snap, res) }); err != nil {
		t.Fatal(err)
	}
	checkRecalculated(t, sofficeCSV(t, path), res)
}

// TestTemplateThroughLibreOffice opens a template in LibreOffice and saves it
// as xlsx, as a unit without Excel does: the file still imports, unchanged.
func TestTemplateThroughLibreOffice(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	head := c.head(t)
	path := filepath.Join(t.TempDir(), "SO-TC.xlsx")
	if err := os.WriteFile(path, template(t, c, "SO-TC"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(soffice(t, path, "xlsx"), "SO-TC.xlsx")
	rep, err := exchange.ImportSelf(c.s, c.period, exchange.Files(saved), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added+rep.Changed != 0 || rep.Unchanged == 0 || c.head(t) != head {
		t.Fatalf("report %+v: the template saved by LibreOffice changed the council file", rep)
	}
}

// TestFrameworkThroughLibreOffice saves a framework workbook through
// LibreOffice: it reads back to the same framework.
func TestFrameworkThroughLibreOffice(t *testing.T) {
	want, err := demo.LoadSample("so-nganh-quan-huyen-2024")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fw.xlsx")
	if err := exchange.WriteFile(path, func(w io.Writer) error { return exchange.WriteFrameworkXLSX(w, want) }); err != nil {
		t.Fatal(err)
	}
	saved, err := os.Open(filepath.Join(soffice(t, path, "xlsx"), "fw.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer saved.Close()
	got, err := exchange.ReadFrameworkXLSX(saved, "fw.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the framework saved by LibreOffice reads back different")
	}
}

// TestResultsLibreOfficeNational recalculates the national demo's workbook
// (3,321 communes, 239,112 leaf scores) in LibreOffice: every index, rank and
// field index is the program's. It takes some seconds; -short skips it.
func TestResultsLibreOfficeNational(t *testing.T) {
	if testing.Short() {
		t.Skip("testing.Short: the national workbook takes seconds to recalculate")
	}
	ds, err := demo.Generate(demo.National, 1)
	if err != nil {
		t.Fatal(err)
	}
	snap := ds.Snapshot()
	res, err := index.Compute(snap)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "national.xlsx")
	if err := exchange.WriteFile(path, func(w io.Writer) error { return exchange.WriteResultsXLSXWrongCache(w, snap, res) }); err != nil {
		t.Fatal(err)
	}
	checkRecalculated(t, sofficeCSV(t, path), res)
}
