package demo

import (
	"fmt"

	"parindex/data"
)

// Install writes the dataset into a council file: its frameworks, a new period
// with the dataset's settings, and every block, unit, member, assignment and
// score in one batch (so one audited transaction). It returns the period's ID.
func (d *Dataset) Install(s *data.Store) (int64, error) {
	for _, f := range d.Frameworks {
		if err := s.SaveFramework(f); err != nil {
			return 0, fmt.Errorf("install demo: %w", err)
		}
	}
	id, err := s.CreatePeriod(d.Period)
	if err != nil {
		return 0, fmt.Errorf("install demo: %w", err)
	}
	if err := s.SetPeriodSettings(id, d.Settings); err != nil {
		return 0, fmt.Errorf("install demo: %w", err)
	}
	b := &data.Batch{
		Blocks: d.Blocks, Units: d.Units, Members: d.Members, Assignments: d.Assignments,
		Self: d.Self, Appraisals: d.Appraisals, Decisions: d.Decisions, Survey: d.Survey,
		NotApplicable: d.NotApplicable,
	}
	if _, err := s.Apply(id, b); err != nil {
		return 0, fmt.Errorf("install demo: %w", err)
	}
	return id, nil
}
