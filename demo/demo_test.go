package demo

import (
	"reflect"
	"testing"

	"parindex/index"
)

var wantBlocks = map[Scale][]struct {
	code  string
	units int
}{
	Hanoi:    {{"SO", 23}, {"QH", 30}, {"TW", 4}, {"SN", 15}},
	City:     {{"SO", 20}, {"XP", 200}, {"SN", 30}},
	National: {{"XP", 3321}},
}

// generated caches one dataset per scale with seed 1 (the tests do not modify it).
var generated = map[Scale]*Dataset{}

func gen(t testing.TB, s Scale) *Dataset {
	t.Helper()
	if d, ok := generated[s]; ok {
		return d
	}
	d, err := Generate(s, 1)
	if err != nil {
		t.Fatalf("Generate(%s): %v", s, err)
	}
	generated[s] = d
	return d
}

func TestGenerateScales(t *testing.T) {
	for _, s := range Scales() {
		t.Run(string(s), func(t *testing.T) {
			d := gen(t, s)
			res, err := index.Compute(d.Snapshot())
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			want := wantBlocks[s]
			if len(d.Blocks) != len(want) {
				t.Fatalf("%d blocks, want %d", len(d.Blocks), len(want))
			}
			total := 0
			for i, w := range want {
				b := res.Block(w.code)
				if d.Blocks[i].Code != w.code || b == nil || b.Count != w.units {
					t.Errorf("block %d: %+v, want %s with %d units", i, b, w.code, w.units)
				}
				total += w.units
			}
			if len(d.Units) != total || len(res.Units) != total {
				t.Errorf("%d units (%d computed), want %d", len(d.Units), len(res.Units), total)
			}
			seen := map[string]bool{}
			for _, u := range d.Units {
				if seen[u.Code] || u.Name == "" {
					t.Errorf("unit %q %q: duplicate code or no name", u.Code, u.Name)
				}
				seen[u.Code] = true
			}
			for _, u := range res.Units {
				if u.Scored != u.ToScore {
					t.Errorf("unit %s: %d of %d leaves scored", u.Code, u.Scored, u.ToScore)
				}
				if u.Band == "" {
					t.Errorf("unit %s (%s %%) has no band", u.Code, u.Index)
				}
			}
			if d.Period.Rule != index.RuleAssigned || d.Period.Threshold != 2500 || d.Period.Round != index.FullYear {
				t.Errorf("period %+v", d.Period)
			}
			if s == National && (d.Period.Year != 2025 || d.Frameworks[0].Code != "xa-phuong-2025") {
				t.Errorf("national: period %d, framework %s", d.Period.Year, d.Frameworks[0].Code)
			}
			if s == Hanoi && d.Period.Year != 2024 {
				t.Errorf("hanoi: period %d", d.Period.Year)
			}
			for _, k := range []string{SettingIssuingBody, SettingParentBody, SettingNumber, SettingPlace, SettingDate,
				SettingSummary, SettingSignerAuthority, SettingSignerTitle, SettingSignerName, SettingRecipients, SettingOpening} {
				if d.Settings[k] == "" {
					t.Errorf("setting %s is empty", k)
				}
			}
			checkScores(t, d)
		})
	}
}

// checkScores checks every score against its leaf: on the framework's step
// (except survey points, as index.Framework.CheckScore says) and within 0..max.
func checkScores(t *testing.T, d *Dataset) {
	t.Helper()
	fwOf := map[string]*index.Framework{}
	for _, u := range d.Units {
		for _, b := range d.Blocks {
			if b.Code == u.Block {
				fwOf[u.Code] = d.Framework(b.Framework)
			}
		}
	}
	check := func(what, unit, crit string, p index.Points) {
		fw := fwOf[unit]
		leaf := fw.Find(crit)
		if leaf == nil || !leaf.IsLeaf() {
			t.Fatalf("%s %s/%s: not a leaf", what, unit, crit)
		}
		if err := fw.CheckScore(leaf, p); err != nil {
			t.Fatalf("%s %s: %v", what, unit, err)
		}
		if leaf.Method != index.Survey && p%fw.Step != 0 {
			t.Fatalf("%s %s/%s: %s off step", what, unit, crit, p)
		}
	}
	for _, s := range d.Self {
		check("self", s.Unit, s.Criterion, s.Points)
	}
	for _, a := range d.Appraisals {
		check("appraisal", a.Unit, a.Criterion, a.Points)
		if a.Round != 1 && a.Round != 2 {
			t.Fatalf("appraisal round %d", a.Round)
		}
	}
	for _, s := range d.Survey {
		check("survey", s.Unit, s.Criterion, s.Points)
	}
	voting := index.VotingMembers(d.Members)
	for _, dec := range d.Decisions {
		check("decision", dec.Unit, dec.Criterion, dec.Points)
		if err := index.CheckDecision(dec, voting); err != nil {
			t.Error(err)
		}
	}
}

