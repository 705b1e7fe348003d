// Package ui is the desktop app of parindex: the council's whole period in a
// Fyne window, from setting a period up to exporting and signing its report.
//
// The package builds and tests without cgo: it never imports Fyne's app
// package, which only cmd/parindex does. Screens are registered as data (see
// screens.go); each builds its widgets at once, loads its data off the UI
// goroutine and fills the widgets inside fyne.Do. Points are never computed
// here: they come from index.Compute, and typed scores are checked by
// index.Framework.CheckScore before the store checks them again.
package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"parindex/appdirs"
	"parindex/data"
	"parindex/demo"
	"parindex/index"
)

// Council is what the screens need of an open council file; *data.Store
// implements it.
type Council interface {
	Path() string
	Periods() ([]index.Period, error)
	CreatePeriod(p index.Period) (int64, error)
	UpdatePeriod(id int64, u data.PeriodUpdate) error
	PeriodSettings(id int64) (map[string]string, error)
	SetPeriodSettings(id int64, settings map[string]string) error
	Snapshot(period int64) (*index.Snapshot, error)
	Members(period int64) ([]index.CouncilMember, error)
	SaveBlock(period int64, b index.Block) error
	SaveUnit(period int64, u index.Unit) error
	SetUnitActive(period int64, code string, active bool, reason string) error
	SaveMember(period int64, m index.CouncilMember) error
	SetAssignments(period int64, member string, as []index.Assignment) error
	SetAppraisal(period int64, a index.AppraisalScore) error
	SetDecision(period int64, d index.Decision) error
	SetNotApplicable(period int64, na index.NotApplicable, on bool) error
	Frameworks() ([]data.FrameworkInfo, error)
	FrameworkVersion(code string, version int) (*index.Framework, error)
	SaveFramework(f *index.Framework) error
	AuditHead() (string, error)
	AuditEntries(f data.AuditFilter) ([]data.AuditEntry, error)
	VerifyAudit() (data.AuditReport, error)

	// The offline council (Council screen): what the file is, members'
	// keys, packages and returns, the appraisal round, finalisation.
	Workspace() (data.WorkspaceInfo, error)
	MemberExchanges(period int64) ([]data.MemberExchange, error)
	EnrolMemberKey(period int64, member, fingerprint string, publicKey []byte, reason string) error
	CouncilRound(period int64) (int, error)
	SetCouncilRound(period int64, round int, reason string) error
	MemberPeriod(period int64) (data.MemberPeriodInfo, error)
	FinalizeComputed(id int64, reason string, digest func(*index.Snapshot) (string, error)) (data.Finalization, error)
	Finalization(id int64) (data.Finalization, error)
	Reopen(id int64, reason string) error
}

// Role is what the laptop's user is in the council; it decides what the
// screens let them change.
type Role string

// The three roles of the app.
const (
	RoleSecretary Role = "secretary" // the secretariat: everything
	RoleChair     Role = "chair"     // chair and vice-chair: results, discrepancies, decisions
	RoleMember    Role = "member"    // a member: their own scores on their own fields
)

// roleOf maps a council role to the app's role.
func roleOf(r index.Role) Role {
	switch r {
	case index.Secretary:
		return RoleSecretary
	case index.Chair, index.ViceChair:
		return RoleChair
	}
	return RoleMember
}

// Options are how the program was started.
type Options struct {
	Portable bool      // --portable: data and settings beside the executable
	File     string    // a council file to open instead of the last one
	Lang     Lang      // --lang: overrides the saved language
	Start    time.Time // process start, for the smoke test's timing
	Out      io.Writer // where the smoke test prints; os.Stdout when nil
	// Dirs replaces the OS folders (tests); nil resolves them.
	Dirs *appdirs.Dirs
}

// Model is one period's data, loaded once and shared by the screens until a
// change invalidates it.
type Model struct {
	Period index.Period
	Snap   *index.Snapshot
	Res    *index.Result
}

// framework returns the framework of a block, or nil.
func (m *Model) framework(block string) *index.Framework {
	for _, b := range m.Snap.Blocks {
		if b.Code == block {
			return m.Snap.Frameworks[b.Framework]
		}
	}
	return nil
}

