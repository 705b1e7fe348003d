// Package data is the SQLite store of one council workspace: a single file
// holding the criteria frameworks, the evaluation periods with their blocks,
// units, council members and assignments, every score, and an audit log.
//
// # File
//
// The store uses modernc.org/sqlite (no cgo) in WAL mode with foreign keys on,
// synchronous=NORMAL and a busy timeout, set by the connection string so that
// every connection gets them. The schema comes from numbered migrations
// embedded in the program (migrations/0001_init.sql, ...), each applied in its
// own transaction and recorded in schema_migrations; a file written by a newer
// program is refused with ErrNewerSchema. Points are INTEGER hundredths,
// never REAL, and all text is normalised to Unicode NFC on the way in.
//
// # Writes
//
// Every public method that changes anything runs in one BEGIN IMMEDIATE
// transaction that also appends one audit entry per changed row; a change
// that leaves a row as it was writes nothing. Writes are serialised inside the
// process by a mutex and across processes by SQLite's write lock: a write that
// waits longer than the busy timeout fails with ErrBusy. Reads run in
// read-only transactions on other connections and never wait for a writer.
//
// # Audit
//
// The audit log is a SHA-256 hash chain: each entry's hash covers the previous
// hash and all its fields. VerifyAudit walks the chain and replays it — the
// latest value the log recorded for each row must be the row's current
// content — so edits behind the program's back, to the tables or to the log,
// are found. The chain has no secret: a complete rewrite of the log is only
// caught by comparing its head with a copy kept elsewhere, such as the head
// recorded at finalisation and printed on the signed report.
package data

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Errors a caller can test for with errors.Is.
var (
	// ErrNotFound is wrapped when a period, framework, unit, member or score does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid is wrapped by every refusal of invalid input.
	ErrInvalid = errors.New("invalid")
	// ErrFinalized is wrapped when a change is asked of a finalised period.
	ErrFinalized = errors.New("period is finalised")
	// ErrBusy is wrapped when another process holds the file's write lock
	// for longer than the busy timeout.
	ErrBusy = errors.New("council file is busy")
	// ErrNewerSchema is wrapped when the file was written by a newer program.
	ErrNewerSchema = errors.New("council file has a newer schema")
	// ErrNotDatabase is wrapped when the file is not a parindex council file.
	ErrNotDatabase = errors.New("not a council file")
)

// DefaultBusyTimeout is how long a write waits for another process's write
// lock before it gives up with ErrBusy.
const DefaultBusyTimeout = 5 * time.Second

// Options tune Open. The zero value is the default.
type Options struct {
	// BusyTimeout is how long a statement waits for a lock held by another
	// process; zero means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// MaxReaders is the number of connections that may read at once next to
	// the writer; zero means 4.
	MaxReaders int
}

// Store is an open council file. Its methods are safe for concurrent use:
// writes are serialised inside the process, and across processes by SQLite's
// write lock.
type Store struct {
	// Actor is recorded as "who" in every audit entry this store writes.
	Actor string
	// Now returns the time recorded in audit entries and at finalisation.
	// It defaults to time.Now; tests set a fixed clock.
	Now func() time.Time

	path string
	db   *sql.DB
	wmu  sync.Mutex // one writer in this process
}

// Open opens the council file at path, creating it when it does not exist,
// and brings its schema up to date.
func Open(path string) (*Store, error) {
	return OpenOptions(path, Options{})
}

// OpenOptions is Open with options.
func OpenOptions(path string, opt Options) (*Store, error) {
	if opt.BusyTimeout <= 0 {
		opt.BusyTimeout = DefaultBusyTimeout
	}
	if opt.MaxReaders <= 0 {
		opt.MaxReaders = 4
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, opt.BusyTimeout))
	if err != nil {
		return nil, fmt.Errorf("open db: %w", err)
	}
	db.SetMaxOpenConns(1 + opt.MaxReaders)
	db.SetMaxIdleConns(1 + opt.MaxReaders)
	s := &Store{Now: time.Now, path: path, db: db}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Path returns the file name the store was opened with.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close db: %w", err)
	}
	return nil
}

// dsn builds the connection string: a file: URI so that any path works, and
// pragmas that every new connection runs.
func dsn(path string, busy time.Duration) string {
	p := filepath.ToSlash(path)
	if abs, err := filepath.Abs(path); err == nil {
		p = filepath.ToSlash(abs)
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:///C:/...
	}
	r := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")
	return "file://" + r.Replace(p) +
		"?_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-32768)" +
		"&_pragma=journal_size_limit(67108864)" +
		"&_txlock=immediate"
}

