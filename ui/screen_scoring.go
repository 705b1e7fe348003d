package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/index"
)

// unitRow is a unit in the scoring screen's list, with its progress.
type unitRow struct {
	unit    index.Unit
	scored  int
	toScore int
	idx     index.Percent
}

// critRow is a node of the criteria tree, flattened into a table row.
type critRow struct {
	c     *index.Criterion
	depth int
	field *index.Criterion // the field it belongs to
}

// scoringScreen is where members and clerks type scores: a unit list with
// progress, the criteria table of the chosen unit, its totals, and an
// editor for the selected leaf that is driven from the keyboard.
type scoringScreen struct {
	st    *State
	root  *fyne.Container
	model *Model

	blockSel *widget.Select
	blocks   []index.Block
	search   *widget.Entry
	units    []unitRow
	shown    []int
	unitList *widget.List

	cur       int // position in units, -1 when none
	fw        *index.Framework
	calc      *unitCalc
	ur        *index.UnitResult
	rows      []critRow
	leafRow   map[string]int
	table     *widget.Table
	sel       int // selected table row, -1 when none
	round     int // the round column the keyboard is in
	assigned  map[string][]string
	appraiser *widget.Select
	apprOpts  []string // "" = the assigned member, else member IDs

	unitTitle *widget.Label
	unitSub   *widget.Label
	chips     map[string]*chip

	edTitle, edMeta, edGuide, edSelf, lock *widget.Label
	r1, r2, reason                         *widget.Entry
	na                                     *widget.Check
	msg                                    *widget.Label
	settingNA                              bool
}

func newScoringScreen(st *State) fyne.CanvasObject { return newScoring(st).root }

// newScoring builds the screen and starts loading the period.
func newScoring(st *State) *scoringScreen {
	sc := &scoringScreen{st: st, root: container.NewStack(loading(st)), cur: -1, sel: -1, round: 1}
	run(st, st.loadModel, func(m *Model, err error) {
		if err != nil {
			swap(sc.root, modelError(st, err))
			return
		}
		sc.model = m
		sc.build()
	})
	return sc
}

// modelError is what a screen shows when its period cannot be loaded.
func modelError(st *State, err error) fyne.CanvasObject {
	if errors.Is(err, errNoPeriod) {
		return emptyState(theme.InfoIcon(), st.T("noperiod"))
	}
	st.showError(err)
	return emptyState(theme.ErrorIcon(), st.T("loadfailed"))
}

