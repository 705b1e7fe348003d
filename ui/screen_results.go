package ui

import (
	"image/color"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/index"
)

// resultsScreen shows a block's results: a sortable ranking, the field
// (component) indexes coloured by level, and a bar chart of the indexes.
type resultsScreen struct {
	st    *State
	root  *fyne.Container
	model *Model

	blockSel *widget.Select
	block    index.Block
	fw       *index.Framework
	fields   []*index.Criterion
	units    []*index.UnitResult // the block's units in the ranking's order
	byRank   []*index.UnitResult // the block's units by rank
	sortCol  int
	desc     bool

	ranking *widget.Table
	fieldT  *widget.Table
	chart   *widget.List
	stats   *widget.Label
	legend  *fyne.Container
	fLegend *widget.Label
	tabs    *container.AppTabs
}

func newResultsScreen(st *State) fyne.CanvasObject { return newResults(st).root }

func newResults(st *State) *resultsScreen {
	rs := &resultsScreen{st: st, root: container.NewStack(loading(st))}
	run(st, st.loadModel, func(m *Model, err error) {
		if err != nil {
			swap(rs.root, modelError(st, err))
			return
		}
		rs.model = m
		rs.build()
	})
	return rs
}

// Columns of the ranking table.
const (
	rcRank = iota
	rcCode
	rcName
	rcAppraisal
	rcSurvey
	rcBonus
	rcPenalty
	rcTotal
	rcIndex
	rcBand
)

func (rs *resultsScreen) build() {
	st, m := rs.st, rs.model
	if len(m.Snap.Blocks) == 0 {
		swap(rs.root, emptyState(theme.InfoIcon(), st.T("results.noblocks")))
		return
	}
	names := make([]string, len(m.Snap.Blocks))
	for i, b := range m.Snap.Blocks {
		names[i] = b.Name
	}
	rs.stats = note("")
	rs.legend = container.NewHBox()
	rs.fLegend = note("")
	rs.ranking = newTable(&tableSpec{
		cols: []column{
			{st.T("col.rank"), 60, fyne.TextAlignCenter},
			{st.T("col.code"), 112, fyne.TextAlignLeading},
			{st.T("col.unit"), 290, fyne.TextAlignLeading},
			{st.T("col.appraisal"), 90, fyne.TextAlignTrailing},
			{st.T("col.survey"), 104, fyne.TextAlignTrailing},
			{st.T("col.bonus"), 70, fyne.TextAlignTrailing},
			{st.T("col.penalty"), 64, fyne.TextAlignTrailing},
			{st.T("col.total"), 84, fyne.TextAlignTrailing},
			{st.T("col.index"), 96, fyne.TextAlignTrailing},
			{st.T("col.band"), 96, fyne.TextAlignCenter},
		},
		rows:     func() int { return len(rs.units) },
		text:     rs.rankText,
		style:    rs.rankStyle,
		onSelect: func(r int) { rs.detail(rs.units[r]) },
		onHeader: rs.sortBy,
		header:   rs.headerText,
	})
	rs.fieldT = newTable(&tableSpec{
		cols:     []column{{st.T("col.rank"), 60, fyne.TextAlignCenter}, {st.T("col.unit"), 280, fyne.TextAlignLeading}},
		rows:     func() int { return len(rs.byRank) },
		ncols:    func() int { return 3 + len(rs.fields) },
		text:     rs.fieldText,
		style:    rs.fieldStyle,
		onSelect: func(r int) { rs.detail(rs.byRank[r]) },
		header:   rs.fieldHeader,
	})
	rs.chart = widget.NewList(func() int { return len(rs.byRank) },
		func() fyne.CanvasObject { return newBarRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) { rs.updateBar(i, o.(*barRow)) })
	rs.chart.OnSelected = func(i widget.ListItemID) {
		rs.detail(rs.byRank[i])
		rs.chart.UnselectAll()
	}
	rs.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(st.T("results.tab.ranking"), theme.ListIcon(), rs.ranking),
		container.NewTabItemWithIcon(st.T("results.tab.fields"), theme.GridIcon(),
			container.NewBorder(nil, rs.fLegend, nil, nil, rs.fieldT)),
		container.NewTabItemWithIcon(st.T("results.tab.chart"), theme.ColorChromaticIcon(), rs.chart),
	)
	rs.tabs.SelectIndex(st.tabs["results"])
	rs.tabs.OnSelected = func(*container.TabItem) { st.tabs["results"] = rs.tabs.SelectedIndex() }
	rs.blockSel = widget.NewSelect(names, func(string) { rs.setBlock(rs.blockSel.SelectedIndex()) })
	head := container.NewVBox(
		container.NewBorder(nil, nil, title(st.T("nav.results")), nil,
			container.NewHBox(widget.NewLabel(st.T("results.block")), fixedWidth(360, rs.blockSel))),
		rs.stats, rs.legend)
	swap(rs.root, container.NewBorder(head, nil, nil, nil, rs.tabs))
	rs.blockSel.SetSelectedIndex(st.tabs["results.block"])
}

