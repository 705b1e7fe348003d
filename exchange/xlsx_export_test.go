package exchange

import (
	"io"

	"parindex/index"
)

// WriteResultsXLSXWrongCache is WriteResultsXLSX with zeros as the formulas'
// cached values, for the external tests that prove a spreadsheet program
// recalculated the workbook.
func WriteResultsXLSXWrongCache(w io.Writer, snap *index.Snapshot, res *index.Result) error {
	return WriteResultsXLSX(w, snap, res, ResultsOptions{wrongCache: true})
}
