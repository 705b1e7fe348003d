package cli

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"parindex/index"
)

// result is what one CLI run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the real CLI in-process with the given arguments.
func runCLI(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// mustCLI runs the CLI and fails the test unless it exits 0.
func mustCLI(t testing.TB, args ...string) string {
	t.Helper()
	r := runCLI(t, "", args...)
	if r.code != 0 {
		t.Fatalf("parindex-cli %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// hanoiDB makes a council file holding the Hanoi demo.
func hanoiDB(t testing.TB) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "hanoi.parindex")
	mustCLI(t, "--db", db, "demo", "--scale", "hanoi", "--seed", "1")
	return db
}

func TestComputeJSON(t *testing.T) {
	db := hanoiDB(t)
	out := mustCLI(t, "--db", db, "compute", "--format", "json")
	var got struct {
		Units []struct {
			Code, Name, Block, Band                              string
			Appraisal, Survey, Bonus, Penalty, Total, Max, Index json.Number
			Rank                                                 int
			Fields                                               []struct {
				Code               string
				Points, Max, Index json.Number
			}
		}
		Blocks []struct {
			Code           string
			Count          int
			Mean, Min, Max json.Number
		}
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("compute --format json is not JSON: %v", err)
	}
	if len(got.Units) != 72 || len(got.Blocks) != 4 {
		t.Fatalf("%d units, %d blocks; want 72 and 4", len(got.Units), len(got.Blocks))
	}
	for _, u := range got.Units {
		// Numbers carry their exact two decimals and add up exactly.
		parse := func(n json.Number) index.Points {
			p, err := index.ParsePoints(n.String())
			if err != nil || !strings.Contains(n.String(), ".") {
				t.Fatalf("unit %s: %q is not an exact decimal", u.Code, n)
			}
			return p
		}
		if parse(u.Appraisal)+parse(u.Survey)+parse(u.Bonus)-parse(u.Penalty) != parse(u.Total) {
			t.Fatalf("unit %s: parts do not add up to %s", u.Code, u.Total)
		}
		if idx, _ := index.ParsePercent(u.Index.String()); idx != index.PercentOf(parse(u.Total), parse(u.Max)) {
			t.Fatalf("unit %s: index %s is not total/max", u.Code, u.Index)
		}
		if u.Rank < 1 || u.Band == "" || len(u.Fields) == 0 || u.Fields[0].Code == "" {
			t.Fatalf("unit %s incomplete: %+v", u.Code, u)
		}
	}
	// The published tie: Hoàn Kiếm and Nam Từ Liêm share a rank.
	ranks := map[string]int{}
	for _, u := range got.Units {
		ranks[u.Name] = u.Rank
	}
	if ranks["UBND quận Hoàn Kiếm"] == 0 || ranks["UBND quận Hoàn Kiếm"] != ranks["UBND quận Nam Từ Liêm"] {
		t.Fatalf("tie not shared: %d and %d", ranks["UBND quận Hoàn Kiếm"], ranks["UBND quận Nam Từ Liêm"])
	}
}

func TestComputeCSVAndTable(t *testing.T) {
	db := hanoiDB(t)
	csv := mustCLI(t, "--db", db, "compute", "--format", "csv")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 73 || !strings.HasPrefix(lines[0], "block,rank,code,name") {
		t.Fatalf("csv: %d lines, header %q", len(lines), lines[0])
	}
	table := mustCLI(t, "--db", db, "compute")
	if !strings.Contains(table, "Sở Tài chính") || !strings.Contains(table, ",") {
		t.Fatalf("table lacks units or Vietnamese numbers:\n%s", table)
	}
}

func TestUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.parindex")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--db", db, "nope"}, 2, `unknown command "nope"`},
		{[]string{"--db", db, "compute", "--format", "xml"}, 2, `--format "xml" is not one of`},
		{[]string{"--db", db, "demo", "--scale", "planet"}, 2, `--scale "planet"`},
		{[]string{"compute"}, 1, "no council file: pass --db FILE"},
		{[]string{"--db", db, "compute"}, 1, "period"},
		{[]string{"--db", db, "framework"}, 2, "needs a sub-command"},
		{[]string{"--db", db, "report", "--out", "x.pdf", "--kind", "poster"}, 2, "--kind"},
		{[]string{"--db", db, "sign", "--in", "a.pdf"}, 2, "sign needs --in, --out and --p12"},
	}
	for _, tc := range tests {
		r := runCLI(t, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); r.code != 0 && n > 0 && !strings.Contains(r.stdout+r.stderr, "usage") {
			t.Errorf("%v: error is not one line: %q", tc.args, r.stderr)
		}
	}
}