// setBlock shows the block at position i of the period's blocks.
func (rs *resultsScreen) setBlock(i int) {
	st, m := rs.st, rs.model
	if i < 0 || i >= len(m.Snap.Blocks) {
		return
	}
	st.tabs["results.block"] = i
	rs.block = m.Snap.Blocks[i]
	rs.fw = m.Snap.Frameworks[rs.block.Framework]
	rs.fields = rs.fw.ScoredFields()
	rs.byRank = rs.byRank[:0]
	for k := range m.Res.Units {
		if m.Res.Units[k].Block == rs.block.Code {
			rs.byRank = append(rs.byRank, &m.Res.Units[k])
		}
	}
	rs.units = append(rs.units[:0], rs.byRank...)
	rs.sortCol, rs.desc = rcRank, false
	if br := m.Res.Block(rs.block.Code); br != nil {
		var bands []string
		for _, b := range br.Bands {
			bands = append(bands, b.Label+": "+strconv.Itoa(b.Count))
		}
		rs.stats.SetText(st.Tf("results.stats", br.Count, st.pct(br.Mean), st.pct(br.Median), st.pct(br.Max), st.pct(br.Min)) +
			"   ·   " + strings.Join(bands, ", "))
	}
	rs.legend.Objects = nil
	for k, b := range rs.fw.Bands {
		sw := canvas.NewRectangle(bandColour(k, len(rs.fw.Bands), false))
		sw.SetMinSize(fyne.NewSize(14, 14))
		sw.CornerRadius = 2
		rs.legend.Add(container.NewCenter(sw))
		rs.legend.Add(widget.NewLabel(b.Label + " ≥ " + st.pct(b.Min) + " %"))
	}
	rs.legend.Refresh()
	var leg []string
	for k, f := range rs.fields {
		rs.fieldT.SetColumnWidth(2+k, 84)
		leg = append(leg, f.Code+". "+f.Title)
	}
	rs.fieldT.SetColumnWidth(2+len(rs.fields), 100)
	rs.fLegend.SetText(strings.Join(leg, "   ·   "))
	rs.ranking.UnselectAll()
	rs.fieldT.UnselectAll()
	rs.ranking.Refresh()
	rs.fieldT.Refresh()
	rs.chart.Refresh()
	rs.ranking.ScrollToTop()
}

func (rs *resultsScreen) headerText(c int) string {
	s := []string{"col.rank", "col.code", "col.unit", "col.appraisal", "col.survey", "col.bonus",
		"col.penalty", "col.total", "col.index", "col.band"}[c]
	text := rs.st.T(s)
	if c == rs.sortCol {
		if rs.desc {
			text += " ▼"
		} else {
			text += " ▲"
		}
	}
	return text
}

// sortBy orders the ranking by column c; a second click reverses it.
func (rs *resultsScreen) sortBy(c int) {
	if c == rs.sortCol {
		rs.desc = !rs.desc
	} else {
		rs.sortCol, rs.desc = c, false
		if c >= rcAppraisal && c <= rcIndex {
			rs.desc = true // figures: highest first
		}
	}
	less := func(a, b *index.UnitResult) bool {
		switch rs.sortCol {
		case rcCode:
			return a.Code < b.Code
		case rcName:
			return a.Name < b.Name
		case rcAppraisal:
			return a.Appraisal < b.Appraisal
		case rcSurvey:
			return a.Survey < b.Survey
		case rcBonus:
			return a.Bonus < b.Bonus
		case rcPenalty:
			return a.Penalty < b.Penalty
		case rcTotal:
			return a.Total < b.Total
		case rcIndex, rcBand:
			return a.Index < b.Index
		}
		return a.Rank < b.Rank
	}
	rs.units = append(rs.units[:0], rs.byRank...)
	sort.SliceStable(rs.units, func(i, j int) bool {
		if rs.desc {
			return less(rs.units[j], rs.units[i])
		}
		return less(rs.units[i], rs.units[j])
	})
	rs.ranking.UnselectAll()
	rs.ranking.Refresh()
}

