package exchange

import (
	"fmt"
	"io"

	"parindex/index"
)

// SheetUnits is the sheet of a units workbook.
const SheetUnits = "Đơn vị"

// unitColumns are the columns of a units list.
var unitColumns = []column{
	{key: "code", header: "Mã đơn vị", required: true},
	{key: "name", header: "Tên đơn vị", required: true},
	{key: "block", header: "Khối", aliases: []string{"Mã khối"}, required: true},
	{key: "active", header: "Tham gia đánh giá", aliases: []string{"Đang hoạt động"}},
}

// UnitList is the units a file gives, ready for data.Batch.Units.
type UnitList struct {
	Units []index.Unit
	at    []CellProblem
}

// Where returns the row the i-th unit came from (Message is empty).
func (l *UnitList) Where(i int) CellProblem { return l.at[i] }

// ReadUnits reads a units list from an xlsx workbook (its first sheet, or
// the sheet named "Đơn vị") or a CSV file, by the name's extension. The
// table has the columns Mã đơn vị (code), Tên đơn vị (name), Khối (block
// code) and optionally Tham gia đánh giá (active: có/không). Without the
// active column a unit the period has keeps its state and a new unit takes
// part. Every problem is reported at once in a *SpreadsheetError: an empty
// code or name, a block the period does not have, a unit listed twice, an
// active value that is not yes or no.
func ReadUnits(r io.Reader, name string, snap *index.Snapshot) (*UnitList, error) {
	var g *grid
	if isCSV(name) {
		var err error
		if g, err = loadCSV(r, name); err != nil {
			return nil, err
		}
	} else {
		x, err := openXLSX(r, name)
		if err != nil {
			return nil, err
		}
		defer x.Close()
		if g, err = loadGrid(x, name, pickSheet(x, 0, SheetUnits, "units")); err != nil {
			return nil, err
		}
	}
	ps := &problems{}
	t := findTable(g, unitColumns, ps)
	if t == nil {
		return nil, ps.result()
	}
	c := newCouncil(snap)
	out := &UnitList{}
	seen := map[string]int{}
	for r := t.row + 1; r < len(g.rows); r++ {
		if t.blank(r) {
			continue
		}
		u := index.Unit{Code: t.text(r, "code"), Name: t.text(r, "name"), Block: t.text(r, "block"), Active: true}
		fail := func(key, format string, a ...any) {
			p := t.at(r, key)
			p.Unit = u.Code
			p.Message = fmt.Sprintf(format, a...)
			ps.add(p)
		}
		ok := true
		if u.Code == "" {
			fail("code", "the unit code is empty")
			continue
		}
		if u.Name == "" {
			fail("name", "the unit name is empty")
			ok = false
		}
		if _, found := c.block[u.Block]; !found {
			if u.Block == "" {
				fail("block", "the block code is empty")
			} else {
				fail("block", "block %q does not exist in period %s", u.Block, periodLabel(snap.Period))
			}
			ok = false
		}
		if old, found := c.units[u.Code]; found {
			u.Active = old.Active
		}
		if t.has("active") {
			a, err := parseBool(t.text(r, "active"))
			if err != nil {
				fail("active", "%v", err)
				ok = false
			}
			u.Active = a
		}
		if prev, dup := seen[u.Code]; dup {
			fail("code", "unit %s is listed twice (first in row %d)", u.Code, prev+1)
			continue
		}
		seen[u.Code] = r
		if !ok {
			continue
		}
		at := t.at(r, "code")
		at.Unit = u.Code
		out.Units = append(out.Units, u)
		out.at = append(out.at, at)
	}
	if len(out.Units) == 0 && ps.count == 0 {
		p := g.at(-1, -1, "")
		p.Message = "the file lists no unit below its header row"
		ps.add(p)
	}
	if err := ps.result(); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteUnits writes the period's units, active or not, as an xlsx workbook
// or a CSV file (by the name's extension) that ReadUnits reads back to the
// same units.
func WriteUnits(w io.Writer, name string, snap *index.Snapshot) error {
	rows := make([][]cellValue, 0, len(snap.Units))
	for _, u := range snap.Units {
		active := "không"
		if u.Active {
			active = "có"
		}
		rows = append(rows, []cellValue{txt(u.Code), txt(u.Name), txt(u.Block), txt(active)})
	}
	if isCSV(name) {
		return writeCSVTable(w, unitColumns, rows)
	}
	return writeXLSXTable(w, SheetUnits, unitColumns, rows, []float64{14, 60, 10, 18}, "units")
}
