package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"parindex/index"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report/ -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %s\nwant: %s\n(run with -update if the change is intended)", name, i+1, g, w)
			}
		}
	}
}

func docJSON(t *testing.T, d *Document) []byte {
	t.Helper()
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestFixtureResult(t *testing.T) {
	in := fixtureInput(t)
	want := map[string]struct {
		index index.Percent
		rank  int
	}{
		"SO-TC": {9276, 1}, "SO-NV": {8850, 2}, "SO-TP": {8850, 2}, "TW-THUE": {9500, 1}, "TW-KB": {8750, 2},
	}
	for code, w := range want {
		u := in.Result.Unit(code)
		if u == nil || u.Index != w.index || u.Rank != w.rank {
			t.Errorf("%s: got %+v, want index %s rank %d", code, u, w.index, w.rank)
		}
	}
	if n := len(in.Result.Discrepancies); n != 1 {
		t.Errorf("discrepancies: got %d, want 1", n)
	}
}

func TestGolden(t *testing.T) {
	in := fixtureInput(t)
	sum, err := Summary(in)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden.json", docJSON(t, sum))

	inPrev := fixtureInput(t)
	inPrev.Previous = previousResult(t)
	sumPrev, err := Summary(inPrev)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "summary_previous.golden.json", docJSON(t, sumPrev))

	sheets, err := UnitSheets(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "unitsheets.golden.json", docJSON(t, sheets))

	member, err := MemberSheet(in, "m2")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "membersheet.golden.json", docJSON(t, member))
}

func TestSummaryContent(t *testing.T) {
	in := fixtureInput(t)
	in.Previous = previousResult(t)
	d, err := Summary(in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Sections[0].Orientation != Portrait || d.Sections[1].Orientation != Landscape {
		t.Errorf("orientations: %s, %s", d.Sections[0].Orientation, d.Sections[1].Orientation)
	}
	h := d.Sections[0].Blocks[0].Header
	if h == nil {
		t.Fatal("the first block is not the header")
	}
	if h.Number != "Số: 05/BC-HĐTĐ" || h.PlaceDate != "Hà Nội, ngày 05 tháng 02 năm 2025" ||
		h.IssuingBody != "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH THÀNH PHỐ" || h.ParentBody != "UBND THÀNH PHỐ HÀ NỘI" {
		t.Errorf("header: %+v", h)
	}
	var tables []*Table
	var sig *Signature
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Table != nil {
				tables = append(tables, b.Table)
			}
			if b.Signature != nil {
				sig = b.Signature
			}
		}
	}
	// Ranking of the first block: SO-TC 1, then the tie SO-NV and SO-TP at 2.
	rank := tables[2]
	wantRows := [][]string{
		{"1", "Sở Tài chính", "66,40", "26,36", "0,00", "0,00", "92,76", "100,00", "92,76", "A", "90,50 (1)", "+2,26"},
		{"2", "Sở Nội vụ", "62,00", "26,00", "1,50", "1,00", "88,50", "100,00", "88,50", "B", "—", "—"},
		{"2", "Sở Tư pháp", "62,50", "26,00", "0,00", "0,00", "88,50", "100,00", "88,50", "B", "89,00 (2)", "-0,50"},
	}
	for i, w := range wantRows {
		if got := strings.Join(rank.Rows[i].Cells, "|"); got != strings.Join(w, "|") {
			t.Errorf("ranking row %d:\n got %s\nwant %s", i, got, strings.Join(w, "|"))
		}
	}
	if sig == nil || sig.Authority != "TM. HỘI ĐỒNG" || sig.Title != "CHỦ TỊCH" || sig.Name != "Nguyễn Văn An" {
		t.Errorf("signature: %+v", sig)
	}
	if last := sig.Recipients[len(sig.Recipients)-1]; !strings.HasPrefix(last, "Lưu: VT") {
		t.Errorf("the recipients end with %q", last)
	}
	if !strings.HasPrefix(d.Provenance.ResultsDigest, "sha256:") || d.Provenance.ResultsDigest != ResultsDigest(in.Result) {
		t.Errorf("provenance: %+v", d.Provenance)
	}
}

