package exchange

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"parindex/index"
)

// Sheets of a results workbook, besides one sheet per block named by the
// block's code.
const (
	SheetFields = "Chỉ số thành phần" // component (field) indexes of every unit
	SheetLeaves = "Điểm tiêu chí"     // every leaf's final score of every unit
)

// NotApplicableMark is written in the leaves sheet of a results workbook in
// place of the score of a leaf that does not apply to the unit (không áp dụng).
const NotApplicableMark = "KAD"

// Columns of a block sheet of a results workbook (0-based).
const (
	rcRank = iota
	rcCode
	rcName
	rcAppraisal
	rcSurvey
	rcBonus
	rcPenalty
	rcTotal
	rcMax
	rcIndex
	rcAppraisalIndex
	rcSurveyIndex
	rcBand
	rcAppraisalMax
	rcSurveyMax
	rcCount
)

// resultHeaders are the headers of a block sheet, by column.
var resultHeaders = [rcCount]string{
	"Hạng", "Mã đơn vị", "Tên đơn vị", "Điểm thẩm định", "Điểm điều tra XHH", "Điểm thưởng", "Điểm trừ",
	"Tổng điểm", "Điểm tối đa", "Chỉ số (%)", "Chỉ số thẩm định (%)", "Chỉ số điều tra (%)", "Xếp loại",
	"Tối đa thẩm định", "Tối đa điều tra",
}

// First rows of the sheets (0-based).
const (
	blockHeaderRow = 1 // block sheets: title in row 0, header in row 1
	leafHeadRows   = 5 // leaves sheet sections: title, codes, fields, methods, max
	fieldHeadRows  = 3 // fields sheet sections: title, field names, column names
)

// ResultsOptions tune WriteResultsXLSX.
type ResultsOptions struct {
	// Progress, if set, is told how many of the workbook's rows are written.
	Progress Progress

	// wrongCache writes zeros as the cached values of formulas, so that a test
	// can prove that a spreadsheet program recalculated the workbook.
	wrongCache bool
}

// leafSection is where a block's units are in the leaves sheet.
type leafSection struct {
	fw        *index.Framework
	start     int         // 0-based row of the section's title
	units     map[int]int // position in res.Units → 0-based row
	fieldCols [][2]int    // per scored field: first and last leaf column (0-based, in the sheet)
}

func (s *leafSection) codeRow() int   { return s.start + 1 }
func (s *leafSection) methodRow() int { return s.start + 3 }
func (s *leafSection) maxRow() int    { return s.start + 4 }

// WriteResultsXLSX writes a period's results as a workbook whose totals,
// indexes, ranks and bands are live formulas over the leaves' final scores,
// with the program's numbers as the formulas' cached values:
//
//   - one sheet per block, named by its code: a title row, a header row,
//     then one row per unit in rank order with Hạng (rank, RANK over the
//     block's indexes), Mã đơn vị, Tên đơn vị, Điểm thẩm định, Điểm điều tra
//     XHH, Điểm thưởng and Điểm trừ (SUMIFS over the unit's leaves, the bonus
//     and penalty capped with MIN), Tổng điểm (SUM), Điểm tối đa (the
//     applicable max), Chỉ số (%), Chỉ số thẩm định (%), Chỉ số điều tra (%),
//     Xếp loại (band, nested IF), and the applicable maxima of both parts;
//   - "Chỉ số thành phần": per block a section with, for every unit and
//     field, the field's points, applicable max and index (%);
//   - "Điểm tiêu chí": per block a section whose header rows give each
//     leaf's code, field, method and max, then one row per unit with each
//     leaf's final score, or KAD where the leaf does not apply to the unit.
//
// Indexes are computed on whole hundredths, so that a recalculation gives the
// program's exact half-up rounding and not that of binary floating point:
//
//	IF(ROUND(max*100,0)<=0, 0, SIGN(ROUND(total*100,0)) *
//	   QUOTIENT(ABS(ROUND(total*100,0))*20000 + ROUND(max*100,0), 2*ROUND(max*100,0)) / 100)
//
// The workbook asks spreadsheet programs to recalculate it on opening.
func WriteResultsXLSX(w io.Writer, snap *index.Snapshot, res *index.Result, opt ResultsOptions) error {
	x := excelize.NewFile()
	fail := func(err error) error {
		x.Close()
		return fmt.Errorf("exchange: write results workbook: %w", err)
	}
	rw := &resultsWriter{x: x, snap: snap, res: res, opt: opt, fws: map[string]*index.Framework{}}
	for _, b := range snap.Blocks {
		fw := snap.Frameworks[b.Framework]
		if fw == nil {
			return fail(fmt.Errorf("block %s uses framework %q, which the snapshot lacks", b.Code, b.Framework))
		}
		rw.fws[b.Code] = fw
	}
	if err := rw.write(); err != nil {
		return fail(err)
	}
	return writeWorkbook(x, w, "results workbook")
}

