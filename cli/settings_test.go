package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSettingsSetAndShow(t *testing.T) {
	db := hanoiDB(t)
	mustCLI(t, "--db", db, "settings", "set", "number=07/BC-HĐTĐ", `recipients=- UBND Thành phố;\n- Lưu: VT.`, "survey.mapping=A=100,B=50,C=0")
	var got map[string]string
	if err := json.Unmarshal([]byte(mustCLI(t, "--db", db, "settings", "show", "--format", "json")), &got); err != nil {
		t.Fatal(err)
	}
	if got["number"] != "07/BC-HĐTĐ" || got["recipients"] != "- UBND Thành phố;\n- Lưu: VT." || got["survey.mapping"] != "A=100,B=50,C=0" {
		t.Fatalf("settings = %v", got)
	}
	head := mustCLI(t, "--db", db, "audit", "log", "--limit", "1")
	for _, bad := range [][]string{
		{"date=05/02/2025"},        // not YYYY-MM-DD
		{"survey.mapping=A=120"},   // above 100 %
		{"colour=red"},             // unknown key
		{"number=08", "date=2025"}, // one bad item refuses the whole call
	} {
		r := runCLI(t, "", append([]string{"--db", db, "settings", "set"}, bad...)...)
		if r.code == 0 {
			t.Errorf("settings set %v accepted", bad)
		}
	}
	if after := mustCLI(t, "--db", db, "audit", "log", "--limit", "1"); after != head {
		t.Fatalf("a refused settings change was written:\n%s\n%s", head, after)
	}
	if !strings.Contains(mustCLI(t, "--db", db, "settings", "show"), "07/BC-HĐTĐ") {
		t.Fatal("table output lacks the number")
	}
}
