package index

import (
	"strings"
	"testing"
)

// FuzzParsePoints checks that any accepted input prints back to a value that
// parses to the same points, in both spellings, and that nothing panics.
func FuzzParsePoints(f *testing.F) {
	for _, s := range []string{"92.76", "92,5", "-1.5", "0,25", "", "1e3", "+7", ".5", "1.234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePoints(s)
		if err != nil {
			return
		}
		for _, printed := range []string{p.String(), p.VI(), p.Short()} {
			q, err := ParsePoints(printed)
			if err != nil || q != p {
				t.Fatalf("%q -> %d -> %q -> %d, %v", s, p, printed, q, err)
			}
		}
		if strings.ContainsAny(s, "eE") {
			t.Fatalf("%q with an exponent was accepted", s)
		}
	})
}
