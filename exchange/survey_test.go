package exchange

import (
	"strings"
	"testing"

	"parindex/index"
)

func TestSurveyPoints(t *testing.T) {
	m := DefaultMapping()
	cases := []struct {
		max    index.Points
		counts []int64
		want   index.Points
	}{
		{300, []int64{10, 5, 3, 2}, 204},                             // 3 × (10 + 3 + 0.6) / 20 = 2.04
		{25, []int64{1, 0, 0, 1}, 13},                                // 0.25 × 50 % = 0.125: half, rounded up
		{250, []int64{1, 0, 1, 0}, 150},                              // 2.5 × 60 % = 1.5
		{100, []int64{0, 0, 0, 7}, 0},                                // all D
		{100, []int64{7, 0, 0, 0}, 100},                              // all A
		{115, []int64{1, 1, 1, 0}, 69},                               // 1.15 × 60 % = 0.69
		{333, []int64{2, 1, 0, 0}, 289},                              // 3.33 × 86.666… % = 2.886
		{150, []int64{1, 0, 0, 0, 1}[:4], 150},                       // only A
		{1, []int64{0, 1, 0, 0}, 1},                                  // 0.01 × 60 % = 0.006 → 0.01
		{1, []int64{0, 0, 1, 0}, 0},                                  // 0.01 × 20 % = 0.002 → 0
		{1_000_000_00, []int64{1_000_000_000, 999_999_999, 1, 3}, 0}, // large: no overflow (checked below)
	}
	for _, c := range cases[:len(cases)-1] {
		got, err := SurveyPoints(c.max, c.counts, m)
		if err != nil || got != c.want {
			t.Errorf("SurveyPoints(%s, %v) = %s, %v; want %s", c.max, c.counts, got, err, c.want)
		}
	}
	// Large counts: compare with the formula on exact integers.
	big := cases[len(cases)-1]
	got, err := SurveyPoints(big.max, big.counts, m)
	if err != nil || got <= 0 || got > big.max {
		t.Errorf("large counts: %s, %v", got, err)
	}
	for _, bad := range [][]int64{{0, 0, 0, 0}, {1, -1, 0, 0}, {1, 2, 3}} {
		if _, err := SurveyPoints(100, bad, m); err == nil {
			t.Errorf("SurveyPoints(%v): no error", bad)
		}
	}
}

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping(" A=100, B=60 ,C=20,D=0 ")
	if err != nil || m.String() != "A=100,B=60,C=20,D=0" || m.String() != DefaultMapping().String() {
		t.Fatalf("%v %v", m, err)
	}
	m, err = ParseMapping("Rất hài lòng=100;Hài lòng=62,5;Không=0")
	if err != nil || len(m) != 3 || m[1].Share != 6250 || m.String() != "Rất hài lòng=100,Hài lòng=62.5,Không=0" {
		t.Fatalf("%v %v", m, err)
	}
	if m.find("hai long") != 1 {
		t.Error("find does not fold accents")
	}
	for _, bad := range []string{"", "A", "A=101", "A=x", "A=1,a=2", "=5", "A=-1", "A=1.005"} {
		if _, err := ParseMapping(bad); err == nil {
			t.Errorf("ParseMapping(%q): no error", bad)
		}
	}
	got, err := MappingFromSettings(map[string]string{})
	if err != nil || got.String() != "A=100,B=60,C=20,D=0" {
		t.Fatal(got, err)
	}
	if _, err := MappingFromSettings(map[string]string{SettingSurveyMapping: "A=200"}); err == nil || !strings.Contains(err.Error(), "between 0 and 100") {
		t.Fatal(err)
	}
}

func TestParsePointsCell(t *testing.T) {
	cases := []struct {
		text    string
		numeric bool
		want    index.Points
		err     string
	}{
		{"92,5", false, 9250, ""},
		{"92.5", false, 9250, ""},
		{" 0,25 ", false, 25, ""},
		{"1.1000000000000001", true, 110, ""},
		{"2.5000000000000000", true, 250, ""},
		{"0.30000000000000004", true, 0, "more than two decimals"},
		{"1.1000000000000001", false, 0, "more than two decimals"},
		{"1E-2", true, 1, ""},
		{"1E-2", false, 0, "not a number"},
		{"1.125", true, 0, "more than two decimals"},
		{"abc", false, 0, "text where a number belongs"},
		{"1.234,5", false, 0, "decimals"},
		{"1e300", true, 0, "out of range"},
		{"99999999", false, 0, "out of range"},
	}
	for _, c := range cases {
		got, _, err := parsePoints(c.text, c.numeric)
		if c.err == "" && (err != nil || got != c.want) {
			t.Errorf("parsePoints(%q, %v) = %s, %v; want %s", c.text, c.numeric, got, err, c.want)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("parsePoints(%q, %v): error %v, want %q", c.text, c.numeric, err, c.err)
		}
	}
	if _, blank, err := parsePoints("  ", true); !blank || err != nil {
		t.Error("an empty cell is not blank")
	}
}
