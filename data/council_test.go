package data

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"testing"

	"parindex/identity"
	"parindex/index"
)

// councilFixture is a secretariat with the small fixture, member m3 on
// field 1 and m4 on field 3, and one member workspace per member.
type councilFixture struct {
	fixture
	keys map[string]ed25519.PrivateKey
}

func newCouncilFixture(t *testing.T) councilFixture {
	t.Helper()
	f := newFixture(t)
	must(t, f.s.SetAssignments(f.period, "m4", []index.Assignment{{Block: "so", Field: "3"}}))
	_, err := f.s.Apply(f.period, &Batch{Self: []index.SelfScore{
		{Unit: "U1", Criterion: "1.1", Points: 200, Evidence: "Kế hoạch số 12/KH"},
		{Unit: "U1", Criterion: "3.1", Points: 100},
		{Unit: "U2", Criterion: "1.1", Points: 150},
	}})
	must(t, err)
	return councilFixture{fixture: f, keys: map[string]ed25519.PrivateKey{
		"m3": ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32)),
		"m4": ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32)),
		"x":  ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32)),
	}}
}

// workspace opens a package for member into a new file.
func (f councilFixture) workspace(t *testing.T, member string) (*Store, int64) {
	t.Helper()
	pc, err := f.s.PreparePackage(f.period, member)
	must(t, err)
	ws := openAt(t, filepath.Join(t.TempDir(), member+".parindex"))
	rep, err := ws.InstallPackage(pc, "digest-1", InstallOptions{})
	must(t, err)
	return ws, rep.Period
}

// returnOf makes a return of the workspace's period signed by key.
func returnOf(t *testing.T, ws *Store, period int64, key ed25519.PrivateKey, withProof bool) *ReturnMerge {
	t.Helper()
	rc, err := ws.PrepareReturn(period)
	must(t, err)
	must(t, ws.MarkReturned(period, rc.Version, rc.Digest))
	pub := key.Public().(ed25519.PublicKey)
	in := &ReturnMerge{File: "r.parindex-return", CouncilID: rc.CouncilID, Period: rc.Period, Round: rc.Round,
		Member: rc.Member, Version: rc.Version, Digest: rc.Digest + string(rune('a'+rc.Version)), PublicKey: pub, Scores: rc.Scores}
	if withProof && rc.EnrolSecret != nil {
		in.EnrolProof, err = identity.EnrolmentProof(rc.EnrolSecret, rc.CouncilID, rc.Period.ID, rc.Member, pub)
		must(t, err)
	}
	return in
}

func wantRefused(t *testing.T, err error, kind string) {
	t.Helper()
	var me *MergeError
	if !errors.As(err, &me) || !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want a refusal %s", err, kind)
	}
	if me.Kind != kind {
		t.Fatalf("refused as %s (%v), want %s", me.Kind, err, kind)
	}
}

func TestPackageContent(t *testing.T) {
	f := newCouncilFixture(t)
	info, err := f.s.Workspace()
	must(t, err)
	if info.Mode != ModeSecretariat || info.CouncilID != "" {
		t.Fatalf("fresh file: %+v", info)
	}
	pc, err := f.s.PreparePackage(f.period, "m3")
	must(t, err)
	info, _ = f.s.Workspace()
	if info.CouncilID == "" || pc.CouncilID != info.CouncilID {
		t.Fatalf("council ID %q, package %q", info.CouncilID, pc.CouncilID)
	}
	if pc.Sequence != 1 || pc.Round != 1 || len(pc.EnrolSecret) != identity.SecretSize || pc.EnrolledKey != "" {
		t.Errorf("seq %d round %d secret %d key %q", pc.Sequence, pc.Round, len(pc.EnrolSecret), pc.EnrolledKey)
	}
	if len(pc.Frameworks) != 1 || len(pc.Blocks) != 1 || len(pc.Units) != 3 || len(pc.Assignments) != 1 {
		t.Errorf("frameworks %d blocks %d units %d assignments %d", len(pc.Frameworks), len(pc.Blocks), len(pc.Units), len(pc.Assignments))
	}
	if len(pc.Self) != 2 { // U1 1.1 and U2 1.1: 3.1 is in m4's field
		t.Errorf("self-assessments %+v, want those of field 1 only", pc.Self)
	}
	pc2, err := f.s.PreparePackage(f.period, "m3")
	must(t, err)
	if pc2.Sequence != 2 || bytes.Equal(pc2.EnrolSecret, pc.EnrolSecret) {
		t.Error("a second package must have the next number and a new secret")
	}
	if _, err := f.s.PreparePackage(f.period, "m5"); !errors.Is(err, ErrInvalid) {
		t.Errorf("package for a member without assignments: %v", err)
	}
	if _, err := f.s.PreparePackage(f.period, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("package for an unknown member: %v", err)
	}
}

