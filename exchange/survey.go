package exchange

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"parindex/index"
)

// SettingSurveyMapping is the period setting that holds the survey's mapping
// of answers to percentages, as Mapping.String writes it: "A=100,B=60,C=20,D=0".
const SettingSurveyMapping = "survey.mapping"

// AnswerShare is the share of a criterion's points one answer earns.
type AnswerShare struct {
	Answer string        // the answer's label: "A"
	Share  index.Percent // its share of the points: 100 % is Percent(10000)
}

// Mapping maps a questionnaire's answers to percentages of a criterion's
// points (e.g. A/B/C/D → 100/60/20/0 %). Order is the order the answers are
// written in files.
type Mapping []AnswerShare

// DefaultMapping is the common mapping A/B/C/D → 100/60/20/0 %.
func DefaultMapping() Mapping {
	return Mapping{{"A", 10000}, {"B", 6000}, {"C", 2000}, {"D", 0}}
}

// ParseMapping reads a mapping written "A=100,B=60,C=20,D=0". Answers are
// separated by commas, or by semicolons (then a percentage may have a
// decimal comma: "A=100;B=62,5"); "A:100" is accepted for "A=100".
// Percentages are 0 to 100 with at most two decimals; answers are unique
// (case does not matter) and not empty.
func ParseMapping(s string) (Mapping, error) {
	sep := ","
	if strings.Contains(s, ";") {
		sep = ";"
	}
	var m Mapping
	seen := map[string]bool{}
	for _, part := range strings.Split(s, sep) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		label, pct, ok := strings.Cut(part, "=")
		if !ok {
			label, pct, ok = strings.Cut(part, ":")
		}
		label = clean(label)
		if !ok || label == "" {
			return nil, fmt.Errorf("survey mapping %q: %q is not ANSWER=PERCENT", s, part)
		}
		p, err := index.ParsePercent(pct)
		if err != nil {
			return nil, fmt.Errorf("survey mapping %q: answer %s: %w", s, label, err)
		}
		if p < 0 || p > 10000 {
			return nil, fmt.Errorf("survey mapping %q: answer %s: %s %% is not between 0 and 100", s, label, pctShort(p))
		}
		if seen[fold(label)] {
			return nil, fmt.Errorf("survey mapping %q: answer %s appears twice", s, label)
		}
		seen[fold(label)] = true
		m = append(m, AnswerShare{Answer: label, Share: p})
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("survey mapping %q has no answers", s)
	}
	return m, nil
}

// String writes the mapping as ParseMapping reads it: "A=100,B=60,C=20,D=0".
func (m Mapping) String() string {
	parts := make([]string, len(m))
	for i, a := range m {
		parts[i] = a.Answer + "=" + pctShort(a.Share)
	}
	return strings.Join(parts, ",")
}

// find returns the position of an answer (case and accents do not matter), or -1.
func (m Mapping) find(answer string) int {
	f := fold(answer)
	for i, a := range m {
		if fold(a.Answer) == f {
			return i
		}
	}
	return -1
}

// MappingFromSettings returns the mapping stored in a period's settings under
// SettingSurveyMapping, or DefaultMapping when there is none.
func MappingFromSettings(settings map[string]string) (Mapping, error) {
	s := strings.TrimSpace(settings[SettingSurveyMapping])
	if s == "" {
		return DefaultMapping(), nil
	}
	return ParseMapping(s)
}

// pctShort prints a percentage with as few decimals as needed: "100", "62.5".
func pctShort(p index.Percent) string {
	return index.Points(p).Short()
}

