package index

import (
	"fmt"
	"sort"
	"strings"
)

// Method says how a leaf criterion gets its points.
type Method string

// The four methods of a leaf criterion.
const (
	Appraisal Method = "appraisal" // scored by the council (thẩm định)
	Survey    Method = "survey"    // from the sociological survey (điều tra xã hội học)
	Bonus     Method = "bonus"     // bonus points (điểm thưởng), capped
	Penalty   Method = "penalty"   // penalty points (điểm trừ), entered positive, capped
)

// Valid reports whether m is one of the four methods.
func (m Method) Valid() bool {
	switch m {
	case Appraisal, Survey, Bonus, Penalty:
		return true
	}
	return false
}

// Criterion is a node of a framework: a field (lĩnh vực), a criterion (tiêu chí)
// or a sub-criterion (tiêu chí thành phần). A node without children is a leaf.
type Criterion struct {
	Code             string       `json:"code"`
	Title            string       `json:"title"`
	Max              Points       `json:"max"`
	Method           Method       `json:"method,omitempty"` // leaves only; parents derive it
	Guide            string       `json:"guide,omitempty"`  // scoring guide (cách chấm)
	EvidenceRequired bool         `json:"evidence_required,omitempty"`
	Children         []*Criterion `json:"children,omitempty"`
}

// IsLeaf reports whether the criterion has no children.
func (c *Criterion) IsLeaf() bool { return len(c.Children) == 0 }

// Band is a classification band: a unit whose index is at least Min gets Label.
type Band struct {
	Label string  `json:"label"`
	Min   Percent `json:"min"`
}

// Framework is a versioned criteria set (bộ chỉ số) used by one or more blocks.
type Framework struct {
	Code         string       `json:"code"` // e.g. "so-nganh-2024"
	Version      int          `json:"version"`
	Name         string       `json:"name"`
	Year         int          `json:"year"`
	Sample       bool         `json:"sample"` // true for the shipped samples, which are not official texts
	AppraisalMax Points       `json:"appraisal_max"`
	SurveyMax    Points       `json:"survey_max"`
	Total        Points       `json:"total"`
	BonusCap     Points       `json:"bonus_cap"`
	PenaltyCap   Points       `json:"penalty_cap"`
	Step         Points       `json:"step"`     // the finest score a member may enter, e.g. 0.25
	Rounding     string       `json:"rounding"` // only "half-up-2" is defined
	Bands        []Band       `json:"bands"`    // ordered by Min, highest first
	Fields       []*Criterion `json:"criteria"`

	leaves []*Criterion
	byCode map[string]*Criterion
	field  map[string]*Criterion // leaf code -> its field
}

// RoundingHalfUp2 is the only rounding rule: half-up to two decimals, once.
const RoundingHalfUp2 = "half-up-2"

// ValidationError lists everything wrong with a framework, one problem a line.
type ValidationError struct {
	Framework string
	Problems  []string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("framework %s: %s", e.Framework, strings.Join(e.Problems, "; "))
}

// Validate checks the framework and prepares its lookup tables. It must be
// called (and succeed) before the framework is used by Compute; loaders call it.
func (f *Framework) Validate() error {
	var probs []string
	add := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }
	name := f.Code
	if strings.TrimSpace(f.Code) == "" {
		add("framework code is empty")
		name = "(no code)"
	}
	if strings.TrimSpace(f.Name) == "" {
		add("framework name is empty")
	}
	if f.Version < 1 {
		add("version must be 1 or more, not %d", f.Version)
	}
	if f.Rounding == "" {
		f.Rounding = RoundingHalfUp2
	}
	if f.Rounding != RoundingHalfUp2 {
		add("rounding rule %q is unknown (only %q)", f.Rounding, RoundingHalfUp2)
	}
	if f.Step == 0 {
		f.Step = 1 // no step given: any hundredth of a point
	}
	if f.Step < 0 {
		add("step %s is negative", f.Step)
	}
	if f.BonusCap < 0 || f.PenaltyCap < 0 {
		add("bonus and penalty caps must not be negative")
	}
	if len(f.Fields) == 0 {
		add("no criteria")
	}
	f.leaves = nil
	f.byCode = map[string]*Criterion{}
	f.field = map[string]*Criterion{}
	sums := map[Method]Points{}
	var walk func(c *Criterion, parent *Criterion, field *Criterion)
	walk = func(c *Criterion, parent *Criterion, field *Criterion) {
		if c == nil {
			add("a criterion under %q is empty (null)", codeOf(parent))
			return
		}
		code := strings.TrimSpace(c.Code)
		if code == "" {
			add("a criterion under %q has an empty code", codeOf(parent))
			return
		}
		if _, dup := f.byCode[code]; dup {
			add("criterion %s: duplicate code", code)
		}
		f.byCode[code] = c
		if parent != nil && !strings.HasPrefix(code, parent.Code+".") {
			add("criterion %s: code does not start with its parent's code %s.", code, parent.Code)
		}
		if strings.TrimSpace(c.Title) == "" {
			add("criterion %s: title is empty", code)
		}
		if c.Max <= 0 {
			add("criterion %s: max %s must be more than zero", code, c.Max)
		}
		if field == nil {
			field = c
		}
		if c.IsLeaf() {
			if !c.Method.Valid() {
				add("criterion %s: method %q is not appraisal, survey, bonus or penalty", code, c.Method)
			}
			if c.Method != Survey && f.Step > 0 && c.Max%f.Step != 0 {
				add("criterion %s: max %s is not a multiple of the step %s", code, c.Max, f.Step)
			}
			sums[c.Method] += c.Max
			f.leaves = append(f.leaves, c)
			f.field[code] = field
			return
		}
		var sum Points
		for _, ch := range c.Children {
			sum += ch.Max
			walk(ch, c, field)
		}
		if sum != c.Max {
			add("criterion %s: children's max sum to %s, not %s", code, sum, c.Max)
		}
		if c.Method != "" && c.Method != c.derivedMethod() {
			add("criterion %s: method %q differs from its children's", code, c.Method)
		}
	}
	for _, c := range f.Fields {
		walk(c, nil, nil)
	}
	if sums[Appraisal] != f.AppraisalMax {
		add("appraisal leaves sum to %s, not the appraisal part %s", sums[Appraisal], f.AppraisalMax)
	}
	if sums[Survey] != f.SurveyMax {
		add("survey leaves sum to %s, not the survey part %s", sums[Survey], f.SurveyMax)
	}
	if f.AppraisalMax+f.SurveyMax != f.Total {
		add("parts %s + %s do not sum to the total %s", f.AppraisalMax, f.SurveyMax, f.Total)
	}
	if f.Total <= 0 {
		add("total %s must be more than zero", f.Total)
	}
	for i, b := range f.Bands {
		if strings.TrimSpace(b.Label) == "" {
			add("band %d has no label", i+1)
		}
		if b.Min < 0 || b.Min > 10000 {
			add("band %s: lower bound %s %% is outside 0..100", b.Label, b.Min)
		}
		if i > 0 && b.Min >= f.Bands[i-1].Min {
			add("bands are not ordered from the highest lower bound down: %s (%s %%) after %s (%s %%)",
				b.Label, b.Min, f.Bands[i-1].Label, f.Bands[i-1].Min)
		}
	}
	if len(probs) > 0 {
		return &ValidationError{Framework: name, Problems: probs}
	}
	return nil
}

