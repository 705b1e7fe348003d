package ui

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/data"
	"parindex/exchange"
	"parindex/index"
)

// sheetsScreen is the "Bảng tính / Spreadsheets" screen: the secretariat
// imports frameworks, self-assessments, survey results and units from xlsx,
// CSV or JSON files and exports frameworks, templates, units, survey sheets
// and results. Every button ends in one of the action methods below
// (importUnits, exportResults, …), which take files and paths rather than
// dialogs, so that tests drive them directly. Imports check whole files
// before writing anything: a file with one bad row changes nothing, and the
// error dialog lists every problem with its file, sheet, row and column.
type sheetsScreen struct {
	st      *State
	root    *fyne.Container
	model   *Model
	fws     []data.FrameworkInfo
	mapping exchange.Mapping // the period's survey mapping
	log     *sheetLog
	logView *widget.Table
	logBox  *fyne.Container
}

// sheetEvent is one import or export of the session, shown in the screen's
// log.
type sheetEvent struct {
	When   time.Time
	What   string // translated name of the action
	File   string // the file or folder
	OK     bool
	Result string // translated summary, or the error's message
	Err    error
}

// sheetLog is the session's list of imports and exports, newest first; it
// outlives the screen (which is rebuilt on every visit).
type sheetLog struct {
	mu     sync.Mutex
	events []sheetEvent
}

var sheetLogs sync.Map // *State -> *sheetLog

func sheetLogOf(st *State) *sheetLog {
	v, _ := sheetLogs.LoadOrStore(st, &sheetLog{})
	return v.(*sheetLog)
}

func (l *sheetLog) add(e sheetEvent) {
	l.mu.Lock()
	l.events = append([]sheetEvent{e}, l.events...)
	if len(l.events) > 200 {
		l.events = l.events[:200]
	}
	l.mu.Unlock()
}

func (l *sheetLog) list() []sheetEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sheetEvent(nil), l.events...)
}

// NewSpreadsheetScreen is the "Bảng tính / Spreadsheets" screen.
func NewSpreadsheetScreen(st *State) fyne.CanvasObject { return newSheets(st).root }

func newSheets(st *State) *sheetsScreen {
	ss := &sheetsScreen{st: st, root: container.NewStack(loading(st)), log: sheetLogOf(st)}
	ss.load()
	return ss
}

type sheetsData struct {
	m       *Model
	fws     []data.FrameworkInfo
	mapping exchange.Mapping
}

// load reads the period, the saved frameworks and the survey mapping off
// the UI goroutine, then builds the screen.
func (ss *sheetsScreen) load() {
	st := ss.st
	c, s := st.council, st.db
	run(st, func() (sheetsData, error) {
		fws, err := c.Frameworks()
		if err != nil {
			return sheetsData{}, err
		}
		m, err := st.loadModel()
		if err != nil {
			return sheetsData{}, err
		}
		mp, err := exchange.SurveyMapping(s, m.Period.ID)
		if err != nil { // an unreadable stored mapping: the default, the editor shows it
			mp = exchange.DefaultMapping()
		}
		return sheetsData{m, fws, mp}, nil
	}, func(d sheetsData, err error) {
		if err != nil {
			swap(ss.root, modelError(st, err))
			return
		}
		ss.model, ss.fws, ss.mapping = d.m, d.fws, d.mapping
		ss.build()
	})
}

// canImport reports whether the user may import into the period: the
// secretariat, while the period is open.
func (ss *sheetsScreen) canImport() bool { return ss.st.role == RoleSecretary && ss.st.periodOpen() }

// actionRow is one action of a panel: an icon, a bold name above a line of
// explanation in small print, and the controls on the right.
func actionRow(icon fyne.Resource, name, explain string, controls ...fyne.CanvasObject) fyne.CanvasObject {
	head := widget.NewLabel(name)
	head.TextStyle = fyne.TextStyle{Bold: true}
	head.Truncation = fyne.TextTruncateEllipsis
	sub := widget.NewLabel(explain)
	sub.Wrapping = fyne.TextWrapWord
	sub.SizeName = theme.SizeNameCaptionText
	sub.Importance = widget.LowImportance
	text := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), head, sub)
	ic := container.NewVBox(container.NewGridWrap(fyne.NewSize(24, 36), widget.NewIcon(icon)))
	right := container.NewVBox(container.NewHBox(controls...))
	return container.NewBorder(nil, nil, ic, right, text)
}

// actionButton is a panel's button, all of one width so that they line up.
func actionButton(label string, icon fyne.Resource, f func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButtonWithIcon(label, icon, f)
	return b, fixedWidth(156, b)
}

// scrollPanel is a panel whose content scrolls, kept clear of the scroll bar.
func scrollPanel(heading string, rows ...fyne.CanvasObject) fyne.CanvasObject {
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(10, 0))
	return panel(heading, container.NewVScroll(container.NewBorder(nil, nil, nil, gap, container.NewVBox(rows...))))
}

