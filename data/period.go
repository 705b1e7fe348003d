package data

import (
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"parindex/index"
)

// PeriodUpdate holds the fields UpdatePeriod changes; nil fields stay as they are.
type PeriodUpdate struct {
	Name      *string
	Rule      *index.Rule
	Threshold *index.Percent
}

// Finalization is the state of a period's finalisation.
type Finalization struct {
	Finalized     bool      `json:"finalized"`
	At            time.Time `json:"at"`             // when it was finalised
	ResultsDigest string    `json:"results_digest"` // digest of the published results, given by the caller
	AuditHead     string    `json:"audit_head"`     // audit chain head just before finalisation
}

// periodRow is a period with its finalisation fields.
type periodRow struct {
	index.Period
	finalizedAt, digest, head string
}

func (p periodRow) rec() rec {
	return rec{k: kPeriod, key: []any{p.ID}, val: []any{
		int64(p.Year), string(p.Round), p.Name, string(p.Rule), int64(p.Threshold),
		p.Finalized, p.finalizedAt, p.digest, p.head}}
}

// label names the period in messages: "2024 full-year".
func (p periodRow) label() string {
	return fmt.Sprintf("%d %s", p.Year, p.Round)
}

const periodCols = `id, year, round, name, rule, threshold, finalized, finalized_at, results_digest, audit_head`

// periodOrder puts the latest period last: by year, mid-year before full-year, then id.
const periodOrder = `year, CASE round WHEN 'full-year' THEN 2 ELSE 1 END, id`

func scanPeriod(sc interface{ Scan(...any) error }) (periodRow, error) {
	var p periodRow
	var round, rule string
	var thr int64
	err := sc.Scan(&p.ID, &p.Year, &round, &p.Name, &rule, &thr, &p.Finalized, &p.finalizedAt, &p.digest, &p.head)
	p.Round, p.Rule, p.Threshold = index.PeriodRound(round), index.Rule(rule), index.Percent(thr)
	return p, err
}

func loadPeriod(q querier, id int64) (periodRow, error) {
	p, err := scanPeriod(q.QueryRow(`SELECT `+periodCols+` FROM periods WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFoundf("period %d not found", id)
	}
	if err != nil {
		return p, fmt.Errorf("read period %d: %w", id, err)
	}
	return p, nil
}

// openPeriod loads a period that may be changed: it exists and is not finalised.
func (w *wtx) openPeriod(id int64) (periodRow, error) {
	p, err := loadPeriod(w.tx, id)
	if err != nil {
		return p, err
	}
	if p.Finalized {
		return p, &reasonError{kind: ErrFinalized,
			msg: fmt.Sprintf("period %s is finalised; reopen it to change anything", p.label())}
	}
	return p, nil
}

func checkPeriodFields(p *index.Period) error {
	if p.Year < 1900 || p.Year > 9999 {
		return invalidf("period year %d is not a year", p.Year)
	}
	if p.Round != index.MidYear && p.Round != index.FullYear {
		return invalidf("period round %q is not %q or %q", p.Round, index.MidYear, index.FullYear)
	}
	if p.Rule == "" {
		p.Rule = index.RuleAssigned
	}
	if !p.Rule.Valid() {
		return invalidf("consolidation rule %q is not assigned, mean or median", p.Rule)
	}
	if p.Threshold < 0 || p.Threshold > 10000 {
		return invalidf("discrepancy threshold %s %% is outside 0..100", p.Threshold)
	}
	return nil
}

// CreatePeriod adds a period and returns its id. An empty rule means
// index.RuleAssigned, a zero threshold index.DefaultThreshold and an empty
// name "<year> <round>". A year has at most one period per round.
func (s *Store) CreatePeriod(p index.Period) (int64, error) {
	p.Name = clean(p.Name)
	p.Round = index.PeriodRound(cleanCode(string(p.Round)))
	p.Rule = index.Rule(cleanCode(string(p.Rule)))
	if p.Threshold == 0 {
		p.Threshold = index.DefaultThreshold
	}
	if err := checkPeriodFields(&p); err != nil {
		return 0, fmt.Errorf("create period: %w", err)
	}
	if p.Name == "" {
		p.Name = fmt.Sprintf("%d %s", p.Year, p.Round)
	}
	p.Finalized = false
	var id int64
	err := s.write("create period", func(w *wtx) error {
		var n int
		if err := w.tx.QueryRow(`SELECT count(*) FROM periods WHERE year = ? AND round = ?`, p.Year, string(p.Round)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return invalidf("period %d %s already exists", p.Year, p.Round)
		}
		if err := w.tx.QueryRow(`SELECT coalesce(max(id), 0) + 1 FROM periods`).Scan(&id); err != nil {
			return err
		}
		p.ID = id
		return w.put(periodRow{Period: p}.rec(), "", "")
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// Period returns one period.
func (s *Store) Period(id int64) (index.Period, error) {
	var p periodRow
	err := s.read("load period", func(tx *sql.Tx) error {
		var err error
		p, err = loadPeriod(tx, id)
		return err
	})
	return p.Period, err
}

// Periods lists every period, oldest first.
func (s *Store) Periods() ([]index.Period, error) {
	var out []index.Period
	err := s.read("list periods", func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT ` + periodCols + ` FROM periods ORDER BY ` + periodOrder)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPeriod(rows)
			if err != nil {
				return err
			}
			out = append(out, p.Period)
		}
		return rows.Err()
	})
	return out, err
}