// SurveyPoints turns answer counts into points:
//
//	points = max × Σ(countᵢ × shareᵢ) ÷ (Σcountᵢ × 100 %)
//
// computed on integers and rounded half-up to the hundredth once. counts[i]
// is the number of answers m[i]. It refuses negative counts and a row
// without any answer.
func SurveyPoints(max index.Points, counts []int64, m Mapping) (index.Points, error) {
	if len(counts) != len(m) {
		return 0, fmt.Errorf("survey points: %d counts for %d answers", len(counts), len(m))
	}
	num, total := new(big.Int), new(big.Int)
	term := new(big.Int)
	for i, c := range counts {
		if c < 0 {
			return 0, fmt.Errorf("answer %s: count %d is negative", m[i].Answer, c)
		}
		total.Add(total, big.NewInt(c))
		term.SetInt64(c)
		term.Mul(term, big.NewInt(int64(m[i].Share)))
		num.Add(num, term)
	}
	if total.Sign() == 0 {
		return 0, errors.New("no answers were counted")
	}
	// max (hundredths) × Σ(c × share) / (Σc × 10000), half-up.
	num.Mul(num, big.NewInt(int64(max)))
	den := new(big.Int).Mul(total, big.NewInt(10000))
	num.Mul(num, big.NewInt(2))
	num.Add(num, den)
	den.Mul(den, big.NewInt(2))
	num.Quo(num, den)
	if !num.IsInt64() {
		return 0, errors.New("survey points out of range")
	}
	return index.Points(num.Int64()), nil
}

// surveyColumns are the columns of a survey results file. A file has the
// points column or answer counts: one column per answer of the mapping ("A",
// "B", …), or the answer and count columns with one row per answer.
var surveyColumns = []column{
	{key: "unit", header: "Mã đơn vị", aliases: []string{"Đơn vị"}, required: true},
	{key: "name", header: "Tên đơn vị"},
	{key: "criterion", header: "Mã tiêu chí", aliases: []string{"Tiêu chí"}, required: true},
	{key: "title", header: "Nội dung", aliases: []string{"Nội dung tiêu chí"}},
	{key: "max", header: "Điểm tối đa"},
	{key: "points", header: "Điểm điều tra", aliases: []string{"Điểm"}},
	{key: "answer", header: "Phương án", aliases: []string{"Đáp án", "Câu trả lời"}},
	{key: "count", header: "Số phiếu", aliases: []string{"Số lượng", "Số người trả lời"}},
}

// SurveyScores are the survey points a file gives, ready for data.Batch.Survey.
type SurveyScores struct {
	Scores []index.SurveyScore
	// Counted reports whether the points were computed from answer counts.
	Counted bool
	at      []CellProblem
}

// Where returns the cell the i-th score came from (Message is empty).
func (s *SurveyScores) Where(i int) CellProblem { return s.at[i] }

// ReadSurveyXLSX reads survey results from the first sheet of a workbook (or
// the sheet named "Điều tra XHH"); see ReadSurvey for the layouts.
func ReadSurveyXLSX(r io.Reader, name string, snap *index.Snapshot, m Mapping) (*SurveyScores, error) {
	x, err := openXLSX(r, name)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	g, err := loadGrid(x, name, pickSheet(x, 0, SheetSurvey))
	if err != nil {
		return nil, err
	}
	return readSurvey(g, snap, m)
}

// ReadSurveyCSV reads survey results from a CSV file; see ReadSurvey.
func ReadSurveyCSV(r io.Reader, name string, snap *index.Snapshot, m Mapping) (*SurveyScores, error) {
	g, err := loadCSV(r, name)
	if err != nil {
		return nil, err
	}
	return readSurvey(g, snap, m)
}

// ReadSurvey reads survey results from an xlsx workbook or a CSV file (by
// the name's extension) and checks every row against the period's units and
// frameworks. A table has a header row naming its columns (Vietnamese
// headers or the English keys of the CSV files) and one of three layouts:
//
//   - points: Mã đơn vị (unit), Mã tiêu chí (criterion), Điểm điều tra (points);
//   - counts per answer: unit, criterion, then one column per answer of the
//     mapping, headed by its label (A, B, C, D), holding how many answered it;
//   - one row per answer: unit, criterion, Phương án (answer), Số phiếu (count).
//
// Counts become points with SurveyPoints. Columns such as Tên đơn vị (name),
// Nội dung (title) and Điểm tối đa (max) may be present and are not read.
// Empty rows, and rows whose points or counts are all empty, are skipped; a
// file where every row is so is refused.
// Every problem is reported at once in a *SpreadsheetError: an unknown unit
// or criterion, a criterion that is not a survey leaf of the unit's framework,
// points above the max, text where a number belongs, more than two
// decimals, a unit and criterion given twice, an answer not in the mapping.
func ReadSurvey(r io.Reader, name string, snap *index.Snapshot, m Mapping) (*SurveyScores, error) {
	if isCSV(name) {
		return ReadSurveyCSV(r, name, snap, m)
	}
	return ReadSurveyXLSX(r, name, snap, m)
}