func (rs *resultsScreen) rankText(r, c int) string {
	st := rs.st
	u := rs.units[r]
	switch c {
	case rcRank:
		return strconv.Itoa(u.Rank)
	case rcCode:
		return u.Code
	case rcName:
		return u.Name
	case rcAppraisal:
		return st.pts(u.Appraisal)
	case rcSurvey:
		return st.pts(u.Survey)
	case rcBonus:
		return st.pts(u.Bonus)
	case rcPenalty:
		return st.pts(u.Penalty)
	case rcTotal:
		return st.pts(u.Total)
	case rcIndex:
		return st.pct(u.Index)
	case rcBand:
		return u.Band
	}
	return ""
}

func (rs *resultsScreen) rankStyle(r, c int) cellStyle {
	switch c {
	case rcBand:
		return cellStyle{bg: bandColour(bandPos(rs.fw, rs.units[r].Band), len(rs.fw.Bands), true), bold: true}
	case rcIndex, rcRank:
		return cellStyle{bold: true}
	}
	if r%2 == 1 {
		return cellStyle{bg: color.NRGBA{R: 0xF8, G: 0xF9, B: 0xFB, A: 0xFF}}
	}
	return cellStyle{}
}

func (rs *resultsScreen) fieldHeader(c int) string {
	switch {
	case c == 0:
		return rs.st.T("col.rank")
	case c == 1:
		return rs.st.T("col.unit")
	case c-2 < len(rs.fields):
		return rs.st.T("results.field") + " " + rs.fields[c-2].Code
	}
	return rs.st.T("col.index")
}

func (rs *resultsScreen) fieldText(r, c int) string {
	u := rs.byRank[r]
	switch {
	case c == 0:
		return strconv.Itoa(u.Rank)
	case c == 1:
		return u.Name
	case c-2 < len(rs.fields):
		if f := fieldOf(u, rs.fields[c-2].Code); f != nil {
			if f.Max == 0 {
				return "—"
			}
			return rs.st.pct(f.Index)
		}
		return ""
	}
	return rs.st.pct(u.Index)
}

func (rs *resultsScreen) fieldStyle(r, c int) cellStyle {
	u := rs.byRank[r]
	switch {
	case c < 2:
		return cellStyle{}
	case c-2 < len(rs.fields):
		if f := fieldOf(u, rs.fields[c-2].Code); f != nil && f.Max > 0 {
			return cellStyle{bg: bandColour(bandPos(rs.fw, rs.fw.Classify(f.Index)), len(rs.fw.Bands), true)}
		}
		return cellStyle{muted: true}
	}
	return cellStyle{bold: true, bg: bandColour(bandPos(rs.fw, u.Band), len(rs.fw.Bands), true)}
}

// fieldOf returns a unit's component index for a field, or nil.
func fieldOf(u *index.UnitResult, code string) *index.FieldResult {
	for i := range u.Fields {
		if u.Fields[i].Code == code {
			return &u.Fields[i]
		}
	}
	return nil
}

func (rs *resultsScreen) updateBar(i int, b *barRow) {
	u := rs.byRank[i]
	b.rank.Text = strconv.Itoa(u.Rank)
	b.name.Text = ellipsis(u.Name, b.name.TextSize, b.name.TextStyle, barNameW-8)
	b.value.Text = rs.st.pct(u.Index) + " %"
	b.frac = float32(u.Index) / 10000 // drawing only: the bar's share of the width
	b.bar.FillColor = bandColour(bandPos(rs.fw, u.Band), len(rs.fw.Bands), false)
	b.ticks = b.ticks[:0]
	for _, band := range rs.fw.Bands {
		if band.Min > 0 {
			b.ticks = append(b.ticks, float32(band.Min)/10000)
		}
	}
	b.Refresh()
}

