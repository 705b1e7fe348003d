package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"parindex/index"
)

// MaxSpreadsheetSize is the largest xlsx or CSV file the readers accept: 64 MiB.
// A national survey file of 3,321 units is a few MiB.
const MaxSpreadsheetSize = 64 << 20

// maxProblems is how many problems a SpreadsheetError lists; Count has them all.
const maxProblems = 100

// headerScanRows is how many rows from the top of a sheet are searched for
// the header row of a table.
const headerScanRows = 40

// Progress is told how much of a long import or export is done: done of
// total steps (files, units). It is called from the goroutine doing the work,
// at most about a hundred times per call; it may be nil.
type Progress func(done, total int)

// report calls p, if any.
func (p Progress) report(done, total int) {
	if p != nil {
		p(done, total)
	}
}

// every returns how many steps of total to let pass between reports, so that
// a long loop reports about a hundred times.
func every(total int) int { return max(1, total/100) }

// CellProblem is one thing wrong with a spreadsheet (xlsx) or CSV file: where
// it is, which unit and criterion it concerns, and what is wrong.
type CellProblem struct {
	File      string // the file name given to the reader
	Sheet     string // the sheet's name; "" for a CSV file
	Row       int    // 1-based row as a spreadsheet shows it (for CSV: the record number); 0 for the whole sheet or file
	Column    string // column letters ("D"); "" for the whole row
	Header    string // the column's header, when known
	Unit      string // the unit code concerned, if any
	Criterion string // the criterion code concerned, if any
	Message   string // what is wrong, in plain words
}

// String gives the problem in one line:
//
//	units.xlsx: sheet "Đơn vị", row 12, column C (Khối): unit XP-001: block "XX" does not exist
func (p CellProblem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	var where []string
	if p.Sheet != "" {
		where = append(where, fmt.Sprintf("sheet %q", p.Sheet))
	}
	if p.Row > 0 {
		where = append(where, "row "+strconv.Itoa(p.Row))
	}
	if p.Column != "" {
		c := "column " + p.Column
		if p.Header != "" {
			c += " (" + p.Header + ")"
		}
		where = append(where, c)
	}
	if len(where) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(where, ", "))
	}
	b.WriteString(": ")
	if p.Unit != "" {
		b.WriteString("unit " + p.Unit + ": ")
	}
	if p.Criterion != "" {
		b.WriteString("criterion " + p.Criterion + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// SpreadsheetError is returned by the spreadsheet and CSV readers and imports
// when a file cannot be used. Nothing has been changed when it is returned.
// Its message has one line a problem (at most 100; Count has them all), each
// naming the file, sheet, row, column, unit and criterion concerned.
type SpreadsheetError struct {
	Problems []CellProblem // at least one
	Count    int           // every problem found, listed or not
	Err      error         // the underlying error (from excelize, the store, …) or nil
}

// Error lists the problems, one a line.
func (e *SpreadsheetError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	if more := e.Count - len(e.Problems); more > 0 {
		fmt.Fprintf(&b, "\n(and %d more problems)", more)
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *SpreadsheetError) Unwrap() error { return e.Err }

// problems collects the problems of one import.
type problems struct {
	list  []CellProblem
	count int
	err   error
}

func (ps *problems) add(p CellProblem) {
	ps.count++
	if len(ps.list) < maxProblems {
		ps.list = append(ps.list, p)
	}
}

// merge adds every problem of a *SpreadsheetError, or err as a file-level
// problem of file.
func (ps *problems) merge(file string, err error) {
	var se *SpreadsheetError
	if errors.As(err, &se) {
		for _, p := range se.Problems {
			ps.add(p)
		}
		ps.count += se.Count - len(se.Problems)
		if ps.err == nil {
			ps.err = se.Err
		}
		return
	}
	ps.add(CellProblem{File: file, Message: err.Error()})
	if ps.err == nil {
		ps.err = err
	}
}

// result returns nil or the *SpreadsheetError holding the problems.
func (ps *problems) result() error {
	if ps.count == 0 {
		return nil
	}
	return &SpreadsheetError{Problems: ps.list, Count: ps.count, Err: ps.err}
}

// fileProblem is a *SpreadsheetError about a whole file.
func fileProblem(file string, err error, format string, a ...any) error {
	return &SpreadsheetError{Problems: []CellProblem{{File: file, Message: fmt.Sprintf(format, a...)}}, Count: 1, Err: err}
}

// cellRange is a merged range of cells, 0-based and inclusive.
type cellRange struct {
	r0, c0, r1, c1 int
	ref            string // "C5:D5"
}

// grid is one sheet of a workbook, or a CSV file, as text cells: what the
// table readers need to find a header, read values and point at a cell.
type grid struct {
	file    string
	sheet   string     // "" for a CSV file
	rows    [][]string // rows[r][c], 0-based
	merged  []cellRange
	numeric func(r, c int) bool // whether a cell holds a number (xlsx only)
}

// cell returns the trimmed text of a cell, "" outside the grid.
func (g *grid) cell(r, c int) string {
	if r < 0 || r >= len(g.rows) || c < 0 || c >= len(g.rows[r]) {
		return ""
	}
	return strings.TrimSpace(g.rows[r][c])
}

// isNumber reports whether a cell holds a number (never true for CSV).
func (g *grid) isNumber(r, c int) bool {
	return g.numeric != nil && g.numeric(r, c)
}

// at names a cell (0-based) for a problem; c < 0 names the whole row, r < 0
// the whole sheet.
func (g *grid) at(r, c int, header string) CellProblem {
	p := CellProblem{File: g.file, Sheet: g.sheet}
	if r >= 0 {
		p.Row = r + 1
	}
	if c >= 0 {
		p.Column = colName(c)
		p.Header = header
	}
	return p
}

// colName turns a 0-based column number into letters: 0 → A, 27 → AB.
func colName(c int) string {
	name, err := excelize.ColumnNumberToName(c + 1)
	if err != nil {
		return strconv.Itoa(c + 1)
	}
	return name
}

// cellName is the A1 reference of a 0-based cell.
func cellName(r, c int) string { return colName(c) + strconv.Itoa(r+1) }

// openXLSX reads a whole workbook from r with size limits. The file is kept in
// memory; call Close on the result.
func openXLSX(r io.Reader, name string) (*excelize.File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSpreadsheetSize+1))
	if err != nil {
		return nil, fileProblem(name, err, "cannot read the file: %v", err)
	}
	if len(data) > MaxSpreadsheetSize {
		return nil, fileProblem(name, nil, "the file is larger than %d MiB", MaxSpreadsheetSize>>20)
	}
	if len(data) == 0 {
		return nil, fileProblem(name, nil, "the file is empty")
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			return nil, fileProblem(name, nil, "this is an old Excel 97-2003 (.xls) file or a password-protected workbook: save it as an Excel Workbook (.xlsx) without a password")
		}
		return nil, fileProblem(name, nil, "not an xlsx workbook: save it as an Excel Workbook (.xlsx)")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    4 * MaxSpreadsheetSize,
		UnzipXMLSizeLimit: 2 * MaxSpreadsheetSize,
	})
	if err != nil {
		return nil, fileProblem(name, err, "not a readable xlsx workbook: %v", err)
	}
	return f, nil
}

