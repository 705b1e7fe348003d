package index

import (
	"fmt"
	"sort"
)

// Source says where a leaf's final score came from.
type Source string

// Sources of a leaf's final score.
const (
	FromNone     Source = ""         // not scored yet: counts as zero
	FromAssigned Source = "assigned" // the assigned member's score
	FromMean     Source = "mean"
	FromMedian   Source = "median"
	FromDecision Source = "decision" // a council decision
	FromSurvey   Source = "survey"
)

// LeafResult is the final score of one leaf for one unit.
type LeafResult struct {
	Code    string `json:"code"`
	Method  Method `json:"method"`
	Max     Points `json:"max"`
	Final   Points `json:"final"`
	Source  Source `json:"source,omitempty"`
	NA      bool   `json:"na,omitempty"` // not applicable: out of points and max
	Self    Points `json:"self"`
	HasSelf bool   `json:"has_self,omitempty"`
}

// Scored reports whether the leaf has a final score (or needs none).
func (l LeafResult) Scored() bool { return l.NA || l.Source != FromNone }

// FieldResult is a component (field) index of a unit.
type FieldResult struct {
	Code   string  `json:"code"`
	Title  string  `json:"title"`
	Points Points  `json:"points"`
	Max    Points  `json:"max"`
	Index  Percent `json:"index"`
}

// UnitResult is the computed index of one unit.
type UnitResult struct {
	Code           string        `json:"code"`
	Name           string        `json:"name"`
	Block          string        `json:"block"`
	Appraisal      Points        `json:"appraisal"`
	Survey         Points        `json:"survey"`
	Bonus          Points        `json:"bonus"`   // after the cap
	Penalty        Points        `json:"penalty"` // after the cap, as a positive number
	Total          Points        `json:"total"`
	Max            Points        `json:"max"` // applicable max
	AppraisalMax   Points        `json:"appraisal_max"`
	SurveyMax      Points        `json:"survey_max"`
	Index          Percent       `json:"index"`
	AppraisalIndex Percent       `json:"appraisal_index"`
	SurveyIndex    Percent       `json:"survey_index"`
	Rank           int           `json:"rank"`
	Band           string        `json:"band"`
	Fields         []FieldResult `json:"fields"`
	Leaves         []LeafResult  `json:"-"`
	Scored         int           `json:"scored"` // leaves with a final score or not applicable
	ToScore        int           `json:"leaves"` // all leaves of the framework
	BonusRaw       Points        `json:"-"`      // before the cap
	PenaltyRaw     Points        `json:"-"`      // before the cap
}

// BandCount is how many units of a block fall in a band.
type BandCount struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// BlockResult holds a block's statistics over its units' rounded indexes.
type BlockResult struct {
	Code      string      `json:"code"`
	Name      string      `json:"name"`
	Framework string      `json:"framework"`
	Count     int         `json:"count"`
	Mean      Percent     `json:"mean"`
	Median    Percent     `json:"median"`
	Min       Percent     `json:"min"`
	Max       Percent     `json:"max"`
	Bands     []BandCount `json:"bands"`
}

// MemberPoints is one member's effective score on a leaf (round 2 if any, else round 1).
type MemberPoints struct {
	Member string `json:"member"`
	Round  int    `json:"round"`
	Points Points `json:"points"`
}

// Discrepancy is a leaf where members' scores differ by more than the
// period's threshold share of the leaf's max.
type Discrepancy struct {
	Unit      string         `json:"unit"`
	Block     string         `json:"block"`
	Criterion string         `json:"criterion"`
	Max       Points         `json:"max"`
	Scores    []MemberPoints `json:"scores"`
	Spread    Points         `json:"spread"`
	Decided   bool           `json:"decided"`
}

// Result is the outcome of Compute for one period.
type Result struct {
	Period        Period        `json:"period"`
	Units         []UnitResult  `json:"units"` // by block, then rank, then code
	Blocks        []BlockResult `json:"blocks"`
	Discrepancies []Discrepancy `json:"discrepancies"`

	byCode map[string]int
}

// Unit returns the result of the unit with the given code, or nil.
func (r *Result) Unit(code string) *UnitResult {
	if r.byCode == nil {
		r.byCode = make(map[string]int, len(r.Units))
		for i, u := range r.Units {
			r.byCode[u.Code] = i
		}
	}
	i, ok := r.byCode[code]
	if !ok {
		return nil
	}
	return &r.Units[i]
}

// Block returns the statistics of the block with the given code, or nil.
func (r *Result) Block(code string) *BlockResult {
	for i := range r.Blocks {
		if r.Blocks[i].Code == code {
			return &r.Blocks[i]
		}
	}
	return nil
}