func (ss *sheetsScreen) build() {
	st := ss.st
	secretary := st.role == RoleSecretary
	sep := func() fyne.CanvasObject { return widget.NewSeparator() }

	// import
	var imports fyne.CanvasObject
	if secretary {
		_, fwBtn := actionButton(st.T("sheets.choose"), theme.FolderOpenIcon(), ss.importFrameworkDialog)
		selfB, selfBtn := actionButton(st.T("sheets.choosefiles"), theme.FolderOpenIcon(), ss.importSelfDialog)
		survB, survBtn := actionButton(st.T("sheets.choose"), theme.FolderOpenIcon(), ss.importSurveyDialog)
		mapB, mapBtn := actionButton(st.T("sheets.edit"), theme.DocumentCreateIcon(), ss.mappingDialog)
		unitB, unitBtn := actionButton(st.T("sheets.choose"), theme.FolderOpenIcon(), ss.importUnitsDialog)
		if !st.periodOpen() {
			for _, b := range []*widget.Button{selfB, survB, mapB, unitB} {
				b.Disable()
			}
		}
		rows := []fyne.CanvasObject{
			note(st.T("sheets.import.note")),
			actionRow(theme.FileTextIcon(), st.T("sheets.imp.fw"), st.T("sheets.imp.fw.note"), fwBtn), sep(),
			actionRow(theme.DocumentIcon(), st.T("sheets.imp.self"), st.T("sheets.imp.self.note"), selfBtn), sep(),
			actionRow(theme.ListIcon(), st.T("sheets.imp.survey"), st.T("sheets.imp.survey.note"), survBtn), sep(),
			actionRow(theme.SettingsIcon(), st.T("sheets.mapping"), st.Tf("sheets.mapping.now", mappingText(st.lang, ss.mapping)), mapBtn), sep(),
			actionRow(theme.AccountIcon(), st.T("sheets.imp.units"), st.T("sheets.imp.units.note"), unitBtn),
		}
		if !st.periodOpen() {
			w := widget.NewLabel(st.T("sheets.finalized"))
			w.Importance = widget.WarningImportance
			w.Wrapping = fyne.TextWrapWord
			rows = append([]fyne.CanvasObject{w}, rows...)
		}
		imports = scrollPanel(st.T("sheets.import"), rows...)
	} else {
		imports = panel(st.T("sheets.import"), container.NewVBox(
			container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, wrapLabel(st.T("sheets.import.secretary")))))
	}

	// export
	const selW = 184
	resultKinds := []string{st.T("sheets.res.xlsx"), st.T("sheets.res.units"), st.T("sheets.res.fields"), st.T("sheets.res.leaves")}
	resSel := widget.NewSelect(resultKinds, nil)
	resSel.SetSelectedIndex(0)
	resB, resBtn := actionButton(st.T("sheets.export.do"), theme.DocumentSaveIcon(), func() { ss.exportResultsDialog(resSel.SelectedIndex()) })
	resB.Importance = widget.HighImportance

	units := ss.activeUnits()
	unames := make([]string, len(units))
	for i, u := range units {
		unames[i] = u.Code + " — " + u.Name
	}
	unitSel := widget.NewSelect(unames, nil)
	unitSel.PlaceHolder = st.T("sheets.pickunit")
	tplB, tplBtn := actionButton(st.T("sheets.export.do"), theme.DocumentSaveIcon(), func() {
		i := unitSel.SelectedIndex()
		if i < 0 {
			st.info(st.T("sheets.exp.template"), st.T("sheets.pickunit"))
			return
		}
		ss.exportTemplateDialog(units[i].Code)
	})
	allB, allBtn := actionButton(st.T("sheets.export.folder"), theme.FolderIcon(), ss.exportTemplatesDialog)

	fnames := make([]string, len(ss.fws))
	for i, f := range ss.fws {
		fnames[i] = fmt.Sprintf("%s v%d — %s", f.Code, f.Version, f.Name)
	}
	fwSel := widget.NewSelect(fnames, nil)
	fwSel.PlaceHolder = st.T("sheets.pickfw")
	if fw := ss.currentFramework(); fw >= 0 {
		fwSel.SetSelectedIndex(fw)
	}
	fwB, fwBtn := actionButton(st.T("sheets.export.do"), theme.DocumentSaveIcon(), func() {
		i := fwSel.SelectedIndex()
		if i < 0 {
			st.info(st.T("sheets.exp.fw"), st.T("sheets.pickfw"))
			return
		}
		ss.exportFrameworkDialog(ss.fws[i])
	})
	unitsB, unitsBtn := actionButton(st.T("sheets.export.do"), theme.DocumentSaveIcon(), ss.exportUnitsDialog)
	layouts := []string{st.T("sheets.layout.points"), st.T("sheets.layout.counts")}
	laySel := widget.NewSelect(layouts, nil)
	laySel.SetSelectedIndex(0)
	survB, survBtn := actionButton(st.T("sheets.export.do"), theme.DocumentSaveIcon(), func() {
		l := exchange.SurveyPointsLayout
		if laySel.SelectedIndex() == 1 {
			l = exchange.SurveyCountsLayout
		}
		ss.exportSurveyDialog(l)
	})
	if !secretary { // the chair exports results only
		for _, b := range []*widget.Button{tplB, allB, fwB, unitsB, survB} {
			b.Disable()
		}
	}
	sel := func(s *widget.Select) fyne.CanvasObject { return fixedWidth(selW, s) }
	exports := scrollPanel(st.T("sheets.export"),
		note(st.T("sheets.export.note")),
		actionRow(theme.GridIcon(), st.T("sheets.exp.results"), st.T("sheets.exp.results.note"), sel(resSel), resBtn), sep(),
		actionRow(theme.DocumentIcon(), st.T("sheets.exp.template"), st.T("sheets.exp.template.note"), sel(unitSel), tplBtn), sep(),
		actionRow(theme.FolderIcon(), st.T("sheets.exp.templates"), st.Tf("sheets.exp.templates.note", len(units)), allBtn), sep(),
		actionRow(theme.FileTextIcon(), st.T("sheets.exp.fw"), st.T("sheets.exp.fw.note"), sel(fwSel), fwBtn), sep(),
		actionRow(theme.AccountIcon(), st.T("sheets.exp.units"), st.T("sheets.exp.units.note"), unitsBtn), sep(),
		actionRow(theme.ListIcon(), st.T("sheets.exp.survey"), st.T("sheets.exp.survey.note"), sel(laySel), survBtn),
	)

	// the session's log
	ss.logBox = container.NewStack()
	ss.refreshLog()
	logPanel := panel(st.T("sheets.log"), ss.logBox)

	left := container.NewBorder(nil, fixedHeight(196, logPanel), nil, nil, imports)
	split := container.NewHSplit(left, exports)
	split.Offset = 0.46
	swap(ss.root, container.NewBorder(title(st.T("nav.spreadsheets")), nil, nil, nil, split))
}