// detail shows one unit's results with its component indexes.
func (rs *resultsScreen) detail(u *index.UnitResult) {
	st := rs.st
	rows := [][]string{}
	for _, f := range u.Fields {
		rows = append(rows, []string{f.Code, f.Title, st.pts(f.Points) + " / " + st.pts(f.Max), st.pct(f.Index) + " %"})
	}
	t := newTable(&tableSpec{
		cols: []column{{st.T("col.code"), 50, fyne.TextAlignLeading}, {st.T("col.field"), 380, fyne.TextAlignLeading},
			{st.T("col.points"), 120, fyne.TextAlignTrailing}, {st.T("col.index"), 90, fyne.TextAlignTrailing}},
		rows: func() int { return len(rows) },
		text: func(r, c int) string { return rows[r][c] },
	})
	sum := st.Tf("results.detail", u.Rank, len(rs.byRank), st.pts(u.Appraisal), st.pts(u.Survey),
		st.pts(u.Bonus), st.pts(u.Penalty), st.pts(u.Total), st.pts(u.Max), st.pct(u.Index), u.Band, u.Scored, u.ToScore)
	open := widget.NewButtonWithIcon(st.T("results.openscoring"), theme.DocumentCreateIcon(), nil)
	var d dialog.Dialog
	open.OnTapped = func() {
		d.Hide()
		st.focus = u.Code
		st.shell.show("scoring")
	}
	body := container.NewBorder(container.NewVBox(wrapLabel(sum)), container.NewHBox(open), nil, nil, t)
	d = dialog.NewCustom(u.Name, st.T("btn.close"), body, st.Win)
	d.Resize(fyne.NewSize(720, 520))
	d.Show()
}

// barRow is one bar of the chart: rank, name, a bar on a track with the
// band thresholds as ticks, and the value. Drawn with canvas objects inside
// a virtualised list, so a block of 3,321 communes scrolls smoothly.
type barRow struct {
	widget.BaseWidget
	rank, name, value *canvas.Text
	track, bar        *canvas.Rectangle
	frac              float32
	ticks             []float32
}

func newBarRow() *barRow {
	b := &barRow{
		rank:  canvas.NewText("", colMuted),
		name:  canvas.NewText("", colInk),
		value: canvas.NewText("", colInk),
		track: canvas.NewRectangle(colPanel),
		bar:   canvas.NewRectangle(colNavy),
	}
	b.value.TextStyle = fyne.TextStyle{Bold: true}
	b.rank.Alignment = fyne.TextAlignTrailing
	b.value.Alignment = fyne.TextAlignTrailing
	b.bar.CornerRadius = 2
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws the row.
func (b *barRow) CreateRenderer() fyne.WidgetRenderer { return &barRenderer{b: b} }

type barRenderer struct {
	b     *barRow
	lines []*canvas.Line
}

const (
	barRankW  = 40
	barNameW  = 300
	barValueW = 80
)

func (r *barRenderer) Layout(s fyne.Size) {
	b := r.b
	th := b.name.MinSize().Height
	y := (s.Height - th) / 2
	b.rank.Move(fyne.NewPos(0, y))
	b.rank.Resize(fyne.NewSize(barRankW, th))
	b.name.Move(fyne.NewPos(barRankW+10, y))
	b.name.Resize(fyne.NewSize(barNameW, th))
	x0 := float32(barRankW + 20 + barNameW)
	w := s.Width - x0 - barValueW
	if w < 10 {
		w = 10
	}
	b.track.Move(fyne.NewPos(x0, 4))
	b.track.Resize(fyne.NewSize(w, s.Height-8))
	b.bar.Move(fyne.NewPos(x0, 6))
	b.bar.Resize(fyne.NewSize(w*clamp01(b.frac), s.Height-12))
	b.value.Move(fyne.NewPos(s.Width-barValueW, y))
	b.value.Resize(fyne.NewSize(barValueW-4, th))
	for len(r.lines) < len(b.ticks) {
		l := canvas.NewLine(color.NRGBA{R: 0x55, G: 0x5F, B: 0x6D, A: 0x90})
		l.StrokeWidth = 1
		r.lines = append(r.lines, l)
	}
	for i, l := range r.lines {
		if i >= len(b.ticks) {
			l.Hide()
			continue
		}
		l.Show()
		x := x0 + w*clamp01(b.ticks[i])
		l.Position1 = fyne.NewPos(x, 0)
		l.Position2 = fyne.NewPos(x, s.Height)
	}
}

func clamp01(f float32) float32 {
	if f < 0 {
		return 0
	}
	if f > 1 {
		return 1
	}
	return f
}

func (r *barRenderer) MinSize() fyne.Size {
	return fyne.NewSize(barRankW+barNameW+barValueW+120, r.b.name.MinSize().Height+10)
}

func (r *barRenderer) Refresh() {
	r.Layout(r.b.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

func (r *barRenderer) Objects() []fyne.CanvasObject {
	b := r.b
	objs := []fyne.CanvasObject{b.track, b.bar}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return append(objs, b.rank, b.name, b.value)
}

func (r *barRenderer) Destroy() {}
