package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parindex/data"
	"parindex/identity"
	"parindex/index"
)

func newCouncilScreen(t *testing.T, st *State) *councilScreen {
	t.Helper()
	cs := newCouncil(st)
	wait(t, st)
	if cs.d.model == nil {
		t.Fatal("the council screen did not load")
	}
	return cs
}

// TestCouncilPackageReturnMergeFinalize runs the offline council through the
// screen's actions: the secretariat exports a member's package, the member
// opens it into a new workspace on "their laptop", changes a score and
// writes the signed return, the secretariat checks and merges it, and the
// chair's finalisation makes the period read-only.
func TestCouncilPackageReturnMergeFinalize(t *testing.T) {
	t.Setenv(identity.ConfigEnv, "")
	dir := t.TempDir()

	// the secretariat
	sec := newTestState(t, "TK01", Vietnamese)
	cs := newCouncilScreen(t, sec)
	if cs.d.ws.Mode != data.ModeSecretariat || len(cs.d.members) == 0 {
		t.Fatalf("workspace %+v, %d members", cs.d.ws, len(cs.d.members))
	}
	if all := strings.Join(texts(cs.root), "\n"); !strings.Contains(all, sec.T("council.merge")) {
		t.Fatalf("the secretariat is not offered the merge:\n%s", all)
	}
	pkg := filepath.Join(dir, "TV03.parindex-package")
	cs.exportPackage("TV03", pkg)
	wait(t, sec)
	if cs.lastExport.Member != "TV03" || cs.lastExport.Sequence != 1 || !cs.lastExport.Secret {
		t.Fatalf("export: %+v", cs.lastExport)
	}
	for _, m := range cs.d.members { // the screen reloaded
		if m.ID == "TV03" && (m.Packages != 1 || m.PendingSecrets != 1) {
			t.Fatalf("TV03 after export: %+v", m)
		}
	}

	// the member's laptop: open the package into a new workspace
	lap := newTestState(t, "", Vietnamese)
	lc := newCouncilScreen(t, lap)
	ws := filepath.Join(dir, "TV03.parindex")
	lc.openPackageNew(pkg, ws)
	wait(t, lap)
	if lc.lastOpen.Member != "TV03" || lc.lastOpen.Leaves == 0 {
		t.Fatalf("open: %+v", lc.lastOpen)
	}
	if lap.council == nil || !samePath(lap.council.Path(), ws) || lap.me.ID != "TV03" || lap.role != RoleMember {
		t.Fatalf("the window did not switch to the member's workspace: me %q role %s", lap.me.ID, lap.role)
	}
	mc := newCouncilScreen(t, lap)
	if mc.d.ws.Mode != data.ModeMember || mc.d.key == nil || len(mc.d.items) != lc.lastOpen.Leaves {
		t.Fatalf("member screen: mode %s, key %v, %d items (want %d)", mc.d.ws.Mode, mc.d.key, len(mc.d.items), lc.lastOpen.Leaves)
	}
	if all := strings.Join(texts(mc.root), "\n"); !strings.Contains(all, mc.d.key.Fingerprint()) {
		t.Fatalf("the member's screen does not show the key fingerprint:\n%s", all)
	}
	// the member changes one score
	it := mc.d.items[0]
	pts := it.Max
	if it.Score != nil && *it.Score == it.Max {
		pts = 0
	}
	round := mc.d.mp.Round
	if err := lap.council.SetAppraisal(lap.period.ID, index.AppraisalScore{Member: "TV03", Unit: it.Unit, Criterion: it.Criterion,
		Round: round, Points: pts, Reason: "Chấm lại theo tài liệu kiểm chứng bổ sung"}); err != nil {
		t.Fatal(err)
	}
	ret := filepath.Join(dir, "TV03-v1.parindex-return")
	mc = newCouncilScreen(t, lap)
	if !mc.d.mp.Unreturned {
		t.Fatal("the changed score is not reported as unreturned")
	}
	mc.writeReturn(ret)
	wait(t, lap)
	if mc.lastReturn.Version != 1 || mc.lastReturn.Scores == 0 || !mc.lastReturn.Enrols || mc.lastReturn.Fingerprint != mc.d.key.Fingerprint() {
		t.Fatalf("return: %+v", mc.lastReturn)
	}

	// the secretariat: check only, then merge
	head, _ := sec.council.AuditHead()
	cs.mergeReturns([]string{ret}, true)
	wait(t, sec)
	if len(cs.lastMerge) != 1 || cs.lastMerge[0].Err != nil || !cs.lastMerge[0].Report.DryRun {
		t.Fatalf("dry run: %+v", cs.lastMerge)
	}
	if after, _ := sec.council.AuditHead(); after != head {
		t.Fatal("a dry run changed the council file")
	}
	cs.mergeReturns([]string{ret}, false)
	wait(t, sec)
	r := cs.lastMerge[0]
	if r.Err != nil || r.Report.Changed+r.Report.Added == 0 || !r.Report.Enrolled {
		t.Fatalf("merge: %+v %v", r.Report, r.Err)
	}
	if msg, ok := mergeOutcome(Vietnamese, r); !ok || !strings.Contains(msg, "đã ghi nhận khóa") {
		t.Fatalf("merge said as %q", msg)
	}
	if a, ok := storedAppraisal(t, sec, "TV03", it.Unit, it.Criterion, round); !ok || a.Points != pts {
		t.Fatalf("merged score %+v, want %s", a, pts)
	}
	for _, m := range cs.d.members {
		if m.ID == "TV03" && (m.Fingerprint != mc.d.key.Fingerprint() || m.ReturnVersion != 1) {
			t.Fatalf("TV03 after merge: %+v", m)
		}
	}
	// the same file again changes nothing; a changed file is refused
	cs.mergeReturns([]string{ret}, false)
	wait(t, sec)
	if !cs.lastMerge[0].Report.AlreadyMerged {
		t.Fatalf("second merge: %+v", cs.lastMerge[0])
	}
	b, err := os.ReadFile(ret)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "TV03-v2.parindex-return")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(b), `"version":1`, `"version":2`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	head, _ = sec.council.AuditHead()
	cs.mergeReturns([]string{bad}, false)
	wait(t, sec)
	if msg, ok := mergeOutcome(Vietnamese, cs.lastMerge[0]); ok || !strings.Contains(msg, Vietnamese.T("council.refused")) {
		t.Fatalf("a changed return: %q (%v)", msg, cs.lastMerge[0].Err)
	}
	if after, _ := sec.council.AuditHead(); after != head {
		t.Fatal("a refused return changed the council file")
	}

	// the decisions log and the finalisation
	if len(cs.d.decisions) == 0 {
		t.Error("the demo's council decisions are not in the log")
	}
	cs.finalize("Biên bản họp Hội đồng số 01/BB-HĐTĐ")
	wait(t, sec)
	if !sec.period.Finalized {
		t.Fatal("the period is not finalised")
	}
	fin, err := sec.council.Finalization(sec.period.ID)
	if err != nil || !fin.Finalized || fin.ResultsDigest == "" || fin.AuditHead == "" {
		t.Fatalf("finalisation %+v, %v", fin, err)
	}
	err = sec.council.SetAppraisal(sec.period.ID, index.AppraisalScore{Member: "TV03", Unit: it.Unit, Criterion: it.Criterion, Round: round, Points: 0, Reason: "x"})
	if !errors.Is(err, data.ErrFinalized) {
		t.Fatalf("a score in a finalised period: %v", err)
	}
	cs = newCouncilScreen(t, sec)
	if all := strings.Join(texts(cs.root), "\n"); !strings.Contains(all, sec.T("period.finalized")) {
		t.Fatalf("the screen does not say the period is finalised:\n%s", all)
	}
	cs.reopen("Hội đồng quyết định xem xét lại")
	wait(t, sec)
	if sec.period.Finalized {
		t.Fatal("the period was not reopened")
	}
}

