package exchange_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"parindex/demo"
	"parindex/exchange"
	"parindex/index"
)

// surveyOf returns a unit's stored survey points on a leaf.
func surveyOf(t testing.TB, c *council, unit, crit string) (index.Points, bool) {
	t.Helper()
	for _, s := range c.snap(t).Survey {
		if s.Unit == unit && s.Criterion == crit {
			return s.Points, true
		}
	}
	return 0, false
}

// surveyLeaves returns the survey leaves of a framework.
func surveyLeaves(fw *index.Framework) []*index.Criterion {
	var out []*index.Criterion
	for _, l := range fw.Leaves() {
		if l.Method == index.Survey {
			out = append(out, l)
		}
	}
	return out
}

// TestSurveyRoundTrip exports the survey points (xlsx and CSV) and imports
// them back: nothing changes.
func TestSurveyRoundTrip(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	head := c.head(t)
	for _, name := range []string{"survey.xlsx", "survey.csv"} {
		var b bytes.Buffer
		if err := exchange.ExportSurvey(c.s, c.period, &b, name, exchange.SurveyPointsLayout); err != nil {
			t.Fatal(err)
		}
		rep, err := exchange.ImportSurvey(c.s, c.period, memFile(name, b.Bytes()), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Unchanged != len(c.ds.Survey) || rep.Added+rep.Changed != 0 || c.head(t) != head {
			t.Fatalf("%s: %+v, want %d unchanged", name, rep, len(c.ds.Survey))
		}
	}
}

// TestSurveyCounts fills the counts template the survey team gets and
// imports it: points follow the mapping exactly; a mapping given is stored.
func TestSurveyCounts(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	var b bytes.Buffer
	if err := exchange.ExportSurvey(c.s, c.period, &b, "counts.xlsx", exchange.SurveyCountsLayout); err != nil {
		t.Fatal(err)
	}
	leaves := surveyLeaves(c.ds.Framework("so-nganh-quan-huyen-2024"))
	l0, l1 := leaves[0], leaves[1]
	data := edit(t, b.Bytes(), func(x *excelize.File) {
		sh := exchange.SheetSurvey
		rows, _ := x.GetRows(sh)
		if got := rows[0]; len(got) != 9 || got[5] != "A" || got[8] != "D" {
			t.Fatalf("header %q", got)
		}
		for i, r := range rows {
			if r[0] == "SO-TC" && r[2] == l0.Code {
				for j, v := range []any{10, 5, "3", nil} {
					setCell(t, x, sh, string(rune('F'+j))+itoa(i+1), v)
				}
			}
			if r[0] == "SO-NV" && r[2] == l1.Code {
				setCell(t, x, sh, "F"+itoa(i+1), 1)
				setCell(t, x, sh, "I"+itoa(i+1), 1)
			}
		}
	})
	rep, err := exchange.ImportSurvey(c.s, c.period, memFile("counts.xlsx", data), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added+rep.Changed+rep.Unchanged != 2 {
		t.Fatalf("report %+v, want 2 rows", rep)
	}
	want0, _ := exchange.SurveyPoints(l0.Max, []int64{10, 5, 3, 0}, exchange.DefaultMapping())
	want1, _ := exchange.SurveyPoints(l1.Max, []int64{1, 0, 0, 1}, exchange.DefaultMapping())
	if got, _ := surveyOf(t, c, "SO-TC", l0.Code); got != want0 {
		t.Errorf("SO-TC %s: %s, want %s", l0.Code, got, want0)
	}
	if got, _ := surveyOf(t, c, "SO-NV", l1.Code); got != want1 {
		t.Errorf("SO-NV %s: %s, want %s", l1.Code, got, want1)
	}

	// One row per answer, with a mapping of three answers given on import.
	m, err := exchange.ParseMapping("Tốt=100,Trung bình=50,Kém=0")
	if err != nil {
		t.Fatal(err)
	}
	csv := "unit,criterion,answer,count\n" +
		"SO-TC," + l0.Code + ",Tốt,3\n" +
		"SO-TC," + l0.Code + ",trung binh,1\n" +
		"SO-TC," + l0.Code + ",Kém,0\n"
	if _, err := exchange.ImportSurvey(c.s, c.period, memFile("long.csv", []byte(csv)), m, nil); err != nil {
		t.Fatal(err)
	}
	want, _ := exchange.SurveyPoints(l0.Max, []int64{3, 1, 0}, m)
	if got, _ := surveyOf(t, c, "SO-TC", l0.Code); got != want {
		t.Errorf("long layout: %s, want %s", got, want)
	}
	stored, err := exchange.SurveyMapping(c.s, c.period)
	if err != nil || stored.String() != m.String() {
		t.Fatalf("stored mapping %v, %v", stored, err)
	}
}

func TestSurveyBad(t *testing.T) {
	c := newCouncil(t, demo.Hanoi)
	head := c.head(t)
	l := surveyLeaves(c.ds.Framework("so-nganh-quan-huyen-2024"))[0]
	cases := []struct {
		name, csv string
		want      []string
	}{
		{"appraisal leaf", "unit,criterion,points\nSO-TC,1.1.1,0.5\n",
			[]string{"row 2, column B (criterion): unit SO-TC: criterion 1.1.1: 1.1.1 is an appraisal criterion, not a survey criterion"}},
		{"above max", "unit,criterion,points\nSO-TC," + l.Code + ",99\n",
			[]string{"row 2, column C (points): unit SO-TC: criterion " + l.Code + ": 99 is above the max"}},
		{"text", "unit,criterion,points\nSO-TC," + l.Code + ",tốt\n", []string{"text where a number belongs"}},
		{"duplicate", "unit,criterion,points\nSO-TC," + l.Code + ",0\nSO-TC," + l.Code + ",0\n",
			[]string{"row 3: unit SO-TC: criterion " + l.Code + ": the unit and criterion are given twice (first in row 2)"}},
		{"unknown answer column", "unit,criterion,A,B,E\nSO-TC," + l.Code + ",1,2,3\n",
			[]string{`row 1, column E (E): answer column "E" is not in the survey mapping A=100,B=60,C=20,D=0`}},
		{"negative count", "unit,criterion,A,B\nSO-TC," + l.Code + ",-1,2\n", []string{"answer A: count -1 is negative"}},
		{"zero answers", "unit,criterion,A,B\nSO-TC," + l.Code + ",0,0\n", []string{"no answers were counted"}},
		{"both layouts", "unit,criterion,points,A\n", []string{"both points and answer counts"}},
		{"no results", "unit,criterion,name\n", []string{"no column of results"}},
		{"unknown answer", "unit,criterion,answer,count\nSO-TC," + l.Code + ",F,1\n", []string{`answer "F" is not in the survey mapping`}},
		{"empty", "unit,criterion,points\nSO-TC," + l.Code + ",\n", []string{"s.csv: the file holds no survey results"}},
		{"inactive or unknown unit", "unit,criterion,points\nXX," + l.Code + ",1\n", []string{`unit "XX" does not exist`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := exchange.ImportSurvey(c.s, c.period, memFile("s.csv", []byte(tc.csv)), nil, nil)
			wantProblems(t, err, tc.want...)
			if c.head(t) != head {
				t.Fatal("a refused import changed the council file")
			}
		})
	}
}
