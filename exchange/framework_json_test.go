package exchange

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"parindex/assets"
	"parindex/index"
)

func readSmall(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/small.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustRead(t testing.TB, data []byte, name string) *index.Framework {
	t.Helper()
	f, err := ReadFrameworkJSON(bytes.NewReader(data), name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return f
}

func write(t testing.TB, f *index.Framework) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteFrameworkJSON(&b, f); err != nil {
		t.Fatalf("write %s: %v", f.Code, err)
	}
	return b.Bytes()
}

func TestSamplesLoad(t *testing.T) {
	names, err := assets.SampleFrameworks()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		total, appraisal, survey index.Points
		fields                   int
	}{
		"frameworks/so-nganh-quan-huyen-2024.json": {10000, 7000, 3000, 9},
		"frameworks/co-quan-trung-uong-2024.json":  {6000, 4000, 2000, 7},
		"frameworks/xa-phuong-2025.json":           {10000, 6800, 3200, 9},
		"frameworks/don-vi-su-nghiep-2024.json":    {10000, 7500, 2500, 8},
	}
	if len(names) != len(want) {
		t.Fatalf("samples %v, want %d files", names, len(want))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(assets.Frameworks, name)
			if err != nil {
				t.Fatal(err)
			}
			f := mustRead(t, data, name)
			w, ok := want[name]
			if !ok {
				t.Fatalf("unexpected sample %s", name)
			}
			if !f.Sample || !strings.HasPrefix(f.Name, "MẪU") {
				t.Errorf("sample %s: Sample=%v, name %q must start with MẪU", name, f.Sample, f.Name)
			}
			if f.Total != w.total || f.AppraisalMax != w.appraisal || f.SurveyMax != w.survey || len(f.Fields) != w.fields {
				t.Errorf("%s: total %s (%s + %s), %d fields; want %s (%s + %s), %d fields", name,
					f.Total, f.AppraisalMax, f.SurveyMax, len(f.Fields), w.total, w.appraisal, w.survey, w.fields)
			}
			if f.Step != 25 {
				t.Errorf("%s: step %s, want 0.25", name, f.Step)
			}
			if len(f.Bands) < 3 || f.Bands[len(f.Bands)-1].Min != 0 {
				t.Errorf("%s: bands %v: want at least 3, the last from 0 %%", name, f.Bands)
			}
			for _, l := range f.Leaves() {
				if l.Guide == "" {
					t.Errorf("%s: leaf %s has no scoring guide", name, l.Code)
				}
				if err := f.CheckScore(l, l.Max); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
			if !norm.NFC.IsNormalString(string(data)) {
				t.Errorf("%s is not NFC", name)
			}
			// The shipped files are exactly what WriteFrameworkJSON writes.
			if got := write(t, f); !bytes.Equal(got, data) {
				t.Errorf("%s is not in canonical form; WriteFrameworkJSON gives:\n%s", name, firstDiff(got, data))
			}
		})
	}
}