// LatestPeriod returns the latest period: the highest year, full-year after
// mid-year. It returns an error wrapping ErrNotFound when there is none.
func (s *Store) LatestPeriod() (index.Period, error) {
	ps, err := s.Periods()
	if err != nil {
		return index.Period{}, err
	}
	if len(ps) == 0 {
		return index.Period{}, notFoundf("no period yet")
	}
	return ps[len(ps)-1], nil
}

// UpdatePeriod changes a period's name, consolidation rule or threshold.
func (s *Store) UpdatePeriod(id int64, u PeriodUpdate) error {
	return s.write("update period", func(w *wtx) error {
		p, err := w.openPeriod(id)
		if err != nil {
			return err
		}
		if u.Name != nil {
			p.Name = clean(*u.Name)
			if p.Name == "" {
				return invalidf("period name is empty")
			}
		}
		if u.Rule != nil {
			p.Rule = index.Rule(cleanCode(string(*u.Rule)))
		}
		if u.Threshold != nil {
			p.Threshold = *u.Threshold
			if p.Threshold == 0 {
				p.Threshold = index.DefaultThreshold
			}
		}
		if err := checkPeriodFields(&p.Period); err != nil {
			return err
		}
		return w.put(p.rec(), "", "")
	})
}

// SetPeriodSettings sets report header fields of a period (issuing body,
// document number, place, ...). An empty value removes the key.
func (s *Store) SetPeriodSettings(id int64, settings map[string]string) error {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return s.write("set period settings", func(w *wtx) error {
		if _, err := w.openPeriod(id); err != nil {
			return err
		}
		for _, k := range keys {
			key := cleanCode(k)
			if key == "" {
				return invalidf("a setting has an empty key")
			}
			v := clean(settings[k])
			r := rec{k: kSetting, period: id, key: []any{key}, val: []any{v}}
			if v == "" {
				if _, err := w.remove(r, "", ""); err != nil {
					return err
				}
				continue
			}
			if err := w.put(r, "", ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// PeriodSettings returns a period's settings.
func (s *Store) PeriodSettings(id int64) (map[string]string, error) {
	out := map[string]string{}
	err := s.read("read period settings", func(tx *sql.Tx) error {
		if _, err := loadPeriod(tx, id); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT key, value FROM period_settings WHERE period_id = ?`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return err
			}
			out[k] = v
		}
		return rows.Err()
	})
	return out, err
}

// Finalize closes a period: from then on every change to it is refused with
// ErrFinalized until Reopen. It records the digest of the published results,
// the time and the audit chain head just before finalisation. A reason (the
// minutes of the meeting, say) is required.
func (s *Store) Finalize(id int64, digest, reason string) error {
	reason = clean(reason)
	if reason == "" {
		return fmt.Errorf("finalize period: %w", invalidf("a reason is required to finalise a period"))
	}
	return s.write("finalize period", func(w *wtx) error {
		p, err := w.openPeriod(id)
		if err != nil {
			return err
		}
		p.Finalized = true
		p.finalizedAt = w.at
		p.digest = cleanCode(digest)
		p.head = w.head()
		return w.put(p.rec(), "period.finalize", reason)
	})
}

// Reopen opens a finalised period for changes again; the reason is required
// and recorded in the audit log.
func (s *Store) Reopen(id int64, reason string) error {
	reason = clean(reason)
	if reason == "" {
		return fmt.Errorf("reopen period: %w", invalidf("a reason is required to reopen a period"))
	}
	return s.write("reopen period", func(w *wtx) error {
		p, err := loadPeriod(w.tx, id)
		if err != nil {
			return err
		}
		if !p.Finalized {
			return invalidf("period %s is not finalised", p.label())
		}
		p.Finalized = false
		p.finalizedAt, p.digest, p.head = "", "", ""
		return w.put(p.rec(), "period.reopen", reason)
	})
}

// Finalization returns a period's finalisation state.
func (s *Store) Finalization(id int64) (Finalization, error) {
	var f Finalization
	err := s.read("load period", func(tx *sql.Tx) error {
		p, err := loadPeriod(tx, id)
		if err != nil {
			return err
		}
		f.Finalized, f.ResultsDigest, f.AuditHead = p.Finalized, p.digest, p.head
		if p.finalizedAt != "" {
			f.At, _ = time.Parse(time.RFC3339, p.finalizedAt)
		}
		return nil
	})
	return f, err
}
