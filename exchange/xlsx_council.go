package exchange

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"parindex/data"
	"parindex/index"
)

// This file holds the spreadsheet imports and exports of a council file:
// what parindex-cli's import and export commands and the desktop app's
// Spreadsheets screen call. Each import reads and checks whole files first
// and then writes everything in one data.Store.Apply, so that a file with a
// single bad row changes nothing; its errors are *SpreadsheetError values
// naming the file, sheet, row, column, unit and criterion.

// File is a file to import: its name, which gives its format (.xlsx, .csv or
// .json) and is used in messages, and how to open it.
type File struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// Files makes the Files of paths on disk.
func Files(paths ...string) []File {
	out := make([]File, len(paths))
	for i, p := range paths {
		out[i] = File{Name: p, Open: func() (io.ReadCloser, error) { return os.Open(p) }}
	}
	return out
}

// latest resolves period 0 to the council file's latest period.
func latest(s *data.Store, period int64) (int64, error) {
	if period != 0 {
		return period, nil
	}
	p, err := s.LatestPeriod()
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// snapshot loads a period (0: the latest).
func snapshot(s *data.Store, period int64) (int64, *index.Snapshot, error) {
	id, err := latest(s, period)
	if err != nil {
		return 0, nil, err
	}
	snap, err := s.Snapshot(id)
	if err != nil {
		return 0, nil, err
	}
	return id, snap, nil
}

// explainBatch turns a *data.BatchError about the items of kind into problems
// located at the cells the items came from; other errors are returned as they are.
func explainBatch(err error, kind string, at []CellProblem) error {
	var be *data.BatchError
	if !errors.As(err, &be) {
		return err
	}
	ps := &problems{err: err}
	for _, it := range be.Items {
		p := CellProblem{Unit: it.Unit, Criterion: it.Criterion}
		if it.Kind == kind && it.Index >= 0 && it.Index < len(at) {
			p = at[it.Index]
		}
		p.Message = it.Err.Error()
		ps.add(p)
	}
	ps.count = max(ps.count, be.Count)
	return ps.result()
}

// readFile opens and reads one file with read.
func readFile[T any](f File, read func(r io.Reader, name string) (T, error)) (T, error) {
	var zero T
	rc, err := f.Open()
	if err != nil {
		return zero, fileProblem(f.Name, err, "cannot open the file: %v", err)
	}
	defer rc.Close()
	return read(rc, f.Name)
}

// ImportFramework reads a framework from an xlsx workbook or a JSON file (by
// the name's extension) and saves it in the council file. Saving the same
// framework again changes nothing; different content under a saved code and
// version is refused.
func ImportFramework(s *data.Store, f File) (*index.Framework, error) {
	fw, err := readFile(f, ReadFrameworkFile)
	if err != nil {
		return nil, err
	}
	if err := s.SaveFramework(fw); err != nil {
		return nil, fmt.Errorf("import framework %s: %w", f.Name, err)
	}
	return fw, nil
}

// ImportSelf reads self-assessments from filled templates (xlsx, one unit
// each) and CSV files (any units), checks every file against the period (0:
// the latest) and stores them all in one batch: when any row of any file is
// wrong, nothing is stored and the error lists every problem. A unit whose
// scores are in two files is a problem. progress is told how many files are
// read, then once more when they are stored.
func ImportSelf(s *data.Store, period int64, files []File, progress Progress) (data.ApplyReport, error) {
	id, snap, err := snapshot(s, period)
	if err != nil {
		return data.ApplyReport{}, err
	}
	all := &SelfScores{}
	ps := &problems{}
	total := len(files) + 1
	fileOf := map[string]string{} // unit → the first file giving its scores
	for i, f := range files {
		sc, err := readFile(f, func(r io.Reader, name string) (*SelfScores, error) { return ReadSelf(r, name, snap) })
		if err != nil {
			ps.merge(f.Name, err)
		} else {
			reported := map[string]bool{}
			for _, x := range sc.Scores {
				if first, ok := fileOf[x.Unit]; !ok {
					fileOf[x.Unit] = f.Name
				} else if first != f.Name && !reported[x.Unit] {
					reported[x.Unit] = true
					ps.add(CellProblem{File: f.Name, Unit: x.Unit,
						Message: fmt.Sprintf("the unit's self-assessment is also in %s: import one file per unit", first)})
				}
			}
			all.add(sc)
		}
		if (i+1)%every(total) == 0 {
			progress.report(i+1, total)
		}
	}
	if err := ps.result(); err != nil {
		return data.ApplyReport{}, err
	}
	rep, err := s.Apply(id, &data.Batch{Self: all.Scores})
	if err != nil {
		return data.ApplyReport{}, explainBatch(err, "self", all.at)
	}
	progress.report(total, total)
	return rep, nil
}

// SurveyMapping returns the period's survey mapping (0: the latest period):
// the one stored under SettingSurveyMapping, or DefaultMapping.
func SurveyMapping(s *data.Store, period int64) (Mapping, error) {
	id, err := latest(s, period)
	if err != nil {
		return nil, err
	}
	settings, err := s.PeriodSettings(id)
	if err != nil {
		return nil, err
	}
	return MappingFromSettings(settings)
}

// SetSurveyMapping stores the period's survey mapping (0: the latest period).
func SetSurveyMapping(s *data.Store, period int64, m Mapping) error {
	id, err := latest(s, period)
	if err != nil {
		return err
	}
	if len(m) == 0 {
		return errors.New("set survey mapping: the mapping has no answers")
	}
	if err := s.SetPeriodSettings(id, map[string]string{SettingSurveyMapping: m.String()}); err != nil {
		return fmt.Errorf("set survey mapping: %w", err)
	}
	return nil
}

// ImportSurvey reads survey results (points, or answer counts turned into
// points with the mapping) from an xlsx or CSV file (see ReadSurvey) and
// stores them in one batch in the period (0: the latest). A nil mapping means
// the period's (SurveyMapping); a mapping given is stored as the period's
// once the results are stored.
func ImportSurvey(s *data.Store, period int64, f File, m Mapping, progress Progress) (data.ApplyReport, error) {
	id, snap, err := snapshot(s, period)
	if err != nil {
		return data.ApplyReport{}, err
	}
	save := m != nil
	if m == nil {
		if m, err = SurveyMapping(s, id); err != nil {
			return data.ApplyReport{}, err
		}
	}
	progress.report(0, 2)
	sc, err := readFile(f, func(r io.Reader, name string) (*SurveyScores, error) { return ReadSurvey(r, name, snap, m) })
	if err != nil {
		return data.ApplyReport{}, err
	}
	progress.report(1, 2)
	rep, err := s.Apply(id, &data.Batch{Survey: sc.Scores})
	if err != nil {
		return data.ApplyReport{}, explainBatch(err, "survey", sc.at)
	}
	if save && sc.Counted {
		if err := SetSurveyMapping(s, id, m); err != nil {
			return rep, err
		}
	}
	progress.report(2, 2)
	return rep, nil
}

// ImportUnits reads a units list (see ReadUnits) and adds or updates the
// units of the period (0: the latest) in one batch.
func ImportUnits(s *data.Store, period int64, f File) (data.ApplyReport, error) {
	id, snap, err := snapshot(s, period)
	if err != nil {
		return data.ApplyReport{}, err
	}
	ul, err := readFile(f, func(r io.Reader, name string) (*UnitList, error) { return ReadUnits(r, name, snap) })
	if err != nil {
		return data.ApplyReport{}, err
	}
	rep, err := s.Apply(id, &data.Batch{Units: ul.Units})
	if err != nil {
		return data.ApplyReport{}, explainBatch(err, "units", ul.at)
	}
	return rep, nil
}

// ExportFramework writes a saved framework (version 0: the latest) as an xlsx
// workbook or a JSON file, by the name's extension.
func ExportFramework(s *data.Store, code string, version int, w io.Writer, name string) error {
	fw, err := s.FrameworkVersion(code, version)
	if err != nil {
		return err
	}
	return WriteFrameworkFile(w, fw, name)
}

// ExportTemplate writes the self-assessment template of one unit of the
// period (0: the latest); see WriteSelfTemplate.
func ExportTemplate(s *data.Store, period int64, unit string, w io.Writer) error {
	_, snap, err := snapshot(s, period)
	if err != nil {
		return err
	}
	return WriteSelfTemplate(w, snap, unit)
}

// ExportTemplates writes the template of every active unit of the period (0:
// the latest) into dir, one file each named by TemplateFileName, and returns
// the paths written. progress is told how many are written.
func ExportTemplates(s *data.Store, period int64, dir string, progress Progress) ([]string, error) {
	_, snap, err := snapshot(s, period)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export templates: %w", err)
	}
	var units []string
	for _, u := range snap.Units {
		if u.Active {
			units = append(units, u.Code)
		}
	}
	var paths []string
	for i, u := range units {
		p := filepath.Join(dir, TemplateFileName(u))
		if err := WriteFile(p, func(w io.Writer) error { return WriteSelfTemplate(w, snap, u) }); err != nil {
			return paths, err
		}
		paths = append(paths, p)
		if (i+1)%every(len(units)) == 0 || i+1 == len(units) {
			progress.report(i+1, len(units))
		}
	}
	return paths, nil
}