// pickSheet returns the first sheet whose name matches one of names (folded:
// case and accents do not matter), else the sheet at position fallback (0-based)
// when it exists, else "".
func pickSheet(f *excelize.File, fallback int, names ...string) string {
	list := f.GetSheetList()
	for _, s := range list {
		for _, n := range names {
			if fold(s) == fold(n) {
				return s
			}
		}
	}
	if fallback >= 0 && fallback < len(list) {
		return list[fallback]
	}
	return ""
}

// loadGrid reads every row of a sheet as raw text (numbers as stored, not as
// formatted), with its merged ranges.
func loadGrid(f *excelize.File, file, sheet string) (*grid, error) {
	g := &grid{file: file, sheet: sheet}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fileProblem(file, err, "sheet %q cannot be read: %v", sheet, err)
	}
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			rows.Close()
			return nil, fileProblem(file, err, "sheet %q cannot be read: %v", sheet, err)
		}
		g.rows = append(g.rows, cols)
	}
	if err := rows.Close(); err != nil {
		return nil, fileProblem(file, err, "sheet %q cannot be read: %v", sheet, err)
	}
	// Trailing empty rows say nothing.
	for len(g.rows) > 0 && len(g.rows[len(g.rows)-1]) == 0 {
		g.rows = g.rows[:len(g.rows)-1]
	}
	mc, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, fileProblem(file, err, "sheet %q: cannot read its merged cells: %v", sheet, err)
	}
	for _, m := range mc {
		c0, r0, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		g.merged = append(g.merged, cellRange{r0: r0 - 1, c0: c0 - 1, r1: r1 - 1, c1: c1 - 1,
			ref: m.GetStartAxis() + ":" + m.GetEndAxis()})
	}
	g.numeric = func(r, c int) bool {
		t, err := f.GetCellType(sheet, cellName(r, c))
		return err == nil && (t == excelize.CellTypeNumber || t == excelize.CellTypeUnset)
	}
	return g, nil
}

