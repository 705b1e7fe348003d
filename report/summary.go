package report

import (
	"fmt"
	"strconv"
	"strings"

	"parindex/index"
)

// Summary builds the summary report "BÁO CÁO Kết quả xác định Chỉ số cải cách
// hành chính": the official header, the period and the council, how the index
// was computed, the statistics of every block, the ranking table of every
// block (with the change from in.Previous when set), the component (field)
// indexes of every unit on landscape pages, a bar chart per block, and the
// chair's signature with the distribution list.
func Summary(in Input) (*Document, error) {
	b, err := newBuild(&in)
	if err != nil {
		return nil, err
	}
	s, res, set := in.Snapshot, in.Result, b.set
	period := periodText(res.Period)
	summaryLine := set.Summary
	if summaryLine == "" {
		summaryLine = "Kết quả xác định Chỉ số cải cách hành chính " + period
	}
	d := b.doc(KindSummary, "Báo cáo "+lowerFirst(summaryLine), summaryLine)

	// Section 1: header, period, council, method, statistics, rankings.
	var p1 []Block
	p1 = append(p1,
		Block{Header: b.header(true)},
		Block{Title: &Title{Type: "BÁO CÁO", Summary: []string{summaryLine}}},
	)
	opening := set.Opening
	if opening == "" {
		opening = fmt.Sprintf("Thực hiện nhiệm vụ được giao, %s báo cáo kết quả thẩm định, xác định Chỉ số cải cách hành chính %s của %d cơ quan, đơn vị thuộc %d khối như sau:",
			set.IssuingBody, period, len(res.Units), len(res.Blocks))
	}
	for _, line := range strings.Split(opening, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			p1 = append(p1, para(line))
		}
	}

	p1 = append(p1, heading(1, "I. KỲ ĐÁNH GIÁ VÀ HỘI ĐỒNG THẨM ĐỊNH"), heading(2, "1. Kỳ đánh giá"))
	name := res.Period.Name
	if name == "" {
		name = "Chỉ số cải cách hành chính " + period
	}
	p1 = append(p1, para(fmt.Sprintf("Kỳ đánh giá: %s. Số cơ quan, đơn vị được đánh giá: %d, chia thành %d khối:",
		name, len(res.Units), len(res.Blocks))))
	for _, bl := range s.Blocks {
		fw := b.fws[bl.Code]
		br := b.block[bl.Code]
		n := 0
		if br != nil {
			n = br.Count
		}
		sample := ""
		if fw.Sample {
			sample = " (bộ chỉ số mẫu)"
		}
		p1 = append(p1, para(fmt.Sprintf("- Khối %s: %d cơ quan, đơn vị; bộ chỉ số “%s”%s, phiên bản %d, tổng điểm tối đa %s điểm (thẩm định %s điểm, điều tra xã hội học %s điểm).",
			bl.Name, n, fw.Name, sample, fw.Version, pts(fw.Total), pts(fw.AppraisalMax), pts(fw.SurveyMax))))
	}

	members := b.members()
	voting := index.VotingMembers(members)
	p1 = append(p1, heading(2, "2. Hội đồng thẩm định"),
		para(fmt.Sprintf("Hội đồng thẩm định gồm %d thành viên có quyền biểu quyết và %d thành viên Tổ giúp việc:", voting, len(members)-voting)))
	mt := &Table{
		Columns: []Column{{10, AlignCenter}, {42, AlignLeft}, {38, AlignLeft}, {55, AlignLeft}},
		Header:  [][]HeaderCell{hc("STT", "Họ và tên", "Chức danh trong Hội đồng", "Cơ quan công tác")},
	}
	for i, m := range members {
		mt.Rows = append(mt.Rows, Row{Cells: []string{strconv.Itoa(i + 1), m.Name, roleVI(m.Role), m.Organisation}})
	}
	p1 = append(p1, Block{Table: mt})

	p1 = append(p1, heading(1, "II. PHƯƠNG PHÁP XÁC ĐỊNH CHỈ SỐ"))
	p1 = append(p1, methodParagraphs(b)...)

	p1 = append(p1, heading(1, "III. KẾT QUẢ XÁC ĐỊNH CHỈ SỐ"), heading(2, "1. Thống kê theo khối"),
		para("Các giá trị thống kê tính trên chỉ số đã làm tròn của các cơ quan, đơn vị trong khối (đơn vị: %)."))
	st := &Table{
		Columns: []Column{{40, AlignLeft}, {13, AlignCenter}, {15, AlignRight}, {15, AlignRight}, {15, AlignRight}, {15, AlignRight}, {32, AlignLeft}},
		Header:  [][]HeaderCell{hc("Khối", "Số đơn vị", "Trung bình", "Trung vị", "Thấp nhất", "Cao nhất", "Số đơn vị theo xếp loại")},
	}
	for _, bl := range s.Blocks {
		br := b.block[bl.Code]
		if br == nil {
			continue
		}
		st.Rows = append(st.Rows, Row{Cells: []string{bl.Name, strconv.Itoa(br.Count), pct(br.Mean), pct(br.Median), pct(br.Min), pct(br.Max), bandCounts(br)}})
	}
	p1 = append(p1, Block{Table: st})

	p1 = append(p1, heading(2, "2. Kết quả xếp hạng theo khối"))
	for k, bl := range s.Blocks {
		p1 = append(p1, heading(3, fmt.Sprintf("2.%d. Khối %s", k+1, bl.Name)))
		p1 = append(p1, Block{Table: rankingTable(b, bl)})
	}
	d.Sections = append(d.Sections, Section{Orientation: Portrait, Blocks: p1})

	// Section 2 (landscape): component indexes.
	var p2 []Block
	p2 = append(p2, heading(2, "3. Chỉ số thành phần theo lĩnh vực"),
		para("Chỉ số thành phần của mỗi lĩnh vực bằng điểm đạt được của lĩnh vực chia cho điểm tối đa áp dụng của lĩnh vực, nhân 100 (đơn vị: %)."))
	for k, bl := range s.Blocks {
		if k > 0 {
			p2 = append(p2, Block{PageBreak: true})
		}
		p2 = append(p2, heading(3, fmt.Sprintf("3.%d. Khối %s", k+1, bl.Name)), Block{Table: fieldTable(b, bl)})
	}
	d.Sections = append(d.Sections, Section{Orientation: Landscape, Blocks: p2})

	// Section 3: charts, closing, signature.
	var p3 []Block
	p3 = append(p3, heading(2, "4. Biểu đồ Chỉ số cải cách hành chính theo khối"))
	for k, bl := range s.Blocks {
		units := b.unitsOf(bl.Code)
		c := &BarChart{
			Title:     fmt.Sprintf("Biểu đồ %d. Chỉ số CCHC %s - Khối %s", k+1, period, bl.Name),
			AxisLabel: "Chỉ số CCHC (%)",
		}
		for _, u := range units {
			c.Labels = append(c.Labels, u.Name)
			c.Values = append(c.Values, u.Index)
		}
		for _, band := range b.fws[bl.Code].Bands {
			c.Marks = append(c.Marks, ChartMark{Label: band.Label, Value: band.Min})
		}
		p3 = append(p3, Block{Chart: c})
	}
	p3 = append(p3, para(fmt.Sprintf("Trên đây là báo cáo kết quả xác định Chỉ số cải cách hành chính %s. Điểm chi tiết theo từng tiêu chí của từng cơ quan, đơn vị tại Phụ lục kèm theo./.", period)))
	p3 = append(p3, Block{Signature: &Signature{
		RecipientsTitle: recipientsVI,
		Recipients:      set.Recipients,
		Authority:       upper(set.SignerAuthority),
		Title:           upper(set.SignerTitle),
		Name:            set.SignerName,
	}})
	d.Sections = append(d.Sections, Section{Orientation: Portrait, Blocks: p3})
	return finish(d), nil
}

