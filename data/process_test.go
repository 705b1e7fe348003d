package data

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"parindex/index"
)

// Environment of the child processes these tests start from their own binary.
const (
	envChild  = "PARINDEX_DATA_CHILD" // set in children only
	envDB     = "PARINDEX_DATA_DB"
	envPeriod = "PARINDEX_DATA_PERIOD"
	envMember = "PARINDEX_DATA_MEMBER"
	envCount  = "PARINDEX_DATA_COUNT"
)

// appraisalLeaves are the leaves of smallFramework a member can appraise.
var appraisalLeaves = []string{"1.1", "1.2.1", "1.2.2", "3.1", "3.2"}

// crashKey is the i-th appraisal a child writes: distinct for every i < 400,
// with points that depend on the key, so the parent can check them.
func crashKey(i int) (unit, crit string, round int, pts index.Points) {
	unit = fmt.Sprintf("C%02d", i%40)
	crit = appraisalLeaves[(i/40)%len(appraisalLeaves)]
	round = 1 + (i/200)%2
	pts = index.Points((i % 6) * 25)
	return
}

// TestMain runs a child's work instead of the tests when this binary was
// started as a child process by one of the tests below.
func TestMain(m *testing.M) {
	if name := os.Getenv(envChild); name != "" {
		work, ok := children[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown child %q\n", name)
			os.Exit(2)
		}
		if err := work(); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	removeNational()
	os.Exit(code)
}

// children are the jobs a test can start in a separate process of this binary.
var children = map[string]func() error{
	"crashChild":    crashChild,
	"holdLockChild": holdLockChild,
	"writerChild":   writerChild,
}

// child starts this test binary as the named child process.
func child(t *testing.T, ctx context.Context, name string, env ...string) (*exec.Cmd, io.ReadCloser, io.WriteCloser) {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(append(os.Environ(), envChild+"="+name), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	must(t, err)
	in, err := cmd.StdinPipe()
	must(t, err)
	must(t, cmd.Start())
	return cmd, out, in
}

// childStore opens the store a child works on.
func childStore() (*Store, int64, error) {
	s, err := Open(os.Getenv(envDB))
	if err != nil {
		return nil, 0, err
	}
	s.Actor = "child " + os.Getenv(envMember)
	pid, _ := strconv.ParseInt(os.Getenv(envPeriod), 10, 64)
	return s, pid, nil
}

// crashChild is the child of TestCrash: it writes appraisals one by one,
// each in its own transaction, and reports each after its commit returns,
// until it is killed.
func crashChild() error {
	s, pid, err := childStore()
	if err != nil {
		return err
	}
	member := os.Getenv(envMember)
	fmt.Println("ready")
	for i := 0; i < 400; i++ {
		unit, crit, round, pts := crashKey(i)
		a := index.AppraisalScore{Member: member, Unit: unit, Criterion: crit, Round: round, Points: pts}
		if err := s.SetAppraisal(pid, a); err != nil {
			return err
		}
		fmt.Printf("committed %d\n", i)
	}
	fmt.Println("done")
	time.Sleep(time.Minute) // wait to be killed
	return nil
}

// TestCrash kills a writing child at random moments and checks that the file
// survives: integrity_check is ok, the audit log verifies and every write the
// child reported as committed is there.
func TestCrash(t *testing.T) {
	f := newFixture(t)
	s, pid := f.s, f.period
	runs := 25
	if testing.Short() {
		runs = 5
	}
	b := &Batch{}
	for i := 0; i < 40; i++ {
		b.Units = append(b.Units, index.Unit{Code: fmt.Sprintf("C%02d", i), Name: fmt.Sprintf("Đơn vị %d", i), Block: "so", Active: true})
	}
	for r := 0; r < runs; r++ {
		b.Members = append(b.Members, index.CouncilMember{ID: fmt.Sprintf("c%02d", r), Name: fmt.Sprintf("Thành viên %d", r)})
	}
	_, err := s.Apply(pid, b)
	must(t, err)
	must(t, s.Close())

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	committed := map[string][]int{} // member -> indexes reported committed
	total := 0
	for r := 0; r < runs; r++ {
		member := fmt.Sprintf("c%02d", r)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd, out, _ := child(t, ctx, "crashChild", envDB+"="+s.Path(), envPeriod+"="+strconv.FormatInt(pid, 10), envMember+"="+member)
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Most runs are killed while writing; every fifth while it starts and opens the file.
		var kill <-chan time.Time
		delay := time.Duration(2+rng.IntN(40)) * time.Millisecond
		if r%5 == 4 {
			kill = time.After(time.Duration(rng.IntN(30)) * time.Millisecond)
		}
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				switch {
				case l == "ready" && kill == nil:
					kill = time.After(delay)
				case strings.HasPrefix(l, "committed "):
					i, _ := strconv.Atoi(strings.TrimPrefix(l, "committed "))
					committed[member] = append(committed[member], i)
				case strings.HasPrefix(l, "error"):
					t.Errorf("child %s: %s", member, l)
				}
			case <-kill:
				cmd.Process.Kill() // SIGKILL
				kill = nil
			}
		}
		cmd.Wait()
		cancel()
		total += len(committed[member])
	}
	t.Logf("%d runs killed, %d commits reported", runs, total)

	s2 := openAt(t, s.Path())
	integrity(t, s2.db)
	rep := verifyOK(t, s2)
	t.Logf("audit: %d entries", rep.Entries)
	snap, err := s2.Snapshot(pid)
	must(t, err)
	have := map[string]index.Points{}
	for _, a := range snap.Appraisals {
		have[fmt.Sprintf("%s/%s/%s/%d", a.Member, a.Unit, a.Criterion, a.Round)] = a.Points
	}
	for member, is := range committed {
		for _, i := range is {
			unit, crit, round, pts := crashKey(i)
			key := fmt.Sprintf("%s/%s/%s/%d", member, unit, crit, round)
			if got, ok := have[key]; !ok || got != pts {
				t.Errorf("committed %s = %s is lost (have %s, %v)", key, pts, got, ok)
			}
		}
	}
}

