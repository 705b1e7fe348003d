package data

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"parindex/index"
)

// nationalUnits is the number of units at national scale.
const nationalUnits = 3321

var (
	national struct {
		once   sync.Once
		dir    string
		path   string
		period int64
		batch  *Batch
		err    error
	}
)

// removeNational deletes the national-scale file built for the benchmarks.
func removeNational() {
	if national.dir != "" {
		os.RemoveAll(national.dir)
	}
}

// newNationalStore creates a store with the national framework and an empty period.
func newNationalStore(tb testing.TB, path string) (*Store, int64) {
	s := openAt(tb, path)
	must(tb, s.SaveFramework(nationalFramework()))
	pid, err := s.CreatePeriod(index.Period{Year: 2024, Round: index.FullYear})
	must(tb, err)
	return s, pid
}

// nationalFile builds, once per test binary, a council file holding a
// national-scale period.
func nationalFile(b *testing.B) (string, int64, *Batch) {
	national.once.Do(func() {
		national.dir, national.err = os.MkdirTemp("", "parindex-bench-")
		if national.err != nil {
			return
		}
		national.path = filepath.Join(national.dir, "national.parindex")
		national.batch = nationalBatch(nationalUnits)
		s, pid := newNationalStore(b, national.path)
		national.period = pid
		start := time.Now()
		_, national.err = s.Apply(pid, national.batch)
		took := time.Since(start)
		s.Close()
		var size int64
		if st, err := os.Stat(national.path); err == nil {
			size = st.Size()
		}
		b.Logf("built national file: %d items in %v, %d MB", national.batch.Len(), took, size>>20)
	})
	if national.err != nil {
		b.Fatal(national.err)
	}
	return national.path, national.period, national.batch
}

// BenchmarkApplyNational applies a whole national period (3,321 units, 332,100
// appraisals, as many self-assessments, 99,630 survey points) to an empty
// period: validation, one transaction, one audit entry per row.
func BenchmarkApplyNational(b *testing.B) {
	batch := nationalBatch(nationalUnits)
	rows := batch.Len()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, pid := newNationalStore(b, filepath.Join(b.TempDir(), "apply.parindex"))
		b.StartTimer()
		rep, err := s.Apply(pid, batch)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added != rows {
			b.Fatalf("added %d of %d", rep.Added, rows)
		}
	}
	b.ReportMetric(float64(rows), "rows/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

// BenchmarkApplyNationalUnchanged re-applies the national batch to a file
// that already holds it: everything is compared, nothing is written.
func BenchmarkApplyNationalUnchanged(b *testing.B) {
	path, pid, batch := nationalFile(b)
	s := openAt(b, path)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := s.Apply(pid, batch)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Unchanged != batch.Len() {
			b.Fatalf("%+v", rep)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch.Len()), "ns/row")
}

// BenchmarkSnapshotNational loads a national-scale period.
func BenchmarkSnapshotNational(b *testing.B) {
	path, pid, batch := nationalFile(b)
	s := openAt(b, path)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		snap, err := s.Snapshot(pid)
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Appraisals) < len(batch.Appraisals) || len(snap.Self) != len(batch.Self) || len(snap.Survey) != len(batch.Survey) {
			b.Fatalf("snapshot sizes %d %d %d", len(snap.Appraisals), len(snap.Self), len(snap.Survey))
		}
	}
	b.ReportMetric(float64(len(batch.Appraisals)+len(batch.Self)+len(batch.Survey)), "scores/op")
}

// BenchmarkSnapshotComputeNational is Snapshot followed by index.Compute:
// what a screen waits for after a change.
func BenchmarkSnapshotComputeNational(b *testing.B) {
	path, pid, _ := nationalFile(b)
	s := openAt(b, path)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		snap, err := s.Snapshot(pid)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := index.Compute(snap); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetAppraisalNational is one typed score in a national-scale file.
func BenchmarkSetAppraisalNational(b *testing.B) {
	path, pid, _ := nationalFile(b)
	s := openAt(b, path)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := index.AppraisalScore{Member: "m10", Unit: "U0000", Criterion: "1.1", Round: 1, Points: index.Points(25 * (i % 3)), Reason: "thử"}
		if err := s.SetAppraisal(pid, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyAuditNational verifies the audit log of a national-scale file.
func BenchmarkVerifyAuditNational(b *testing.B) {
	path, _, _ := nationalFile(b)
	s := openAt(b, path)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := s.VerifyAudit()
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() {
			b.Fatal(rep.String())
		}
	}
}
