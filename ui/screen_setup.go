package ui

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/assets"
	"parindex/data"
	"parindex/exchange"
	"parindex/index"
)

// setupScreen is the secretariat's set-up of a period: periods, blocks,
// units, frameworks, members and field assignments, with the consolidation
// rule, the discrepancy threshold and the classification bands.
type setupScreen struct {
	st    *State
	root  *fyne.Container
	model *Model // nil when the file has no period yet
	fws   []data.FrameworkInfo
	tabs  *container.AppTabs
}

func newSetupScreen(st *State) fyne.CanvasObject { return newSetup(st).root }

func newSetup(st *State) *setupScreen {
	ss := &setupScreen{st: st, root: container.NewStack(loading(st))}
	ss.load()
	return ss
}

type setupData struct {
	m   *Model
	fws []data.FrameworkInfo
}

func (ss *setupScreen) load() {
	st := ss.st
	c := st.council
	run(st, func() (setupData, error) {
		fws, err := c.Frameworks()
		if err != nil {
			return setupData{}, err
		}
		m, err := st.loadModel()
		if errors.Is(err, errNoPeriod) {
			err = nil
		}
		return setupData{m, fws}, err
	}, func(d setupData, err error) {
		if err != nil {
			swap(ss.root, modelError(st, err))
			return
		}
		ss.model, ss.fws = d.m, d.fws
		ss.build()
	})
}

// changed saves through fn off the UI goroutine, then reloads the screen.
func (ss *setupScreen) changed(fn func(c Council, pid int64) error) {
	st := ss.st
	c, pid := st.council, st.period.ID
	withProgress(st, "progress.saving", func() (struct{}, error) { return struct{}{}, fn(c, pid) }, func(struct{}) {
		st.invalidate()
		ss.load()
	})
}

func (ss *setupScreen) build() {
	st := ss.st
	items := []*container.TabItem{container.NewTabItemWithIcon(st.T("setup.periods"), theme.CalendarIcon(), ss.periodsTab())}
	if ss.model != nil {
		items = append(items,
			container.NewTabItemWithIcon(st.T("setup.blocks"), theme.GridIcon(), ss.blocksTab()),
			container.NewTabItemWithIcon(st.T("setup.units"), theme.ListIcon(), ss.unitsTab()),
		)
	}
	items = append(items, container.NewTabItemWithIcon(st.T("setup.frameworks"), theme.FileTextIcon(), ss.frameworksTab()))
	if ss.model != nil {
		items = append(items,
			container.NewTabItemWithIcon(st.T("setup.members"), theme.AccountIcon(), ss.membersTab()),
			container.NewTabItemWithIcon(st.T("setup.assignments"), theme.ConfirmIcon(), ss.assignmentsTab()),
		)
	}
	ss.tabs = container.NewAppTabs(items...)
	if i := st.tabs["setup"]; i < len(items) {
		ss.tabs.SelectIndex(i)
	}
	ss.tabs.OnSelected = func(*container.TabItem) { st.tabs["setup"] = ss.tabs.SelectedIndex() }
	head := title(st.T("nav.setup"))
	var warn fyne.CanvasObject = layout.NewSpacer()
	if st.period.Finalized {
		w := widget.NewLabel(st.T("setup.finalized"))
		w.Importance = widget.WarningImportance
		warn = w
	}
	swap(ss.root, container.NewBorder(container.NewBorder(nil, nil, head, warn), nil, nil, nil, ss.tabs))
}

// split puts a table on the left and an editing panel on the right.
func split(left, right fyne.CanvasObject) fyne.CanvasObject {
	s := container.NewHSplit(left, container.NewVScroll(right))
	s.Offset = 0.58
	return s
}

func (ss *setupScreen) ruleNames() ([]index.Rule, []string) {
	rules := []index.Rule{index.RuleAssigned, index.RuleMean, index.RuleMedian}
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = ss.st.T("rule." + string(r))
	}
	return rules, names
}