func TestMemberWorkspaceRules(t *testing.T) {
	f := newCouncilFixture(t)
	ws, p := f.workspace(t, "m3")
	info, err := ws.Workspace()
	must(t, err)
	if info.Mode != ModeMember || info.MemberID != "m3" || info.MemberName != "Thành viên 3" {
		t.Fatalf("workspace %+v", info)
	}
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}))
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.2.1", Round: 1, Points: 100}))
	for name, err := range map[string]error{
		"outside the assignments": ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "3.1", Round: 1, Points: 100}),
	} {
		if !errors.Is(err, ErrNotAssigned) {
			t.Errorf("%s: %v, want ErrNotAssigned", name, err)
		}
	}
	for name, err := range map[string]error{
		"another member": ws.SetAppraisal(p, index.AppraisalScore{Member: "m4", Unit: "U1", Criterion: "1.1", Round: 1, Points: 100}),
		"round 2":        ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 2, Points: 100, Reason: "x"}),
		"self":           ws.SetSelf(p, index.SelfScore{Unit: "U1", Criterion: "1.1", Points: 100}),
		"decision":       ws.SetDecision(p, index.Decision{Unit: "U1", Criterion: "1.1", Points: 100, Reason: "x", VotesFor: 1}),
		"framework":      ws.SaveFramework(&index.Framework{Code: "x"}),
		"finalize":       ws.Finalize(p, "", "done"),
		"period":         func() error { _, err := ws.CreatePeriod(index.Period{Year: 2030, Round: index.FullYear}); return err }(),
		"settings":       ws.SetPeriodSettings(p, map[string]string{"a": "b"}),
		"enrol":          ws.EnrolMemberKey(p, "m3", "", nil, ""),
	} {
		// Another member is not even in the workspace; the framework is refused as invalid first.
		if !errors.Is(err, ErrMemberWorkspace) && !(name == "framework" && errors.Is(err, ErrInvalid)) && !(name == "another member" && errors.Is(err, ErrNotFound)) {
			t.Errorf("%s: %v, want ErrMemberWorkspace", name, err)
		}
	}
	// Below the self-assessment without a reason: the usual rule.
	if err := ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.1", Round: 1, Points: 50}); !errors.Is(err, ErrInvalid) {
		t.Errorf("below self without a reason: %v", err)
	}
	must(t, ws.DeleteAppraisal(p, "m3", "U2", "1.2.1", 1, "nhầm"))
	if _, err := ws.PreparePackage(p, "m3"); !errors.Is(err, ErrMemberWorkspace) {
		t.Errorf("export from a workspace: %v", err)
	}
	// A package never opens into the secretariat's file, nor into another member's workspace.
	pc, err := f.s.PreparePackage(f.period, "m4")
	must(t, err)
	if _, err := f.s.InstallPackage(pc, "d", InstallOptions{}); !errors.Is(err, ErrMemberWorkspace) {
		t.Errorf("package into the secretariat: %v", err)
	}
	if _, err := ws.InstallPackage(pc, "d", InstallOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("m4's package into m3's workspace: %v", err)
	}
	rep, err := ws.VerifyAudit()
	must(t, err)
	if !rep.OK() {
		t.Errorf("workspace audit: %s", rep)
	}
}

func (f fixture) appraisals(t *testing.T) []index.AppraisalScore {
	t.Helper()
	snap, err := f.s.Snapshot(f.period)
	must(t, err)
	return snap.Appraisals
}