// fixedHeight gives an object a minimum height.
func fixedHeight(h float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(container.NewGridWrap(fyne.NewSize(1, h)), o)
}

// refreshLog redraws the session's log of imports and exports.
func (ss *sheetsScreen) refreshLog() {
	st := ss.st
	events := ss.log.list()
	if len(events) == 0 {
		empty := widget.NewLabel(st.T("sheets.log.empty"))
		empty.Importance = widget.LowImportance
		swap(ss.logBox, container.NewCenter(empty))
		return
	}
	ss.logView = newTable(&tableSpec{
		cols: []column{
			{st.T("sheets.col.time"), 76, fyne.TextAlignLeading},
			{st.T("sheets.col.action"), 180, fyne.TextAlignLeading},
			{st.T("sheets.col.file"), 170, fyne.TextAlignLeading},
			{st.T("sheets.col.result"), 420, fyne.TextAlignLeading},
		},
		rows: func() int { return len(events) },
		text: func(r, c int) string {
			e := events[r]
			switch c {
			case 0:
				return e.When.Format("15:04:05")
			case 1:
				return e.What
			case 2:
				return e.File
			}
			if e.OK {
				return "✔ " + e.Result
			}
			return "✘ " + e.Result
		},
		style: func(r, c int) cellStyle {
			if c != 3 {
				return cellStyle{}
			}
			if events[r].OK {
				return cellStyle{fg: widget.SuccessImportance}
			}
			return cellStyle{fg: widget.DangerImportance}
		},
		onSelect: func(r int) {
			if e := events[r]; !e.OK && e.Err != nil {
				ss.showImportError(e.Err)
			}
		},
	})
	swap(ss.logBox, ss.logView)
}

// record adds an event to the session's log and redraws it.
func (ss *sheetsScreen) record(what, file string, result string, err error) {
	e := sheetEvent{When: time.Now(), What: ss.st.T(what), File: file, OK: err == nil, Result: result, Err: err}
	if err != nil {
		e.Result = explain(ss.st.lang, err).Msg
		var se *exchange.SpreadsheetError
		if errors.As(err, &se) {
			e.Result = ss.st.Tf("sheets.err.count", max(se.Count, len(se.Problems)))
		}
		e.Result = firstLine(e.Result)
	}
	ss.log.add(e)
	if ss.logBox != nil {
		ss.refreshLog()
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (ss *sheetsScreen) activeUnits() []index.Unit {
	var out []index.Unit
	if ss.model == nil {
		return nil
	}
	for _, u := range ss.model.Snap.Units {
		if u.Active {
			out = append(out, u)
		}
	}
	return out
}

// currentFramework is the position in ss.fws of the first block's
// framework, or -1.
func (ss *sheetsScreen) currentFramework() int {
	if ss.model == nil || len(ss.model.Snap.Blocks) == 0 {
		return -1
	}
	fw := ss.model.Snap.Frameworks[ss.model.Snap.Blocks[0].Framework]
	for i, f := range ss.fws {
		if fw != nil && f.Code == fw.Code && f.Version == fw.Version {
			return i
		}
	}
	return -1
}

// mappingText shows a mapping the user's way: "A = 100 %, B = 60 %".
func mappingText(l Lang, m exchange.Mapping) string {
	parts := make([]string, len(m))
	for i, a := range m {
		v := a.Share.String()
		if l == Vietnamese {
			v = a.Share.VI()
		}
		v = strings.TrimSuffix(strings.TrimSuffix(v, "00"), ".")
		v = strings.TrimSuffix(strings.TrimSuffix(v, ","), ".")
		parts[i] = a.Answer + " = " + v + " %"
	}
	return strings.Join(parts, ", ")
}

// ---- background work with a progress bar

// sheetJob runs work off the UI goroutine behind a modal dialog whose bar
// follows the exchange.Progress given to work (called from the worker
// goroutine; the bar is updated on the UI goroutine). done gets the result
// or the error on the UI goroutine.
func sheetJob[T any](st *State, titleKey string, work func(p exchange.Progress) (T, error), done func(T, error)) {
	inf := widget.NewProgressBarInfinite()
	bar := widget.NewProgressBar()
	stack := container.NewStack(inf)
	count := widget.NewLabel(st.T("sheets.progress.start"))
	count.Alignment = fyne.TextAlignCenter
	d := dialog.NewCustomWithoutButtons(st.T(titleKey), container.NewVBox(stack, count), st.Win)
	d.Resize(fyne.NewSize(460, 150))
	d.Show()
	determinate := false
	progress := func(n, total int) {
		st.toUI(func() {
			if total <= 0 {
				return
			}
			if !determinate {
				determinate = true
				inf.Stop()
				swap(stack, bar)
			}
			bar.Max = float64(total)
			bar.SetValue(float64(n))
			count.SetText(st.Tf("sheets.progress", n, total))
		})
	}
	run(st, func() (T, error) { return work(progress) }, func(v T, err error) {
		inf.Stop()
		d.Hide()
		done(v, err)
	})
}

// ---- imports (secretariat)

// applied says what an import did: "12 added, 3 changed, 40 unchanged".
func applied(st *State, r data.ApplyReport) string {
	return st.Tf("sheets.applied", r.Added, r.Changed, r.Unchanged)
}

// afterImport drops the shared snapshot so that every screen reloads, and
// reloads this one.
func (ss *sheetsScreen) afterImport() {
	ss.st.invalidate()
	ss.load()
}

// importFramework saves the framework of an xlsx or JSON file.
func (ss *sheetsScreen) importFramework(f exchange.File) {
	st := ss.st
	s := st.db
	sheetJob(st, "progress.importing", func(exchange.Progress) (*index.Framework, error) {
		return exchange.ImportFramework(s, f)
	}, func(fw *index.Framework, err error) {
		if err != nil {
			ss.record("sheets.imp.fw", f.Name, "", err)
			ss.showImportError(err)
			return
		}
		msg := st.Tf("sheets.imp.fw.done", fw.Code, fw.Version, fw.Name)
		ss.record("sheets.imp.fw", f.Name, msg, nil)
		st.info(st.T("sheets.imp.fw"), msg+"\n"+st.T("sheets.imp.fw.next"))
		ss.afterImport()
	})
}

// importSelf stores the self-assessments of filled templates and CSV files.
func (ss *sheetsScreen) importSelf(files []exchange.File) {
	st := ss.st
	s, pid := st.db, st.period.ID
	name := st.Tf("sheets.nfiles", len(files))
	if len(files) == 1 {
		name = files[0].Name
	}
	sheetJob(st, "sheets.progress.self", func(p exchange.Progress) (data.ApplyReport, error) {
		return exchange.ImportSelf(s, pid, files, p)
	}, func(r data.ApplyReport, err error) {
		ss.importDone("sheets.imp.self", name, r, err)
	})
}

// importSurvey stores survey results; m nil uses the period's mapping, a
// mapping given is stored as the period's when the file has answer counts.
func (ss *sheetsScreen) importSurvey(f exchange.File, m exchange.Mapping) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "sheets.progress.survey", func(p exchange.Progress) (data.ApplyReport, error) {
		return exchange.ImportSurvey(s, pid, f, m, p)
	}, func(r data.ApplyReport, err error) {
		ss.importDone("sheets.imp.survey", f.Name, r, err)
	})
}