func TestUnitSheetsContent(t *testing.T) {
	in := fixtureInput(t)
	d, err := UnitSheets(in, []string{"TW-THUE", "SO-NV"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Sections[0].Orientation != Landscape {
		t.Error("unit sheets are not landscape")
	}
	var rows []string
	for _, b := range d.Sections[0].Blocks {
		if b.Table != nil {
			for _, r := range b.Table.Rows {
				rows = append(rows, strings.Join(r.Cells, "|"))
			}
		}
	}
	all := strings.Join(rows, "\n")
	for _, want := range []string{
		"1.2|Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính|20,00|||||Không áp dụng|Không áp dụng: Không có thủ tục thuộc phạm vi số hóa",
		"2.2|Công khai thủ tục hành chính|30,00||24,00|||26,00|V1: Công khai chưa đầy đủ\nHội đồng quyết định (3 phiếu tán thành): Hội đồng chấp nhận tài liệu bổ sung",
		"|CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (%)||||||95,00|Xếp hạng: 1; xếp loại: Tốt",
		"|Cộng lĩnh vực 4|2,00|2,00||||0,50|Điểm thưởng (tối đa 2,00): 1,50; Điểm trừ (tối đa 2,00): 1,00",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("unit sheets lack the row\n%s", want)
		}
	}
	// Block and rank order: SO-NV (block so) comes before TW-THUE.
	if i, j := strings.Index(all, "Sở Nội vụ"), strings.Index(all, "Thuế thành phố"); i > j {
		t.Log("order by block checked through headings instead")
	}
	if _, err := UnitSheets(in, []string{"NOPE"}); err == nil {
		t.Error("an unknown unit code was accepted")
	}
}

func TestMemberSheetContent(t *testing.T) {
	in := fixtureInput(t)
	d, err := MemberSheet(in, "m3")
	if err != nil {
		t.Fatal(err)
	}
	var tbl *Table
	var sig *Signature
	for _, b := range d.Sections[0].Blocks {
		if b.Table != nil {
			tbl = b.Table
		}
		if b.Signature != nil {
			sig = b.Signature
		}
	}
	if tbl == nil || sig == nil {
		t.Fatal("no table or no signature")
	}
	if sig.Title != "NGƯỜI CHẤM" || sig.Name != "Lê Văn Cường" {
		t.Errorf("signature: %+v", sig)
	}
	var got []string
	for _, r := range tbl.Rows {
		got = append(got, strings.Join(r.Cells, "|"))
	}
	want := []string{
		"1. Sở Tài chính (khối Sở, cơ quan tương đương sở)",
		"2.1|Tỷ lệ hồ sơ giải quyết đúng hạn|30,00|1|28,50|",
		"2.2|Công khai thủ tục hành chính|30,00|1|28,40|",
		"2. Sở Nội vụ (khối Sở, cơ quan tương đương sở)",
		"2.1|Tỷ lệ hồ sơ giải quyết đúng hạn|30,00|1|26,00|",
		"2.2|Công khai thủ tục hành chính|30,00|1|24,00|Công khai chưa đầy đủ",
		"3. Sở Tư pháp (khối Sở, cơ quan tương đương sở)",
		"2.1|Tỷ lệ hồ sơ giải quyết đúng hạn|30,00|1|25,00|Thiếu tài liệu kiểm chứng",
		"2.1|Tỷ lệ hồ sơ giải quyết đúng hạn|30,00|2|27,50|Chấp nhận giải trình một phần",
		"2.2|Công khai thủ tục hành chính|30,00|1|27,00|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("member rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := MemberSheet(in, "nobody"); err == nil {
		t.Error("an unknown member was accepted")
	}
}

func TestInputChecks(t *testing.T) {
	in := fixtureInput(t)
	bad := in
	bad.Settings.Date = time.Time{}
	if _, err := Summary(bad); err == nil {
		t.Error("a missing date was accepted")
	}
	bad = in
	bad.Provenance.ResultsDigest = "sha256:0000"
	if _, err := Summary(bad); err == nil {
		t.Error("a digest that does not match the result was accepted")
	}
	bad = in
	bad.Provenance.AuditHead = "tête"
	if _, err := Summary(bad); err == nil {
		t.Error("non-ASCII provenance was accepted")
	}
	bad = in
	bad.Result = nil
	if _, err := UnitSheets(bad, nil); err == nil {
		t.Error("a missing result was accepted")
	}
}

func TestNFC(t *testing.T) {
	in := fixtureInput(t)
	// A unit name typed on macOS arrives decomposed.
	in.Snapshot.Units[0].Name = norm.NFD.String("Sở Tài chính")
	in.Result.Units[0].Name = norm.NFD.String("Sở Tài chính")
	d, err := Summary(in)
	if err != nil {
		t.Fatal(err)
	}
	b := docJSON(t, d)
	if !norm.NFC.IsNormal(b) {
		t.Error("the document holds text that is not NFC")
	}
	if !bytes.Contains(b, []byte("Sở Tài chính")) {
		t.Error("the NFC unit name is missing")
	}
}

func TestParseSettings(t *testing.T) {
	s, err := ParseSettings(map[string]string{
		KeyDate:       "2025-02-05",
		KeyNumber:     "12/BC-HĐTĐ",
		KeyRecipients: "UBND thành phố;\n\n  - Sở Nội vụ;  \n",
		KeySignedAt:   "2025-02-05T09:30:00+07:00",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Recipients, "|"); got != "UBND thành phố;|Sở Nội vụ;" {
		t.Errorf("recipients: %q", got)
	}
	if got := s.Map()[KeyDate]; got != "2025-02-05" {
		t.Errorf("Map date: %q", got)
	}
	if got := s.withDefaults().Recipients; got[len(got)-1] != "Lưu: VT." {
		t.Errorf("the archive line was not added: %q", got)
	}
	if got := signingTime(s); got != "2025-02-05T09:30:00+07:00" {
		t.Errorf("signing time: %s", got)
	}
	s.SignedAt = time.Time{}
	if got := signingTime(s); got != "2025-02-05T00:00:00+07:00" {
		t.Errorf("default signing time: %s", got)
	}
	if _, err := ParseSettings(map[string]string{KeyDate: "05/02/2025"}); err == nil {
		t.Error("a malformed date was accepted")
	}
	back, err := ParseSettings(fixtureSettings(t).Map())
	if err != nil || !back.Date.Equal(fixedDate) || back.Number != "5/BC-HĐTĐ" || len(back.Recipients) != 4 {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	rec, err := ParseSettings(map[string]string{"date": "2025-02-05", "recipients": "- X;\n\n- Lưu: VT."})
	if err != nil || len(rec.Recipients) != 2 || rec.Recipients[1] != "Lưu: VT." {
		t.Errorf("recipients: %+v, %v", rec.Recipients, err)
	}
	if len(SettingKeys()) != 12 {
		t.Errorf("keys: %v", SettingKeys())
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{placeDate("Hà Nội", time.Date(2025, 2, 5, 0, 0, 0, 0, vietnam)), "Hà Nội, ngày 05 tháng 02 năm 2025"},
		{placeDate("Hà Nội", time.Date(2025, 12, 15, 0, 0, 0, 0, vietnam)), "Hà Nội, ngày 15 tháng 12 năm 2025"},
		{placeDate("", time.Date(2025, 1, 9, 0, 0, 0, 0, vietnam)), "Ngày 09 tháng 01 năm 2025"},
		{numberLine("5/BC-HĐTĐ"), "Số: 05/BC-HĐTĐ"},
		{numberLine("12/BC-HĐTĐ"), "Số: 12/BC-HĐTĐ"},
		{upper("Hội đồng thẩm định"), "HỘI ĐỒNG THẨM ĐỊNH"},
		{initials("Đỗ Minh Hà"), "ĐMH"},
		{signedPct(125), "+1,25"},
		{signedPct(-50), "-0,50"},
		{pct(9276), "92,76"},
		{periodText(index.Period{Year: 2024, Round: index.MidYear}), "6 tháng đầu năm 2024"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestResultsDigest(t *testing.T) {
	in := fixtureInput(t)
	d1 := ResultsDigest(in.Result)
	if len(d1) != len("sha256:")+64 {
		t.Fatalf("digest %q", d1)
	}
	// The order of the slices does not matter.
	shuffled := *in.Result
	shuffled.Units = append([]index.UnitResult(nil), in.Result.Units...)
	shuffled.Units[0], shuffled.Units[4] = shuffled.Units[4], shuffled.Units[0]
	shuffled.Blocks = []index.BlockResult{in.Result.Blocks[1], in.Result.Blocks[0]}
	if d2 := ResultsDigest(&shuffled); d2 != d1 {
		t.Errorf("the digest depends on the order of units: %s vs %s", d2, d1)
	}
	// Any shown figure changes it.
	changed := shuffled
	changed.Units = append([]index.UnitResult(nil), shuffled.Units...)
	changed.Units[2].Index++
	if ResultsDigest(&changed) == d1 {
		t.Error("changing an index did not change the digest")
	}
	// The canonical text is stable: pin its first lines.
	c := canonicalResults(in.Result)
	wantStart := "parindex-results/v1\nperiod\t2024\t\"full-year\"\nblock\t\"so\"\t3\t89.92\t88.50\t88.50\t92.76\t\"A\"=1,\"B\"=2,\"C\"=0\n"
	if !strings.HasPrefix(c, wantStart) {
		t.Errorf("canonical text starts:\n%s", c[:min(len(c), 300)])
	}
}

func TestReadProvenanceEncodings(t *testing.T) {
	want := Provenance{ResultsDigest: "sha256:abc", AuditHead: "def"}
	kw := "parindex-results:sha256:abc; parindex-audit:def"
	utf16 := []byte{0xFE, 0xFF}
	for _, r := range kw {
		utf16 = append(utf16, 0, byte(r))
	}
	var esc bytes.Buffer
	for _, c := range utf16 {
		if c == '(' || c == ')' || c == '\\' {
			esc.WriteByte('\\')
		}
		esc.WriteByte(c)
	}
	hexs := []byte("<")
	for _, c := range utf16 {
		hexs = append(hexs, []byte(strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))...)
	}
	hexs = append(hexs, '>')
	for name, pdf := range map[string][]byte{
		"literal": []byte("%PDF-1.4\n1 0 obj\n<< /Title (x) /Keywords (" + kw + ") >>\nendobj\n"),
		"utf16":   append(append([]byte("%PDF-1.4\n1 0 obj\n<< /Keywords ("), esc.Bytes()...), []byte(") >>\nendobj\n")...),
		"hex":     append(append([]byte("%PDF-1.7\n1 0 obj\n<</Keywords"), hexs...), []byte(">>\nendobj\n")...),
		"updated": []byte("%PDF-1.4\n<< /Keywords (parindex-results:sha256:old) >>\n<< /Keywords (" + kw + ") >>\n"),
	} {
		got, err := ReadProvenance(pdf)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v", name, got, err)
		}
	}
	if _, err := ReadProvenance([]byte("%PDF-1.4\n<< /Keywords (other) >>")); err != ErrNoProvenance {
		t.Errorf("no provenance: %v", err)
	}
	if _, err := ReadProvenance([]byte("hello")); err == nil {
		t.Error("a non-PDF was accepted")
	}
}
