package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"parindex/data"
	"parindex/exchange"
	"parindex/identity"
	"parindex/index"
)

// copyCouncil copies a closed council file (with its WAL, if any).
func copyCouncil(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(from + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// wantRefusal runs the CLI, which must fail (exit 1) saying want.
func wantRefusal(t *testing.T, want string, args ...string) string {
	t.Helper()
	r := runCLI(t, "", args...)
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, want) {
		t.Fatalf("parindex-cli %s: exit %d, want 1 and %q in\n%s%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r.stdout + r.stderr
}

// councilState is what must not differ between two secretariat files:
// every score, and the results.
func councilState(t *testing.T, db string) (string, string) {
	t.Helper()
	s, err := data.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.LatestPeriod()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(snap.Appraisals)
	return string(b), mustCLI(t, "--db", db, "compute", "--format", "json")
}

func auditHead(t *testing.T, db string) string {
	t.Helper()
	s, err := data.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, err := s.AuditHead()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var fingerprintRE = regexp.MustCompile(`fingerprint: ([A-Z2-7]{4}(-[A-Z2-7]{4}){7})`)

// TestOfflineCouncil plays a council round trip with three council files in
// separate folders: the secretariat's and two members' laptops.
func TestOfflineCouncil(t *testing.T) {
	root := t.TempDir()
	dir := func(name string) string {
		d := filepath.Join(root, name)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		return d
	}
	sec, lapA, lapB, lapC, mail := dir("secretariat"), dir("laptop-a"), dir("laptop-b"), dir("laptop-c"), dir("mail")
	secDB := filepath.Join(sec, "council.parindex")
	mustCLI(t, "--db", secDB, "demo", "--scale", "hanoi", "--seed", "1")
	cfgA, cfgB, cfgC := filepath.Join(lapA, "config"), filepath.Join(lapB, "config"), filepath.Join(lapC, "config")
	dbA, dbB := filepath.Join(lapA, "TV03.parindex"), filepath.Join(lapB, "TV06.parindex")
	at := func(name string) string { return filepath.Join(mail, name) }

	// Each laptop makes its key and shows its fingerprint; the same key next time.
	out := mustCLI(t, "identity", "show", "--config", cfgA)
	m := fingerprintRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("identity show printed %q", out)
	}
	fpA := m[1]
	if again := mustCLI(t, "identity", "show", "--config", cfgA); !strings.Contains(again, fpA) {
		t.Fatalf("the key changed: %q then %q", out, again)
	}
	if st, err := os.Stat(identity.KeyPath(cfgA)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}

	// The secretariat exports a package for each member.
	out = mustCLI(t, "--db", secDB, "package", "export", "--member", "TV03", "--out", at("TV03.parindex-package"))
	if !strings.Contains(out, "package 1 of member TV03") || !strings.Contains(out, "enrolment secret") {
		t.Errorf("export printed %q", out)
	}
	mustCLI(t, "--db", secDB, "package", "export", "--member", "TV06", "--out", at("TV06.parindex-package"))
	wantRefusal(t, "no assignments", "--db", secDB, "package", "export", "--member", "TV09", "--out", at("TV09.parindex-package"))

	// Each member opens theirs on their laptop.
	out = mustCLI(t, "--db", dbA, "package", "open", at("TV03.parindex-package"))
	if !strings.Contains(out, "member TV03's workspace created") {
		t.Errorf("open printed %q", out)
	}
	mustCLI(t, "--db", dbB, "package", "open", at("TV06.parindex-package"))
	if out := mustCLI(t, "--db", dbA, "package", "open", at("TV03.parindex-package")); !strings.Contains(out, "already open") {
		t.Errorf("opening twice printed %q", out)
	}
	wantRefusal(t, "workspace", "--db", dbA, "package", "open", at("TV06.parindex-package"))
	wantRefusal(t, "secretariat", "--db", secDB, "package", "open", at("TV06.parindex-package"))

	// What member A may score.
	var items []scoreItem
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", dbA, "assignments", "--format", "json")), &items); err != nil {
		t.Fatal(err)
	}
	if len(items) < 50 {
		t.Fatalf("TV03 may score %d items", len(items))
	}
	for _, it := range items {
		if it.Field != "2" || it.Points == nil || it.Round != 1 {
			t.Fatalf("item %+v: want field 2, scored in round 1 (the demo's scores came with the package)", it)
		}
	}
	first, second := items[0], items[1]
	mustCLI(t, "--db", dbA, "score", "set", "--unit", first.Unit, "--criterion", first.Criterion, "--points", first.Max.String())
	low := "0"
	mustCLI(t, "--db", dbA, "score", "set", "--unit", second.Unit, "--criterion", second.Criterion, "--points", low,
		"--reason", "Không có tài liệu kiểm chứng")
	// The same rules as typing: not above the max, a reason below the self-assessment, only the assigned fields.
	wantRefusal(t, "above the max", "--db", dbA, "score", "set", "--unit", first.Unit, "--criterion", first.Criterion, "--points", "99")
	if second.Self != nil && *second.Self > 0 {
		wantRefusal(t, "reason is required", "--db", dbA, "score", "set", "--unit", second.Unit, "--criterion", second.Criterion, "--points", "0")
	}
	wantRefusal(t, "not in your assignments", "--db", dbA, "score", "set", "--unit", first.Unit, "--criterion", "6.1.1", "--points", "0", "--reason", "x")
	wantRefusal(t, "workspace", "--db", dbA, "score", "set", "--member", "TV06", "--unit", first.Unit, "--criterion", first.Criterion, "--points", "0")
	wantRefusal(t, "round", "--db", dbA, "score", "set", "--round", "2", "--unit", first.Unit, "--criterion", first.Criterion, "--points", "0", "--reason", "x")

	// Member B scores too. Both return, signed.
	var itemsB []scoreItem
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", dbB, "assignments", "--format", "json")), &itemsB); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, "--db", dbB, "score", "set", "--unit", itemsB[3].Unit, "--criterion", itemsB[3].Criterion, "--points", itemsB[3].Max.String())
	out = mustCLI(t, "--db", dbA, "package", "return", "--out", at("TV03-v1.parindex-return"), "--config", cfgA)
	if !strings.Contains(out, "return version 1 of member TV03") || !strings.Contains(out, fpA) || !strings.Contains(out, "enrols this key") {
		t.Errorf("return printed %q", out)
	}
	mustCLI(t, "--db", dbB, "package", "return", "--out", at("TV06-v1.parindex-return"), "--config", cfgB)

	// The secretariat merges them in either order, to the same result.
	copyCouncil(t, secDB, filepath.Join(sec, "other-order.parindex"))
	out = mustCLI(t, "--db", secDB, "package", "merge", at("TV03-v1.parindex-return"), at("TV06-v1.parindex-return"))
	if !strings.Contains(out, "member TV03 version 1 round 1: 0 added, 2 changed") || !strings.Contains(out, "key "+fpA+" enrolled") {
		t.Errorf("merge printed %q", out)
	}
	mustCLI(t, "--db", filepath.Join(sec, "other-order.parindex"), "package", "merge", at("TV06-v1.parindex-return"), at("TV03-v1.parindex-return"))
	scores1, results1 := councilState(t, secDB)
	scores2, results2 := councilState(t, filepath.Join(sec, "other-order.parindex"))
	if scores1 != scores2 || results1 != results2 {
		t.Error("merging in another order gave another result")
	}
	if !strings.Contains(scores1, `"reason":"Không có tài liệu kiểm chứng"`) {
		t.Error("the merged scores lack member A's reason")
	}

	// Merging the same file again changes nothing.
	head := auditHead(t, secDB)
	out = mustCLI(t, "--db", secDB, "package", "merge", at("TV03-v1.parindex-return"))
	if !strings.Contains(out, "already merged") || auditHead(t, secDB) != head {
		t.Errorf("re-merge printed %q or changed the file", out)
	}

	// A tampered file is refused: one score changed after signing.
	b, err := os.ReadFile(at("TV03-v1.parindex-return"))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(`"points":`))
	tampered := append([]byte(nil), b...)
	if tampered[i+9] == '0' {
		tampered[i+9] = '1'
	} else {
		tampered[i+9] = '0'
	}
	if err := os.WriteFile(at("tampered.parindex-return"), tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, "signature does not verify", "--db", secDB, "package", "merge", at("tampered.parindex-return"))
	if auditHead(t, secDB) != head {
		t.Error("a refused file changed the council file")
	}

	// A later version supersedes; replaying the older one is refused.
	mustCLI(t, "--db", dbA, "score", "set", "--unit", second.Unit, "--criterion", second.Criterion, "--points", second.Max.String())
	mustCLI(t, "--db", dbA, "package", "return", "--out", at("TV03-v2.parindex-return"), "--config", cfgA)
	out = mustCLI(t, "--db", secDB, "package", "merge", at("TV03-v2.parindex-return"))
	if !strings.Contains(out, "version 2 round 1: 0 added, 1 changed") {
		t.Errorf("merge of v2 printed %q", out)
	}
	wantRefusal(t, "older than version 2", "--db", secDB, "package", "merge", at("TV03-v1.parindex-return"))

	// Scores outside the assignments, signed with A's own key: refused.
	idA, err := identity.Load(cfgA)
	if err != nil {
		t.Fatal(err)
	}
	s, err := data.Open(secDB)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := s.Workspace()
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.LatestPeriod()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	forge := func(name string, rc *data.ReturnContent, id *identity.Identity) string {
		var buf bytes.Buffer
		if _, err := exchange.WriteReturn(&buf, rc, id, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(at(name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return at(name)
	}
	outside := &data.ReturnContent{CouncilID: ws.CouncilID, Period: p, Round: 1, Member: "TV03", Version: 3,
		Scores: []index.AppraisalScore{{Member: "TV03", Unit: first.Unit, Criterion: "6.1.1", Round: 1, Points: 0, Reason: "x"}}}
	wantRefusal(t, "outside member TV03's assignments", "--db", secDB, "package", "merge", forge("outside.parindex-return", outside, idA))
	// Another laptop's key for member A: refused, A's key is pinned.
	idC, err := identity.LoadOrCreate(cfgC)
	if err != nil {
		t.Fatal(err)
	}
	stolen := *outside
	stolen.Scores = nil
	wantRefusal(t, "enrolled key "+fpA, "--db", secDB, "package", "merge", forge("other-key.parindex-return", &stolen, idC))
	// A return for another council.
	otherCouncil := stolen
	otherCouncil.CouncilID = "0123456789abcdef0123456789abcdef"
	wantRefusal(t, "is for council 0123456789abcdef0123456789abcdef", "--db", secDB, "package", "merge", forge("other-council.parindex-return", &otherCouncil, idA))
	// A return for another period.
	otherPeriod := stolen
	otherPeriod.Period.Year = 2023
	wantRefusal(t, "period 2023", "--db", secDB, "package", "merge", forge("other-period.parindex-return", &otherPeriod, idA))
	if auditHead(t, secDB) == head {
		t.Fatal("v2 was not merged")
	}

	// Status on both sides.
	if out := mustCLI(t, "--db", secDB, "package", "status"); !strings.Contains(out, "TV03") || !strings.Contains(out, fpA) {
		t.Errorf("status printed %q", out)
	}
	if out := mustCLI(t, "--db", dbA, "package", "status"); !strings.Contains(out, "member workspace of TV03") {
		t.Errorf("member status printed %q", out)
	}

	// A council decision needs more than half of the 10 voting members.
	wantRefusal(t, "not more than half", "--db", secDB, "decide", "--unit", first.Unit, "--criterion", first.Criterion,
		"--points", "0", "--reason", "Hội đồng thống nhất", "--votes-for", "5")
	mustCLI(t, "--db", secDB, "decide", "--unit", first.Unit, "--criterion", first.Criterion,
		"--points", "0", "--reason", "Hội đồng thống nhất", "--votes-for", "6")

	// Finalise; then nothing changes until reopened.
	out = mustCLI(t, "--db", secDB, "finalize", "--reason", "Biên bản họp Hội đồng ngày 05/02/2025")
	if !strings.Contains(out, "results digest: sha256:") {
		t.Errorf("finalize printed %q", out)
	}
	wantRefusal(t, "finalised", "--db", secDB, "score", "set", "--member", "TV03", "--unit", first.Unit, "--criterion", first.Criterion, "--points", "0", "--reason", "x")
	wantRefusal(t, "finalised", "--db", secDB, "decide", "--unit", first.Unit, "--criterion", first.Criterion, "--points", "0", "--reason", "x", "--votes-for", "7")
	mustCLI(t, "--db", dbA, "score", "set", "--unit", first.Unit, "--criterion", first.Criterion, "--points", "0", "--reason", "sau khi chốt")
	mustCLI(t, "--db", dbA, "package", "return", "--out", at("TV03-v3.parindex-return"), "--config", cfgA)
	wantRefusal(t, "finalised", "--db", secDB, "package", "merge", at("TV03-v3.parindex-return"))
	wantRefusal(t, "finalised", "--db", secDB, "package", "export", "--member", "TV03", "--out", at("late.parindex-package"))
	if r := runCLI(t, "", "--db", secDB, "reopen"); r.code != 2 || !strings.Contains(r.stderr, "--reason") {
		t.Errorf("reopen without a reason: %+v", r)
	}
	mustCLI(t, "--db", secDB, "reopen", "--reason", "Sửa sai sót theo kết luận của Chủ tịch")
	mustCLI(t, "--db", secDB, "package", "merge", at("TV03-v3.parindex-return"))
	if out := mustCLI(t, "--db", secDB, "audit", "verify"); !strings.Contains(out, "audit ok") {
		t.Errorf("audit verify: %q", out)
	}
	for _, db := range []string{dbA, dbB, filepath.Join(sec, "other-order.parindex")} {
		if out := mustCLI(t, "--db", db, "audit", "verify"); !strings.Contains(out, "audit ok") {
			t.Errorf("audit verify %s: %q", db, out)
		}
	}
}

// TestRoundTwo: unit sheets, explanations and a round 2 package.
func TestRoundTwo(t *testing.T) {
	root := t.TempDir()
	secDB, dbA, cfgA := filepath.Join(root, "sec.parindex"), filepath.Join(root, "a.parindex"), filepath.Join(root, "cfg")
	mustCLI(t, "--db", secDB, "demo", "--scale", "hanoi", "--seed", "1")
	mustCLI(t, "--db", secDB, "members", "enrol", "--member", "TV03", "--key", strings.ToLower(idFingerprint(t, cfgA)))
	out := mustCLI(t, "--db", secDB, "package", "export", "--member", "TV03", "--out", filepath.Join(root, "p1"))
	if !strings.Contains(out, "enrolled key") {
		t.Errorf("export after enrolment printed %q", out)
	}
	mustCLI(t, "--db", dbA, "package", "open", filepath.Join(root, "p1"))

	var items []scoreItem
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", secDB, "assignments", "--member", "TV03", "--format", "json")), &items); err != nil {
		t.Fatal(err)
	}
	unit := items[0].Unit
	for _, format := range []string{"json", "csv"} {
		sheet := filepath.Join(root, "sheet."+format)
		mustCLI(t, "--db", secDB, "package", "unit-sheet", "--unit", unit, "--out", sheet)
		b, err := os.ReadFile(sheet)
		if err != nil {
			t.Fatal(err)
		}
		// The unit answers on the first criterion of member A.
		var answered []byte
		if format == "json" {
			var j map[string]any
			if err := json.Unmarshal(b, &j); err != nil {
				t.Fatal(err)
			}
			var it map[string]any
			for _, x := range j["items"].([]any) {
				if x.(map[string]any)["criterion"] == items[0].Criterion {
					it = x.(map[string]any)
				}
			}
			it["explanation"] = "Đơn vị đã ban hành kế hoạch (giải trình " + format + ")"
			it["extra_evidence"] = "Quyết định số 15/QĐ-UBND"
			answered, _ = json.Marshal(j)
		} else {
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				if row[3] == items[0].Criterion {
					row[10], row[11] = "Đơn vị đã ban hành kế hoạch (giải trình csv)", "Quyết định số 15/QĐ-UBND"
				}
			}
			var buf bytes.Buffer
			csv.NewWriter(&buf).WriteAll(rows)
			answered = buf.Bytes()
		}
		if err := os.WriteFile(sheet, answered, 0o644); err != nil {
			t.Fatal(err)
		}
		out := mustCLI(t, "--db", secDB, "package", "explanations", sheet)
		if !strings.Contains(out, ": 1 explanations recorded") {
			t.Errorf("%s import printed %q", format, out)
		}
		if out := mustCLI(t, "--db", secDB, "package", "explanations", sheet); !strings.Contains(out, "0 explanations recorded") {
			t.Errorf("%s import twice printed %q", format, out)
		}
	}
	mustCLI(t, "--db", secDB, "package", "round", "2", "--reason", "Kết thúc vòng 1")
	mustCLI(t, "--db", secDB, "package", "export", "--member", "TV03", "--out", filepath.Join(root, "p2"))
	out = mustCLI(t, "--db", dbA, "package", "open", filepath.Join(root, "p2"))
	if !strings.Contains(out, "round 2") {
		t.Errorf("round 2 open printed %q", out)
	}
	s, err := data.Open(dbA)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.LatestPeriod()
	snap, err := s.Snapshot(p.ID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sc := range snap.Self {
		if sc.Unit == unit && sc.Criterion == items[0].Criterion {
			found = sc.Explanation == "Đơn vị đã ban hành kế hoạch (giải trình csv)" && strings.Contains(sc.Evidence, "Quyết định số 15/QĐ-UBND")
		}
	}
	if !found {
		t.Error("the round 2 package does not carry the unit's explanation")
	}
	mustCLI(t, "--db", dbA, "score", "set", "--unit", unit, "--criterion", items[0].Criterion, "--points", items[0].Max.String(), "--reason", "Chấp nhận giải trình")
	mustCLI(t, "--db", dbA, "package", "return", "--out", filepath.Join(root, "r2"), "--config", cfgA)
	out = mustCLI(t, "--db", secDB, "package", "merge", filepath.Join(root, "r2"))
	if !strings.Contains(out, "round 2: 0 added, 0 changed") && !strings.Contains(out, "round 2: 1 added") {
		t.Errorf("round 2 merge printed %q", out)
	}
}

func idFingerprint(t *testing.T, cfg string) string {
	t.Helper()
	m := fingerprintRE.FindStringSubmatch(mustCLI(t, "identity", "show", "--config", cfg))
	if m == nil {
		t.Fatal("no fingerprint")
	}
	return m[1]
}

func TestMembersCommands(t *testing.T) {
	db := hanoiDB(t)
	var rows []struct {
		ID, Name, Role string
		Fields         []struct{ Block, Field string }
	}
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", db, "members", "list", "--format", "json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 11 || rows[2].ID != "TV03" || len(rows[2].Fields) == 0 {
		t.Fatalf("members list: %+v", rows)
	}
	cfg := filepath.Join(t.TempDir(), "cfg")
	pubFile := filepath.Join(t.TempDir(), "tv05.pub")
	mustCLI(t, "identity", "export", "--config", cfg, "--out", pubFile)
	out := mustCLI(t, "--db", db, "members", "enrol", "--member", "TV05", "--key", pubFile)
	if !strings.Contains(out, idFingerprint(t, cfg)) {
		t.Errorf("enrol printed %q", out)
	}
	mustCLI(t, "--db", db, "members", "enrol", "--member", "TV05", "--clear")
	if r := runCLI(t, "", "--db", db, "members", "enrol", "--member", "TV05", "--key", "no-such-file"); r.code != 2 {
		t.Errorf("enrol with a bad key: %+v", r)
	}
	var ex struct{ Members []data.MemberExchange }
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", db, "package", "status", "--format", "json")), &ex); err != nil {
		t.Fatal(err)
	}
	if len(ex.Members) != 11 || ex.Members[4].Fingerprint != "" {
		t.Errorf("status after clearing: %+v", ex.Members)
	}
	mustCLI(t, "--db", db, "package", "round")
	if r := runCLI(t, "", "--db", db, "package", "round", "3"); r.code != 2 {
		t.Errorf("round 3: %+v", r)
	}
}
