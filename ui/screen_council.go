package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/data"
	"parindex/exchange"
	"parindex/identity"
	"parindex/index"
	"parindex/report"
)

// councilScreen is the "Hội đồng / Council" screen: the offline council.
//
// In the secretariat's council file it exports a package per member, merges
// the members' signed return files, enrols members' keys, moves the council
// between appraisal rounds, shows the council's decisions log, and
// finalises the period (recording the results digest and the audit head)
// or reopens it with a reason. In a member's workspace (a file made by
// opening a member package) it shows this laptop's key fingerprint, the
// package opened and the member's assignments, opens newer packages and
// writes the signed return file.
//
// Every button ends in one of the action methods (exportPackage,
// mergeReturns, enrol, finalize, writeReturn, …), which take paths and
// values rather than dialogs, so that tests drive them directly.
type councilScreen struct {
	st   *State
	root *fyne.Container
	d    councilData

	// what the last actions gave, for tests and the result dialogs
	lastMerge  []exchange.MergeResult
	lastExport exchange.ExportReport
	lastReturn exchange.ReturnReport
	lastOpen   data.InstallReport
	lastSheets []unitSheetFile
	lastExpl   []explainResult
}

// councilData is what the screen loads off the UI goroutine.
type councilData struct {
	ws    data.WorkspaceInfo
	model *Model
	round int

	// secretariat
	members   []data.MemberExchange
	fin       data.Finalization
	decisions []decisionEntry

	// member workspace
	mp    data.MemberPeriodInfo
	mpErr error
	items []memberItem

	// this laptop's key: nil when none yet (keyErr nil) or unusable (keyErr)
	key    *identity.Identity
	keyErr error
}

// NewCouncilScreen is the "Hội đồng / Council" screen.
func NewCouncilScreen(st *State) fyne.CanvasObject { return newCouncil(st).root }

func newCouncil(st *State) *councilScreen {
	cs := &councilScreen{st: st, root: container.NewStack(loading(st))}
	cs.load()
	return cs
}

// keyDir is the folder of this laptop's member key: $PARINDEX_CONFIG_DIR
// (as parindex-cli) or the app's settings folder, which follows portable mode.
func keyDir(st *State) string {
	if d := strings.TrimSpace(os.Getenv(identity.ConfigEnv)); d != "" {
		return d
	}
	return st.dirs.Config
}

// loadKey reads this laptop's key; create makes it on first use.
func loadKey(st *State, create bool) (*identity.Identity, error) {
	if create {
		return identity.LoadOrCreate(keyDir(st))
	}
	id, err := identity.Load(keyDir(st))
	if errors.Is(err, identity.ErrNoKey) {
		return nil, nil
	}
	return id, err
}

func (cs *councilScreen) load() {
	st := cs.st
	c := st.council
	run(st, func() (councilData, error) {
		var d councilData
		var err error
		if d.ws, err = c.Workspace(); err != nil {
			return d, err
		}
		if d.model, err = st.loadModel(); err != nil {
			return d, err
		}
		pid := d.model.Period.ID
		if d.round, err = c.CouncilRound(pid); err != nil {
			return d, err
		}
		member := d.ws.Mode == data.ModeMember
		d.key, d.keyErr = loadKey(st, member)
		if member {
			d.mp, d.mpErr = c.MemberPeriod(pid)
			d.items = memberItems(d.model.Snap, d.ws.MemberID, d.mp.Round)
			return d, nil
		}
		if d.members, err = c.MemberExchanges(pid); err != nil {
			return d, err
		}
		if d.fin, err = c.Finalization(pid); err != nil {
			return d, err
		}
		d.decisions, err = decisionLog(c, pid)
		return d, err
	}, func(d councilData, err error) {
		if err != nil {
			swap(cs.root, modelError(st, err))
			return
		}
		cs.d = d
		cs.build()
	})
}

// job runs work off the UI goroutine behind a progress dialog; an error is
// shown in the user's language (councilMessage), success calls done.
func councilJob[T any](cs *councilScreen, title string, work func() (T, error), done func(T)) {
	sheetJob(cs.st, title, func(exchange.Progress) (T, error) { return work() }, func(v T, err error) {
		if err != nil {
			cs.showCouncilError(err)
			return
		}
		done(v)
	})
}

// changed reloads the screen after a change, and the shared snapshot with it.
func (cs *councilScreen) changed() {
	cs.st.invalidate()
	cs.load()
}

func (cs *councilScreen) build() {
	if cs.d.ws.Mode == data.ModeMember {
		cs.buildMember()
		return
	}
	cs.buildSecretariat()
}

// header is the screen's title with figures on the right.
func (cs *councilScreen) header(heading string, chips ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, title(heading), container.NewHBox(chips...))
}

// plain is a button's label as a dialog title: without the trailing "…".
func plain(s string) string { return strings.TrimSuffix(s, "…") }

// badge is a small coloured label.
func badge(text string, imp widget.Importance) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Importance = imp
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// ---- the secretariat

func (cs *councilScreen) buildSecretariat() {
	st := cs.st
	d := cs.d
	state := badge(st.T("period.open"), widget.SuccessImportance)
	if d.fin.Finalized {
		state = badge(st.T("period.finalized"), widget.WarningImportance)
	}
	chips := []fyne.CanvasObject{badge(st.Tf("council.roundn", d.round), widget.HighImportance), state}
	if d.ws.CouncilID != "" {
		chips = append([]fyne.CanvasObject{badge(st.Tf("council.id", shortID(d.ws.CouncilID)), widget.LowImportance)}, chips...)
	}
	var items []*container.TabItem
	if st.role == RoleSecretary || st.role == RoleChair {
		items = append(items,
			container.NewTabItemWithIcon(st.T("council.tab.members"), theme.AccountIcon(), cs.membersTab()),
			container.NewTabItemWithIcon(st.T("council.tab.decisions"), theme.ListIcon(), cs.decisionsTab()),
			container.NewTabItemWithIcon(st.T("council.tab.finalize"), theme.ConfirmIcon(), cs.finalizeTab()),
		)
	}
	items = append(items, container.NewTabItemWithIcon(st.T("council.tab.laptop"), theme.ComputerIcon(), cs.laptopTab()))
	tabs := container.NewAppTabs(items...)
	if i := st.tabs["council"]; i < len(items) {
		tabs.SelectIndex(i)
	}
	tabs.OnSelected = func(*container.TabItem) { st.tabs["council"] = tabs.SelectedIndex() }
	swap(cs.root, container.NewBorder(cs.header(st.T("nav.council"), chips...), nil, nil, nil, tabs))
}

// shortID shortens a council ID for display.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

// keyText says a member's key state.
func keyText(st *State, m data.MemberExchange) string {
	switch {
	case m.Fingerprint != "":
		return m.Fingerprint
	case m.PendingSecrets > 0:
		return st.T("council.key.awaiting")
	}
	return st.T("council.key.none")
}