// isCSV reports whether a file name ends in .csv (or .txt).
func isCSV(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".txt")
}

func readSurvey(g *grid, snap *index.Snapshot, m Mapping) (*SurveyScores, error) {
	if len(m) == 0 {
		m = DefaultMapping()
	}
	ps := &problems{}
	t := findTable(g, surveyColumns, ps)
	if t == nil {
		return nil, ps.result()
	}
	c := newCouncil(snap)
	// Answer columns: headers that are answers of the mapping; a one-letter
	// header that is not is a mistake worth reporting.
	answerCol := make([]int, len(m))
	for i := range answerCol {
		answerCol[i] = -1
	}
	var cols []int
	for ci := range t.others {
		cols = append(cols, ci)
	}
	sort.Ints(cols)
	nAnswers := 0
	for _, ci := range cols {
		h := t.others[ci]
		if i := m.find(h); i >= 0 {
			answerCol[i] = ci
			nAnswers++
		} else if len([]rune(h)) == 1 {
			p := g.at(t.row, ci, h)
			p.Message = fmt.Sprintf("answer column %q is not in the survey mapping %s", h, m)
			ps.add(p)
		}
	}
	long := t.has("answer") || t.has("count")
	switch {
	case t.has("points") && (nAnswers > 0 || long):
		p := g.at(t.row, -1, "")
		p.Message = "the table has both points and answer counts: keep one layout"
		ps.add(p)
	case long && !(t.has("answer") && t.has("count")):
		p := g.at(t.row, -1, "")
		p.Message = fmt.Sprintf("answer counts one per row need both columns %q and %q", surveyColumns[6].header, surveyColumns[7].header)
		ps.add(p)
	case long && nAnswers > 0:
		p := g.at(t.row, -1, "")
		p.Message = "the table has answer columns and an answer/count pair: keep one layout"
		ps.add(p)
	case !t.has("points") && !long && nAnswers == 0:
		p := g.at(t.row, -1, "")
		p.Message = fmt.Sprintf("no column of results: add %q (points) or one column per answer (%s)", surveyColumns[5].header, m)
		ps.add(p)
	}
	if ps.count > 0 {
		return nil, ps.result()
	}
	out := &SurveyScores{Counted: !t.has("points")}
	type key struct{ unit, crit string }
	seen := map[key]int{} // → row
	type tally struct {
		counts []int64
		at     CellProblem
		leaf   *index.Criterion
		rows   map[int]int // answer → row
	}
	var order []key
	tallies := map[key]*tally{}
	for r := t.row + 1; r < len(g.rows); r++ {
		if t.blank(r) {
			continue
		}
		unit, crit := t.text(r, "unit"), t.text(r, "criterion")
		fail := func(at CellProblem, format string, a ...any) {
			at.Unit, at.Criterion = unit, crit
			at.Message = fmt.Sprintf(format, a...)
			ps.add(at)
		}
		// Points or counts first: a row without any is skipped.
		var pts index.Points
		var counts []int64
		var answer int
		switch {
		case t.has("points"):
			p, blank, err := parsePoints(t.text(r, "points"), g.isNumber(r, t.col["points"]))
			if err != nil {
				fail(t.at(r, "points"), "%v", err)
				continue
			}
			if blank {
				continue
			}
			pts = p
		case long:
			a := t.text(r, "answer")
			n, blank, err := parseInt(t.text(r, "count"), g.isNumber(r, t.col["count"]), "count of answers")
			if err != nil {
				fail(t.at(r, "count"), "%v", err)
				continue
			}
			if a == "" && blank {
				continue
			}
			if answer = m.find(a); answer < 0 {
				fail(t.at(r, "answer"), "answer %q is not in the survey mapping %s", a, m)
				continue
			}
			if n < 0 {
				fail(t.at(r, "count"), "count %d is negative", n)
				continue
			}
			counts = []int64{n}
		default:
			counts = make([]int64, len(m))
			some, bad := false, false
			for i, ci := range answerCol {
				if ci < 0 {
					continue
				}
				n, blank, err := parseInt(g.cell(r, ci), g.isNumber(r, ci), "count of answers")
				if err == nil && n < 0 {
					err = fmt.Errorf("count %d is negative", n)
				}
				if err != nil {
					fail(g.at(r, ci, t.others[ci]), "answer %s: %v", m[i].Answer, err)
					bad = true
					continue
				}
				some = some || !blank
				counts[i] = n
			}
			if bad || !some {
				continue
			}
		}
		if unit == "" {
			fail(t.at(r, "unit"), "the unit code is empty")
			continue
		}
		if crit == "" {
			fail(t.at(r, "criterion"), "the criterion code is empty")
			continue
		}
		_, fw, msg := c.unit(unit)
		if msg != "" {
			fail(t.at(r, "unit"), "%s", msg)
			continue
		}
		leaf, msg := leafOf(fw, crit, g.isNumber(r, t.col["criterion"]))
		if msg != "" {
			fail(t.at(r, "criterion"), "%s", msg)
			continue
		}
		if leaf.Method != index.Survey {
			fail(t.at(r, "criterion"), "%s is an %s criterion, not a survey criterion", crit, leaf.Method)
			continue
		}
		k := key{unit, crit}
		if long {
			tl := tallies[k]
			if tl == nil {
				tl = &tally{counts: make([]int64, len(m)), at: t.at(r, "count"), leaf: leaf, rows: map[int]int{}}
				tallies[k] = tl
				order = append(order, k)
			}
			if prev, dup := tl.rows[answer]; dup {
				fail(t.at(r, "answer"), "answer %s is given twice (first in row %d)", m[answer].Answer, prev+1)
				continue
			}
			tl.rows[answer] = r
			tl.counts[answer] = counts[0]
			continue
		}
		if prev, dup := seen[k]; dup {
			fail(t.g.at(r, -1, ""), "the unit and criterion are given twice (first in row %d)", prev+1)
			continue
		}
		seen[k] = r
		at := t.at(r, "points")
		if counts != nil {
			var err error
			if pts, err = SurveyPoints(leaf.Max, counts, m); err != nil {
				fail(g.at(r, -1, ""), "%v", err)
				continue
			}
			at = g.at(r, -1, "")
		}
		if err := fw.CheckScore(leaf, pts); err != nil {
			fail(at, "%s", scoreMessage(err))
			continue
		}
		at.Unit, at.Criterion = unit, crit
		out.Scores = append(out.Scores, index.SurveyScore{Unit: unit, Criterion: crit, Points: pts})
		out.at = append(out.at, at)
	}
	for _, k := range order {
		tl := tallies[k]
		pts, err := SurveyPoints(tl.leaf.Max, tl.counts, m)
		at := tl.at
		at.Unit, at.Criterion = k.unit, k.crit
		if err != nil {
			at.Message = err.Error()
			ps.add(at)
			continue
		}
		out.Scores = append(out.Scores, index.SurveyScore{Unit: k.unit, Criterion: k.crit, Points: pts})
		out.at = append(out.at, at)
	}
	if len(out.Scores) == 0 && ps.count == 0 {
		p := g.at(-1, -1, "")
		p.Message = "the file holds no survey results: every row's points or answer counts are empty"
		ps.add(p)
	}
	if err := ps.result(); err != nil {
		return nil, err
	}
	return out, nil
}

