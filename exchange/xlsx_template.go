package exchange

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"parindex/index"
)

// SheetSelf is the sheet of a self-assessment template.
const SheetSelf = "Tự đánh giá"

// templateColumns are the table columns of a self-assessment template.
var templateColumns = []column{
	{key: "code", header: "Mã tiêu chí", aliases: []string{"criterion", "Mã"}, required: true},
	{key: "title", header: "Nội dung", aliases: []string{"Nội dung tiêu chí"}},
	{key: "guide", header: "Cách chấm"},
	{key: "method", header: "Phương thức"},
	{key: "max", header: "Điểm tối đa"},
	{key: "evidence_required", header: "Yêu cầu TLKC", aliases: []string{"Yêu cầu tài liệu kiểm chứng"}},
	{key: "points", header: "Điểm tự đánh giá", aliases: []string{"self"}, required: true},
	{key: "evidence", header: "Tài liệu kiểm chứng"},
	{key: "explanation", header: "Giải trình"},
}

// selfCSVColumns are the columns of a self-assessment CSV (many units).
var selfCSVColumns = []column{
	{key: "unit", header: "Mã đơn vị", required: true},
	{key: "criterion", header: "Mã tiêu chí", required: true},
	{key: "max", header: "Điểm tối đa"},
	{key: "points", header: "Điểm tự đánh giá", aliases: []string{"self"}, required: true},
	{key: "evidence", header: "Tài liệu kiểm chứng"},
	{key: "explanation", header: "Giải trình"},
}

// The labels of a template's header block (column A above the table), with
// the other labels accepted (folded).
var templateKeys = map[string][]string{
	"unit":      {"don vi", "unit", "ma don vi"},
	"period":    {"ky danh gia", "period", "ky"},
	"framework": {"bo chi so", "framework"},
}

// Row positions of a template (0-based).
const (
	tplUnitRow      = 1
	tplBlockRow     = 2
	tplPeriodRow    = 3
	tplFrameworkRow = 4
	tplTotalRow     = 5
	tplHelpRow      = 6
	tplHeaderRow    = 8
)

// methodLabel is a method in the words of a template.
func methodLabel(m index.Method) string {
	switch m {
	case index.Appraisal:
		return "Thẩm định"
	case index.Survey:
		return "Điều tra XHH"
	case index.Bonus:
		return "Điểm thưởng"
	case index.Penalty:
		return "Điểm trừ"
	}
	return ""
}

// TemplateFileName is the file name of a unit's template: its code with
// characters that file systems refuse replaced, and ".xlsx".
func TemplateFileName(unit string) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < ' ' {
			return '_'
		}
		return r
	}, unit)
	return s + ".xlsx"
}

// WriteSelfTemplate writes the self-assessment template (phiếu tự đánh giá) of
// one unit of the period: a workbook with one sheet, "Tự đánh giá".
//
// Above the table, column A holds labels and column B values: the unit's
// code (row 2, "Đơn vị"), its block (row 3), the period (row 4, "2024
// full-year"), the framework's code (row 5) and the total self-assessed
// appraisal points (row 6, a formula). The table's header is row 9; below it
// one row per node of the unit's framework in order: Mã tiêu chí (code),
// Nội dung (title), Cách chấm (guide), Phương thức (method, in Vietnamese),
// Điểm tối đa (max), Yêu cầu TLKC (evidence required), then the three
// columns the unit fills: Điểm tự đánh giá (self score), Tài liệu kiểm chứng
// (evidence note) and Giải trình (explanation). Rows of fields and criteria
// with sub-criteria sum their children with formulas.
//
// The sheet is protected without a password: only the yellow cells of
// leaves the unit scores (appraisal, bonus and penalty leaves that apply to
// it) can be typed in, and each self score cell only accepts a number from 0
// to the leaf's max. Survey leaves and leaves not applicable to the unit are
// grey. Self-assessments the period already has are filled in, so that
// reading an untouched template back changes nothing.
func WriteSelfTemplate(w io.Writer, snap *index.Snapshot, unit string) error {
	c := newCouncil(snap)
	u, fw, msg := c.unit(unit)
	if msg != "" {
		return fmt.Errorf("exchange: write template: %s", msg)
	}
	x := excelize.NewFile()
	if err := fillTemplate(x, snap, u, c.block[u.Block], fw); err != nil {
		x.Close()
		return fmt.Errorf("exchange: write template of %s: %w", unit, err)
	}
	return writeWorkbook(x, w, "template of "+unit)
}