// fold makes a header or a keyword comparable: NFC, lower case, Vietnamese
// accents removed (đ → d), inner runs of spaces made one space.
func fold(s string) string {
	s = norm.NFD.String(strings.ToLower(strings.TrimSpace(s)))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case unicode.IsSpace(r) || r == '_':
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// column describes a column of a table: the key the code uses, the header
// written in files (Vietnamese) and other headers accepted on reading.
type column struct {
	key      string
	header   string
	aliases  []string
	required bool
}

// matches reports whether a header cell names the column.
func (c column) matches(folded string) bool {
	if folded == fold(c.header) || folded == fold(c.key) {
		return true
	}
	for _, a := range c.aliases {
		if folded == fold(a) {
			return true
		}
	}
	return false
}

// table is a located table of a grid: its header row and where each column is.
type table struct {
	g      *grid
	row    int            // 0-based header row
	col    map[string]int // column key → 0-based column
	head   map[string]string
	others map[int]string // unrecognised header cells: column → text
}

// has reports whether the table has the column.
func (t *table) has(key string) bool { _, ok := t.col[key]; return ok }

// text returns the trimmed text of a column in row r ("" when the table
// lacks the column), normalised to NFC.
func (t *table) text(r int, key string) string {
	c, ok := t.col[key]
	if !ok {
		return ""
	}
	return clean(t.g.cell(r, c))
}

// at names the cell of column key in row r for a problem.
func (t *table) at(r int, key string) CellProblem {
	c, ok := t.col[key]
	if !ok {
		return t.g.at(r, -1, "")
	}
	return t.g.at(r, c, t.head[key])
}

// blank reports whether every cell of row r is empty.
func (t *table) blank(r int) bool {
	if r >= len(t.g.rows) {
		return true
	}
	for _, v := range t.g.rows[r] {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// findTable locates the header row of a table in the first rows of g: the
// first row holding every required column. It reports a missing or
// duplicated column, and merged cells in the header row or in the columns
// read below it.
func findTable(g *grid, cols []column, ps *problems) *table {
	type cand struct {
		row   int
		found map[string]int
		dup   string
	}
	var best *cand
	for r := 0; r < len(g.rows) && r < headerScanRows; r++ {
		c := &cand{row: r, found: map[string]int{}}
		for ci := range g.rows[r] {
			h := fold(g.cell(r, ci))
			if h == "" {
				continue
			}
			for _, col := range cols {
				if col.matches(h) {
					if prev, dup := c.found[col.key]; dup && c.dup == "" {
						c.dup = fmt.Sprintf("columns %s and %s both hold %q: keep one", colName(prev), colName(ci), col.header)
					}
					if _, dup := c.found[col.key]; !dup {
						c.found[col.key] = ci
					}
					break
				}
			}
		}
		complete := true
		for _, col := range cols {
			if _, ok := c.found[col.key]; col.required && !ok {
				complete = false
			}
		}
		if complete {
			best = c
			break
		}
		if len(c.found) >= 2 && (best == nil || len(c.found) > len(best.found)) {
			best = c
		}
	}
	var names []string
	for _, col := range cols {
		if col.required {
			names = append(names, fmt.Sprintf("%q", col.header))
		}
	}
	if best == nil {
		p := g.at(-1, -1, "")
		p.Message = fmt.Sprintf("no header row: the table must start with a row naming its columns %s", strings.Join(names, ", "))
		if len(g.rows) == 0 {
			p.Message = "the sheet is empty: " + p.Message
		}
		ps.add(p)
		return nil
	}
	t := &table{g: g, row: best.row, col: best.found, head: map[string]string{}, others: map[int]string{}}
	ok := true
	for _, col := range cols {
		if ci, found := t.col[col.key]; found {
			t.head[col.key] = g.cell(best.row, ci)
		} else if col.required {
			p := g.at(best.row, -1, "")
			p.Message = fmt.Sprintf("column %q (%s) is missing from the header row", col.header, col.key)
			ps.add(p)
			ok = false
		}
	}
	if best.dup != "" {
		p := g.at(best.row, -1, "")
		p.Message = best.dup
		ps.add(p)
		ok = false
	}
	for ci := range g.rows[best.row] {
		if h := g.cell(best.row, ci); h != "" {
			known := false
			for _, c := range t.col {
				if c == ci {
					known = true
				}
			}
			if !known {
				t.others[ci] = h
			}
		}
	}
	for _, m := range g.merged {
		if m.r1 < best.row {
			continue
		}
		hit := m.r0 <= best.row && best.row <= m.r1
		for _, ci := range t.col {
			if m.c0 <= ci && ci <= m.c1 {
				hit = true
			}
		}
		if hit {
			p := g.at(m.r0, m.c0, "")
			if m.r0 <= best.row {
				p.Message = fmt.Sprintf("merged header cells %s: unmerge them and give every column its own header", m.ref)
			} else {
				p.Message = fmt.Sprintf("merged cells %s: unmerge them (a merged cell keeps its value only in its first cell)", m.ref)
			}
			ps.add(p)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return t
}

// maxAbsCount bounds an answer count.
const maxAbsCount = 1_000_000_000

// parsePoints reads a number of points written as text ("92,5", "92.5") or
// held by a numeric cell. A numeric cell's binary value is accepted when its
// shortest decimal form has at most two decimals: Excel may store a typed 1.1
// as 1.1000000000000001, the same binary number, while 0.1 + 0.2 is
// 0.30000000000000004, which is refused. blank is true for an empty cell.
func parsePoints(text string, numeric bool) (p index.Points, blank bool, err error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, true, nil
	}
	p, err = index.ParsePoints(t)
	if err != nil && numeric {
		if f, ferr := strconv.ParseFloat(t, 64); ferr == nil {
			short := strconv.FormatFloat(f, 'f', -1, 64)
			if p, err = index.ParsePoints(short); err != nil {
				if strings.Contains(err.Error(), "decimals") {
					return 0, false, fmt.Errorf("%s has more than two decimals", short)
				}
				return 0, false, fmt.Errorf("%s is out of range", short)
			}
		}
	}
	if err != nil {
		if strings.Contains(err.Error(), "decimals") {
			return 0, false, fmt.Errorf("%s has more than two decimals", t)
		}
		return 0, false, fmt.Errorf("text where a number belongs: %q is not a number of points", t)
	}
	if p > maxAbsPoints || p < -maxAbsPoints {
		return 0, false, fmt.Errorf("%s is out of range", t)
	}
	return p, false, nil
}

// parseInt reads a whole number written as text or held by a numeric cell.
func parseInt(text string, numeric bool, what string) (int64, bool, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, true, nil
	}
	if v, err := strconv.ParseInt(strings.TrimPrefix(t, "+"), 10, 64); err == nil && v > -maxAbsCount && v < maxAbsCount {
		return v, false, nil
	}
	if numeric {
		if f, err := strconv.ParseFloat(t, 64); err == nil && f == float64(int64(f)) && f > -maxAbsCount && f < maxAbsCount {
			return int64(f), false, nil
		}
	}
	return 0, false, fmt.Errorf("text where a number belongs: %q is not a whole number (%s)", t, what)
}

// parseBool reads yes/no as written by people: x, có, yes, true, 1 or an
// Excel TRUE for yes; empty, không, no, false, 0 for no.
func parseBool(text string) (bool, error) {
	switch fold(text) {
	case "", "khong", "no", "n", "false", "0", "sai", "-":
		return false, nil
	case "x", "co", "yes", "y", "true", "1", "dung":
		return true, nil
	}
	return false, fmt.Errorf("%q is not yes or no (write \"có\" or leave the cell empty)", strings.TrimSpace(text))
}

// formatBool is how the writers write yes/no.
func formatBool(b bool) string {
	if b {
		return "có"
	}
	return ""
}

// pointsValue is the cell value of a number of points: a float64 whose
// shortest form is the exact decimal (9276 → 92.76).
func pointsValue(p index.Points) float64 {
	v, _ := strconv.ParseFloat(p.String(), 64)
	return v
}

// percentValue is the cell value of a percentage.
func percentValue(p index.Percent) float64 {
	v, _ := strconv.ParseFloat(p.String(), 64)
	return v
}

// numFmt2 is the number format of points and percentages: two decimals, shown
// with the reader's own decimal separator.
var numFmt2 = "0.00"

// sheetStyles are the cell styles the writers share.
type sheetStyles struct {
	title, header, text, wrap, points, pointsBold, textBold, fill, fillPoints, grey, greyPoints int
}

// newStyles registers the shared styles in a workbook.
func newStyles(f *excelize.File) (*sheetStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	top := &excelize.Alignment{Vertical: "top"}
	wrap := &excelize.Alignment{Vertical: "top", WrapText: true}
	yellow := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}}
	unlocked := &excelize.Protection{Locked: false}
	s := &sheetStyles{}
	specs := []struct {
		dst *int
		st  excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Vertical: "center", Horizontal: "center", WrapText: true}}},
		{&s.text, excelize.Style{Border: border, Alignment: top}},
		{&s.wrap, excelize.Style{Border: border, Alignment: wrap}},
		{&s.points, excelize.Style{Border: border, Alignment: top, CustomNumFmt: &numFmt2}},
		{&s.pointsBold, excelize.Style{Border: border, Alignment: top, CustomNumFmt: &numFmt2, Font: &excelize.Font{Bold: true}}},
		{&s.textBold, excelize.Style{Border: border, Alignment: wrap, Font: &excelize.Font{Bold: true}}},
		{&s.fill, excelize.Style{Border: border, Alignment: wrap, Fill: yellow, Protection: unlocked}},
		{&s.fillPoints, excelize.Style{Border: border, Alignment: top, Fill: yellow, Protection: unlocked, CustomNumFmt: &numFmt2}},
		{&s.grey, excelize.Style{Border: border, Alignment: wrap, Fill: grey}},
		{&s.greyPoints, excelize.Style{Border: border, Alignment: top, Fill: grey, CustomNumFmt: &numFmt2}},
	}
	for _, sp := range specs {
		id, err := f.NewStyle(&sp.st)
		if err != nil {
			return nil, fmt.Errorf("new style: %w", err)
		}
		*sp.dst = id
	}
	return s, nil
}