// memberName returns a member's name, or the ID when unknown.
func (m *Model) memberName(id string) string {
	for _, mb := range m.Snap.Members {
		if mb.ID == id {
			return mb.Name
		}
	}
	return id
}

// State is the app: its window, preferences, the open council file, the
// chosen period and who the user is. Screens get it and nothing else.
type State struct {
	App fyne.App
	Win fyne.Window

	opts  Options
	dirs  appdirs.Dirs
	prefs *Prefs
	lang  Lang

	db      *data.Store
	council Council
	periods []index.Period
	period  index.Period
	members []index.CouncilMember
	me      index.CouncilMember // empty ID when the user is not a member
	role    Role
	opening bool

	mu       sync.Mutex
	model    *Model
	modelGen int

	pending atomic.Int64
	post    func(func()) // hands work results to the UI goroutine: fyne.Do, or a test's queue
	shell   *shell
	tabs    map[string]int // last tab shown per screen
	focus   string         // unit to open in Scoring, set by other screens
}

// New creates the app's state and window for a (Fyne) app whose theme is
// already set. Call Start to open the council file.
func New(a fyne.App, opts Options) (*State, error) {
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.Start.IsZero() {
		opts.Start = time.Now()
	}
	st := &State{App: a, opts: opts, tabs: map[string]int{}, role: RoleSecretary}
	var err error
	if opts.Dirs != nil {
		st.dirs = *opts.Dirs
		err = st.dirs.Ensure()
	} else {
		st.dirs, err = resolveDirs(opts.Portable)
	}
	if err != nil {
		return nil, fmt.Errorf("app folders: %w", err)
	}
	st.prefs, err = loadPrefs(filepath.Join(st.dirs.Config, prefsFile))
	st.lang = Vietnamese
	if st.prefs.Lang.valid() {
		st.lang = st.prefs.Lang
	}
	if opts.Lang.valid() {
		st.lang = opts.Lang
	}
	if st.prefs.Role != "" {
		st.role = st.prefs.Role
	}
	applyFyneLang(st.lang)
	st.Win = a.NewWindow(st.T("app.title"))
	st.Win.Resize(fyne.NewSize(1320, 760))
	st.shell = newShell(st)
	st.shell.build()
	if err != nil { // unreadable preferences: say so, carry on with defaults
		st.showError(err)
	}
	return st, nil
}

// T translates a catalogue key into the user's language.
func (st *State) T(key string) string { return st.lang.T(key) }

// Tf translates a key and fills its verbs like fmt.Sprintf.
func (st *State) Tf(key string, a ...any) string { return st.lang.Tf(key, a...) }

// Lang returns the user's language.
func (st *State) Lang() Lang { return st.lang }

// pts prints points the user's way: "92,76" in Vietnamese, "92.76" in English.
func (st *State) pts(p index.Points) string {
	if st.lang == English {
		return p.String()
	}
	return p.VI()
}

// pct prints a percentage the user's way, without the sign.
func (st *State) pct(p index.Percent) string {
	if st.lang == English {
		return p.String()
	}
	return p.VI()
}

// Role returns the user's role.
func (st *State) Role() Role { return st.role }

// Council returns the open council file, or nil.
func (st *State) Council() Council { return st.council }

// Period returns the chosen period (zero ID when the file has none).
func (st *State) Period() index.Period { return st.period }

// Me returns the council member the user is (empty ID when none).
func (st *State) Me() index.CouncilMember { return st.me }

// Dirs returns the app's folders.
func (st *State) Dirs() appdirs.Dirs { return st.dirs }