// scoreMessage words an index.ScoreError without its "criterion X:" prefix,
// which the problem already carries.
func scoreMessage(err error) string {
	var se *index.ScoreError
	if errors.As(err, &se) {
		switch se.Kind {
		case index.ScoreNegative:
			return fmt.Sprintf("%s is negative", se.Value.Short())
		case index.ScoreAboveMax:
			return fmt.Sprintf("%s is above the max %s", se.Value.Short(), se.Max.Short())
		case index.ScoreOffStep:
			return fmt.Sprintf("%s is not a multiple of the step %s", se.Value.Short(), se.Step.Short())
		}
	}
	return err.Error()
}

// SheetSurvey is the sheet of a survey results workbook.
const SheetSurvey = "Điều tra XHH"

// SurveyLayout is the layout WriteSurvey writes.
type SurveyLayout string

// The layouts of a survey file.
const (
	SurveyPointsLayout SurveyLayout = "points" // one row per unit × survey criterion with its points
	SurveyCountsLayout SurveyLayout = "counts" // the same rows with one empty column per answer, to fill
)

// WriteSurvey writes a survey results file for every active unit × survey
// criterion of the period, as an xlsx workbook or a CSV file (by the name's
// extension), in a layout ReadSurvey reads: the points layout holds the
// points the period has (empty where it has none), so that reading the file
// back changes nothing; the counts layout leaves one column per answer of the
// mapping empty for the survey team to fill.
func WriteSurvey(w io.Writer, name string, snap *index.Snapshot, layout SurveyLayout, m Mapping) error {
	if len(m) == 0 {
		m = DefaultMapping()
	}
	cols := []column{surveyColumns[0], surveyColumns[1], surveyColumns[2], surveyColumns[3], surveyColumns[4]}
	switch layout {
	case SurveyPointsLayout, "":
		layout = SurveyPointsLayout
		cols = append(cols, surveyColumns[5])
	case SurveyCountsLayout:
		for _, a := range m {
			cols = append(cols, column{key: a.Answer, header: a.Answer})
		}
	default:
		return fmt.Errorf("exchange: write survey: unknown layout %q", layout)
	}
	have := map[[2]string]index.Points{}
	for _, s := range snap.Survey {
		have[[2]string{s.Unit, s.Criterion}] = s.Points
	}
	c := newCouncil(snap)
	var rows [][]cellValue
	for _, u := range snap.Units {
		if !u.Active {
			continue
		}
		fw := c.fw[u.Block]
		if fw == nil {
			continue
		}
		for _, l := range fw.Leaves() {
			if l.Method != index.Survey {
				continue
			}
			row := []cellValue{txt(u.Code), txt(u.Name), txt(l.Code), txt(l.Title), pts(l.Max)}
			if layout == SurveyPointsLayout {
				if p, ok := have[[2]string{u.Code, l.Code}]; ok {
					row = append(row, pts(p))
				} else {
					row = append(row, cellValue{})
				}
			}
			rows = append(rows, row)
		}
	}
	if isCSV(name) {
		return writeCSVTable(w, cols, rows)
	}
	widths := []float64{14, 36, 12, 50, 12}
	for range cols[5:] {
		widths = append(widths, 14)
	}
	return writeXLSXTable(w, SheetSurvey, cols, rows, widths, "survey results")
}

