package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/data"
)

// auditKinds are the audited tables, as the first part of an entity name.
var auditKinds = []string{"appraisal", "self", "survey", "decision", "na", "unit", "block", "member",
	"assignment", "period", "setting", "framework"}

// auditScreen lists the audit log, newest first, with filters, and verifies
// the hash chain.
type auditScreen struct {
	st      *State
	root    *fyne.Container
	text    *widget.Entry
	actor   *widget.Entry
	kind    *widget.Select
	entries []data.AuditEntry
	table   *widget.Table
	count   *widget.Label
	more    *widget.Button
	done    bool // no older entries
}

const auditPage = 200

func newAuditScreen(st *State) fyne.CanvasObject { return newAudit(st).root }

func newAudit(st *State) *auditScreen {
	as := &auditScreen{st: st}
	as.text = widget.NewEntry()
	as.text.SetPlaceHolder(st.T("audit.text"))
	as.actor = widget.NewEntry()
	as.actor.SetPlaceHolder(st.T("audit.actor"))
	kinds := []string{st.T("audit.allkinds")}
	for _, k := range auditKinds {
		kinds = append(kinds, st.T("audit.kind."+k))
	}
	as.kind = widget.NewSelect(kinds, nil)
	as.kind.SetSelectedIndex(0)
	search := widget.NewButtonWithIcon(st.T("audit.search"), theme.SearchIcon(), func() { as.load(false) })
	as.text.OnSubmitted = func(string) { as.load(false) }
	as.actor.OnSubmitted = func(string) { as.load(false) }
	verify := widget.NewButtonWithIcon(st.T("audit.verify"), theme.ConfirmIcon(), as.verify)
	verify.Importance = widget.HighImportance
	as.table = newTable(&tableSpec{
		cols: []column{
			{"#", 70, fyne.TextAlignTrailing},
			{st.T("audit.col.at"), 150, fyne.TextAlignLeading},
			{st.T("audit.col.actor"), 200, fyne.TextAlignLeading},
			{st.T("audit.col.action"), 170, fyne.TextAlignLeading},
			{st.T("audit.col.entity"), 230, fyne.TextAlignLeading},
			{st.T("audit.col.old"), 160, fyne.TextAlignLeading},
			{st.T("audit.col.new"), 160, fyne.TextAlignLeading},
			{st.T("col.reason"), 220, fyne.TextAlignLeading},
		},
		rows:     func() int { return len(as.entries) },
		text:     as.cellText,
		onSelect: func(r int) { as.detail(as.entries[r]) },
	})
	as.count = widget.NewLabel("")
	as.count.Importance = widget.LowImportance
	as.more = widget.NewButtonWithIcon(st.T("audit.more"), theme.MoreHorizontalIcon(), func() { as.load(true) })
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(fixedWidth(180, as.kind), search, verify),
		container.NewGridWithColumns(2, as.text, as.actor))
	head := container.NewVBox(title(st.T("nav.audit")), filters)
	as.root = container.NewBorder(head, container.NewHBox(as.more, as.count), nil, nil, as.table)
	as.load(false)
	return as
}

func (as *auditScreen) filter(before int64) data.AuditFilter {
	f := data.AuditFilter{Text: strings.TrimSpace(as.text.Text), Actor: strings.TrimSpace(as.actor.Text),
		BeforeID: before, Limit: auditPage}
	if i := as.kind.SelectedIndex(); i > 0 {
		f.EntityPrefix = auditKinds[i-1] + "/"
	}
	return f
}

// load reads the newest entries, or (more) the page before the last one shown.
func (as *auditScreen) load(more bool) {
	st := as.st
	var before int64
	if more && len(as.entries) > 0 {
		before = as.entries[len(as.entries)-1].ID
	}
	f := as.filter(before)
	c := st.council
	run(st, func() ([]data.AuditEntry, error) { return c.AuditEntries(f) }, func(es []data.AuditEntry, err error) {
		if err != nil {
			st.showError(err)
			return
		}
		if more {
			as.entries = append(as.entries, es...)
		} else {
			as.entries = es
			as.table.ScrollToTop()
		}
		as.done = len(es) < auditPage
		if as.done {
			as.more.Disable()
		} else {
			as.more.Enable()
		}
		as.count.SetText(st.Tf("audit.count", len(as.entries)))
		as.table.Refresh()
	})
}