// checkHeader refuses a non-empty file that does not start with the SQLite
// header, before the driver gets to it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open council file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open council file: %w", err)
	}
	if st.IsDir() {
		return &fileError{path: path, kind: ErrNotDatabase, msg: "is a folder, not a council file"}
	}
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if n == 0 {
		return nil // an empty file becomes a new database
	}
	if err != nil || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return &fileError{path: path, kind: ErrNotDatabase, msg: "is not a council file (not a SQLite database)"}
	}
	return nil
}

// fileError is an error about the council file as a whole.
type fileError struct {
	path string
	kind error
	msg  string
	err  error
}

// Error names the file and the problem.
func (e *fileError) Error() string {
	return fmt.Sprintf("council file %s %s", e.path, e.msg)
}

// Is reports whether target is the error's kind.
func (e *fileError) Is(target error) bool { return target == e.kind }

// Unwrap returns the SQLite error, if any.
func (e *fileError) Unwrap() error { return e.err }

// sqliteCode returns the primary SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// classify turns SQLite's busy, locked and not-a-database results into the
// store's typed errors; other errors are wrapped with the context what.
func (s *Store) classify(what string, err error) error {
	if err == nil {
		return nil
	}
	var fe *fileError
	if errors.As(err, &fe) {
		return err
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return &fileError{path: s.path, kind: ErrBusy, err: err,
			msg: "is busy: another parindex is writing to it; try again"}
	case sqlite3.SQLITE_NOTADB:
		return &fileError{path: s.path, kind: ErrNotDatabase, err: err,
			msg: "is not a council file (not a SQLite database)"}
	case sqlite3.SQLITE_CORRUPT:
		return &fileError{path: s.path, kind: ErrNotDatabase, err: err,
			msg: "is damaged (the database disk image is malformed)"}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order.
func migrations() ([]migration, error) {
	ents, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range ents {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", name)
		}
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations: expected number %d, found %s", i+1, m.name)
		}
	}
	return out, nil
}

// SchemaVersion is the highest migration this program knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// schemaState reads the highest applied migration; ok is false for a file
// without a schema_migrations table. other reports tables that are not ours.
func (s *Store) schemaState(ctx context.Context) (version int, ok, other bool, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table'`)
	if err != nil {
		return 0, false, false, s.classify("read schema", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, false, false, s.classify("read schema", err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, false, s.classify("read schema", err)
	}
	for _, n := range names {
		if n == "schema_migrations" {
			ok = true
		} else if !strings.HasPrefix(n, "sqlite_") {
			other = true
		}
	}
	if !ok {
		return 0, false, other, nil
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, false, false, s.classify("read schema version", err)
	}
	return int(v.Int64), true, other, nil
}

// migrate applies the migrations the file lacks, each in its own
// transaction recorded in schema_migrations.
func (s *Store) migrate() error {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		return err
	}
	have, ok, other, err := s.schemaState(ctx)
	if err != nil {
		return err
	}
	if !ok && other {
		return &fileError{path: s.path, kind: ErrNotDatabase,
			msg: "is a SQLite database but not a council file (it has no schema_migrations table)"}
	}
	if have > len(ms) {
		return &fileError{path: s.path, kind: ErrNewerSchema,
			msg: fmt.Sprintf("was written by a newer parindex (schema %d, this program knows %d): update parindex", have, len(ms))}
	}
	if have == len(ms) {
		return nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for _, m := range ms {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.classify("begin migration", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return s.classify("create schema_migrations", err)
	}
	// Another process may have applied it while we waited for the lock.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return s.classify("read schema_migrations", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return s.classify("migration "+m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, s.now()); err != nil {
		return s.classify("record migration "+m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return s.classify("commit migration "+m.name, err)
	}
	return nil
}

// now returns the store's clock as RFC 3339 with the offset.
func (s *Store) now() string {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().Format(time.RFC3339)
}

// read runs fn in a read-only transaction, which sees one consistent state
// of the file and never waits for writers.
func (s *Store) read(what string, fn func(tx *sql.Tx) error) error {
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.classify(what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return s.classify(what, err)
	}
	return nil
}
