package ui

import (
	"testing"
)

func TestTheLanguageSwitchChangesTheLabels(t *testing.T) {
	st := newTestState(t, "TK01", Vietnamese)
	st.shell.show("start")
	wait(t, st)
	vi := texts(st.Win.Content())
	for _, want := range []string{"Chấm điểm", "Kết quả, xếp hạng", "Nhật ký thay đổi", "Mở tệp…"} {
		if !contains(vi, want) {
			t.Fatalf("Vietnamese window lacks %q: %q", want, vi)
		}
	}
	st.SetLang(English)
	wait(t, st)
	en := texts(st.Win.Content())
	for _, want := range []string{"Scoring", "Results", "Audit log", "Open…"} {
		if !contains(en, want) {
			t.Fatalf("English window lacks %q: %q", want, en)
		}
	}
	if contains(en, "Chấm điểm") {
		t.Fatal("a Vietnamese label survived the switch")
	}
	if st.Win.Title() != English.T("app.title") {
		t.Fatalf("title %q", st.Win.Title())
	}
	if p, err := loadPrefs(st.prefs.path); err != nil || p.Lang != English {
		t.Fatalf("language not remembered: %+v, %v", p, err)
	}
}

func TestRolesDecideTheScreens(t *testing.T) {
	for _, c := range []struct {
		member string
		want   []string
		not    []string
	}{
		{"TK01", []string{"setup", "scoring", "results", "audit", "reports", "spreadsheets", "council"}, nil},
		{"TV01", []string{"scoring", "results", "discrepancies", "reports", "audit", "spreadsheets"}, []string{"setup"}},
		{"TV05", []string{"scoring", "council"}, []string{"setup", "results", "discrepancies", "reports", "audit"}},
	} {
		st := newTestState(t, c.member, Vietnamese)
		for _, id := range c.want {
			if !st.shell.isVisible(id) {
				t.Errorf("%s: screen %s is hidden", c.member, id)
			}
		}
		for _, id := range c.not {
			if st.shell.isVisible(id) {
				t.Errorf("%s: screen %s is shown", c.member, id)
			}
		}
	}
}

func TestEveryScreenBuildsInBothLanguages(t *testing.T) {
	st := newTestState(t, "TK01", Vietnamese)
	for _, lang := range []Lang{Vietnamese, English} {
		st.SetLang(lang)
		wait(t, st)
		for _, s := range screens() {
			st.shell.show(s.ID)
			wait(t, st)
			if st.shell.current != s.ID {
				t.Fatalf("screen %s did not open", s.ID)
			}
			if len(texts(st.Win.Content())) < 5 {
				t.Fatalf("screen %s looks empty", s.ID)
			}
		}
	}
}
