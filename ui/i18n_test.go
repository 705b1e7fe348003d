package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"parindex/data"
	"parindex/index"
	"parindex/report"
)

func TestEveryKeyHasBothLanguages(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	for k, m := range catalogue {
		if strings.TrimSpace(m.vi) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("%s: a language is missing (vi %q, en %q)", k, m.vi, m.en)
		}
		if a, b := verbs.FindAllString(m.vi, -1), verbs.FindAllString(m.en, -1); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: format verbs differ: vi %v, en %v", k, a, b)
		}
	}
}

// sources returns the ui package's non-test Go files.
func sources(t *testing.T) map[string]string {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

func TestEveryKeyUsedIsInTheCatalogue(t *testing.T) {
	used := regexp.MustCompile(`\bTf?\("([a-z0-9.\-_]+)"`)
	keyLit := regexp.MustCompile(`"((?:nav|progress|council|sheets)\.[a-z0-9.]+)"`)
	for f, src := range sources(t) {
		for _, m := range used.FindAllStringSubmatch(src, -1) {
			k := m[1]
			if strings.HasSuffix(k, ".") { // a prefix completed at run time, checked below
				continue
			}
			if _, ok := catalogue[k]; !ok {
				t.Errorf("%s: key %q is not in the catalogue", f, k)
			}
		}
		for _, m := range keyLit.FindAllStringSubmatch(src, -1) {
			if _, ok := catalogue[m[1]]; !ok && m[1] != "council.parindex" {
				t.Errorf("%s: key %q is not in the catalogue", f, m[1])
			}
		}
	}
	// keys completed at run time
	var dyn []string
	for _, r := range []Role{RoleSecretary, RoleChair, RoleMember} {
		dyn = append(dyn, "role."+string(r), "role.explain."+string(r))
	}
	for _, r := range []index.Role{index.Chair, index.ViceChair, index.Member, index.Secretary} {
		dyn = append(dyn, "crole."+string(r))
	}
	for _, m := range []index.Method{index.Appraisal, index.Survey, index.Bonus, index.Penalty} {
		dyn = append(dyn, "method."+string(m))
	}
	for _, r := range []index.Rule{index.RuleAssigned, index.RuleMean, index.RuleMedian} {
		dyn = append(dyn, "rule."+string(r))
	}
	for _, r := range []index.PeriodRound{index.MidYear, index.FullYear} {
		dyn = append(dyn, "round."+string(r))
	}
	for _, k := range []string{"appraisal", "survey", "bonus", "total", "index", "band"} {
		dyn = append(dyn, "chip."+k)
	}
	for _, k := range auditKinds {
		dyn = append(dyn, "audit.kind."+k)
	}
	for _, k := range reportKeys {
		dyn = append(dyn, "rep.key."+k, "rep.ph."+k)
	}
	for _, s := range screens() {
		dyn = append(dyn, s.Title)
	}
	for _, k := range dyn {
		if _, ok := catalogue[k]; !ok {
			t.Errorf("key %q is not in the catalogue", k)
		}
	}
	for _, k := range report.SettingKeys() {
		_ = k // every key the screen edits is a real setting key
	}
}

func TestNoScreenHasHardCodedText(t *testing.T) {
	// a widget built with a literal that holds a letter is text the catalogue lacks
	lit := regexp.MustCompile(`(widget\.New(Label|Button|ButtonWithIcon|Check|Card|RichTextWithText|Hyperlink)|SetText|SetPlaceHolder|dialog\.New\w+|dialog\.Show\w+|NewFormItem|NewTabItem\w*|canvas\.NewText|PlaceHolder =|SetTitle)\(?\s*"([^"]*)"`)
	letter := regexp.MustCompile(`\pL`)
	allowed := map[string]bool{"Tiếng Việt": true, "English": true}
	for f, src := range sources(t) {
		if f == "catalogue.go" {
			continue
		}
		for _, m := range lit.FindAllStringSubmatch(src, -1) {
			if s := m[3]; letter.MatchString(s) && !allowed[s] {
				t.Errorf("%s: hard-coded text %q in %s(...): put it in the catalogue", f, s, m[1])
			}
		}
	}
}

func TestErrorsAreExplainedInTheUsersLanguage(t *testing.T) {
	busy := fmt.Errorf("set appraisal: %w", data.ErrBusy)
	final := fmt.Errorf("x: %w", data.ErrFinalized)
	score := &index.ScoreError{Code: "1.1", Kind: index.ScoreAboveMax, Value: 500, Max: 200}
	batch := &data.BatchError{Count: 3, Items: []*data.ItemError{{Kind: "appraisals", Index: 0, Unit: "SO-NV", Criterion: "1.1", Err: score}}}
	for _, c := range []struct {
		err  error
		vi   string
		en   string
		want func(Lang) string
	}{
		{err: busy, want: func(l Lang) string { return l.T("err.busy") }},
		{err: final, want: func(l Lang) string { return l.T("err.finalized") }},
		{err: score, want: func(l Lang) string { return l.Tf("score.abovemax", l.pts(500), l.pts(200)) }},
		{err: batch, want: func(l Lang) string { return l.Tf("score.abovemax", l.pts(500), l.pts(200)) }},
		{err: errors.New("boom"), want: func(l Lang) string { return l.T("err.unexpected") }},
	} {
		for _, l := range []Lang{Vietnamese, English} {
			e := explain(l, c.err)
			if !strings.Contains(e.Msg, c.want(l)) {
				t.Errorf("%s: explain(%v) = %q, want it to contain %q", l, c.err, e.Msg, c.want(l))
			}
			if e.Title != l.T("err.title") || e.Detail != c.err.Error() {
				t.Errorf("%s: title %q, detail %q", l, e.Title, e.Detail)
			}
		}
	}
	if explain(Vietnamese, score).Msg == explain(English, score).Msg {
		t.Error("the two languages say the same")
	}
}

func TestPrefsKeepTenRecentFiles(t *testing.T) {
	p := &Prefs{path: filepath.Join(t.TempDir(), "p.json")}
	for i := 0; i < 12; i++ {
		p.addRecent(fmt.Sprintf("/c/%d.parindex", i))
	}
	p.addRecent("/c/5.parindex")
	if len(p.Recent) != maxRecent || p.Recent[0] != "/c/5.parindex" || p.LastFile != "/c/5.parindex" {
		t.Fatalf("recent = %v, last %q", p.Recent, p.LastFile)
	}
	p.Lang, p.Member, p.Role = English, "TV03", RoleMember
	if err := p.save(); err != nil {
		t.Fatal(err)
	}
	q, err := loadPrefs(p.path)
	if err != nil || q.Lang != English || q.Member != "TV03" || len(q.Recent) != maxRecent {
		t.Fatalf("loaded %+v, %v", q, err)
	}
}
