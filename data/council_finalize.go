package data

import (
	"fmt"
	"strings"

	"parindex/index"
)

// FinalizeComputed finalises a period with the digest of results computed
// from exactly the state being finalised: inside the finalising transaction
// (which holds the file's write lock) it loads the period's snapshot, calls
// digest on it (typically index.Compute then report.ResultsDigest), and
// records that digest, the time and the audit chain head as Finalize does.
// A reason is required. It returns the recorded finalisation.
func (s *Store) FinalizeComputed(id int64, reason string, digest func(*index.Snapshot) (string, error)) (Finalization, error) {
	reason = clean(reason)
	if reason == "" {
		return Finalization{}, fmt.Errorf("finalize period: %w", invalidf("a reason is required to finalise a period"))
	}
	if digest == nil {
		return Finalization{}, fmt.Errorf("finalize period: no digest function")
	}
	err := s.write("finalize period", func(w *wtx) error {
		p, err := w.openPeriod(id)
		if err != nil {
			return err
		}
		snap := &index.Snapshot{}
		for _, part := range []snapPart{snapMeta, snapAppraisals, snapSelf, snapSurvey, snapDecisions, snapNA} {
			if err := part(w.tx, id, snap); err != nil {
				return err
			}
		}
		d, err := digest(finishSnapshot(snap))
		if err != nil {
			return fmt.Errorf("compute the results: %w", err)
		}
		p.Finalized = true
		p.finalizedAt = w.at
		p.digest = cleanCode(d)
		p.head = w.head()
		return w.put(p.rec(), "period.finalize", reason)
	})
	if err != nil {
		return Finalization{}, err
	}
	return s.Finalization(id)
}

// Explanation is a unit's answer (giải trình) to the round 1 appraisal of
// one leaf, with extra evidence notes, as imported from the unit's sheet.
type Explanation struct {
	Criterion     string `json:"criterion"`
	Explanation   string `json:"explanation"`
	ExtraEvidence string `json:"extra_evidence"`
}

// SetExplanations records a unit's explanations on its self-assessment rows
// (which carry them to members in round 2 packages): an explanation
// replaces the previous one, and extra evidence notes are added, one a line,
// to the evidence notes unless they are already there, so importing the
// same sheet twice changes nothing. Items with neither are skipped. A leaf
// the unit did not self-assess is refused; nothing is changed then.
func (s *Store) SetExplanations(period int64, unit string, items []Explanation) (ApplyReport, error) {
	unit = cleanCode(unit)
	var rep ApplyReport
	err := s.write("import explanations", func(w *wtx) error {
		c, err := w.loadCtx(period)
		if err != nil {
			return err
		}
		var errs []*ItemError
		var recs []rec
		for i, it := range items {
			crit := cleanCode(it.Criterion)
			expl, extra := clean(it.Explanation), clean(it.ExtraEvidence)
			if expl == "" && extra == "" {
				continue
			}
			fail := func(err error) {
				errs = append(errs, &ItemError{Kind: "explanations", Index: i, Unit: unit, Criterion: crit, Err: err})
			}
			if _, _, err := c.leaf(unit, crit); err != nil {
				fail(err)
				continue
			}
			var pts int64
			var evidence, old string
			err := w.tx.QueryRow(`SELECT points, evidence, explanation FROM self_scores WHERE period_id = ? AND unit = ? AND criterion = ?`,
				period, unit, crit).Scan(&pts, &evidence, &old)
			if isNoRows(err) {
				fail(notFoundf("unit %s has no self-assessment on criterion %s to explain", unit, crit))
				continue
			}
			if err != nil {
				return fmt.Errorf("read self-assessment: %w", err)
			}
			if expl == "" {
				expl = old
			}
			for _, line := range strings.Split(extra, "\n") {
				line = strings.TrimSpace(line)
				if line == "" || containsLine(evidence, line) {
					continue
				}
				if evidence != "" {
					evidence += "\n"
				}
				evidence += line
			}
			recs = append(recs, rec{k: kSelf, period: period, key: []any{unit, crit}, val: []any{pts, evidence, expl}})
		}
		if len(errs) > 0 {
			return &BatchError{Items: errs, Count: len(errs)}
		}
		for _, r := range recs {
			if err := w.put(r, "", "explanation of unit "+unit); err != nil {
				return err
			}
		}
		rep = w.report
		return nil
	})
	return rep, err
}

func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}
