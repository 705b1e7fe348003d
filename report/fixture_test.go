package report

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"parindex/assets"
	"parindex/index"
)

// p is a shorthand for points in the fixtures: p(92, 76) is 92.76.
func p(whole, hundredths int64) index.Points { return index.Pts(whole, hundredths) }

// fixtureSnapshot is a small hand-made period: 2 blocks, 5 units, a tie
// (Sở Tư pháp and Sở Nội vụ at 88,50), a not-applicable leaf (Thuế thành
// phố, 1.2), a penalty (Sở Nội vụ), a round 2, a council decision and a
// discrepancy.
func fixtureSnapshot(t testing.TB) *index.Snapshot {
	t.Helper()
	so := &index.Framework{
		Code: "so-nganh-2024", Version: 1, Name: "Bộ chỉ số sở, ban, ngành 2024", Year: 2024, Sample: true,
		AppraisalMax: p(70, 0), SurveyMax: p(30, 0), Total: p(100, 0), BonusCap: p(2, 0), PenaltyCap: p(2, 0),
		Step:  p(0, 5),
		Bands: []index.Band{{Label: "A", Min: 9000}, {Label: "B", Min: 8000}, {Label: "C", Min: 7000}},
		Fields: []*index.Criterion{
			{Code: "1", Title: "Công tác chỉ đạo, điều hành cải cách hành chính", Max: p(10, 0), Children: []*index.Criterion{
				{Code: "1.1", Title: "Ban hành kế hoạch cải cách hành chính năm", Max: p(4, 0), Method: index.Appraisal},
				{Code: "1.2", Title: "Thực hiện kế hoạch cải cách hành chính", Max: p(6, 0), Children: []*index.Criterion{
					{Code: "1.2.1", Title: "Mức độ hoàn thành kế hoạch: hoàn thành 100% kế hoạch thì được điểm tối đa; dưới 80% không có điểm", Max: p(3, 0), Method: index.Appraisal},
					{Code: "1.2.2", Title: "Kiểm tra, tuyên truyền cải cách hành chính", Max: p(3, 0), Method: index.Appraisal},
				}},
			}},
			{Code: "2", Title: "Cải cách thủ tục hành chính, một cửa, một cửa liên thông", Max: p(60, 0), Children: []*index.Criterion{
				{Code: "2.1", Title: "Tỷ lệ hồ sơ giải quyết đúng hạn", Max: p(30, 0), Method: index.Appraisal},
				{Code: "2.2", Title: "Công khai thủ tục hành chính", Max: p(30, 0), Method: index.Appraisal},
			}},
			{Code: "3", Title: "Tác động của cải cách hành chính đến phát triển kinh tế - xã hội", Max: p(30, 0), Children: []*index.Criterion{
				{Code: "3.1", Title: "Mức độ hài lòng của người dân", Max: p(15, 0), Method: index.Survey},
				{Code: "3.2", Title: "Mức độ hài lòng của doanh nghiệp", Max: p(15, 0), Method: index.Survey},
			}},
			{Code: "4", Title: "Điểm thưởng, điểm trừ", Max: p(4, 0), Children: []*index.Criterion{
				{Code: "4.1", Title: "Sáng kiến cải cách hành chính được công nhận", Max: p(2, 0), Method: index.Bonus},
				{Code: "4.2", Title: "Để xảy ra vi phạm trong giải quyết thủ tục hành chính", Max: p(2, 0), Method: index.Penalty},
			}},
		},
	}
	tw := &index.Framework{
		Code: "tw-2024", Version: 2, Name: "Bộ chỉ số cơ quan Trung ương đóng trên địa bàn 2024", Year: 2024, Sample: true,
		AppraisalMax: p(40, 0), SurveyMax: p(20, 0), Total: p(60, 0), BonusCap: p(1, 0), PenaltyCap: p(1, 0),
		Step:  p(0, 25),
		Bands: []index.Band{{Label: "Tốt", Min: 9000}, {Label: "Khá", Min: 8000}, {Label: "Trung bình", Min: 6500}},
		Fields: []*index.Criterion{
			{Code: "1", Title: "Cải cách thủ tục hành chính", Max: p(40, 0), Children: []*index.Criterion{
				{Code: "1.1", Title: "Giải quyết thủ tục hành chính", Max: p(20, 0), Method: index.Appraisal},
				{Code: "1.2", Title: "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", Max: p(20, 0), Method: index.Appraisal},
			}},
			{Code: "2", Title: "Sự hài lòng của người dân, tổ chức", Max: p(20, 0), Children: []*index.Criterion{
				{Code: "2.1", Title: "Chỉ số hài lòng", Max: p(20, 0), Method: index.Survey},
			}},
			{Code: "3", Title: "Điểm thưởng", Max: p(1, 0), Children: []*index.Criterion{
				{Code: "3.1", Title: "Mô hình mới, cách làm hay", Max: p(1, 0), Method: index.Bonus},
			}},
		},
	}
	for _, fw := range []*index.Framework{so, tw} {
		if err := fw.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	s := &index.Snapshot{
		Period:     index.Period{ID: 7, Year: 2024, Round: index.FullYear, Name: "Năm 2024", Rule: index.RuleAssigned},
		Frameworks: map[string]*index.Framework{so.Code: so, tw.Code: tw},
		Blocks: []index.Block{
			{Code: "so", Name: "Sở, cơ quan tương đương sở", Framework: so.Code},
			{Code: "tw", Name: "Cơ quan Trung ương đóng trên địa bàn", Framework: tw.Code},
		},
		Units: []index.Unit{
			{Code: "SO-TC", Name: "Sở Tài chính", Block: "so", Active: true},
			{Code: "SO-TP", Name: "Sở Tư pháp", Block: "so", Active: true},
			{Code: "SO-NV", Name: "Sở Nội vụ", Block: "so", Active: true},
			{Code: "TW-KB", Name: "Kho bạc Nhà nước khu vực I", Block: "tw", Active: true},
			{Code: "TW-THUE", Name: "Thuế thành phố Hà Nội", Block: "tw", Active: true},
		},
		Members: []index.CouncilMember{
			{ID: "m1", Name: "Nguyễn Văn An", Role: index.Chair, Organisation: "Ủy ban nhân dân thành phố"},
			{ID: "m2", Name: "Trần Thị Bình", Role: index.ViceChair, Organisation: "Sở Nội vụ"},
			{ID: "m3", Name: "Lê Văn Cường", Role: index.Member, Organisation: "Sở Tài chính"},
			{ID: "m4", Name: "Phạm Thị Dung", Role: index.Member, Organisation: "Sở Tư pháp"},
			{ID: "m5", Name: "Đỗ Minh Hà", Role: index.Secretary, Organisation: "Sở Nội vụ"},
		},
		Assignments: []index.Assignment{
			{Member: "m2", Block: "so", Field: "1"},
			{Member: "m3", Block: "so", Field: "2"},
			{Member: "m2", Block: "so", Field: "4"},
			{Member: "m4", Block: "tw", Field: "1"},
			{Member: "m4", Block: "tw", Field: "3"},
		},
	}
	ap := func(member, unit, crit string, round int, pts index.Points, reason string) {
		s.Appraisals = append(s.Appraisals, index.AppraisalScore{Member: member, Unit: unit, Criterion: crit, Round: round, Points: pts, Reason: reason})
	}
	self := func(unit, crit string, pts index.Points, expl string) {
		s.Self = append(s.Self, index.SelfScore{Unit: unit, Criterion: crit, Points: pts, Explanation: expl})
	}
	sv := func(unit, crit string, pts index.Points) {
		s.Survey = append(s.Survey, index.SurveyScore{Unit: unit, Criterion: crit, Points: pts})
	}
	// Sở Tài chính: 66,40 + 26,36 = 92,76.
	for _, x := range []struct {
		crit string
		pts  index.Points
	}{{"1.1", p(4, 0)}, {"1.2.1", p(3, 0)}, {"1.2.2", p(2, 50)}, {"2.1", p(28, 50)}, {"2.2", p(28, 40)}, {"4.1", 0}, {"4.2", 0}} {
		member := "m2"
		if x.crit[0] == '2' {
			member = "m3"
		}
		self("SO-TC", x.crit, x.pts, "")
		ap(member, "SO-TC", x.crit, 1, x.pts, "")
	}
	ap("m4", "SO-TC", "2.1", 1, p(20, 0), "Thiếu báo cáo quý IV") // a discrepancy with m3's 28,50
	sv("SO-TC", "3.1", p(13, 36))
	sv("SO-TC", "3.2", p(13, 0))
	// Sở Tư pháp: 62,50 + 26,00 = 88,50; round 2 after the explanation.
	self("SO-TP", "1.1", p(4, 0), "")
	ap("m2", "SO-TP", "1.1", 1, p(3, 0), "Kế hoạch ban hành chậm")
	self("SO-TP", "1.2.1", p(3, 0), "")
	ap("m2", "SO-TP", "1.2.1", 1, p(3, 0), "")
	self("SO-TP", "1.2.2", p(3, 0), "")
	ap("m2", "SO-TP", "1.2.2", 1, p(2, 0), "")
	self("SO-TP", "2.1", p(30, 0), "Đã bổ sung báo cáo tình hình giải quyết hồ sơ quý IV")
	ap("m3", "SO-TP", "2.1", 1, p(25, 0), "Thiếu tài liệu kiểm chứng")
	ap("m3", "SO-TP", "2.1", 2, p(27, 50), "Chấp nhận giải trình một phần")
	self("SO-TP", "2.2", p(28, 0), "")
	ap("m3", "SO-TP", "2.2", 1, p(27, 0), "")
	sv("SO-TP", "3.1", p(13, 0))
	sv("SO-TP", "3.2", p(13, 0))
	// Sở Nội vụ: 62,00 + 26,00 + 1,50 - 1,00 = 88,50 (the tie); a council decision and a penalty.
	ap("m2", "SO-NV", "1.1", 1, p(4, 0), "")
	ap("m2", "SO-NV", "1.2.1", 1, p(3, 0), "")
	ap("m2", "SO-NV", "1.2.2", 1, p(3, 0), "")
	ap("m3", "SO-NV", "2.1", 1, p(26, 0), "")
	ap("m3", "SO-NV", "2.2", 1, p(24, 0), "Công khai chưa đầy đủ")
	s.Decisions = append(s.Decisions, index.Decision{Unit: "SO-NV", Criterion: "2.2", Points: p(26, 0), Reason: "Hội đồng chấp nhận tài liệu bổ sung", VotesFor: 3})
	self("SO-NV", "4.1", p(2, 0), "Sáng kiến được Ủy ban nhân dân thành phố công nhận")
	ap("m2", "SO-NV", "4.1", 1, p(1, 50), "Sáng kiến cấp sở")
	ap("m2", "SO-NV", "4.2", 1, p(1, 0), "01 hồ sơ giải quyết quá hạn")
	sv("SO-NV", "3.1", p(13, 0))
	sv("SO-NV", "3.2", p(13, 0))
	// Kho bạc: 35,50 + 17,00 = 52,50 of 60 = 87,50 %.
	ap("m4", "TW-KB", "1.1", 1, p(18, 0), "")
	ap("m4", "TW-KB", "1.2", 1, p(17, 50), "")
	sv("TW-KB", "2.1", p(17, 0))
	// Thuế: 1.2 not applicable; 19,00 + 18,50 + 0,50 = 38,00 of 40 = 95,00 %.
	ap("m4", "TW-THUE", "1.1", 1, p(19, 0), "")
	ap("m4", "TW-THUE", "3.1", 1, p(0, 50), "Mô hình tiếp nhận hồ sơ không giấy")
	sv("TW-THUE", "2.1", p(18, 50))
	s.NotApplicable = append(s.NotApplicable, index.NotApplicable{Unit: "TW-THUE", Criterion: "1.2", Reason: "Không có thủ tục thuộc phạm vi số hóa"})
	return s
}

// fixtureSettings are the report settings of the fixture.
func fixtureSettings(t testing.TB) Settings {
	t.Helper()
	s, err := ParseSettings(map[string]string{
		KeyIssuingBody: "Hội đồng thẩm định Chỉ số cải cách hành chính thành phố",
		KeyParentBody:  "UBND thành phố Hà Nội",
		KeyNumber:      "5/BC-HĐTĐ",
		KeyPlace:       "Hà Nội",
		KeyDate:        "2025-02-05",
		KeySignerTitle: "Chủ tịch",
		KeySignerName:  "Nguyễn Văn An",
		KeyRecipients:  "- UBND thành phố (để b/c);\n- Bộ Nội vụ (để b/c);\n- Các sở, ban, ngành;\n- Lưu: VT, HĐTĐ.",
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixtureInput computes the fixture and wraps it as report input.
func fixtureInput(t testing.TB) Input {
	t.Helper()
	s := fixtureSnapshot(t)
	res, err := index.Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	return Input{
		Snapshot:   s,
		Result:     res,
		Settings:   fixtureSettings(t),
		Provenance: Provenance{AuditHead: "9f2c4e1a7b3d5f608192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"},
	}
}

// previousResult is a made-up previous period for the change columns.
func previousResult(t testing.TB) *index.Result {
	t.Helper()
	return &index.Result{
		Period: index.Period{Year: 2023, Round: index.FullYear},
		Units: []index.UnitResult{
			{Code: "SO-TC", Block: "so", Index: 9050, Rank: 1},
			{Code: "SO-TP", Block: "so", Index: 8900, Rank: 2},
			{Code: "TW-KB", Block: "tw", Index: 8800, Rank: 1},
		},
	}
}

// testFonts loads the fonts from assets, completed from Debian's
// fonts-liberation2 when the assets lack a style.
func testFonts(t testing.TB) Fonts {
	t.Helper()
	f, err := LoadFonts(assets.Fonts, "fonts")
	if err != nil {
		t.Fatal(err)
	}
	sys := os.DirFS("/usr/share/fonts/truetype/liberation2")
	for _, x := range []struct {
		name string
		dst  *[]byte
	}{{FontItalic, &f.Italic}, {FontBoldItalic, &f.BoldItalic}} {
		if *x.dst != nil {
			continue
		}
		b, err := fs.ReadFile(sys, x.name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // Render falls back to the upright styles
		}
		if err != nil {
			t.Fatal(err)
		}
		*x.dst = b
	}
	return f
}

// fixedDate is the fixture's document date.
var fixedDate = time.Date(2025, 2, 5, 0, 0, 0, 0, vietnam)

// writeTemp writes data to a file in a temporary folder and returns its path.
func writeTemp(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