// slot is the working state of one unit × leaf.
type slot struct {
	scores   []MemberPoints
	decision *Decision
	survey   Points
	hasSurv  bool
	self     Points
	hasSelf  bool
	na       bool
}

type blockPlan struct {
	block    Block
	fw       *Framework
	leafIdx  map[string]int
	assigned [][]string // per leaf index: the members assigned to its field
	fields   []*Criterion
	leafFld  []int // per leaf index: its position in fields, or -1
}

type unitPlan struct {
	unit  Unit
	plan  *blockPlan
	slots []slot
}

// Compute turns a period's snapshot into its results. It refuses a snapshot
// that refers to unknown blocks, frameworks, units or criteria.
func Compute(s *Snapshot) (*Result, error) {
	rule := s.Period.Rule
	if rule == "" {
		rule = RuleAssigned
	}
	if !rule.Valid() {
		return nil, fmt.Errorf("compute: unknown consolidation rule %q", rule)
	}
	threshold := s.Period.Threshold
	if threshold == 0 {
		threshold = DefaultThreshold
	}

	plans := make(map[string]*blockPlan, len(s.Blocks))
	leafIdxByFw := map[*Framework]map[string]int{}
	for _, b := range s.Blocks {
		fw, ok := s.Frameworks[b.Framework]
		if !ok || fw == nil {
			return nil, fmt.Errorf("compute: block %s uses unknown framework %q", b.Code, b.Framework)
		}
		idx, ok := leafIdxByFw[fw]
		if !ok {
			if fw.byCode == nil {
				return nil, fmt.Errorf("compute: framework %s was not validated", fw.Code)
			}
			idx = make(map[string]int, len(fw.leaves))
			for i, l := range fw.leaves {
				idx[l.Code] = i
			}
			leafIdxByFw[fw] = idx
		}
		p := &blockPlan{block: b, fw: fw, leafIdx: idx, assigned: make([][]string, len(fw.leaves)),
			fields: fw.ScoredFields(), leafFld: make([]int, len(fw.leaves))}
		for i, l := range fw.leaves {
			p.leafFld[i] = -1
			for k, fc := range p.fields {
				if fw.field[l.Code] == fc {
					p.leafFld[i] = k
				}
			}
		}
		plans[b.Code] = p
	}
	for _, a := range s.Assignments {
		p, ok := plans[a.Block]
		if !ok {
			continue // an assignment to a block not in this period changes nothing
		}
		for i, l := range p.fw.leaves {
			if p.fw.field[l.Code].Code == a.Field {
				p.assigned[i] = append(p.assigned[i], a.Member)
			}
		}
	}

	units := make(map[string]*unitPlan, len(s.Units))
	order := make([]*unitPlan, 0, len(s.Units))
	for _, u := range s.Units {
		if !u.Active {
			continue
		}
		p, ok := plans[u.Block]
		if !ok {
			return nil, fmt.Errorf("compute: unit %s is in unknown block %q", u.Code, u.Block)
		}
		if _, dup := units[u.Code]; dup {
			return nil, fmt.Errorf("compute: unit %s appears twice", u.Code)
		}
		up := &unitPlan{unit: u, plan: p, slots: make([]slot, len(p.fw.leaves))}
		units[u.Code] = up
		order = append(order, up)
	}
	find := func(unit, crit, what string) (*slot, *unitPlan, error) {
		up, ok := units[unit]
		if !ok {
			return nil, nil, fmt.Errorf("compute: %s for unknown or inactive unit %q", what, unit)
		}
		i, ok := up.plan.leafIdx[crit]
		if !ok {
			return nil, nil, fmt.Errorf("compute: %s for unit %s: %q is not a leaf of framework %s",
				what, unit, crit, up.plan.fw.Code)
		}
		return &up.slots[i], up, nil
	}

	for _, sc := range s.Self {
		sl, _, err := find(sc.Unit, sc.Criterion, "self-assessment")
		if err != nil {
			return nil, err
		}
		sl.self, sl.hasSelf = sc.Points, true
	}
	for _, a := range s.Appraisals {
		sl, _, err := find(a.Unit, a.Criterion, "appraisal")
		if err != nil {
			return nil, err
		}
		if a.Round != 1 && a.Round != 2 {
			return nil, fmt.Errorf("compute: appraisal of %s/%s by %s: round %d is not 1 or 2", a.Unit, a.Criterion, a.Member, a.Round)
		}
		replaced := false
		for i := range sl.scores {
			if sl.scores[i].Member == a.Member {
				if a.Round >= sl.scores[i].Round { // round 2 replaces round 1
					sl.scores[i] = MemberPoints{Member: a.Member, Round: a.Round, Points: a.Points}
				}
				replaced = true
				break
			}
		}
		if !replaced {
			sl.scores = append(sl.scores, MemberPoints{Member: a.Member, Round: a.Round, Points: a.Points})
		}
	}
	for i := range s.Decisions {
		d := &s.Decisions[i]
		sl, _, err := find(d.Unit, d.Criterion, "decision")
		if err != nil {
			return nil, err
		}
		sl.decision = d
	}
	for _, sv := range s.Survey {
		sl, up, err := find(sv.Unit, sv.Criterion, "survey points")
		if err != nil {
			return nil, err
		}
		if m := up.plan.fw.leaves[up.plan.leafIdx[sv.Criterion]].Method; m != Survey {
			return nil, fmt.Errorf("compute: survey points for unit %s: %s is an %s leaf", sv.Unit, sv.Criterion, m)
		}
		sl.survey, sl.hasSurv = sv.Points, true
	}
	for _, na := range s.NotApplicable {
		up, ok := units[na.Unit]
		if !ok {
			return nil, fmt.Errorf("compute: not-applicable mark for unknown or inactive unit %q", na.Unit)
		}
		leaves := up.plan.fw.LeavesUnder(na.Criterion)
		if len(leaves) == 0 {
			return nil, fmt.Errorf("compute: not-applicable mark for unit %s: no criterion %q", na.Unit, na.Criterion)
		}
		for _, code := range leaves {
			up.slots[up.plan.leafIdx[code]].na = true
		}
	}

	res := &Result{Period: s.Period, Units: make([]UnitResult, 0, len(order))}
	for _, up := range order {
		ur, disc := computeUnit(up, rule, threshold)
		res.Units = append(res.Units, ur)
		res.Discrepancies = append(res.Discrepancies, disc...)
	}
	rankAndSummarise(res, s.Blocks, plans)
	return res, nil
}