// importUnits adds or updates the period's units from a list.
func (ss *sheetsScreen) importUnits(f exchange.File) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "sheets.progress.units", func(exchange.Progress) (data.ApplyReport, error) {
		return exchange.ImportUnits(s, pid, f)
	}, func(r data.ApplyReport, err error) {
		ss.importDone("sheets.imp.units", f.Name, r, err)
	})
}

func (ss *sheetsScreen) importDone(what, file string, r data.ApplyReport, err error) {
	st := ss.st
	if err != nil {
		ss.record(what, file, "", err)
		ss.showImportError(err)
		return
	}
	msg := applied(st, r)
	ss.record(what, file, msg, nil)
	st.info(st.T(what), st.Tf("sheets.imported", file)+"\n"+msg)
	ss.afterImport()
}

// setMapping stores the period's survey mapping.
func (ss *sheetsScreen) setMapping(m exchange.Mapping) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "progress.saving", func(exchange.Progress) (struct{}, error) {
		return struct{}{}, exchange.SetSurveyMapping(s, pid, m)
	}, func(_ struct{}, err error) {
		if err != nil {
			st.showError(err)
			return
		}
		ss.record("sheets.mapping", "", mappingText(st.lang, m), nil)
		ss.afterImport()
	})
}

// ---- exports

// exported finishes an export: a line in the log and a message naming the
// file and its size; on error the half-written file is gone (WriteFile)
// and an empty file left by the save dialog is removed.
func (ss *sheetsScreen) exported(what, path string, err error) {
	st := ss.st
	if err != nil {
		if fi, serr := os.Stat(path); serr == nil && fi.Size() == 0 && !fi.IsDir() {
			os.Remove(path)
		}
		ss.record(what, filepath.Base(path), "", err)
		st.showError(err)
		return
	}
	size := int64(0)
	if fi, serr := os.Stat(path); serr == nil {
		size = fi.Size()
	}
	msg := st.Tf("sheets.written", path, sizeText(size))
	ss.record(what, filepath.Base(path), st.Tf("sheets.written.short", sizeText(size)), nil)
	st.info(st.T(what), msg)
}

// sizeText prints a file size: "12 KB", "3.4 MB".
func sizeText(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatInt((n+1023)/1024, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// resultsKind maps the results choice (0 workbook, 1 units, 2 fields, 3
// leaves) to the format and table of exchange.ExportResults.
func resultsKind(i int) (format, table string) {
	switch i {
	case 1:
		return "csv", exchange.TableUnits
	case 2:
		return "csv", exchange.TableFields
	case 3:
		return "csv", exchange.TableLeaves
	}
	return "xlsx", ""
}

// exportResults writes the period's results: a workbook with live formulas
// (format "xlsx") or a CSV table (units, fields or leaves).
func (ss *sheetsScreen) exportResults(path, format, table string) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "sheets.progress.results", func(p exchange.Progress) (struct{}, error) {
		return struct{}{}, exchange.WriteFile(path, func(w io.Writer) error {
			return exchange.ExportResults(s, pid, w, format, table, p)
		})
	}, func(_ struct{}, err error) { ss.exported("sheets.exp.results", path, err) })
}

