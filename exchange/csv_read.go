package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// loadCSV reads a CSV file into a grid. The file must be UTF-8 (a byte order
// mark is skipped); the separator is a comma, or a semicolon when the first
// line holds more semicolons than commas (Excel writes semicolons where the
// decimal separator is a comma, as in Vietnamese settings). Rows may have
// different lengths. Row numbers in problems are record numbers, as a
// spreadsheet opening the file shows them.
func loadCSV(r io.Reader, name string) (*grid, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSpreadsheetSize+1))
	if err != nil {
		return nil, fileProblem(name, err, "cannot read the file: %v", err)
	}
	if len(data) > MaxSpreadsheetSize {
		return nil, fileProblem(name, nil, "the file is larger than %d MiB", MaxSpreadsheetSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte{'\n'})
		return nil, fileProblem(name, nil, "line %d is not UTF-8 text: save the file as \"CSV UTF-8\"", line)
	}
	if bytes.HasPrefix(data, []byte("PK")) {
		return nil, fileProblem(name, nil, "this is an xlsx workbook, not a CSV file: name it .xlsx")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffComma(data)
	cr.FieldsPerRecord = -1
	g := &grid{file: name}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &SpreadsheetError{Count: 1, Err: err, Problems: []CellProblem{{File: name, Row: len(g.rows) + 1,
					Message: fmt.Sprintf("CSV syntax (line %d, column %d): %v", pe.Line, pe.Column, pe.Err)}}}
			}
			return nil, fileProblem(name, err, "cannot read the file: %v", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			rec = nil
		}
		g.rows = append(g.rows, rec)
	}
	for len(g.rows) > 0 && len(g.rows[len(g.rows)-1]) == 0 {
		g.rows = g.rows[:len(g.rows)-1]
	}
	return g, nil
}

// firstInvalidUTF8 returns the offset of the first byte that is not UTF-8.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// sniffComma picks the separator from the first line outside quotes.
func sniffComma(data []byte) rune {
	commas, semis := 0, 0
	quoted := false
	for _, b := range data {
		switch b {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semis++
			}
		case '\n':
			if !quoted {
				if semis > commas {
					return ';'
				}
				return ','
			}
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}