func TestMergeReturns(t *testing.T) {
	f := newCouncilFixture(t)
	ws3, p3 := f.workspace(t, "m3")
	ws4, p4 := f.workspace(t, "m4")
	must(t, ws3.SetAppraisal(p3, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 150, Reason: "Thiếu tài liệu"}))
	must(t, ws3.SetAppraisal(p3, index.AppraisalScore{Member: "m3", Unit: "U3", Criterion: "1.2.2", Round: 1, Points: 125}))
	must(t, ws4.SetAppraisal(p4, index.AppraisalScore{Member: "m4", Unit: "U1", Criterion: "3.1", Round: 1, Points: 100}))

	mi, err := ws3.MemberPeriod(p3)
	must(t, err)
	if !mi.Unreturned || mi.Scores != 2 || !mi.CanEnrol || mi.Round != 1 {
		t.Errorf("member period before the return: %+v", mi)
	}
	r3 := returnOf(t, ws3, p3, f.keys["m3"], true)
	r4 := returnOf(t, ws4, p4, f.keys["m4"], true)
	if mi, _ = ws3.MemberPeriod(p3); mi.Unreturned || mi.LastReturn != 1 {
		t.Errorf("member period after the return: %+v", mi)
	}

	// Without the proof the key is unknown.
	noProof := *r3
	noProof.EnrolProof = nil
	_, err = f.s.MergeReturn(&noProof)
	wantRefused(t, err, RefusedUnknownKey)
	// A proof made for another key does not enrol this one.
	stolen := *r3
	stolen.PublicKey = f.keys["x"].Public().(ed25519.PublicKey)
	_, err = f.s.MergeReturn(&stolen)
	wantRefused(t, err, RefusedUnknownKey)

	dry := *r3
	dry.DryRun = true
	rep, err := f.s.MergeReturn(&dry)
	must(t, err)
	if rep.Added != 2 || !rep.Enrolled {
		t.Errorf("dry run: %+v", rep)
	}
	if len(f.appraisals(t)) != 0 {
		t.Fatal("a dry run wrote scores")
	}
	rep, err = f.s.MergeReturn(r3)
	must(t, err)
	if rep.Added != 2 || !rep.Enrolled || rep.Fingerprint != identity.Fingerprint(f.keys["m3"].Public().(ed25519.PublicKey)) {
		t.Errorf("first merge: %+v", rep)
	}
	rep, err = f.s.MergeReturn(r4)
	must(t, err)
	if rep.Added != 1 {
		t.Errorf("m4 merge: %+v", rep)
	}
	// The same file again changes nothing.
	rep, err = f.s.MergeReturn(r3)
	must(t, err)
	if !rep.AlreadyMerged || rep.Added+rep.Changed+rep.Removed != 0 {
		t.Errorf("second merge: %+v", rep)
	}
	fp, pub, err := f.s.MemberKey(f.period, "m3")
	must(t, err)
	if !bytes.Equal(pub, f.keys["m3"].Public().(ed25519.PublicKey)) || fp == "" {
		t.Error("the key is not pinned")
	}

	// Version 2 changes one score and drops the other.
	must(t, ws3.SetAppraisal(p3, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}))
	must(t, ws3.DeleteAppraisal(p3, "m3", "U3", "1.2.2", 1, "chấm nhầm đơn vị"))
	r3v2 := returnOf(t, ws3, p3, f.keys["m3"], true)
	if r3v2.EnrolProof == nil {
		t.Error("the workspace should still carry its proof")
	}
	rep, err = f.s.MergeReturn(r3v2)
	must(t, err)
	if rep.Changed != 1 || rep.Removed != 1 || rep.Enrolled {
		t.Errorf("version 2: %+v", rep)
	}
	// The older version is refused now.
	_, err = f.s.MergeReturn(r3)
	wantRefused(t, err, RefusedOldVersion)
	// A different file with the same version: refused.
	conflict := *r3v2
	conflict.Digest = "other"
	_, err = f.s.MergeReturn(&conflict)
	wantRefused(t, err, RefusedVersionConflict)
	// Another key for m3: refused, the key is pinned.
	other := returnOf(t, ws3, p3, f.keys["x"], true)
	_, err = f.s.MergeReturn(other)
	wantRefused(t, err, RefusedKeyMismatch)
	// Outside the assignments, another council, period, round.
	bad := returnOf(t, ws3, p3, f.keys["m3"], false)
	bad.Scores = append(bad.Scores, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "3.2", Round: 1, Points: 0})
	_, err = f.s.MergeReturn(bad)
	wantRefused(t, err, RefusedOutsideAssignments)
	if !errors.Is(err, ErrNotAssigned) {
		t.Error("outside assignments must wrap ErrNotAssigned")
	}
	bad = returnOf(t, ws3, p3, f.keys["m3"], false)
	bad.CouncilID = "another"
	_, err = f.s.MergeReturn(bad)
	wantRefused(t, err, RefusedOtherCouncil)
	bad = returnOf(t, ws3, p3, f.keys["m3"], false)
	bad.Period.Year = 2023
	_, err = f.s.MergeReturn(bad)
	wantRefused(t, err, RefusedOtherPeriod)
	bad = returnOf(t, ws3, p3, f.keys["m3"], false)
	bad.Round = 2
	for i := range bad.Scores {
		bad.Scores[i].Round = 2
	}
	_, err = f.s.MergeReturn(bad)
	wantRefused(t, err, RefusedWrongRound)
	bad = returnOf(t, ws3, p3, f.keys["m3"], false)
	bad.Scores[0].Points = 999
	_, err = f.s.MergeReturn(bad)
	wantRefused(t, err, RefusedInvalidScore)
	if _, err := ws3.MergeReturn(r4); !errors.Is(err, ErrRefused) {
		t.Errorf("merge into a workspace: %v", err)
	}

	want := []index.AppraisalScore{
		{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200},
		{Member: "m4", Unit: "U1", Criterion: "3.1", Round: 1, Points: 100},
	}
	got := f.appraisals(t)
	if len(got) != len(want) {
		t.Fatalf("appraisals %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("appraisal %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	ex, err := f.s.MemberExchanges(f.period)
	must(t, err)
	for _, e := range ex {
		if e.ID == "m3" && (e.ReturnVersion != 2 || e.ReturnsMerged != 2 || e.Packages != 1 || !e.KeyPinned || e.PendingSecrets != 0) {
			t.Errorf("m3 exchange %+v", e)
		}
	}
	for _, s := range []*Store{f.s, ws3, ws4} {
		a, err := s.VerifyAudit()
		must(t, err)
		if !a.OK() {
			t.Errorf("audit of %s: %s", s.Path(), a)
		}
	}
}

func TestEnrolBeforehand(t *testing.T) {
	f := newCouncilFixture(t)
	pub := f.keys["m3"].Public().(ed25519.PublicKey)
	// The secret of a package sent before enrolment is withdrawn by it.
	ws, p := f.workspace(t, "m3")
	must(t, f.s.EnrolMemberKey(f.period, "m3", identity.Fingerprint(pub), nil, "đăng ký trực tiếp"))
	if _, err := f.s.PreparePackage(f.period, "m3"); err != nil {
		t.Fatal(err)
	}
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}))
	other := returnOf(t, ws, p, f.keys["x"], true)
	_, err := f.s.MergeReturn(other)
	wantRefused(t, err, RefusedKeyMismatch)
	good := returnOf(t, ws, p, f.keys["m3"], false)
	rep, err := f.s.MergeReturn(good)
	must(t, err)
	if rep.Enrolled || rep.Added != 1 {
		t.Errorf("merge with an enrolled fingerprint: %+v", rep)
	}
	_, got, err := f.s.MemberKey(f.period, "m3")
	must(t, err)
	if !bytes.Equal(got, pub) {
		t.Error("the first return did not pin the key")
	}
	// Re-enrolment lets a new key in.
	newPub := f.keys["x"].Public().(ed25519.PublicKey)
	must(t, f.s.EnrolMemberKey(f.period, "m3", "", newPub, "máy tính mới"))
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 175, Reason: "x"}))
	rep, err = f.s.MergeReturn(returnOf(t, ws, p, f.keys["x"], false))
	must(t, err)
	if rep.Changed != 1 {
		t.Errorf("merge after re-enrolment: %+v", rep)
	}
	if err := f.s.EnrolMemberKey(f.period, "m3", "AAAA", nil, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad fingerprint: %v", err)
	}
	if err := f.s.EnrolMemberKey(f.period, "m3", identity.Fingerprint(pub), newPub, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("fingerprint of another key: %v", err)
	}
}