// TestHelpEverywhere asks every command and sub-command for --help.
func TestHelpEverywhere(t *testing.T) {
	var walk func(path []string, cs []*command)
	seen := 0
	walk = func(path []string, cs []*command) {
		for _, c := range cs {
			p := append(append([]string(nil), path...), c.name)
			r := runCLI(t, "", append(p, "--help")...)
			if r.code != 0 || !strings.Contains(r.stdout, "usage: parindex-cli") {
				t.Errorf("%s --help: exit %d, stdout %q stderr %q", strings.Join(p, " "), r.code, r.stdout, r.stderr)
			}
			seen++
			walk(p, c.sub)
		}
	}
	walk(nil, commands)
	if seen < 10 {
		t.Fatalf("only %d commands", seen)
	}
	if r := runCLI(t, "", "--help"); r.code != 0 || !strings.Contains(r.stdout, "compute") {
		t.Fatalf("top --help: %+v", r)
	}
	if r := runCLI(t, "", "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "parindex-cli ") {
		t.Fatalf("--version: %+v", r)
	}
}

func TestFrameworkImportRefusesBadFileAndChangesNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.parindex")
	mustCLI(t, "--db", db, "framework", "import", "sample:xa-phuong-2025")
	before := mustCLI(t, "--db", db, "framework", "list", "--format", "json")

	bad := filepath.Join(t.TempDir(), "bad.json")
	good := mustCLI(t, "--db", db, "framework", "export", "--code", "xa-phuong-2025")
	// Break one leaf's max so its parent's children no longer sum up.
	broken := strings.Replace(good, `"max": 0.50,`, `"max": 0.75,`, 1)
	if broken == good {
		t.Fatal("test fixture: no leaf with max 0.5 to break")
	}
	broken = strings.Replace(broken, `"code": "xa-phuong-2025"`, `"code": "xa-phuong-2025-sua"`, 1)
	os.WriteFile(bad, []byte(broken), 0o644)
	r := runCLI(t, "", "--db", db, "framework", "import", bad)
	if r.code == 0 || !strings.Contains(r.stderr, "bad.json") || !strings.Contains(r.stderr, "criterion") {
		t.Fatalf("bad framework: exit %d, %q", r.code, r.stderr)
	}
	if after := mustCLI(t, "--db", db, "framework", "list", "--format", "json"); after != before {
		t.Fatalf("a refused import changed the frameworks:\n%s\n%s", before, after)
	}
}

