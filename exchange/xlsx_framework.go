package exchange

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"parindex/index"
)

// Sheets of a framework workbook.
const (
	SheetCriteria      = "Tiêu chí"  // one row per node of the criteria tree
	SheetFrameworkInfo = "Thông tin" // the framework's header fields and bands
)

// criteriaColumns are the columns of the criteria sheet, in the order written.
var criteriaColumns = []column{
	{key: "level", header: "Cấp", aliases: []string{"cap"}},
	{key: "code", header: "Mã", aliases: []string{"Mã tiêu chí", "STT"}, required: true},
	{key: "title", header: "Nội dung", aliases: []string{"Tên tiêu chí", "Tiêu chí", "Nội dung tiêu chí"}, required: true},
	{key: "max", header: "Điểm tối đa", aliases: []string{"Điểm tối đa (điểm)"}, required: true},
	{key: "method", header: "Phương thức", aliases: []string{"Phương thức chấm"}},
	{key: "guide", header: "Cách chấm", aliases: []string{"Hướng dẫn chấm", "Cách chấm điểm"}},
	{key: "evidence_required", header: "Yêu cầu tài liệu kiểm chứng", aliases: []string{"Tài liệu kiểm chứng", "TLKC", "evidence"}},
}

// infoColumns are the columns of the framework information sheet.
var infoColumns = []column{
	{key: "key", header: "Khóa", aliases: []string{"Khoá"}, required: true},
	{key: "value", header: "Giá trị", required: true},
	{key: "min", header: "Từ (%)", aliases: []string{"Ngưỡng (%)", "min (%)"}},
	{key: "note", header: "Ghi chú"},
}

// infoKeys are the keys of the information sheet, in the order written, with
// the note written beside each.
var infoKeys = []struct{ key, note string }{
	{"code", "Mã bộ chỉ số (các khối dùng mã này)"},
	{"version", "Phiên bản"},
	{"name", "Tên bộ chỉ số"},
	{"year", "Năm áp dụng"},
	{"sample", "Bộ chỉ số mẫu (không phải văn bản chính thức): có / không"},
	{"appraisal_max", "Điểm thẩm định tối đa (tổng các tiêu chí thẩm định)"},
	{"survey_max", "Điểm điều tra xã hội học tối đa"},
	{"total", "Thang điểm = thẩm định + điều tra"},
	{"bonus_cap", "Điểm thưởng tối đa được tính"},
	{"penalty_cap", "Điểm trừ tối đa được tính"},
	{"step", "Bước chấm (ví dụ 0,25)"},
	{"rounding", "Quy tắc làm tròn: half-up-2 (làm tròn lên, 2 chữ số thập phân, một lần)"},
	{"band", "Xếp loại: nhãn ở cột Giá trị, ngưỡng chỉ số (%) ở cột Từ (%); từ cao xuống thấp"},
}

// methodNames are the words accepted for each method (folded), the first
// being the token written.
var methodNames = []struct {
	m     index.Method
	words []string
}{
	{index.Appraisal, []string{"appraisal", "tham dinh", "diem tham dinh"}},
	{index.Survey, []string{"survey", "dieu tra", "dieu tra xhh", "dieu tra xa hoi hoc", "dtxhh"}},
	{index.Bonus, []string{"bonus", "thuong", "diem thuong"}},
	{index.Penalty, []string{"penalty", "tru", "diem tru"}},
}

// parseMethod reads a method token or its Vietnamese name; "" is no method.
func parseMethod(s string) (index.Method, error) {
	f := fold(s)
	if f == "" {
		return "", nil
	}
	for _, mn := range methodNames {
		for _, w := range mn.words {
			if f == w {
				return mn.m, nil
			}
		}
	}
	return "", fmt.Errorf("method %q is not appraisal, survey, bonus or penalty (thẩm định, điều tra, điểm thưởng, điểm trừ)", strings.TrimSpace(s))
}

// maxCellChars is the most characters a spreadsheet cell holds.
const maxCellChars = 32767

