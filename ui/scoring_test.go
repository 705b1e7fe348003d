package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"parindex/index"
)

// openScoring opens the Scoring screen on its first unit.
func openScoring(t testing.TB, st *State) *scoringScreen {
	t.Helper()
	sc := newScoring(st)
	wait(t, st)
	if sc.calc == nil {
		t.Fatal("no unit opened")
	}
	return sc
}

// findLeaf returns the row of the first leaf that satisfies ok.
func findLeaf(t testing.TB, sc *scoringScreen, ok func(r critRow, lr *index.LeafResult) bool) int {
	t.Helper()
	for i, r := range sc.rows {
		if r.c.IsLeaf() {
			if ok(r, sc.leafResult(r.c.Code)) {
				return i
			}
		}
	}
	t.Fatal("no leaf fits")
	return -1
}

func TestTypingAScoreUpdatesTheTotals(t *testing.T) {
	st := newTestState(t, "TK01", Vietnamese) // the secretary
	sc := openScoring(t, st)
	unit := sc.units[sc.cur].unit.Code
	row := findLeaf(t, sc, func(r critRow, lr *index.LeafResult) bool {
		who, editable := sc.appraiserOf(r)
		_, has2 := sc.calc.appraisal(who, r.c.Code, 2)
		return editable && r.c.Method == index.Appraisal && !lr.NA && lr.Final < r.c.Max && !has2
	})
	sc.selectRow(row)
	leaf := sc.rows[row].c
	who, _ := sc.appraiserOf(sc.rows[row])

	// what Compute says the unit's total becomes with the leaf at its max in round 2
	m, err := st.loadModel()
	if err != nil {
		t.Fatal(err)
	}
	snap := *m.Snap
	snap.Appraisals = append(append([]index.AppraisalScore(nil), m.Snap.Appraisals...),
		index.AppraisalScore{Member: who, Unit: unit, Criterion: leaf.Code, Round: 2, Points: leaf.Max})
	res, err := index.Compute(&snap)
	if err != nil {
		t.Fatal(err)
	}
	want := res.Unit(unit)
	before := sc.chips["total"].value.Text

	test.Type(sc.r2, st.pts(leaf.Max))
	got := sc.chips["total"].value.Text
	if wantText := st.pts(want.Total) + " / " + st.pts(want.Max); got != wantText || got == before {
		t.Fatalf("total after typing %s = %q, want %q (before %q)", st.pts(leaf.Max), got, wantText, before)
	}
	if sc.msg.Text != "" {
		t.Fatalf("unexpected message %q", sc.msg.Text)
	}
	if idx := sc.chips["index"].value.Text; idx != st.pct(want.Index)+" %" {
		t.Fatalf("index = %q, want %q", idx, st.pct(want.Index)+" %")
	}
	// the field's subtotal row shows Compute's field points as well
	fieldRow := 0
	for i, r := range sc.rows {
		if r.c == sc.rows[row].field {
			fieldRow = i
		}
	}
	var wantField index.Points
	for _, f := range want.Fields {
		if f.Code == sc.rows[row].field.Code {
			wantField = f.Points
		}
	}

	// Enter saves it and moves to the next leaf
	sc.r2.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	wait(t, st)
	if got := sc.cellText(fieldRow, ccFinal); got != st.pts(wantField) {
		t.Fatalf("field subtotal = %q, want %q", got, st.pts(wantField))
	}
	if sc.sel <= row {
		t.Fatalf("selection stayed at row %d after Enter", sc.sel)
	}
	a, ok := storedAppraisal(t, st, who, unit, leaf.Code, 2)
	if !ok || a.Points != leaf.Max {
		t.Fatalf("stored appraisal = %+v (found %v), want %s", a, ok, leaf.Max)
	}
}

