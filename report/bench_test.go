package report

import (
	"testing"

	"parindex/demo"
	"parindex/index"
)

// demoInput generates a demo dataset, computes it and wraps it as report
// input with the dataset's own report settings.
func demoInput(t testing.TB, scale demo.Scale) Input {
	t.Helper()
	ds, err := demo.Generate(scale, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := ds.Snapshot()
	res, err := index.Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	set, err := ParseSettings(ds.Settings)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Snapshot: s, Result: res, Settings: set, Provenance: Provenance{AuditHead: "0123abcd"}}
}

// BenchmarkSummaryCity builds and renders the summary of the demo city
// (250 units in 3 blocks).
func BenchmarkSummaryCity(b *testing.B) {
	in := demoInput(b, demo.City)
	fonts := testFonts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := Summary(in)
		if err != nil {
			b.Fatal(err)
		}
		pdf, err := Render(d, fonts)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(pdf)))
	}
}

// BenchmarkUnitSheetsHanoi builds and renders the unit sheets of every unit
// of the demo Hanoi 2024 period (72 units).
func BenchmarkUnitSheetsHanoi(b *testing.B) {
	in := demoInput(b, demo.Hanoi)
	fonts := testFonts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := UnitSheets(in, nil)
		if err != nil {
			b.Fatal(err)
		}
		pdf, err := Render(d, fonts)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(pdf)))
	}
}