// headerRow returns the headers of cols.
func headerRow(cols []column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.header
	}
	return out
}

// writeWorkbook writes f to w and closes it.
func writeWorkbook(f *excelize.File, w io.Writer, what string) error {
	defer f.Close()
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("exchange: write %s: %w", what, err)
	}
	return nil
}

// setRow writes values from cell (A1 reference) on with the non-streaming API.
func setRow(f *excelize.File, sheet string, r int, values []any) error {
	ref := cellName(r, 0)
	return f.SetSheetRow(sheet, ref, &values)
}

// sheetName makes a valid, unique sheet name from s: no []:*?/\ characters,
// at most 31 characters.
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		s = "Sheet"
	}
	r := []rune(s)
	if len(r) > 31 {
		r = r[:31]
	}
	name := string(r)
	for i := 2; used[fold(name)]; i++ {
		suffix := "-" + strconv.Itoa(i)
		base := []rune(s)
		if len(base)+len(suffix) > 31 {
			base = base[:31-len(suffix)]
		}
		name = string(base) + suffix
	}
	used[fold(name)] = true
	return name
}

// council is what the readers check rows against: a period's units and the
// framework of each block.
type council struct {
	snap  *index.Snapshot
	units map[string]index.Unit
	fw    map[string]*index.Framework // block code → framework
	block map[string]index.Block
}