func computeUnit(up *unitPlan, rule Rule, threshold Percent) (UnitResult, []Discrepancy) {
	fw := up.plan.fw
	ur := UnitResult{
		Code: up.unit.Code, Name: up.unit.Name, Block: up.unit.Block,
		Leaves:  make([]LeafResult, len(fw.leaves)),
		ToScore: len(fw.leaves),
	}
	var disc []Discrepancy
	for i, leaf := range fw.leaves {
		sl := &up.slots[i]
		lr := LeafResult{Code: leaf.Code, Method: leaf.Method, Max: leaf.Max, NA: sl.na, Self: sl.self, HasSelf: sl.hasSelf}
		if leaf.Method == Survey {
			if sl.hasSurv {
				lr.Final, lr.Source = sl.survey, FromSurvey
			}
		} else {
			lr.Final, lr.Source = consolidate(sl.scores, up.plan.assigned[i], rule)
			if sl.decision != nil {
				lr.Final, lr.Source = sl.decision.Points, FromDecision
			}
			if d, ok := discrepancy(sl.scores, leaf.Max, threshold); ok && !sl.na {
				d.Unit, d.Block, d.Criterion, d.Decided = ur.Code, ur.Block, leaf.Code, sl.decision != nil
				disc = append(disc, d)
			}
		}
		if lr.Scored() {
			ur.Scored++
		}
		ur.Leaves[i] = lr
		if lr.NA {
			continue
		}
		switch leaf.Method {
		case Appraisal:
			ur.Appraisal += lr.Final
			ur.AppraisalMax += leaf.Max
		case Survey:
			ur.Survey += lr.Final
			ur.SurveyMax += leaf.Max
		case Bonus:
			ur.BonusRaw += lr.Final
		case Penalty:
			ur.PenaltyRaw += lr.Final
		}
	}
	ur.Bonus = min(ur.BonusRaw, fw.BonusCap)
	ur.Penalty = min(ur.PenaltyRaw, fw.PenaltyCap)
	ur.Total = ur.Appraisal + ur.Survey + ur.Bonus - ur.Penalty
	ur.Max = ur.AppraisalMax + ur.SurveyMax
	ur.Index = PercentOf(ur.Total, ur.Max)
	ur.AppraisalIndex = PercentOf(ur.Appraisal, ur.AppraisalMax)
	ur.SurveyIndex = PercentOf(ur.Survey, ur.SurveyMax)
	ur.Band = fw.Classify(ur.Index)

	ur.Fields = make([]FieldResult, len(up.plan.fields))
	for k, field := range up.plan.fields {
		ur.Fields[k] = FieldResult{Code: field.Code, Title: field.Title}
	}
	for i, lr := range ur.Leaves {
		k := up.plan.leafFld[i]
		if k < 0 || lr.NA || (lr.Method != Appraisal && lr.Method != Survey) {
			continue
		}
		ur.Fields[k].Points += lr.Final
		ur.Fields[k].Max += lr.Max
	}
	for k := range ur.Fields {
		ur.Fields[k].Index = PercentOf(ur.Fields[k].Points, ur.Fields[k].Max)
	}
	return ur, disc
}