func (ss *setupScreen) periodsTab() fyne.CanvasObject {
	st := ss.st
	ps := st.periods
	rules, ruleNames := ss.ruleNames()
	t := newTable(&tableSpec{
		cols: []column{{st.T("col.name"), 200, fyne.TextAlignLeading}, {st.T("setup.year"), 70, fyne.TextAlignCenter},
			{st.T("setup.round"), 100, fyne.TextAlignLeading}, {st.T("setup.rule"), 230, fyne.TextAlignLeading},
			{st.T("setup.threshold"), 170, fyne.TextAlignTrailing}, {st.T("setup.state"), 110, fyne.TextAlignLeading}},
		rows: func() int { return len(ps) },
		text: func(r, c int) string {
			p := ps[r]
			switch c {
			case 0:
				return p.Name
			case 1:
				return strconv.Itoa(p.Year)
			case 2:
				return st.T("round." + string(p.Round))
			case 3:
				return st.T("rule." + string(p.Rule))
			case 4:
				return st.pct(p.Threshold) + " %"
			}
			if p.Finalized {
				return st.T("period.finalized")
			}
			return st.T("period.open")
		},
		style: func(r, c int) cellStyle {
			if ps[r].ID == st.period.ID {
				return cellStyle{bold: true, bg: colFieldRow}
			}
			return cellStyle{}
		},
		onSelect: func(r int) { st.SetPeriod(ps[r].ID) },
	})

	var cur fyne.CanvasObject = note(st.T("setup.noperiod"))
	if st.period.ID != 0 {
		name := widget.NewEntry()
		name.SetText(st.period.Name)
		rule := widget.NewSelect(ruleNames, nil)
		for i, r := range rules {
			if r == st.period.Rule {
				rule.SetSelectedIndex(i)
			}
		}
		thr := widget.NewEntry()
		thr.SetText(st.pct(st.period.Threshold))
		form := widget.NewForm(
			widget.NewFormItem(st.T("col.name"), name),
			widget.NewFormItem(st.T("setup.rule"), rule),
			widget.NewFormItem(st.T("setup.threshold"), thr),
		)
		save := widget.NewButtonWithIcon(st.T("btn.save"), theme.DocumentSaveIcon(), func() {
			t, err := index.ParsePercent(thr.Text)
			if err != nil || t <= 0 || t > 10000 {
				st.info(st.T("setup.threshold"), st.T("setup.threshold.bad"))
				return
			}
			n := strings.TrimSpace(name.Text)
			r := rules[max(rule.SelectedIndex(), 0)]
			c, pid := st.council, st.period.ID
			withProgress(st, "progress.saving", func() (struct{}, error) {
				return struct{}{}, c.UpdatePeriod(pid, data.PeriodUpdate{Name: &n, Rule: &r, Threshold: &t})
			}, func(struct{}) { st.reloadPeriods(0) }) // SetPeriod rebuilds the window with the new figures
		})
		save.Importance = widget.HighImportance
		if !st.periodOpen() {
			save.Disable()
		}
		cur = container.NewVBox(form, note(st.T("setup.rule.note")), container.NewHBox(layout.NewSpacer(), save))
	}

	year := widget.NewEntry()
	year.SetPlaceHolder("2025")
	round := widget.NewSelect([]string{st.T("round.mid-year"), st.T("round.full-year")}, nil)
	round.SetSelectedIndex(1)
	pname := widget.NewEntry()
	pname.SetPlaceHolder(st.T("setup.pname.ph"))
	create := widget.NewButtonWithIcon(st.T("setup.create"), theme.ContentAddIcon(), func() {
		y, err := strconv.Atoi(strings.TrimSpace(year.Text))
		if err != nil {
			st.info(st.T("setup.newperiod"), st.T("setup.year.bad"))
			return
		}
		p := index.Period{Year: y, Round: index.FullYear, Name: strings.TrimSpace(pname.Text)}
		if round.SelectedIndex() == 0 {
			p.Round = index.MidYear
		}
		c := st.council
		withProgress(st, "progress.saving", func() (int64, error) { return c.CreatePeriod(p) }, func(id int64) {
			st.reloadPeriods(id)
		})
	})
	newForm := container.NewVBox(widget.NewForm(
		widget.NewFormItem(st.T("setup.year"), year),
		widget.NewFormItem(st.T("setup.round"), round),
		widget.NewFormItem(st.T("col.name"), pname),
	), note(st.T("setup.newperiod.note")), container.NewHBox(layout.NewSpacer(), create))
	right := container.NewVBox(panel(st.T("setup.current"), cur), panel(st.T("setup.newperiod"), newForm))
	return split(t, right)
}

func (ss *setupScreen) fwOptions() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range ss.fws {
		if !seen[f.Code] {
			seen[f.Code] = true
			out = append(out, f.Code)
		}
	}
	return out
}

