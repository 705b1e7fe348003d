package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newStartScreen opens or creates council files, lists the recent ones, and
// says who the user is and in which language the app speaks.
func newStartScreen(st *State) fyne.CanvasObject {
	cur := st.T("start.nofile")
	if st.council != nil {
		cur = st.council.Path()
	}
	curLabel := widget.NewLabel(cur)
	curLabel.Wrapping = fyne.TextWrapBreak
	curLabel.TextStyle = fyne.TextStyle{Monospace: true}
	open := widget.NewButtonWithIcon(st.T("start.open"), theme.FolderOpenIcon(), func() {
		chooseFile(st, []string{".parindex", ".sqlite", ".db"}, func(p string) { st.Open(p, false) })
	})
	open.Importance = widget.HighImportance
	create := widget.NewButtonWithIcon(st.T("start.new"), theme.ContentAddIcon(), func() {
		chooseSave(st, "council.parindex", []string{".parindex"}, func(p string) { st.Open(p, false) })
	})
	demoBtn := widget.NewButtonWithIcon(st.T("start.demo"), theme.ComputerIcon(), func() {
		st.Open(filepath.Join(st.dirs.Data, demoFile), true)
	})
	filePanel := panel(st.T("start.file"), container.NewVBox(
		curLabel,
		container.NewHBox(open, create, demoBtn),
		note(st.T("start.demo.note")),
	))

	var recent []fyne.CanvasObject
	for _, p := range st.prefs.Recent {
		p := p
		b := widget.NewButtonWithIcon(filepath.Base(p)+"   —   "+filepath.Dir(p), theme.FileIcon(), func() { st.Open(p, false) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		recent = append(recent, b)
	}
	if len(recent) == 0 {
		recent = append(recent, note(st.T("start.norecent")))
	}
	recentPanel := panel(st.T("start.recent"), container.NewVBox(recent...))

	who := st.T("who.nobody")
	if st.me.ID != "" {
		who = memberLabel(st, st.me)
	}
	whoPanel := panel(st.T("start.who"), container.NewVBox(
		widget.NewLabel(who),
		note(st.T("role.explain."+string(st.role))),
		container.NewHBox(widget.NewButtonWithIcon(st.T("who.change"), theme.AccountIcon(), st.shell.identityDialog)),
	))

	lang := widget.NewRadioGroup([]string{"Tiếng Việt", "English"}, nil)
	lang.Horizontal = true
	if st.lang == English {
		lang.SetSelected("English")
	} else {
		lang.SetSelected("Tiếng Việt")
	}
	lang.OnChanged = func(s string) {
		if s == "English" {
			st.SetLang(English)
		} else if s != "" {
			st.SetLang(Vietnamese)
		}
	}
	mode := st.T("start.installed")
	if st.dirs.Portable {
		mode = st.T("start.portable")
	}
	aboutPanel := panel(st.T("start.about"), container.NewVBox(
		widget.NewLabel(st.T("app.name")+" — "+st.T("start.version")+" "+versionString()),
		note(st.Tf("start.folders", st.dirs.Data, mode)),
	))
	langPanel := panel(st.T("start.lang"), lang)

	left := container.NewVBox(filePanel, recentPanel)
	right := container.NewVBox(whoPanel, langPanel, aboutPanel)
	grid := container.NewGridWithColumns(2, left, right)
	head := container.NewVBox(title(st.T("start.welcome")), note(st.T("start.intro")))
	return container.NewVScroll(container.NewBorder(head, nil, nil, nil, grid))
}
