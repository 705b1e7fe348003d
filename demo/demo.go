// Package demo generates deterministic demonstration data for parindex: a
// period with its blocks, units, council, assignments, self-assessments,
// appraisals in two rounds, disagreements between members, council decisions,
// survey points, not-applicable marks, bonus and penalty points and the report
// header settings.
//
// The data is made up but shaped like Hanoi's published evaluations: real
// department, district and agency names, the embedded sample frameworks, and
// indexes mostly between 75 and 95 %. The same scale and seed always give the
// same Dataset. The package is pure: it reads the embedded samples and uses
// package index, and touches no database.
package demo

import (
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"parindex/assets"
	"parindex/exchange"
	"parindex/index"
)

// Scale is the size of a generated dataset.
type Scale string

// The scales Generate knows.
const (
	// Hanoi is Hanoi 2024: 23 departments, 30 district-level committees,
	// 4 central agencies and 15 public service units, in 4 blocks.
	Hanoi Scale = "hanoi"
	// City is a city in 2025 after the commune reform: 20 departments,
	// 200 communes and wards and 30 public service units (250 units).
	City Scale = "city"
	// National is every commune and ward of the country in 2025 (3,321) in
	// one block, with round 1, survey and self-assessment only.
	National Scale = "national"
)

// Scales lists the scales Generate knows, smallest first.
func Scales() []Scale { return []Scale{Hanoi, City, National} }

// Keys of Dataset.Settings: the header and signature block of the council's
// report (Nghị định 30/2020/NĐ-CP, Phụ lục I).
const (
	SettingIssuingBody     = "issuing_body"     // issuing body, capitals: "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC"
	SettingParentBody      = "parent_body"      // the body above it: "UBND THÀNH PHỐ HÀ NỘI"
	SettingNumber          = "number"           // document number and symbol: "05/BC-HĐTĐ"
	SettingPlace           = "place"            // place of issue: "Hà Nội"
	SettingDate            = "date"             // date of issue, ISO 8601: "2025-02-05"
	SettingSummary         = "summary"          // the summary line (trích yếu) under the document type
	SettingSignerAuthority = "signer_authority" // "TM. HỘI ĐỒNG"
	SettingSignerTitle     = "signer_title"     // "CHỦ TỊCH"
	SettingSignerName      = "signer_name"      // the chair's name
	SettingRecipients      = "recipients"       // distribution list (Nơi nhận), one recipient a line
	SettingOpening         = "opening"          // the opening paragraph of the report
)

// Dataset is a generated period with everything index.Compute needs, plus the
// council's report settings. Slices are in a fixed order: blocks, then units
// of a block, then leaves in framework order.
type Dataset struct {
	Scale         Scale
	Seed          int64
	Period        index.Period
	Frameworks    []*index.Framework // the embedded samples the blocks use, validated, in block order
	Blocks        []index.Block
	Units         []index.Unit
	Members       []index.CouncilMember
	Assignments   []index.Assignment
	Self          []index.SelfScore
	Appraisals    []index.AppraisalScore
	Decisions     []index.Decision
	Survey        []index.SurveyScore
	NotApplicable []index.NotApplicable
	Settings      map[string]string // report header settings; keys are the Setting… constants
}

// Snapshot returns what index.Compute takes. It shares the dataset's slices
// and frameworks: do not modify one while using the other.
func (d *Dataset) Snapshot() *index.Snapshot {
	fws := make(map[string]*index.Framework, len(d.Frameworks))
	for _, f := range d.Frameworks {
		fws[f.Code] = f
	}
	return &index.Snapshot{
		Period:        d.Period,
		Frameworks:    fws,
		Blocks:        d.Blocks,
		Units:         d.Units,
		Members:       d.Members,
		Assignments:   d.Assignments,
		Self:          d.Self,
		Appraisals:    d.Appraisals,
		Decisions:     d.Decisions,
		Survey:        d.Survey,
		NotApplicable: d.NotApplicable,
	}
}

