package index

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// testFramework is a small 100-point framework: two fields of appraisal and
// survey leaves, and a bonus/penalty content.
//
//	1   Chỉ đạo điều hành            40 (appraisal 30 + survey 10)
//	1.1   Kế hoạch                   10   appraisal
//	1.2   Kiểm tra                   20
//	1.2.1   Kiểm tra đúng kế hoạch   12.5 appraisal
//	1.2.2   Xử lý sau kiểm tra        7.5 appraisal
//	1.3   Khảo sát                   10   survey
//	2   Thủ tục hành chính           60 (appraisal 40 + survey 20)
//	2.1   Công khai                  40   appraisal
//	2.2   Hài lòng                   20   survey
//	3   Thưởng, trừ                   6
//	3.1   Sáng kiến                   3   bonus
//	3.2   Vi phạm                     3   penalty
func testFramework() *Framework {
	return &Framework{
		Code: "test", Version: 1, Name: "Bộ chỉ số thử", Year: 2024,
		AppraisalMax: 7000, SurveyMax: 3000, Total: 10000, BonusCap: 200, PenaltyCap: 250, Step: 25,
		Bands: []Band{{"A", 9000}, {"B", 8000}, {"C", 7000}, {"D", 0}},
		Fields: []*Criterion{
			{Code: "1", Title: "Chỉ đạo điều hành", Max: 4000, Children: []*Criterion{
				{Code: "1.1", Title: "Kế hoạch", Max: 1000, Method: Appraisal},
				{Code: "1.2", Title: "Kiểm tra", Max: 2000, Children: []*Criterion{
					{Code: "1.2.1", Title: "Kiểm tra đúng kế hoạch", Max: 1250, Method: Appraisal},
					{Code: "1.2.2", Title: "Xử lý sau kiểm tra", Max: 750, Method: Appraisal},
				}},
				{Code: "1.3", Title: "Khảo sát", Max: 1000, Method: Survey},
			}},
			{Code: "2", Title: "Thủ tục hành chính", Max: 6000, Children: []*Criterion{
				{Code: "2.1", Title: "Công khai", Max: 4000, Method: Appraisal},
				{Code: "2.2", Title: "Hài lòng", Max: 2000, Method: Survey},
			}},
			{Code: "3", Title: "Thưởng, trừ", Max: 600, Children: []*Criterion{
				{Code: "3.1", Title: "Sáng kiến", Max: 300, Method: Bonus},
				{Code: "3.2", Title: "Vi phạm", Max: 300, Method: Penalty},
			}},
		},
	}
}

func TestValidateSample(t *testing.T) {
	f := testFramework()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Leaves()); n != 8 {
		t.Fatalf("leaves = %d, want 8", n)
	}
	if got := f.FieldOf("1.2.2").Code; got != "1" {
		t.Fatalf("field of 1.2.2 = %s", got)
	}
	if n := len(f.ScoredFields()); n != 2 {
		t.Fatalf("scored fields = %d, want 2", n)
	}
}