func fillTemplate(x *excelize.File, snap *index.Snapshot, u index.Unit, b index.Block, fw *index.Framework) error {
	sh := SheetSelf
	if err := x.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	st, err := newStyles(x)
	if err != nil {
		return err
	}
	label, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	totalStyle, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &numFmt2,
		Alignment: &excelize.Alignment{Horizontal: "left"}})
	if err != nil {
		return err
	}
	self := map[string]index.SelfScore{}
	for _, s := range snap.Self {
		if s.Unit == u.Code {
			self[s.Criterion] = s
		}
	}
	na := map[string]bool{}
	for _, n := range snap.NotApplicable {
		if n.Unit == u.Code {
			for _, l := range fw.LeavesUnder(n.Criterion) {
				na[l] = true
			}
		}
	}

	// Lay the table out first: a parent's self cell sums its children's.
	type line struct {
		c    *index.Criterion
		kids []int // lines of the children
		sum  index.Points
	}
	var lines []*line
	var walk func(cs []*index.Criterion) []int
	walk = func(cs []*index.Criterion) []int {
		var out []int
		for _, cr := range cs {
			i := len(lines)
			l := &line{c: cr}
			lines = append(lines, l)
			out = append(out, i)
			if cr.IsLeaf() {
				l.sum = self[cr.Code].Points
				continue
			}
			l.kids = walk(cr.Children)
			for _, k := range l.kids {
				l.sum += lines[k].sum
			}
		}
		return out
	}
	walk(fw.Fields)
	first := tplHeaderRow + 1 // row of lines[0], 0-based
	last := first + len(lines) - 1
	var appraisalTotal index.Points
	for _, l := range lines {
		if l.c.IsLeaf() && l.c.Method == index.Appraisal && !na[l.c.Code] {
			appraisalTotal += l.sum
		}
	}

	sw, err := x.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	for i, wd := range []float64{12, 55, 45, 16, 10, 10, 12, 40, 40} {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: tplHeaderRow + 1,
		TopLeftCell: cellName(tplHeaderRow+1, 0), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	lbl := func(s string) excelize.Cell { return excelize.Cell{StyleID: label, Value: s} }
	head := [][]any{
		{excelize.Cell{StyleID: st.title, Value: "PHIẾU TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"}},
		{lbl("Đơn vị"), u.Code, u.Name},
		{lbl("Khối"), b.Code, b.Name},
		{lbl("Kỳ đánh giá"), periodLabel(snap.Period), snap.Period.Name},
		{lbl("Bộ chỉ số"), fw.Code, fmt.Sprintf("phiên bản %d: %s", fw.Version, fw.Name)},
		{lbl("Tổng điểm tự đánh giá (thẩm định)"), excelize.Cell{StyleID: totalStyle, Value: pointsValue(appraisalTotal),
			Formula: fmt.Sprintf(`SUMIF(D%d:D%d,"%s",G%d:G%d)`, first+1, last+1, methodLabel(index.Appraisal), first+1, last+1)}},
		{lbl("Hướng dẫn"), fmt.Sprintf("Nhập điểm tự đánh giá (từ 0 đến điểm tối đa, bước %s điểm), tài liệu kiểm chứng và giải trình vào các ô màu vàng. "+
			"Không sửa mã tiêu chí và các ô khác; không thêm, xóa hay gộp dòng, cột.", fw.Step.VI())},
	}
	for r, vals := range head {
		if err := sw.SetRow(cellName(r, 0), vals); err != nil {
			return err
		}
	}
	hdr := make([]any, len(templateColumns))
	for i, c := range templateColumns {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	if err := sw.SetRow(cellName(tplHeaderRow, 0), hdr); err != nil {
		return err
	}
	byMax := map[index.Points][]int{} // max → rows of the self cells the unit fills
	for i, l := range lines {
		r := first + i
		cr := l.c
		cell := func(style int, v any) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }
		var row []any
		if !cr.IsLeaf() {
			refs := make([]string, len(l.kids))
			for j, k := range l.kids {
				refs[j] = cellName(first+k, 6)
			}
			row = []any{cell(st.textBold, cr.Code), cell(st.textBold, cr.Title), cell(st.textBold, cr.Guide), cell(st.textBold, ""),
				cell(st.pointsBold, pointsValue(cr.Max)), cell(st.grey, ""),
				excelize.Cell{StyleID: st.greyPoints, Value: pointsValue(l.sum), Formula: "SUM(" + strings.Join(refs, ",") + ")"},
				cell(st.grey, ""), cell(st.grey, "")}
		} else {
			m := methodLabel(cr.Method)
			if na[cr.Code] {
				m += " (không áp dụng)"
			}
			fill, fillPts := st.grey, st.greyPoints
			if cr.Method != index.Survey && !na[cr.Code] {
				fill, fillPts = st.fill, st.fillPoints
				byMax[cr.Max] = append(byMax[cr.Max], r)
			}
			row = []any{cell(st.wrap, cr.Code), cell(st.wrap, cr.Title), cell(st.wrap, cr.Guide), cell(st.wrap, m),
				cell(st.points, pointsValue(cr.Max)), cell(st.wrap, formatBool(cr.EvidenceRequired)),
				cell(fillPts, nil), cell(fill, nil), cell(fill, nil)}
			if s, ok := self[cr.Code]; ok {
				row[6], row[7], row[8] = cell(fillPts, pointsValue(s.Points)), cell(fill, s.Evidence), cell(fill, s.Explanation)
			}
		}
		if err := sw.SetRow(cellName(r, 0), row); err != nil {
			return err
		}
	}
	// Each self score: a number from 0 to the leaf's max. Validations and
	// protection go on the sheet before the stream is flushed, which writes them.
	for _, mx := range sortedPoints(byMax) {
		var refs []string
		for _, r := range byMax[mx] {
			refs = append(refs, cellName(r, 6))
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(strings.Join(refs, " "))
		if err := dv.SetRange(0, pointsValue(mx), excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "Điểm không hợp lệ",
			fmt.Sprintf("Điểm tự đánh giá là một số từ 0 đến %s.", mx.VI()))
		if err := x.AddDataValidation(sh, dv); err != nil {
			return err
		}
	}
	if err := x.ProtectSheet(sh, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true,
	}); err != nil {
		return err
	}
	return sw.Flush()
}

