package ui

import (
	"testing"

	"parindex/index"
)

// BenchmarkScoringUpdate measures the Scoring screen's path from a typed
// score to updated totals at Hanoi scale: parse, CheckScore, recompute the
// unit, refresh the figures. One frame at 60 Hz is 16.7 ms.
func BenchmarkScoringUpdate(b *testing.B) {
	st := newTestState(b, "TK01", Vietnamese)
	sc := openScoring(b, st)
	row := findLeaf(b, sc, func(r critRow, lr *index.LeafResult) bool {
		_, editable := sc.appraiserOf(r)
		return editable && r.c.Method == index.Appraisal && !lr.NA && r.c.Max >= 100
	})
	sc.selectRow(row)
	values := []string{"0,25", "0,5", "0,75", "1"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sc.preview(1, values[i%len(values)])
	}
	b.StopTimer()
	if sc.msg.Text != "" && sc.chips["total"].value.Color != colNavy {
		b.Fatalf("preview refused: %q", sc.msg.Text)
	}
}

// BenchmarkComputePeriod is the whole-period recomputation the screen avoids.
func BenchmarkComputePeriod(b *testing.B) {
	st := newTestState(b, "TK01", Vietnamese)
	m, err := st.loadModel()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := index.Compute(m.Snap); err != nil {
			b.Fatal(err)
		}
	}
}