func TestValidateProblems(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(f *Framework)
		want    string
	}{
		{"duplicate code", func(f *Framework) { f.Fields[1].Children[1].Code = "2.1" }, "criterion 2.1: duplicate code"},
		{"children sum", func(f *Framework) { f.Fields[0].Children[1].Children[1].Max = 500 }, "criterion 1.2: children's max sum to 17.50, not 20.00"},
		{"parts vs total", func(f *Framework) { f.Total = 9000 }, "parts 70.00 + 30.00 do not sum to the total 90.00"},
		{"appraisal part", func(f *Framework) { f.AppraisalMax = 6000; f.Total = 9000 }, "appraisal leaves sum to 70.00, not the appraisal part 60.00"},
		{"zero max", func(f *Framework) { f.Fields[2].Children[0].Max = 0; f.Fields[2].Max = 300 }, "criterion 3.1: max 0.00 must be more than zero"},
		{"negative max", func(f *Framework) { f.Fields[2].Children[0].Max = -100; f.Fields[2].Max = 200 }, "criterion 3.1: max -1.00 must be more than zero"},
		{"bands unordered", func(f *Framework) { f.Bands[1], f.Bands[2] = f.Bands[2], f.Bands[1] }, "bands are not ordered"},
		{"unknown method", func(f *Framework) { f.Fields[0].Children[0].Method = "vote" }, `criterion 1.1: method "vote"`},
		{"code prefix", func(f *Framework) { f.Fields[1].Children[0].Code = "3.9" }, "criterion 3.9: code does not start with its parent's code 2."},
		{"off step max", func(f *Framework) {
			f.Fields[0].Children[0].Max = 990
			f.Fields[0].Children[1].Children[0].Max = 1260
		}, "criterion 1.1: max 9.90 is not a multiple of the step 0.25"},
		{"empty title", func(f *Framework) { f.Fields[0].Title = " " }, "criterion 1: title is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := testFramework()
			tc.breakIt(f)
			err := f.Validate()
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a ValidationError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCheckScore(t *testing.T) {
	f := testFramework()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		code string
		p    Points
		kind ScoreErrorKind
	}{
		{"1.1", 1000, ""},
		{"1.1", 1025, ScoreAboveMax},
		{"1.1", -25, ScoreNegative},
		{"1.1", 510, ScoreOffStep},
		{"1.3", 733, ""}, // survey points come from answers: any hundredth
		{"3.2", 300, ""},
	}
	for _, tc := range tests {
		err := f.CheckScore(f.Find(tc.code), tc.p)
		var se *ScoreError
		switch {
		case tc.kind == "" && err != nil:
			t.Errorf("CheckScore(%s, %s) = %v, want nil", tc.code, tc.p, err)
		case tc.kind != "" && (!errors.As(err, &se) || se.Kind != tc.kind):
			t.Errorf("CheckScore(%s, %s) = %v, want %s", tc.code, tc.p, err, tc.kind)
		}
	}
	if err := f.CheckScore(f.Find("1.2"), 100); err == nil {
		t.Error("a score on a non-leaf was accepted")
	}
}

func TestClassify(t *testing.T) {
	f := testFramework()
	for _, tc := range []struct {
		idx  Percent
		want string
	}{{10000, "A"}, {9000, "A"}, {8999, "B"}, {8000, "B"}, {7000, "C"}, {6999, "D"}, {0, "D"}, {-100, ""}} {
		if got := f.Classify(tc.idx); got != tc.want {
			t.Errorf("Classify(%s) = %q, want %q", tc.idx, got, tc.want)
		}
	}
}

func TestCheckDecision(t *testing.T) {
	d := Decision{Unit: "U1", Criterion: "1.1", Points: 500, Reason: "Hội đồng thống nhất", VotesFor: 5}
	if err := CheckDecision(d, 9); err != nil {
		t.Errorf("5 of 9: %v", err)
	}
	d.VotesFor = 5
	if err := CheckDecision(d, 10); err == nil {
		t.Error("5 of 10 accepted: exactly half is not more than half")
	}
	d.VotesFor = 11
	if err := CheckDecision(d, 10); err == nil {
		t.Error("11 of 10 accepted")
	}
	d.VotesFor, d.Reason = 8, ""
	if err := CheckDecision(d, 10); err == nil {
		t.Error("a decision without a reason was accepted")
	}
}

// snapshot builds a one-block snapshot on testFramework with the given units.
func snapshot(units ...string) *Snapshot {
	f := testFramework()
	if err := f.Validate(); err != nil {
		panic(err)
	}
	s := &Snapshot{
		Period:     Period{ID: 1, Year: 2024, Round: FullYear},
		Frameworks: map[string]*Framework{"test": f},
		Blocks:     []Block{{Code: "SO", Name: "Sở", Framework: "test"}},
		Members: []CouncilMember{
			{ID: "M1", Role: Chair}, {ID: "M2", Role: Member}, {ID: "M3", Role: Member}, {ID: "S", Role: Secretary},
		},
		Assignments: []Assignment{{Member: "M1", Block: "SO", Field: "1"}, {Member: "M2", Block: "SO", Field: "2"}, {Member: "M1", Block: "SO", Field: "3"}},
	}
	for _, u := range units {
		s.Units = append(s.Units, Unit{Code: u, Name: "Đơn vị " + u, Block: "SO", Active: true})
	}
	return s
}

// full gives a unit the given appraisal points on every appraisal leaf
// (as a share of max) by the assigned members, and survey points.
func scoreAll(s *Snapshot, unit string, appr map[string]Points, surv map[string]Points) {
	for code, p := range appr {
		m := "M1"
		if strings.HasPrefix(code, "2") {
			m = "M2"
		}
		s.Appraisals = append(s.Appraisals, AppraisalScore{Member: m, Unit: unit, Criterion: code, Round: 1, Points: p})
	}
	for code, p := range surv {
		s.Survey = append(s.Survey, SurveyScore{Unit: unit, Criterion: code, Points: p})
	}
}

func TestComputePublishedExample(t *testing.T) {
	// Sở Tài chính 2020: 66.40 appraisal + 26.36 survey = 92.76.
	s := snapshot("STC")
	scoreAll(s, "STC",
		map[string]Points{"1.1": 1000, "1.2.1": 1250, "1.2.2": 390, "2.1": 4000},
		map[string]Points{"1.3": 900, "2.2": 1736})
	res, err := Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	u := res.Unit("STC")
	if u.Appraisal != 6640 || u.Survey != 2636 || u.Total != 9276 || u.Max != 10000 {
		t.Fatalf("got appraisal %s survey %s total %s max %s", u.Appraisal, u.Survey, u.Total, u.Max)
	}
	if u.Index != 9276 || u.Band != "A" || u.Rank != 1 {
		t.Fatalf("index %s band %s rank %d", u.Index, u.Band, u.Rank)
	}
	if u.AppraisalIndex != 9486 || u.SurveyIndex != 8787 { // 66.40/70 = 94.857; 26.36/30 = 87.866
		t.Fatalf("part indexes %s %s", u.AppraisalIndex, u.SurveyIndex)
	}
	if u.Fields[0].Points != 3540 || u.Fields[0].Max != 4000 || u.Fields[0].Index != 8850 {
		t.Fatalf("field 1 = %+v", u.Fields[0])
	}
	if u.Fields[1].Points != 5736 || u.Fields[1].Index != 9560 {
		t.Fatalf("field 2 = %+v", u.Fields[1])
	}
	if u.Scored != 6 || u.ToScore != 8 { // bonus/penalty not scored
		t.Fatalf("progress %d/%d", u.Scored, u.ToScore)
	}
}

func TestComputeNotApplicableAndCaps(t *testing.T) {
	s := snapshot("U1")
	scoreAll(s, "U1",
		map[string]Points{"1.1": 1000, "1.2.1": 1250, "1.2.2": 750, "2.1": 3000, "3.1": 300, "3.2": 300},
		map[string]Points{"1.3": 1000, "2.2": 1500})
	s.NotApplicable = []NotApplicable{{Unit: "U1", Criterion: "1.2"}} // both 1.2.x leaves
	res, err := Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	u := res.Unit("U1")
	// appraisal 10 + 30 = 40 of 50; survey 25 of 30; bonus min(3, 2) = 2; penalty min(3, 2.5) = 2.5
	if u.Appraisal != 4000 || u.AppraisalMax != 5000 || u.Bonus != 200 || u.Penalty != 250 {
		t.Fatalf("got %+v", u)
	}
	if u.Total != 6450 || u.Max != 8000 || u.Index != 8063 { // 64.5 / 80 = 80.625 -> 80.63
		t.Fatalf("total %s max %s index %s", u.Total, u.Max, u.Index)
	}
	if u.Fields[0].Max != 2000 || u.Fields[0].Points != 2000 {
		t.Fatalf("field 1 with NA = %+v", u.Fields[0])
	}
}

func TestComputeRanksTies(t *testing.T) {
	s := snapshot("A", "B", "C", "D", "E")
	// totals 95.70, 95.70, 97.00, 80.00, 95.70 -> ranks C1, A2, B2, E2, D5
	for _, u := range []struct {
		code string
		appr Points
	}{{"A", 6570}, {"B", 6570}, {"C", 6700}, {"D", 5000}, {"E", 6570}} {
		scoreAll(s, u.code, map[string]Points{"2.1": 4000, "1.1": 1000, "1.2.1": 1250, "1.2.2": 0},
			map[string]Points{"1.3": 1000, "2.2": 2000})
		// adjust 1.2.2 to reach the wanted appraisal total (62.5 fixed + rest)
		s.Appraisals = append(s.Appraisals, AppraisalScore{Member: "M1", Unit: u.code, Criterion: "1.2.2", Round: 2, Points: u.appr - 6250})
	}
	// D: 50 appraisal is below the fixed part; give it a penalty instead.
	s.Appraisals = append(s.Appraisals, AppraisalScore{Member: "M1", Unit: "D", Criterion: "1.2.2", Round: 2, Points: 0})
	s.Appraisals = append(s.Appraisals, AppraisalScore{Member: "M2", Unit: "D", Criterion: "2.1", Round: 2, Points: 2750})
	res, err := Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range res.Units {
		got = append(got, u.Code+":"+u.Index.String()+":"+strconv.Itoa(u.Rank))
	}
	want := "C:97.00:1 A:95.70:2 B:95.70:2 E:95.70:2 D:80.00:5"
	if strings.Join(got, " ") != want {
		t.Fatalf("ranking = %v\nwant      %s", got, want)
	}
	b := res.Block("SO")
	if b.Count != 5 || b.Max != 9700 || b.Min != 8000 || b.Median != 9570 || b.Mean != 9282 {
		t.Fatalf("block stats %+v", b) // mean (97+95.7*3+80)/5 = 92.82
	}
	if b.Bands[0].Count != 4 || b.Bands[1].Count != 1 {
		t.Fatalf("band counts %+v", b.Bands)
	}
}

func TestConsolidationRules(t *testing.T) {
	base := func() *Snapshot {
		s := snapshot("U")
		// 1.1 (max 10): M1 (assigned) 8 in round 1 and 9 in round 2; M2 5; M3 6.5
		s.Appraisals = []AppraisalScore{
			{Member: "M1", Unit: "U", Criterion: "1.1", Round: 1, Points: 800},
			{Member: "M2", Unit: "U", Criterion: "1.1", Round: 1, Points: 500},
			{Member: "M1", Unit: "U", Criterion: "1.1", Round: 2, Points: 900},
			{Member: "M3", Unit: "U", Criterion: "1.1", Round: 1, Points: 650},
			// 1.2.1: only M2, not assigned to field 1
			{Member: "M2", Unit: "U", Criterion: "1.2.1", Round: 1, Points: 1000},
		}
		return s
	}
	tests := []struct {
		rule     Rule
		decision bool
		want11   Points
		src11    Source
		want121  Points
		src121   Source
	}{
		{RuleAssigned, false, 900, FromAssigned, 0, FromNone},
		{RuleMean, false, 683, FromMean, 1000, FromMean}, // (9 + 5 + 6.5) / 3 = 6.8333
		{RuleMedian, false, 650, FromMedian, 1000, FromMedian},
		{RuleAssigned, true, 725, FromDecision, 0, FromNone},
		{RuleMean, true, 725, FromDecision, 1000, FromMean},
	}
	for _, tc := range tests {
		s := base()
		s.Period.Rule = tc.rule
		if tc.decision {
			s.Decisions = []Decision{{Unit: "U", Criterion: "1.1", Points: 725, Reason: "x", VotesFor: 3}}
		}
		res, err := Compute(s)
		if err != nil {
			t.Fatal(err)
		}
		l := res.Unit("U").Leaves
		if l[0].Final != tc.want11 || l[0].Source != tc.src11 {
			t.Errorf("%s decision=%v: 1.1 = %s (%s), want %s (%s)", tc.rule, tc.decision, l[0].Final, l[0].Source, tc.want11, tc.src11)
		}
		if l[1].Final != tc.want121 || l[1].Source != tc.src121 {
			t.Errorf("%s: 1.2.1 = %s (%s), want %s (%s)", tc.rule, l[1].Final, l[1].Source, tc.want121, tc.src121)
		}
		// Discrepancy: 9 vs 5 on max 10 = 40 % > 25 %.
		if len(res.Discrepancies) != 1 || res.Discrepancies[0].Criterion != "1.1" || res.Discrepancies[0].Spread != 400 {
			t.Errorf("%s: discrepancies = %+v", tc.rule, res.Discrepancies)
		}
		if res.Discrepancies[0].Decided != tc.decision {
			t.Errorf("decided = %v", res.Discrepancies[0].Decided)
		}
	}
}

func TestMedianEven(t *testing.T) {
	if got := median([]Points{100, 300, 200, 125}); got != 163 { // (1.25 + 2) / 2 = 1.625 -> 1.63
		t.Fatalf("median = %s", got)
	}
}

func TestDiscrepancyThreshold(t *testing.T) {
	for _, tc := range []struct {
		a, b      Points
		threshold Percent
		want      bool
	}{
		{1000, 750, 2500, false}, // exactly 25 % is not more than 25 %
		{1000, 725, 2500, true},
		{1000, 900, 500, true},
		{1000, 1000, 0, false},
	} {
		s := snapshot("U")
		s.Period.Threshold = tc.threshold
		if tc.threshold == 0 {
			s.Period.Threshold = 1 // 0.01 %
		}
		s.Appraisals = []AppraisalScore{
			{Member: "M1", Unit: "U", Criterion: "1.1", Round: 1, Points: tc.a},
			{Member: "M2", Unit: "U", Criterion: "1.1", Round: 1, Points: tc.b},
		}
		res, err := Compute(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Discrepancies) == 1; got != tc.want {
			t.Errorf("%s vs %s at %s %%: flagged %v, want %v", tc.a, tc.b, tc.threshold, got, tc.want)
		}
	}
}

func TestComputeRefusesUnknown(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *Snapshot)
		want string
	}{
		{"unknown unit", func(s *Snapshot) {
			s.Self = []SelfScore{{Unit: "ZZ", Criterion: "1.1", Points: 1}}
		}, `unknown or inactive unit "ZZ"`},
		{"non-leaf", func(s *Snapshot) {
			s.Appraisals = []AppraisalScore{{Member: "M1", Unit: "U", Criterion: "1.2", Round: 1}}
		}, `"1.2" is not a leaf`},
		{"survey on appraisal leaf", func(s *Snapshot) {
			s.Survey = []SurveyScore{{Unit: "U", Criterion: "1.1", Points: 1}}
		}, "1.1 is an appraisal leaf"},
		{"bad round", func(s *Snapshot) {
			s.Appraisals = []AppraisalScore{{Member: "M1", Unit: "U", Criterion: "1.1", Round: 3}}
		}, "round 3"},
		{"unknown framework", func(s *Snapshot) { s.Blocks[0].Framework = "nope" }, `unknown framework "nope"`},
		{"unknown rule", func(s *Snapshot) { s.Period.Rule = "vote" }, `unknown consolidation rule`},
		{"unvalidated framework", func(s *Snapshot) { s.Frameworks["test"] = testFramework() }, "was not validated"},
	}
	for _, tc := range tests {
		s := snapshot("U")
		tc.edit(s)
		_, err := Compute(s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Compute() = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestInactiveUnitsLeftOut(t *testing.T) {
	s := snapshot("A", "B")
	s.Units[1].Active = false
	res, err := Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) != 1 || res.Blocks[0].Count != 1 {
		t.Fatalf("inactive unit counted: %d units", len(res.Units))
	}
}

func TestCentralAgencyScale(t *testing.T) {
	// A 60-point framework: 52.5 points is 87.50 %.
	f := &Framework{Code: "tw", Version: 1, Name: "Trung ương", AppraisalMax: 4000, SurveyMax: 2000, Total: 6000, Step: 25,
		Fields: []*Criterion{
			{Code: "1", Title: "a", Max: 4000, Method: Appraisal},
			{Code: "2", Title: "b", Max: 2000, Method: Survey},
		}}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	s := &Snapshot{
		Frameworks:  map[string]*Framework{"tw": f},
		Blocks:      []Block{{Code: "TW", Framework: "tw"}},
		Units:       []Unit{{Code: "KB", Block: "TW", Active: true}},
		Appraisals:  []AppraisalScore{{Member: "M", Unit: "KB", Criterion: "1", Round: 1, Points: 3500}},
		Survey:      []SurveyScore{{Unit: "KB", Criterion: "2", Points: 1750}},
		Assignments: []Assignment{{Member: "M", Block: "TW", Field: "1"}},
	}
	res, err := Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	if u := res.Unit("KB"); u.Total != 5250 || u.Index != 8750 || u.Index.VI() != "87,50" {
		t.Fatalf("got total %s index %s", u.Total, u.Index)
	}
}

func TestTwoVersionsOfOneFramework(t *testing.T) {
	// Two blocks on two versions of a framework sharing one code.
	s := snapshot("U")
	v2 := testFramework()
	v2.Version = 2
	v2.Fields = v2.Fields[:2]
	if err := v2.Validate(); err != nil {
		t.Fatal(err)
	}
	s.Frameworks["test@2"] = v2
	s.Blocks = append(s.Blocks, Block{Code: "XA", Framework: "test@2"})
	s.Units = append(s.Units, Unit{Code: "X", Block: "XA", Active: true})
	s.Appraisals = []AppraisalScore{{Member: "M", Unit: "X", Criterion: "2.1", Round: 1, Points: 100}}
	res, err := Compute(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Unit("X").Leaves); got != 6 {
		t.Fatalf("unit on version 2 has %d leaves, want 6", got)
	}
}