// actionText translates an action such as "appraisal.update".
func actionText(st *State, a string) string {
	kind, verb, _ := strings.Cut(a, ".")
	k, v := "audit.kind."+kind, "audit.verb."+verb
	if st.lang.has(k) && st.lang.has(v) {
		return st.T(v) + " " + strings.ToLower(st.T(k))
	}
	return a
}

func (as *auditScreen) cellText(r, c int) string {
	e := as.entries[r]
	switch c {
	case 0:
		return strconv.FormatInt(e.ID, 10)
	case 1:
		return e.At.Local().Format("2006-01-02 15:04:05")
	case 2:
		return e.Actor
	case 3:
		return actionText(as.st, e.Action)
	case 4:
		return e.Entity
	case 5:
		return e.Old
	case 6:
		return e.New
	case 7:
		return e.Reason
	}
	return ""
}

// detail shows one entry in full.
func (as *auditScreen) detail(e data.AuditEntry) {
	st := as.st
	mono := func(s string) *widget.Label {
		l := widget.NewLabel(orDash(s))
		l.Wrapping = fyne.TextWrapBreak
		l.TextStyle = fyne.TextStyle{Monospace: true}
		return l
	}
	form := widget.NewForm(
		widget.NewFormItem(st.T("audit.col.at"), widget.NewLabel(e.At.Format("2006-01-02 15:04:05 -07:00"))),
		widget.NewFormItem(st.T("audit.col.actor"), widget.NewLabel(e.Actor)),
		widget.NewFormItem(st.T("audit.col.action"), widget.NewLabel(actionText(st, e.Action)+"  ("+e.Action+")")),
		widget.NewFormItem(st.T("audit.col.entity"), mono(e.Entity)),
		widget.NewFormItem(st.T("audit.col.old"), mono(e.Old)),
		widget.NewFormItem(st.T("audit.col.new"), mono(e.New)),
		widget.NewFormItem(st.T("col.reason"), wrapLabel(orDash(e.Reason))),
		widget.NewFormItem(st.T("audit.hash"), mono(e.Hash)),
	)
	d := dialog.NewCustom(st.Tf("audit.entry", e.ID), st.T("btn.close"), container.NewVScroll(form), st.Win)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
	as.table.UnselectAll()
}

// verify walks the hash chain and compares the tables with the log.
func (as *auditScreen) verify() {
	st := as.st
	c := st.council
	withProgress(st, "audit.verifying", c.VerifyAudit, func(rep data.AuditReport) {
		if rep.OK() {
			st.info(st.T("audit.ok.title"), st.Tf("audit.ok", rep.Entries, rep.Head))
			return
		}
		msg := st.Tf("audit.bad", rep.Entries)
		if rep.BrokenAt != 0 {
			msg += "\n" + st.Tf("audit.broken", rep.BrokenAt)
		}
		if rep.MismatchCount > 0 {
			msg += "\n" + st.Tf("audit.mismatch", rep.MismatchCount)
		}
		if len(rep.Finalizations) > 0 {
			msg += "\n" + st.T("audit.finalbad")
		}
		msg += "\n\n" + st.T("audit.bad.do")
		l := widget.NewLabel(msg)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		det := widget.NewLabel(rep.String())
		det.TextStyle = fyne.TextStyle{Monospace: true}
		det.Wrapping = fyne.TextWrapBreak
		d := dialog.NewCustom(st.T("audit.bad.title"), st.T("btn.close"),
			container.NewBorder(l, nil, nil, nil, container.NewVScroll(det)), st.Win)
		d.Resize(fyne.NewSize(760, 480))
		d.Show()
	})
}