func (ss *setupScreen) blocksTab() fyne.CanvasObject {
	st, m := ss.st, ss.model
	blocks := m.Snap.Blocks
	code, name := widget.NewEntry(), widget.NewEntry()
	fwSel := widget.NewSelect(ss.fwOptions(), nil)
	t := newTable(&tableSpec{
		cols: []column{{st.T("col.code"), 80, fyne.TextAlignLeading}, {st.T("col.name"), 330, fyne.TextAlignLeading},
			{st.T("setup.framework"), 220, fyne.TextAlignLeading}},
		rows: func() int { return len(blocks) },
		text: func(r, c int) string {
			return []string{blocks[r].Code, blocks[r].Name, blocks[r].Framework}[c]
		},
		onSelect: func(r int) {
			code.SetText(blocks[r].Code)
			name.SetText(blocks[r].Name)
			fwSel.SetSelected(blocks[r].Framework)
		},
	})
	save := widget.NewButtonWithIcon(st.T("btn.save"), theme.DocumentSaveIcon(), func() {
		b := index.Block{Code: strings.TrimSpace(code.Text), Name: strings.TrimSpace(name.Text), Framework: fwSel.Selected}
		ss.changed(func(c Council, pid int64) error { return c.SaveBlock(pid, b) })
	})
	save.Importance = widget.HighImportance
	clear := widget.NewButtonWithIcon(st.T("setup.new"), theme.ContentAddIcon(), func() {
		code.SetText("")
		name.SetText("")
		fwSel.ClearSelected()
		t.UnselectAll()
	})
	ss.guard(save)
	form := container.NewVBox(widget.NewForm(
		widget.NewFormItem(st.T("col.code"), code),
		widget.NewFormItem(st.T("col.name"), name),
		widget.NewFormItem(st.T("setup.framework"), fwSel),
	), note(st.T("setup.blocks.note")), container.NewHBox(clear, layout.NewSpacer(), save))
	return split(t, panel(st.T("setup.block.edit"), form))
}

// guard disables a save button when the period cannot change.
func (ss *setupScreen) guard(b *widget.Button) {
	if !ss.st.periodOpen() {
		b.Disable()
	}
}