// methodParagraphs explains how the index was computed.
func methodParagraphs(b *build) []Block {
	s, res := b.in.Snapshot, b.in.Result
	var out []Block
	var caps []string
	seen := map[string]bool{}
	var fws []*index.Framework
	for _, bl := range s.Blocks {
		fw := b.fws[bl.Code]
		if seen[fw.Code] {
			continue
		}
		seen[fw.Code] = true
		fws = append(fws, fw)
		caps = append(caps, fmt.Sprintf("bộ chỉ số “%s”: điểm thưởng tối đa %s điểm, điểm trừ tối đa %s điểm", fw.Name, pts(fw.BonusCap), pts(fw.PenaltyCap)))
	}
	out = append(out,
		para("1. Tổng điểm của mỗi cơ quan, đơn vị = điểm thẩm định + điểm điều tra xã hội học + điểm thưởng − điểm trừ; điểm thưởng và điểm trừ được tính không vượt quá mức tối đa của bộ chỉ số ("+strings.Join(caps, "; ")+")."),
		para("2. Chỉ số CCHC (%) = tổng điểm ÷ tổng điểm tối đa áp dụng × 100. Tiêu chí không áp dụng đối với một cơ quan, đơn vị được loại khỏi cả điểm đạt được và điểm tối đa của cơ quan, đơn vị đó. Chỉ số thành phần của mỗi lĩnh vực = điểm của lĩnh vực ÷ điểm tối đa áp dụng của lĩnh vực × 100; chỉ số phần thẩm định và phần điều tra xã hội học tính theo điểm tối đa của từng phần."),
		para("3. Các chỉ số được làm tròn một lần, ở bước cuối cùng, đến 2 chữ số thập phân theo quy tắc làm tròn nửa lên (từ 5 trở lên làm tròn lên); việc xếp hạng căn cứ vào giá trị đã làm tròn như được công bố trong báo cáo này."),
		para("4. Xếp hạng trong từng khối theo Chỉ số CCHC từ cao xuống thấp; các cơ quan, đơn vị có chỉ số bằng nhau được xếp đồng hạng và hạng kế tiếp được bỏ qua (ví dụ: 1, 2, 2, 4)."),
	)
	var rule string
	switch res.Period.Rule {
	case index.RuleMean:
		rule = "trung bình cộng điểm của các thành viên đã chấm, làm tròn đến 2 chữ số thập phân"
	case index.RuleMedian:
		rule = "trung vị điểm của các thành viên đã chấm"
	default:
		rule = "điểm của thành viên được phân công thẩm định lĩnh vực chứa tiêu chí đó"
	}
	out = append(out, para("5. Điểm thẩm định cuối cùng của mỗi tiêu chí là "+rule+"; điểm chấm vòng 2 (sau giải trình của cơ quan, đơn vị) thay thế điểm chấm vòng 1; trường hợp Hội đồng biểu quyết (được quá nửa số thành viên có quyền biểu quyết tán thành) thì lấy điểm theo quyết định của Hội đồng. Điểm điều tra xã hội học lấy theo kết quả điều tra đã được Hội đồng thông qua."))
	threshold := res.Period.Threshold
	if threshold == 0 {
		threshold = index.DefaultThreshold
	}
	decided := 0
	for _, d := range res.Discrepancies {
		if d.Decided {
			decided++
		}
	}
	out = append(out, para(fmt.Sprintf("6. Tiêu chí có chênh lệch điểm giữa các thành viên lớn hơn %s %% điểm tối đa của tiêu chí được đưa ra Hội đồng xem xét. Kỳ đánh giá này có %d trường hợp như vậy, trong đó %d trường hợp đã có quyết định của Hội đồng.",
		pct(threshold), len(res.Discrepancies), decided)))
	var bands []string
	for _, fw := range fws {
		bands = append(bands, fmt.Sprintf("bộ chỉ số “%s”: %s", fw.Name, bandsText(fw.Bands)))
	}
	out = append(out, para("7. Xếp loại theo Chỉ số CCHC: "+strings.Join(bands, "; ")+"."))
	return out
}