func TestSampleDeptFrameworkShape(t *testing.T) {
	data, err := fs.ReadFile(assets.Frameworks, "frameworks/so-nganh-quan-huyen-2024.json")
	if err != nil {
		t.Fatal(err)
	}
	f := mustRead(t, data, "so-nganh")
	criteria := 0
	for _, fld := range f.Fields {
		criteria += len(fld.Children)
	}
	if criteria < 35 || criteria > 40 || len(f.Leaves()) < 90 || len(f.Leaves()) > 100 {
		t.Errorf("%d criteria and %d leaves; want 35–40 and 90–100", criteria, len(f.Leaves()))
	}
	if len(f.ScoredFields()) < 8 {
		t.Errorf("%d scored fields, want 8", len(f.ScoredFields()))
	}
	for _, fld := range f.Fields[:8] {
		hasSurvey := false
		for _, code := range f.LeavesUnder(fld.Code) {
			if f.Find(code).Method == index.Survey {
				hasSurvey = true
			}
		}
		if !hasSurvey {
			t.Errorf("field %s has no survey leaf", fld.Code)
		}
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return "got:  " + string(a[lo:min(len(a), i+80)]) + "\nfile: " + string(b[lo:min(len(b), i+80)])
}

func TestRoundTrip(t *testing.T) {
	inputs := map[string][]byte{"small.json": []byte(readSmall(t))}
	names, _ := assets.SampleFrameworks()
	for _, n := range names {
		data, err := fs.ReadFile(assets.Frameworks, n)
		if err != nil {
			t.Fatal(err)
		}
		inputs[n] = data
	}
	for name, data := range inputs {
		f1 := mustRead(t, data, name)
		out1 := write(t, f1)
		f2 := mustRead(t, out1, name)
		if !reflect.DeepEqual(f1, f2) {
			t.Errorf("%s: read(write(f)) differs from f", name)
		}
		if out2 := write(t, f2); !bytes.Equal(out1, out2) {
			t.Errorf("%s: writing is not stable", name)
		}
	}
}

func TestWriteDoesNotModifyAndRefusesInvalid(t *testing.T) {
	f := &index.Framework{Code: "x", Version: 1, Name: "Thu\u0309", AppraisalMax: 100, Total: 100,
		Fields: []*index.Criterion{{Code: "1", Title: "Mo\u0323\u0302t", Max: 100, Method: index.Appraisal}}}
	before := *f
	out := write(t, f)
	if f.Step != before.Step || f.Rounding != before.Rounding || f.Name != before.Name {
		t.Errorf("WriteFrameworkJSON modified its argument: %+v", f)
	}
	if !strings.Contains(string(out), `"title": "Một"`) || !strings.Contains(string(out), `"bands": []`) {
		t.Errorf("want NFC text and an empty band list:\n%s", out)
	}
	g := mustRead(t, out, "x.json")
	if g.Name != norm.NFC.String(f.Name) {
		t.Errorf("name %q", g.Name)
	}

	bad := &index.Framework{Code: "y", Version: 1, Name: "Y", Total: 5, AppraisalMax: 5,
		Fields: []*index.Criterion{{Code: "1", Title: "A", Max: 4, Method: index.Appraisal}}}
	if err := WriteFrameworkJSON(&bytes.Buffer{}, bad); err == nil {
		t.Error("an invalid framework was written")
	}
	if err := WriteFrameworkJSON(&bytes.Buffer{}, nil); err == nil {
		t.Error("a nil framework was written")
	}
	withNil := &index.Framework{Code: "z", Version: 1, Name: "Z", Total: 1, AppraisalMax: 1,
		Fields: []*index.Criterion{{Code: "1", Title: "A", Max: 1, Children: []*index.Criterion{nil}}}}
	if err := WriteFrameworkJSON(&bytes.Buffer{}, withNil); err == nil || !strings.Contains(err.Error(), "criterion 1") {
		t.Errorf("nil child: %v", err)
	}
}

func TestNFDNormalised(t *testing.T) {
	src := readSmall(t)
	nfd := norm.NFD.String(src)
	if nfd == src {
		t.Fatal("test file has nothing to decompose")
	}
	// Surrounding spaces are trimmed too.
	nfd = strings.Replace(nfd, `"code": "2.1.1"`, `"code": " 2.1.1 "`, 1)
	f := mustRead(t, []byte(nfd), "nfd.json")
	want := mustRead(t, []byte(src), "nfd.json")
	if !reflect.DeepEqual(f, want) {
		t.Error("NFD file does not load as its NFC form")
	}
	if f.Name != "Bộ chỉ số thử nghiệm" || !norm.NFC.IsNormalString(f.Fields[0].Children[0].Children[0].Guide) {
		t.Errorf("not NFC: %q", f.Name)
	}
	if f.Find("2.1.1") == nil {
		t.Error("code not trimmed")
	}
}

func TestBOMAccepted(t *testing.T) {
	mustRead(t, append([]byte("\xEF\xBB\xBF"), readSmall(t)...), "bom.json")
}

func TestBadFiles(t *testing.T) {
	src := readSmall(t)
	const file = "frameworks/x.json"
	tests := []struct {
		name     string
		old, new string // replace the first old by new in the small framework
		want     []string
	}{
		{"duplicate code", `"code": "1.1.2"`, `"code": "1.1.1"`,
			[]string{file + ":23:9: criterion 1.1.1: duplicate code"}},
		{"children do not sum", `"Thực hiện kế hoạch", "max": 1.5`, `"Thực hiện kế hoạch", "max": 1.25`,
			[]string{file + ":21:7: criterion 1.1: children's max sum to 2.25, not 2.50",
				"appraisal leaves sum to 7.25, not the appraisal part 7.50"}},
		{"parts do not sum to the total", `"total": 10`, `"total": 11`,
			[]string{file + ":9:3: parts 7.50 + 2.50 do not sum to the total 11.00"}},
		{"zero max", `"Xin lỗi khi quá hạn", "max": 0.5`, `"Xin lỗi khi quá hạn", "max": 0`,
			[]string{"criterion 2.1.2: max 0.00 must be more than zero", "criterion 2.1: children's max sum to 4.50, not 5.00"}},
		{"negative max", `"Điểm thưởng", "max": 1`, `"Điểm thưởng", "max": -1`,
			[]string{file + ":34:7: criterion 3.1: max -1.00 must be more than zero"}},
		{"unordered bands", `"label": "Khá", "min": 70`, `"label": "Khá", "min": 95`,
			[]string{file + ":14:3: bands are not ordered"}},
		{"band above 100", `"min": 90`, `"min": 100.5`, []string{"band Tốt: lower bound 100.50 % is outside 0..100"}},
		{"unknown method", `"method": "bonus"`, `"method": "thuong"`,
			[]string{`criterion 3.1: method "thuong" is not appraisal, survey, bonus or penalty`}},
		{"missing method", `, "method": "penalty"`, ``,
			[]string{`criterion 3.2: method "" is not appraisal`}},
		{"bad JSON", `"max": 4.5, "method"`, `"max": 4.5 "method"`,
			[]string{file + ":29:70: criterion 2.1.1: JSON syntax: invalid character '\"' after object key:value pair"}},
		{"truncated", `"criteria"`, `"criteria": [{"code": "1", "title": "x"`, // (the rest follows, unbalanced)
			[]string{file + ":19:42: criterion 1: the file ends in the middle of the framework"}},
		{"unknown field", `"code": "2.1", "title"`, `"code": "2.1", "weight": 1, "title"`,
			[]string{file + ":28:23: criterion 2.1: unknown key \"weight\""}},
		{"unknown field before the code", `{"code": "2.1", "title"`, `{"weight": 1, "code": "2.1", "title"`,
			[]string{file + ":28:8: criterion 2.1: unknown key \"weight\""}},
		{"unknown top-level field", `"year": 2024`, `"year": 2024, "Year": 2025`,
			[]string{file + ":5:17: unknown key \"Year\" (did you mean \"year\"?)"}},
		{"key twice", `"max": 4.5, "method": "appraisal"`, `"max": 4.5, "max": 4.5, "method": "appraisal"`,
			[]string{"criterion 2.1.1: key \"max\" appears twice"}},
		{"three decimals", `"max": 1, "method": "appraisal"`, `"max": 1.125, "method": "appraisal"`,
			[]string{file + ":22:64: criterion 1.1.1: max 1.125 has more than two decimals"}},
		{"three zero decimals", `"total": 10`, `"total": 10.000`, []string{"total 10.000 has more than two decimals"}},
		{"exponent", `"max": 4.5,`, `"max": 45e-1,`, []string{"criterion 2.1.1: max 45e-1: write the number without an exponent"}},
		{"huge number", `"max": 4.5,`, `"max": 10000000000000000000000,`, []string{"criterion 2.1.1: max 10000000000000000000000 is out of range"}},
		{"points as text", `"max": 4.5,`, `"max": "4,5",`, []string{`criterion 2.1.1: "max" must be a number, not a text`}},
		{"version not whole", `"version": 1`, `"version": 1.5`, []string{`"version" must be a whole number, not 1.5`}},
		{"version zero", `"version": 1`, `"version": 0`, []string{file + ":3:3: version must be 1 or more"}},
		{"title not a text", `"title": "Điểm trừ"`, `"title": null`, []string{`criterion 3.2: "title" must be a text, not null`}},
		{"empty title", `"title": "Điểm trừ"`, `"title": "  "`, []string{"criterion 3.2: title is empty"}},
		{"code not under parent", `"code": "2.1.2"`, `"code": "2.2.2"`, []string{"criterion 2.2.2: code does not start with its parent's code 2.1."}},
		{"trailing data", "  ]\n}\n", "  ]\n}\n{}", []string{file + ":39:1: data after the end of the framework"}},
		{"not an object", "{\n  \"code\"", "[{\n  \"code\"", []string{file + ":1:1: the file must be an object, not a list"}},
		{"children not a list", `"max": 5, "children": [`, `"max": 5, "children": {"x": [`, []string{`criterion 1: "children" must be a list, not an object`}},
		{"criterion not an object", `{"code": "3.1"`, `3, {"code": "3.1"`, []string{"criterion #1 under 3: a criterion must be an object, not a number (3)"}},
		{"bad rounding", `"half-up-2"`, `"half-even"`, []string{file + ":13:3: rounding rule \"half-even\" is unknown"}},
		{"appraisal leaf off step", `"max": 4.5,`, `"max": 4.55,`, []string{"criterion 2.1.1: max 4.55 is not a multiple of the step 0.25"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(src, tc.old) {
				t.Fatalf("%q not in the test file", tc.old)
			}
			data := strings.Replace(src, tc.old, tc.new, 1)
			if tc.name == "truncated" {
				data = data[:strings.Index(data, `"x"`)+3]
			}
			f, err := ReadFrameworkJSON(strings.NewReader(data), file)
			if err == nil {
				t.Fatalf("accepted: %+v", f)
			}
			var fe *FrameworkFileError
			if !errors.As(err, &fe) || len(fe.Problems) == 0 {
				t.Fatalf("error %T %v is not a FrameworkFileError with problems", err, err)
			}
			msg := err.Error()
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, file+":") {
					t.Errorf("line %q does not name the file", line)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", msg, w)
				}
			}
		})
	}
}