func TestAnOverMaxScoreIsRefusedWithItsReason(t *testing.T) {
	for _, lang := range []Lang{Vietnamese, English} {
		t.Run(string(lang), func(t *testing.T) {
			st := newTestState(t, "TK01", lang)
			sc := openScoring(t, st)
			unit := sc.units[sc.cur].unit.Code
			row := findLeaf(t, sc, func(r critRow, lr *index.LeafResult) bool {
				_, editable := sc.appraiserOf(r)
				return editable && r.c.Method == index.Appraisal && !lr.NA
			})
			sc.selectRow(row)
			leaf := sc.rows[row].c
			who, _ := sc.appraiserOf(sc.rows[row])
			old, hadOld := storedAppraisal(t, st, who, unit, leaf.Code, 1)

			sc.r1.SetText("")
			test.Type(sc.r1, "99")
			want := lang.Tf("score.abovemax", "99", lang.pts(leaf.Max))
			if sc.msg.Text != want {
				t.Fatalf("message = %q, want %q", sc.msg.Text, want)
			}
			sc.r1.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			wait(t, st)
			if sc.sel != row {
				t.Fatalf("the refused score moved the selection to row %d", sc.sel)
			}
			if sc.msg.Text != want {
				t.Fatalf("message after Enter = %q, want %q", sc.msg.Text, want)
			}
			now, has := storedAppraisal(t, st, who, unit, leaf.Code, 1)
			if has != hadOld || now != old {
				t.Fatalf("the store changed: %+v, was %+v", now, old)
			}

			// off the step and negative are refused too
			sc.r1.SetText("")
			test.Type(sc.r1, "0,1")
			if !strings.Contains(sc.msg.Text, lang.pts(sc.fw.Step)) {
				t.Fatalf("off-step message = %q", sc.msg.Text)
			}
			sc.r1.SetText("")
			test.Type(sc.r1, "-1")
			if sc.msg.Text != lang.Tf("score.negative", "-1") {
				t.Fatalf("negative message = %q", sc.msg.Text)
			}
		})
	}
}

func TestAMemberCannotEditAnotherMembersField(t *testing.T) {
	st := newTestState(t, "TV03", Vietnamese) // assigned field 2 in the demo
	if st.role != RoleMember {
		t.Fatalf("role = %s", st.role)
	}
	sc := openScoring(t, st)
	unit := sc.units[sc.cur].unit.Code
	other := findLeaf(t, sc, func(r critRow, lr *index.LeafResult) bool {
		return r.field.Code == "3" && r.c.Method == index.Appraisal
	})
	sc.selectRow(other)
	if !sc.r1.Disabled() || !sc.r2.Disabled() {
		t.Fatal("the score entries of another member's field are enabled")
	}
	if !strings.Contains(sc.lock.Text, sc.model.memberName(sc.assigned["3"][0])) {
		t.Fatalf("lock message %q does not name the field's member", sc.lock.Text)
	}
	leaf := sc.rows[other].c
	before, hadBefore := storedAppraisal(t, st, "TV03", unit, leaf.Code, 1)
	sc.r1.SetText("0")
	sc.commit(1)
	wait(t, st)
	if sc.msg.Text != st.T("scoring.readonly") {
		t.Fatalf("message = %q", sc.msg.Text)
	}
	if after, has := storedAppraisal(t, st, "TV03", unit, leaf.Code, 1); has != hadBefore || after != before {
		t.Fatal("a score was written on another member's field")
	}

	own := findLeaf(t, sc, func(r critRow, lr *index.LeafResult) bool {
		return r.field.Code == "2" && r.c.Method == index.Appraisal && !lr.NA
	})
	sc.selectRow(own)
	if sc.r1.Disabled() {
		t.Fatal("the member cannot edit their own field")
	}
	// Enter skips the other members' fields
	if next := sc.nextLeaf(own, true); next >= 0 && sc.rows[next].field.Code != "2" {
		t.Fatalf("next editable leaf %s is outside field 2", sc.rows[next].c.Code)
	}
}

func TestAReasonIsRequiredBelowTheSelfAssessment(t *testing.T) {
	st := newTestState(t, "TK01", English)
	sc := openScoring(t, st)
	row := findLeaf(t, sc, func(r critRow, lr *index.LeafResult) bool {
		_, editable := sc.appraiserOf(r)
		s, ok := sc.calc.self[r.c.Code]
		return editable && r.c.Method == index.Appraisal && !lr.NA && ok && s.Points > 0
	})
	sc.selectRow(row)
	sc.reason.SetText("")
	sc.r1.SetText("")
	test.Type(sc.r1, "0")
	sc.r1.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	wait(t, st)
	if sc.sel != row || !strings.Contains(sc.msg.Text, "reason") {
		t.Fatalf("a score below the self-assessment without a reason: row %d (want %d), message %q", sc.sel, row, sc.msg.Text)
	}
	test.Type(sc.reason, "No evidence")
	sc.reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	wait(t, st)
	if sc.sel == row {
		t.Fatalf("the score with its reason was not accepted: %q", sc.msg.Text)
	}
}