// cellValue is a value of a simple table: text, or points (written as a
// number in xlsx and with two decimals in CSV), or empty.
type cellValue struct {
	s      string
	p      index.Points
	points bool
}

func txt(s string) cellValue       { return cellValue{s: s} }
func pts(p index.Points) cellValue { return cellValue{p: p, points: true} }
func (v cellValue) empty() bool    { return !v.points && v.s == "" }

// csv is the value as CSV text.
func (v cellValue) csv() string {
	if v.points {
		return v.p.String()
	}
	return v.s
}

// xlsx is the value of an xlsx cell.
func (v cellValue) xlsx() any {
	if v.points {
		return pointsValue(v.p)
	}
	return v.s
}

// writeXLSXTable writes a one-sheet workbook: a header row and the rows.
func writeXLSXTable(w io.Writer, sheet string, cols []column, rows [][]cellValue, widths []float64, what string) error {
	x := excelize.NewFile()
	fail := func(err error) error {
		x.Close()
		return fmt.Errorf("exchange: write %s: %w", what, err)
	}
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	st, err := newStyles(x)
	if err != nil {
		return fail(err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fail(err)
	}
	vals := make([]any, len(cols))
	for r, row := range rows {
		for i := range vals {
			vals[i] = excelize.Cell{StyleID: st.text}
			if i < len(row) && !row[i].empty() {
				style := st.text
				if row[i].points {
					style = st.points
				}
				vals[i] = excelize.Cell{StyleID: style, Value: row[i].xlsx()}
			}
		}
		if err := sw.SetRow(cellName(r+1, 0), vals); err != nil {
			return fail(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fail(err)
	}
	return writeWorkbook(x, w, what)
}