func TestPackageRounds(t *testing.T) {
	f := newCouncilFixture(t)
	ws, p := f.workspace(t, "m3")
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 150, Reason: "Thiếu"}))
	_, err := f.s.MergeReturn(returnOf(t, ws, p, f.keys["m3"], true))
	must(t, err)

	// Explanations, then round 2.
	rep, err := f.s.SetExplanations(f.period, "U1", []Explanation{{Criterion: "1.1", Explanation: "Đã bổ sung kế hoạch", ExtraEvidence: "Công văn 5/CV"}})
	must(t, err)
	if rep.Changed != 1 {
		t.Errorf("explanations: %+v", rep)
	}
	rep, err = f.s.SetExplanations(f.period, "U1", []Explanation{{Criterion: "1.1", Explanation: "Đã bổ sung kế hoạch", ExtraEvidence: "Công văn 5/CV"}})
	must(t, err)
	if rep.Changed+rep.Added != 0 {
		t.Errorf("explanations twice: %+v", rep)
	}
	if _, err := f.s.SetExplanations(f.period, "U3", []Explanation{{Criterion: "1.1", Explanation: "x"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("explanation without a self-assessment: %v", err)
	}
	must(t, f.s.SetCouncilRound(f.period, 2, "hết vòng 1"))

	// A round 1 change not returned blocks the round 2 package.
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "1.1", Round: 1, Points: 150}))
	pc, err := f.s.PreparePackage(f.period, "m3")
	must(t, err)
	if pc.Round != 2 || pc.EnrolSecret != nil || pc.EnrolledKey == "" {
		t.Errorf("round 2 package: round %d secret %v key %q", pc.Round, pc.EnrolSecret, pc.EnrolledKey)
	}
	if _, err := ws.InstallPackage(pc, "digest-2", InstallOptions{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("round 2 package over unreturned round 1 scores: %v", err)
	}
	inst, err := ws.InstallPackage(pc, "digest-2", InstallOptions{Discard: true})
	must(t, err)
	if inst.Round != 2 || inst.Created {
		t.Errorf("install: %+v", inst)
	}
	snap, err := ws.Snapshot(p)
	must(t, err)
	for _, sc := range snap.Self {
		if sc.Unit == "U1" && sc.Criterion == "1.1" && (sc.Explanation != "Đã bổ sung kế hoạch" || sc.Evidence != "Kế hoạch số 12/KH\nCông văn 5/CV") {
			t.Errorf("self-assessment in round 2: %+v", sc)
		}
	}
	if len(snap.Appraisals) != 1 || snap.Appraisals[0].Points != 150 {
		t.Errorf("round 1 scores after the round 2 package: %+v", snap.Appraisals)
	}
	// Opening the same package again changes nothing; an older one is refused.
	inst, err = ws.InstallPackage(pc, "digest-2", InstallOptions{})
	must(t, err)
	if !inst.AlreadyOpen {
		t.Errorf("same package twice: %+v", inst)
	}
	old := *pc
	old.Sequence = 1
	if _, err := ws.InstallPackage(&old, "digest-old", InstallOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("older package: %v", err)
	}
	if err := ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}); !errors.Is(err, ErrMemberWorkspace) {
		t.Errorf("round 1 score in round 2: %v", err)
	}
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 2, Points: 200, Reason: "Chấp nhận giải trình"}))
	r2 := returnOf(t, ws, p, f.keys["m3"], false)
	if r2.Round != 2 || r2.Version != 2 {
		t.Errorf("round 2 return: round %d version %d", r2.Round, r2.Version)
	}
	mrep, err := f.s.MergeReturn(r2)
	must(t, err)
	if mrep.Added != 1 || mrep.Removed != 0 {
		t.Errorf("round 2 merge: %+v", mrep)
	}

	// Finalise: computed digest, then nothing merges or changes.
	fin, err := f.s.FinalizeComputed(f.period, "Biên bản họp", func(s *index.Snapshot) (string, error) {
		if len(s.Appraisals) != 2 {
			t.Errorf("finalised snapshot has %d appraisals", len(s.Appraisals))
		}
		return "sha256:test", nil
	})
	must(t, err)
	if !fin.Finalized || fin.ResultsDigest != "sha256:test" || fin.AuditHead == "" {
		t.Errorf("finalization %+v", fin)
	}
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 2, Points: 175, Reason: "x"}))
	_, err = f.s.MergeReturn(returnOf(t, ws, p, f.keys["m3"], false))
	wantRefused(t, err, RefusedFinalized)
	if !errors.Is(err, ErrFinalized) {
		t.Error("a finalised refusal must wrap ErrFinalized")
	}
	if err := f.s.SetCouncilRound(f.period, 1, "x"); !errors.Is(err, ErrFinalized) {
		t.Errorf("round change after finalising: %v", err)
	}
	if _, err := f.s.PreparePackage(f.period, "m3"); !errors.Is(err, ErrFinalized) {
		t.Errorf("package after finalising: %v", err)
	}
	a, err := f.s.VerifyAudit()
	must(t, err)
	if !a.OK() {
		t.Errorf("audit: %s", a)
	}
}