func (ss *setupScreen) unitsTab() fyne.CanvasObject {
	st, m := ss.st, ss.model
	all := m.Snap.Units
	var shown []index.Unit
	blockNames := []string{st.T("scoring.allblocks")}
	for _, b := range m.Snap.Blocks {
		blockNames = append(blockNames, b.Name)
	}
	filterSel := widget.NewSelect(blockNames, nil)
	search := widget.NewEntry()
	search.SetPlaceHolder(st.T("scoring.search"))
	code, name := widget.NewEntry(), widget.NewEntry()
	blockSel := widget.NewSelect(blockNames[1:], nil)
	var selected *index.Unit
	t := newTable(&tableSpec{
		cols: []column{{st.T("col.code"), 100, fyne.TextAlignLeading}, {st.T("col.name"), 320, fyne.TextAlignLeading},
			{st.T("results.block"), 80, fyne.TextAlignLeading}, {st.T("setup.state"), 120, fyne.TextAlignLeading}},
		rows: func() int { return len(shown) },
		text: func(r, c int) string {
			u := shown[r]
			switch c {
			case 0:
				return u.Code
			case 1:
				return u.Name
			case 2:
				return u.Block
			}
			if u.Active {
				return st.T("setup.active")
			}
			return st.T("setup.inactive")
		},
		style: func(r, c int) cellStyle { return cellStyle{muted: !shown[r].Active} },
	})
	toggle := widget.NewButtonWithIcon(st.T("setup.deactivate"), theme.VisibilityOffIcon(), nil)
	toggle.Disable()
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row >= len(shown) {
			return
		}
		u := shown[id.Row]
		selected = &u
		code.SetText(u.Code)
		name.SetText(u.Name)
		for i, b := range m.Snap.Blocks {
			if b.Code == u.Block {
				blockSel.SetSelectedIndex(i)
			}
		}
		if u.Active {
			toggle.SetText(st.T("setup.deactivate"))
		} else {
			toggle.SetText(st.T("setup.activate"))
		}
		if st.periodOpen() {
			toggle.Enable()
		}
	}
	refilter := func() {
		q := strings.ToLower(strings.TrimSpace(search.Text))
		block := ""
		if i := filterSel.SelectedIndex(); i > 0 {
			block = m.Snap.Blocks[i-1].Code
		}
		shown = shown[:0]
		for _, u := range all {
			if (block == "" || u.Block == block) && (q == "" || strings.Contains(strings.ToLower(u.Name+" "+u.Code), q)) {
				shown = append(shown, u)
			}
		}
		t.UnselectAll()
		t.Refresh()
	}
	filterSel.OnChanged = func(string) { refilter() }
	search.OnChanged = func(string) { refilter() }
	filterSel.SetSelectedIndex(0)
	toggle.OnTapped = func() {
		if selected == nil {
			return
		}
		u := *selected
		reason := widget.NewEntry()
		dialog.ShowForm(st.T("setup.unitstate"), st.T("btn.ok"), st.T("btn.cancel"),
			[]*widget.FormItem{widget.NewFormItem(st.T("col.reason"), reason)}, func(ok bool) {
				if !ok {
					return
				}
				if strings.TrimSpace(reason.Text) == "" {
					st.info(st.T("setup.unitstate"), st.T("err.needreason"))
					return
				}
				ss.changed(func(c Council, pid int64) error { return c.SetUnitActive(pid, u.Code, !u.Active, reason.Text) })
			}, st.Win)
	}
	save := widget.NewButtonWithIcon(st.T("btn.save"), theme.DocumentSaveIcon(), func() {
		u := index.Unit{Code: strings.TrimSpace(code.Text), Name: strings.TrimSpace(name.Text), Active: true}
		if i := blockSel.SelectedIndex(); i >= 0 {
			u.Block = m.Snap.Blocks[i].Code
		}
		for _, x := range all {
			if x.Code == u.Code {
				u.Active = x.Active
			}
		}
		ss.changed(func(c Council, pid int64) error { return c.SaveUnit(pid, u) })
	})
	save.Importance = widget.HighImportance
	ss.guard(save)
	clear := widget.NewButtonWithIcon(st.T("setup.new"), theme.ContentAddIcon(), func() {
		selected = nil
		code.SetText("")
		name.SetText("")
		t.UnselectAll()
		toggle.Disable()
	})
	left := container.NewBorder(container.NewGridWithColumns(2, filterSel, search), nil, nil, nil, t)
	form := container.NewVBox(widget.NewForm(
		widget.NewFormItem(st.T("col.code"), code),
		widget.NewFormItem(st.T("col.name"), name),
		widget.NewFormItem(st.T("results.block"), blockSel),
	), container.NewHBox(clear, toggle, layout.NewSpacer(), save), note(st.T("setup.units.note")))
	return split(left, panel(st.T("setup.unit.edit"), form))
}

func (ss *setupScreen) membersTab() fyne.CanvasObject {
	st, m := ss.st, ss.model
	ms := m.Snap.Members
	roles := []index.Role{index.Chair, index.ViceChair, index.Member, index.Secretary}
	roleNames := make([]string, len(roles))
	for i, r := range roles {
		roleNames[i] = st.T("crole." + string(r))
	}
	id, name, org := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	role := widget.NewSelect(roleNames, nil)
	t := newTable(&tableSpec{
		cols: []column{{st.T("setup.memberid"), 70, fyne.TextAlignLeading}, {st.T("col.name"), 200, fyne.TextAlignLeading},
			{st.T("setup.role"), 120, fyne.TextAlignLeading}, {st.T("setup.org"), 330, fyne.TextAlignLeading}},
		rows: func() int { return len(ms) },
		text: func(r, c int) string {
			return []string{ms[r].ID, ms[r].Name, st.T("crole." + string(ms[r].Role)), ms[r].Organisation}[c]
		},
		onSelect: func(r int) {
			id.SetText(ms[r].ID)
			name.SetText(ms[r].Name)
			org.SetText(ms[r].Organisation)
			for i, x := range roles {
				if x == ms[r].Role {
					role.SetSelectedIndex(i)
				}
			}
		},
	})
	save := widget.NewButtonWithIcon(st.T("btn.save"), theme.DocumentSaveIcon(), func() {
		mb := index.CouncilMember{ID: strings.TrimSpace(id.Text), Name: strings.TrimSpace(name.Text),
			Organisation: strings.TrimSpace(org.Text), Role: index.Member}
		if i := role.SelectedIndex(); i >= 0 {
			mb.Role = roles[i]
		}
		ss.changed(func(c Council, pid int64) error { return c.SaveMember(pid, mb) })
	})
	save.Importance = widget.HighImportance
	ss.guard(save)
	clear := widget.NewButtonWithIcon(st.T("setup.new"), theme.ContentAddIcon(), func() {
		for _, e := range []*widget.Entry{id, name, org} {
			e.SetText("")
		}
		role.ClearSelected()
		t.UnselectAll()
	})
	voting := index.VotingMembers(ms)
	form := container.NewVBox(widget.NewForm(
		widget.NewFormItem(st.T("setup.memberid"), id),
		widget.NewFormItem(st.T("col.name"), name),
		widget.NewFormItem(st.T("setup.role"), role),
		widget.NewFormItem(st.T("setup.org"), org),
	), container.NewHBox(clear, layout.NewSpacer(), save), note(st.Tf("setup.members.note", voting, len(ms)-voting)))
	return split(t, panel(st.T("setup.member.edit"), form))
}