func codeOf(c *Criterion) string {
	if c == nil {
		return "(top)"
	}
	return c.Code
}

// derivedMethod is the method shared by all leaves under c, or "" when mixed.
func (c *Criterion) derivedMethod() Method {
	if c.IsLeaf() {
		return c.Method
	}
	m := c.Children[0].derivedMethod()
	for _, ch := range c.Children[1:] {
		if ch.derivedMethod() != m {
			return ""
		}
	}
	return m
}

// Leaves returns the framework's leaves in tree order. Validate must have succeeded.
func (f *Framework) Leaves() []*Criterion { return f.leaves }

// Find returns the criterion with the given code, or nil.
func (f *Framework) Find(code string) *Criterion { return f.byCode[code] }

// FieldOf returns the field (top-level node) that holds the leaf code, or nil.
func (f *Framework) FieldOf(leafCode string) *Criterion { return f.field[leafCode] }

// ScoredFields returns the fields that hold appraisal or survey leaves (the
// components that get a component index), in order.
func (f *Framework) ScoredFields() []*Criterion {
	var out []*Criterion
	for _, c := range f.Fields {
		for _, l := range f.LeavesUnder(c.Code) {
			if m := f.byCode[l].Method; m == Appraisal || m == Survey {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// LeavesUnder returns the codes of the leaves at or under the node code.
func (f *Framework) LeavesUnder(code string) []string {
	var out []string
	for _, l := range f.leaves {
		if l.Code == code || strings.HasPrefix(l.Code, code+".") {
			out = append(out, l.Code)
		}
	}
	return out
}

// Classify returns the label of the first band whose lower bound the index
// reaches, or "" when it reaches none.
func (f *Framework) Classify(idx Percent) string {
	for _, b := range f.Bands {
		if idx >= b.Min {
			return b.Label
		}
	}
	return ""
}

// CheckScore validates a score typed for a leaf: not negative, not above the
// leaf's max, and (for appraisal, bonus and penalty leaves) a multiple of the
// framework's step. The error says why in plain words.
func (f *Framework) CheckScore(leaf *Criterion, p Points) error {
	if leaf == nil || !leaf.IsLeaf() {
		return fmt.Errorf("criterion is not a leaf")
	}
	if p < 0 {
		return &ScoreError{Code: leaf.Code, Kind: ScoreNegative, Value: p, Max: leaf.Max}
	}
	if p > leaf.Max {
		return &ScoreError{Code: leaf.Code, Kind: ScoreAboveMax, Value: p, Max: leaf.Max}
	}
	if leaf.Method != Survey && f.Step > 0 && p%f.Step != 0 {
		return &ScoreError{Code: leaf.Code, Kind: ScoreOffStep, Value: p, Max: leaf.Max, Step: f.Step}
	}
	return nil
}

// ScoreErrorKind names why a score was refused, so a screen can translate it.
type ScoreErrorKind string

// The reasons a score can be refused.
const (
	ScoreNegative ScoreErrorKind = "negative"
	ScoreAboveMax ScoreErrorKind = "above-max"
	ScoreOffStep  ScoreErrorKind = "off-step"
)

// ScoreError is a refused score.
type ScoreError struct {
	Code  string
	Kind  ScoreErrorKind
	Value Points
	Max   Points
	Step  Points
}

func (e *ScoreError) Error() string {
	switch e.Kind {
	case ScoreNegative:
		return fmt.Sprintf("criterion %s: %s is negative", e.Code, e.Value.Short())
	case ScoreAboveMax:
		return fmt.Sprintf("criterion %s: %s is above the max %s", e.Code, e.Value.Short(), e.Max.Short())
	default:
		return fmt.Sprintf("criterion %s: %s is not a multiple of the step %s", e.Code, e.Value.Short(), e.Step.Short())
	}
}

// SortBands orders bands from the highest lower bound down.
func SortBands(b []Band) {
	sort.SliceStable(b, func(i, j int) bool { return b[i].Min > b[j].Min })
}