func TestAssignmentsChangeBetweenPackages(t *testing.T) {
	f := newCouncilFixture(t)
	ws, p := f.workspace(t, "m3")
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}))
	_, err := f.s.MergeReturn(returnOf(t, ws, p, f.keys["m3"], true))
	must(t, err)
	// The secretariat moves m3 from field 1 to field 3.
	must(t, f.s.SetAssignments(f.period, "m3", []index.Assignment{{Block: "so", Field: "3"}}))
	pc, err := f.s.PreparePackage(f.period, "m3")
	must(t, err)
	if _, err := ws.InstallPackage(pc, "digest-2", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 150, Reason: "x"}); !errors.Is(err, ErrNotAssigned) {
		t.Errorf("score on the old field: %v", err)
	}
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U2", Criterion: "3.2", Round: 1, Points: 50}))
	in := returnOf(t, ws, p, f.keys["m3"], false)
	if len(in.Scores) != 1 || in.Scores[0].Criterion != "3.2" {
		t.Fatalf("the return carries %+v, want only the score of the new field", in.Scores)
	}
	rep, err := f.s.MergeReturn(in)
	must(t, err)
	// The old field's score at the secretariat is outside the new scope: left alone.
	if rep.Added != 1 || rep.Removed != 0 {
		t.Errorf("merge: %+v", rep)
	}
	if got := f.appraisals(t); len(got) != 2 {
		t.Errorf("appraisals %+v", got)
	}
}

