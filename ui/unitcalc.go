package ui

import (
	"errors"
	"strings"

	"parindex/index"
)

// unitCalc holds one unit's part of the period snapshot, so that a typed
// score recomputes that unit only (index.Compute over one unit and its
// ~100 leaves takes microseconds) instead of the whole period.
type unitCalc struct {
	snap index.Snapshot
	appr map[apprKey]int            // position in snap.Appraisals
	self map[string]index.SelfScore // by leaf code
	dec  map[string]index.Decision  // by leaf code
}

type apprKey struct {
	member, crit string
	round        int
}

// newUnitCalc copies the unit's rows out of the period's snapshot.
func newUnitCalc(full *index.Snapshot, unit index.Unit) *unitCalc {
	c := &unitCalc{appr: map[apprKey]int{}, self: map[string]index.SelfScore{}, dec: map[string]index.Decision{}}
	s := &c.snap
	s.Period = full.Period
	s.Members = full.Members
	for _, b := range full.Blocks {
		if b.Code == unit.Block {
			s.Blocks = []index.Block{b}
			s.Frameworks = map[string]*index.Framework{b.Framework: full.Frameworks[b.Framework]}
		}
	}
	s.Units = []index.Unit{unit}
	for _, a := range full.Assignments {
		if a.Block == unit.Block {
			s.Assignments = append(s.Assignments, a)
		}
	}
	for _, x := range full.Self {
		if x.Unit == unit.Code {
			s.Self = append(s.Self, x)
			c.self[x.Criterion] = x
		}
	}
	for _, x := range full.Appraisals {
		if x.Unit == unit.Code {
			c.appr[apprKey{x.Member, x.Criterion, x.Round}] = len(s.Appraisals)
			s.Appraisals = append(s.Appraisals, x)
		}
	}
	for _, x := range full.Decisions {
		if x.Unit == unit.Code {
			s.Decisions = append(s.Decisions, x)
			c.dec[x.Criterion] = x
		}
	}
	for _, x := range full.Survey {
		if x.Unit == unit.Code {
			s.Survey = append(s.Survey, x)
		}
	}
	for _, x := range full.NotApplicable {
		if x.Unit == unit.Code {
			s.NotApplicable = append(s.NotApplicable, x)
		}
	}
	return c
}

// result computes the unit.
func (c *unitCalc) result() (*index.UnitResult, error) {
	res, err := index.Compute(&c.snap)
	if err != nil {
		return nil, err
	}
	if len(res.Units) != 1 {
		return nil, errors.New("compute: the unit is not active")
	}
	return &res.Units[0], nil
}

// appraisal returns a member's score on a leaf in a round.
func (c *unitCalc) appraisal(member, crit string, round int) (index.AppraisalScore, bool) {
	i, ok := c.appr[apprKey{member, crit, round}]
	if !ok {
		return index.AppraisalScore{}, false
	}
	return c.snap.Appraisals[i], true
}

// setAppraisal adds or replaces a member's score and returns how to undo it.
func (c *unitCalc) setAppraisal(a index.AppraisalScore) (undo func()) {
	k := apprKey{a.Member, a.Criterion, a.Round}
	if i, ok := c.appr[k]; ok {
		old := c.snap.Appraisals[i]
		c.snap.Appraisals[i] = a
		return func() { c.snap.Appraisals[i] = old }
	}
	c.appr[k] = len(c.snap.Appraisals)
	c.snap.Appraisals = append(c.snap.Appraisals, a)
	return func() {
		delete(c.appr, k)
		c.snap.Appraisals = c.snap.Appraisals[:len(c.snap.Appraisals)-1]
	}
}

// preview computes the unit as if a were saved, leaving nothing changed.
func (c *unitCalc) preview(a index.AppraisalScore) (*index.UnitResult, error) {
	undo := c.setAppraisal(a)
	defer undo()
	return c.result()
}

// naMark returns the not-applicable mark that covers a leaf (on the leaf
// itself or on a node above it).
func (c *unitCalc) naMark(leaf string) (index.NotApplicable, bool) {
	for _, na := range c.snap.NotApplicable {
		if na.Criterion == leaf || strings.HasPrefix(leaf, na.Criterion+".") {
			return na, true
		}
	}
	return index.NotApplicable{}, false
}

// setNA adds or removes a not-applicable mark.
func (c *unitCalc) setNA(na index.NotApplicable, on bool) {
	out := c.snap.NotApplicable[:0:0]
	for _, x := range c.snap.NotApplicable {
		if x.Criterion != na.Criterion {
			out = append(out, x)
		}
	}
	if on {
		out = append(out, na)
	}
	c.snap.NotApplicable = out
}

// setDecision records a council decision on a leaf.
func (c *unitCalc) setDecision(d index.Decision) {
	out := c.snap.Decisions[:0:0]
	for _, x := range c.snap.Decisions {
		if x.Criterion != d.Criterion {
			out = append(out, x)
		}
	}
	c.snap.Decisions = append(out, d)
	c.dec[d.Criterion] = d
}