// bandCounts prints "A: 2; B: 1; C: 0", with the units that reach no band.
func bandCounts(br *index.BlockResult) string {
	var parts []string
	n := 0
	for _, bc := range br.Bands {
		parts = append(parts, fmt.Sprintf("%s: %d", bc.Label, bc.Count))
		n += bc.Count
	}
	if rest := br.Count - n; rest > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("không xếp loại: %d", rest))
	}
	return strings.Join(parts, "; ")
}

// rankingTable is a block's ranking, with the change from the previous
// period when one is given.
func rankingTable(b *build, bl index.Block) *Table {
	prev := b.in.Previous
	t := &Table{
		Columns: []Column{{9, AlignCenter}, {50, AlignLeft}, {14, AlignRight}, {14, AlignRight}, {13, AlignRight}, {12, AlignRight},
			{14, AlignRight}, {14, AlignRight}, {14, AlignRight}, {11, AlignCenter}},
		FontSize: 10,
	}
	head := hc("Hạng", "Cơ quan, đơn vị", "Điểm thẩm định", "Điểm ĐTXHH", "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Điểm tối đa", "Chỉ số CCHC (%)", "Xếp loại")
	if prev != nil {
		t.Columns = append(t.Columns, Column{17, AlignRight}, Column{13, AlignRight})
		head = append(head, hc("Kỳ trước (hạng)", "Tăng, giảm")...)
		t.FontSize = 9
	}
	t.Header = [][]HeaderCell{head}
	for _, u := range b.unitsOf(bl.Code) {
		cells := []string{strconv.Itoa(u.Rank), u.Name, pts(u.Appraisal), pts(u.Survey), pts(u.Bonus), pts(u.Penalty),
			pts(u.Total), pts(u.Max), pct(u.Index), bandText(u.Band)}
		if prev != nil {
			if pu := b.prevUnit[u.Code]; pu != nil {
				cells = append(cells, fmt.Sprintf("%s (%d)", pct(pu.Index), pu.Rank), signedPct(u.Index-pu.Index))
			} else {
				cells = append(cells, dash, dash)
			}
		}
		t.Rows = append(t.Rows, Row{Cells: cells})
	}
	return t
}