// Start opens the council file: the one given on the command line, else the
// last one, else the default file in the data folder, which the first start
// creates as a demo council.
func (st *State) Start() {
	switch {
	case st.opts.File != "":
		st.Open(st.opts.File, false)
	case st.prefs.LastFile != "" && fileExists(st.prefs.LastFile):
		st.Open(st.prefs.LastFile, false)
	default:
		st.Open(filepath.Join(st.dirs.Data, councilFile), true)
	}
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// Open opens a council file off the UI goroutine. With demoIfMissing, a
// missing file is created as the Hanoi demo council first, with a progress bar.
func (st *State) Open(path string, demoIfMissing bool) {
	create := demoIfMissing && !fileExists(path)
	st.opening = true
	st.shell.showOpening(create)
	type opened struct {
		db      *data.Store
		periods []index.Period
	}
	run(st, func() (opened, error) {
		if create {
			if err := createDemo(path); err != nil {
				return opened{}, err
			}
		}
		db, err := data.Open(path)
		if err != nil {
			return opened{}, err
		}
		ps, err := db.Periods()
		if err != nil {
			db.Close()
			return opened{}, err
		}
		return opened{db, ps}, nil
	}, func(o opened, err error) {
		st.opening = false
		if err != nil {
			st.prefs.dropRecent(path)
			_ = st.prefs.save()
			st.shell.build()
			st.showError(err)
			return
		}
		if st.db != nil {
			st.db.Close()
		}
		st.db, st.council, st.periods = o.db, o.db, o.periods
		st.prefs.addRecent(path)
		if err := st.prefs.save(); err != nil {
			st.showError(err)
		}
		st.period = index.Period{}
		if len(o.periods) > 0 {
			st.period = o.periods[len(o.periods)-1]
		}
		st.invalidate()
		st.loadMembers(func() { st.shell.build() })
	})
}

// createDemo writes the Hanoi demo council into a new file at path.
func createDemo(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create demo council: %w", err)
	}
	ds, err := demo.Generate(demo.Hanoi, 1)
	if err != nil {
		return err
	}
	tmp := path + ".creating"
	os.Remove(tmp)
	db, err := data.Open(tmp)
	if err != nil {
		return err
	}
	db.Actor = "parindex demo"
	if _, err := ds.Install(db); err != nil {
		db.Close()
		os.Remove(tmp)
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	for _, ext := range []string{"-wal", "-shm"} {
		os.Remove(tmp + ext)
	}
	return os.Rename(tmp, path)
}

// Close closes the council file.
func (st *State) Close() {
	if st.db != nil {
		st.db.Close()
		st.db, st.council = nil, nil
	}
}

// loadMembers reads the chosen period's council, settles who the user is
// and then calls done on the UI goroutine.
func (st *State) loadMembers(done func()) {
	c, pid := st.council, st.period.ID
	type council struct {
		members []index.CouncilMember
		owner   string // the member whose workspace the file is, "" at the secretariat
	}
	run(st, func() (council, error) {
		var r council
		if c == nil {
			return r, nil
		}
		ws, err := c.Workspace()
		if err != nil {
			return r, err
		}
		if ws.Mode == data.ModeMember {
			r.owner = ws.MemberID
		}
		if pid == 0 {
			return r, nil
		}
		r.members, err = c.Members(pid)
		return r, err
	}, func(r council, err error) {
		if err != nil {
			st.showError(err)
		}
		st.members = r.members
		st.settleIdentity(r.owner)
		done()
	})
}

// settleIdentity picks who the user is: in a member's workspace (owner set)
// that member, however the file was opened; else the member saved in the
// preferences, or else the council's first secretary. The user becomes the
// audit actor.
func (st *State) settleIdentity(owner string) {
	st.me = index.CouncilMember{}
	want := st.prefs.Member
	if owner != "" {
		want = owner
	}
	for _, m := range st.members {
		if m.ID == want {
			st.me = m
		}
	}
	if st.me.ID == "" && owner == "" {
		for _, m := range st.members {
			if m.Role == index.Secretary {
				st.me = m
				break
			}
		}
	}
	if st.me.ID != "" {
		st.role = roleOf(st.me.Role)
	}
	st.applyActor()
}

// applyActor records the user as the "who" of every audit entry.
func (st *State) applyActor() {
	if st.db == nil {
		return
	}
	if st.me.ID != "" {
		st.db.Actor = st.me.Name + " (" + st.me.ID + ")"
		return
	}
	name := "parindex"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	st.db.Actor = name
}

// SetIdentity makes the user the council member with the given ID.
func (st *State) SetIdentity(memberID string) {
	for _, m := range st.members {
		if m.ID == memberID {
			st.me, st.role = m, roleOf(m.Role)
		}
	}
	st.prefs.Member, st.prefs.Role = st.me.ID, st.role
	if err := st.prefs.save(); err != nil {
		st.showError(err)
	}
	st.applyActor()
	st.shell.build()
}

// SetLang switches the language and rebuilds the window.
func (st *State) SetLang(l Lang) {
	if !l.valid() || l == st.lang {
		return
	}
	st.lang = l
	st.prefs.Lang = l
	if err := st.prefs.save(); err != nil {
		st.showError(err)
	}
	applyFyneLang(l)
	st.Win.SetTitle(st.T("app.title"))
	st.shell.build()
}

// SetPeriod chooses another period of the council file.
func (st *State) SetPeriod(id int64) {
	for _, p := range st.periods {
		if p.ID == id {
			st.period = p
		}
	}
	st.invalidate()
	st.loadMembers(func() { st.shell.build() })
}

// reloadPeriods re-reads the periods (after one was created or changed)
// and chooses id (0: keep the current one).
func (st *State) reloadPeriods(id int64) {
	c := st.council
	run(st, func() ([]index.Period, error) { return c.Periods() }, func(ps []index.Period, err error) {
		if err != nil {
			st.showError(err)
			return
		}
		st.periods = ps
		if id == 0 {
			id = st.period.ID
		}
		st.SetPeriod(id)
	})
}

// invalidate drops the cached model after a change.
func (st *State) invalidate() {
	st.mu.Lock()
	st.model = nil
	st.modelGen++
	st.mu.Unlock()
}

// errNoPeriod is returned by loadModel when the file has no period yet.
var errNoPeriod = errors.New("no period")

// loadModel returns the period's snapshot and results, computing them once
// per change. Call it off the UI goroutine.
func (st *State) loadModel() (*Model, error) {
	st.mu.Lock()
	m, gen, c, p := st.model, st.modelGen, st.council, st.period
	st.mu.Unlock()
	if m != nil {
		return m, nil
	}
	if c == nil || p.ID == 0 {
		return nil, errNoPeriod
	}
	snap, err := c.Snapshot(p.ID)
	if err != nil {
		return nil, err
	}
	res, err := index.Compute(snap)
	if err != nil {
		return nil, err
	}
	m = &Model{Period: snap.Period, Snap: snap, Res: res}
	st.mu.Lock()
	if st.modelGen == gen {
		st.model = m
	}
	st.mu.Unlock()
	return m, nil
}

// run does work off the UI goroutine and hands its result to done inside
// fyne.Do. A panic in work becomes an error. Tests and the smoke run wait for
// all of them with waitIdle.
func run[T any](st *State, work func() (T, error), done func(T, error)) {
	st.pending.Add(1)
	go func() {
		var v T
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
				}
			}()
			v, err = work()
		}()
		st.toUI(func() {
			defer st.pending.Add(-1)
			done(v, err)
		})
	}()
}