// Framework returns the dataset's framework with the given code, or nil.
func (d *Dataset) Framework(code string) *index.Framework {
	for _, f := range d.Frameworks {
		if f.Code == code {
			return f
		}
	}
	return nil
}

// Sample framework codes (and file names under assets/frameworks).
const (
	fwDepartments = "so-nganh-quan-huyen-2024"
	fwCentral     = "co-quan-trung-uong-2024"
	fwCommunes    = "xa-phuong-2025"
	fwServices    = "don-vi-su-nghiep-2024"
)

// LoadSample reads and validates one embedded sample framework by its code,
// such as "xa-phuong-2025". Each call returns a new copy.
func LoadSample(code string) (*index.Framework, error) {
	name := "frameworks/" + code + ".json"
	data, err := fs.ReadFile(assets.Frameworks, name)
	if err != nil {
		return nil, fmt.Errorf("demo: sample framework %s: %w", code, err)
	}
	return exchange.ReadFrameworkJSON(strings.NewReader(string(data)), name)
}

// blockSpec is a block to generate.
type blockSpec struct {
	block index.Block
	units []unitSpec
	na    []naSpec
}

// naSpec marks a criterion not applicable to some units.
type naSpec struct {
	criterion, reason string
	units             []string // unit codes
	every             int      // or: every n-th unit of the block (n > 0)
}

// Generate builds the dataset of a scale. The same scale and seed always give
// a deeply equal Dataset; different seeds give different scores.
func Generate(scale Scale, seed int64) (*Dataset, error) {
	g := &generator{
		rng: rand.New(rand.NewPCG(uint64(seed), scaleSalt(scale))),
		ds:  &Dataset{Scale: scale, Seed: seed},
	}
	var blocks []blockSpec
	switch scale {
	case Hanoi:
		g.full = true
		g.maxDecisions = 3
		g.ds.Period = index.Period{ID: 1, Year: 2024, Round: index.FullYear, Name: "Năm 2024",
			Rule: index.RuleAssigned, Threshold: index.DefaultThreshold}
		blocks = []blockSpec{
			{block: index.Block{Code: "SO", Name: "Sở, cơ quan tương đương sở", Framework: fwDepartments},
				units: hanoiDepartments,
				na: []naSpec{
					{criterion: "6.2", reason: "Đơn vị không được giao kế hoạch vốn đầu tư công năm 2024.",
						units: []string{"SO-NGV", "SO-BDT", "SO-VPDDBQH"}},
					{criterion: "2.1.2", reason: "Đơn vị không được giao chủ trì dự thảo văn bản QPPL trong năm.",
						units: []string{"SO-VPDDBQH"}},
				}},
			{block: index.Block{Code: "QH", Name: "UBND quận, huyện, thị xã", Framework: fwDepartments},
				units: hanoiDistricts},
			{block: index.Block{Code: "TW", Name: "Cơ quan Trung ương đóng trên địa bàn", Framework: fwCentral},
				units: hanoiCentral},
			{block: index.Block{Code: "SN", Name: "Đơn vị sự nghiệp công lập thuộc UBND Thành phố", Framework: fwServices},
				units: hanoiPublicServiceUnits,
				na: []naSpec{{criterion: "3.2.2", reason: "Đơn vị không thực hiện thủ tục hành chính.",
					units: []string{"SN-KTDT", "SN-HNM", "SN-VNC"}}}},
		}
	case City:
		g.full = true
		g.maxDecisions = 8
		g.ds.Period = index.Period{ID: 1, Year: 2025, Round: index.FullYear, Name: "Năm 2025",
			Rule: index.RuleAssigned, Threshold: index.DefaultThreshold}
		communes := make([]unitSpec, 200)
		for i := range communes {
			kind := "xã"
			if i%3 == 0 {
				kind = "phường"
			}
			communes[i] = unitSpec{code: fmt.Sprintf("XP-%03d", i+1), name: "UBND " + kind + " " + placeName(i*7)}
		}
		blocks = []blockSpec{
			{block: index.Block{Code: "SO", Name: "Sở, cơ quan tương đương sở", Framework: fwDepartments},
				units: hanoiDepartments[:20],
				na: []naSpec{{criterion: "6.2", reason: "Đơn vị không được giao kế hoạch vốn đầu tư công.",
					units: []string{"SO-NGV"}}}},
			{block: index.Block{Code: "XP", Name: "UBND xã, phường", Framework: fwCommunes},
				units: communes,
				na:    []naSpec{{criterion: "6.4", reason: "Xã, phường không được giao kế hoạch vốn đầu tư công.", every: 25}}},
			{block: index.Block{Code: "SN", Name: "Đơn vị sự nghiệp công lập thuộc UBND Thành phố", Framework: fwServices},
				units: append(append([]unitSpec(nil), hanoiPublicServiceUnits...), morePublicServiceUnits...),
				na: []naSpec{{criterion: "3.2.2", reason: "Đơn vị không thực hiện thủ tục hành chính.",
					units: []string{"SN-KTDT", "SN-HNM", "SN-VNC", "SN-TV", "SN-CHEO"}}}},
		}
	case National:
		g.ds.Period = index.Period{ID: 1, Year: 2025, Round: index.FullYear, Name: "Năm 2025",
			Rule: index.RuleAssigned, Threshold: index.DefaultThreshold}
		const n = 3321
		communes := make([]unitSpec, n)
		for i := range communes {
			p := i * len(provinces) / n
			first := (p*n + len(provinces) - 1) / len(provinces) // first commune of province p
			j := i - first
			kind := "xã"
			if j%4 == 0 {
				kind = "phường"
			}
			communes[i] = unitSpec{code: fmt.Sprintf("XP-%04d", i+1),
				name: "UBND " + kind + " " + placeName(j*7+p*13) + " (" + provinces[p] + ")"}
		}
		blocks = []blockSpec{
			{block: index.Block{Code: "XP", Name: "UBND xã, phường, đặc khu", Framework: fwCommunes},
				units: communes,
				na:    []naSpec{{criterion: "6.4", reason: "Xã, phường không được giao kế hoạch vốn đầu tư công.", every: 100}}},
		}
	default:
		return nil, fmt.Errorf("demo: unknown scale %q (hanoi, city or national)", scale)
	}
	if err := g.run(blocks); err != nil {
		return nil, err
	}
	return g.ds, nil
}