// when prints an RFC 3339 time of the store in local time, or a dash.
func when(s string) string {
	if s == "" {
		return "—"
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Local().Format("02/01/2006 15:04")
}

func (cs *councilScreen) membersTab() fyne.CanvasObject {
	st := cs.st
	ms := cs.d.members
	secretary := st.role == RoleSecretary
	selected := -1
	detail := container.NewStack()
	t := newTable(&tableSpec{
		cols: []column{
			{st.T("col.member"), 196, fyne.TextAlignLeading},
			{st.T("council.col.role"), 104, fyne.TextAlignLeading},
			{st.T("council.col.fields"), 76, fyne.TextAlignTrailing},
			{st.T("council.col.key"), 150, fyne.TextAlignLeading},
			{st.T("council.col.packages"), 88, fyne.TextAlignTrailing},
			{st.T("council.col.return"), 180, fyne.TextAlignLeading},
		},
		rows: func() int { return len(ms) },
		text: func(r, c int) string {
			m := ms[r]
			switch c {
			case 0:
				return m.Name + " (" + m.ID + ")"
			case 1:
				return st.T("crole." + m.Role)
			case 2:
				return strconv.Itoa(m.Fields)
			case 3:
				return keyText(st, m)
			case 4:
				return strconv.FormatInt(m.Packages, 10)
			case 5:
				if m.ReturnVersion == 0 {
					return "—"
				}
				return st.Tf("council.return.short", m.ReturnVersion, m.ReturnRound, m.ReturnScores)
			}
			return ""
		},
		style: func(r, c int) cellStyle {
			m := ms[r]
			switch {
			case r == selected:
				return cellStyle{bg: colSelection}
			case c == 3 && m.Fingerprint == "" && m.Fields > 0:
				return cellStyle{fg: widget.WarningImportance}
			case c == 3 && m.Fingerprint != "":
				return cellStyle{fg: widget.SuccessImportance}
			case m.Fields == 0:
				return cellStyle{muted: true}
			}
			return cellStyle{}
		},
	})
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(ms) {
			selected = id.Row
			swap(detail, cs.memberDetail(ms[id.Row]))
			t.Refresh()
		}
	}
	swap(detail, container.NewVBox(note(st.T("council.pickmember"))))
	for i, m := range ms { // the first member with fields to score
		if m.Fields > 0 {
			selected = i
			swap(detail, cs.memberDetail(m))
			break
		}
	}

	merge := widget.NewButtonWithIcon(st.T("council.merge"), theme.DownloadIcon(), cs.mergeDialog)
	merge.Importance = widget.HighImportance
	roundBtn := widget.NewButtonWithIcon(st.Tf("council.round.to", 3-cs.d.round), theme.MediaSkipNextIcon(), func() {
		cs.reasonDialog(plain(st.Tf("council.round.to", 3-cs.d.round)), st.Tf("council.round.explain", 3-cs.d.round), false,
			func(reason string) { cs.setRound(3-cs.d.round, reason) })
	})
	sheets := widget.NewButtonWithIcon(st.T("council.sheets.export"), theme.DocumentSaveIcon(), cs.exportSheetsDialog)
	expl := widget.NewButtonWithIcon(st.T("council.expl.import"), theme.MailReplyIcon(), cs.explanationsDialog)
	if !secretary || cs.d.fin.Finalized {
		merge.Disable()
		roundBtn.Disable()
		expl.Disable()
	}
	if !secretary {
		sheets.Disable()
	}
	tools := container.NewBorder(nil, nil, nil, container.NewHBox(sheets, expl, roundBtn, merge),
		note(st.T("council.members.note")))
	s := container.NewHSplit(t, container.NewVScroll(detail))
	s.Offset = 0.69
	return container.NewBorder(tools, nil, nil, nil, s)
}

// fact is one line of a detail card: a caption and a value.
func fact(caption, value string) fyne.CanvasObject {
	c := widget.NewLabel(caption)
	c.Importance = widget.LowImportance
	v := widget.NewLabel(value)
	v.Truncation = fyne.TextTruncateEllipsis
	v.TextStyle = fyne.TextStyle{Bold: true}
	return container.NewBorder(nil, nil, fixedWidth(140, c), nil, v)
}

// memberDetail is the card of one member with the secretariat's actions.
func (cs *councilScreen) memberDetail(m data.MemberExchange) fyne.CanvasObject {
	st := cs.st
	secretary := st.role == RoleSecretary
	last := "—"
	if m.LastPackageAt != "" {
		last = when(m.LastPackageAt)
	}
	ret, merged := st.T("council.return.none"), "—"
	if m.ReturnVersion > 0 {
		ret = st.Tf("council.return.short", m.ReturnVersion, m.ReturnRound, m.ReturnScores)
		merged = when(m.ReturnMergedAt)
	}
	rows := []fyne.CanvasObject{
		fact(st.T("council.col.role"), st.T("crole."+m.Role)),
		fact(st.T("council.col.fields"), strconv.Itoa(m.Fields)),
		fact(st.T("council.col.packages"), st.Tf("council.packages.long", m.Packages, last)),
		fact(st.T("council.col.return"), ret),
		fact(st.T("council.col.merged"), merged),
	}
	if m.Fingerprint == "" {
		rows = append(rows, fact(st.T("council.col.key"), keyText(st, m)))
	} else { // a fingerprint is long: below its caption, in monospace
		c := widget.NewLabel(st.T("council.col.key"))
		c.Importance = widget.LowImportance
		k := widget.NewLabel(m.Fingerprint)
		k.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
		k.Wrapping = fyne.TextWrapBreak
		rows = append(rows, container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), c, k))
	}
	facts := container.NewVBox(rows...)
	export := widget.NewButtonWithIcon(st.T("council.export"), theme.UploadIcon(), func() { cs.exportDialog(m) })
	export.Importance = widget.HighImportance
	enrol := widget.NewButtonWithIcon(st.T("council.enrol"), theme.LoginIcon(), func() { cs.enrolDialog(m) })
	clear := widget.NewButtonWithIcon(st.T("council.unenrol"), theme.ContentClearIcon(), func() {
		cs.reasonDialog(plain(st.T("council.unenrol")), st.Tf("council.unenrol.explain", m.Name), false,
			func(reason string) { cs.enrol(m.ID, "", reason) })
	})
	if !secretary || cs.d.fin.Finalized || m.Fields == 0 {
		export.Disable()
	}
	if !secretary {
		enrol.Disable()
		clear.Disable()
	}
	if m.Fingerprint == "" {
		clear.Disable()
	}
	hint := st.T("council.export.note")
	if m.Fields == 0 {
		hint = st.T("council.nofields")
	}
	box := container.NewVBox(facts, widget.NewSeparator(), export, note(hint), widget.NewSeparator(),
		enrol, clear, note(st.T("council.enrol.note")))
	return panel(m.Name, box)
}

// ---- secretariat actions