func (sc *scoringScreen) build() {
	st, m := sc.st, sc.model
	for _, u := range m.Snap.Units {
		if !u.Active {
			continue
		}
		r := unitRow{unit: u}
		if ur := m.Res.Unit(u.Code); ur != nil {
			r.scored, r.toScore, r.idx = ur.Scored, ur.ToScore, ur.Index
		}
		sc.units = append(sc.units, r)
	}
	sc.blocks = m.Snap.Blocks
	opts := []string{st.T("scoring.allblocks")}
	for _, b := range sc.blocks {
		opts = append(opts, b.Name)
	}
	sc.blockSel = widget.NewSelect(opts, func(string) { sc.filter() })
	sc.search = widget.NewEntry()
	sc.search.SetPlaceHolder(st.T("scoring.search"))
	sc.search.OnChanged = func(string) { sc.filter() }
	sc.unitList = widget.NewList(func() int { return len(sc.shown) }, sc.newUnitItem, sc.updateUnitItem)
	sc.unitList.OnSelected = func(i widget.ListItemID) {
		if i < len(sc.shown) && sc.shown[i] != sc.cur {
			sc.openUnit(sc.shown[i])
		}
	}
	sc.blockSel.SetSelectedIndex(0)
	left := container.NewBorder(container.NewVBox(title(st.T("scoring.units")), sc.blockSel, sc.search), nil, nil, nil, sc.unitList)

	// the unit's header and totals
	sc.unitTitle = title("")
	sc.unitTitle.Truncation = fyne.TextTruncateEllipsis
	sc.unitSub = note("")
	sc.chips = map[string]*chip{}
	var chipObjs []fyne.CanvasObject
	for _, k := range []string{"appraisal", "survey", "bonus", "total", "index", "band"} {
		c := newChip(st.T("chip." + k))
		sc.chips[k] = c
		chipObjs = append(chipObjs, c.box)
	}
	sc.apprOpts = []string{""}
	apprNames := []string{st.T("scoring.byassignment")}
	for _, mb := range st.votingMembers() {
		sc.apprOpts = append(sc.apprOpts, mb.ID)
		apprNames = append(apprNames, mb.Name)
	}
	sc.appraiser = widget.NewSelect(apprNames, func(string) { sc.refreshAll() })
	sc.appraiser.SetSelectedIndex(0)
	var apprBox fyne.CanvasObject = layout.NewSpacer()
	if st.role == RoleSecretary {
		apprBox = container.NewHBox(container.NewCenter(widget.NewLabel(st.T("scoring.appraiser"))), container.NewCenter(fixedWidth(230, sc.appraiser)))
	}
	head := container.NewVBox(
		container.NewBorder(nil, nil, nil, apprBox, container.NewVBox(sc.unitTitle, sc.unitSub)),
		container.NewGridWithColumns(len(chipObjs), chipObjs...),
	)

	sc.table = sc.newCriteriaTable()
	editor := sc.newEditor()
	center := container.NewBorder(head, editor, nil, nil, sc.table)
	split := container.NewHSplit(left, center)
	split.Offset = 0.21
	swap(sc.root, split)

	// open the unit asked for by another screen, else the first one
	want := 0
	if st.focus != "" {
		for i, u := range sc.units {
			if u.unit.Code == st.focus {
				want = i
			}
		}
		st.focus = ""
	}
	if len(sc.units) == 0 {
		swap(sc.root, emptyState(theme.InfoIcon(), st.T("scoring.nounits")))
		return
	}
	sc.openUnit(want)
}

// filter applies the block and search filters to the unit list.
func (sc *scoringScreen) filter() {
	if sc.unitList == nil {
		return
	}
	block := ""
	if i := sc.blockSel.SelectedIndex(); i > 0 {
		block = sc.blocks[i-1].Code
	}
	q := strings.ToLower(strings.TrimSpace(sc.search.Text))
	sc.shown = sc.shown[:0]
	for i, u := range sc.units {
		if block != "" && u.unit.Block != block {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(u.unit.Name), q) && !strings.Contains(strings.ToLower(u.unit.Code), q) {
			continue
		}
		sc.shown = append(sc.shown, i)
	}
	sc.unitList.UnselectAll()
	sc.unitList.Refresh()
	for i, k := range sc.shown {
		if k == sc.cur {
			sc.unitList.Select(i)
		}
	}
}

func (sc *scoringScreen) newUnitItem() fyne.CanvasObject {
	name := canvas.NewText("", colInk)
	name.TextStyle = fyne.TextStyle{Bold: true}
	sub := canvas.NewText("", colMuted)
	sub.TextSize = 12
	idx := canvas.NewText("", colInk)
	idx.TextStyle = fyne.TextStyle{Bold: true}
	idx.Alignment = fyne.TextAlignTrailing
	bar := newThinBar()
	top := container.NewBorder(nil, nil, nil, idx, container.NewStack(name))
	return container.NewPadded(container.NewVBox(top, sub, bar))
}

func (sc *scoringScreen) updateUnitItem(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(sc.shown) {
		return
	}
	r := sc.units[sc.shown[i]]
	box := o.(*fyne.Container).Objects[0].(*fyne.Container)
	top := box.Objects[0].(*fyne.Container)
	name := top.Objects[0].(*fyne.Container).Objects[0].(*canvas.Text)
	name.Text = ellipsis(r.unit.Name, name.TextSize, name.TextStyle, 190)
	name.Refresh()
	idx := top.Objects[1].(*canvas.Text)
	idx.Text = sc.st.pct(r.idx)
	idx.Refresh()
	sub := box.Objects[1].(*canvas.Text)
	sub.Text = r.unit.Code + "  ·  " + sc.st.Tf("scoring.progress", r.scored, r.toScore)
	sub.Refresh()
	bar := box.Objects[2].(*thinBar)
	bar.frac = float32(r.scored) / float32(max(r.toScore, 1)) // drawing only
	bar.done = r.scored == r.toScore
	bar.Refresh()
}

