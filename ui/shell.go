package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/assets"
	"parindex/index"
)

// shell is the window's frame: the title band, the navigation and the
// current screen.
type shell struct {
	st      *State
	content *fyne.Container
	nav     *widget.List
	visible []Screen
	current string
	body    fyne.CanvasObject // the current screen's object
	icon    fyne.Resource
}

func newShell(st *State) *shell {
	return &shell{st: st, icon: fyne.NewStaticResource("icon.png", assets.Icon)}
}

// build (re)creates the whole window content in the current language and
// shows the current screen again.
func (sh *shell) build() {
	st := sh.st
	sh.visible = sh.visible[:0]
	for _, s := range screens() {
		if s.NeedsCouncil && st.council == nil {
			continue
		}
		if st.council != nil && !s.allowedFor(st.role) {
			continue
		}
		sh.visible = append(sh.visible, s)
	}
	sh.content = container.NewStack()
	sh.nav = widget.NewList(
		func() int { return len(sh.visible) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.HomeIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(st.T(sh.visible[i].Title))
			c.Objects[1].(*widget.Icon).SetResource(sh.visible[i].Icon)
		})
	sh.nav.OnSelected = func(i widget.ListItemID) {
		if i < len(sh.visible) && sh.visible[i].ID != sh.current {
			sh.show(sh.visible[i].ID)
		}
	}
	navBG := canvas.NewRectangle(colPanel)
	ver := canvas.NewText(st.Tf("app.version", versionString()), colMuted)
	ver.TextSize = 11
	navBox := container.NewStack(navBG, container.NewBorder(nil, container.NewPadded(ver), nil, nil, sh.nav))
	left := fixedWidth(214, navBox)
	body := container.NewBorder(sh.header(), nil, container.NewHBox(left, widget.NewSeparator()), nil, sh.content)
	st.Win.SetContent(body)
	id := sh.current
	if id == "" || !sh.isVisible(id) {
		id = "start"
		if st.council != nil {
			id = defaultForRoles[st.role]
		}
	}
	sh.current = ""
	sh.show(id)
}

func (sh *shell) isVisible(id string) bool {
	for _, s := range sh.visible {
		if s.ID == id {
			return true
		}
	}
	return false
}

// show switches to the screen id (if the user may see it).
func (sh *shell) show(id string) {
	if !sh.isVisible(id) {
		id = "start"
	}
	sh.current = id
	for i, s := range sh.visible {
		if s.ID == id {
			sh.nav.Select(i)
		}
	}
	sh.body = screenByID(id).New(sh.st)
	swap(sh.content, container.NewPadded(sh.body))
}

// showOpening replaces the window content by a progress panel while a
// council file opens (or the demo council is created).
func (sh *shell) showOpening(creating bool) {
	st := sh.st
	msg := st.T("open.opening")
	if creating {
		msg = st.T("open.creatingdemo")
	}
	bar := widget.NewProgressBarInfinite()
	l := widget.NewLabel(msg)
	l.Alignment = fyne.TextAlignCenter
	box := container.NewVBox(l, bar)
	st.Win.SetContent(container.NewBorder(sh.header(), nil, nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 90), box))))
}

// header is the deep red title band with the period, the user and the language.
func (sh *shell) header() fyne.CanvasObject {
	st := sh.st
	band := canvas.NewRectangle(colRed)
	logo := canvas.NewImageFromResource(sh.icon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(40, 40))
	t1 := canvas.NewText(st.T("app.name"), colWhite)
	t1.TextStyle = fyne.TextStyle{Bold: true}
	t1.TextSize = 18
	sub := st.T("app.nofile")
	if st.council != nil {
		sub = filepath.Base(st.council.Path())
		if st.period.ID != 0 {
			sub += "  ·  " + st.period.Name
			if st.period.Finalized {
				sub += "  ·  " + st.T("period.finalized")
			}
		}
	}
	t2 := canvas.NewText(sub, colGold)
	t2.TextSize = 12
	titles := container.NewVBox(layout.NewSpacer(), t1, t2, layout.NewSpacer())

	var right []fyne.CanvasObject
	if st.council != nil && len(st.periods) > 0 {
		names := make([]string, len(st.periods))
		sel := 0
		for i, p := range st.periods {
			names[i] = p.Name
			if p.ID == st.period.ID {
				sel = i
			}
		}
		ps := widget.NewSelect(names, nil)
		ps.SetSelectedIndex(sel)
		ps.OnChanged = func(string) {
			i := ps.SelectedIndex()
			if i >= 0 && st.periods[i].ID != st.period.ID {
				st.SetPeriod(st.periods[i].ID)
			}
		}
		right = append(right, whiteText(st.T("hdr.period")), ps)
	}
	if st.council != nil {
		who := st.T("who.nobody")
		if st.me.ID != "" {
			who = st.me.Name + " · " + st.T("role."+string(st.role))
		}
		right = append(right, widget.NewButtonWithIcon(who, theme.AccountIcon(), sh.identityDialog))
	}
	langSel := widget.NewSelect([]string{"Tiếng Việt", "English"}, nil)
	if st.lang == English {
		langSel.SetSelectedIndex(1)
	} else {
		langSel.SetSelectedIndex(0)
	}
	langSel.OnChanged = func(string) {
		if langSel.SelectedIndex() == 1 {
			st.SetLang(English)
		} else {
			st.SetLang(Vietnamese)
		}
	}
	right = append(right, langSel)
	row := container.NewBorder(nil, nil, container.NewHBox(logo, titles), container.NewHBox(right...))
	return container.NewStack(band, container.NewPadded(row))
}

func whiteText(s string) fyne.CanvasObject {
	t := canvas.NewText(s, colWhite)
	t.TextSize = 13
	return container.NewCenter(t)
}

// identityDialog lets the laptop's user say who they are in the council.
func (sh *shell) identityDialog() {
	st := sh.st
	if len(st.members) == 0 {
		st.info(st.T("who.title"), st.T("who.nomembers"))
		return
	}
	opts := make([]string, len(st.members))
	sel := -1
	for i, m := range st.members {
		opts[i] = memberLabel(st, m)
		if m.ID == st.me.ID {
			sel = i
		}
	}
	s := widget.NewSelect(opts, nil)
	if sel >= 0 {
		s.SetSelectedIndex(sel)
	}
	body := container.NewVBox(wrapLabel(st.T("who.explain")), s,
		note(st.T("who.roles")))
	d := dialog.NewCustomConfirm(st.T("who.title"), st.T("btn.ok"), st.T("btn.cancel"), body, func(ok bool) {
		if ok && s.SelectedIndex() >= 0 {
			st.SetIdentity(st.members[s.SelectedIndex()].ID)
		}
	}, st.Win)
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
}

// memberLabel names a member with their council role: "Trần Quang Minh — Chủ tịch (TV01)".
func memberLabel(st *State, m index.CouncilMember) string {
	return m.Name + " — " + st.T("crole."+string(m.Role)) + " (" + m.ID + ")"
}