// exportPackage writes the member package of a member to path.
func (cs *councilScreen) exportPackage(member, path string) {
	st := cs.st
	s, pid := st.db, st.period.ID
	councilJob(cs, "council.progress.export", func() (exchange.ExportReport, error) {
		return exchange.ExportPackageFile(s, pid, member, path, time.Time{})
	}, func(r exchange.ExportReport) {
		cs.lastExport = r
		key := st.T("council.export.secret")
		if r.EnrolledKey != "" {
			key = st.Tf("council.export.key", r.EnrolledKey)
		}
		st.info(plain(st.T("council.export")), st.Tf("council.export.done", r.Sequence, r.Member, r.Round, r.Units, r.Self, r.Scores)+
			"\n"+key+"\n"+st.Tf("council.written", path))
		cs.changed()
	})
}

// mergeReturns merges return files, each whole or refused; dry only checks.
func (cs *councilScreen) mergeReturns(paths []string, dry bool) {
	st := cs.st
	s := st.db
	withProgress(st, "council.progress.merge", func() ([]exchange.MergeResult, error) {
		return exchange.MergeReturnFiles(s, paths, dry), nil
	}, func(rs []exchange.MergeResult) {
		cs.lastMerge = rs
		cs.showMerge(rs, dry)
		if !dry {
			cs.changed()
		}
	})
}

// enrol records a member's key fingerprint ("" removes the key).
func (cs *councilScreen) enrol(member, fingerprint, reason string) {
	st := cs.st
	c, pid := st.council, st.period.ID
	councilJob(cs, "progress.saving", func() (struct{}, error) {
		return struct{}{}, c.EnrolMemberKey(pid, member, fingerprint, nil, reason)
	}, func(struct{}) { cs.changed() })
}

// setRound moves the council to appraisal round 1 or 2.
func (cs *councilScreen) setRound(round int, reason string) {
	st := cs.st
	c, pid := st.council, st.period.ID
	councilJob(cs, "progress.saving", func() (struct{}, error) {
		return struct{}{}, c.SetCouncilRound(pid, round, reason)
	}, func(struct{}) { cs.changed() })
}

// resultsDigest is the digest recorded at finalisation, as parindex-cli
// records it: index.Compute of the snapshot, then report.ResultsDigest.
func resultsDigest(snap *index.Snapshot) (string, error) {
	res, err := index.Compute(snap)
	if err != nil {
		return "", err
	}
	return report.ResultsDigest(res), nil
}

// finalize closes the period: it becomes read-only, with the results
// digest and the audit head recorded. Then the whole window reloads.
func (cs *councilScreen) finalize(reason string) {
	st := cs.st
	c, pid := st.council, st.period.ID
	councilJob(cs, "council.progress.finalize", func() (data.Finalization, error) {
		return c.FinalizeComputed(pid, reason, resultsDigest)
	}, func(f data.Finalization) {
		cs.d.fin = f
		st.invalidate()
		st.reloadPeriods(0)
		st.info(st.T("council.finalize"), st.Tf("council.finalized.done", f.ResultsDigest, f.AuditHead))
	})
}

// reopen opens the finalised period again; the reason is audited.
func (cs *councilScreen) reopen(reason string) {
	st := cs.st
	c, pid := st.council, st.period.ID
	councilJob(cs, "progress.saving", func() (struct{}, error) { return struct{}{}, c.Reopen(pid, reason) },
		func(struct{}) {
			st.invalidate()
			st.reloadPeriods(0)
		})
}

// ---- secretariat dialogs

func (cs *councilScreen) exportDialog(m data.MemberExchange) {
	name := fmt.Sprintf("%s-goi-%d.parindex-package", m.ID, m.Packages+1)
	chooseSave(cs.st, name, []string{".parindex-package"}, func(p string) { cs.exportPackage(m.ID, p) })
}

// mergeDialog gathers return files (one at a time or a folder's) and
// merges them, or only checks them.
func (cs *councilScreen) mergeDialog() {
	st := cs.st
	var paths []string
	count := widget.NewLabel("")
	list := widget.NewList(func() int { return len(paths) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*fyne.Container).Objects[0].(*widget.Label).SetText(filepath.Base(paths[i]))
		})
	add := func(ps ...string) {
		for _, p := range ps {
			dup := false
			for _, q := range paths {
				dup = dup || q == p
			}
			if !dup {
				paths = append(paths, p)
			}
		}
		count.SetText(st.Tf("sheets.nfiles", len(paths)))
		list.Refresh()
	}
	add()
	addFile := widget.NewButtonWithIcon(st.T("sheets.addfile"), theme.FileIcon(), func() {
		chooseFile(st, []string{".parindex-return", ".json"}, func(p string) { add(p) })
	})
	addDir := widget.NewButtonWithIcon(st.T("sheets.addfolder"), theme.FolderOpenIcon(), func() {
		chooseFolder(st, func(u fyne.ListableURI) {
			found, err := returnsIn(u.Path())
			if err != nil {
				st.showError(err)
				return
			}
			if len(found) == 0 {
				st.info(plain(st.T("council.merge")), st.T("council.noreturns"))
				return
			}
			add(found...)
		})
	})
	dry := widget.NewCheck(st.T("council.dryrun"), nil)
	top := container.NewVBox(note(st.T("council.merge.note")), container.NewHBox(addFile, addDir))
	body := container.NewBorder(top, container.NewVBox(count, dry), nil, nil, list)
	d := dialog.NewCustomConfirm(plain(st.T("council.merge")), st.T("council.merge.do"), st.T("btn.cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		if len(paths) == 0 {
			st.info(plain(st.T("council.merge")), st.T("sheets.nofiles"))
			return
		}
		cs.mergeReturns(paths, dry.Checked)
	}, st.Win)
	d.Resize(fyne.NewSize(640, 460))
	d.Show()
}

// returnsIn lists the return files of a folder.
func returnsIn(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".parindex-return") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// refusedKeys are the catalogue keys of the reasons a return is refused.
var refusedKeys = map[string]string{
	data.RefusedTampered:           "council.refused.tampered",
	data.RefusedNotCouncil:         "council.refused.notcouncil",
	data.RefusedOtherCouncil:       "council.refused.othercouncil",
	data.RefusedOtherPeriod:        "council.refused.otherperiod",
	data.RefusedFinalized:          "council.refused.finalized",
	data.RefusedUnknownMember:      "council.refused.unknownmember",
	data.RefusedUnknownKey:         "council.refused.unknownkey",
	data.RefusedKeyMismatch:        "council.refused.keymismatch",
	data.RefusedOldVersion:         "council.refused.oldversion",
	data.RefusedVersionConflict:    "council.refused.versionconflict",
	data.RefusedWrongRound:         "council.refused.wronground",
	data.RefusedOutsideAssignments: "council.refused.outside",
	data.RefusedInvalidScore:       "council.refused.invalidscore",
}

