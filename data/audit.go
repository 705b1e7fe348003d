package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEntry is one entry of the audit log: one row of one table changed.
type AuditEntry struct {
	ID     int64     `json:"id"`
	Tx     int64     `json:"tx"` // the write transaction: entries of one Apply share it
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // e.g. "appraisal.update", "period.finalize"
	Entity string    `json:"entity"` // e.g. "appraisal/1/U001/1.2.1/m01/1"
	Old    string    `json:"old"`    // canonical JSON before; "" when the row was added
	New    string    `json:"new"`    // canonical JSON after; "" when the row was deleted
	Reason string    `json:"reason"`
	Hash   string    `json:"hash"` // hex SHA-256 chaining this entry to the one before
}

// AuditFilter selects audit entries for display. The zero value returns the
// newest 200 entries.
type AuditFilter struct {
	Text         string // matched anywhere in action, entity, values, reason or actor
	Actor        string // exact actor
	EntityPrefix string // e.g. "appraisal/1/U001/" for every appraisal of one unit
	BeforeID     int64  // only entries older than this id, for paging; 0 for the newest
	Limit        int    // at most this many, newest first; 0 means 200
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Entries int    // entries in the log
	Head    string // hash of the last entry, "" for an empty log

	// BrokenAt is the id of the first entry that breaks the hash chain (0
	// when the chain holds); ChainProblem says what is wrong with it.
	BrokenAt     int64
	ChainProblem string

	// Mismatches lists rows whose current content differs from what the
	// audit log says they should hold (at most 100); MismatchCount counts all.
	Mismatches    []Mismatch
	MismatchCount int

	// Finalizations lists finalised periods whose recorded audit head is not
	// the hash of the entry just before their finalisation entry.
	Finalizations []string
}

// Mismatch is an audited row whose current content is not the latest value
// the audit log recorded for it: it was changed, added or deleted without
// going through the program.
type Mismatch struct {
	Entity  string
	Audited string // latest audited value, "" when the log says the row does not exist
	Current string // current value, "" when the row does not exist
}

// OK reports whether the chain holds and every table matches the log.
func (r AuditReport) OK() bool {
	return r.BrokenAt == 0 && r.MismatchCount == 0 && len(r.Finalizations) == 0
}

// String summarises the report in one line per problem.
func (r AuditReport) String() string {
	if r.OK() {
		return fmt.Sprintf("audit log OK: %d entries, head %s", r.Entries, r.Head)
	}
	var lines []string
	if r.BrokenAt != 0 {
		lines = append(lines, fmt.Sprintf("audit entry %d: %s", r.BrokenAt, r.ChainProblem))
	}
	for _, m := range r.Mismatches {
		lines = append(lines, m.String())
	}
	if r.MismatchCount > len(r.Mismatches) {
		lines = append(lines, fmt.Sprintf("... and %d more rows that differ from the audit log", r.MismatchCount-len(r.Mismatches)))
	}
	lines = append(lines, r.Finalizations...)
	return strings.Join(lines, "\n")
}

// String says what differs; long values are shortened.
func (m Mismatch) String() string {
	switch {
	case m.Audited == "":
		return fmt.Sprintf("%s: row exists (%s) but the audit log never recorded it", m.Entity, short(m.Current))
	case m.Current == "":
		return fmt.Sprintf("%s: row is missing but the audit log says %s", m.Entity, short(m.Audited))
	default:
		return fmt.Sprintf("%s: row holds %s but the audit log says %s", m.Entity, short(m.Current), short(m.Audited))
	}
}