// consolidate draws a leaf's appraisal from members' effective scores.
func consolidate(scores []MemberPoints, assigned []string, rule Rule) (Points, Source) {
	if len(scores) == 0 {
		return 0, FromNone
	}
	if rule == RuleAssigned && len(assigned) > 0 {
		var picked []Points
		for _, sc := range scores {
			for _, m := range assigned {
				if sc.Member == m {
					picked = append(picked, sc.Points)
				}
			}
		}
		if len(picked) == 0 {
			return 0, FromNone // the assigned member has not scored it yet
		}
		if len(picked) == 1 {
			return picked[0], FromAssigned
		}
		return mean(picked), FromAssigned
	}
	pts := make([]Points, len(scores))
	for i, sc := range scores {
		pts[i] = sc.Points
	}
	if rule == RuleMedian {
		return median(pts), FromMedian
	}
	return mean(pts), FromMean
}

func mean(p []Points) Points {
	var sum int64
	for _, v := range p {
		sum += int64(v)
	}
	return Points(divRoundHalfUp(sum, int64(len(p))))
}

func median(p []Points) Points {
	s := append([]Points(nil), p...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return Points(divRoundHalfUp(int64(s[n/2-1])+int64(s[n/2]), 2))
}

func discrepancy(scores []MemberPoints, max Points, threshold Percent) (Discrepancy, bool) {
	if len(scores) < 2 {
		return Discrepancy{}, false
	}
	lo, hi := scores[0].Points, scores[0].Points
	for _, sc := range scores[1:] {
		lo, hi = min(lo, sc.Points), max2(hi, sc.Points)
	}
	spread := hi - lo
	// spread / max > threshold / 100 %, in integers.
	if int64(spread)*10000 <= int64(threshold)*int64(max) {
		return Discrepancy{}, false
	}
	cp := append([]MemberPoints(nil), scores...)
	sort.Slice(cp, func(i, j int) bool { return cp[i].Member < cp[j].Member })
	return Discrepancy{Max: max, Scores: cp, Spread: spread}, true
}

func max2(a, b Points) Points {
	if a > b {
		return a
	}
	return b
}

// rankAndSummarise orders units by block and rank, gives competition ranks
// (1, 2, 2, 4) on the rounded index, and fills the block statistics.
func rankAndSummarise(res *Result, blocks []Block, plans map[string]*blockPlan) {
	blockPos := make(map[string]int, len(blocks))
	for i, b := range blocks {
		blockPos[b.Code] = i
	}
	sort.SliceStable(res.Units, func(i, j int) bool {
		a, b := &res.Units[i], &res.Units[j]
		if a.Block != b.Block {
			return blockPos[a.Block] < blockPos[b.Block]
		}
		if a.Index != b.Index {
			return a.Index > b.Index
		}
		return a.Code < b.Code
	})
	start := 0
	for start < len(res.Units) {
		end := start
		for end < len(res.Units) && res.Units[end].Block == res.Units[start].Block {
			end++
		}
		for i := start; i < end; i++ {
			if i > start && res.Units[i].Index == res.Units[i-1].Index {
				res.Units[i].Rank = res.Units[i-1].Rank
			} else {
				res.Units[i].Rank = i - start + 1
			}
		}
		start = end
	}
	for _, b := range blocks {
		p := plans[b.Code]
		br := BlockResult{Code: b.Code, Name: b.Name, Framework: b.Framework}
		for _, band := range p.fw.Bands {
			br.Bands = append(br.Bands, BandCount{Label: band.Label})
		}
		var idx []Percent
		for i := range res.Units {
			u := &res.Units[i]
			if u.Block != b.Code {
				continue
			}
			idx = append(idx, u.Index)
			for k := range br.Bands {
				if br.Bands[k].Label == u.Band {
					br.Bands[k].Count++
				}
			}
		}
		br.Count = len(idx)
		if br.Count > 0 {
			var sum int64
			for _, v := range idx {
				sum += int64(v)
			}
			br.Mean = Percent(divRoundHalfUp(sum, int64(len(idx))))
			// idx is in rank order: highest first.
			br.Max, br.Min = idx[0], idx[len(idx)-1]
			n := len(idx)
			if n%2 == 1 {
				br.Median = idx[n/2]
			} else {
				br.Median = Percent(divRoundHalfUp(int64(idx[n/2-1])+int64(idx[n/2]), 2))
			}
		}
		res.Blocks = append(res.Blocks, br)
	}
}