// exportTemplate writes one unit's self-assessment template.
func (ss *sheetsScreen) exportTemplate(unit, path string) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "sheets.progress.templates", func(exchange.Progress) (struct{}, error) {
		return struct{}{}, exchange.WriteFile(path, func(w io.Writer) error { return exchange.ExportTemplate(s, pid, unit, w) })
	}, func(_ struct{}, err error) { ss.exported("sheets.exp.template", path, err) })
}

// exportTemplates writes every active unit's template into dir.
func (ss *sheetsScreen) exportTemplates(dir string) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "sheets.progress.templates", func(p exchange.Progress) ([]string, error) {
		return exchange.ExportTemplates(s, pid, dir, p)
	}, func(paths []string, err error) {
		if err != nil {
			ss.record("sheets.exp.templates", dir, "", err)
			st.showError(err)
			return
		}
		msg := st.Tf("sheets.exp.templates.done", len(paths), dir)
		ss.record("sheets.exp.templates", dir, st.Tf("sheets.nfiles", len(paths)), nil)
		st.info(st.T("sheets.exp.templates"), msg)
	})
}

// exportFramework writes a saved framework as xlsx or JSON (by the name).
func (ss *sheetsScreen) exportFramework(code string, version int, path string) {
	st := ss.st
	s := st.db
	sheetJob(st, "progress.saving", func(exchange.Progress) (struct{}, error) {
		return struct{}{}, exchange.WriteFile(path, func(w io.Writer) error {
			return exchange.ExportFramework(s, code, version, w, path)
		})
	}, func(_ struct{}, err error) { ss.exported("sheets.exp.fw", path, err) })
}

// exportUnits writes the period's units as xlsx or CSV (by the name).
func (ss *sheetsScreen) exportUnits(path string) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "progress.saving", func(exchange.Progress) (struct{}, error) {
		return struct{}{}, exchange.WriteFile(path, func(w io.Writer) error { return exchange.ExportUnits(s, pid, w, path) })
	}, func(_ struct{}, err error) { ss.exported("sheets.exp.units", path, err) })
}

// exportSurvey writes the period's survey sheet in a layout.
func (ss *sheetsScreen) exportSurvey(path string, layout exchange.SurveyLayout) {
	st := ss.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "progress.saving", func(exchange.Progress) (struct{}, error) {
		return struct{}{}, exchange.WriteFile(path, func(w io.Writer) error { return exchange.ExportSurvey(s, pid, w, path, layout) })
	}, func(_ struct{}, err error) { ss.exported("sheets.exp.survey", path, err) })
}

// ---- dialogs: each picks files, then calls an action above

// uriFile is a file chosen in a dialog, opened again by the import itself.
func uriFile(u fyne.URI) exchange.File {
	name := u.Name()
	if u.Scheme() == "file" {
		name = filepath.Base(u.Path())
	}
	return exchange.File{Name: name, Open: func() (io.ReadCloser, error) { return storage.Reader(u) }}
}

// chooseImport shows the open dialog for files with one of exts and gives
// the chosen one as an exchange.File.
func chooseImport(st *State, exts []string, pick func(exchange.File)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			st.showError(err)
			return
		}
		if r == nil {
			return
		}
		u := r.URI()
		r.Close()
		pick(uriFile(u))
	}, st.Win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	st.dialogLocation(d)
	d.Resize(fyne.NewSize(880, 560))
	d.Show()
}

// chooseFolder shows the folder dialog and gives the chosen folder.
func chooseFolder(st *State, pick func(fyne.ListableURI)) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			st.showError(err)
			return
		}
		if u != nil {
			pick(u)
		}
	}, st.Win)
	st.dialogLocation(d)
	d.Resize(fyne.NewSize(880, 560))
	d.Show()
}

// spreadsheetsIn lists the xlsx and CSV files of a folder, sorted, leaving
// out Office's lock files (~$…) and hidden files.
func spreadsheetsIn(u fyne.ListableURI) ([]exchange.File, error) {
	list, err := u.List()
	if err != nil {
		return nil, err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name() < list[j].Name() })
	var out []exchange.File
	for _, c := range list {
		n := c.Name()
		if strings.HasPrefix(n, "~$") || strings.HasPrefix(n, ".") {
			continue
		}
		switch strings.ToLower(c.Extension()) {
		case ".xlsx", ".csv":
			out = append(out, uriFile(c))
		}
	}
	return out, nil
}

// withExt adds ext to a path the user typed without a known extension.
func withExt(path, ext string, known ...string) string {
	e := strings.ToLower(filepath.Ext(path))
	for _, k := range known {
		if e == k {
			return path
		}
	}
	return path + ext
}

func (ss *sheetsScreen) importFrameworkDialog() {
	chooseImport(ss.st, []string{".xlsx", ".json"}, ss.importFramework)
}

func (ss *sheetsScreen) importUnitsDialog() {
	chooseImport(ss.st, []string{".xlsx", ".csv"}, ss.importUnits)
}