// fieldTable is the component (field) indexes of a block's units.
func fieldTable(b *build, bl index.Block) *Table {
	fields := componentFields(b.fws[bl.Code])
	t := &Table{
		Columns:  []Column{{9, AlignCenter}, {44, AlignLeft}},
		FontSize: 9,
	}
	head := hc("Hạng", "Cơ quan, đơn vị")
	for _, f := range fields {
		t.Columns = append(t.Columns, Column{17, AlignRight})
		head = append(head, HeaderCell{Text: f.Code + ". " + f.Title})
	}
	t.Columns = append(t.Columns, Column{15, AlignRight}, Column{15, AlignRight}, Column{16, AlignRight})
	head = append(head, hc("Phần thẩm định", "Phần ĐTXHH", "Chỉ số CCHC")...)
	t.Header = [][]HeaderCell{head}
	for _, u := range b.unitsOf(bl.Code) {
		cells := []string{strconv.Itoa(u.Rank), u.Name}
		byCode := map[string]index.FieldResult{}
		for _, f := range u.Fields {
			byCode[f.Code] = f
		}
		for _, f := range fields {
			fr, ok := byCode[f.Code]
			if !ok || fr.Max == 0 {
				cells = append(cells, dash)
				continue
			}
			cells = append(cells, pct(fr.Index))
		}
		ai, si := pct(u.AppraisalIndex), pct(u.SurveyIndex)
		if u.AppraisalMax == 0 {
			ai = dash
		}
		if u.SurveyMax == 0 {
			si = dash
		}
		cells = append(cells, ai, si, pct(u.Index))
		t.Rows = append(t.Rows, Row{Cells: cells})
	}
	return t
}

// componentFields are the fields that get a component index: those holding
// appraisal or survey leaves.
func componentFields(fw *index.Framework) []*index.Criterion {
	var out []*index.Criterion
	for _, f := range fw.ScoredFields() {
		for _, code := range fw.LeavesUnder(f.Code) {
			if m := fw.Find(code).Method; m == index.Appraisal || m == index.Survey {
				out = append(out, f)
				break
			}
		}
	}
	return out
}