func (ss *setupScreen) assignmentsTab() fyne.CanvasObject {
	st, m := ss.st, ss.model
	blocks := m.Snap.Blocks
	names := make([]string, len(blocks))
	for i, b := range blocks {
		names[i] = b.Name
	}
	var fields []*index.Criterion
	var block index.Block
	owners := func(field string) []string {
		var out []string
		for _, a := range m.Snap.Assignments {
			if a.Block == block.Code && a.Field == field {
				out = append(out, a.Member)
			}
		}
		return out
	}
	voting := st.votingMembers()
	vnames := make([]string, len(voting))
	for i, v := range voting {
		vnames[i] = memberLabel(st, v)
	}
	memberSel := widget.NewSelect(vnames, nil)
	var field *index.Criterion
	t := newTable(&tableSpec{
		cols: []column{{st.T("col.code"), 50, fyne.TextAlignLeading}, {st.T("col.field"), 360, fyne.TextAlignLeading},
			{st.T("setup.assigned"), 240, fyne.TextAlignLeading}},
		rows: func() int { return len(fields) },
		text: func(r, c int) string {
			f := fields[r]
			switch c {
			case 0:
				return f.Code
			case 1:
				return f.Title
			}
			var ns []string
			for _, id := range owners(f.Code) {
				ns = append(ns, m.memberName(id))
			}
			return orDash(strings.Join(ns, ", "))
		},
		onSelect: func(r int) {
			field = fields[r]
			memberSel.ClearSelected()
			if os := owners(field.Code); len(os) > 0 {
				for i, v := range voting {
					if v.ID == os[0] {
						memberSel.SetSelectedIndex(i)
					}
				}
			}
		},
	})
	blockSel := widget.NewSelect(names, func(string) {})
	blockSel.OnChanged = func(string) {
		i := blockSel.SelectedIndex()
		if i < 0 {
			return
		}
		block = blocks[i]
		fields = m.Snap.Frameworks[block.Framework].Fields
		t.UnselectAll()
		t.Refresh()
	}
	blockSel.SetSelectedIndex(0)
	assign := widget.NewButtonWithIcon(st.T("setup.assign"), theme.ConfirmIcon(), func() {
		i := memberSel.SelectedIndex()
		if field == nil || i < 0 {
			st.info(st.T("setup.assignments"), st.T("setup.assign.pick"))
			return
		}
		to, f, b := voting[i].ID, field.Code, block.Code
		// the field goes to one member: take it from the others, give it to to
		lists := map[string][]index.Assignment{}
		for _, a := range m.Snap.Assignments {
			lists[a.Member] = append(lists[a.Member], a)
		}
		changedMembers := map[string]bool{to: true}
		for id, as := range lists {
			kept := as[:0:0]
			for _, a := range as {
				if a.Block == b && a.Field == f && id != to {
					changedMembers[id] = true
					continue
				}
				kept = append(kept, a)
			}
			lists[id] = kept
		}
		has := false
		for _, a := range lists[to] {
			if a.Block == b && a.Field == f {
				has = true
			}
		}
		if !has {
			lists[to] = append(lists[to], index.Assignment{Member: to, Block: b, Field: f})
		}
		ss.changed(func(c Council, pid int64) error {
			for _, id := range sortedKeys(changedMembers) {
				if err := c.SetAssignments(pid, id, lists[id]); err != nil {
					return err
				}
			}
			return nil
		})
	})
	assign.Importance = widget.HighImportance
	ss.guard(assign)
	left := container.NewBorder(container.NewHBox(widget.NewLabel(st.T("results.block")), fixedWidth(320, blockSel)), nil, nil, nil, t)
	form := container.NewVBox(widget.NewLabel(st.T("setup.assign.to")), memberSel,
		container.NewHBox(layout.NewSpacer(), assign), note(st.T("setup.assign.note")))
	return split(left, panel(st.T("setup.assignments"), form))
}

