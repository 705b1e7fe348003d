package exchange

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parindex/index"
)

// fuzzSnapshot is a small period for the CSV readers: the test framework
// (testdata/small.json) in block B, units U1 and U2 active, U3 inactive.
func fuzzSnapshot(t testing.TB) *index.Snapshot {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "small.json"))
	if err != nil {
		t.Fatal(err)
	}
	fw, err := ReadFrameworkJSON(bytes.NewReader(b), "small.json")
	if err != nil {
		t.Fatal(err)
	}
	return &index.Snapshot{
		Period:     index.Period{ID: 1, Year: 2025, Round: index.FullYear, Name: "Năm 2025"},
		Frameworks: map[string]*index.Framework{fw.Code: fw},
		Blocks:     []index.Block{{Code: "B", Name: "Khối B", Framework: fw.Code}},
		Units: []index.Unit{{Code: "U1", Name: "Đơn vị 1", Block: "B", Active: true},
			{Code: "U2", Name: "Đơn vị 2", Block: "B", Active: true}, {Code: "U3", Name: "Đơn vị 3", Block: "B"}},
	}
}

// checkFailure checks what every reader promises of its errors.
func checkFailure(t *testing.T, err error, name string) {
	t.Helper()
	var se *SpreadsheetError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SpreadsheetError", err, err)
	}
	if len(se.Problems) == 0 || se.Count < len(se.Problems) || len(se.Problems) > maxProblems {
		t.Fatalf("%d problems, count %d", len(se.Problems), se.Count)
	}
	for _, p := range se.Problems {
		if p.File != name || p.Message == "" {
			t.Fatalf("problem %+v", p)
		}
	}
	if !strings.HasPrefix(err.Error(), name+": ") {
		t.Fatalf("error %q does not start with the file name", err)
	}
}

// checkScore checks a score a reader accepted against the period.
func checkScore(t *testing.T, snap *index.Snapshot, unit, crit string, p index.Points, survey bool, seen map[[2]string]bool) {
	t.Helper()
	c := newCouncil(snap)
	_, fw, msg := c.unit(unit)
	if msg != "" {
		t.Fatalf("accepted a score of unit %q: %s", unit, msg)
	}
	leaf := fw.Find(crit)
	if leaf == nil || !leaf.IsLeaf() || (leaf.Method == index.Survey) != survey {
		t.Fatalf("accepted a score on %q", crit)
	}
	if err := fw.CheckScore(leaf, p); err != nil {
		t.Fatalf("accepted %s on %s: %v", p, crit, err)
	}
	k := [2]string{unit, crit}
	if seen[k] {
		t.Fatalf("accepted %s/%s twice", unit, crit)
	}
	seen[k] = true
}

// The seed corpora are in testdata/fuzz/Fuzz…: valid files in both
// separators, Vietnamese headers with a byte order mark, every kind of bad
// row, broken quoting.

// FuzzReadSelfCSV: the self-assessment CSV reader never panics, its errors
// are located problems, and what it accepts is valid for the period.
func FuzzReadSelfCSV(f *testing.F) {
	snap := fuzzSnapshot(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadSelfCSV(bytes.NewReader(data), "self.csv", snap)
		if err != nil {
			checkFailure(t, err, "self.csv")
			return
		}
		seen := map[[2]string]bool{}
		for i, s := range got.Scores {
			checkScore(t, snap, s.Unit, s.Criterion, s.Points, false, seen)
			if at := got.Where(i); at.Row < 2 || at.Unit != s.Unit {
				t.Fatalf("score %d from %+v", i, at)
			}
		}
	})
}

// FuzzReadSurveyCSV does the same for survey results in all three layouts.
func FuzzReadSurveyCSV(f *testing.F) {
	snap := fuzzSnapshot(f)
	m := DefaultMapping()
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadSurveyCSV(bytes.NewReader(data), "survey.csv", snap, m)
		if err != nil {
			checkFailure(t, err, "survey.csv")
			return
		}
		seen := map[[2]string]bool{}
		for _, s := range got.Scores {
			checkScore(t, snap, s.Unit, s.Criterion, s.Points, true, seen)
		}
	})
}

// FuzzReadUnitsCSV does the same for units lists.
func FuzzReadUnitsCSV(f *testing.F) {
	snap := fuzzSnapshot(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadUnits(bytes.NewReader(data), "units.csv", snap)
		if err != nil {
			checkFailure(t, err, "units.csv")
			return
		}
		seen := map[string]bool{}
		for _, u := range got.Units {
			if u.Code == "" || u.Name == "" || u.Block != "B" || seen[u.Code] {
				t.Fatalf("accepted unit %+v", u)
			}
			seen[u.Code] = true
		}
	})
}
