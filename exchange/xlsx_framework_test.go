package exchange

import (
	"bytes"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"parindex/assets"
	"parindex/index"
)

func frameworkXLSX(t testing.TB, f *index.Framework) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteFrameworkXLSX(&b, f); err != nil {
		t.Fatalf("write %s: %v", f.Code, err)
	}
	return b.Bytes()
}

// TestFrameworkXLSXRoundTrip writes every sample and the small test framework
// as a workbook and reads it back equal.
func TestFrameworkXLSXRoundTrip(t *testing.T) {
	names, err := assets.SampleFrameworks()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"testdata/small.json": []byte(readSmall(t))}
	for _, n := range names {
		b, err := fs.ReadFile(assets.Frameworks, n)
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			want := mustRead(t, data, name)
			x := frameworkXLSX(t, want)
			got, err := ReadFrameworkXLSX(bytes.NewReader(x), "fw.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip differs:\n got  %s\n want %s", write(t, got), write(t, want))
			}
			// And the JSON of both is byte for byte the same.
			if !bytes.Equal(write(t, got), write(t, want)) {
				t.Fatal("JSON differs")
			}
		})
	}
}

// editXLSX opens a workbook, lets fn change it and returns the new bytes.
func editXLSX(t testing.TB, data []byte, fn func(x *excelize.File)) []byte {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	fn(x)
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func set(t testing.TB, x *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := x.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

func TestFrameworkXLSXVariants(t *testing.T) {
	small := mustRead(t, []byte(readSmall(t)), "small.json")
	base := frameworkXLSX(t, small)
	// Without the level column, with Vietnamese methods, text numbers with a
	// decimal comma and a float that is an exact hundredth: still equal.
	data := editXLSX(t, base, func(x *excelize.File) {
		if err := x.RemoveCol(SheetCriteria, "A"); err != nil {
			t.Fatal(err)
		}
		set(t, x, SheetCriteria, "D4", "thẩm định") // 1.1.1
		set(t, x, SheetCriteria, "C5", "1,5")       // 1.1.2's max as text with a decimal comma
		set(t, x, SheetCriteria, "D6", "Điều tra XHH")
		// 1.2's max 2.5 and 2.1.1's 4.5 as Excel may store them: 17 digits.
		if err := x.SetCellFloat(SheetCriteria, "C6", 2.5, 16, 64); err != nil {
			t.Fatal(err)
		}
		if err := x.SetCellFloat(SheetCriteria, "C9", 4.5, 16, 64); err != nil {
			t.Fatal(err)
		}
	})
	if v, _ := excelizeRaw(t, data, SheetCriteria, "C6"); v != "2.5000000000000000" {
		t.Fatalf("raw C6 = %q, want 17 digits", v)
	}
	got, err := ReadFrameworkXLSX(bytes.NewReader(data), "v.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, small) {
		t.Fatalf("variant differs:\n got  %s\n want %s", write(t, got), write(t, small))
	}
}

func TestFrameworkXLSXBad(t *testing.T) {
	small := mustRead(t, []byte(readSmall(t)), "small.json")
	base := frameworkXLSX(t, small)
	cases := []struct {
		name string
		edit func(x *excelize.File)
		want []string
	}{
		{"text max", func(x *excelize.File) { set(t, x, SheetCriteria, "D4", "một") },
			[]string{`sheet "Tiêu chí", row 4, column D (Điểm tối đa): criterion 1.1.1: max: text where a number belongs: "một"`}},
		{"three decimals", func(x *excelize.File) { set(t, x, SheetCriteria, "D4", 1.125) },
			[]string{"row 4, column D (Điểm tối đa): criterion 1.1.1: max: 1.125 has more than two decimals"}},
		{"binary float", func(x *excelize.File) {
			a, b := 0.1, 0.2 // variables: Go constants would add up exactly
			if err := x.SetCellFloat(SheetCriteria, "D4", a+b, 17, 64); err != nil {
				t.Fatal(err)
			}
		},
			[]string{"row 4, column D (Điểm tối đa): criterion 1.1.1: max: 0.30000000000000004 has more than two decimals"}},
		{"three decimals text", func(x *excelize.File) { set(t, x, SheetCriteria, "D4", "1,125") },
			[]string{"1,125 has more than two decimals"}},
		{"sum", func(x *excelize.File) { set(t, x, SheetCriteria, "D4", 2) },
			[]string{`row 3: criterion 1.1: children's max sum to 3.50, not 2.50`}},
		{"duplicate", func(x *excelize.File) { set(t, x, SheetCriteria, "B5", "1.1.1") },
			[]string{"row 5, column B (Mã): criterion 1.1.1: code 1.1.1 appears twice (first in row 4)"}},
		{"missing header", func(x *excelize.File) { set(t, x, SheetCriteria, "D1", "Điểm") },
			[]string{`sheet "Tiêu chí", row 1: column "Điểm tối đa" (max) is missing from the header row`}},
		{"merged header", func(x *excelize.File) {
			if err := x.MergeCell(SheetCriteria, "F1", "G1"); err != nil {
				t.Fatal(err)
			}
		}, []string{`merged header cells F1:G1`}},
		{"merged data", func(x *excelize.File) {
			if err := x.MergeCell(SheetCriteria, "C4", "C5"); err != nil {
				t.Fatal(err)
			}
		}, []string{`row 4, column C: merged cells C4:C5`}},
		{"bad method", func(x *excelize.File) { set(t, x, SheetCriteria, "E4", "vote") },
			[]string{`column E (Phương thức): criterion 1.1.1: method "vote" is not appraisal`}},
		{"level jump", func(x *excelize.File) { set(t, x, SheetCriteria, "A2", 2) },
			[]string{"level 2 follows a row of level 0"}},
		{"unknown key", func(x *excelize.File) { set(t, x, SheetFrameworkInfo, "A3", "versio") },
			[]string{`sheet "Thông tin", row 3, column A (Khóa): unknown key "versio"`}},
		{"total", func(x *excelize.File) { set(t, x, SheetFrameworkInfo, "B9", 11) },
			[]string{`sheet "Thông tin", row 9: parts 7.50 + 2.50 do not sum to the total 11.00`}},
		{"empty name", func(x *excelize.File) { set(t, x, SheetFrameworkInfo, "B4", "") },
			[]string{`sheet "Thông tin", row 4: framework name is empty`}},
		{"no info sheet", func(x *excelize.File) {
			if err := x.DeleteSheet(SheetFrameworkInfo); err != nil {
				t.Fatal(err)
			}
		}, []string{`no sheet "Thông tin"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := editXLSX(t, base, c.edit)
			_, err := ReadFrameworkXLSX(bytes.NewReader(data), "bad.xlsx")
			var se *SpreadsheetError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *SpreadsheetError", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "bad.xlsx: ") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestFrameworkXLSXNotAWorkbook(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"", "the file is empty"},
		{"code,title\n", "not an xlsx workbook"},
		{"\xD0\xCF\x11\xE0rest", "Excel 97-2003"},
		{"PK\x03\x04garbage", "not a readable xlsx workbook"},
	} {
		_, err := ReadFrameworkXLSX(strings.NewReader(c.data), "x.xlsx")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.data, err, c.want)
		}
	}
}

// excelizeRaw returns the raw value of a cell.
func excelizeRaw(t testing.TB, data []byte, sheet, cell string) (string, error) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	return x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
}
