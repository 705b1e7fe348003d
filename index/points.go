// Package index is the domain of parindex: criteria frameworks, periods, blocks,
// units, council members, scores, and Compute, which turns a period's snapshot into
// the Administrative Reform Index (Chỉ số CCHC) of every unit.
//
// The package is pure Go: it imports no Fyne, no SQL and no PDF code. Points are
// exact fixed-point decimals (hundredths of a point); percentages are hundredths
// of a percent, rounded half-up exactly once.
package index

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Points is an exact number of points, stored as hundredths of a point.
// Points(9276) is 92.76 points. Never convert points to float64.
type Points int64

// Percent is an exact percentage, stored as hundredths of a percent.
// Percent(8750) is 87.50 %.
type Percent int64

// Pts builds Points from a whole number of points and a number of hundredths,
// e.g. Pts(92, 76) is 92.76. It is meant for tests and sample data.
func Pts(whole, hundredths int64) Points {
	if whole < 0 {
		return Points(whole*100 - hundredths)
	}
	return Points(whole*100 + hundredths)
}

// ErrSyntax is wrapped by the parse errors of ParsePoints and ParsePercent.
var ErrSyntax = errors.New("not a number")

// ParsePoints reads a decimal number of points with at most two decimals. It
// accepts the decimal point ("92.5") and the Vietnamese decimal comma ("92,5"),
// surrounding spaces, and a leading sign. Exponents, thousands separators and
// more than two decimals are refused.
func ParsePoints(s string) (Points, error) {
	v, err := parseHundredths(s)
	return Points(v), err
}

// ParsePercent reads a percentage such as "87,5" or "90" (no % sign) with at
// most two decimals.
func ParsePercent(s string) (Percent, error) {
	v, err := parseHundredths(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	return Percent(v), err
}

func parseHundredths(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("%w: empty", ErrSyntax)
	}
	neg := false
	switch t[0] {
	case '-':
		neg = true
		t = t[1:]
	case '+':
		t = t[1:]
	}
	whole, frac := t, ""
	if i := strings.IndexAny(t, ".,"); i >= 0 {
		whole, frac = t[:i], t[i+1:]
	}
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%w: %q has more than two decimals", ErrSyntax, s)
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
			}
		}
	}
	if len(whole) > 12 {
		return 0, fmt.Errorf("%w: %q is too large", ErrSyntax, s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return v, nil
}

func formatHundredths(v int64, sep byte) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/100, 10) + string(sep) + fmt.Sprintf("%02d", v%100)
	if neg {
		s = "-" + s
	}
	return s
}

// String prints the points with two decimals and a decimal point: "92.76".
func (p Points) String() string { return formatHundredths(int64(p), '.') }

// VI prints the points the Vietnamese way, with a decimal comma: "92,76".
func (p Points) VI() string { return formatHundredths(int64(p), ',') }

// Short prints the points with as few decimals as needed: "1.5", "2", "0.25".
func (p Points) Short() string {
	s := p.String()
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// MarshalJSON writes the points as a JSON number with two decimals.
func (p Points) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number (or a string holding one) of at most two decimals.
func (p *Points) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	v, err := parseHundredths(unquote(b))
	if err != nil {
		return err
	}
	*p = Points(v)
	return nil
}

// String prints the percentage with two decimals and a decimal point: "87.50".
func (p Percent) String() string { return formatHundredths(int64(p), '.') }

// VI prints the percentage the Vietnamese way: "87,50".
func (p Percent) VI() string { return formatHundredths(int64(p), ',') }

// MarshalJSON writes the percentage as a JSON number with two decimals.
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalJSON reads a JSON number (or a string holding one) of at most two decimals.
func (p *Percent) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	v, err := parseHundredths(unquote(b))
	if err != nil {
		return err
	}
	*p = Percent(v)
	return nil
}

// divRoundHalfUp returns num/den rounded half away from zero. den must be > 0.
func divRoundHalfUp(num, den int64) int64 {
	if num >= 0 {
		return (num*2 + den) / (den * 2)
	}
	return -((-num*2 + den) / (den * 2))
}

// PercentOf returns part ÷ whole × 100, rounded half-up to two decimals. A zero
// or negative whole gives 0.
func PercentOf(part, whole Points) Percent {
	if whole <= 0 {
		return 0
	}
	return Percent(divRoundHalfUp(int64(part)*10000, int64(whole)))
}

// ShareOf returns pct % of p, rounded half-up to hundredths of a point.
func ShareOf(p Points, pct Percent) Points {
	return Points(divRoundHalfUp(int64(p)*int64(pct), 10000))
}

// unquote strips one pair of JSON string quotes, if present.
func unquote(b []byte) string {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