func TestCouncil(t *testing.T) {
	d := gen(t, Hanoi)
	if len(d.Members) != 11 || index.VotingMembers(d.Members) != 10 {
		t.Fatalf("%d members, %d voting; want 10 voting and a secretary", len(d.Members), index.VotingMembers(d.Members))
	}
	if d.Members[0].Role != index.Chair || d.Members[0].Organisation != "Phó Chủ tịch UBND Thành phố" ||
		d.Members[1].Role != index.ViceChair || d.Members[1].Organisation != "Giám đốc Sở Nội vụ" ||
		d.Members[10].Role != index.Secretary || d.Members[10].Votes() {
		t.Errorf("council: %+v", d.Members)
	}
	for _, m := range d.Members {
		if !m.Role.Valid() {
			t.Errorf("member %s: role %q", m.ID, m.Role)
		}
	}
	// Every field of every block is assigned to exactly one member.
	for _, b := range d.Blocks {
		fw := d.Framework(b.Framework)
		for _, f := range fw.Fields {
			n := 0
			for _, a := range d.Assignments {
				if a.Block == b.Code && a.Field == f.Code {
					n++
				}
			}
			if n != 1 {
				t.Errorf("block %s field %s: %d assignments", b.Code, f.Code, n)
			}
		}
	}
	for _, a := range d.Assignments {
		if a.Field == "6" && a.Member != "TV06" {
			t.Errorf("public finance assigned to %s, not the finance department's member", a.Member)
		}
	}
	if d.Settings[SettingIssuingBody] != "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC" || d.Settings[SettingParentBody] != "UBND THÀNH PHỐ HÀ NỘI" ||
		d.Settings[SettingNumber] != "05/BC-HĐTĐ" || d.Settings[SettingSignerTitle] != "CHỦ TỊCH" ||
		d.Settings[SettingSignerName] != d.Members[0].Name {
		t.Errorf("settings: %v", d.Settings)
	}
}