// WriteFrameworkXLSX writes f as a workbook of two sheets that
// ReadFrameworkXLSX reads back to an equal framework:
//
//   - "Tiêu chí": one row per node of the tree in order, with the columns
//     Cấp (level: 1 for a field, 2 for a criterion, ...), Mã (code), Nội dung
//     (title), Điểm tối đa (max), Phương thức (method: appraisal, survey, bonus
//     or penalty, on leaves), Cách chấm (guide) and Yêu cầu tài liệu kiểm chứng
//     (evidence required: "có" or empty);
//   - "Thông tin": the header fields, one row per key (code, version, name,
//     year, sample, appraisal_max, survey_max, total, bonus_cap, penalty_cap,
//     step, rounding) with its value, then one "band" row per band, its
//     label under Giá trị and its lower bound under Từ (%).
//
// Points are numeric cells shown with two decimals. A framework that does not
// pass Validate is refused; f is not modified.
func WriteFrameworkXLSX(w io.Writer, f *index.Framework) error {
	if f == nil {
		return errors.New("exchange: write framework workbook: nil framework")
	}
	g, err := cloneNFC(f)
	if err != nil {
		return fmt.Errorf("exchange: write framework workbook %s: %w", f.Code, err)
	}
	if err := g.Validate(); err != nil {
		return fmt.Errorf("exchange: write framework workbook: %w", err)
	}
	x := excelize.NewFile()
	st, err := newStyles(x)
	if err != nil {
		x.Close()
		return fmt.Errorf("exchange: write framework workbook: %w", err)
	}
	if err := writeCriteriaSheet(x, st, g); err != nil {
		x.Close()
		return fmt.Errorf("exchange: write framework workbook %s: %w", g.Code, err)
	}
	if err := writeInfoSheet(x, st, g); err != nil {
		x.Close()
		return fmt.Errorf("exchange: write framework workbook %s: %w", g.Code, err)
	}
	x.SetActiveSheet(0)
	return writeWorkbook(x, w, "framework workbook "+g.Code)
}

