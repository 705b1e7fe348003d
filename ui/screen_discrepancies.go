package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/index"
)

// discScreen lists the leaves where members disagree beyond the period's
// threshold, shows the scores side by side and records the council's decision.
type discScreen struct {
	st    *State
	root  *fyne.Container
	model *Model

	blockSel *widget.Select
	onlyOpen *widget.Check
	items    []index.Discrepancy
	table    *widget.Table
	sel      int
	summary  *widget.Label

	detail               *fyne.Container
	value, votes, reason *widget.Entry
	msg                  *widget.Label
	save                 *widget.Button
}

func newDiscrepancyScreen(st *State) fyne.CanvasObject { return newDiscrepancies(st).root }

func newDiscrepancies(st *State) *discScreen {
	ds := &discScreen{st: st, root: container.NewStack(loading(st)), sel: -1}
	ds.load()
	return ds
}

func (ds *discScreen) load() {
	run(ds.st, ds.st.loadModel, func(m *Model, err error) {
		if err != nil {
			swap(ds.root, modelError(ds.st, err))
			return
		}
		first := ds.model == nil
		ds.model = m
		if first {
			ds.build()
		}
		ds.filter()
	})
}

func (ds *discScreen) build() {
	st := ds.st
	opts := []string{st.T("scoring.allblocks")}
	for _, b := range ds.model.Snap.Blocks {
		opts = append(opts, b.Name)
	}
	ds.blockSel = widget.NewSelect(opts, func(string) { ds.filter() })
	ds.blockSel.SetSelectedIndex(0)
	ds.onlyOpen = widget.NewCheck(st.T("disc.onlyopen"), func(bool) { ds.filter() })
	ds.summary = note("")
	ds.table = newTable(&tableSpec{
		cols: []column{
			{st.T("col.unit"), 210, fyne.TextAlignLeading},
			{st.T("col.criterion"), 76, fyne.TextAlignLeading},
			{st.T("col.max"), 64, fyne.TextAlignTrailing},
			{st.T("disc.spread"), 94, fyne.TextAlignTrailing},
			{st.T("disc.scores"), 190, fyne.TextAlignLeading},
			{st.T("disc.status"), 140, fyne.TextAlignLeading},
		},
		rows:     func() int { return len(ds.items) },
		text:     ds.cellText,
		style:    ds.cellStyle,
		onSelect: ds.show,
	})
	ds.detail = container.NewStack(emptyState(theme.InfoIcon(), st.T("disc.pick")))
	head := container.NewVBox(
		container.NewBorder(nil, nil, title(st.T("nav.discrepancies")), nil,
			container.NewHBox(fixedWidth(300, ds.blockSel), ds.onlyOpen)),
		ds.summary)
	split := container.NewHSplit(ds.table, panel("", ds.detail))
	split.Offset = 0.64
	swap(ds.root, container.NewBorder(head, nil, nil, nil, split))
}

func (ds *discScreen) filter() {
	if ds.table == nil {
		return
	}
	block := ""
	if i := ds.blockSel.SelectedIndex(); i > 0 {
		block = ds.model.Snap.Blocks[i-1].Code
	}
	ds.items = ds.items[:0]
	open := 0
	for _, d := range ds.model.Res.Discrepancies {
		if block != "" && d.Block != block {
			continue
		}
		if !d.Decided {
			open++
		}
		if ds.onlyOpen.Checked && d.Decided {
			continue
		}
		ds.items = append(ds.items, d)
	}
	ds.summary.SetText(ds.st.Tf("disc.summary", len(ds.model.Res.Discrepancies), open, ds.st.pct(ds.model.Period.Threshold)))
	ds.table.UnselectAll()
	ds.table.Refresh()
	ds.sel = -1
}

func (ds *discScreen) unitName(code string) string {
	if u := ds.model.Res.Unit(code); u != nil {
		return u.Name
	}
	return code
}

func (ds *discScreen) cellText(r, c int) string {
	st, d := ds.st, ds.items[r]
	switch c {
	case 0:
		return ds.unitName(d.Unit)
	case 1:
		return d.Criterion
	case 2:
		return st.pts(d.Max)
	case 3:
		return st.pts(d.Spread)
	case 4:
		var parts []string
		for _, s := range d.Scores {
			parts = append(parts, s.Member+": "+st.pts(s.Points))
		}
		return strings.Join(parts, " · ")
	case 5:
		if d.Decided {
			return st.T("disc.decided")
		}
		return st.T("disc.open")
	}
	return ""
}

func (ds *discScreen) cellStyle(r, c int) cellStyle {
	if c == 5 {
		if ds.items[r].Decided {
			return cellStyle{fg: widget.SuccessImportance}
		}
		return cellStyle{fg: widget.WarningImportance, bold: true}
	}
	return cellStyle{}
}