func TestHanoiRealistic(t *testing.T) {
	d := gen(t, Hanoi)
	res, err := index.Compute(d.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range res.Blocks {
		if b.Mean < 7500 || b.Mean > 9500 {
			t.Errorf("block %s: mean %s %%, want 75–95", b.Code, b.Mean)
		}
		t.Logf("block %-2s %2d units: mean %s, median %s, min %s, max %s, bands %v",
			b.Code, b.Count, b.Mean, b.Median, b.Min, b.Max, b.Bands)
	}
	in := 0
	for _, u := range res.Units {
		if u.Index >= 7500 && u.Index <= 9500 {
			in++
		}
	}
	if in*10 < len(res.Units)*8 {
		t.Errorf("only %d of %d indexes within 75–95 %%", in, len(res.Units))
	}

	if len(res.Discrepancies) == 0 {
		t.Error("no discrepancies")
	}
	decided := 0
	for _, dc := range res.Discrepancies {
		if dc.Decided {
			decided++
		}
		if dc.Spread*4 <= dc.Max {
			t.Errorf("discrepancy %s/%s: spread %s is within 25 %% of %s", dc.Unit, dc.Criterion, dc.Spread, dc.Max)
		}
	}
	if len(d.Decisions) == 0 || decided != len(d.Decisions) {
		t.Errorf("%d decisions, %d decided discrepancies", len(d.Decisions), decided)
	}
	t.Logf("%d discrepancies, %d decided", len(res.Discrepancies), decided)

	a, b := res.Unit(tieUnitA), res.Unit(tieUnitB)
	if a.Index != b.Index || a.Rank != b.Rank {
		t.Errorf("tie: %s %s (rank %d), %s %s (rank %d)", a.Code, a.Index, a.Rank, b.Code, b.Index, b.Rank)
	}
	t.Logf("tie: %s and %s at %s %%, rank %d", a.Name, b.Name, a.Index, a.Rank)
	if next := firstAfterTie(res, a); next != 0 && next != a.Rank+2 {
		t.Errorf("the rank after the tie is %d, want %d", next, a.Rank+2)
	}

	var round2, explained, evidence, na, bonus, penalty, cross int
	for _, ap := range d.Appraisals {
		if ap.Round == 2 {
			round2++
		}
		if ap.Reason == reasonCross {
			cross++
		}
	}
	for _, s := range d.Self {
		if s.Explanation != "" {
			explained++
		}
		if s.Evidence != "" {
			evidence++
		}
	}
	na = len(d.NotApplicable)
	for _, u := range res.Units {
		if u.Bonus > 0 {
			bonus++
		}
		if u.Penalty > 0 {
			penalty++
		}
	}
	if round2 == 0 || explained == 0 || evidence == 0 || na == 0 || bonus == 0 || penalty == 0 || cross == 0 {
		t.Errorf("round 2: %d, explanations: %d, evidence: %d, not applicable: %d, units with bonus: %d, with penalty: %d, cross-checks: %d",
			round2, explained, evidence, na, bonus, penalty, cross)
	}
	// A not-applicable criterion leaves the unit's max below the scale.
	if u := res.Unit("SO-BDT"); u.Max >= 10000 {
		t.Errorf("SO-BDT: max %s despite a not-applicable criterion", u.Max)
	}
}

func firstAfterTie(res *index.Result, tied *index.UnitResult) int {
	for _, u := range res.Units {
		if u.Block == tied.Block && u.Index < tied.Index {
			return u.Rank
		}
	}
	return 0
}

func TestDeterminism(t *testing.T) {
	for _, s := range []Scale{Hanoi, City} {
		a, err := Generate(s, 7)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Generate(s, 7)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two runs with seed 7 differ", s)
		}
		c, err := Generate(s, 8)
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(a.Appraisals, c.Appraisals) || reflect.DeepEqual(a.Survey, c.Survey) {
			t.Errorf("%s: seeds 7 and 8 give the same scores", s)
		}
		if !reflect.DeepEqual(a.Units, c.Units) {
			t.Errorf("%s: the units depend on the seed", s)
		}
	}
}

func TestDeterminismNational(t *testing.T) {
	if testing.Short() {
		t.Skip("testing.Short: the national-scale determinism check runs without -short")
	}
	a := gen(t, National)
	b, err := Generate(National, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("national: two runs with the same seed differ")
	}
	c, err := Generate(National, 2)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Self, c.Self) {
		t.Error("national: seeds 1 and 2 give the same self-assessments")
	}
}

func TestUnknownScale(t *testing.T) {
	if _, err := Generate("province", 1); err == nil {
		t.Error("unknown scale accepted")
	}
}

func TestLoadSample(t *testing.T) {
	f, err := LoadSample("xa-phuong-2025")
	if err != nil || !f.Sample || f.Total != 10000 {
		t.Fatalf("%v %+v", err, f)
	}
	if _, err := LoadSample("none"); err == nil {
		t.Error("missing sample loaded")
	}
}

func BenchmarkGenerateNational(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(National, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerateHanoi(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(Hanoi, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func benchCompute(b *testing.B, s Scale) {
	d, err := Generate(s, 1)
	if err != nil {
		b.Fatal(err)
	}
	snap := d.Snapshot()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := index.Compute(snap); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComputeHanoi(b *testing.B) { benchCompute(b, Hanoi) }

func BenchmarkComputeCity(b *testing.B) { benchCompute(b, City) }

func BenchmarkComputeNational(b *testing.B) { benchCompute(b, National) }