func TestDepthAndSize(t *testing.T) {
	// Criteria nested deeper than maxDepth.
	var b strings.Builder
	b.WriteString(`{"code":"d","version":1,"name":"D","appraisal_max":1,"total":1,"criteria":[`)
	code := ""
	for i := 1; i <= maxDepth+1; i++ {
		if code == "" {
			code = "1"
		} else {
			code += ".1"
		}
		b.WriteString(`{"code":"` + code + `","title":"t","max":1,"children":[`)
	}
	b.WriteString(strings.Repeat("]}", maxDepth+1) + "]}")
	_, err := ReadFrameworkJSON(strings.NewReader(b.String()), "deep.json")
	if err == nil || !strings.Contains(err.Error(), "nest more than") {
		t.Errorf("deep: %v", err)
	}

	big := bytes.Repeat([]byte(" "), MaxFrameworkSize+1)
	if _, err := ReadFrameworkJSON(bytes.NewReader(big), "big.json"); err == nil || !strings.Contains(err.Error(), "big.json: the file is larger than 8 MiB") {
		t.Errorf("big: %v", err)
	}
	if _, err := ReadFrameworkJSON(strings.NewReader(" \n"), ""); err == nil || err.Error() != "(framework): the file is empty" {
		t.Errorf("empty: %v", err)
	}
}