func newCouncil(snap *index.Snapshot) *council {
	c := &council{snap: snap, units: map[string]index.Unit{}, fw: map[string]*index.Framework{}, block: map[string]index.Block{}}
	if snap == nil {
		return c
	}
	for _, b := range snap.Blocks {
		c.block[b.Code] = b
		c.fw[b.Code] = snap.Frameworks[b.Framework]
	}
	for _, u := range snap.Units {
		c.units[u.Code] = u
	}
	return c
}

// periodLabel names a period as the store does: "2024 full-year".
func periodLabel(p index.Period) string { return fmt.Sprintf("%d %s", p.Year, p.Round) }

// unit finds an active unit and its framework; msg says why not.
func (c *council) unit(code string) (index.Unit, *index.Framework, string) {
	u, ok := c.units[code]
	if !ok {
		return u, nil, fmt.Sprintf("unit %q does not exist in period %s", code, periodLabel(c.snap.Period))
	}
	if !u.Active {
		return u, nil, fmt.Sprintf("unit %s is inactive in period %s", code, periodLabel(c.snap.Period))
	}
	fw := c.fw[u.Block]
	if fw == nil {
		return u, nil, fmt.Sprintf("unit %s is in block %q, which has no framework", code, u.Block)
	}
	return u, fw, ""
}

// leafOf finds a leaf of fw; msg says why not, with a hint when the code was
// typed into a numeric cell (3.10 becomes 3.1).
func leafOf(fw *index.Framework, code string, numeric bool) (*index.Criterion, string) {
	cr := fw.Find(code)
	if cr == nil {
		msg := fmt.Sprintf("criterion %q is not in framework %s", code, fw.Code)
		if numeric {
			msg += " (the cell holds a number: type the code as text, e.g. '3.10, so that a final 0 is kept)"
		}
		return nil, msg
	}
	if !cr.IsLeaf() {
		return nil, fmt.Sprintf("criterion %s has sub-criteria: score them instead", code)
	}
	return cr, ""
}
