package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpreadsheetCommands drives every import and export command against a
// Hanoi demo council: what is exported imports back without a change.
func TestSpreadsheetCommands(t *testing.T) {
	db := hanoiDB(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	head := mustCLI(t, "--db", db, "audit", "verify")

	out := mustCLI(t, "--db", db, "export", "framework", "--code", "so-nganh-quan-huyen-2024", "--out", p("fw.xlsx"))
	if !strings.Contains(out, "wrote") {
		t.Errorf("export framework printed %q", out)
	}
	other := filepath.Join(dir, "other.parindex")
	out = mustCLI(t, "--db", other, "import", "framework", p("fw.xlsx"))
	if !strings.Contains(out, "framework so-nganh-quan-huyen-2024 version 1 saved") {
		t.Errorf("import framework printed %q", out)
	}

	out = mustCLI(t, "--db", db, "export", "template", "--all", "--out", p("templates"))
	if !strings.Contains(out, "wrote 72 templates") {
		t.Errorf("export template --all printed %q", out)
	}
	mustCLI(t, "--db", db, "export", "template", "--unit", "SO-TC", "--out", p("so-tc.xlsx"))
	mustCLI(t, "--db", db, "export", "template", "--all", "--out", p("self.csv"))
	if r := runCLI(t, "", "--db", db, "import", "self", p("templates")); r.code != 0 || !strings.Contains(r.stdout, "from 72 files: 0 added, 0 changed, 4901 unchanged") {
		t.Errorf("import self printed %q %q", r.stdout, r.stderr)
	}
	// SO-TC twice: refused, naming both files.
	r := runCLI(t, "", "--db", db, "import", "self", p("templates"), p("so-tc.xlsx"))
	if r.code != 1 || !strings.Contains(r.stderr, "so-tc.xlsx: unit SO-TC: the unit's self-assessment is also in "+p("templates/SO-TC.xlsx")) {
		t.Errorf("import self of a unit twice: exit %d, %q", r.code, r.stderr)
	}
	out = mustCLI(t, "--db", db, "import", "self", p("self.csv"))
	if !strings.Contains(out, "0 added, 0 changed") {
		t.Errorf("import self csv printed %q", out)
	}

	for _, f := range []string{"units.xlsx", "units.csv"} {
		mustCLI(t, "--db", db, "export", "units", "--out", p(f))
		if out := mustCLI(t, "--db", db, "import", "units", p(f)); !strings.Contains(out, "units: 0 added, 0 changed, 72 unchanged") {
			t.Errorf("import units %s printed %q", f, out)
		}
	}
	for _, f := range []string{"survey.xlsx", "survey.csv"} {
		mustCLI(t, "--db", db, "export", "survey", "--out", p(f))
		if out := mustCLI(t, "--db", db, "import", "survey", p(f)); !strings.Contains(out, "0 added, 0 changed") {
			t.Errorf("import survey %s printed %q", f, out)
		}
	}
	mustCLI(t, "--db", db, "export", "survey", "--layout", "counts", "--out", p("counts.xlsx"))

	mustCLI(t, "--db", db, "export", "results", "--out", p("results.xlsx"))
	mustCLI(t, "--db", db, "export", "results", "--out", p("results.csv"))
	got, err := os.ReadFile(p("results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if want := mustCLI(t, "--db", db, "compute", "--format", "csv"); string(got) != want {
		t.Errorf("results.csv differs from compute --format csv")
	}
	for _, table := range []string{"fields", "leaves"} {
		mustCLI(t, "--db", db, "export", "results", "--format", "csv", "--table", table, "--out", p(table+".txt"))
	}
	if mustCLI(t, "--db", db, "audit", "verify") != head {
		t.Error("the round trips changed the council file")
	}
}

func TestSpreadsheetCommandErrors(t *testing.T) {
	db := hanoiDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "survey.csv")
	if err := os.WriteFile(bad, []byte("unit,criterion,points\nSO-TC,1.1.1,0.5\nSO-TC,x,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import", "survey", bad}, 1, "survey.csv: row 2, column B (criterion): unit SO-TC: criterion 1.1.1: 1.1.1 is an appraisal criterion"},
		{[]string{"import", "survey", bad}, 1, `; ` + bad + `: row 3`},
		{[]string{"import", "survey", bad, "--mapping", "A=200"}, 2, "--mapping"},
		{[]string{"import", "self"}, 2, "at least one FILE"},
		{[]string{"import", "units", "a", "b"}, 2, "one FILE"},
		{[]string{"export", "results"}, 2, "--out FILE is required"},
		{[]string{"export", "results", "--out", filepath.Join(dir, "r.pdf")}, 2, "--format"},
		{[]string{"export", "results", "--out", filepath.Join(dir, "r.csv"), "--table", "x"}, 2, "--table"},
		{[]string{"export", "template", "--out", dir}, 2, "either --unit CODE or --all"},
		{[]string{"export", "template", "--unit", "NOPE", "--out", filepath.Join(dir, "t.xlsx")}, 1, `unit "NOPE" does not exist`},
		{[]string{"export", "framework", "--out", filepath.Join(dir, "f.xlsx")}, 2, "--code is required"},
	}
	for _, c := range cases {
		r := runCLI(t, "", append([]string{"--db", db}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "t.xlsx")); !os.IsNotExist(err) {
		t.Error("a failed export left a file")
	}
}