// importSelfDialog gathers several files (one at a time or a whole folder)
// and imports them together.
func (ss *sheetsScreen) importSelfDialog() {
	st := ss.st
	var files []exchange.File
	count := widget.NewLabel("")
	var list *widget.List
	list = widget.NewList(func() int { return len(files) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*fyne.Container).Objects[0].(*widget.Label).SetText(files[i].Name)
		})
	refresh := func() {
		count.SetText(st.Tf("sheets.nfiles", len(files)))
		list.Refresh()
	}
	add := func(fs ...exchange.File) {
		seen := map[string]bool{}
		for _, f := range files {
			seen[f.Name] = true
		}
		for _, f := range fs {
			if !seen[f.Name] {
				files = append(files, f)
				seen[f.Name] = true
			}
		}
		refresh()
	}
	refresh()
	addFile := widget.NewButtonWithIcon(st.T("sheets.addfile"), theme.FileIcon(), func() {
		chooseImport(st, []string{".xlsx", ".csv"}, func(f exchange.File) { add(f) })
	})
	addDir := widget.NewButtonWithIcon(st.T("sheets.addfolder"), theme.FolderOpenIcon(), func() {
		chooseFolder(st, func(u fyne.ListableURI) {
			fs, err := spreadsheetsIn(u)
			if err != nil {
				st.showError(err)
				return
			}
			if len(fs) == 0 {
				st.info(st.T("sheets.imp.self"), st.T("sheets.nospreadsheets"))
				return
			}
			add(fs...)
		})
	})
	clear := widget.NewButtonWithIcon(st.T("sheets.clear"), theme.ContentClearIcon(), func() {
		files = nil
		refresh()
	})
	top := container.NewVBox(note(st.T("sheets.imp.self.howto")), container.NewHBox(addFile, addDir, clear))
	body := container.NewBorder(top, count, nil, nil, list)
	d := dialog.NewCustomConfirm(st.T("sheets.imp.self"), st.T("sheets.import.do"), st.T("btn.cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		if len(files) == 0 {
			st.info(st.T("sheets.imp.self"), st.T("sheets.nofiles"))
			return
		}
		ss.importSelf(files)
	}, st.Win)
	d.Resize(fyne.NewSize(640, 460))
	d.Show()
}

// mappingEntry is an entry for a survey mapping that checks what is typed.
func (ss *sheetsScreen) mappingEntry() *widget.Entry {
	st := ss.st
	e := widget.NewEntry()
	e.SetText(ss.mapping.String())
	e.Validator = func(s string) error {
		if _, err := exchange.ParseMapping(s); err != nil {
			return errors.New(st.T("sheets.mapping.bad"))
		}
		return nil
	}
	return e
}

// importSurveyDialog chooses a survey file and the mapping of its answers.
func (ss *sheetsScreen) importSurveyDialog() {
	st := ss.st
	var file *exchange.File
	name := widget.NewLabel(st.T("rep.nofile"))
	name.Truncation = fyne.TextTruncateEllipsis
	choose := widget.NewButtonWithIcon(st.T("rep.choose"), theme.FolderOpenIcon(), func() {
		chooseImport(st, []string{".xlsx", ".csv"}, func(f exchange.File) {
			file = &f
			name.SetText(f.Name)
		})
	})
	mp := ss.mappingEntry()
	def := widget.NewButton(st.T("sheets.mapping.default"), func() { mp.SetText(exchange.DefaultMapping().String()) })
	items := []*widget.FormItem{
		widget.NewFormItem(st.T("sheets.file"), container.NewBorder(nil, nil, nil, choose, name)),
		widget.NewFormItem(st.T("sheets.mapping"), container.NewBorder(nil, nil, nil, def, mp)),
		widget.NewFormItem("", note(st.T("sheets.mapping.note"))),
	}
	d := dialog.NewForm(st.T("sheets.imp.survey"), st.T("sheets.import.do"), st.T("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if file == nil {
			st.info(st.T("sheets.imp.survey"), st.T("sheets.nofiles"))
			return
		}
		m, err := exchange.ParseMapping(mp.Text)
		if err != nil {
			st.showError(err)
			return
		}
		if m.String() == ss.mapping.String() {
			m = nil // the period's own: nothing to store
		}
		ss.importSurvey(*file, m)
	}, st.Win)
	d.Resize(fyne.NewSize(640, 320))
	d.Show()
}

// mappingDialog edits the period's survey mapping.
func (ss *sheetsScreen) mappingDialog() {
	st := ss.st
	mp := ss.mappingEntry()
	def := widget.NewButton(st.T("sheets.mapping.default"), func() { mp.SetText(exchange.DefaultMapping().String()) })
	items := []*widget.FormItem{
		widget.NewFormItem(st.T("sheets.mapping"), container.NewBorder(nil, nil, nil, def, mp)),
		widget.NewFormItem("", note(st.T("sheets.mapping.note"))),
	}
	d := dialog.NewForm(st.T("sheets.mapping"), st.T("btn.save"), st.T("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		m, err := exchange.ParseMapping(mp.Text)
		if err != nil {
			st.showError(err)
			return
		}
		ss.setMapping(m)
	}, st.Win)
	d.Resize(fyne.NewSize(620, 260))
	d.Show()
}

func (ss *sheetsScreen) yearTag() string {
	if ss.model == nil {
		return ""
	}
	p := ss.model.Period
	tag := strconv.Itoa(p.Year)
	if p.Round == index.MidYear {
		tag += "-6-thang"
	}
	return tag
}