// holdLockChild is the child of TestBusy: it takes the write lock and
// holds it until its stdin closes or it is killed.
func holdLockChild() error {
	db, err := sql.Open("sqlite", dsn(os.Getenv(envDB), time.Second))
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `UPDATE units SET name = name || ' (khóa)'`); err != nil {
		return err
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	_, err = conn.ExecContext(ctx, `ROLLBACK`)
	return err
}

// TestBusy checks that a write while another process holds the write lock
// fails with ErrBusy after the busy timeout instead of hanging, that reading
// still works, and that the file is fine once the other process is killed.
func TestBusy(t *testing.T) {
	f := newFixture(t)
	path := f.s.Path()
	must(t, f.s.Close())
	s, err := OpenOptions(path, Options{BusyTimeout: 200 * time.Millisecond})
	must(t, err)
	t.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return testNow }

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd, out, in := child(t, ctx, "holdLockChild", envDB+"="+path)
	sc := bufio.NewScanner(out)
	if !sc.Scan() || sc.Text() != "locked" {
		t.Fatalf("child did not lock: %q", sc.Text())
	}

	a := index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}
	err = s.SetAppraisal(f.period, a)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("write under another process's lock: %v, want ErrBusy", err)
	}
	if want := "council file " + path + " is busy: another parindex is writing to it; try again"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q, want %q", err, want)
	}
	// Reading does not wait for the writer, and a second program can open the file.
	if _, err := s.Snapshot(f.period); err != nil {
		t.Errorf("snapshot while locked: %v", err)
	}
	other, err := OpenOptions(path, Options{BusyTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Errorf("open while locked: %v", err)
	} else {
		other.Close()
	}

	cmd.Process.Kill() // dies holding the lock
	cmd.Wait()
	in.Close()
	must(t, s.SetAppraisal(f.period, a))
	integrity(t, s.db)
	verifyOK(t, s)
	us, err := s.Units(f.period)
	must(t, err)
	if strings.Contains(us[0].Name, "khóa") {
		t.Errorf("the killed child's uncommitted change is visible: %q", us[0].Name)
	}
}