// sortedPoints returns the keys of m in increasing order.
func sortedPoints(m map[index.Points][]int) []index.Points {
	out := make([]index.Points, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// SelfScores are the self-assessments a file gives, ready for data.Batch.Self.
type SelfScores struct {
	Scores []index.SelfScore
	at     []CellProblem
}

// Where returns the cell the i-th score came from (Message is empty).
func (s *SelfScores) Where(i int) CellProblem { return s.at[i] }

// add appends the scores of other.
func (s *SelfScores) add(other *SelfScores) {
	s.Scores = append(s.Scores, other.Scores...)
	s.at = append(s.at, other.at...)
}

// ReadSelf reads self-assessments from a filled template (xlsx) or a CSV file,
// by the name's extension; see ReadSelfXLSX and ReadSelfCSV.
func ReadSelf(r io.Reader, name string, snap *index.Snapshot) (*SelfScores, error) {
	if isCSV(name) {
		return ReadSelfCSV(r, name, snap)
	}
	return ReadSelfXLSX(r, name, snap)
}

// ReadSelfXLSX reads a filled self-assessment template (WriteSelfTemplate)
// and checks it against the period. (A sheet laid out as the CSV of
// ReadSelfCSV, with a unit column, is read as such.) The unit is the code beside "Đơn vị"
// above the table; "Kỳ đánh giá" (period) and "Bộ chỉ số" (framework), when
// present, must be the period's and the unit's. Leaf rows with a self score
// become self-assessments; rows of fields and criteria with sub-criteria are
// not read; a leaf row with an empty score is skipped unless it has an
// evidence note or an explanation; a template without any score is refused.
// Scores are numbers, or text with a decimal comma or point, of at most two
// decimals.
//
// Every problem is reported at once in a *SpreadsheetError naming the sheet,
// row, column and criterion: an unknown unit or code, a criterion given
// twice, a self score on a survey leaf, a score above the max or off the
// framework's step, text where a number belongs, a merged or missing header.
func ReadSelfXLSX(r io.Reader, name string, snap *index.Snapshot) (*SelfScores, error) {
	x, err := openXLSX(r, name)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	g, err := loadGrid(x, name, pickSheet(x, 0, SheetSelf))
	if err != nil {
		return nil, err
	}
	if findTable(g, selfCSVColumns, &problems{}) != nil {
		return readSelfList(g, snap) // one row per unit and criterion, as in the CSV
	}
	return readTemplate(g, snap)
}

func readTemplate(g *grid, snap *index.Snapshot) (*SelfScores, error) {
	ps := &problems{}
	t := findTable(g, templateColumns, ps)
	if t == nil {
		return nil, ps.result()
	}
	c := newCouncil(snap)
	// The header block above the table.
	vals := map[string]string{}
	rows := map[string]int{}
	for r := 0; r < t.row; r++ {
		l := fold(g.cell(r, 0))
		for k, labels := range templateKeys {
			for _, lb := range labels {
				if l == lb {
					if _, dup := rows[k]; !dup {
						vals[k], rows[k] = clean(g.cell(r, 1)), r
					}
				}
			}
		}
	}
	unit := vals["unit"]
	if unit == "" {
		p := g.at(-1, -1, "")
		if r, ok := rows["unit"]; ok {
			p = g.at(r, 1, "")
		}
		p.Message = "no unit code: above the table, the row \"Đơn vị\" must hold the unit's code in column B"
		ps.add(p)
		return nil, ps.result()
	}
	u, fw, msg := c.unit(unit)
	if msg != "" {
		p := g.at(rows["unit"], 1, "")
		p.Unit, p.Message = unit, msg
		ps.add(p)
		return nil, ps.result()
	}
	if pv, ok := vals["period"]; ok && pv != "" && fold(pv) != fold(periodLabel(snap.Period)) {
		p := g.at(rows["period"], 1, "")
		p.Unit = unit
		p.Message = fmt.Sprintf("the template is for period %s, not for period %s", pv, periodLabel(snap.Period))
		ps.add(p)
	}
	if fv, ok := vals["framework"]; ok && fv != "" && fv != fw.Code {
		p := g.at(rows["framework"], 1, "")
		p.Unit = unit
		p.Message = fmt.Sprintf("the template was made for framework %s, but the unit's block %s uses framework %s: export a new template",
			fv, u.Block, fw.Code)
		ps.add(p)
	}
	if ps.count > 0 {
		return nil, ps.result()
	}
	out := &SelfScores{}
	seen := map[string]int{}
	for r := t.row + 1; r < len(g.rows); r++ {
		if t.blank(r) {
			continue
		}
		code := t.text(r, "code")
		s, ok := checkSelfRow(t, r, unit, "code", fw, seen, ps, true)
		if ok {
			at := t.at(r, "points")
			at.Unit, at.Criterion = unit, code
			out.Scores = append(out.Scores, s)
			out.at = append(out.at, at)
		}
	}
	if len(out.Scores) == 0 && ps.count == 0 {
		p := g.at(-1, -1, "")
		p.Unit, p.Message = unit, "the template holds no self-assessment: every self score cell is empty"
		ps.add(p)
	}
	if err := ps.result(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkSelfRow reads and checks the self score of row r, whose criterion code
// is in column codeKey; ok is false when the row gives none (skipped, or a
// problem was recorded). parents says whether rows of non-leaf criteria may
// appear (a template) and are skipped.
func checkSelfRow(t *table, r int, unit, codeKey string, fw *index.Framework, seen map[string]int, ps *problems, parents bool) (index.SelfScore, bool) {
	code := t.text(r, codeKey)
	ptsText := t.text(r, "points")
	ev, ex := t.text(r, "evidence"), t.text(r, "explanation")
	fail := func(key, format string, a ...any) {
		p := t.at(r, key)
		p.Unit, p.Criterion = unit, code
		p.Message = fmt.Sprintf(format, a...)
		ps.add(p)
	}
	if code == "" {
		if ptsText != "" || ev != "" || ex != "" {
			fail(codeKey, "the criterion code is empty")
		}
		return index.SelfScore{}, false
	}
	k := unit + "\x00" + code
	if prev, dup := seen[k]; dup {
		fail(codeKey, "the criterion is given twice (first in row %d)", prev+1)
		return index.SelfScore{}, false
	}
	seen[k] = r
	cr := fw.Find(code)
	if cr != nil && !cr.IsLeaf() && parents {
		return index.SelfScore{}, false
	}
	if cr == nil || !cr.IsLeaf() {
		_, msg := leafOf(fw, code, t.g.isNumber(r, t.col[codeKey]))
		fail(codeKey, "%s", msg)
		return index.SelfScore{}, false
	}
	p, blank, err := parsePoints(ptsText, t.g.isNumber(r, t.col["points"]))
	switch {
	case err != nil:
		fail("points", "%v", err)
		return index.SelfScore{}, false
	case blank && (ev != "" || ex != ""):
		fail("points", "an evidence note or an explanation without a self score: give the score too")
		return index.SelfScore{}, false
	case blank:
		return index.SelfScore{}, false
	case cr.Method == index.Survey:
		fail("points", "a survey criterion: its points come from the survey, leave the self score empty")
		return index.SelfScore{}, false
	}
	if err := fw.CheckScore(cr, p); err != nil {
		fail("points", "%s", scoreMessage(err))
		return index.SelfScore{}, false
	}
	return index.SelfScore{Unit: unit, Criterion: code, Points: p, Evidence: ev, Explanation: ex}, true
}

// ReadSelfCSV reads self-assessments of any number of units from a CSV file
// with the columns unit, criterion, points, evidence and explanation (max
// may be present and is not read), as WriteSelfCSV writes them. Rows with an
// empty score are skipped, a file without any score is refused; the checks
// are those of ReadSelfXLSX.
func ReadSelfCSV(r io.Reader, name string, snap *index.Snapshot) (*SelfScores, error) {
	g, err := loadCSV(r, name)
	if err != nil {
		return nil, err
	}
	return readSelfList(g, snap)
}

// readSelfList reads self-assessments of any units, one row per unit and criterion.
func readSelfList(g *grid, snap *index.Snapshot) (*SelfScores, error) {
	ps := &problems{}
	t := findTable(g, selfCSVColumns, ps)
	if t == nil {
		return nil, ps.result()
	}
	c := newCouncil(snap)
	out := &SelfScores{}
	seen := map[string]int{}
	for r := t.row + 1; r < len(g.rows); r++ {
		if t.blank(r) {
			continue
		}
		unit, code := t.text(r, "unit"), t.text(r, "criterion")
		if unit == "" {
			p := t.at(r, "unit")
			p.Criterion, p.Message = code, "the unit code is empty"
			ps.add(p)
			continue
		}
		_, fw, msg := c.unit(unit)
		if msg != "" {
			p := t.at(r, "unit")
			p.Unit, p.Message = unit, msg
			ps.add(p)
			continue
		}
		s, ok := checkSelfRow(t, r, unit, "criterion", fw, seen, ps, false)
		if ok {
			at := t.at(r, "points")
			at.Unit, at.Criterion = unit, code
			out.Scores = append(out.Scores, s)
			out.at = append(out.at, at)
		}
	}
	if len(out.Scores) == 0 && ps.count == 0 {
		p := g.at(-1, -1, "")
		p.Message = "the file holds no self-assessment: every points cell is empty"
		ps.add(p)
	}
	if err := ps.result(); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteSelfCSV writes one row per leaf each given unit self-assesses
// (appraisal, bonus and penalty leaves; all active units when units is
// empty), with the columns unit, criterion, max, points, evidence and
// explanation, filled with the self-assessments the period has. ReadSelfCSV
// reads it back.
func WriteSelfCSV(w io.Writer, snap *index.Snapshot, units ...string) error {
	c := newCouncil(snap)
	want := map[string]bool{}
	for _, u := range units {
		if _, _, msg := c.unit(u); msg != "" {
			return fmt.Errorf("exchange: write self-assessments: %s", msg)
		}
		want[u] = true
	}
	self := map[[2]string]index.SelfScore{}
	for _, s := range snap.Self {
		self[[2]string{s.Unit, s.Criterion}] = s
	}
	var rows [][]cellValue
	for _, u := range snap.Units {
		if !u.Active || (len(want) > 0 && !want[u.Code]) {
			continue
		}
		fw := c.fw[u.Block]
		if fw == nil {
			continue
		}
		for _, l := range fw.Leaves() {
			if l.Method == index.Survey {
				continue
			}
			row := []cellValue{txt(u.Code), txt(l.Code), pts(l.Max), {}, {}, {}}
			if s, ok := self[[2]string{u.Code, l.Code}]; ok {
				row[3], row[4], row[5] = pts(s.Points), txt(s.Evidence), txt(s.Explanation)
			}
			rows = append(rows, row)
		}
	}
	return writeCSVTable(w, selfCSVColumns, rows)
}
