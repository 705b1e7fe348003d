package exchange

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"parindex/index"
)

// writeCSVTable writes a header row of the columns' keys and the rows, with
// points as "92.50" (a decimal point, two decimals), in UTF-8 without a byte
// order mark.
func writeCSVTable(w io.Writer, cols []column, rows [][]cellValue) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.key
	}
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("exchange: write csv: %w", err)
	}
	rec := make([]string, len(cols))
	for _, row := range rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = row[i].csv()
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("exchange: write csv: %w", err)
		}
	}
	return flushCSV(cw)
}

// ResultsCSVHeader is the header of the results CSV: one row per unit, as
// parindex-cli compute --format csv prints it.
var ResultsCSVHeader = []string{"block", "rank", "code", "name", "appraisal", "survey", "bonus", "penalty",
	"total", "max", "index", "appraisal_index", "survey_index", "band"}

// FieldsCSVHeader is the header of the field (component) indexes CSV: one
// row per unit and scored field.
var FieldsCSVHeader = []string{"block", "code", "name", "field", "title", "points", "max", "index"}

// LeavesCSVHeader is the header of the leaf scores CSV: one row per unit and
// leaf; na is "true" for a leaf that does not apply to the unit.
var LeavesCSVHeader = []string{"block", "code", "criterion", "method", "max", "final", "source", "na", "self"}

// WriteResultsCSV writes one row per unit in rank order within each block,
// with points and percentages as "92.76".
func WriteResultsCSV(w io.Writer, res *index.Result) error {
	cw := csv.NewWriter(w)
	cw.Write(ResultsCSVHeader)
	for _, u := range res.Units {
		cw.Write([]string{u.Block, strconv.Itoa(u.Rank), u.Code, u.Name, u.Appraisal.String(), u.Survey.String(),
			u.Bonus.String(), u.Penalty.String(), u.Total.String(), u.Max.String(), u.Index.String(),
			u.AppraisalIndex.String(), u.SurveyIndex.String(), u.Band})
	}
	return flushCSV(cw)
}

// WriteFieldsCSV writes every unit's field (component) indexes.
func WriteFieldsCSV(w io.Writer, res *index.Result) error {
	cw := csv.NewWriter(w)
	cw.Write(FieldsCSVHeader)
	for _, u := range res.Units {
		for _, f := range u.Fields {
			cw.Write([]string{u.Block, u.Code, u.Name, f.Code, f.Title, f.Points.String(), f.Max.String(), f.Index.String()})
		}
	}
	return flushCSV(cw)
}

// WriteLeavesCSV writes every unit's final score on every leaf.
func WriteLeavesCSV(w io.Writer, res *index.Result) error {
	cw := csv.NewWriter(w)
	cw.Write(LeavesCSVHeader)
	for _, u := range res.Units {
		for _, l := range u.Leaves {
			self := ""
			if l.HasSelf {
				self = l.Self.String()
			}
			cw.Write([]string{u.Block, u.Code, l.Code, string(l.Method), l.Max.String(), l.Final.String(),
				string(l.Source), strconv.FormatBool(l.NA), self})
		}
	}
	return flushCSV(cw)
}

func flushCSV(cw *csv.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("exchange: write csv: %w", err)
	}
	return nil
}