func writeCriteriaSheet(x *excelize.File, st *sheetStyles, f *index.Framework) error {
	sh := SheetCriteria
	if err := x.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	if err := setRow(x, sh, 0, headerRow(criteriaColumns)); err != nil {
		return err
	}
	r := 1
	var walk func(cs []*index.Criterion, level int) error
	walk = func(cs []*index.Criterion, level int) error {
		for _, c := range cs {
			for _, s := range []string{c.Code, c.Title, c.Guide} {
				if utf8.RuneCountInString(s) > maxCellChars {
					return fmt.Errorf("criterion %s: a text is longer than the %d characters a cell holds", c.Code, maxCellChars)
				}
			}
			vals := []any{level, c.Code, c.Title, pointsValue(c.Max), string(c.Method), c.Guide, formatBool(c.EvidenceRequired)}
			if err := setRow(x, sh, r, vals); err != nil {
				return err
			}
			style, pstyle := st.text, st.points
			if !c.IsLeaf() {
				style, pstyle = st.textBold, st.pointsBold
			}
			if err := x.SetCellStyle(sh, cellName(r, 0), cellName(r, 2), style); err != nil {
				return err
			}
			if err := x.SetCellStyle(sh, cellName(r, 3), cellName(r, 3), pstyle); err != nil {
				return err
			}
			if err := x.SetCellStyle(sh, cellName(r, 4), cellName(r, 6), st.wrap); err != nil {
				return err
			}
			r++
			if err := walk(c.Children, level+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(f.Fields, 1); err != nil {
		return err
	}
	if err := x.SetCellStyle(sh, "A1", cellName(0, len(criteriaColumns)-1), st.header); err != nil {
		return err
	}
	for i, wd := range []float64{6, 10, 60, 11, 12, 50, 14} {
		if err := x.SetColWidth(sh, colName(i), colName(i), wd); err != nil {
			return err
		}
	}
	if r > 1 {
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("E2:E%d", r))
		if err := dv.SetDropList([]string{"appraisal", "survey", "bonus", "penalty"}); err != nil {
			return err
		}
		if err := x.AddDataValidation(sh, dv); err != nil {
			return err
		}
	}
	return x.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func writeInfoSheet(x *excelize.File, st *sheetStyles, f *index.Framework) error {
	sh := SheetFrameworkInfo
	if _, err := x.NewSheet(sh); err != nil {
		return err
	}
	if err := setRow(x, sh, 0, headerRow(infoColumns)); err != nil {
		return err
	}
	sample := "không"
	if f.Sample {
		sample = "có"
	}
	values := map[string]any{
		"code": f.Code, "version": f.Version, "name": f.Name, "year": f.Year, "sample": sample,
		"appraisal_max": pointsValue(f.AppraisalMax), "survey_max": pointsValue(f.SurveyMax), "total": pointsValue(f.Total),
		"bonus_cap": pointsValue(f.BonusCap), "penalty_cap": pointsValue(f.PenaltyCap), "step": pointsValue(f.Step),
		"rounding": f.Rounding,
	}
	r := 1
	for _, k := range infoKeys {
		if k.key == "band" {
			for _, b := range f.Bands {
				if err := setRow(x, sh, r, []any{"band", b.Label, percentValue(b.Min), k.note}); err != nil {
					return err
				}
				r++
			}
			continue
		}
		if err := setRow(x, sh, r, []any{k.key, values[k.key], nil, k.note}); err != nil {
			return err
		}
		r++
	}
	if err := x.SetCellStyle(sh, "A1", "D1", st.header); err != nil {
		return err
	}
	if err := x.SetCellStyle(sh, "A2", cellName(r-1, 3), st.text); err != nil {
		return err
	}
	for i, wd := range []float64{16, 50, 10, 70} {
		if err := x.SetColWidth(sh, colName(i), colName(i), wd); err != nil {
			return err
		}
	}
	return nil
}

// ReadFrameworkXLSX reads a framework workbook laid out as WriteFrameworkXLSX
// writes it and validates it. name is the file name used in error messages.
//
// The sheets are found by name ("Tiêu chí" and "Thông tin"; case and accents
// do not matter), else the first and second sheets are used. In each, the
// header row may be anywhere in the first 40 rows, columns may be in any
// order, and columns the reader does not know are ignored. The Cấp (level)
// column is optional: without it a row is placed under the nearest row
// above whose code is a prefix of its own followed by a dot ("3.2" under
// "3"). Methods may be written in Vietnamese (thẩm định, điều tra, điểm
// thưởng, điểm trừ). Points are numbers, or text with a decimal comma or point,
// with at most two decimals. Text is trimmed and normalised to NFC.
//
// Every problem of the file is reported at once: any error is a
// *SpreadsheetError naming the sheet, row, column and criterion.
func ReadFrameworkXLSX(r io.Reader, name string) (*index.Framework, error) {
	if name == "" {
		name = "(framework.xlsx)"
	}
	x, err := openXLSX(r, name)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	ps := &problems{}
	critSheet := pickSheet(x, 0, SheetCriteria, "criteria")
	infoSheet := pickSheet(x, 1, SheetFrameworkInfo, "info", "framework", "Thông tin chung")
	if infoSheet == critSheet {
		infoSheet = ""
	}
	if critSheet == "" {
		return nil, fileProblem(name, nil, "the workbook has no sheet %q", SheetCriteria)
	}
	if infoSheet == "" {
		return nil, fileProblem(name, nil, "the workbook has no sheet %q with the framework's code, version and name", SheetFrameworkInfo)
	}
	f := &index.Framework{}
	cg, err := loadGrid(x, name, critSheet)
	if err != nil {
		return nil, err
	}
	ig, err := loadGrid(x, name, infoSheet)
	if err != nil {
		return nil, err
	}
	keyRow := readFrameworkInfo(ig, f, ps)
	critRow := readCriteriaRows(cg, f, ps)
	if err := ps.result(); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		var ve *index.ValidationError
		if !errors.As(err, &ve) {
			return nil, fileProblem(name, err, "%v", err)
		}
		for _, msg := range ve.Problems {
			ps.add(placeValidation(msg, cg, ig, critRow, keyRow))
		}
		ps.err = err
		return nil, ps.result()
	}
	return f, nil
}

// placeValidation turns one of Validate's problems into a located problem.
func placeValidation(msg string, cg, ig *grid, critRow map[string]int, keyRow map[string]int) CellProblem {
	if rest, ok := strings.CutPrefix(msg, "criterion "); ok {
		if code, m, ok := strings.Cut(rest, ": "); ok {
			p := cg.at(-1, -1, "")
			if r, ok := critRow[code]; ok {
				p = cg.at(r, -1, "")
			}
			p.Criterion, p.Message = code, m
			return p
		}
	}
	for _, tk := range topKeyOf {
		if strings.HasPrefix(msg, tk.prefix) {
			key := tk.key
			if key == "bands" {
				key = "band"
			}
			if key == "criteria" {
				return CellProblem{File: cg.file, Sheet: cg.sheet, Message: msg}
			}
			if r, ok := keyRow[key]; ok {
				p := ig.at(r, -1, "")
				p.Message = msg
				return p
			}
			break
		}
	}
	p := ig.at(-1, -1, "")
	p.Message = msg
	return p
}

// readFrameworkInfo reads the header fields and bands into f and returns the
// row of each key.
func readFrameworkInfo(g *grid, f *index.Framework, ps *problems) map[string]int {
	rows := map[string]int{}
	t := findTable(g, infoColumns, ps)
	if t == nil {
		return rows
	}
	known := map[string]bool{}
	for _, k := range infoKeys {
		known[k.key] = true
	}
	for r := t.row + 1; r < len(g.rows); r++ {
		if t.blank(r) {
			continue
		}
		raw := t.text(r, "key")
		key := strings.ReplaceAll(fold(raw), " ", "_")
		if key == "" {
			if t.text(r, "value") != "" {
				p := t.at(r, "key")
				p.Message = "a value without a key"
				ps.add(p)
			}
			continue
		}
		if !known[key] {
			p := t.at(r, "key")
			names := make([]string, len(infoKeys))
			for i, k := range infoKeys {
				names[i] = k.key
			}
			p.Message = fmt.Sprintf("unknown key %q (the keys are %s)", raw, strings.Join(names, ", "))
			ps.add(p)
			continue
		}
		if prev, dup := rows[key]; dup && key != "band" {
			p := t.at(r, "key")
			p.Message = fmt.Sprintf("key %s appears twice (first in row %d)", key, prev+1)
			ps.add(p)
			continue
		}
		if _, dup := rows[key]; !dup {
			rows[key] = r
		}
		val := t.text(r, "value")
		num := t.g.isNumber(r, t.col["value"])
		bad := func(err error) {
			p := t.at(r, "value")
			p.Message = key + ": " + err.Error()
			ps.add(p)
		}
		switch key {
		case "code":
			f.Code = val
		case "name":
			f.Name = val
		case "rounding":
			f.Rounding = val
		case "version", "year":
			v, _, err := parseInt(val, num, key)
			if err != nil {
				bad(err)
				continue
			}
			if v < -1<<31 || v > 1<<31-1 {
				bad(fmt.Errorf("%d is out of range", v))
				continue
			}
			if key == "version" {
				f.Version = int(v)
			} else {
				f.Year = int(v)
			}
		case "sample":
			b, err := parseBool(val)
			if err != nil {
				bad(err)
				continue
			}
			f.Sample = b
		case "appraisal_max", "survey_max", "total", "bonus_cap", "penalty_cap", "step":
			p, _, err := parsePoints(val, num)
			if err != nil {
				bad(err)
				continue
			}
			switch key {
			case "appraisal_max":
				f.AppraisalMax = p
			case "survey_max":
				f.SurveyMax = p
			case "total":
				f.Total = p
			case "bonus_cap":
				f.BonusCap = p
			case "penalty_cap":
				f.PenaltyCap = p
			case "step":
				f.Step = p
			}
		case "band":
			minText := t.text(r, "min")
			if !t.has("min") {
				p := t.at(r, "key")
				p.Message = fmt.Sprintf("a band needs its lower bound in a column %q", infoColumns[2].header)
				ps.add(p)
				continue
			}
			v, blank, err := parsePoints(minText, t.g.isNumber(r, t.col["min"]))
			if err == nil && blank {
				err = errors.New("the lower bound (%) is empty")
			}
			if err != nil {
				p := t.at(r, "min")
				p.Message = "band " + val + ": " + err.Error()
				ps.add(p)
				continue
			}
			f.Bands = append(f.Bands, index.Band{Label: val, Min: index.Percent(v)})
		}
	}
	return rows
}

// readCriteriaRows builds f's criteria tree from the criteria sheet and
// returns the row of each code.
func readCriteriaRows(g *grid, f *index.Framework, ps *problems) map[string]int {
	rows := map[string]int{}
	t := findTable(g, criteriaColumns, ps)
	if t == nil {
		return rows
	}
	var stack []*index.Criterion
	for r := t.row + 1; r < len(g.rows); r++ {
		if t.blank(r) {
			continue
		}
		code := t.text(r, "code")
		fail := func(key, format string, a ...any) {
			p := t.at(r, key)
			p.Criterion = code
			p.Message = fmt.Sprintf(format, a...)
			ps.add(p)
		}
		if code == "" {
			fail("code", "the code is empty")
			continue
		}
		c := &index.Criterion{Code: code, Title: t.text(r, "title"), Guide: t.text(r, "guide")}
		maxPts, blank, err := parsePoints(t.text(r, "max"), t.g.isNumber(r, t.col["max"]))
		switch {
		case err != nil:
			fail("max", "max: %v", err)
		case blank:
			fail("max", "the max is empty")
		}
		c.Max = maxPts
		if c.Method, err = parseMethod(t.text(r, "method")); err != nil {
			fail("method", "%v", err)
		}
		if c.EvidenceRequired, err = parseBool(t.text(r, "evidence_required")); err != nil {
			fail("evidence_required", "evidence required: %v", err)
		}
		level := 0
		if lt := t.text(r, "level"); lt != "" {
			v, _, err := parseInt(lt, t.g.isNumber(r, t.col["level"]), "level")
			switch {
			case err != nil:
				fail("level", "level: %v", err)
				continue
			case v < 1 || v > maxDepth:
				fail("level", "level %d is not between 1 and %d", v, maxDepth)
				continue
			case int(v) > len(stack)+1:
				fail("level", "level %d follows a row of level %d: a row is at most one level below the row above", v, len(stack))
				continue
			}
			level = int(v)
		} else {
			level = len(stack)
			for level > 0 && !strings.HasPrefix(code, stack[level-1].Code+".") {
				level--
			}
			level++
			if level > maxDepth {
				fail("code", "criteria nest more than %d levels deep", maxDepth)
				continue
			}
		}
		if prev, dup := rows[code]; dup {
			fail("code", "code %s appears twice (first in row %d)", code, prev+1)
			continue
		}
		rows[code] = r
		stack = stack[:level-1]
		if level == 1 {
			f.Fields = append(f.Fields, c)
		} else {
			parent := stack[level-2]
			parent.Children = append(parent.Children, c)
		}
		stack = append(stack, c)
	}
	if len(f.Fields) == 0 && ps.count == 0 {
		p := g.at(-1, -1, "")
		p.Message = "no criteria below the header row"
		ps.add(p)
	}
	return rows
}

// frameworkFormat picks "xlsx" or "json" from a file name.
func frameworkFormat(name string) string {
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		return "json"
	}
	return "xlsx"
}

// ReadFrameworkFile reads a framework from a JSON file or an xlsx workbook,
// chosen by the name's extension (.json; anything else is read as xlsx).
func ReadFrameworkFile(r io.Reader, name string) (*index.Framework, error) {
	if frameworkFormat(name) == "json" {
		return ReadFrameworkJSON(r, name)
	}
	return ReadFrameworkXLSX(r, name)
}

// WriteFrameworkFile writes f as JSON or as an xlsx workbook, chosen by the
// name's extension (.json; anything else is written as xlsx).
func WriteFrameworkFile(w io.Writer, f *index.Framework, name string) error {
	if frameworkFormat(name) == "json" {
		return WriteFrameworkJSON(w, f)
	}
	return WriteFrameworkXLSX(w, f)
}
