package exchange_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"parindex/data"
	"parindex/demo"
	"parindex/exchange"
	"parindex/index"
)

// copyFile copies a closed council file.
func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImportSelfCity imports the self-assessments of the City demo's
// 250 units, one filled template each, into a council file that has none:
// reading and checking 250 workbooks, then one batch adding every score.
func BenchmarkImportSelfCity(b *testing.B) {
	ds, err := demo.Generate(demo.City, 1)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	// A council with the self-assessments, to write the filled templates.
	full, err := data.Open(filepath.Join(dir, "full.parindex"))
	if err != nil {
		b.Fatal(err)
	}
	pid, err := ds.Install(full)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	paths, err := exchange.ExportTemplates(full, pid, filepath.Join(dir, "templates"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("exported %d templates in %v", len(paths), time.Since(start))
	full.Close()
	// The same council without them.
	nSelf := len(ds.Self)
	ds.Self = nil
	emptyPath := filepath.Join(dir, "empty.parindex")
	empty, err := data.Open(emptyPath)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ds.Install(empty); err != nil {
		b.Fatal(err)
	}
	empty.Close()
	files := exchange.Files(paths...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(dir, "run.parindex")
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		copyFile(b, emptyPath, path)
		s, err := data.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := exchange.ImportSelf(s, pid, files, nil)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added != nSelf {
			b.Fatalf("added %d, want %d", rep.Added, nSelf)
		}
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(paths)), "workbooks")
}

// BenchmarkExportResultsNational writes the results workbook of the
// national demo (3,321 communes): snapshot, compute and the workbook with
// its formulas and cached values.
func BenchmarkExportResultsNational(b *testing.B) {
	ds, err := demo.Generate(demo.National, 1)
	if err != nil {
		b.Fatal(err)
	}
	s, err := data.Open(filepath.Join(b.TempDir(), "national.parindex"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	pid, err := ds.Install(s)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("installed %d units in %v", len(ds.Units), time.Since(start))
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := exchange.ExportResults(s, pid, &buf, "xlsx", "", nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(buf.Len())/(1<<20), "MiB")
	io.Discard.Write(buf.Bytes())
}

// BenchmarkWriteResultsNational writes the national results workbook from a
// computed result: the workbook alone, without the council file.
func BenchmarkWriteResultsNational(b *testing.B) {
	ds, err := demo.Generate(demo.National, 1)
	if err != nil {
		b.Fatal(err)
	}
	snap := ds.Snapshot()
	res, err := index.Compute(snap)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := exchange.WriteResultsXLSX(io.Discard, snap, res, exchange.ResultsOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