func (ss *setupScreen) frameworksTab() fyne.CanvasObject {
	st := ss.st
	fws := ss.fws
	detail := container.NewStack(emptyState(theme.InfoIcon(), st.T("setup.fw.pick")))
	var current *index.Framework
	list := newTable(&tableSpec{
		cols: []column{{st.T("col.code"), 190, fyne.TextAlignLeading}, {st.T("setup.version"), 50, fyne.TextAlignCenter},
			{st.T("col.name"), 300, fyne.TextAlignLeading}, {st.T("setup.leaves"), 70, fyne.TextAlignTrailing},
			{st.T("col.max"), 60, fyne.TextAlignTrailing}},
		rows: func() int { return len(fws) },
		text: func(r, c int) string {
			f := fws[r]
			switch c {
			case 0:
				return f.Code
			case 1:
				return strconv.Itoa(f.Version)
			case 2:
				return f.Name
			case 3:
				return strconv.Itoa(f.Leaves)
			}
			return st.pts(f.Total)
		},
		onSelect: func(r int) {
			f := fws[r]
			c := st.council
			run(st, func() (*index.Framework, error) { return c.FrameworkVersion(f.Code, f.Version) }, func(fw *index.Framework, err error) {
				if err != nil {
					st.showError(err)
					return
				}
				current = fw
				swap(detail, ss.frameworkDetail(fw))
			})
		},
	})
	samples, _ := assets.SampleFrameworks()
	sampleSel := widget.NewSelect(samples, nil)
	sampleSel.PlaceHolder = st.T("setup.fw.sample")
	loadSample := widget.NewButtonWithIcon(st.T("setup.fw.load"), theme.DownloadIcon(), func() {
		if sampleSel.Selected == "" {
			return
		}
		name := sampleSel.Selected
		ss.saveFramework(func() (*index.Framework, error) {
			b, err := fs.ReadFile(assets.Frameworks, name)
			if err != nil {
				return nil, err
			}
			return exchange.ReadFrameworkJSON(bytes.NewReader(b), name)
		})
	})
	imp := widget.NewButtonWithIcon(st.T("setup.fw.import"), theme.UploadIcon(), func() {
		chooseFile(st, []string{".json"}, func(p string) {
			ss.saveFramework(func() (*index.Framework, error) {
				f, err := os.Open(p)
				if err != nil {
					return nil, err
				}
				defer f.Close()
				return exchange.ReadFrameworkJSON(f, filepath.Base(p))
			})
		})
	})
	exp := widget.NewButtonWithIcon(st.T("setup.fw.export"), theme.DocumentSaveIcon(), func() {
		if current == nil {
			st.info(st.T("setup.frameworks"), st.T("setup.fw.pick"))
			return
		}
		fw := current
		chooseSave(st, fw.Code+".json", []string{".json"}, func(p string) {
			withProgress(st, "progress.saving", func() (struct{}, error) {
				var b bytes.Buffer
				if err := exchange.WriteFrameworkJSON(&b, fw); err != nil {
					return struct{}{}, err
				}
				return struct{}{}, writeFile(p, b.Bytes())
			}, nil)
		})
	})
	bands := widget.NewButtonWithIcon(st.T("setup.fw.bands"), theme.ColorPaletteIcon(), func() {
		if current == nil {
			st.info(st.T("setup.frameworks"), st.T("setup.fw.pick"))
			return
		}
		ss.bandsDialog(current)
	})
	tools := container.NewVBox(container.NewBorder(nil, nil, nil, loadSample, sampleSel), container.NewHBox(imp, exp, bands))
	left := container.NewBorder(tools, nil, nil, nil, list)
	s := container.NewHSplit(left, detail)
	s.Offset = 0.5
	return s
}

// saveFramework reads a framework (off the UI goroutine) and saves it.
func (ss *setupScreen) saveFramework(read func() (*index.Framework, error)) {
	st := ss.st
	c := st.council
	withProgress(st, "progress.importing", func() (struct{}, error) {
		fw, err := read()
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, c.SaveFramework(fw)
	}, func(struct{}) {
		st.invalidate()
		ss.load()
	})
}

