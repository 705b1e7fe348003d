package index

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParsePoints(t *testing.T) {
	tests := []struct {
		in   string
		want Points
		err  bool
	}{
		{"92.76", 9276, false},
		{"92,76", 9276, false},
		{"92,5", 9250, false},
		{" 7 ", 700, false},
		{"0.25", 25, false},
		{",5", 50, false},
		{"-1.5", -150, false},
		{"+3", 300, false},
		{"0.125", 0, true},
		{"1e3", 0, true},
		{"1.000,5", 0, true},
		{"", 0, true},
		{"-", 0, true},
		{".", 0, true},
		{"abc", 0, true},
		{"1.2.3", 0, true},
		{"9999999999999", 0, true},
	}
	for _, tc := range tests {
		got, err := ParsePoints(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParsePoints(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("ParsePoints(%q) error %v does not wrap ErrSyntax", tc.in, err)
		}
		if got != tc.want {
			t.Errorf("ParsePoints(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestPointsFormatting(t *testing.T) {
	tests := []struct {
		p            Points
		str, vi, sho string
	}{
		{9276, "92.76", "92,76", "92.76"},
		{150, "1.50", "1,50", "1.5"},
		{200, "2.00", "2,00", "2"},
		{25, "0.25", "0,25", "0.25"},
		{-150, "-1.50", "-1,50", "-1.5"},
		{0, "0.00", "0,00", "0"},
	}
	for _, tc := range tests {
		if got := tc.p.String(); got != tc.str {
			t.Errorf("String(%d) = %q, want %q", tc.p, got, tc.str)
		}
		if got := tc.p.VI(); got != tc.vi {
			t.Errorf("VI(%d) = %q, want %q", tc.p, got, tc.vi)
		}
		if got := tc.p.Short(); got != tc.sho {
			t.Errorf("Short(%d) = %q, want %q", tc.p, got, tc.sho)
		}
	}
}

func TestExactSums(t *testing.T) {
	a, _ := ParsePoints("0.1")
	b, _ := ParsePoints("0.2")
	c, _ := ParsePoints("0.3")
	if a+b != c {
		t.Fatalf("0.1 + 0.2 = %s, want 0.30", a+b)
	}
	appr, _ := ParsePoints("66.40")
	surv, _ := ParsePoints("26.36")
	if got := (appr + surv).VI(); got != "92,76" {
		t.Fatalf("66,40 + 26,36 = %s, want 92,76", got)
	}
}

func TestPercentOf(t *testing.T) {
	tests := []struct {
		part, whole Points
		want        Percent
	}{
		{5250, 6000, 8750},  // central agency: 52.5 of 60 = 87.50 %
		{9276, 10000, 9276}, // 100-point scale: index = total
		{100, 300, 3333},    // 33.333.. -> 33.33
		{200, 300, 6667},    // 66.666.. -> 66.67
		{1, 8, 1250},        // 12.5 exactly
		{1, 16, 625},        // 6.25 exactly
		{1, 1600, 6},        // 0.0625 -> 0.06
		{1, 800, 13},        // 0.125 -> 0.13 (half up)
		{-1, 800, -13},      // negative totals round half away from zero
		{5, 0, 0},
	}
	for _, tc := range tests {
		if got := PercentOf(tc.part, tc.whole); got != tc.want {
			t.Errorf("PercentOf(%s, %s) = %s, want %s", tc.part, tc.whole, got, tc.want)
		}
	}
}

func TestShareOf(t *testing.T) {
	if got := ShareOf(Pts(1, 50), 6000); got != 90 {
		t.Errorf("60 %% of 1.50 = %s, want 0.90", got)
	}
	if got := ShareOf(Pts(1, 0), 3333); got != 33 {
		t.Errorf("33.33 %% of 1 = %s, want 0.33", got)
	}
}

func TestPointsJSON(t *testing.T) {
	var v struct {
		P Points  `json:"p"`
		Q Percent `json:"q"`
	}
	if err := json.Unmarshal([]byte(`{"p": 92.76, "q": "87,5"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.P != 9276 || v.Q != 8750 {
		t.Fatalf("got %d %d", v.P, v.Q)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"p":92.76,"q":87.50}` {
		t.Fatalf("marshal = %s", b)
	}
	if err := json.Unmarshal([]byte(`{"p": 1.234}`), &v); err == nil {
		t.Fatal("three decimals accepted")
	}
}