// short cuts a value to about 160 bytes for messages.
func short(s string) string {
	if len(s) <= 160 {
		return s
	}
	cut := 160
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// chainHash is the hash of one entry: SHA-256 over a version tag and every
// field as a netstring ("<len>:<bytes>,"), the previous hash first, so no two
// different entries encode alike.
func chainHash(prev []byte, id, tx int64, at, actor, action, entity, old, new, reason string) []byte {
	buf := make([]byte, 0, 128+len(entity)+len(old)+len(new)+len(reason))
	buf = append(buf, "parindex-audit-1\n"...)
	field := func(f string) {
		buf = strconv.AppendInt(buf, int64(len(f)), 10)
		buf = append(buf, ':')
		buf = append(buf, f...)
		buf = append(buf, ',')
	}
	field(string(prev))
	field(strconv.FormatInt(id, 10))
	field(strconv.FormatInt(tx, 10))
	for _, f := range [...]string{at, actor, action, entity, old, new, reason} {
		field(f)
	}
	h := sha256.Sum256(buf)
	return h[:]
}

// wtx is one write transaction: the SQL transaction, its audit chain state
// and its prepared statements.
type wtx struct {
	s      *Store
	ctx    context.Context
	tx     *sql.Tx
	at     string
	actor  string
	txID   int64  // the audit_tx row, written with the first entry
	prev   []byte // hash of the last entry
	nextID int64
	stmts  map[string]*sql.Stmt
	// loaded holds, for kinds read in bulk, entity -> canonical value of
	// every row the transaction may write: load reads all the period's rows;
	// a merge reads the member's rows of one round.
	loaded map[*kind]map[string]string
	report ApplyReport
	// trusted lets the store's own package and return bookkeeping write in
	// a member workspace; guard (loaded on the first write) refuses
	// everything else there but the member's own appraisals.
	trusted bool
	guard   *memberGuard
	removed int // rows removed by this transaction
}

// write runs fn in one immediate (write-locked) transaction with an audit
// chain, and commits when fn succeeds.
func (s *Store) write(what string, fn func(w *wtx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.classify(what, err)
	}
	defer tx.Rollback()
	actor := clean(s.Actor)
	if actor == "" {
		actor = "(unknown)"
	}
	w := &wtx{s: s, ctx: ctx, tx: tx, at: s.now(), actor: actor, nextID: 1,
		stmts: map[string]*sql.Stmt{}, loaded: map[*kind]map[string]string{}}
	defer func() {
		for _, st := range w.stmts {
			st.Close()
		}
	}()
	err = tx.QueryRowContext(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&w.nextID, &w.prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		w.nextID, w.prev = 1, nil
	case err != nil:
		return s.classify(what, err)
	default:
		w.nextID++
	}
	if err := fn(w); err != nil {
		return s.classify(what, err)
	}
	if err := tx.Commit(); err != nil {
		return s.classify(what, err)
	}
	return nil
}

// stmt returns a statement prepared once per transaction.
func (w *wtx) stmt(q string) (*sql.Stmt, error) {
	if st, ok := w.stmts[q]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(w.ctx, q)
	if err != nil {
		return nil, err
	}
	w.stmts[q] = st
	return st, nil
}

const insertAudit = `INSERT INTO audit (id, tx, action, entity, old, new, reason, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// head returns the hex hash of the last entry written so far.
func (w *wtx) head() string { return hex.EncodeToString(w.prev) }

// audit appends one entry to the chain.
func (w *wtx) audit(action, entity, old, new, reason string) error {
	reason = clean(reason)
	if w.txID == 0 {
		res, err := w.tx.ExecContext(w.ctx, `INSERT INTO audit_tx (at, actor) VALUES (?, ?)`, w.at, w.actor)
		if err != nil {
			return fmt.Errorf("append audit transaction: %w", err)
		}
		if w.txID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("append audit transaction: %w", err)
		}
	}
	h := chainHash(w.prev, w.nextID, w.txID, w.at, w.actor, action, entity, old, new, reason)
	st, err := w.stmt(insertAudit)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(w.ctx, w.nextID, w.txID, action, entity, old, new, reason, h); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	w.prev = h
	w.nextID++
	return nil
}

// current returns the canonical value of the row r names, and whether it exists.
func (w *wtx) current(r rec) (string, bool, error) {
	if m, ok := w.loaded[r.k]; ok {
		v, ok := m[r.entity()]
		return v, ok, nil
	}
	st, err := w.stmt(r.k.getSQL)
	if err != nil {
		return "", false, err
	}
	dest := scanDest(r.k.vals)
	if len(r.k.vals) == 0 {
		dest = []any{new(int64)}
	}
	err = st.QueryRowContext(w.ctx, r.keyArgs()...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read %s: %w", r.entity(), err)
	}
	cur := rec{k: r.k, period: r.period, key: r.key}
	if len(r.k.vals) > 0 {
		cur.val = scanned(r.k.vals, dest)
	}
	return cur.value(), true, nil
}

// load reads every row of kind k in the period into memory, so that a large
// batch compares against a map rather than one query per item.
func (w *wtx) load(k *kind, period int64) error {
	if _, ok := w.loaded[k]; ok {
		return nil
	}
	m := map[string]string{}
	var rows *sql.Rows
	var err error
	if k.period {
		rows, err = w.tx.QueryContext(w.ctx, k.listSQL, period)
	} else {
		rows, err = w.tx.QueryContext(w.ctx, k.listSQL)
	}
	if err != nil {
		return fmt.Errorf("load %s: %w", k.table, err)
	}
	if err := scanRows(k, rows, func(r rec) error {
		m[r.entity()] = r.value()
		return nil
	}); err != nil {
		return fmt.Errorf("load %s: %w", k.table, err)
	}
	w.loaded[k] = m
	return nil
}

// put writes r (insert or update) with its audit entry, or nothing when the
// row already holds the same content. action "" means "<kind>.insert" or
// "<kind>.update".
func (w *wtx) put(r rec, action, reason string) error {
	r = r.withEntity()
	if err := w.checkWorkspace(r); err != nil {
		return err
	}
	old, exists, err := w.current(r)
	if err != nil {
		return err
	}
	nv := r.value()
	if exists && old == nv {
		w.report.Unchanged++
		return nil
	}
	st, err := w.stmt(r.k.upsertSQL)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(w.ctx, r.args()...); err != nil {
		return fmt.Errorf("write %s: %w", r.entity(), err)
	}
	if action == "" {
		action = r.k.name + ".insert"
		if exists {
			action = r.k.name + ".update"
		}
	}
	if exists {
		w.report.Changed++
	} else {
		w.report.Added++
	}
	ent := r.entity()
	if m, ok := w.loaded[r.k]; ok {
		m[ent] = nv
	}
	return w.audit(action, ent, old, nv, reason)
}

// remove deletes the row r names with its audit entry; it reports whether
// there was a row.
func (w *wtx) remove(r rec, action, reason string) (bool, error) {
	r = r.withEntity()
	if err := w.checkWorkspace(r); err != nil {
		return false, err
	}
	old, exists, err := w.current(r)
	if err != nil || !exists {
		return false, err
	}
	st, err := w.stmt(r.k.deleteSQL)
	if err != nil {
		return false, err
	}
	if _, err := st.ExecContext(w.ctx, r.keyArgs()...); err != nil {
		return false, fmt.Errorf("delete %s: %w", r.entity(), err)
	}
	if action == "" {
		action = r.k.name + ".delete"
	}
	ent := r.entity()
	if m, ok := w.loaded[r.k]; ok {
		delete(m, ent)
	}
	w.removed++
	return true, w.audit(action, ent, old, "", reason)
}

// AuditHead returns the hash of the last audit entry, or "" for an empty log.
func (s *Store) AuditHead() (string, error) {
	var h []byte
	err := s.db.QueryRow(`SELECT hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", s.classify("read audit head", err)
	}
	return hex.EncodeToString(h), nil
}