func TestAuditVerifyFindsEditsBehindTheProgramsBack(t *testing.T) {
	db := hanoiDB(t)
	if out := mustCLI(t, "--db", db, "audit", "verify"); !strings.HasPrefix(out, "audit ok") {
		t.Fatalf("fresh file: %s", out)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE appraisals SET points = points + 25 WHERE (unit, criterion, member, round) = (SELECT unit, criterion, member, round FROM appraisals LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	r := runCLI(t, "", "--db", db, "audit", "verify")
	if r.code != 1 || !strings.Contains(r.stderr, "audit verify failed") {
		t.Fatalf("tampered file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestReportCheck(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	db := hanoiDB(t)
	pdf := filepath.Join(t.TempDir(), "summary.pdf")
	mustCLI(t, "--db", db, "report", "--kind", "summary", "--out", pdf)
	if out := mustCLI(t, "--db", db, "report", "check", pdf); !strings.Contains(out, "matches") {
		t.Fatalf("check of a fresh report: %s", out)
	}
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "BÁO CÁO") || !strings.Contains(string(text), "Sở Tài chính") {
		t.Fatal("summary lacks its title or a unit name")
	}
	// A newer period with other results makes the check fail.
	r := runCLI(t, "", "--db", db, "demo", "--scale", "city", "--seed", "2")
	if r.code != 0 {
		t.Fatalf("second demo period: %s", r.stderr)
	}
	if r := runCLI(t, "", "--db", db, "report", "check", pdf); r.code == 0 {
		t.Fatalf("check passed against other results: %s", r.stdout)
	}
	for _, kind := range []string{"units", "member"} {
		out := filepath.Join(t.TempDir(), kind+".pdf")
		mustCLI(t, "--db", db, "report", "--kind", kind, "--member", "TV03", "--units", "SO-TC", "--period", "1", "--out", out)
		if fi, err := os.Stat(out); err != nil || fi.Size() < 1000 {
			t.Fatalf("%s report: %v", kind, err)
		}
	}
}

func TestCertSignVerify(t *testing.T) {
	dir := t.TempDir()
	db := hanoiDB(t)
	pdf := filepath.Join(dir, "r.pdf")
	mustCLI(t, "--db", db, "report", "--out", pdf)
	p12 := filepath.Join(dir, "chair.p12")
	t.Setenv("P12PASS", "mật khẩu")
	mustCLI(t, "cert", "demo", "--out", p12, "--name", "Nguyễn Trọng Đông", "--key", "rsa3072", "--pass-env", "P12PASS")
	signed := filepath.Join(dir, "signed.pdf")
	mustCLI(t, "sign", "--in", pdf, "--out", signed, "--p12", p12, "--pass-env", "P12PASS")
	ca := filepath.Join(dir, "chair-ca.pem")
	out := mustCLI(t, "verify", "--roots", ca, signed)
	if !strings.Contains(out, "Nguyễn Trọng Đông") {
		t.Fatalf("verify output lacks the signer:\n%s", out)
	}
	// Without the demo CA the signature is valid but not trusted: exit 1.
	if r := runCLI(t, "", "verify", signed); r.code != 1 {
		t.Fatalf("untrusted signature accepted: %+v", r)
	}
	// The password can also come from standard input.
	second := filepath.Join(dir, "signed2.pdf")
	if r := runCLI(t, "mật khẩu\n", "sign", "--in", signed, "--out", second, "--p12", p12); r.code != 0 {
		t.Fatalf("password from stdin: %+v", r)
	}
	mustCLI(t, "verify", "--roots", ca, second)
	// One flipped byte in the signed range fails verification.
	b, _ := os.ReadFile(second)
	i := bytes.Index(b, []byte("BT"))
	b[i] ^= 0x20
	os.WriteFile(second, b, 0o644)
	if r := runCLI(t, "", "verify", "--roots", ca, second); r.code == 0 {
		t.Fatalf("tampered PDF verified:\n%s", r.stdout)
	}
	// A wrong password is refused with a clear message.
	t.Setenv("WRONG", "sai")
	if r := runCLI(t, "", "sign", "--in", pdf, "--out", second, "--p12", p12, "--pass-env", "WRONG"); r.code != 1 || !strings.Contains(r.stderr, "chair.p12") {
		t.Fatalf("wrong password: %+v", r)
	}
}

// widgetRects returns the /Rect and the page object (/P) of each signature
// widget that parindex's signer wrote, by field name.
func widgetRects(t *testing.T, pdf []byte) map[string]struct {
	rect [4]float64
	page string
} {
	t.Helper()
	re := regexp.MustCompile(`/P (\d+ \d+ R)/Rect \[([^\]]*)\][^\n]*?/T \((Signature\d+)\)`)
	out := map[string]struct {
		rect [4]float64
		page string
	}{}
	for _, m := range re.FindAllSubmatch(pdf, -1) {
		f := strings.Fields(string(m[2]))
		if len(f) != 4 {
			t.Fatalf("widget /Rect [%s]", m[2])
		}
		var r [4]float64
		for i, s := range f {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			r[i] = v
		}
		out[string(m[3])] = struct {
			rect [4]float64
			page string
		}{r, string(m[1])}
	}
	return out
}

// TestSignStampInSignatureBlock signs a summary twice and checks that the
// first stamp sits in the signature block of the last page, between "CHỦ
// TỊCH" and the chair's name, the second one elsewhere; --page and --rect
// put a stamp where they say. Set CLI_KEEP=dir to keep the signed PDF and a
// picture of its last page.
func TestSignStampInSignatureBlock(t *testing.T) {
	for _, tool := range []string{"pdftotext", "qpdf"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	db := hanoiDB(t)
	pdf := filepath.Join(dir, "summary.pdf")
	mustCLI(t, "--db", db, "report", "--kind", "summary", "--out", pdf)
	p12 := filepath.Join(dir, "chair.p12")
	t.Setenv("P12PASS", "pw")
	mustCLI(t, "cert", "demo", "--out", p12, "--name", "Trần Quang Minh", "--pass-env", "P12PASS")
	once := filepath.Join(dir, "signed1.pdf")
	mustCLI(t, "sign", "--in", pdf, "--out", once, "--p12", p12, "--pass-env", "P12PASS", "--reason", "Phê duyệt báo cáo")
	twice := filepath.Join(dir, "signed2.pdf")
	mustCLI(t, "sign", "--in", once, "--out", twice, "--p12", p12, "--pass-env", "P12PASS")
	mustCLI(t, "verify", "--roots", filepath.Join(dir, "chair-ca.pem"), twice)
	// The last page: its number and object, and where the words are.
	pagesOut, err := exec.Command("qpdf", "--show-pages", twice).Output()
	if err != nil {
		t.Fatal(err)
	}
	pageRE := regexp.MustCompile(`(?m)^page (\d+): (\d+ \d+ R)`)
	pages := pageRE.FindAllStringSubmatch(string(pagesOut), -1)
	if len(pages) == 0 {
		t.Fatalf("qpdf --show-pages:\n%s", pagesOut)
	}
	last := pages[len(pages)-1]
	if keep := os.Getenv("CLI_KEEP"); keep != "" {
		b, _ := os.ReadFile(twice)
		os.WriteFile(filepath.Join(keep, "signed-summary.pdf"), b, 0o644)
		if _, err := exec.LookPath("pdftoppm"); err == nil {
			exec.Command("pdftoppm", "-r", "70", "-png", "-f", last[1], "-l", last[1], twice, filepath.Join(keep, "signed-summary")).Run()
		}
	}
	bbox, err := exec.Command("pdftotext", "-bbox", "-f", last[1], "-l", last[1], twice, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	type word struct {
		text       string
		yMin, yMax float64
		xMin, xMax float64
	}
	var words []word
	var pageH float64
	wordRE := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
	if m := regexp.MustCompile(`<page width="[0-9.]+" height="([0-9.]+)">`).FindSubmatch(bbox); m != nil {
		pageH, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	for _, m := range wordRE.FindAllSubmatch(bbox, -1) {
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
		}
		words = append(words, word{string(m[5]), v[1], v[3], v[0], v[2]})
	}
	// The title "CHỦ TỊCH" and, next in the block, the chair's name.
	ti := -1
	for i := len(words) - 1; i > 0; i-- {
		if words[i-1].text == "CHỦ" && words[i].text == "TỊCH" {
			ti = i
			break
		}
	}
	if ti < 0 || ti+1 >= len(words) || pageH == 0 {
		t.Fatalf("the last page has no \"CHỦ TỊCH\" followed by a name:\n%s", bbox)
	}
	title, name := words[ti], words[ti+1]
	if name.yMin <= title.yMax || strings.HasPrefix(name.text, "parindex-") {
		t.Fatalf("no name under the title: %+v then %+v", title, name)
	}
	t.Logf("title %q at y %.1f-%.1f, name %q at y %.1f-%.1f (points from the top)", "CHỦ TỊCH", title.yMin, title.yMax, name.text, name.yMin, name.yMax)

	b, err := os.ReadFile(twice)
	if err != nil {
		t.Fatal(err)
	}
	w := widgetRects(t, b)
	first, ok := w["Signature1"]
	if !ok {
		t.Fatalf("no Signature1 widget; found %v", w)
	}
	if first.page != last[2] {
		t.Errorf("the first stamp is on page object %s, not on the last page (%s)", first.page, last[2])
	}
	r := first.rect
	top, bottom := pageH-r[3], pageH-r[1] // points from the top, as pdftotext gives them
	if top < title.yMax || bottom > name.yMin {
		t.Errorf("the first stamp spans y %.1f-%.1f, not between the title (ends %.1f) and the name (starts %.1f)", top, bottom, title.yMax, name.yMin)
	}
	if mid := (title.xMin + title.xMax) / 2; r[0] > mid || r[2] < mid {
		t.Errorf("the first stamp x %.1f-%.1f is not under the title (centre %.1f)", r[0], r[2], mid)
	}
	// The second signature is stacked elsewhere, not over the first.
	second, ok := w["Signature2"]
	if !ok {
		t.Fatal("no Signature2 widget")
	}
	if s := second.rect; s[0] < r[2] && r[0] < s[2] && s[1] < r[3] && r[1] < s[3] && second.page == first.page {
		t.Errorf("the second stamp %v overlaps the first %v", s, r)
	}

	// --page and --rect put the stamp where they say.
	placed := filepath.Join(dir, "placed.pdf")
	mustCLI(t, "sign", "--in", pdf, "--out", placed, "--p12", p12, "--pass-env", "P12PASS", "--page", "1", "--rect", "100,500,300.5,570")
	b, _ = os.ReadFile(placed)
	if got := widgetRects(t, b)["Signature1"]; got.rect != [4]float64{100, 500, 300.5, 570} || got.page != pages[0][2] {
		t.Errorf("--page 1 --rect: stamp %v on %s, want page 1 (%s)", got.rect, got.page, pages[0][2])
	}
	for _, bad := range [][]string{{"--rect", "1,2,3"}, {"--rect", "1,2,1,4"}, {"--rect", "a,b,c,d"}, {"--page", "-1"}} {
		args := append([]string{"sign", "--in", pdf, "--out", placed, "--p12", p12, "--pass-env", "P12PASS"}, bad...)
		if r := runCLI(t, "", args...); r.code != 2 {
			t.Errorf("%v: exit %d\n%s", bad, r.code, r.stderr)
		}
	}
}
