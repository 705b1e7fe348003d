package ui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parindex/data"
	"parindex/exchange"
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

// editSheet answers the first of the unit sheets paths with a self-assessed
// item (self: the snapshot's self-assessments, as a CSV sheet read back does
// not carry the points): it gives the item an explanation and extra
// evidence, and writes the sheet back in its format.
func editSheet(t *testing.T, paths []string, self map[[2]string]bool, explanation string) (path, unit, criterion string) {
	t.Helper()
	for _, path := range paths {
		if u, c, ok := editOne(t, path, self, explanation); ok {
			return path, u, c
		}
	}
	t.Fatalf("no unit sheet has a self-assessed item: %v", paths)
	return
}

func editOne(t *testing.T, path string, self map[[2]string]bool, explanation string) (unit, criterion string, ok bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := exchange.ReadUnitSheet(f, path)
	f.Close()
	if err != nil {
		t.Fatalf("%s does not read back: %v", path, err)
	}
	i := -1
	for j, it := range sh.Items {
		if self[[2]string{sh.Unit.Code, it.Criterion}] {
			i = j
			break
		}
	}
	if i < 0 {
		return "", "", false
	}
	sh.Items[i].Explanation = explanation
	sh.Items[i].ExtraEvidence = "Biên bản bổ sung số 7"
	err = exchange.WriteFile(path, func(w io.Writer) error {
		if strings.HasSuffix(path, ".csv") {
			return exchange.WriteUnitSheetCSV(w, sh)
		}
		return exchange.WriteUnitSheetJSON(w, sh)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sh.Unit.Code, sh.Items[i].Criterion, true
}

// TestCouncilUnitSheetsAndExplanations: the secretariat exports one sheet
// per active unit (JSON and CSV), units answer, and the imported
// explanations reach the self-assessments of the snapshot.
func TestCouncilUnitSheetsAndExplanations(t *testing.T) {
	t.Setenv(identity.ConfigEnv, "")
	sec := newTestState(t, "TK01", English)
	cs := newCouncilScreen(t, sec)
	if all := strings.Join(texts(cs.root), "\n"); !strings.Contains(all, sec.T("council.sheets.export")) || !strings.Contains(all, sec.T("council.expl.import")) {
		t.Fatalf("the secretariat is not offered unit sheets and explanations:\n%s", all)
	}
	active := 0
	for _, u := range cs.d.model.Snap.Units {
		if u.Active {
			active++
		}
	}
	files := map[string][]string{}
	for _, format := range []string{"json", "csv"} {
		dir := t.TempDir()
		cs.exportUnitSheets(dir, format)
		wait(t, sec)
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.lastSheets) != active || len(ents) != active || active == 0 {
			t.Fatalf("%s: %d sheets, %d files, %d active units", format, len(cs.lastSheets), len(ents), active)
		}
		for _, e := range ents {
			if filepath.Ext(e.Name()) != "."+format {
				t.Fatalf("%s: file %s", format, e.Name())
			}
			files[format] = append(files[format], filepath.Join(dir, e.Name()))
		}
	}
	self := map[[2]string]bool{}
	for _, x := range cs.d.model.Snap.Self {
		self[[2]string{x.Unit, x.Criterion}] = true
	}
	jf, ju, jc := editSheet(t, files["json"], self, "Đơn vị đã ban hành kế hoạch đúng hạn")
	var rest []string // the CSV sheets of the other units
	for _, f := range files["csv"] {
		if !strings.Contains(filepath.Base(f), ju+".") {
			rest = append(rest, f)
		}
	}
	cf, cu, cc := editSheet(t, rest, self, "Unit's answer, sent by CSV")
	junk := writeTemp(t, "junk.json", `{"items":[]}`)
	cs.importExplanations([]string{jf, cf, junk})
	wait(t, sec)
	if len(cs.lastExpl) != 3 {
		t.Fatalf("import: %+v", cs.lastExpl)
	}
	for i, r := range cs.lastExpl[:2] {
		if r.Err != nil || r.Report.Added+r.Report.Changed != 1 {
			t.Fatalf("file %d: %+v", i, r)
		}
		if msg, ok := explainOutcome(English, r); !ok || !strings.Contains(msg, "1 explanations recorded") {
			t.Fatalf("file %d said as %q", i, msg)
		}
	}
	if msg, ok := explainOutcome(Vietnamese, cs.lastExpl[2]); ok || !strings.Contains(msg, Vietnamese.T("council.refused")) {
		t.Fatalf("junk sheet: %q (%v)", msg, cs.lastExpl[2].Err)
	}
	m, err := sec.loadModel() // the shared data was reloaded
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]string{{ju, jc}: "Đơn vị đã ban hành kế hoạch đúng hạn", {cu, cc}: "Unit's answer, sent by CSV"}
	for _, s := range m.Snap.Self {
		if w, ok := want[[2]string{s.Unit, s.Criterion}]; ok {
			if s.Explanation != w || !strings.Contains(s.Evidence, "Biên bản bổ sung số 7") {
				t.Fatalf("self-assessment %s %s: %+v", s.Unit, s.Criterion, s)
			}
			delete(want, [2]string{s.Unit, s.Criterion})
		}
	}
	if len(want) > 0 {
		t.Fatalf("explanations missing from the snapshot: %v", want)
	}
	// the same sheet again changes nothing
	cs.importExplanations([]string{jf})
	wait(t, sec)
	if r := cs.lastExpl[0]; r.Err != nil || r.Report.Added+r.Report.Changed != 0 {
		t.Fatalf("second import: %+v", r)
	}
}

// TestMemberWorkspaceOpensAsItsMember: a member workspace opened through the
// ordinary open path (start, recent files, command line) makes its member
// the user, whatever the preferences say.
func TestMemberWorkspaceOpensAsItsMember(t *testing.T) {
	t.Setenv(identity.ConfigEnv, "")
	dir := t.TempDir()
	sec := newTestState(t, "TK01", English)
	pkg := filepath.Join(dir, "TV03.parindex-package")
	if _, err := exchange.ExportPackageFile(sec.db, sec.period.ID, "TV03", pkg, time.Time{}); err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(dir, "TV03.parindex")
	s, err := data.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.OpenPackageFile(s, pkg, data.InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// someone else's laptop, whose preferences name the chair
	lap := newTestState(t, "TV01", English)
	if lap.me.ID != "TV01" || lap.role != RoleChair {
		t.Fatalf("before: me %q role %s", lap.me.ID, lap.role)
	}
	lap.Open(ws, false)
	wait(t, lap)
	if !samePath(lap.council.Path(), ws) || lap.me.ID != "TV03" || lap.role != RoleMember {
		t.Fatalf("the member workspace opened as %q (%s)", lap.me.ID, lap.role)
	}
	if !strings.Contains(lap.db.Actor, "TV03") {
		t.Fatalf("audit actor %q", lap.db.Actor)
	}
	// choosing another period keeps the workspace's member
	lap.SetPeriod(lap.period.ID)
	wait(t, lap)
	if lap.me.ID != "TV03" {
		t.Fatalf("after a period change: %q", lap.me.ID)
	}
	// back at the secretariat's file the preferences decide again
	lap.Open(sec.db.Path(), false)
	wait(t, lap)
	if lap.me.ID != "TV01" {
		t.Fatalf("back at the secretariat's file: %q", lap.me.ID)
	}
}