// ExportSelfCSV writes the self-assessments of the period (0: the latest) as
// CSV, for the given units or all active ones; see WriteSelfCSV.
func ExportSelfCSV(s *data.Store, period int64, w io.Writer, units ...string) error {
	_, snap, err := snapshot(s, period)
	if err != nil {
		return err
	}
	return WriteSelfCSV(w, snap, units...)
}

// ExportUnits writes the period's units (0: the latest) as xlsx or CSV, by
// the name's extension; see WriteUnits.
func ExportUnits(s *data.Store, period int64, w io.Writer, name string) error {
	_, snap, err := snapshot(s, period)
	if err != nil {
		return err
	}
	return WriteUnits(w, name, snap)
}

// ExportSurvey writes the period's survey results (0: the latest) as xlsx
// or CSV, by the name's extension, in a layout; see WriteSurvey.
func ExportSurvey(s *data.Store, period int64, w io.Writer, name string, layout SurveyLayout) error {
	id, snap, err := snapshot(s, period)
	if err != nil {
		return err
	}
	m, err := SurveyMapping(s, id)
	if err != nil {
		return err
	}
	return WriteSurvey(w, name, snap, layout, m)
}

// Tables of the results CSV.
const (
	TableUnits  = "units"  // one row per unit: WriteResultsCSV
	TableFields = "fields" // one row per unit and field: WriteFieldsCSV
	TableLeaves = "leaves" // one row per unit and leaf: WriteLeavesCSV
)