// scaleSalt is the second word of the random source's seed, so that the
// scales draw different numbers for the same seed.
func scaleSalt(s Scale) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 0x100000001b3
	}
	return h
}

// generator holds the state of one Generate call.
type generator struct {
	rng          *rand.Rand
	ds           *Dataset
	full         bool // rounds 2, cross-checks, decisions, explanations and a tie
	maxDecisions int
}

func (g *generator) run(blocks []blockSpec) error {
	ds := g.ds
	for _, m := range councilMembers {
		ds.Members = append(ds.Members, index.CouncilMember{ID: m.id, Name: m.name, Role: index.Role(m.role), Organisation: m.org})
	}
	nUnits := 0
	for _, b := range blocks {
		nUnits += len(b.units)
		if ds.Framework(b.block.Framework) == nil {
			f, err := LoadSample(b.block.Framework)
			if err != nil {
				return err
			}
			ds.Frameworks = append(ds.Frameworks, f)
		}
	}
	// Pre-size the big slices (leaves of the largest framework per unit).
	maxLeaves := 0
	for _, f := range ds.Frameworks {
		maxLeaves = max(maxLeaves, len(f.Leaves()))
	}
	ds.Units = make([]index.Unit, 0, nUnits)
	ds.Self = make([]index.SelfScore, 0, nUnits*maxLeaves)
	ds.Appraisals = make([]index.AppraisalScore, 0, nUnits*maxLeaves*11/10)
	ds.Survey = make([]index.SurveyScore, 0, nUnits*maxLeaves/3)

	for _, b := range blocks {
		ds.Blocks = append(ds.Blocks, b.block)
		fw := ds.Framework(b.block.Framework)
		for _, fm := range fieldMember {
			if fw.Find(fm.field) != nil {
				ds.Assignments = append(ds.Assignments, index.Assignment{Member: fm.member, Block: b.block.Code, Field: fm.field})
			}
		}
		lp := g.plan(fw)
		for i, u := range b.units {
			ds.Units = append(ds.Units, index.Unit{Code: u.code, Name: u.name, Block: b.block.Code, Active: true})
			var na []string
			for _, n := range b.na {
				if n.every > 0 && (i+1)%n.every == 0 || contains(n.units, u.code) {
					ds.NotApplicable = append(ds.NotApplicable, index.NotApplicable{Unit: u.code, Criterion: n.criterion, Reason: n.reason})
					na = append(na, fw.LeavesUnder(n.criterion)...)
				}
			}
			g.unit(fw, lp, u, na)
		}
	}
	ds.Settings = g.settings(blocks)
	if !g.full {
		return nil
	}
	if err := g.decide(); err != nil {
		return err
	}
	if g.ds.Scale == Hanoi {
		return g.tie()
	}
	return nil
}