func (ss *sheetsScreen) exportResultsDialog(kind int) {
	format, table := resultsKind(kind)
	name := "ket-qua-chi-so-cchc-" + ss.yearTag()
	if format == "csv" {
		name += "-" + map[string]string{exchange.TableUnits: "don-vi", exchange.TableFields: "linh-vuc", exchange.TableLeaves: "tieu-chi"}[table] + ".csv"
	} else {
		name += ".xlsx"
	}
	ext := "." + format
	chooseSave(ss.st, name, []string{ext}, func(p string) { ss.exportResults(withExt(p, ext, ext), format, table) })
}

func (ss *sheetsScreen) exportTemplateDialog(unit string) {
	chooseSave(ss.st, exchange.TemplateFileName(unit), []string{".xlsx"}, func(p string) {
		ss.exportTemplate(unit, withExt(p, ".xlsx", ".xlsx"))
	})
}

func (ss *sheetsScreen) exportTemplatesDialog() {
	chooseFolder(ss.st, func(u fyne.ListableURI) { ss.exportTemplates(u.Path()) })
}

func (ss *sheetsScreen) exportFrameworkDialog(f data.FrameworkInfo) {
	name := fmt.Sprintf("bo-chi-so-%s-v%d.xlsx", f.Code, f.Version)
	chooseSave(ss.st, name, []string{".xlsx", ".json"}, func(p string) {
		ss.exportFramework(f.Code, f.Version, withExt(p, ".xlsx", ".xlsx", ".json"))
	})
}

func (ss *sheetsScreen) exportUnitsDialog() {
	chooseSave(ss.st, "danh-sach-don-vi-"+ss.yearTag()+".xlsx", []string{".xlsx", ".csv"}, func(p string) {
		ss.exportUnits(withExt(p, ".xlsx", ".xlsx", ".csv"))
	})
}

func (ss *sheetsScreen) exportSurveyDialog(layout exchange.SurveyLayout) {
	name := "dieu-tra-xhh-" + ss.yearTag()
	if layout == exchange.SurveyCountsLayout {
		name += "-so-phieu"
	}
	chooseSave(ss.st, name+".xlsx", []string{".xlsx", ".csv"}, func(p string) {
		ss.exportSurvey(withExt(p, ".xlsx", ".xlsx", ".csv"), layout)
	})
}

// ---- import errors: every problem in a table

// fileProblems returns the problems of a spreadsheet or framework file
// error, and how many there are in all; ok is false for other errors.
func fileProblems(err error) (ps []exchange.CellProblem, count int, ok bool) {
	var se *exchange.SpreadsheetError
	if errors.As(err, &se) {
		return se.Problems, max(se.Count, len(se.Problems)), true
	}
	var fe *exchange.FrameworkFileError
	if errors.As(err, &fe) {
		for _, p := range fe.Problems {
			cp := exchange.CellProblem{File: fe.File, Row: p.Line, Criterion: p.Criterion, Message: p.Message}
			if p.Column > 0 {
				cp.Column = strconv.Itoa(p.Column)
			}
			ps = append(ps, cp)
		}
		return ps, len(ps), true
	}
	return nil, 0, false
}

// showImportError shows a refused import: for a spreadsheet or framework
// file, every problem in a table (file, sheet, row, column, unit,
// criterion, what is wrong) and that nothing was changed; any other error
// as the app's error dialog.
func (ss *sheetsScreen) showImportError(err error) {
	st := ss.st
	ps, count, ok := fileProblems(err)
	if !ok {
		st.showError(err)
		return
	}
	head := wrapLabel(st.Tf("sheets.err.head", count) + " " + st.T("sheets.err.nothing"))
	head.Importance = widget.DangerImportance
	head.TextStyle = fyne.TextStyle{Bold: true}
	var more fyne.CanvasObject = note(st.T("sheets.err.do"))
	if count > len(ps) {
		more = note(st.Tf("sheets.err.more", len(ps), count) + " " + st.T("sheets.err.do"))
	}
	detail := wrapLabel(st.T("sheets.err.pick"))
	t := newTable(&tableSpec{
		cols: []column{
			{st.T("sheets.col.file"), 170, fyne.TextAlignLeading},
			{st.T("sheets.col.sheet"), 110, fyne.TextAlignLeading},
			{st.T("sheets.col.row"), 60, fyne.TextAlignTrailing},
			{st.T("sheets.col.column"), 150, fyne.TextAlignLeading},
			{st.T("col.unit"), 130, fyne.TextAlignLeading},
			{st.T("col.criterion"), 90, fyne.TextAlignLeading},
			{st.T("sheets.col.problem"), 440, fyne.TextAlignLeading},
		},
		rows: func() int { return len(ps) },
		text: func(r, c int) string { return problemCell(st.lang, ps[r], c) },
		style: func(r, c int) cellStyle {
			if c == 6 {
				return cellStyle{fg: widget.DangerImportance}
			}
			return cellStyle{}
		},
		onSelect: func(r int) { detail.SetText(problemSentence(st.lang, ps[r])) },
	})
	if len(ps) > 0 {
		detail.SetText(problemSentence(st.lang, ps[0]))
	}
	copyBtn := widget.NewButtonWithIcon(st.T("sheets.err.copy"), theme.ContentCopyIcon(), func() {
		st.App.Clipboard().SetContent(err.Error())
	})
	bottom := container.NewVBox(widget.NewSeparator(), detail, container.NewBorder(nil, nil, nil, copyBtn, more))
	body := container.NewBorder(head, bottom, nil, nil, t)
	d := dialog.NewCustom(st.T("sheets.err.title"), st.T("btn.close"), body, st.Win)
	d.Resize(fyne.NewSize(1180, 560))
	d.Show()
}