func TestUnitTakenOutBetweenPackages(t *testing.T) {
	f := newCouncilFixture(t)
	ws, p := f.workspace(t, "m3")
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U3", Criterion: "1.1", Round: 1, Points: 200}))
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 200}))
	_, err := f.s.MergeReturn(returnOf(t, ws, p, f.keys["m3"], true))
	must(t, err)
	must(t, f.s.SetUnitActive(f.period, "U3", false, "sáp nhập"))
	pc, err := f.s.PreparePackage(f.period, "m3")
	must(t, err)
	if _, err := ws.InstallPackage(pc, "digest-2", InstallOptions{}); err != nil {
		t.Fatal(err)
	}
	units, err := ws.Units(p)
	must(t, err)
	for _, u := range units {
		if u.Code == "U3" && u.Active {
			t.Error("U3 is still active in the workspace")
		}
	}
	must(t, ws.SetAppraisal(p, index.AppraisalScore{Member: "m3", Unit: "U1", Criterion: "1.1", Round: 1, Points: 175, Reason: "x"}))
	in := returnOf(t, ws, p, f.keys["m3"], false)
	if len(in.Scores) != 1 {
		t.Fatalf("the return carries %+v", in.Scores)
	}
	rep, err := f.s.MergeReturn(in)
	must(t, err)
	if rep.Changed != 1 || rep.Removed != 0 {
		t.Errorf("merge: %+v (the inactive unit's score must be kept)", rep)
	}
	must(t, f.s.SetUnitActive(f.period, "U3", true, "khôi phục"))
	if got := f.appraisals(t); len(got) != 2 {
		t.Errorf("appraisals after reactivation: %+v", got)
	}
}