// openUnit shows the criteria of the unit at position i of sc.units.
func (sc *scoringScreen) openUnit(i int) {
	st := sc.st
	sc.cur = i
	u := sc.units[i].unit
	sc.fw = sc.model.framework(u.Block)
	sc.calc = newUnitCalc(sc.model.Snap, u)
	sc.assigned = map[string][]string{}
	for _, a := range sc.calc.snap.Assignments {
		sc.assigned[a.Field] = append(sc.assigned[a.Field], a.Member)
	}
	sc.rows = sc.rows[:0]
	sc.leafRow = map[string]int{}
	var walk func(c *index.Criterion, depth int, field *index.Criterion)
	walk = func(c *index.Criterion, depth int, field *index.Criterion) {
		if field == nil {
			field = c
		}
		if c.IsLeaf() {
			sc.leafRow[c.Code] = len(sc.rows)
		}
		sc.rows = append(sc.rows, critRow{c: c, depth: depth, field: field})
		for _, ch := range c.Children {
			walk(ch, depth+1, field)
		}
	}
	for _, f := range sc.fw.Fields {
		walk(f, 0, nil)
	}
	blockName := u.Block
	for _, b := range sc.blocks {
		if b.Code == u.Block {
			blockName = b.Name
		}
	}
	sc.unitTitle.SetText(u.Name)
	sub := st.Tf("scoring.unitsub", u.Code, blockName)
	if !st.periodOpen() {
		sub += "  ·  " + st.T("period.finalized")
	}
	sc.unitSub.SetText(sub)
	sc.recompute()
	sc.sel = -1
	sc.table.UnselectAll()
	sc.table.ScrollToTop()
	sc.table.Refresh()
	if first := sc.nextLeaf(-1, false); first >= 0 {
		sc.selectRow(first)
	}
	for k, idx := range sc.shown {
		if idx == i {
			sc.unitList.Select(k)
			sc.unitList.ScrollTo(k)
		}
	}
}

// recompute computes the unit from its rows and refreshes what shows it.
func (sc *scoringScreen) recompute() {
	ur, err := sc.calc.result()
	if err != nil {
		sc.st.showError(err)
		return
	}
	sc.ur = ur
	sc.showTotals(ur, false)
	u := &sc.units[sc.cur]
	u.scored, u.toScore, u.idx = ur.Scored, ur.ToScore, ur.Index
	for k, idx := range sc.shown {
		if idx == sc.cur {
			sc.unitList.RefreshItem(k)
		}
	}
}

// showTotals fills the figures; preview marks figures of a score not yet saved.
func (sc *scoringScreen) showTotals(ur *index.UnitResult, preview bool) {
	st := sc.st
	col := colInk
	if preview {
		col = colNavy
	}
	sc.chips["appraisal"].set(st.pts(ur.Appraisal)+" / "+st.pts(ur.AppraisalMax), col)
	sc.chips["survey"].set(st.pts(ur.Survey)+" / "+st.pts(ur.SurveyMax), col)
	sc.chips["bonus"].set("+"+st.pts(ur.Bonus)+"  −"+st.pts(ur.Penalty), col)
	sc.chips["total"].set(st.pts(ur.Total)+" / "+st.pts(ur.Max), col)
	sc.chips["index"].set(st.pct(ur.Index)+" %", col)
	band := ur.Band
	if band == "" {
		band = "—"
	}
	sc.chips["band"].set(band, bandColour(bandPos(sc.fw, ur.Band), len(sc.fw.Bands), false))
}

// bandPos is the position of a band label in the framework's bands, or -1.
func bandPos(fw *index.Framework, label string) int {
	for i, b := range fw.Bands {
		if b.Label == label {
			return i
		}
	}
	return -1
}

// Columns of the criteria table.
const (
	ccCode = iota
	ccTitle
	ccMax
	ccSelf
	ccR1
	ccR2
	ccFinal
	ccNote
)