// resultsWriter holds the state of one WriteResultsXLSX.
type resultsWriter struct {
	x    *excelize.File
	snap *index.Snapshot
	res  *index.Result
	opt  ResultsOptions
	fws  map[string]*index.Framework // block code → framework
	st   *sheetStyles
	pct  int // style of percentages
	sect map[string]*leafSection

	done, total int
}

// step reports one more written row.
func (rw *resultsWriter) step() {
	rw.done++
	if rw.done%every(rw.total) == 0 || rw.done == rw.total {
		rw.opt.Progress.report(rw.done, rw.total)
	}
}

// cached is the cached value of a formula: v, or 0 for the tests' wrong cache.
func (rw *resultsWriter) cached(v any) any {
	if rw.opt.wrongCache {
		if _, ok := v.(string); ok {
			return "?"
		}
		return 0
	}
	return v
}

// unitsOf returns the positions in res.Units of a block's units, in rank order.
func (rw *resultsWriter) unitsOf(block string) []int {
	var out []int
	for i := range rw.res.Units {
		if rw.res.Units[i].Block == block {
			out = append(out, i)
		}
	}
	return out
}

func (rw *resultsWriter) write() error {
	x := rw.x
	var err error
	if rw.st, err = newStyles(x); err != nil {
		return err
	}
	if rw.pct, err = x.NewStyle(&excelize.Style{CustomNumFmt: &numFmt2, Font: &excelize.Font{Bold: true},
		Border: []excelize.Border{{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
			{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1}}}); err != nil {
		return err
	}
	rw.total = 3 * len(rw.res.Units)
	used := map[string]bool{fold(SheetFields): true, fold(SheetLeaves): true}
	names := make([]string, len(rw.snap.Blocks))
	for i, b := range rw.snap.Blocks {
		names[i] = sheetName(b.Code, used)
	}
	all := append(append([]string(nil), names...), SheetFields, SheetLeaves)
	if err := x.SetSheetName("Sheet1", all[0]); err != nil {
		return err
	}
	for _, n := range all[1:] {
		if _, err := x.NewSheet(n); err != nil {
			return err
		}
	}
	rw.layoutLeaves()
	for i, b := range rw.snap.Blocks {
		if err := rw.blockSheet(names[i], b); err != nil {
			return fmt.Errorf("sheet %s: %w", names[i], err)
		}
	}
	if err := rw.fieldsSheet(); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetFields, err)
	}
	if err := rw.leavesSheet(); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetLeaves, err)
	}
	on := true
	if err := x.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &on}); err != nil {
		return err
	}
	x.SetActiveSheet(0)
	return nil
}

// layoutLeaves places every block's section of the leaves sheet.
func (rw *resultsWriter) layoutLeaves() {
	rw.sect = map[string]*leafSection{}
	row := 0
	for _, b := range rw.snap.Blocks {
		fw := rw.fws[b.Code]
		s := &leafSection{fw: fw, start: row, units: map[int]int{}}
		for k, i := range rw.unitsOf(b.Code) {
			s.units[i] = row + leafHeadRows + k
		}
		pos := map[string]int{}
		for j, l := range fw.Leaves() {
			pos[l.Code] = j
		}
		for _, f := range fw.ScoredFields() {
			ls := fw.LeavesUnder(f.Code)
			// A field's leaves follow each other in tree order.
			s.fieldCols = append(s.fieldCols, [2]int{2 + pos[ls[0]], 2 + pos[ls[len(ls)-1]]})
		}
		rw.sect[b.Code] = s
		row += leafHeadRows + len(s.units) + 1
	}
}