// show fills the detail panel with the discrepancy at row r.
func (ds *discScreen) show(r int) {
	st, m := ds.st, ds.model
	ds.sel = r
	d := ds.items[r]
	fw := m.framework(d.Block)
	crit := fw.Find(d.Criterion)
	critTitle := d.Criterion
	if crit != nil {
		critTitle = d.Criterion + "  " + crit.Title
	}
	head := container.NewVBox(title(ds.unitName(d.Unit)), wrapLabel(critTitle))
	if crit != nil && crit.Guide != "" {
		head.Add(note(st.T("scoring.guide") + ": " + crit.Guide))
	}
	var self string
	for _, s := range m.Snap.Self {
		if s.Unit == d.Unit && s.Criterion == d.Criterion {
			self = st.pts(s.Points)
		}
	}
	rows := [][]string{}
	for _, s := range d.Scores {
		rows = append(rows, []string{m.memberName(s.Member), strconv.Itoa(s.Round), st.pts(s.Points)})
	}
	scores := newTable(&tableSpec{
		cols: []column{{st.T("col.member"), 220, fyne.TextAlignLeading}, {st.T("col.round"), 70, fyne.TextAlignCenter},
			{st.T("col.points"), 80, fyne.TextAlignTrailing}},
		rows: func() int { return len(rows) },
		text: func(r, c int) string { return rows[r][c] },
	})
	scoresBox := container.NewGridWrap(fyne.NewSize(390, float32(len(rows)+1)*38+4), scores)
	info := note(st.Tf("disc.selfmax", orDash(self), st.pts(d.Max), st.pts(d.Spread)))

	ds.value, ds.votes, ds.reason = widget.NewEntry(), widget.NewEntry(), widget.NewMultiLineEntry()
	ds.reason.SetMinRowsVisible(2)
	ds.reason.Wrapping = fyne.TextWrapWord
	for _, dec := range m.Snap.Decisions {
		if dec.Unit == d.Unit && dec.Criterion == d.Criterion {
			ds.value.SetText(st.pts(dec.Points))
			ds.votes.SetText(strconv.Itoa(dec.VotesFor))
			ds.reason.SetText(dec.Reason)
		}
	}
	voting := index.VotingMembers(m.Snap.Members)
	ds.msg = widget.NewLabel("")
	ds.msg.Importance = widget.DangerImportance
	ds.msg.Wrapping = fyne.TextWrapWord
	ds.save = widget.NewButtonWithIcon(st.T("disc.record"), theme.ConfirmIcon(), func() { ds.record(d, voting) })
	ds.save.Importance = widget.HighImportance
	if !st.periodOpen() || (st.role != RoleChair && st.role != RoleSecretary) {
		ds.save.Disable()
		ds.value.Disable()
		ds.votes.Disable()
		ds.reason.Disable()
	}
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(st.T("disc.value")), ds.value,
		widget.NewLabel(st.T("disc.votes")), ds.votes,
		widget.NewLabel(st.T("col.reason")), ds.reason)
	body := container.NewVBox(head, widget.NewSeparator(), widget.NewLabel(st.T("disc.side")), scoresBox, info,
		widget.NewSeparator(), title(st.T("disc.decision")), note(st.Tf("disc.quorum", voting, voting/2+1)),
		form, ds.msg, container.NewHBox(layout.NewSpacer(), ds.save))
	swap(ds.detail, container.NewVScroll(body))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// record checks the decision form and saves the decision.
func (ds *discScreen) record(d index.Discrepancy, voting int) {
	st := ds.st
	fw := ds.model.framework(d.Block)
	leaf := fw.Find(d.Criterion)
	p, err := index.ParsePoints(ds.value.Text)
	if err != nil {
		ds.msg.SetText(st.T("score.notanumber"))
		return
	}
	if err := fw.CheckScore(leaf, p); err != nil {
		ds.msg.SetText(explain(st.lang, err).Msg)
		return
	}
	votes, err := strconv.Atoi(strings.TrimSpace(ds.votes.Text))
	if err != nil || votes < 0 || votes > voting {
		ds.msg.SetText(st.Tf("disc.votes.bad", voting))
		return
	}
	dec := index.Decision{Unit: d.Unit, Criterion: d.Criterion, Points: p, Reason: strings.TrimSpace(ds.reason.Text), VotesFor: votes}
	if dec.Reason == "" {
		ds.msg.SetText(st.T("err.needreason"))
		return
	}
	if index.CheckDecision(dec, voting) != nil {
		ds.msg.SetText(st.Tf("disc.votes.need", votes, voting, voting/2+1))
		return
	}
	ds.msg.SetText("")
	c, pid := st.council, st.period.ID
	withProgress(st, "progress.saving", func() (struct{}, error) { return struct{}{}, c.SetDecision(pid, dec) }, func(struct{}) {
		st.invalidate()
		ds.load()
	})
}