func (sc *scoringScreen) newCriteriaTable() *widget.Table {
	st := sc.st
	spec := &tableSpec{
		cols: []column{
			{st.T("col.code"), 54, fyne.TextAlignLeading},
			{st.T("col.content"), 282, fyne.TextAlignLeading},
			{st.T("col.max"), 60, fyne.TextAlignTrailing},
			{st.T("col.self"), 76, fyne.TextAlignTrailing},
			{st.T("col.r1.short"), 70, fyne.TextAlignTrailing},
			{st.T("col.r2.short"), 70, fyne.TextAlignTrailing},
			{st.T("col.final"), 98, fyne.TextAlignTrailing},
			{st.T("col.note"), 180, fyne.TextAlignLeading},
		},
		rows:     func() int { return len(sc.rows) },
		text:     sc.cellText,
		style:    sc.cellStyle,
		onSelect: func(r int) { sc.table.UnselectAll(); sc.selectRow(r) },
	}
	return newTable(spec)
}

// appraiserOf returns whose scores the R1/R2 columns show for a leaf, and
// whether this user may change them.
func (sc *scoringScreen) appraiserOf(r critRow) (string, bool) {
	st := sc.st
	leaf := r.c
	fieldMembers := sc.assigned[r.field.Code]
	editable := st.periodOpen() && leaf.IsLeaf() && leaf.Method != index.Survey
	switch st.role {
	case RoleMember:
		mine := false
		for _, m := range fieldMembers {
			if m == st.me.ID {
				mine = true
			}
		}
		return st.me.ID, editable && mine && st.me.ID != ""
	case RoleSecretary:
		if i := sc.appraiser.SelectedIndex(); i > 0 {
			return sc.apprOpts[i], editable
		}
		if len(fieldMembers) > 0 {
			return fieldMembers[0], editable
		}
		return "", false
	}
	if len(fieldMembers) > 0 {
		return fieldMembers[0], false
	}
	return "", false
}

func (sc *scoringScreen) leafResult(code string) *index.LeafResult {
	for i := range sc.ur.Leaves {
		if sc.ur.Leaves[i].Code == code {
			return &sc.ur.Leaves[i]
		}
	}
	return nil
}

func (sc *scoringScreen) fieldResult(code string) *index.FieldResult {
	for i := range sc.ur.Fields {
		if sc.ur.Fields[i].Code == code {
			return &sc.ur.Fields[i]
		}
	}
	return nil
}

// hidden reports whether a member must not see the scores of a row: a
// member sees their own appraisals only.
func (sc *scoringScreen) hidden(r critRow) bool {
	if sc.st.role != RoleMember {
		return false
	}
	for _, m := range sc.assigned[r.field.Code] {
		if m == sc.st.me.ID {
			return false
		}
	}
	return true
}

func (sc *scoringScreen) cellText(row, col int) string {
	st := sc.st
	r := sc.rows[row]
	c := r.c
	if col >= ccR1 && sc.hidden(r) {
		return ""
	}
	switch col {
	case ccCode:
		return c.Code
	case ccTitle:
		return strings.Repeat("    ", r.depth) + c.Title
	case ccMax:
		return st.pts(c.Max)
	}
	if !c.IsLeaf() {
		if r.depth != 0 || sc.ur == nil {
			return ""
		}
		switch col {
		case ccFinal:
			if fr := sc.fieldResult(c.Code); fr != nil {
				return st.pts(fr.Points)
			}
			return "+" + st.pts(sc.ur.Bonus) + " −" + st.pts(sc.ur.Penalty)
		case ccNote:
			if fr := sc.fieldResult(c.Code); fr != nil {
				return st.Tf("scoring.fieldindex", st.pct(fr.Index))
			}
		}
		return ""
	}
	lr := sc.leafResult(c.Code)
	who, _ := sc.appraiserOf(r)
	switch col {
	case ccSelf:
		if s, ok := sc.calc.self[c.Code]; ok {
			return st.pts(s.Points)
		}
	case ccR1, ccR2:
		round := 1
		if col == ccR2 {
			round = 2
		}
		if a, ok := sc.calc.appraisal(who, c.Code, round); ok {
			return st.pts(a.Points)
		}
	case ccFinal:
		if lr == nil || lr.NA {
			return "—"
		}
		if lr.Source == index.FromNone {
			return ""
		}
		s := st.pts(lr.Final)
		if lr.Source == index.FromDecision {
			s = "◆ " + s
		}
		return s
	case ccNote:
		if lr != nil && lr.NA {
			na, _ := sc.calc.naMark(c.Code)
			return st.T("scoring.na") + noteSuffix(na.Reason)
		}
		if c.Method == index.Survey {
			return st.T("scoring.surveyleaf")
		}
		if d, ok := sc.calc.dec[c.Code]; ok {
			return st.T("scoring.decision") + noteSuffix(d.Reason)
		}
		if a, ok := sc.calc.appraisal(who, c.Code, 2); ok && a.Reason != "" {
			return a.Reason
		}
		if a, ok := sc.calc.appraisal(who, c.Code, 1); ok {
			return a.Reason
		}
	}
	return ""
}

