package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"parindex/appdirs"
	"parindex/data"
	"parindex/index"
)

// template is a Hanoi demo council made once for the whole test binary;
// each test works on its own copy.
var template string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "parindex-ui-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	template = filepath.Join(dir, "hanoi.parindex")
	if err := createDemo(template); err != nil {
		fmt.Fprintln(os.Stderr, "create demo council:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// copyTemplate copies the demo council into dir.
func copyTemplate(t testing.TB, dir string) string {
	t.Helper()
	src, err := os.Open(template)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(dir, "council.parindex")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// newTestState opens a copy of the demo council in a test app as the
// council member memberID, in language lang.
func newTestState(t testing.TB, memberID string, lang Lang) *State {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	dir := t.TempDir()
	path := copyTemplate(t, dir)
	dirs := appdirs.Dirs{Data: dir, Config: dir}
	p := &Prefs{path: filepath.Join(dir, prefsFile), Member: memberID, Lang: lang}
	if err := p.save(); err != nil {
		t.Fatal(err)
	}
	st, err := New(a, Options{Dirs: &dirs, File: path})
	if err != nil {
		t.Fatal(err)
	}
	q := &uiQueue{}
	st.post = q.push
	queues.Store(st, q)
	st.Start()
	wait(t, st)
	if st.council == nil {
		t.Fatal("the council file did not open")
	}
	if memberID != "" && st.me.ID != memberID {
		t.Fatalf("user is %q, want %q", st.me.ID, memberID)
	}
	t.Cleanup(st.Close)
	return st
}

// uiQueue holds the results of background work until the test runs them
// on its own goroutine, as fyne.Do runs them on the UI goroutine in the app
// (the test driver's fyne.Do would run them at once on the worker's goroutine).
type uiQueue struct {
	mu sync.Mutex
	fs []func()
}

func (q *uiQueue) push(f func()) {
	q.mu.Lock()
	q.fs = append(q.fs, f)
	q.mu.Unlock()
}

func (q *uiQueue) pop() func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.fs) == 0 {
		return nil
	}
	f := q.fs[0]
	q.fs = q.fs[1:]
	return f
}

var queues sync.Map // *State -> *uiQueue

// wait runs the results of background work on the test's goroutine until
// none is pending.
func wait(t testing.TB, st *State) {
	t.Helper()
	v, _ := queues.Load(st)
	q := v.(*uiQueue)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if f := q.pop(); f != nil {
			f()
			continue
		}
		if st.pending.Load() == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("background work still running after a minute")
}

// texts lists the text of every label, button and canvas text in the window.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		switch w := x.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// storedAppraisal reads one appraisal back from the council file.
func storedAppraisal(t testing.TB, st *State, member, unit, crit string, round int) (index.AppraisalScore, bool) {
	t.Helper()
	snap, err := st.council.Snapshot(st.period.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range snap.Appraisals {
		if a.Member == member && a.Unit == unit && a.Criterion == crit && a.Round == round {
			return a, true
		}
	}
	return index.AppraisalScore{}, false
}

var _ = data.ErrBusy
