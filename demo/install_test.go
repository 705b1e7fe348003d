package demo

import (
	"path/filepath"
	"reflect"
	"testing"

	"parindex/data"
	"parindex/index"
)

// TestInstallHanoi installs the Hanoi demo into a real council file and checks
// that the stored period computes exactly what the dataset computes in memory.
func TestInstallHanoi(t *testing.T) {
	ds, err := Generate(Hanoi, 1)
	if err != nil {
		t.Fatal(err)
	}
	s, err := data.Open(filepath.Join(t.TempDir(), "hanoi.parindex"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, err := ds.Install(s)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := index.Compute(snap)
	if err != nil {
		t.Fatal(err)
	}
	want, err := index.Compute(ds.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Units) != 72 {
		t.Fatalf("stored period has %d units, want 72", len(got.Units))
	}
	for i := range want.Units {
		w, g := want.Units[i], got.Units[i]
		if w.Code != g.Code || w.Total != g.Total || w.Index != g.Index || w.Rank != g.Rank || !reflect.DeepEqual(w.Fields, g.Fields) {
			t.Fatalf("unit %d: stored %s %s %s rank %d, in memory %s %s %s rank %d", i, g.Code, g.Total, g.Index, g.Rank, w.Code, w.Total, w.Index, w.Rank)
		}
	}
	if len(got.Discrepancies) != len(want.Discrepancies) {
		t.Fatalf("discrepancies: stored %d, in memory %d", len(got.Discrepancies), len(want.Discrepancies))
	}
	if rep, err := s.VerifyAudit(); err != nil || !rep.OK() {
		t.Fatalf("audit after install: %v %v", rep, err)
	}
}