func noteSuffix(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

func (sc *scoringScreen) cellStyle(row, col int) cellStyle {
	cs := sc.baseStyle(row, col)
	if row == sc.sel {
		cs.bg = colSelection
	}
	return cs
}

func (sc *scoringScreen) baseStyle(row, col int) cellStyle {
	r := sc.rows[row]
	if r.depth == 0 {
		return cellStyle{bg: colFieldRow, bold: true}
	}
	if !r.c.IsLeaf() {
		return cellStyle{bold: col == ccCode || col == ccTitle}
	}
	_, editable := sc.appraiserOf(r)
	cs := cellStyle{}
	if col == ccFinal {
		cs.bold = true
	}
	if lr := sc.leafResult(r.c.Code); lr != nil && lr.NA {
		cs.muted = true
	}
	if !editable && sc.st.role == RoleMember {
		cs.muted = true
	}
	if editable && (col == ccR1 || col == ccR2) {
		cs.bg = colPanel
	}
	return cs
}

// newEditor builds the panel under the table that edits the selected leaf.
func (sc *scoringScreen) newEditor() fyne.CanvasObject {
	st := sc.st
	sc.edTitle = widget.NewLabel("")
	sc.edTitle.TextStyle = fyne.TextStyle{Bold: true}
	sc.edTitle.Wrapping = fyne.TextWrapWord
	sc.edMeta = note("")
	sc.edGuide = wrapLabel("")
	sc.edSelf = wrapLabel("")
	sc.lock = widget.NewLabel("")
	sc.lock.Importance = widget.WarningImportance
	sc.lock.Wrapping = fyne.TextWrapWord
	sc.msg = widget.NewLabel("")
	sc.msg.Importance = widget.DangerImportance
	sc.msg.Wrapping = fyne.TextWrapWord
	sc.msg.TextStyle = fyne.TextStyle{Bold: true}

	sc.r1, sc.r2 = widget.NewEntry(), widget.NewEntry()
	sc.reason = widget.NewEntry()
	sc.reason.SetPlaceHolder(st.T("scoring.reason.ph"))
	for i, e := range []*widget.Entry{sc.r1, sc.r2} {
		round := i + 1
		e.SetPlaceHolder(st.T("scoring.score.ph"))
		e.OnChanged = func(s string) { sc.round = round; sc.preview(round, s) }
		e.OnSubmitted = func(string) { sc.round = round; sc.commit(round) }
	}
	sc.reason.OnSubmitted = func(string) { sc.commit(sc.round) }
	sc.na = widget.NewCheck(st.T("scoring.na"), func(on bool) {
		if !sc.settingNA {
			sc.toggleNA(on)
		}
	})
	save := widget.NewButtonWithIcon(st.T("btn.save"), theme.DocumentSaveIcon(), func() { sc.commit(sc.round) })
	save.Importance = widget.HighImportance

	scores := container.New(layout.NewFormLayout(),
		widget.NewLabel(st.T("col.r1")), fixedWidth(110, sc.r1),
		widget.NewLabel(st.T("col.r2")), fixedWidth(110, sc.r2),
		widget.NewLabel(st.T("col.reason")), sc.reason,
	)
	right := container.NewVBox(scores, container.NewHBox(sc.na, layout.NewSpacer(), save))
	guide := container.NewVScroll(container.NewVBox(sc.edMeta, sc.edGuide, sc.edSelf))
	guide.SetMinSize(fyne.NewSize(0, 110))
	left := container.NewBorder(sc.edTitle, container.NewVBox(sc.lock, sc.msg), nil, nil, guide)
	body := container.NewBorder(nil, nil, nil, fixedWidth(340, right), left)
	bg := canvas.NewRectangle(colPanel)
	bg.StrokeColor = colLine
	bg.StrokeWidth = 1
	return container.NewStack(bg, container.NewPadded(body))
}

// selectRow loads the table row r into the editor.
func (sc *scoringScreen) selectRow(r int) {
	st := sc.st
	if r < 0 || r >= len(sc.rows) {
		return
	}
	if sc.sel != r {
		sc.sel = r
		sc.table.ScrollTo(widget.TableCellID{Row: r, Col: ccCode})
		sc.table.Refresh()
	}
	row := sc.rows[r]
	c := row.c
	sc.edTitle.SetText(c.Code + "  " + c.Title)
	sc.msg.SetText("")
	if !c.IsLeaf() {
		sc.edMeta.SetText(st.Tf("scoring.nodemeta", st.pts(c.Max)))
		sc.edGuide.SetText(c.Guide)
		sc.edSelf.SetText("")
		sc.lock.SetText("")
		sc.setEntries("", "", "", false)
		sc.setNACheck(false, false)
		return
	}
	meta := st.Tf("scoring.leafmeta", st.pts(c.Max), st.pts(sc.fw.Step), st.T("method."+string(c.Method)))
	if c.EvidenceRequired {
		meta += " · " + st.T("scoring.evidencereq")
	}
	sc.edMeta.SetText(meta)
	guide := c.Guide
	if guide == "" {
		guide = st.T("scoring.noguide")
	}
	sc.edGuide.SetText(st.T("scoring.guide") + ": " + guide)
	self := st.T("scoring.noself")
	if s, ok := sc.calc.self[c.Code]; ok {
		self = st.T("col.self") + ": " + st.pts(s.Points)
		if s.Evidence != "" {
			self += "\n" + st.T("scoring.evidence") + ": " + s.Evidence
		}
		if s.Explanation != "" {
			self += "\n" + st.T("scoring.explanation") + ": " + s.Explanation
		}
	}
	sc.edSelf.SetText(self)
	who, editable := sc.appraiserOf(row)
	lr := sc.leafResult(c.Code)
	na := lr != nil && lr.NA
	sc.lock.Importance = widget.WarningImportance
	switch {
	case !st.periodOpen():
		sc.lock.SetText(st.T("scoring.lock.final"))
	case c.Method == index.Survey:
		sc.lock.SetText(st.T("scoring.lock.survey"))
	case !editable && st.role == RoleMember:
		owner := st.T("scoring.nobody")
		if ms := sc.assigned[row.field.Code]; len(ms) > 0 {
			owner = sc.model.memberName(ms[0])
		}
		sc.lock.SetText(st.Tf("scoring.lock.other", owner))
	case !editable && st.role == RoleChair:
		sc.lock.SetText(st.T("scoring.lock.chair"))
	case !editable:
		sc.lock.SetText(st.T("scoring.lock.unassigned"))
	case na:
		sc.lock.SetText(st.T("scoring.lock.na"))
	default:
		sc.lock.Importance = widget.LowImportance
		sc.lock.SetText(st.Tf("scoring.as", sc.model.memberName(who)))
	}
	t1, t2, reason := "", "", ""
	if a, ok := sc.calc.appraisal(who, c.Code, 1); ok {
		t1, reason = st.pts(a.Points), a.Reason
	}
	if a, ok := sc.calc.appraisal(who, c.Code, 2); ok {
		t2 = st.pts(a.Points)
		if a.Reason != "" {
			reason = a.Reason
		}
	}
	sc.setEntries(t1, t2, reason, editable && !na)
	sc.setNACheck(na, editable && st.role == RoleSecretary)
	if sc.ur != nil {
		sc.showTotals(sc.ur, false)
	}
}

// setEntries fills the editor's entries without triggering a preview.
func (sc *scoringScreen) setEntries(r1, r2, reason string, enabled bool) {
	for _, x := range []struct {
		e *widget.Entry
		t string
	}{{sc.r1, r1}, {sc.r2, r2}, {sc.reason, reason}} {
		f := x.e.OnChanged
		x.e.OnChanged = nil
		x.e.SetText(x.t)
		x.e.OnChanged = f
		if enabled {
			x.e.Enable()
		} else {
			x.e.Disable()
		}
	}
}

func (sc *scoringScreen) setNACheck(on, enabled bool) {
	sc.settingNA = true
	sc.na.SetChecked(on)
	sc.settingNA = false
	if enabled {
		sc.na.Enable()
	} else {
		sc.na.Disable()
	}
}

// parseScore reads and checks a typed score for the selected leaf; the
// error message is in the user's language.
func (sc *scoringScreen) parseScore(s string) (index.Points, string) {
	p, err := index.ParsePoints(s)
	if err != nil {
		return 0, sc.st.T("score.notanumber")
	}
	var se *index.ScoreError
	if err := sc.fw.CheckScore(sc.rows[sc.sel].c, p); errors.As(err, &se) {
		return 0, scoreMessage(sc.st.lang, se)
	} else if err != nil {
		return 0, err.Error()
	}
	return p, ""
}

// preview recomputes the unit with the typed value, refusing it inline
// when it is not a valid score.
func (sc *scoringScreen) preview(round int, s string) {
	if sc.sel < 0 || !sc.rows[sc.sel].c.IsLeaf() {
		return
	}
	if strings.TrimSpace(s) == "" {
		sc.msg.SetText("")
		sc.showTotals(sc.ur, false)
		return
	}
	p, bad := sc.parseScore(s)
	if bad != "" {
		sc.msg.SetText(bad)
		sc.showTotals(sc.ur, false)
		return
	}
	row := sc.rows[sc.sel]
	who, _ := sc.appraiserOf(row)
	sc.msg.SetText(sc.reasonHint(row.c.Code, p))
	ur, err := sc.calc.preview(index.AppraisalScore{Member: who, Unit: sc.units[sc.cur].unit.Code, Criterion: row.c.Code, Round: round, Points: p})
	if err != nil {
		sc.msg.SetText(explain(sc.st.lang, err).Msg)
		return
	}
	sc.showTotals(ur, true)
}

// reasonHint says that a score below the self-assessment needs a reason.
func (sc *scoringScreen) reasonHint(code string, p index.Points) string {
	if s, ok := sc.calc.self[code]; ok && p < s.Points && strings.TrimSpace(sc.reason.Text) == "" {
		return sc.st.Tf("score.needreason.self", sc.st.pts(s.Points))
	}
	return ""
}

// commit saves the typed score of a round and moves to the next leaf.
func (sc *scoringScreen) commit(round int) {
	st := sc.st
	if sc.sel < 0 || !sc.rows[sc.sel].c.IsLeaf() {
		return
	}
	row := sc.rows[sc.sel]
	who, editable := sc.appraiserOf(row)
	if !editable {
		sc.msg.SetText(st.T("scoring.readonly"))
		return
	}
	entry := sc.r1
	if round == 2 {
		entry = sc.r2
	}
	text := strings.TrimSpace(entry.Text)
	if text == "" {
		sc.advance(round)
		return
	}
	p, bad := sc.parseScore(text)
	if bad != "" {
		sc.msg.SetText(bad)
		st.Win.Canvas().Focus(entry)
		return
	}
	reason := strings.TrimSpace(sc.reason.Text)
	if hint := sc.reasonHint(row.c.Code, p); hint != "" {
		sc.msg.SetText(hint)
		st.Win.Canvas().Focus(sc.reason)
		return
	}
	unit := sc.units[sc.cur].unit.Code
	a := index.AppraisalScore{Member: who, Unit: unit, Criterion: row.c.Code, Round: round, Points: p, Reason: reason}
	if old, ok := sc.calc.appraisal(who, row.c.Code, round); ok && old == a {
		sc.advance(round)
		return
	}
	undo := sc.calc.setAppraisal(a)
	sc.recompute()
	sc.table.Refresh()
	c, pid := st.council, st.period.ID
	run(st, func() (struct{}, error) { return struct{}{}, c.SetAppraisal(pid, a) }, func(_ struct{}, err error) {
		st.invalidate()
		if err != nil {
			if sc.units[sc.cur].unit.Code == unit {
				undo()
				sc.recompute()
				sc.table.Refresh()
				if sc.sel >= 0 && sc.rows[sc.sel].c.Code == a.Criterion {
					sc.selectRow(sc.sel)
					sc.msg.SetText(explain(st.lang, err).Msg)
				}
			}
			st.showError(err)
		}
	})
	sc.advance(round)
}

// advance selects the next leaf this user may score and puts the cursor in
// the same round's entry.
func (sc *scoringScreen) advance(round int) {
	next := sc.nextLeaf(sc.sel, true)
	if next < 0 {
		sc.msg.SetText(sc.st.T("scoring.lastleaf"))
		return
	}
	sc.selectRow(next)
	e := sc.r1
	if round == 2 {
		e = sc.r2
	}
	if !e.Disabled() {
		sc.st.Win.Canvas().Focus(e)
	}
}

// nextLeaf finds the next leaf row after r (editable ones only when asked).
func (sc *scoringScreen) nextLeaf(r int, editable bool) int {
	for i := r + 1; i < len(sc.rows); i++ {
		if !sc.rows[i].c.IsLeaf() {
			continue
		}
		if !editable {
			return i
		}
		if _, ok := sc.appraiserOf(sc.rows[i]); ok {
			if lr := sc.leafResult(sc.rows[i].c.Code); lr == nil || !lr.NA {
				return i
			}
		}
	}
	return -1
}

// refreshAll redraws the table and the editor (after the appraiser changed).
func (sc *scoringScreen) refreshAll() {
	if sc.table == nil || sc.calc == nil {
		return
	}
	sc.table.Refresh()
	if sc.sel >= 0 {
		sc.selectRow(sc.sel)
	}
}

// toggleNA marks the selected leaf not applicable (or applicable again),
// asking for the reason.
func (sc *scoringScreen) toggleNA(on bool) {
	st := sc.st
	if sc.sel < 0 {
		return
	}
	code := sc.rows[sc.sel].c.Code
	unit := sc.units[sc.cur].unit.Code
	na := index.NotApplicable{Unit: unit, Criterion: code}
	if !on {
		if mark, ok := sc.calc.naMark(code); ok {
			na = mark
		}
	}
	reason := widget.NewEntry()
	reason.SetPlaceHolder(st.T("scoring.na.reason"))
	text := st.Tf("scoring.na.on", code)
	if !on {
		text = st.Tf("scoring.na.off", na.Criterion)
	}
	items := []*widget.FormItem{widget.NewFormItem("", wrapLabel(text)), widget.NewFormItem(st.T("col.reason"), reason)}
	d := dialog.NewForm(st.T("scoring.na"), st.T("btn.ok"), st.T("btn.cancel"), items, func(ok bool) {
		if !ok {
			sc.selectRow(sc.sel)
			return
		}
		na.Reason = strings.TrimSpace(reason.Text)
		c, pid := st.council, st.period.ID
		run(st, func() (struct{}, error) { return struct{}{}, c.SetNotApplicable(pid, na, on) }, func(_ struct{}, err error) {
			st.invalidate()
			if err != nil {
				st.showError(err)
			} else if sc.units[sc.cur].unit.Code == unit {
				sc.calc.setNA(na, on)
				sc.recompute()
				sc.table.Refresh()
			}
			sc.selectRow(sc.sel)
		})
	}, st.Win)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
}