// rowRange is an absolute reference to columns c0..c1 of row r on the leaves sheet.
func rowRange(r, c0, c1 int) string {
	return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(SheetLeaves), colName(c0), r+1, colName(c1), r+1)
}

// quoteSheet quotes a sheet name for a formula.
func quoteSheet(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteText quotes a text for a formula.
func quoteText(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sumMethod is the formula of a unit's points over the leaf columns c0..c1
// of one method.
func sumMethod(s *leafSection, unitRow, c0, c1 int, m index.Method) string {
	return fmt.Sprintf("SUMIFS(%s,%s,%s)", rowRange(unitRow, c0, c1), rowRange(s.methodRow(), c0, c1), quoteText(string(m)))
}

// maxMethod is the formula of a unit's applicable max over the leaf columns
// c0..c1 of one method: leaves marked not applicable are left out.
func maxMethod(s *leafSection, unitRow, c0, c1 int, m index.Method) string {
	return fmt.Sprintf("SUMIFS(%s,%s,%s,%s,%s)", rowRange(s.maxRow(), c0, c1), rowRange(s.methodRow(), c0, c1),
		quoteText(string(m)), rowRange(unitRow, c0, c1), quoteText("<>"+NotApplicableMark))
}

// indexFormula is total ÷ max × 100 rounded half-up to hundredths, computed
// on whole hundredths of a point (see WriteResultsXLSX).
func indexFormula(total, max string) string {
	t := fmt.Sprintf("ROUND(%s*100,0)", total)
	m := fmt.Sprintf("ROUND(%s*100,0)", max)
	return fmt.Sprintf("IF(%[2]s<=0,0,SIGN(%[1]s)*QUOTIENT(ABS(%[1]s)*20000+%[2]s,2*%[2]s)/100)", t, m)
}

// bandFormula classifies the index in cell ref by the framework's bands.
func bandFormula(fw *index.Framework, ref string) string {
	expr := `""`
	for i := len(fw.Bands) - 1; i >= 0; i-- {
		b := fw.Bands[i]
		expr = fmt.Sprintf("IF(%s>=%s,%s,%s)", ref, b.Min.String(), quoteText(b.Label), expr)
	}
	return expr
}

func (rw *resultsWriter) blockSheet(name string, b index.Block) error {
	sw, err := rw.x.NewStreamWriter(name)
	if err != nil {
		return err
	}
	st := rw.st
	for c, wd := range [rcCount]float64{7, 14, 42, 11, 11, 10, 10, 11, 11, 11, 12, 12, 12, 11, 11} {
		if err := sw.SetColWidth(c+1, c+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: blockHeaderRow + 1, XSplit: rcName + 1,
		TopLeftCell: cellName(blockHeaderRow+1, rcName+1), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	title := b.Name + " — " + rw.res.Period.Name
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: title}}); err != nil {
		return err
	}
	head := make([]any, rcCount)
	for c, h := range resultHeaders {
		head[c] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow(cellName(blockHeaderRow, 0), head); err != nil {
		return err
	}
	fw, s := rw.fws[b.Code], rw.sect[b.Code]
	units := rw.unitsOf(b.Code)
	first, last := blockHeaderRow+1, blockHeaderRow+len(units)
	c0, c1 := 2, 2+len(fw.Leaves())-1
	row := make([]any, rcCount)
	for k, i := range units {
		u := &rw.res.Units[i]
		r := blockHeaderRow + 1 + k
		lr := s.units[i]
		ref := func(c int) string { return cellName(r, c) }
		f := func(style int, formula string, v any) excelize.Cell {
			return excelize.Cell{StyleID: style, Formula: formula, Value: rw.cached(v)}
		}
		row[rcRank] = f(st.text, fmt.Sprintf("RANK(%s,$%s$%d:$%s$%d,0)", ref(rcIndex), colName(rcIndex), first+1, colName(rcIndex), last+1), u.Rank)
		row[rcCode] = excelize.Cell{StyleID: st.text, Value: u.Code}
		row[rcName] = excelize.Cell{StyleID: st.wrap, Value: u.Name}
		row[rcAppraisal] = f(st.points, sumMethod(s, lr, c0, c1, index.Appraisal), pointsValue(u.Appraisal))
		row[rcSurvey] = f(st.points, sumMethod(s, lr, c0, c1, index.Survey), pointsValue(u.Survey))
		row[rcBonus] = f(st.points, fmt.Sprintf("MIN(%s,%s)", sumMethod(s, lr, c0, c1, index.Bonus), fw.BonusCap), pointsValue(u.Bonus))
		row[rcPenalty] = f(st.points, fmt.Sprintf("MIN(%s,%s)", sumMethod(s, lr, c0, c1, index.Penalty), fw.PenaltyCap), pointsValue(u.Penalty))
		row[rcTotal] = f(st.pointsBold, fmt.Sprintf("SUM(%s:%s)-%s", ref(rcAppraisal), ref(rcBonus), ref(rcPenalty)), pointsValue(u.Total))
		row[rcMax] = f(st.points, fmt.Sprintf("SUM(%s:%s)", ref(rcAppraisalMax), ref(rcSurveyMax)), pointsValue(u.Max))
		row[rcIndex] = f(rw.pct, indexFormula(ref(rcTotal), ref(rcMax)), percentValue(u.Index))
		row[rcAppraisalIndex] = f(st.points, indexFormula(ref(rcAppraisal), ref(rcAppraisalMax)), percentValue(u.AppraisalIndex))
		row[rcSurveyIndex] = f(st.points, indexFormula(ref(rcSurvey), ref(rcSurveyMax)), percentValue(u.SurveyIndex))
		row[rcBand] = f(st.text, bandFormula(fw, ref(rcIndex)), u.Band)
		row[rcAppraisalMax] = f(st.points, maxMethod(s, lr, c0, c1, index.Appraisal), pointsValue(u.AppraisalMax))
		row[rcSurveyMax] = f(st.points, maxMethod(s, lr, c0, c1, index.Survey), pointsValue(u.SurveyMax))
		if err := sw.SetRow(cellName(r, 0), row); err != nil {
			return err
		}
		rw.step()
	}
	return sw.Flush()
}

func (rw *resultsWriter) fieldsSheet() error {
	sw, err := rw.x.NewStreamWriter(SheetFields)
	if err != nil {
		return err
	}
	st := rw.st
	maxFields := 0
	for _, fw := range rw.fws {
		maxFields = max(maxFields, len(fw.ScoredFields()))
	}
	if err := sw.SetColWidth(1, 1, 14); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 42); err != nil {
		return err
	}
	if maxFields > 0 {
		if err := sw.SetColWidth(3, 2+3*maxFields, 10); err != nil {
			return err
		}
	}
	r := 0
	for _, b := range rw.snap.Blocks {
		fw, s := rw.fws[b.Code], rw.sect[b.Code]
		fields := fw.ScoredFields()
		if err := sw.SetRow(cellName(r, 0), []any{excelize.Cell{StyleID: st.title, Value: b.Name + " — " + rw.res.Period.Name}}); err != nil {
			return err
		}
		names := []any{excelize.Cell{StyleID: st.header, Value: ""}, excelize.Cell{StyleID: st.header, Value: ""}}
		cols := []any{excelize.Cell{StyleID: st.header, Value: "Mã đơn vị"}, excelize.Cell{StyleID: st.header, Value: "Tên đơn vị"}}
		for _, f := range fields {
			label := f.Code + ". " + f.Title
			names = append(names, excelize.Cell{StyleID: st.header, Value: label},
				excelize.Cell{StyleID: st.header, Value: f.Code}, excelize.Cell{StyleID: st.header, Value: f.Code})
			cols = append(cols, excelize.Cell{StyleID: st.header, Value: "Điểm"}, excelize.Cell{StyleID: st.header, Value: "Tối đa"},
				excelize.Cell{StyleID: st.header, Value: "Chỉ số (%)"})
		}
		if err := sw.SetRow(cellName(r+1, 0), names); err != nil {
			return err
		}
		if err := sw.SetRow(cellName(r+2, 0), cols); err != nil {
			return err
		}
		r += fieldHeadRows
		row := make([]any, 2+3*len(fields))
		for _, i := range rw.unitsOf(b.Code) {
			u := &rw.res.Units[i]
			lr := s.units[i]
			row[0] = excelize.Cell{StyleID: st.text, Value: u.Code}
			row[1] = excelize.Cell{StyleID: st.wrap, Value: u.Name}
			for k := range fields {
				fr := u.Fields[k]
				c0, c1 := s.fieldCols[k][0], s.fieldCols[k][1]
				pc, mc := 2+3*k, 3+3*k
				row[pc] = excelize.Cell{StyleID: st.points, Value: rw.cached(pointsValue(fr.Points)),
					Formula: sumMethod(s, lr, c0, c1, index.Appraisal) + "+" + sumMethod(s, lr, c0, c1, index.Survey)}
				row[mc] = excelize.Cell{StyleID: st.points, Value: rw.cached(pointsValue(fr.Max)),
					Formula: maxMethod(s, lr, c0, c1, index.Appraisal) + "+" + maxMethod(s, lr, c0, c1, index.Survey)}
				row[4+3*k] = excelize.Cell{StyleID: rw.pct, Value: rw.cached(percentValue(fr.Index)),
					Formula: indexFormula(cellName(r, pc), cellName(r, mc))}
			}
			if err := sw.SetRow(cellName(r, 0), row); err != nil {
				return err
			}
			r++
			rw.step()
		}
		r++
	}
	return sw.Flush()
}

func (rw *resultsWriter) leavesSheet() error {
	sw, err := rw.x.NewStreamWriter(SheetLeaves)
	if err != nil {
		return err
	}
	st := rw.st
	maxLeaves := 0
	for _, fw := range rw.fws {
		maxLeaves = max(maxLeaves, len(fw.Leaves()))
	}
	if err := sw.SetColWidth(1, 1, 14); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 42); err != nil {
		return err
	}
	if maxLeaves > 0 {
		if err := sw.SetColWidth(3, 2+maxLeaves, 9); err != nil {
			return err
		}
	}
	for _, b := range rw.snap.Blocks {
		fw, s := rw.fws[b.Code], rw.sect[b.Code]
		leaves := fw.Leaves()
		title := fmt.Sprintf("%s — %s (%s: không áp dụng)", b.Name, rw.res.Period.Name, NotApplicableMark)
		if err := sw.SetRow(cellName(s.start, 0), []any{excelize.Cell{StyleID: st.title, Value: title}}); err != nil {
			return err
		}
		heads := [4][]any{
			{excelize.Cell{StyleID: st.header, Value: "Mã tiêu chí"}, excelize.Cell{StyleID: st.header, Value: ""}},
			{excelize.Cell{StyleID: st.header, Value: "Lĩnh vực"}, excelize.Cell{StyleID: st.header, Value: ""}},
			{excelize.Cell{StyleID: st.header, Value: "Phương thức"}, excelize.Cell{StyleID: st.header, Value: ""}},
			{excelize.Cell{StyleID: st.header, Value: "Điểm tối đa"}, excelize.Cell{StyleID: st.header, Value: "Mã đơn vị / Tên đơn vị"}},
		}
		for _, l := range leaves {
			heads[0] = append(heads[0], excelize.Cell{StyleID: st.header, Value: l.Code})
			heads[1] = append(heads[1], excelize.Cell{StyleID: st.header, Value: fw.FieldOf(l.Code).Code})
			heads[2] = append(heads[2], excelize.Cell{StyleID: st.header, Value: string(l.Method)})
			heads[3] = append(heads[3], excelize.Cell{StyleID: st.points, Value: pointsValue(l.Max)})
		}
		for k, h := range heads {
			if err := sw.SetRow(cellName(s.codeRow()+k, 0), h); err != nil {
				return err
			}
		}
		row := make([]any, 2+len(leaves))
		for _, i := range rw.unitsOf(b.Code) {
			u := &rw.res.Units[i]
			row[0] = excelize.Cell{StyleID: st.text, Value: u.Code}
			row[1] = excelize.Cell{StyleID: st.text, Value: u.Name}
			for j, lr := range u.Leaves {
				if lr.NA {
					row[2+j] = excelize.Cell{StyleID: st.grey, Value: NotApplicableMark}
				} else {
					row[2+j] = excelize.Cell{StyleID: st.points, Value: pointsValue(lr.Final)}
				}
			}
			if err := sw.SetRow(cellName(s.units[i], 0), row); err != nil {
				return err
			}
			rw.step()
		}
	}
	return sw.Flush()
}