// mergeOutcome says what merging one file did, in the user's language.
func mergeOutcome(l Lang, r exchange.MergeResult) (string, bool) {
	if r.Err != nil {
		return l.T("council.refused") + ": " + councilMessage(l, r.Err), false
	}
	rep := r.Report
	var s string
	switch {
	case rep.AlreadyMerged:
		s = l.T("council.merge.already")
	case rep.DryRun:
		s = l.Tf("council.merge.would", rep.Added, rep.Changed, rep.Unchanged, rep.Removed)
	default:
		s = l.Tf("council.merge.counts", rep.Added, rep.Changed, rep.Unchanged, rep.Removed)
	}
	if rep.Enrolled {
		s += "; " + l.Tf("council.merge.enrolled", rep.Fingerprint)
	}
	return s, true
}

// councilMessage says an offline-council error in the user's language: a
// refused return, a damaged or tampered file, a package that cannot be
// opened here; other errors as explain says them.
func councilMessage(l Lang, err error) string {
	var me *data.MergeError
	if errors.As(err, &me) {
		if k, ok := refusedKeys[me.Kind]; ok {
			return l.T(k)
		}
		return me.Msg
	}
	var fe *exchange.PackageFileError
	if errors.As(err, &fe) {
		switch fe.Kind {
		case exchange.FileTooLarge:
			return l.T("council.file.toolarge")
		case exchange.FileTampered:
			return l.T("council.file.tampered")
		case exchange.FileNewer:
			return l.T("council.file.newer")
		case exchange.FileWrongKind:
			return l.T("council.file.wrongkind")
		case exchange.FileUnreadable:
			return l.T("err.notexist")
		}
		return l.T("council.file.damaged")
	}
	msg := err.Error()
	switch {
	case errors.Is(err, identity.ErrExposed):
		return l.T("council.key.exposed")
	case strings.Contains(msg, "changed after your last return"):
		return l.T("council.open.unreturned")
	case strings.Contains(msg, "is not newer than the one already opened"):
		return l.T("council.open.older")
	case strings.Contains(msg, "belongs to council") || strings.Contains(msg, "'s workspace; the package is for member"):
		return l.T("council.open.otherworkspace")
	case strings.Contains(msg, "has no assignments"):
		return l.T("council.nofields")
	case errors.Is(err, data.ErrMemberWorkspace):
		return l.T("council.err.workspace")
	}
	return explain(l, err).Msg
}

// showCouncilError shows an error of the offline council as the app's
// error dialog does, in the user's language.
func (cs *councilScreen) showCouncilError(err error) {
	st := cs.st
	msg := widget.NewLabel(councilMessage(st.lang, err))
	msg.Wrapping = fyne.TextWrapWord
	detail := widget.NewLabel(err.Error())
	detail.Wrapping = fyne.TextWrapWord
	detail.SizeName = theme.SizeNameCaptionText
	detail.Importance = widget.LowImportance
	acc := widget.NewAccordion(widget.NewAccordionItem(st.T("err.details"), container.NewVScroll(detail)))
	d := dialog.NewCustom(st.T("err.title"), st.T("btn.close"), container.NewBorder(msg, nil, nil, nil, acc), st.Win)
	d.Resize(fyne.NewSize(580, 300))
	d.Show()
}

// showMerge lists what merging each file did.
func (cs *councilScreen) showMerge(rs []exchange.MergeResult, dry bool) {
	st := cs.st
	refused := 0
	for _, r := range rs {
		if r.Err != nil {
			refused++
		}
	}
	t := newTable(&tableSpec{
		cols: []column{
			{st.T("sheets.col.file"), 230, fyne.TextAlignLeading},
			{st.T("col.member"), 90, fyne.TextAlignLeading},
			{st.T("council.col.version"), 90, fyne.TextAlignTrailing},
			{st.T("sheets.col.result"), 560, fyne.TextAlignLeading},
		},
		rows: func() int { return len(rs) },
		text: func(r, c int) string {
			x := rs[r]
			switch c {
			case 0:
				return filepath.Base(x.File)
			case 1:
				if x.Err != nil && x.Report.Member == "" {
					return "—"
				}
				return x.Report.Member
			case 2:
				if x.Report.Version == 0 {
					return "—"
				}
				return st.Tf("council.version", x.Report.Version, x.Report.Round)
			}
			s, _ := mergeOutcome(st.lang, x)
			return s
		},
		style: func(r, c int) cellStyle {
			if c != 3 {
				return cellStyle{}
			}
			if rs[r].Err != nil {
				return cellStyle{fg: widget.DangerImportance, bold: true}
			}
			return cellStyle{fg: widget.SuccessImportance}
		},
	})
	detail := wrapLabel("")
	t.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(rs) && rs[id.Row].Err != nil {
			detail.SetText(rs[id.Row].Err.Error())
		}
	}
	head := st.Tf("council.merge.summary", len(rs)-refused, refused)
	if dry {
		head = st.T("council.merge.dry") + " " + head
	}
	h := wrapLabel(head)
	h.TextStyle = fyne.TextStyle{Bold: true}
	if refused > 0 {
		h.Importance = widget.DangerImportance
		detail.SetText(st.T("council.merge.pick"))
	}
	d := dialog.NewCustom(plain(st.T("council.merge")), st.T("btn.close"), container.NewBorder(h, detail, nil, nil, t), st.Win)
	d.Resize(fyne.NewSize(1060, 420))
	d.Show()
}

func (cs *councilScreen) enrolDialog(m data.MemberExchange) {
	st := cs.st
	fp := widget.NewEntry()
	fp.SetPlaceHolder(st.T("council.enrol.ph"))
	fp.Validator = func(s string) error {
		if _, err := identity.ParseFingerprint(s); err != nil {
			return errors.New(st.T("council.enrol.bad"))
		}
		return nil
	}
	reason := widget.NewEntry()
	reason.SetPlaceHolder(st.T("council.enrol.reason.ph"))
	items := []*widget.FormItem{
		widget.NewFormItem("", note(st.Tf("council.enrol.explain", m.Name))),
		widget.NewFormItem(st.T("council.col.key"), fp),
		widget.NewFormItem(st.T("council.reason"), reason),
	}
	d := dialog.NewForm(st.Tf("council.enrol.title", m.Name), st.T("council.enrol.do"), st.T("btn.cancel"), items, func(ok bool) {
		if ok {
			cs.enrol(m.ID, fp.Text, strings.TrimSpace(reason.Text))
		}
	}, st.Win)
	d.Resize(fyne.NewSize(620, 300))
	d.Show()
}

// reasonDialog asks for a reason (required when must) and calls do with it.
func (cs *councilScreen) reasonDialog(heading, explain string, must bool, do func(reason string)) {
	st := cs.st
	reason := widget.NewMultiLineEntry()
	reason.SetMinRowsVisible(3)
	reason.Wrapping = fyne.TextWrapWord
	reason.SetPlaceHolder(st.T("council.reason.ph"))
	if must {
		reason.Validator = func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New(st.T("err.needreason"))
			}
			return nil
		}
	}
	items := []*widget.FormItem{
		widget.NewFormItem("", note(explain)),
		widget.NewFormItem(st.T("council.reason"), reason),
	}
	d := dialog.NewForm(heading, st.T("btn.ok"), st.T("btn.cancel"), items, func(ok bool) {
		if ok {
			do(strings.TrimSpace(reason.Text))
		}
	}, st.Win)
	d.Resize(fyne.NewSize(600, 300))
	d.Show()
}

