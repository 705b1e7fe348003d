package ui

import (
	"strconv"
	"testing"

	"parindex/index"
)

func TestTheRankingTableMatchesCompute(t *testing.T) {
	st := newTestState(t, "TK01", Vietnamese)
	rs := newResults(st)
	wait(t, st)
	snap, err := st.council.Snapshot(st.period.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := index.Compute(snap)
	if err != nil {
		t.Fatal(err)
	}
	for bi, b := range snap.Blocks {
		rs.setBlock(bi)
		var want []index.UnitResult
		for _, u := range res.Units {
			if u.Block == b.Code {
				want = append(want, u)
			}
		}
		rows, _ := rs.ranking.Length()
		if rows != len(want) {
			t.Fatalf("block %s: %d rows, want %d", b.Code, rows, len(want))
		}
		for r, u := range want {
			for c, w := range map[int]string{rcRank: strconv.Itoa(u.Rank), rcCode: u.Code, rcName: u.Name,
				rcAppraisal: u.Appraisal.VI(), rcSurvey: u.Survey.VI(), rcBonus: u.Bonus.VI(), rcPenalty: u.Penalty.VI(),
				rcTotal: u.Total.VI(), rcIndex: u.Index.VI(), rcBand: u.Band} {
				if got := rs.rankText(r, c); got != w {
					t.Fatalf("block %s row %d column %d = %q, want %q", b.Code, r, c, got, w)
				}
			}
		}
		// sorting by name and back to rank keeps the same rows
		rs.sortBy(rcName)
		rs.sortBy(rcRank)
		for r, u := range want {
			if rs.units[r].Code != u.Code {
				t.Fatalf("block %s: after sorting, row %d is %s, want %s", b.Code, r, rs.units[r].Code, u.Code)
			}
		}
	}
}

func TestDiscrepancyDecisionNeedsMoreThanHalf(t *testing.T) {
	st := newTestState(t, "TV01", English) // the chair
	ds := newDiscrepancies(st)
	wait(t, st)
	if len(ds.items) == 0 {
		t.Fatal("the demo council has no discrepancies")
	}
	ds.onlyOpen.SetChecked(true)
	if len(ds.items) == 0 {
		t.Fatal("no open discrepancy")
	}
	ds.show(0)
	d := ds.items[0]
	ds.value.SetText(d.Scores[0].Points.String())
	ds.reason.SetText("Agreed in the meeting")
	ds.votes.SetText("3")
	ds.save.OnTapped()
	wait(t, st)
	if ds.msg.Text == "" {
		t.Fatal("3 votes of 10 were accepted")
	}
	ds.votes.SetText("8")
	ds.save.OnTapped()
	wait(t, st)
	snap, err := st.council.Snapshot(st.period.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, dec := range snap.Decisions {
		if dec.Unit == d.Unit && dec.Criterion == d.Criterion && dec.VotesFor == 8 {
			found = true
		}
	}
	if !found {
		t.Fatalf("the decision was not recorded (message %q)", ds.msg.Text)
	}
}