// frameworkDetail browses a framework's tree with max points and guides.
func (ss *setupScreen) frameworkDetail(fw *index.Framework) fyne.CanvasObject {
	st := ss.st
	info := wrapLabel("")
	tree := widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID {
			var cs []*index.Criterion
			if id == "" {
				cs = fw.Fields
			} else if c := fw.Find(id); c != nil {
				cs = c.Children
			}
			out := make([]widget.TreeNodeID, len(cs))
			for i, c := range cs {
				out[i] = c.Code
			}
			return out
		},
		func(id widget.TreeNodeID) bool {
			if id == "" {
				return true
			}
			c := fw.Find(id)
			return c != nil && !c.IsLeaf()
		},
		func(bool) fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
			if c := fw.Find(id); c != nil {
				o.(*widget.Label).SetText(c.Code + "   " + c.Title + "   (" + st.pts(c.Max) + ")")
			}
		})
	tree.OnSelected = func(id widget.TreeNodeID) {
		c := fw.Find(id)
		if c == nil {
			return
		}
		s := c.Code + "  " + c.Title + "\n" + st.T("col.max") + ": " + st.pts(c.Max)
		if c.IsLeaf() {
			s += " · " + st.T("method."+string(c.Method))
			if c.EvidenceRequired {
				s += " · " + st.T("scoring.evidencereq")
			}
		}
		if c.Guide != "" {
			s += "\n" + st.T("scoring.guide") + ": " + c.Guide
		}
		info.SetText(s)
	}
	var bands []string
	for _, b := range fw.Bands {
		bands = append(bands, b.Label+" ≥ "+st.pct(b.Min)+" %")
	}
	sample := ""
	if fw.Sample {
		sample = "  ·  " + st.T("setup.fw.issample")
	}
	head := container.NewVBox(title(fw.Name),
		note(st.Tf("setup.fw.summary", fw.Code, fw.Version, st.pts(fw.AppraisalMax), st.pts(fw.SurveyMax),
			st.pts(fw.BonusCap), st.pts(fw.PenaltyCap), st.pts(fw.Step))+sample),
		note(st.T("setup.fw.bandlist")+": "+strings.Join(bands, ", ")))
	infoBox := container.NewVScroll(info)
	infoBox.SetMinSize(fyne.NewSize(0, 110))
	return container.NewBorder(head, infoBox, nil, nil, tree)
}

// bandsDialog edits a framework's classification bands, saved as the next
// version of the framework (periods whose blocks are created later use it).
func (ss *setupScreen) bandsDialog(fw *index.Framework) {
	st := ss.st
	var lines []string
	for _, b := range fw.Bands {
		lines = append(lines, b.Label+" = "+st.pct(b.Min))
	}
	e := widget.NewMultiLineEntry()
	e.SetText(strings.Join(lines, "\n"))
	e.SetMinRowsVisible(6)
	items := []*widget.FormItem{
		widget.NewFormItem("", note(st.T("setup.bands.note"))),
		widget.NewFormItem(st.T("setup.fw.bandlist"), e),
	}
	dialog.ShowForm(st.T("setup.fw.bands"), st.T("btn.save"), st.T("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		var bands []index.Band
		for _, line := range strings.Split(e.Text, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			label, v, found := strings.Cut(line, "=")
			p, err := index.ParsePercent(v)
			if !found || err != nil || strings.TrimSpace(label) == "" {
				st.info(st.T("setup.fw.bands"), st.Tf("setup.bands.bad", line))
				return
			}
			bands = append(bands, index.Band{Label: strings.TrimSpace(label), Min: p})
		}
		index.SortBands(bands)
		ss.saveFramework(func() (*index.Framework, error) {
			var b bytes.Buffer
			if err := exchange.WriteFrameworkJSON(&b, fw); err != nil {
				return nil, err
			}
			cp, err := exchange.ReadFrameworkJSON(&b, fw.Code)
			if err != nil {
				return nil, err
			}
			cp.Bands = bands
			cp.Version = fw.Version + 1
			for _, f := range ss.fws {
				if f.Code == fw.Code && f.Version >= cp.Version {
					cp.Version = f.Version + 1
				}
			}
			return cp, cp.Validate()
		})
	}, st.Win)
}
