package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"parindex/index"
)

// scoreKey identifies one unit's leaf.
type scoreKey struct{ unit, leaf string }

// sheetData indexes the snapshot's scores by unit and leaf.
type sheetData struct {
	self      map[scoreKey]index.SelfScore
	rounds    map[scoreKey][]index.AppraisalScore // sorted by round, then member order
	decisions map[scoreKey]index.Decision
	na        map[scoreKey]string // leaf -> reason (marks on parents are spread to leaves)
}

func newSheetData(b *build, units map[string]bool) *sheetData {
	s := b.in.Snapshot
	d := &sheetData{
		self:      map[scoreKey]index.SelfScore{},
		rounds:    map[scoreKey][]index.AppraisalScore{},
		decisions: map[scoreKey]index.Decision{},
		na:        map[scoreKey]string{},
	}
	for _, sc := range s.Self {
		if units[sc.Unit] {
			d.self[scoreKey{sc.Unit, sc.Criterion}] = sc
		}
	}
	memberPos := map[string]int{}
	for i, m := range s.Members {
		memberPos[m.ID] = i
	}
	for _, a := range s.Appraisals {
		if units[a.Unit] {
			k := scoreKey{a.Unit, a.Criterion}
			d.rounds[k] = append(d.rounds[k], a)
		}
	}
	for _, r := range d.rounds {
		sort.SliceStable(r, func(i, j int) bool {
			if r[i].Round != r[j].Round {
				return r[i].Round < r[j].Round
			}
			return memberPos[r[i].Member] < memberPos[r[j].Member]
		})
	}
	for _, dc := range s.Decisions {
		if units[dc.Unit] {
			d.decisions[scoreKey{dc.Unit, dc.Criterion}] = dc
		}
	}
	blockOf := map[string]string{}
	for _, u := range s.Units {
		blockOf[u.Code] = u.Block
	}
	for _, n := range s.NotApplicable {
		if !units[n.Unit] {
			continue
		}
		fw := b.fws[blockOf[n.Unit]]
		if fw == nil {
			continue
		}
		for _, leaf := range fw.LeavesUnder(n.Criterion) {
			d.na[scoreKey{n.Unit, leaf}] = n.Reason
		}
	}
	return d
}

// UnitSheets builds the appendix of unit score sheets on landscape A4: for
// each unit (unitCodes, or all units when nil, in block and rank order) every
// leaf of its framework with its code, title, max, self-assessed score, round
// 1 and round 2 scores (one value, or each member's with their initials), the
// unit's explanation, the final score and the reasons; subtotal rows per
// field; the unit's totals, index, rank and band at the end. The appendix
// header top right carries the report's number and signing time.
func UnitSheets(in Input, unitCodes []string) (*Document, error) {
	b, err := newBuild(&in)
	if err != nil {
		return nil, err
	}
	res, set := in.Result, b.set
	var units []*index.UnitResult
	if unitCodes == nil {
		for i := range res.Units {
			units = append(units, &res.Units[i])
		}
	} else {
		want := map[string]bool{}
		for _, c := range unitCodes {
			if b.unit[c] == nil {
				return nil, fmt.Errorf("report: unit %q has no result", c)
			}
			want[c] = true
		}
		for i := range res.Units {
			if want[res.Units[i].Code] {
				units = append(units, &res.Units[i])
			}
		}
	}
	codes := map[string]bool{}
	for _, u := range units {
		codes[u.Code] = true
	}
	data := newSheetData(b, codes)
	initialsOf := map[string]string{}
	for _, m := range in.Snapshot.Members {
		initialsOf[m.ID] = initials(m.Name)
	}

	period := periodText(res.Period)
	title := "Phụ lục: Bảng điểm chi tiết Chỉ số cải cách hành chính " + period
	d := b.doc(KindUnitSheets, title, title)
	var blocks []Block
	blocks = append(blocks, Block{AppendixHeader: &AppendixHeader{Lines: appendixLines(b)}},
		Block{Title: &Title{Type: "PHỤ LỤC", Summary: []string{"BẢNG ĐIỂM CHI TIẾT CHỈ SỐ CẢI CÁCH HÀNH CHÍNH " + upper(period)},
			Subtitle: fmt.Sprintf("(Kèm theo Báo cáo số %s ngày %s của %s)", numberOnly(set.Number), dayMonthYear(set.Date), set.IssuingBody)}},
		Block{Paragraph: &Paragraph{Size: 10, Italic: true, Align: AlignLeft,
			Text: "Ghi chú: Vòng 1, Vòng 2 - điểm thẩm định của Hội đồng ở mỗi vòng (khi có nhiều thành viên chấm, ghi điểm của từng thành viên kèm chữ viết tắt họ tên); Điểm cuối - điểm dùng để tính Chỉ số (vòng 2 thay thế vòng 1; quyết định của Hội đồng thay thế điểm của thành viên); “Không áp dụng” - tiêu chí không tính vào điểm và điểm tối đa của đơn vị. Các thành viên: " + memberLegend(in.Snapshot) + "."}})
	for k, u := range units {
		if k > 0 {
			blocks = append(blocks, Block{PageBreak: true})
		}
		blocks = append(blocks, unitSheet(b, data, initialsOf, u, k+1)...)
	}
	d.Sections = []Section{{Orientation: Landscape, Blocks: blocks}}
	return finish(d), nil
}

