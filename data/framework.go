package data

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"parindex/index"
)

// FrameworkInfo describes a saved framework for listings.
type FrameworkInfo struct {
	Code    string       `json:"code"`
	Version int          `json:"version"`
	Name    string       `json:"name"`
	Year    int          `json:"year"`
	Sample  bool         `json:"sample"`
	Total   index.Points `json:"total"`
	Leaves  int          `json:"leaves"`
}

// reasonError is an error of a kind (ErrInvalid, ErrNotFound, ErrFinalized)
// with its own message, possibly wrapping the error that caused it.
type reasonError struct {
	kind error
	msg  string
	err  error
}

// Error returns the message.
func (e *reasonError) Error() string { return e.msg }

// Is reports whether target is the error's kind.
func (e *reasonError) Is(target error) bool { return target == e.kind }

// Unwrap returns the cause, if any.
func (e *reasonError) Unwrap() error { return e.err }

func invalidf(format string, a ...any) error {
	return &reasonError{kind: ErrInvalid, msg: fmt.Sprintf(format, a...)}
}

func notFoundf(format string, a ...any) error {
	return &reasonError{kind: ErrNotFound, msg: fmt.Sprintf(format, a...)}
}

// invalid marks err (an index.ScoreError, a ValidationError, ...) as invalid
// input, keeping it reachable with errors.As.
func invalid(err error) error {
	return &reasonError{kind: ErrInvalid, msg: err.Error(), err: err}
}

// normaliseFramework returns a deep copy of f with every text in NFC and
// codes trimmed, validated.
func normaliseFramework(f *index.Framework) (*index.Framework, error) {
	if f == nil {
		return nil, invalidf("no framework")
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode framework: %w", err)
	}
	var c index.Framework
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("copy framework: %w", err)
	}
	c.Code = cleanCode(c.Code)
	c.Name = clean(c.Name)
	c.Rounding = cleanCode(c.Rounding)
	for i := range c.Bands {
		c.Bands[i].Label = clean(c.Bands[i].Label)
	}
	var walk func([]*index.Criterion)
	walk = func(cs []*index.Criterion) {
		for _, cr := range cs {
			if cr == nil {
				continue
			}
			cr.Code = cleanCode(cr.Code)
			cr.Title = clean(cr.Title)
			cr.Guide = clean(cr.Guide)
			cr.Method = index.Method(cleanCode(string(cr.Method)))
			walk(cr.Children)
		}
	}
	walk(c.Fields)
	if err := c.Validate(); err != nil {
		return nil, invalid(err)
	}
	return &c, nil
}

// frameworkRec builds the row of a validated framework.
func frameworkRec(f *index.Framework) (rec, error) {
	body, err := json.Marshal(f)
	if err != nil {
		return rec{}, fmt.Errorf("encode framework %s: %w", f.Code, err)
	}
	return rec{k: kFramework,
		key: []any{f.Code, int64(f.Version)},
		val: []any{f.Name, int64(f.Year), f.Sample, int64(f.Total), int64(len(f.Leaves())), string(body)},
	}, nil
}

// SaveFramework validates f and saves it under its code and version. Saving
// the same content again changes nothing; different content under a code and
// version already saved is refused (save it as a new version). f itself is
// not modified.
func (s *Store) SaveFramework(f *index.Framework) error {
	c, err := normaliseFramework(f)
	if err != nil {
		return fmt.Errorf("save framework: %w", err)
	}
	r, err := frameworkRec(c)
	if err != nil {
		return err
	}
	return s.write("save framework", func(w *wtx) error {
		old, exists, err := w.current(r)
		if err != nil {
			return err
		}
		if exists && old != r.value() {
			return invalidf("framework %s version %d is already saved with different content; save the change as version %d",
				c.Code, c.Version, c.Version+1)
		}
		return w.put(r, "", "")
	})
}

// Framework returns the latest version of the framework with the given code.
func (s *Store) Framework(code string) (*index.Framework, error) {
	return s.FrameworkVersion(code, 0)
}

// FrameworkVersion returns one version of a framework; version 0 means the latest.
func (s *Store) FrameworkVersion(code string, version int) (*index.Framework, error) {
	var f *index.Framework
	err := s.read("load framework", func(tx *sql.Tx) error {
		var err error
		f, err = loadFramework(tx, cleanCode(code), version)
		return err
	})
	return f, err
}

// querier is what *sql.Tx and *sql.DB share.
type querier interface {
	QueryRow(query string, args ...any) *sql.Row
	Query(query string, args ...any) (*sql.Rows, error)
}

func loadFramework(q querier, code string, version int) (*index.Framework, error) {
	var body string
	var err error
	if version > 0 {
		err = q.QueryRow(`SELECT body FROM frameworks WHERE code = ? AND version = ?`, code, version).Scan(&body)
	} else {
		err = q.QueryRow(`SELECT body FROM frameworks WHERE code = ? ORDER BY version DESC LIMIT 1`, code).Scan(&body)
	}
	if errors.Is(err, sql.ErrNoRows) {
		if version > 0 {
			return nil, notFoundf("framework %s version %d not found", code, version)
		}
		return nil, notFoundf("framework %s not found", code)
	}
	if err != nil {
		return nil, fmt.Errorf("read framework %s: %w", code, err)
	}
	var f index.Framework
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		return nil, fmt.Errorf("decode framework %s: %w", code, err)
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("stored framework: %w", err)
	}
	return &f, nil
}

// Frameworks lists every saved framework version, by code then version.
func (s *Store) Frameworks() ([]FrameworkInfo, error) {
	var out []FrameworkInfo
	err := s.read("list frameworks", func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT code, version, name, year, sample, total, leaves FROM frameworks ORDER BY code, version`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var fi FrameworkInfo
			var total int64
			if err := rows.Scan(&fi.Code, &fi.Version, &fi.Name, &fi.Year, &fi.Sample, &total, &fi.Leaves); err != nil {
				return err
			}
			fi.Total = index.Points(total)
			out = append(out, fi)
		}
		return rows.Err()
	})
	return out, err
}