// problemCell is one cell of the problems table.
func problemCell(l Lang, p exchange.CellProblem, c int) string {
	dash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	switch c {
	case 0:
		return filepath.Base(p.File)
	case 1:
		return dash(p.Sheet)
	case 2:
		if p.Row <= 0 {
			return "—"
		}
		return strconv.Itoa(p.Row)
	case 3:
		if p.Column == "" {
			return "—"
		}
		if p.Header != "" {
			return p.Column + " (" + p.Header + ")"
		}
		return p.Column
	case 4:
		return dash(p.Unit)
	case 5:
		return dash(p.Criterion)
	}
	return problemMessage(l, p.Message)
}

// problemSentence is a whole problem in one sentence, for the detail line.
func problemSentence(l Lang, p exchange.CellProblem) string {
	var where []string
	where = append(where, filepath.Base(p.File))
	if p.Sheet != "" {
		where = append(where, l.Tf("sheets.at.sheet", p.Sheet))
	}
	if p.Row > 0 {
		where = append(where, l.Tf("sheets.at.row", p.Row))
	}
	if p.Column != "" {
		where = append(where, l.Tf("sheets.at.column", problemCell(l, p, 3)))
	}
	if p.Unit != "" {
		where = append(where, l.T("col.unit")+" "+p.Unit)
	}
	if p.Criterion != "" {
		where = append(where, l.T("col.criterion")+" "+p.Criterion)
	}
	return strings.Join(where, ", ") + ": " + problemMessage(l, p.Message)
}

// problemPatterns are the readers' common messages and their catalogue
// keys; the captured parts fill the key's verbs in order.
var problemPatterns = []struct {
	re     *regexp.Regexp
	key    string
	points bool // the captured parts are points, written with a decimal comma in Vietnamese
}{
	{regexp.MustCompile(`^unit "(.*)" does not exist in period (.*)$`), "sheets.pm.nounit", false},
	{regexp.MustCompile(`^unit (\S+) is inactive in period (.*)$`), "sheets.pm.inactive", false},
	{regexp.MustCompile(`^block "(.*)" does not exist in period (.*)$`), "sheets.pm.noblock", false},
	{regexp.MustCompile(`^criterion "(.*)" is not in framework (\S+)`), "sheets.pm.nocrit", false},
	{regexp.MustCompile(`^criterion (\S+) has sub-criteria`), "sheets.pm.parent", false},
	{regexp.MustCompile(`^(\S+) is above the max (\S+)$`), "sheets.pm.abovemax", true},
	{regexp.MustCompile(`^(\S+) is negative$`), "sheets.pm.negative", true},
	{regexp.MustCompile(`^(\S+) is not a multiple of the step (\S+)$`), "sheets.pm.step", true},
	{regexp.MustCompile(`^(\S+) has more than two decimals$`), "sheets.pm.decimals", true},
	{regexp.MustCompile(`^text where a number belongs: "(.*)" is not a number of points$`), "sheets.pm.nan", false},
	{regexp.MustCompile(`^the unit code is empty$`), "sheets.pm.nocode", false},
	{regexp.MustCompile(`^the unit name is empty$`), "sheets.pm.noname", false},
	{regexp.MustCompile(`^the block code is empty$`), "sheets.pm.noblockcode", false},
	{regexp.MustCompile(`^the criterion code is empty$`), "sheets.pm.nocritcode", false},
	{regexp.MustCompile(`^unit (\S+) is listed twice \(first in row (\d+)\)$`), "sheets.pm.unittwice", false},
	{regexp.MustCompile(`^the criterion is given twice \(first in row (\d+)\)$`), "sheets.pm.crittwice", false},
	{regexp.MustCompile(`^column "(.*)" \(.*\) is missing from the header row$`), "sheets.pm.nocolumn", false},
	{regexp.MustCompile(`^(?:the sheet is empty: )?no header row`), "sheets.pm.noheader", false},
	{regexp.MustCompile(`^the file is empty$`), "sheets.pm.empty", false},
	{regexp.MustCompile(`^"(.*)" is not yes or no`), "sheets.pm.yesno", false},
	{regexp.MustCompile(`^the file lists no unit below its header row$`), "sheets.pm.nounits", false},
	{regexp.MustCompile(`holds no self-assessment`), "sheets.pm.noself", false},
	{regexp.MustCompile(`holds no survey results`), "sheets.pm.nosurvey", false},
	{regexp.MustCompile(`^the unit's self-assessment is also in (.*): import one file per unit$`), "sheets.pm.selftwice", false},
	{regexp.MustCompile(`^the file is larger than (\d+) MiB$`), "sheets.pm.toolarge", false},
}

// periodRe is a period as the readers name it: "2024 full-year".
var periodRe = regexp.MustCompile(`^(\d{4}) ([a-z-]+)$`)

// problemMessage says a reader's message in the user's language when it is
// a common one, else as the reader wrote it.
func problemMessage(l Lang, msg string) string {
	if l == English {
		return msg
	}
	for _, p := range problemPatterns {
		m := p.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			if p.points {
				s = strings.Replace(s, ".", ",", 1)
			}
			if y := periodRe.FindStringSubmatch(s); y != nil && l.has("round."+y[2]) {
				s = y[1] + " " + strings.ToLower(l.T("round."+y[2])) // "2024 cả năm"
			}
			args[i] = s
		}
		return l.Tf(p.key, args...)
	}
	return msg
}