// numberOnly is the padded report number without "Số:".
func numberOnly(n string) string {
	if n == "" {
		return "   /BC-HĐTĐ"
	}
	return padNumber(n)
}

// appendixLines are the lines printed top right on an appendix.
func appendixLines(b *build) []string {
	return []string{
		"Phụ lục kèm theo Báo cáo số " + numberOnly(b.set.Number),
		"Ngày ký: " + signingTime(b.set),
	}
}

// memberLegend lists the members' initials: "NVA - Nguyễn Văn An, ...".
func memberLegend(s *index.Snapshot) string {
	var parts []string
	for _, m := range s.Members {
		parts = append(parts, initials(m.Name)+" - "+m.Name)
	}
	return strings.Join(parts, ", ")
}

// unitSheet is one unit's heading and table.
func unitSheet(b *build, data *sheetData, initialsOf map[string]string, u *index.UnitResult, n int) []Block {
	fw := b.fws[u.Block]
	leafRes := make(map[string]index.LeafResult, len(u.Leaves))
	for _, l := range u.Leaves {
		leafRes[l.Code] = l
	}
	out := []Block{
		heading(2, fmt.Sprintf("%d. %s", n, u.Name)),
		{Paragraph: &Paragraph{Align: AlignLeft, Size: 11, Text: fmt.Sprintf("Khối: %s. Bộ chỉ số: %s (phiên bản %d). Mã đơn vị: %s.", b.blockName(u.Block), fw.Name, fw.Version, u.Code)}},
	}
	t := &Table{
		Columns: []Column{
			{11, AlignLeft},  // code
			{80, AlignLeft},  // title
			{11, AlignRight}, // max
			{12, AlignRight}, // self
			{17, AlignRight}, // round 1
			{38, AlignLeft},  // explanation
			{17, AlignRight}, // round 2
			{13, AlignRight}, // final
			{41, AlignLeft},  // reason
		},
		Header:   [][]HeaderCell{hc("Mã", "Tiêu chí", "Điểm tối đa", "Tự đánh giá", "Vòng 1", "Giải trình của đơn vị", "Vòng 2", "Điểm cuối", "Lý do, căn cứ")},
		FontSize: 8.5,
	}
	fmtScores := func(sc []index.AppraisalScore) string {
		if len(sc) == 1 {
			return pts(sc[0].Points)
		}
		lines := make([]string, len(sc))
		for i, a := range sc {
			lines[i] = initialsOf[a.Member] + " " + pts(a.Points)
		}
		return strings.Join(lines, "\n")
	}
	var walk func(c *index.Criterion, field *index.Criterion)
	walk = func(c *index.Criterion, field *index.Criterion) {
		if !c.IsLeaf() {
			style := RowItalic
			if c == field {
				style = RowGroup
				t.Rows = append(t.Rows, Row{Style: style, Cells: []string{c.Code + ". " + c.Title + " (tối đa " + pts(c.Max) + " điểm)"}})
			} else {
				t.Rows = append(t.Rows, Row{Style: style, Cells: []string{c.Code, c.Title, pts(c.Max), "", "", "", "", "", ""}})
			}
			for _, ch := range c.Children {
				walk(ch, field)
			}
			return
		}
		k := scoreKey{u.Code, c.Code}
		lr := leafRes[c.Code]
		self := ""
		if sc, ok := data.self[k]; ok {
			self = pts(sc.Points)
		} else if lr.HasSelf {
			self = pts(lr.Self)
		}
		var r1, r2 []index.AppraisalScore
		var reasons []string
		for _, a := range data.rounds[k] {
			if a.Round == 1 {
				r1 = append(r1, a)
			} else {
				r2 = append(r2, a)
			}
			if a.Reason != "" {
				who := ""
				if len(data.rounds[k]) > 1 {
					who = " " + initialsOf[a.Member]
				}
				reasons = append(reasons, fmt.Sprintf("V%d%s: %s", a.Round, who, a.Reason))
			}
		}
		final := pts(lr.Final)
		style := RowNormal
		switch {
		case lr.NA:
			final, style = "Không áp dụng", RowItalic
			r := "Không áp dụng"
			if why := data.na[k]; why != "" {
				r += ": " + why
			}
			reasons = append(reasons, r)
		case lr.Source == index.FromDecision:
			dc := data.decisions[k]
			reasons = append(reasons, fmt.Sprintf("Hội đồng quyết định (%d phiếu tán thành): %s", dc.VotesFor, dc.Reason))
		case lr.Source == index.FromSurvey:
			reasons = append(reasons, "Kết quả điều tra xã hội học")
		case lr.Source == index.FromNone:
			if c.Method == index.Survey {
				reasons = append(reasons, "Chưa có kết quả điều tra xã hội học")
			} else if c.Method == index.Appraisal {
				reasons = append(reasons, "Chưa có điểm thẩm định")
			}
		}
		if c.Method == index.Bonus || c.Method == index.Penalty {
			reasons = append([]string{"(" + upperFirst(methodVI(c.Method)) + ")"}, reasons...)
		}
		expl := ""
		if sc, ok := data.self[k]; ok {
			expl = sc.Explanation
		}
		r1s, r2s := fmtScores(r1), fmtScores(r2)
		if len(r1) == 0 {
			r1s = ""
		}
		if len(r2) == 0 {
			r2s = ""
		}
		t.Rows = append(t.Rows, Row{Style: style, Cells: []string{c.Code, c.Title, pts(c.Max), self, r1s, expl, r2s, final, strings.Join(reasons, "\n")}})
	}
	fieldRes := map[string]index.FieldResult{}
	for _, f := range u.Fields {
		fieldRes[f.Code] = f
	}
	for _, field := range fw.Fields {
		walk(field, field)
		// subtotal of the field
		var mx, self, final index.Points
		methods := map[index.Method]bool{}
		for _, code := range fw.LeavesUnder(field.Code) {
			lr := leafRes[code]
			methods[lr.Method] = true
			if lr.NA {
				continue
			}
			if lr.Method == index.Penalty { // penalty points count against the field
				self -= lr.Self
				final -= lr.Final
				continue
			}
			mx += lr.Max
			self += lr.Self
			final += lr.Final
		}
		var notes []string
		if fr, ok := fieldRes[field.Code]; ok && fr.Max > 0 {
			notes = append(notes, "Chỉ số thành phần: "+pct(fr.Index)+" %")
		}
		if methods[index.Bonus] {
			notes = append(notes, fmt.Sprintf("Điểm thưởng (tối đa %s): %s", pts(fw.BonusCap), pts(u.Bonus)))
		}
		if methods[index.Penalty] {
			notes = append(notes, fmt.Sprintf("Điểm trừ (tối đa %s): %s", pts(fw.PenaltyCap), pts(u.Penalty)))
		}
		note := strings.Join(notes, "; ")
		t.Rows = append(t.Rows, Row{Style: RowSubtotal, Cells: []string{"", "Cộng lĩnh vực " + field.Code, pts(mx), pts(self), "", "", "", pts(final), note}})
	}
	total := func(label string, max index.Points, value, note string) {
		m := ""
		if max > 0 {
			m = pts(max)
		}
		t.Rows = append(t.Rows, Row{Style: RowTotal, Cells: []string{"", label, m, "", "", "", "", value, note}})
	}
	total("Điểm thẩm định", u.AppraisalMax, pts(u.Appraisal), "Chỉ số phần thẩm định: "+pct(u.AppraisalIndex)+" %")
	total("Điểm điều tra xã hội học", u.SurveyMax, pts(u.Survey), "Chỉ số phần ĐTXHH: "+pct(u.SurveyIndex)+" %")
	total("Điểm thưởng (sau giới hạn)", fw.BonusCap, pts(u.Bonus), "")
	total("Điểm trừ (sau giới hạn)", fw.PenaltyCap, pts(u.Penalty), "")
	total("TỔNG ĐIỂM (điểm tối đa áp dụng)", u.Max, pts(u.Total), "")
	total("CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (%)", 0, pct(u.Index), "Xếp hạng: "+strconv.Itoa(u.Rank)+"; xếp loại: "+bandText(u.Band))
	out = append(out, Block{Table: t})
	return out
}