// toUI runs f on the UI goroutine.
func (st *State) toUI(f func()) {
	if st.post != nil {
		st.post(f)
		return
	}
	fyne.Do(f)
}

// withProgress runs long work off the UI goroutine behind a modal progress
// dialog titled by the catalogue key title; errors become an error dialog,
// success calls done.
func withProgress[T any](st *State, title string, work func() (T, error), done func(T)) {
	bar := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons(st.T(title), container.NewPadded(bar), st.Win)
	d.Resize(fyne.NewSize(420, 120))
	d.Show()
	run(st, work, func(v T, err error) {
		d.Hide()
		bar.Stop()
		if err != nil {
			st.showError(err)
			return
		}
		if done != nil {
			done(v)
		}
	})
}

// waitIdle waits until no background work is pending (tests, smoke run).
func (st *State) waitIdle(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	quiet := 0
	for time.Now().Before(deadline) {
		if st.pending.Load() == 0 {
			quiet++
			if quiet >= 3 {
				return nil
			}
		} else {
			quiet = 0
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("background work still running after %s", timeout)
}

// membersSorted returns the period's members in council order.
func (st *State) votingMembers() []index.CouncilMember {
	var out []index.CouncilMember
	for _, m := range st.members {
		if m.Votes() {
			out = append(out, m)
		}
	}
	return out
}

// canEdit reports whether the period may be changed by this user at all.
func (st *State) periodOpen() bool { return st.period.ID != 0 && !st.period.Finalized }

// sortedKeys returns a map's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