// leafPlan is what the generator needs about each leaf of a framework.
type leafPlan struct {
	leaf     *index.Criterion
	steps    int    // max ÷ step
	assigned string // member assigned to the leaf's field
	cross    string // member who may give a second opinion, or ""
	evidence string // evidence note (used as is when !full)
	kind     string // abbreviation of the evidence document's kind
	kindName string
}

func (g *generator) plan(fw *index.Framework) []leafPlan {
	leaves := fw.Leaves()
	out := make([]leafPlan, len(leaves))
	for i, l := range leaves {
		field := fw.FieldOf(l.Code).Code
		p := leafPlan{leaf: l, steps: int(l.Max / fw.Step)}
		for _, fm := range fieldMember {
			if fm.field == field {
				p.assigned = fm.member
			}
		}
		for _, cc := range crossCheck {
			if cc.field == field {
				p.cross = cc.member
			}
		}
		switch t := strings.ToLower(l.Title); {
		case strings.Contains(t, "kế hoạch"):
			p.kind, p.kindName = "KH", "Kế hoạch"
		case strings.Contains(t, "quy chế"), strings.Contains(t, "quy định"), strings.Contains(t, "phê duyệt"):
			p.kind, p.kindName = "QĐ", "Quyết định"
		case strings.Contains(t, "tỷ lệ"):
			p.kind, p.kindName = "BC", "Báo cáo số liệu"
		default:
			p.kind, p.kindName = "BC", "Báo cáo"
		}
		p.evidence = "Tài liệu kiểm chứng: " + lowerFirst(p.kindName) +
			" của đơn vị về nội dung tiêu chí " + l.Code + ", đính kèm trên Hệ thống chấm điểm."
		out[i] = p
	}
	return out
}