// ---- decisions log

// decisionEntry is one change to a council decision, from the audit log.
type decisionEntry struct {
	At        time.Time
	Actor     string
	Action    string // insert, update, delete
	Unit      string
	Criterion string
	Points    string // as recorded, "" when withdrawn
	Votes     string
	Reason    string
}

// decisionLog reads the period's decisions from the audit log, newest first.
func decisionLog(c Council, pid int64) ([]decisionEntry, error) {
	prefix := "decision/" + strconv.FormatInt(pid, 10) + "/"
	es, err := c.AuditEntries(data.AuditFilter{EntityPrefix: prefix, Limit: 2000})
	if err != nil {
		return nil, err
	}
	out := make([]decisionEntry, 0, len(es))
	for _, e := range es {
		rest := strings.TrimPrefix(e.Entity, prefix)
		unit, crit, _ := strings.Cut(rest, "/")
		d := decisionEntry{At: e.At, Actor: e.Actor, Unit: unit, Criterion: crit, Reason: e.Reason}
		d.Action = e.Action[strings.LastIndexByte(e.Action, '.')+1:]
		val := e.New
		if val == "" {
			val = e.Old
		}
		var v struct {
			Points   json.Number `json:"points"`
			Reason   string      `json:"reason"`
			VotesFor *int        `json:"votes_for"`
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(val)))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			if p, err := index.ParsePoints(v.Points.String()); err == nil && e.New != "" {
				d.Points = p.Short()
			}
			if v.VotesFor != nil {
				d.Votes = strconv.Itoa(*v.VotesFor)
			}
			if v.Reason != "" && e.New != "" {
				d.Reason = v.Reason
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func (cs *councilScreen) decisionsTab() fyne.CanvasObject {
	st := cs.st
	ds := cs.d.decisions
	if len(ds) == 0 {
		return emptyState(theme.ListIcon(), st.T("council.decisions.none"))
	}
	voting := len(st.votingMembers())
	unitName := map[string]string{}
	for _, u := range cs.d.model.Snap.Units {
		unitName[u.Code] = u.Name
	}
	t := newTable(&tableSpec{
		cols: []column{
			{st.T("council.col.when"), 130, fyne.TextAlignLeading},
			{st.T("council.col.what"), 110, fyne.TextAlignLeading},
			{st.T("col.unit"), 230, fyne.TextAlignLeading},
			{st.T("col.criterion"), 80, fyne.TextAlignLeading},
			{st.T("council.col.points"), 70, fyne.TextAlignTrailing},
			{st.T("council.col.votes"), 90, fyne.TextAlignCenter},
			{st.T("council.col.reason"), 330, fyne.TextAlignLeading},
			{st.T("council.col.by"), 220, fyne.TextAlignLeading},
		},
		rows: func() int { return len(ds) },
		text: func(r, c int) string {
			d := ds[r]
			switch c {
			case 0:
				return d.At.Local().Format("02/01/2006 15:04")
			case 1:
				switch d.Action {
				case "insert":
					return st.T("council.dec.insert")
				case "delete":
					return st.T("council.dec.delete")
				}
				return st.T("council.dec.update")
			case 2:
				if n := unitName[d.Unit]; n != "" {
					return n
				}
				return d.Unit
			case 3:
				return d.Criterion
			case 4:
				if d.Points == "" {
					return "—"
				}
				if st.lang == Vietnamese {
					return strings.Replace(d.Points, ".", ",", 1)
				}
				return d.Points
			case 5:
				if d.Votes == "" || d.Action == "delete" {
					return "—"
				}
				return d.Votes + "/" + strconv.Itoa(voting)
			case 6:
				return d.Reason
			}
			return d.Actor
		},
		style: func(r, c int) cellStyle {
			if ds[r].Action == "delete" {
				return cellStyle{muted: true}
			}
			if c == 4 {
				return cellStyle{bold: true}
			}
			return cellStyle{}
		},
	})
	return container.NewBorder(note(st.Tf("council.decisions.note", voting)), nil, nil, nil, t)
}

// ---- finalisation

func (cs *councilScreen) finalizeTab() fyne.CanvasObject {
	st := cs.st
	f := cs.d.fin
	may := st.role == RoleSecretary || st.role == RoleChair
	var box *fyne.Container
	if !f.Finalized {
		reason := widget.NewMultiLineEntry()
		reason.SetMinRowsVisible(3)
		reason.Wrapping = fyne.TextWrapWord
		reason.SetPlaceHolder(st.T("council.finalize.ph"))
		btn := widget.NewButtonWithIcon(st.T("council.finalize.do"), theme.ConfirmIcon(), func() {
			r := strings.TrimSpace(reason.Text)
			if r == "" {
				st.info(st.T("council.finalize"), st.T("council.finalize.need"))
				return
			}
			dialog.ShowConfirm(st.T("council.finalize"), st.T("council.finalize.confirm"), func(ok bool) {
				if ok {
					cs.finalize(r)
				}
			}, st.Win)
		})
		btn.Importance = widget.HighImportance
		if !may {
			btn.Disable()
			reason.Disable()
		}
		box = container.NewVBox(
			badge(st.T("council.finalize.open"), widget.SuccessImportance),
			wrapLabel(st.T("council.finalize.explain")),
			widget.NewSeparator(),
			widget.NewForm(widget.NewFormItem(st.T("council.finalize.reason"), reason)),
			container.NewHBox(layout.NewSpacer(), btn),
		)
	} else {
		at := f.At.Local().Format("02/01/2006 15:04:05")
		digest := widget.NewLabel(f.ResultsDigest)
		digest.TextStyle = fyne.TextStyle{Monospace: true}
		digest.Wrapping = fyne.TextWrapBreak
		head := widget.NewLabel(f.AuditHead)
		head.TextStyle = fyne.TextStyle{Monospace: true}
		head.Wrapping = fyne.TextWrapBreak
		btn := widget.NewButtonWithIcon(st.T("council.reopen"), theme.ViewRefreshIcon(), func() {
			cs.reasonDialog(plain(st.T("council.reopen")), st.T("council.reopen.explain"), true, cs.reopen)
		})
		btn.Importance = widget.WarningImportance
		if !may {
			btn.Disable()
		}
		box = container.NewVBox(
			badge(st.Tf("council.finalized.at", at), widget.WarningImportance),
			wrapLabel(st.T("council.finalized.explain")),
			widget.NewSeparator(),
			widget.NewForm(
				widget.NewFormItem(st.T("council.digest"), digest),
				widget.NewFormItem(st.T("council.head"), head),
			),
			note(st.T("council.finalized.note")),
			container.NewHBox(layout.NewSpacer(), btn),
		)
	}
	return container.NewVScroll(container.NewHBox(layout.NewSpacer(),
		fixedWidth(780, container.NewVBox(panel(st.T("council.finalize"), box))), layout.NewSpacer()))
}

// ---- this laptop: key and packages, at the secretariat's file

func (cs *councilScreen) keyPanel() fyne.CanvasObject {
	st := cs.st
	d := cs.d
	if d.keyErr != nil {
		w := wrapLabel(councilMessage(st.lang, d.keyErr))
		w.Importance = widget.DangerImportance
		return panel(st.T("council.key.title"), container.NewVBox(w, note(d.keyErr.Error())))
	}
	if d.key == nil {
		mk := widget.NewButtonWithIcon(st.T("council.key.create"), theme.ContentAddIcon(), cs.createKey)
		return panel(st.T("council.key.title"), container.NewVBox(wrapLabel(st.T("council.key.nokey")), container.NewHBox(mk)))
	}
	fp := widget.NewLabel(d.key.Fingerprint())
	fp.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	fp.SizeName = theme.SizeNameSubHeadingText
	fp.Wrapping = fyne.TextWrapBreak
	copyBtn := widget.NewButtonWithIcon(st.T("council.key.copy"), theme.ContentCopyIcon(), func() {
		st.App.Clipboard().SetContent(d.key.Fingerprint())
	})
	pub := widget.NewButtonWithIcon(st.T("council.key.export"), theme.DocumentSaveIcon(), func() {
		chooseSave(st, "khoa-cong-khai.pem", []string{".pem"}, cs.exportPublicKey)
	})
	return panel(st.T("council.key.title"), container.NewVBox(
		note(st.T("council.key.explain")), fp,
		container.NewHBox(copyBtn, pub),
		note(st.Tf("council.key.file", d.key.Path)),
	))
}

func (cs *councilScreen) laptopTab() fyne.CanvasObject {
	st := cs.st
	open := widget.NewButtonWithIcon(st.T("council.open.new"), theme.FolderOpenIcon(), cs.openNewDialog)
	open.Importance = widget.HighImportance
	pkg := panel(st.T("council.open.title"), container.NewVBox(
		wrapLabel(st.T("council.open.explain")),
		container.NewHBox(open),
		note(st.T("council.open.note")),
	))
	grid := container.NewGridWithColumns(2, cs.keyPanel(), pkg)
	return container.NewVScroll(container.NewVBox(grid))
}

// createKey makes this laptop's key.
func (cs *councilScreen) createKey() {
	st := cs.st
	councilJob(cs, "progress.saving", func() (*identity.Identity, error) { return loadKey(st, true) },
		func(*identity.Identity) { cs.load() })
}

// exportPublicKey writes this laptop's public key for the secretariat.
func (cs *councilScreen) exportPublicKey(path string) {
	st := cs.st
	councilJob(cs, "progress.saving", func() (struct{}, error) {
		id, err := loadKey(st, true)
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, writeFile(path, identity.MarshalPublicKey(id.Public))
	}, func(struct{}) { st.info(plain(st.T("council.key.export")), st.Tf("council.written", path)) })
}

// openNewDialog opens a member package into a new workspace file.
func (cs *councilScreen) openNewDialog() {
	st := cs.st
	chooseFile(st, []string{".parindex-package", ".json"}, func(pkg string) {
		base := strings.TrimSuffix(filepath.Base(pkg), filepath.Ext(pkg))
		chooseSave(st, base+".parindex", []string{".parindex"}, func(ws string) { cs.openPackageNew(pkg, ws) })
	})
}

// openPackageNew opens a member package into a new member workspace at
// wsPath (replacing an empty file the save dialog made), then opens that
// workspace in the window as the package's member.
func (cs *councilScreen) openPackageNew(pkgPath, wsPath string) {
	st := cs.st
	if st.council != nil && samePath(st.council.Path(), wsPath) {
		cs.showCouncilError(fmt.Errorf("open member package: %w", data.ErrMemberWorkspace))
		return
	}
	created := true
	if fi, err := os.Stat(wsPath); err == nil && fi.Size() > 0 {
		created = false // an existing workspace is brought up to date
	}
	councilJob(cs, "council.progress.open", func() (data.InstallReport, error) {
		if created {
			os.Remove(wsPath) // the empty file the save dialog made
		}
		s, err := data.Open(wsPath)
		if err != nil {
			return data.InstallReport{}, err
		}
		rep, err := exchange.OpenPackageFile(s, pkgPath, data.InstallOptions{})
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil && created {
			for _, ext := range []string{"", "-wal", "-shm"} {
				os.Remove(wsPath + ext)
			}
		}
		return rep, err
	}, func(rep data.InstallReport) {
		cs.lastOpen = rep
		st.prefs.Member, st.prefs.Role = rep.Member, RoleMember
		st.Open(wsPath, false)
	})
}

func samePath(a, b string) bool {
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && x == y
}

// ---- a member's workspace

// memberItem is one unit × leaf the member may score, with the scores so far.
type memberItem struct {
	Unit, UnitName string
	Criterion      string
	Title          string
	Max            index.Points
	Self           *index.Points
	Score          *index.Points
}

// memberItems lists the applicable leaves scored by the council (not
// survey leaves) under a member's assigned fields, for every active unit
// of the assigned blocks, with the member's scores of the round.
func memberItems(snap *index.Snapshot, member string, round int) []memberItem {
	if round == 0 {
		round = 1
	}
	fws := map[string]*index.Framework{}
	for _, b := range snap.Blocks {
		fws[b.Code] = snap.Frameworks[b.Framework]
	}
	type key struct{ unit, crit string }
	self := map[key]index.Points{}
	for _, s := range snap.Self {
		self[key{s.Unit, s.Criterion}] = s.Points
	}
	scores := map[key]index.Points{}
	for _, a := range snap.Appraisals {
		if a.Member == member && a.Round == round {
			scores[key{a.Unit, a.Criterion}] = a.Points
		}
	}
	na := map[string][]string{}
	for _, n := range snap.NotApplicable {
		na[n.Unit] = append(na[n.Unit], n.Criterion)
	}
	isNA := func(unit, crit string) bool {
		for _, c := range na[unit] {
			if c == crit || strings.HasPrefix(crit, c+".") {
				return true
			}
		}
		return false
	}
	var out []memberItem
	for _, a := range snap.Assignments {
		fw := fws[a.Block]
		if a.Member != member || fw == nil {
			continue
		}
		for _, u := range snap.Units {
			if u.Block != a.Block || !u.Active {
				continue
			}
			for _, code := range fw.LeavesUnder(a.Field) {
				l := fw.Find(code)
				if l == nil || l.Method == index.Survey || isNA(u.Code, code) {
					continue
				}
				it := memberItem{Unit: u.Code, UnitName: u.Name, Criterion: code, Title: l.Title, Max: l.Max}
				if p, ok := self[key{u.Code, code}]; ok {
					it.Self = &p
				}
				if p, ok := scores[key{u.Code, code}]; ok {
					it.Score = &p
				}
				out = append(out, it)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out
}

func (cs *councilScreen) buildMember() {
	st := cs.st
	d := cs.d
	name := d.ws.MemberName
	if name == "" {
		name = d.ws.MemberID
	}
	scored := 0
	for _, it := range d.items {
		if it.Score != nil {
			scored++
		}
	}
	chips := []fyne.CanvasObject{badge(st.Tf("council.roundn", d.mp.Round), widget.HighImportance),
		badge(st.Tf("council.scored", scored, len(d.items)), widget.MediumImportance)}

	// the package
	var facts []fyne.CanvasObject
	if d.mpErr != nil {
		facts = append(facts, wrapLabel(st.T("council.member.noperiod")))
	} else {
		mp := d.mp
		enrolled := st.T("council.key.none")
		if mp.EnrolledKey != "" {
			enrolled = mp.EnrolledKey
		} else if mp.CanEnrol {
			enrolled = st.T("council.member.canenrol")
		}
		ret := st.T("council.return.none")
		if mp.LastReturn > 0 {
			ret = st.Tf("council.member.lastreturn", mp.LastReturn)
		}
		facts = append(facts,
			fact(st.T("council.member.package"), st.Tf("council.member.packagen", mp.PackageSeq, mp.Round)),
			fact(st.T("council.member.enrolled"), enrolled),
			fact(st.T("council.member.scores"), strconv.Itoa(mp.Scores)),
			fact(st.T("council.member.returned"), ret),
		)
		if mp.Unreturned {
			w := wrapLabel(st.T("council.member.unreturned"))
			w.Importance = widget.WarningImportance
			facts = append(facts, w)
		}
		if mp.EnrolledKey != "" && d.key != nil && mp.EnrolledKey != d.key.Fingerprint() {
			w := wrapLabel(st.T("council.member.keymismatch"))
			w.Importance = widget.DangerImportance
			facts = append(facts, w)
		}
	}
	ret := widget.NewButtonWithIcon(st.T("council.return.write"), theme.MailSendIcon(), func() {
		next := d.mp.LastReturn + 1
		chooseSave(st, fmt.Sprintf("%s-v%d.parindex-return", d.ws.MemberID, next), []string{".parindex-return"}, cs.writeReturn)
	})
	ret.Importance = widget.HighImportance
	open := widget.NewButtonWithIcon(st.T("council.open.update"), theme.FolderOpenIcon(), func() {
		chooseFile(st, []string{".parindex-package", ".json"}, func(p string) { cs.openPackage(p, false) })
	})
	if d.mpErr != nil || st.period.Finalized {
		ret.Disable()
	}
	facts = append(facts, widget.NewSeparator(), ret, note(st.T("council.return.note")), open)
	pkg := panel(st.T("council.member.title"), container.NewVBox(facts...))
	left := container.NewVScroll(container.NewVBox(cs.keyPanel(), pkg))

	// the assignments
	items := d.items
	var right fyne.CanvasObject
	if len(items) == 0 {
		right = emptyState(theme.InfoIcon(), st.T("council.member.noitems"))
	} else {
		opt := func(p *index.Points) string {
			if p == nil {
				return "—"
			}
			return st.pts(*p)
		}
		right = newTable(&tableSpec{
			cols: []column{
				{st.T("col.unit"), 168, fyne.TextAlignLeading},
				{st.T("col.criterion"), 76, fyne.TextAlignLeading},
				{st.T("council.col.title"), 160, fyne.TextAlignLeading},
				{st.T("council.col.max"), 64, fyne.TextAlignTrailing},
				{st.T("council.col.self"), 80, fyne.TextAlignTrailing},
				{st.T("council.col.mine"), 96, fyne.TextAlignTrailing},
			},
			rows: func() int { return len(items) },
			text: func(r, c int) string {
				it := items[r]
				switch c {
				case 0:
					return it.UnitName
				case 1:
					return it.Criterion
				case 2:
					return it.Title
				case 3:
					return st.pts(it.Max)
				case 4:
					return opt(it.Self)
				}
				return opt(it.Score)
			},
			style: func(r, c int) cellStyle {
				if c == 5 {
					if items[r].Score == nil {
						return cellStyle{muted: true}
					}
					return cellStyle{bold: true, fg: widget.SuccessImportance}
				}
				return cellStyle{}
			},
		})
	}
	assign := panel(st.T("council.member.items"), container.NewBorder(note(st.T("council.member.items.note")), nil, nil, nil, right))
	s := container.NewHSplit(left, assign)
	s.Offset = 0.4
	swap(cs.root, container.NewBorder(cs.header(st.Tf("council.member.heading", name), chips...), nil, nil, nil, s))
}

// ---- member actions

// writeReturn writes this member's scores of the round to path, signed
// with this laptop's key (made on first use).
func (cs *councilScreen) writeReturn(path string) {
	st := cs.st
	s, pid := st.db, st.period.ID
	councilJob(cs, "council.progress.return", func() (exchange.ReturnReport, error) {
		id, err := loadKey(st, true)
		if err != nil {
			return exchange.ReturnReport{}, err
		}
		return exchange.MakeReturnFile(s, pid, id, path, time.Time{})
	}, func(r exchange.ReturnReport) {
		cs.lastReturn = r
		msg := st.Tf("council.return.done", r.Version, r.Round, r.Scores, r.Fingerprint) + "\n" + st.Tf("council.written", path)
		if r.Enrols {
			msg += "\n" + st.T("council.return.enrols")
		}
		if len(r.Warnings) > 0 {
			msg += "\n\n" + st.T("council.return.warn") + "\n" + strings.Join(r.Warnings, "\n")
		}
		st.info(plain(st.T("council.return.write")), msg)
		cs.changed()
	})
}

// openPackage opens a newer member package into this workspace; discard
// lets it replace scores of an earlier round not yet returned.
func (cs *councilScreen) openPackage(path string, discard bool) {
	st := cs.st
	s := st.db
	sheetJob(st, "council.progress.open", func(exchange.Progress) (data.InstallReport, error) {
		return exchange.OpenPackageFile(s, path, data.InstallOptions{Discard: discard})
	}, func(rep data.InstallReport, err error) {
		if err != nil {
			if !discard && strings.Contains(err.Error(), "changed after your last return") {
				dialog.ShowConfirm(plain(st.T("council.open.update")), st.T("council.open.unreturned")+"\n\n"+st.T("council.open.discard"),
					func(ok bool) {
						if ok {
							cs.openPackage(path, true)
						}
					}, st.Win)
				return
			}
			cs.showCouncilError(err)
			return
		}
		cs.lastOpen = rep
		if rep.AlreadyOpen {
			st.info(plain(st.T("council.open.update")), st.Tf("council.open.already", rep.Sequence))
		} else {
			st.info(plain(st.T("council.open.update")), st.Tf("council.open.done", rep.Sequence, rep.Round, rep.Units, rep.Leaves))
		}
		st.invalidate()
		st.reloadPeriods(0)
	})
}

// ---- rounds and explanations (secretariat): unit sheets out, explanations in

// unitSheetFile is one unit sheet written by exportUnitSheets.
type unitSheetFile struct {
	Unit  string
	Path  string
	Items int
}

// explainResult is what importing one answered unit sheet did.
type explainResult struct {
	File   string
	Unit   string
	Report data.ApplyReport
	Err    error
}

// sheetFileName is the file name of a unit's sheet: the unit code with the
// characters file systems refuse replaced.
func sheetFileName(unit, format string) string {
	safe := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>| `, r) || r < ' ' {
			return '-'
		}
		return r
	}, unit)
	return "giai-trinh-" + safe + "." + format
}

// exportUnitSheets writes the sheet of every active unit of the period into
// dir, one file per unit, in format "json" or "csv" (exchange.ExportUnitSheet).
func (cs *councilScreen) exportUnitSheets(dir, format string) {
	st := cs.st
	s, pid := st.db, st.period.ID
	var units []string
	if cs.d.model != nil {
		for _, u := range cs.d.model.Snap.Units {
			if u.Active {
				units = append(units, u.Code)
			}
		}
	}
	sheetJob(st, "council.progress.sheets", func(progress exchange.Progress) ([]unitSheetFile, error) {
		out := make([]unitSheetFile, 0, len(units))
		for i, u := range units {
			path := filepath.Join(dir, sheetFileName(u, format))
			var sh *exchange.UnitSheet
			err := exchange.WriteFile(path, func(w io.Writer) error {
				var err error
				sh, err = exchange.ExportUnitSheet(s, pid, u, format, w, time.Time{})
				return err
			})
			if err != nil {
				return out, err
			}
			out = append(out, unitSheetFile{Unit: u, Path: path, Items: len(sh.Items)})
			progress(i+1, len(units))
		}
		return out, nil
	}, func(fs []unitSheetFile, err error) {
		cs.lastSheets = fs
		if err != nil {
			cs.showCouncilError(err)
			return
		}
		st.info(plain(st.T("council.sheets.export")), st.Tf("council.sheets.done", len(fs), dir))
	})
}

// importExplanations records the explanations of answered unit sheets, each
// file on its own (exchange.ImportExplanations), then reloads the shared data.
func (cs *councilScreen) importExplanations(paths []string) {
	st := cs.st
	s, pid := st.db, st.period.ID
	sheetJob(st, "council.progress.expl", func(progress exchange.Progress) ([]explainResult, error) {
		out := make([]explainResult, 0, len(paths))
		for i, p := range paths {
			r := explainResult{File: p}
			f, err := os.Open(p)
			if err == nil {
				var sh *exchange.UnitSheet
				r.Report, sh, err = exchange.ImportExplanations(s, pid, f, filepath.Base(p))
				f.Close()
				if sh != nil {
					r.Unit = sh.Unit.Code
				}
			}
			r.Err = err
			out = append(out, r)
			progress(i+1, len(paths))
		}
		return out, nil
	}, func(rs []explainResult, err error) {
		cs.lastExpl = rs
		if err != nil {
			cs.showCouncilError(err)
			return
		}
		cs.showExplanations(rs)
		cs.changed()
	})
}

// explainOutcome says what importing one file did, in the user's language.
func explainOutcome(l Lang, r explainResult) (string, bool) {
	if r.Err != nil {
		return l.T("council.refused") + ": " + councilMessage(l, r.Err), false
	}
	return l.Tf("council.expl.counts", r.Unit, r.Report.Added+r.Report.Changed, r.Report.Unchanged), true
}

// exportSheetsDialog asks for the format and the folder of the unit sheets.
func (cs *councilScreen) exportSheetsDialog() {
	st := cs.st
	formats := []string{st.T("council.sheets.json"), st.T("council.sheets.csv")}
	radio := widget.NewRadioGroup(formats, nil)
	radio.Horizontal = true
	radio.SetSelected(formats[0])
	items := []*widget.FormItem{
		widget.NewFormItem("", note(st.T("council.sheets.note"))),
		widget.NewFormItem(st.T("council.sheets.format"), radio),
	}
	d := dialog.NewForm(plain(st.T("council.sheets.export")), st.T("council.sheets.choose"), st.T("btn.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		format := "json"
		if radio.Selected == formats[1] {
			format = "csv"
		}
		chooseFolder(st, func(u fyne.ListableURI) { cs.exportUnitSheets(u.Path(), format) })
	}, st.Win)
	d.Resize(fyne.NewSize(600, 260))
	d.Show()
}

// explanationsDialog gathers answered unit sheets (JSON or CSV) and imports them.
func (cs *councilScreen) explanationsDialog() {
	st := cs.st
	var paths []string
	count := widget.NewLabel("")
	list := widget.NewList(func() int { return len(paths) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*fyne.Container).Objects[0].(*widget.Label).SetText(filepath.Base(paths[i]))
		})
	add := func(p string) {
		for _, q := range paths {
			if q == p {
				return
			}
		}
		paths = append(paths, p)
		count.SetText(st.Tf("sheets.nfiles", len(paths)))
		list.Refresh()
	}
	count.SetText(st.Tf("sheets.nfiles", 0))
	addFile := widget.NewButtonWithIcon(st.T("sheets.addfile"), theme.FileIcon(), func() {
		chooseFile(st, []string{".json", ".csv"}, add)
	})
	top := container.NewVBox(note(st.T("council.expl.note")), container.NewHBox(addFile))
	body := container.NewBorder(top, count, nil, nil, list)
	d := dialog.NewCustomConfirm(plain(st.T("council.expl.import")), st.T("council.expl.do"), st.T("btn.cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		if len(paths) == 0 {
			st.info(plain(st.T("council.expl.import")), st.T("sheets.nofiles"))
			return
		}
		cs.importExplanations(paths)
	}, st.Win)
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}

// showExplanations lists what importing each answered sheet did.
func (cs *councilScreen) showExplanations(rs []explainResult) {
	st := cs.st
	lines := make([]fyne.CanvasObject, 0, 2*len(rs))
	for _, r := range rs {
		s, ok := explainOutcome(st.lang, r)
		l := wrapLabel(filepath.Base(r.File) + ": " + s)
		if ok {
			l.Importance = widget.SuccessImportance
		} else {
			l.Importance = widget.DangerImportance
		}
		lines = append(lines, l)
		if r.Err != nil {
			lines = append(lines, note(r.Err.Error()))
		}
	}
	lines = append(lines, note(st.T("council.expl.after")))
	d := dialog.NewCustom(plain(st.T("council.expl.import")), st.T("btn.close"), container.NewVScroll(container.NewVBox(lines...)), st.Win)
	d.Resize(fyne.NewSize(760, 380))
	d.Show()
}
