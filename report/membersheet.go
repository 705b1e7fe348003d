package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"parindex/index"
)

// MemberSheet builds one council member's appraisal sheet (phiếu thẩm định,
// chấm điểm): the member's fields of assignment and every score the member
// gave (criterion, round, points, reason), grouped by unit in block and rank
// order, ending with the member's signature block ("NGƯỜI CHẤM" and name).
func MemberSheet(in Input, memberID string) (*Document, error) {
	b, err := newBuild(&in)
	if err != nil {
		return nil, err
	}
	s, res := in.Snapshot, in.Result
	var member *index.CouncilMember
	for i := range s.Members {
		if s.Members[i].ID == memberID {
			member = &s.Members[i]
		}
	}
	if member == nil {
		return nil, fmt.Errorf("report: no council member %q", memberID)
	}
	period := periodText(res.Period)
	title := "Phiếu thẩm định, chấm điểm Chỉ số cải cách hành chính " + period + " - " + member.Name
	d := b.doc(KindMemberSheet, title, title)

	var blocks []Block
	blocks = append(blocks,
		Block{Header: b.header(false)},
		Block{Title: &Title{Type: "PHIẾU THẨM ĐỊNH, CHẤM ĐIỂM", Summary: []string{"Chỉ số cải cách hành chính " + period}}},
		plain("Họ và tên: "+member.Name),
		plain("Chức danh trong Hội đồng: "+roleVI(member.Role)),
	)
	if member.Organisation != "" {
		blocks = append(blocks, plain("Cơ quan công tác: "+member.Organisation))
	}
	var assigned []string
	for _, bl := range s.Blocks {
		var fields []string
		for _, a := range s.Assignments {
			if a.Member == memberID && a.Block == bl.Code {
				f := b.fws[bl.Code].Find(a.Field)
				if f != nil {
					fields = append(fields, f.Code+". "+f.Title)
				} else {
					fields = append(fields, a.Field)
				}
			}
		}
		if len(fields) > 0 {
			assigned = append(assigned, "khối "+bl.Name+": "+strings.Join(fields, "; "))
		}
	}
	if len(assigned) > 0 {
		blocks = append(blocks, plain("Lĩnh vực được phân công thẩm định: "+strings.Join(assigned, "; ")+"."))
	} else {
		blocks = append(blocks, plain("Lĩnh vực được phân công thẩm định: không có."))
	}

	// The member's scores, in unit order (block, rank), leaf order, round.
	unitPos := map[string]int{}
	for i, u := range res.Units {
		unitPos[u.Code] = i
	}
	leafPos := map[string]map[string]int{}
	for bc, fw := range b.fws {
		m := map[string]int{}
		for i, l := range fw.Leaves() {
			m[l.Code] = i
		}
		leafPos[bc] = m
	}
	var mine []index.AppraisalScore
	for _, a := range s.Appraisals {
		if a.Member == memberID {
			if _, ok := unitPos[a.Unit]; ok {
				mine = append(mine, a)
			}
		}
	}
	sort.SliceStable(mine, func(i, j int) bool {
		a, c := mine[i], mine[j]
		if a.Unit != c.Unit {
			return unitPos[a.Unit] < unitPos[c.Unit]
		}
		bl := res.Units[unitPos[a.Unit]].Block
		if a.Criterion != c.Criterion {
			return leafPos[bl][a.Criterion] < leafPos[bl][c.Criterion]
		}
		return a.Round < c.Round
	})
	t := &Table{
		Columns:  []Column{{13, AlignLeft}, {62, AlignLeft}, {12, AlignRight}, {9, AlignCenter}, {13, AlignRight}, {56, AlignLeft}},
		Header:   [][]HeaderCell{hc("Mã", "Tiêu chí", "Điểm tối đa", "Vòng", "Điểm chấm", "Lý do, căn cứ")},
		FontSize: 10,
	}
	units := 0
	for i, a := range mine {
		u := &res.Units[unitPos[a.Unit]]
		if i == 0 || mine[i-1].Unit != a.Unit {
			units++
			t.Rows = append(t.Rows, Row{Style: RowGroup, Cells: []string{fmt.Sprintf("%d. %s (khối %s)", units, u.Name, b.blockName(u.Block))}})
		}
		c := b.fws[u.Block].Find(a.Criterion)
		title, mx := a.Criterion, ""
		if c != nil {
			title, mx = c.Title, pts(c.Max)
		}
		t.Rows = append(t.Rows, Row{Cells: []string{a.Criterion, title, mx, strconv.Itoa(a.Round), pts(a.Points), a.Reason}})
	}
	if len(mine) == 0 {
		blocks = append(blocks, para("Thành viên chưa chấm điểm tiêu chí nào trong kỳ đánh giá này."))
	} else {
		blocks = append(blocks, para(fmt.Sprintf("Tổng hợp điểm thẩm định, chấm điểm của thành viên: %d lượt chấm đối với %d cơ quan, đơn vị, cụ thể như sau:", len(mine), units)),
			Block{Table: t})
	}
	blocks = append(blocks, Block{Signature: &Signature{
		Title: "NGƯỜI CHẤM",
		Note:  "(Ký, ghi rõ họ tên)",
		Name:  member.Name,
	}})
	d.Sections = []Section{{Orientation: Portrait, Blocks: blocks}}
	return finish(d), nil
}