func TestCouncilEnrolRoundAndErrors(t *testing.T) {
	t.Setenv(identity.ConfigEnv, "")
	st := newTestState(t, "TK01", English)
	cs := newCouncilScreen(t, st)
	id, err := identity.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cs.enrol("TV04", id.Fingerprint(), "read out by phone")
	wait(t, st)
	found := false
	for _, m := range cs.d.members {
		found = found || (m.ID == "TV04" && m.Fingerprint == id.Fingerprint())
	}
	if !found {
		t.Fatalf("TV04's key not enrolled: %+v", cs.d.members)
	}
	cs.setRound(2, "round 2 begins")
	wait(t, st)
	if cs.d.round != 2 {
		t.Fatalf("round %d", cs.d.round)
	}
	// a member without fields gets no package; the message says why
	var none string
	for _, m := range cs.d.members {
		if m.Fields == 0 {
			none = m.ID
		}
	}
	if none != "" {
		_, err := st.db.PreparePackage(st.period.ID, none)
		if err == nil || councilMessage(English, err) != English.T("council.nofields") {
			t.Fatalf("no fields: %v → %q", err, councilMessage(English, err))
		}
	}
	// a file that is not a package
	junk := writeTemp(t, "junk.parindex-package", "{}")
	lap := newTestState(t, "", English)
	lc := newCouncilScreen(t, lap)
	wsPath := filepath.Join(t.TempDir(), "ws.parindex")
	lc.openPackageNew(junk, wsPath)
	wait(t, lap)
	if lc.lastOpen.Member != "" || samePath(lap.council.Path(), wsPath) {
		t.Fatal("a junk package opened")
	}
	if _, err := os.Stat(wsPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused workspace file was left behind: %v", err)
	}
	// the chair sees the screen without the secretariat's buttons working
	ch := newTestState(t, "TV01", Vietnamese)
	cc := newCouncilScreen(t, ch)
	if cc.d.ws.Mode != data.ModeSecretariat || len(texts(cc.root)) == 0 {
		t.Fatal("the chair's council screen did not build")
	}
	// a member at the secretariat's file sees only this laptop
	mb := newTestState(t, "TV05", Vietnamese)
	mcs := newCouncilScreen(t, mb)
	if all := strings.Join(texts(mcs.root), "\n"); strings.Contains(all, mb.T("council.merge")) || !strings.Contains(all, mb.T("council.open.new")) {
		t.Fatalf("a member's view:\n%s", all)
	}
}