// ExportResults computes the period (0: the latest) and writes its results:
// a workbook with live formulas (WriteResultsXLSX) for format "xlsx", or for
// "csv" the table units, fields or leaves ("" is units). progress is told
// how many rows of the workbook are written.
func ExportResults(s *data.Store, period int64, w io.Writer, format, table string, progress Progress) error {
	_, snap, err := snapshot(s, period)
	if err != nil {
		return err
	}
	res, err := index.Compute(snap)
	if err != nil {
		return err
	}
	switch format {
	case "xlsx":
		return WriteResultsXLSX(w, snap, res, ResultsOptions{Progress: progress})
	case "csv":
		switch table {
		case TableUnits, "":
			return WriteResultsCSV(w, res)
		case TableFields:
			return WriteFieldsCSV(w, res)
		case TableLeaves:
			return WriteLeavesCSV(w, res)
		}
		return fmt.Errorf("export results: unknown table %q (units, fields or leaves)", table)
	}
	return fmt.Errorf("export results: unknown format %q (xlsx or csv)", format)
}

// FormatOf returns "xlsx", "csv" or "json" from a file name's extension, or "".
func FormatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return "xlsx"
	case ".csv", ".txt":
		return "csv"
	case ".json":
		return "json"
	}
	return ""
}

// WriteFile writes a file through write: into a temporary file beside it,
// renamed over path only when write succeeds, so that a failed export
// leaves no half-written file.
func WriteFile(path string, write func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