// lowerFirst lowers the first letter of s unless s starts with an acronym
// such as "UBND".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// clampf limits x to lo..hi.
func clampf(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// unit generates the self-assessment, appraisals and survey points of a unit.
func (g *generator) unit(fw *index.Framework, plan []leafPlan, u unitSpec, na []string) {
	ds, rng := g.ds, g.rng
	q := u.quality
	if q == 0 {
		q = clampf(0.80+rng.NormFloat64()*0.06, 0.65, 0.97)
	}
	surveyBase := clampf(0.88+(q-0.80)/2+rng.NormFloat64()*0.03, 0.60, 0.99)
	step := fw.Step
	abbr := docAbbr(u.code)
	for i := range plan {
		p := &plan[i]
		l := p.leaf
		if contains(na, l.Code) {
			continue
		}
		switch l.Method {
		case index.Survey:
			// Answers A/B/C/D count 100/60/20/0 % of the leaf's points.
			a := clampf(surveyBase+rng.NormFloat64()*0.05, 0.30, 1)
			rest := 1 - a
			pct := index.Percent(math.Round((a + rest*0.6*0.6 + rest*0.3*0.2) * 10000))
			ds.Survey = append(ds.Survey, index.SurveyScore{Unit: u.code, Criterion: l.Code, Points: index.ShareOf(l.Max, pct)})
			continue
		case index.Appraisal:
			g.appraisalLeaf(p, u.code, abbr, q, step)
		case index.Bonus, index.Penalty:
			g.bonusPenaltyLeaf(p, u.code, abbr, step)
		}
	}
}

// appraisalLeaf scores an appraisal leaf: the unit's optimistic self-score,
// the assigned member's round 1, the unit's explanation and round 2, and
// sometimes a second member's opinion, now and then far from the first.
func (g *generator) appraisalLeaf(p *leafPlan, unit, abbr string, q float64, step index.Points) {
	ds, rng := g.ds, g.rng
	n := p.steps
	a1 := min(n, max(0, int(math.Round(clampf(q+rng.NormFloat64()*0.13, 0, 1)*float64(n)))))
	s := a1
	switch r := rng.Float64(); {
	case r < 0.30:
		s = min(n, a1+1+rng.IntN(2))
	case r < 0.40:
		s = n
	}
	self := index.SelfScore{Unit: unit, Criterion: p.leaf.Code, Points: index.Points(s) * step}
	if p.leaf.EvidenceRequired {
		self.Evidence = g.evidence(p, abbr)
	}
	explained := g.full && s > a1 && rng.Float64() < 0.45
	if explained {
		self.Explanation = explanations[rng.IntN(len(explanations))]
	}
	ds.Self = append(ds.Self, self)

	r1 := index.AppraisalScore{Member: p.assigned, Unit: unit, Criterion: p.leaf.Code, Round: 1, Points: index.Points(a1) * step}
	if a1 < s {
		r1.Reason = deductReasons[rng.IntN(len(deductReasons))]
	}
	ds.Appraisals = append(ds.Appraisals, r1)
	final := a1
	if explained {
		r2 := index.AppraisalScore{Member: p.assigned, Unit: unit, Criterion: p.leaf.Code, Round: 2}
		switch r := rng.Float64(); {
		case r < 0.5:
			final, r2.Reason = s, reasonAccepted
		case r < 0.8:
			final, r2.Reason = a1+(s-a1+1)/2, reasonPartly
		default:
			r2.Reason = reasonKept
		}
		r2.Points = index.Points(final) * step
		ds.Appraisals = append(ds.Appraisals, r2)
	}
	if !g.full || p.cross == "" || rng.Float64() >= 0.12 {
		return
	}
	second := final
	if rng.Float64() < 0.15 {
		// A disagreement beyond 25 % of the leaf's max: 4·d > n.
		d := n/4 + 1
		switch {
		case final-d >= 0:
			second = final - d
		case final+d <= n:
			second = final + d
		}
	} else if n >= 4 && final > 0 && rng.IntN(2) == 0 {
		second = final - 1 // within the threshold
	}
	ds.Appraisals = append(ds.Appraisals, index.AppraisalScore{Member: p.cross, Unit: unit, Criterion: p.leaf.Code,
		Round: 1, Points: index.Points(second) * step, Reason: reasonCross})
}

// bonusPenaltyLeaf scores a bonus or penalty leaf: most units get nothing;
// units claim bonuses generously and report penalties sparingly.
func (g *generator) bonusPenaltyLeaf(p *leafPlan, unit, abbr string, step index.Points) {
	ds, rng := g.ds, g.rng
	n := p.steps
	v, s := 0, 0
	if p.leaf.Method == index.Bonus {
		if rng.Float64() < 0.2 {
			v = 1 + rng.IntN(n)
		}
		s = v
		if rng.Float64() < 0.15 {
			s = min(n, v+1+rng.IntN(2))
		}
	} else {
		if rng.Float64() < 0.12 {
			v = 1 + rng.IntN(min(n, 4))
		}
		if rng.Float64() < 0.6 {
			s = v
		}
	}
	self := index.SelfScore{Unit: unit, Criterion: p.leaf.Code, Points: index.Points(s) * step}
	if s > 0 && p.leaf.EvidenceRequired {
		self.Evidence = g.evidence(p, abbr)
	}
	ds.Self = append(ds.Self, self)
	a := index.AppraisalScore{Member: p.assigned, Unit: unit, Criterion: p.leaf.Code, Round: 1, Points: index.Points(v) * step}
	switch {
	case p.leaf.Method == index.Bonus && s > v:
		a.Reason = "Chưa có văn bản công nhận của cấp có thẩm quyền cho phần điểm thưởng đơn vị đề nghị."
	case p.leaf.Method == index.Penalty && v > s:
		a.Reason = "Trừ điểm theo văn bản của UBND Thành phố; đơn vị chưa tự trừ điểm."
	}
	ds.Appraisals = append(ds.Appraisals, a)
}

// evidence is the evidence note of a leaf: a numbered document of the unit
// at full detail, or a shared note otherwise (fast at the national scale).
func (g *generator) evidence(p *leafPlan, abbr string) string {
	if !g.full {
		return p.evidence
	}
	year := g.ds.Period.Year
	return fmt.Sprintf("%s số %d/%s-%s ngày %02d/%02d/%d", p.kindName, 5+g.rng.IntN(400), p.kind, abbr,
		1+g.rng.IntN(28), 1+g.rng.IntN(12), year)
}

// docAbbr is the symbol a unit puts in its document numbers.
func docAbbr(code string) string {
	prefix, rest, _ := strings.Cut(code, "-")
	switch prefix {
	case "SO":
		return "S" + rest
	case "QH", "XP":
		return "UBND"
	}
	return rest
}

// decide records council decisions on some of the leaves where members
// disagree beyond the period's threshold.
func (g *generator) decide() error {
	res, err := index.Compute(g.ds.Snapshot())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	voting := index.VotingMembers(g.ds.Members)
	for i, d := range res.Discrepancies {
		if len(g.ds.Decisions) >= g.maxDecisions {
			break
		}
		if i%3 != 0 {
			continue
		}
		fw := g.ds.Framework(blockFramework(g.ds.Blocks, d.Block))
		lo, hi := d.Scores[0].Points, d.Scores[0].Points
		for _, s := range d.Scores[1:] {
			lo, hi = min(lo, s.Points), max(hi, s.Points)
		}
		pts := (lo + hi) / 2 / fw.Step * fw.Step
		dec := index.Decision{Unit: d.Unit, Criterion: d.Criterion, Points: pts, Reason: reasonDecision,
			VotesFor: voting/2 + 1 + g.rng.IntN(voting-voting/2)}
		if err := index.CheckDecision(dec, voting); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		g.ds.Decisions = append(g.ds.Decisions, dec)
	}
	return nil
}

func blockFramework(blocks []index.Block, code string) string {
	for _, b := range blocks {
		if b.Code == code {
			return b.Framework
		}
	}
	return ""
}

// tie moves the survey points of two units so that their totals, and hence
// their indexes on a 100-point scale, are exactly equal: ranks 1, 1, 3.
func (g *generator) tie() error {
	res, err := index.Compute(g.ds.Snapshot())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ua, ub := res.Unit(tieUnitA), res.Unit(tieUnitB)
	if ua == nil || ub == nil || ua.Max != 10000 || ub.Max != 10000 {
		return fmt.Errorf("demo: cannot arrange the tie between %s and %s", tieUnitA, tieUnitB)
	}
	// 95.70 as Hanoi published for 2023 if the survey points allow it,
	// else the higher or the lower of the two totals.
	target := index.Points(-1)
	for _, t := range []index.Points{tieTarget, max(ua.Total, ub.Total), min(ua.Total, ub.Total)} {
		if g.canShift(tieUnitA, t-ua.Total) && g.canShift(tieUnitB, t-ub.Total) {
			target = t
			break
		}
	}
	for _, u := range []*index.UnitResult{ua, ub} {
		if !g.shiftSurvey(u.Code, target-u.Total) {
			return fmt.Errorf("demo: cannot move %s to %s points", u.Code, target)
		}
	}
	res, err = index.Compute(g.ds.Snapshot())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if a, b := res.Unit(tieUnitA), res.Unit(tieUnitB); a.Index != b.Index {
		return fmt.Errorf("demo: tie failed: %s %s, %s %s", a.Code, a.Index, b.Code, b.Index)
	}
	return nil
}

// canShift reports whether the unit's survey points can move by delta.
func (g *generator) canShift(unit string, delta index.Points) bool {
	fw := g.ds.Framework(blockFramework(g.ds.Blocks, tieBlock))
	var room index.Points
	for _, s := range g.ds.Survey {
		if s.Unit != unit {
			continue
		}
		if delta > 0 {
			room += fw.Find(s.Criterion).Max - s.Points
		} else {
			room += s.Points
		}
	}
	return room >= max(delta, -delta)
}

// shiftSurvey moves the unit's survey points by delta, leaf by leaf, staying
// within 0..max.
func (g *generator) shiftSurvey(unit string, delta index.Points) bool {
	fw := g.ds.Framework(blockFramework(g.ds.Blocks, tieBlock))
	for i := range g.ds.Survey {
		s := &g.ds.Survey[i]
		if s.Unit != unit || delta == 0 {
			continue
		}
		mx := fw.Find(s.Criterion).Max
		next := min(mx, max(0, s.Points+delta))
		delta -= next - s.Points
		s.Points = next
	}
	return delta == 0
}

// settings returns the report header of the council for the scale.
func (g *generator) settings(blocks []blockSpec) map[string]string {
	year := g.ds.Period.Year
	var names []string
	for _, b := range blocks {
		names = append(names, lowerFirst(b.block.Name))
	}
	recipients := []string{
		"- UBND Thành phố (để báo cáo);",
		"- Các thành viên Hội đồng;",
		"- Các sở, cơ quan tương đương sở;",
		"- UBND các quận, huyện, thị xã;",
		"- Các cơ quan Trung ương đóng trên địa bàn;",
		"- Các đơn vị sự nghiệp công lập thuộc UBND Thành phố;",
		"- Lưu: VT, HĐTĐ.",
	}
	switch g.ds.Scale {
	case City:
		recipients = []string{
			"- UBND Thành phố (để báo cáo);",
			"- Các thành viên Hội đồng;",
			"- Các sở, cơ quan tương đương sở;",
			"- UBND các xã, phường;",
			"- Các đơn vị sự nghiệp công lập thuộc UBND Thành phố;",
			"- Lưu: VT, HĐTĐ.",
		}
	case National:
		recipients = []string{
			"- UBND Thành phố (để báo cáo);",
			"- Các thành viên Hội đồng;",
			"- UBND các xã, phường, đặc khu;",
			"- Lưu: VT, HĐTĐ.",
		}
	}
	return map[string]string{
		SettingIssuingBody:     "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC",
		SettingParentBody:      "UBND THÀNH PHỐ HÀ NỘI",
		SettingNumber:          "05/BC-HĐTĐ",
		SettingPlace:           "Hà Nội",
		SettingDate:            fmt.Sprintf("%d-02-05", year+1),
		SettingSummary:         fmt.Sprintf("Kết quả thẩm định, xác định Chỉ số cải cách hành chính năm %d", year),
		SettingSignerAuthority: "TM. HỘI ĐỒNG",
		SettingSignerTitle:     "CHỦ TỊCH",
		SettingSignerName:      councilMembers[0].name,
		SettingRecipients:      strings.Join(recipients, "\n"),
		SettingOpening: fmt.Sprintf("Thực hiện Kế hoạch của UBND Thành phố về xác định Chỉ số cải cách hành chính năm %d "+
			"của %s, Hội đồng thẩm định, đánh giá, chấm điểm đã tổ chức thẩm định kết quả tự đánh giá, "+
			"xem xét giải trình của các cơ quan, đơn vị và thống nhất kết quả như sau:", year, strings.Join(names, "; ")),
	}
}