// writerChild is the child of TestConcurrentWriters: once told to go,
// it writes count appraisals, each in its own transaction.
func writerChild() error {
	s, pid, err := childStore()
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(os.Getenv(envCount))
	member := os.Getenv(envMember)
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n') // wait for the other writer
	for i := 0; i < n; i++ {
		unit, crit, round, pts := crashKey(i)
		if err := s.SetAppraisal(pid, index.AppraisalScore{Member: member, Unit: unit, Criterion: crit, Round: round, Points: pts}); err != nil {
			return err
		}
	}
	fmt.Println("done")
	return nil
}

// TestConcurrentWriters runs two writing processes at once: both succeed,
// their writes serialise, and the audit chain stays whole.
func TestConcurrentWriters(t *testing.T) {
	f := newFixture(t)
	s, pid := f.s, f.period
	b := &Batch{Members: []index.CouncilMember{{ID: "w1", Name: "Ghi 1"}, {ID: "w2", Name: "Ghi 2"}}}
	for i := 0; i < 40; i++ {
		b.Units = append(b.Units, index.Unit{Code: fmt.Sprintf("C%02d", i), Name: fmt.Sprintf("Đơn vị %d", i), Block: "so", Active: true})
	}
	_, err := s.Apply(pid, b)
	must(t, err)
	n := 150
	if testing.Short() {
		n = 40
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var cmds []*exec.Cmd
	var outs []*bufio.Reader
	var ins []io.WriteCloser
	for _, m := range []string{"w1", "w2"} {
		cmd, out, in := child(t, ctx, "writerChild", envDB+"="+s.Path(), envPeriod+"="+strconv.FormatInt(pid, 10),
			envMember+"="+m, envCount+"="+strconv.Itoa(n))
		r := bufio.NewReader(out)
		if l, _ := r.ReadString('\n'); l != "ready\n" {
			t.Fatalf("writer %s: %q", m, l)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, r)
		ins = append(ins, in)
	}
	for _, in := range ins {
		io.WriteString(in, "go\n")
	}
	// The parent writes too, meanwhile.
	for i := 0; i < 20; i++ {
		unit, crit, round, pts := crashKey(i)
		must(t, s.SetAppraisal(pid, index.AppraisalScore{Member: "m4", Unit: unit, Criterion: crit, Round: round, Points: pts}))
	}
	for i, cmd := range cmds {
		o, _ := io.ReadAll(outs[i])
		if err := cmd.Wait(); err != nil || !strings.Contains(string(o), "done") {
			t.Errorf("writer %d: %v\n%s", i+1, err, o)
		}
	}
	db := rawDB(t, s.Path())
	for _, m := range []string{"w1", "w2"} {
		if got := count(t, db, `SELECT count(*) FROM appraisals WHERE member = ?`, m); got != n {
			t.Errorf("member %s has %d appraisals, want %d", m, got, n)
		}
	}
	integrity(t, db)
	rep := verifyOK(t, s)
	actors := count(t, db, `SELECT count(DISTINCT actor) FROM audit_tx`)
	// How often the writer changes from one transaction to the next shows how
	// much the processes overlapped (not asserted: it depends on timing).
	switches := count(t, db, `SELECT count(*) FROM audit_tx a JOIN audit_tx b ON b.id = a.id + 1 WHERE a.actor <> b.actor`)
	t.Logf("audit: %d entries from %d actors, %d changes of writer", rep.Entries, actors, switches)
	if actors != 3 {
		t.Errorf("%d actors in the audit log, want 3", actors)
	}
}