func TestNullListsAndDefaults(t *testing.T) {
	src := `{"code":"n","version":1,"name":"N","appraisal_max":2,"total":2,"bands":null,
	  "criteria":[{"code":"1","title":"A","max":2,"method":"appraisal","children":[]}]}`
	f := mustRead(t, []byte(src), "n.json")
	if f.Bands != nil || f.Fields[0].Children != nil || f.Step != 1 || f.Rounding != index.RoundingHalfUp2 {
		t.Errorf("got bands %v, children %v, step %s, rounding %q", f.Bands, f.Fields[0].Children, f.Step, f.Rounding)
	}
	g := mustRead(t, write(t, f), "n.json")
	if !reflect.DeepEqual(f, g) {
		t.Error("round trip of a framework without bands differs")
	}
}

func FuzzReadFrameworkJSON(f *testing.F) {
	f.Add([]byte(readSmall(f)))
	f.Fuzz(func(t *testing.T, data []byte) {
		f1, err := ReadFrameworkJSON(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			var fe *FrameworkFileError
			if !errors.As(err, &fe) || len(fe.Problems) == 0 {
				t.Fatalf("error %T without problems: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		var out1 bytes.Buffer
		if err := WriteFrameworkJSON(&out1, f1); err != nil {
			t.Fatalf("accepted framework cannot be written: %v", err)
		}
		f2, err := ReadFrameworkJSON(bytes.NewReader(out1.Bytes()), "fuzz.json")
		if err != nil {
			t.Fatalf("written framework cannot be read: %v\n%s", err, out1.Bytes())
		}
		if !reflect.DeepEqual(f1, f2) {
			t.Fatalf("round trip differs:\n%s", out1.Bytes())
		}
		var out2 bytes.Buffer
		if err := WriteFrameworkJSON(&out2, f2); err != nil || !bytes.Equal(out1.Bytes(), out2.Bytes()) {
			t.Fatalf("writing is not stable (%v)", err)
		}
	})
}