// AuditEntries returns audit entries, newest first, that match the filter.
func (s *Store) AuditEntries(f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT a.id, a.tx, t.at, t.actor, a.action, a.entity, a.old, a.new, a.reason, a.hash
		FROM audit a JOIN audit_tx t ON t.id = a.tx WHERE 1`
	var args []any
	if f.Text != "" {
		q += ` AND (instr(a.action, ?1) OR instr(a.entity, ?1) OR instr(a.old, ?1) OR instr(a.new, ?1) OR instr(a.reason, ?1) OR instr(t.actor, ?1))`
		args = append(args, clean(f.Text)) // always ?1
	}
	if f.Actor != "" {
		args = append(args, clean(f.Actor))
		q += ` AND t.actor = ?` + strconv.Itoa(len(args))
	}
	if f.EntityPrefix != "" {
		p := clean(f.EntityPrefix)
		args = append(args, p)
		n := len(args)
		args = append(args, p+"\xff") // 0xff never occurs in UTF-8: an upper bound for the prefix
		q += fmt.Sprintf(` AND a.entity >= ?%d AND a.entity < ?%d`, n, n+1)
	}
	if f.BeforeID > 0 {
		args = append(args, f.BeforeID)
		q += ` AND a.id < ?` + strconv.Itoa(len(args))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	args = append(args, limit)
	q += ` ORDER BY a.id DESC LIMIT ?` + strconv.Itoa(len(args))
	rows, err := s.db.Query(q, args...)
	if err != nil {
		return nil, s.classify("read audit", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		var h []byte
		if err := rows.Scan(&e.ID, &e.Tx, &at, &e.Actor, &e.Action, &e.Entity, &e.Old, &e.New, &e.Reason, &h); err != nil {
			return nil, s.classify("read audit", err)
		}
		e.At, _ = time.Parse(time.RFC3339, at)
		e.Hash = hex.EncodeToString(h)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.classify("read audit", err)
	}
	return out, nil
}

// VerifyAudit checks the audit log. It walks the hash chain from the first
// entry, recomputing every hash, and reports the first entry that is missing,
// edited, inserted or out of order. It then replays the log — the latest new
// value of every entity — and compares it with the current content of every
// audited table, so a row changed, added or deleted behind the program's
// back, or an audit entry deleted at the end of the log, is found too.
// The error is for failures to read the file; problems are in the report.
func (s *Store) VerifyAudit() (AuditReport, error) {
	var rep AuditReport
	err := s.read("verify audit", func(tx *sql.Tx) error {
		latest := map[string]string{}
		headBefore := map[string]string{} // period entity -> chain head before its latest entry
		rows, err := tx.Query(`SELECT a.id, a.tx, t.at, t.actor, a.action, a.entity, a.old, a.new, a.reason, a.hash
			FROM audit a LEFT JOIN audit_tx t ON t.id = a.tx ORDER BY a.id`)
		if err != nil {
			return err
		}
		var prev, hh []byte
		var want int64 = 1
		for rows.Next() {
			var (
				id, txID                        int64
				at, actor                       sql.NullString
				action, entity, old, nv, reason string
			)
			if err := rows.Scan(&id, &txID, &at, &actor, &action, &entity, &old, &nv, &reason, &hh); err != nil {
				rows.Close()
				return err
			}
			rep.Entries++
			if rep.BrokenAt == 0 {
				switch {
				case id != want:
					rep.BrokenAt = want
					rep.ChainProblem = fmt.Sprintf("missing: the log jumps from entry %d to entry %d", want-1, id)
				case !at.Valid:
					rep.BrokenAt = id
					rep.ChainProblem = fmt.Sprintf("its transaction record %d (who and when) is missing; entity %s", txID, entity)
				case !bytes.Equal(chainHash(prev, id, txID, at.String, actor.String, action, entity, old, nv, reason), hh):
					rep.BrokenAt = id
					rep.ChainProblem = fmt.Sprintf("does not match its hash (edited, inserted or moved); entity %s", entity)
				}
			}
			if strings.HasPrefix(entity, "period/") {
				headBefore[entity] = hex.EncodeToString(prev)
			}
			prev = append(prev[:0], hh...)
			want = id + 1
			latest[entity] = nv
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rep.Head = hex.EncodeToString(prev)
		var mism []Mismatch
		for _, k := range kinds {
			rows, err := tx.Query(k.allSQL)
			if err != nil {
				return err
			}
			if err := scanRows(k, rows, func(r rec) error {
				ent := r.entity()
				cur := r.value()
				if k == kPeriod && r.val[5].(bool) { // finalized
					if head := r.val[8].(string); head != headBefore[ent] {
						rep.Finalizations = append(rep.Finalizations, fmt.Sprintf(
							"%s: finalised with audit head %s, but the entry before its finalisation has hash %s", ent, head, headBefore[ent]))
					}
				}
				aud, ok := latest[ent]
				if !ok || aud != cur {
					mism = append(mism, Mismatch{Entity: ent, Audited: aud, Current: cur})
				}
				delete(latest, ent)
				return nil
			}); err != nil {
				return err
			}
		}
		for ent, v := range latest {
			if v != "" {
				mism = append(mism, Mismatch{Entity: ent, Audited: v})
			}
		}
		sort.Slice(mism, func(i, j int) bool { return mism[i].Entity < mism[j].Entity })
		rep.MismatchCount = len(mism)
		if len(mism) > 100 {
			mism = mism[:100]
		}
		rep.Mismatches = mism
		return nil
	})
	return rep, err
}
