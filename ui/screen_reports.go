package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/assets"
	"parindex/index"
	"parindex/report"
	"parindex/sign"
)

// reportKeys are the report header settings the screen edits, in order.
var reportKeys = []string{report.KeyIssuingBody, report.KeyParentBody, report.KeyNumber, report.KeyPlace,
	report.KeyDate, report.KeySignerAuthority, report.KeySignerTitle, report.KeySignerName,
	report.KeyRecipients, report.KeyOpening, report.KeySummary}

// multiLineKeys are edited in multi-line entries.
var multiLineKeys = map[string]bool{report.KeyRecipients: true, report.KeyOpening: true}

// reportsScreen edits the report header, exports the PDF reports, signs
// PDF files and verifies their signatures.
type reportsScreen struct {
	st      *State
	root    *fyne.Container
	entries map[string]*widget.Entry
	model   *Model
	unitSel *widget.Select
	memSel  *widget.Select
	units   []index.Unit
	members []index.CouncilMember
}

func newReportsScreen(st *State) fyne.CanvasObject { return newReports(st).root }

func newReports(st *State) *reportsScreen {
	rp := &reportsScreen{st: st, root: container.NewStack(loading(st)), entries: map[string]*widget.Entry{}}
	type loaded struct {
		m   *Model
		set map[string]string
	}
	c, pid := st.council, st.period.ID
	run(st, func() (loaded, error) {
		m, err := st.loadModel()
		if err != nil {
			return loaded{}, err
		}
		set, err := c.PeriodSettings(pid)
		return loaded{m, set}, err
	}, func(l loaded, err error) {
		if err != nil {
			swap(rp.root, modelError(st, err))
			return
		}
		rp.model = l.m
		rp.build(l.set)
	})
	return rp
}

// setting reads a key as report.ParseSettings does: the plain key wins
// over the "report." prefixed one.
func setting(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return m["report."+k]
}

func (rp *reportsScreen) build(set map[string]string) {
	st := rp.st
	form := widget.NewForm()
	for _, k := range reportKeys {
		var e *widget.Entry
		if multiLineKeys[k] {
			e = widget.NewMultiLineEntry()
			e.SetMinRowsVisible(4)
			e.Wrapping = fyne.TextWrapWord
		} else {
			e = widget.NewEntry()
		}
		e.SetText(setting(set, k))
		e.SetPlaceHolder(st.T("rep.ph." + k))
		rp.entries[k] = e
		form.Append(st.T("rep.key."+k), e)
	}
	save := widget.NewButtonWithIcon(st.T("rep.savesettings"), theme.DocumentSaveIcon(), rp.saveSettings)
	save.Importance = widget.HighImportance
	if !st.periodOpen() || st.role != RoleSecretary {
		save.Disable()
	}
	settings := panel(st.T("rep.settings"), container.NewBorder(nil, container.NewHBox(save), nil, nil,
		container.NewVScroll(form)))

	for _, u := range rp.model.Snap.Units {
		if u.Active {
			rp.units = append(rp.units, u)
		}
	}
	unames := make([]string, len(rp.units))
	for i, u := range rp.units {
		unames[i] = u.Name
	}
	rp.unitSel = widget.NewSelect(unames, nil)
	rp.unitSel.PlaceHolder = st.T("rep.pickunit")
	rp.members = rp.model.Snap.Members
	mnames := make([]string, len(rp.members))
	for i, m := range rp.members {
		mnames[i] = memberLabel(st, m)
	}
	rp.memSel = widget.NewSelect(mnames, nil)
	rp.memSel.PlaceHolder = st.T("rep.pickmember")
	if st.me.ID != "" {
		for i, m := range rp.members {
			if m.ID == st.me.ID {
				rp.memSel.SetSelectedIndex(i)
			}
		}
	}
	btn := func(key string, icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon(st.T(key), icon, f)
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	exports := panel(st.T("rep.export"), container.NewVBox(
		btn("rep.summary", theme.DocumentPrintIcon(), func() { rp.export("summary", "") }),
		btn("rep.allsheets", theme.DocumentPrintIcon(), func() { rp.export("sheets", "") }),
		container.NewBorder(nil, nil, nil, btn("rep.onesheet", theme.DocumentPrintIcon(), func() {
			if i := rp.unitSel.SelectedIndex(); i >= 0 {
				rp.export("sheet", rp.units[i].Code)
			} else {
				st.info(st.T("rep.export"), st.T("rep.pickunit"))
			}
		}), rp.unitSel),
		container.NewBorder(nil, nil, nil, btn("rep.membersheet", theme.DocumentPrintIcon(), func() {
			if i := rp.memSel.SelectedIndex(); i >= 0 {
				rp.export("member", rp.members[i].ID)
			} else {
				st.info(st.T("rep.export"), st.T("rep.pickmember"))
			}
		}), rp.memSel),
		note(st.T("rep.export.note")),
	))
	signing := panel(st.T("rep.signing"), container.NewVBox(
		btn("rep.sign", theme.ConfirmIcon(), rp.signDialog),
		btn("rep.verify", theme.SearchIcon(), rp.verifyDialog),
		btn("rep.democert", theme.WarningIcon(), rp.demoCertDialog),
		note(st.T("rep.signing.note")),
	))
	right := container.NewVScroll(container.NewVBox(exports, signing))
	grid := container.NewGridWithColumns(2, settings, right)
	swap(rp.root, container.NewBorder(title(st.T("nav.reports")), nil, nil, nil, grid))
}

// saveSettings stores the header settings; an empty field removes its key.
func (rp *reportsScreen) saveSettings() {
	st := rp.st
	m := map[string]string{}
	for _, k := range reportKeys {
		m[k] = strings.TrimSpace(rp.entries[k].Text)
		m["report."+k] = "" // the plain key replaces the older prefixed one
	}
	if _, err := report.ParseSettings(m); err != nil {
		st.showError(err)
		return
	}
	c, pid := st.council, st.period.ID
	withProgress(st, "progress.saving", func() (struct{}, error) { return struct{}{}, c.SetPeriodSettings(pid, m) },
		func(struct{}) { st.info(st.T("rep.settings"), st.T("rep.saved")) })
}

// input gathers what a report is built from (off the UI goroutine).
func (rp *reportsScreen) input() (report.Input, error) {
	st := rp.st
	m, err := st.loadModel()
	if err != nil {
		return report.Input{}, err
	}
	c := st.council
	set, err := c.PeriodSettings(m.Period.ID)
	if err != nil {
		return report.Input{}, err
	}
	s, err := report.ParseSettings(set)
	if err != nil {
		return report.Input{}, err
	}
	head, err := c.AuditHead()
	if err != nil {
		return report.Input{}, err
	}
	return report.Input{Snapshot: m.Snap, Result: m.Res, Settings: s,
		Provenance: report.Provenance{ResultsDigest: report.ResultsDigest(m.Res), AuditHead: head}}, nil
}

// export renders one report to a PDF file the user chooses.
func (rp *reportsScreen) export(kind, arg string) {
	st := rp.st
	name := map[string]string{"summary": "bao-cao-tong-hop", "sheets": "phieu-diem-cac-don-vi",
		"sheet": "phieu-diem-" + arg, "member": "phieu-cham-" + arg}[kind]
	chooseSave(st, name+".pdf", []string{".pdf"}, func(path string) {
		withProgress(st, "progress.rendering", func() (int, error) {
			pdf, err := rp.render(kind, arg)
			if err != nil {
				return 0, err
			}
			return len(pdf), writeFile(path, pdf)
		}, func(n int) { st.info(st.T("rep.export"), st.Tf("rep.written", path, n/1024+1)) })
	})
}

// render builds a report's PDF (off the UI goroutine): the summary, every
// unit's sheet ("sheets"), one unit's sheet ("sheet", arg the unit) or a
// member's appraisal sheet ("member", arg the member).
func (rp *reportsScreen) render(kind, arg string) ([]byte, error) {
	in, err := rp.input()
	if err != nil {
		return nil, err
	}
	var doc *report.Document
	switch kind {
	case "summary":
		doc, err = report.Summary(in)
	case "sheets":
		doc, err = report.UnitSheets(in, nil)
	case "sheet":
		doc, err = report.UnitSheets(in, []string{arg})
	case "member":
		doc, err = report.MemberSheet(in, arg)
	default:
		err = fmt.Errorf("unknown report %q", kind)
	}
	if err != nil {
		return nil, err
	}
	fonts, err := report.LoadFonts(assets.Fonts, "fonts")
	if err != nil {
		return nil, err
	}
	return report.Render(doc, fonts)
}

// fileField is a row with a chosen file's name and a button to choose it.
type fileField struct {
	path  string
	label *widget.Label
	box   fyne.CanvasObject
}

func newFileField(st *State, exts []string) *fileField {
	f := &fileField{label: widget.NewLabel(st.T("rep.nofile"))}
	f.label.Truncation = fyne.TextTruncateEllipsis
	b := widget.NewButtonWithIcon(st.T("rep.choose"), theme.FolderOpenIcon(), func() {
		chooseFile(st, exts, func(p string) {
			f.path = p
			f.label.SetText(filepath.Base(p))
		})
	})
	f.box = container.NewBorder(nil, nil, nil, b, f.label)
	return f
}

func readOptional(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	return os.ReadFile(path)
}

// signDialog signs a PDF with a PKCS#12 certificate. The password is never stored.
func (rp *reportsScreen) signDialog() {
	st := rp.st
	pdf := newFileField(st, []string{".pdf"})
	p12 := newFileField(st, []string{".p12", ".pfx"})
	img := newFileField(st, []string{".png", ".jpg", ".jpeg"})
	seal := newFileField(st, []string{".png"})
	pass := widget.NewPasswordEntry()
	reason := widget.NewEntry()
	reason.SetText(st.T("rep.sign.defaultreason"))
	place := widget.NewEntry()
	place.SetText(setting(map[string]string{}, report.KeyPlace))
	if e := rp.entries[report.KeyPlace]; e != nil {
		place.SetText(e.Text)
	}
	items := []*widget.FormItem{
		widget.NewFormItem(st.T("rep.sign.pdf"), pdf.box),
		widget.NewFormItem(st.T("rep.sign.p12"), p12.box),
		widget.NewFormItem(st.T("rep.sign.password"), pass),
		widget.NewFormItem(st.T("rep.sign.image"), img.box),
		widget.NewFormItem(st.T("rep.sign.seal"), seal.box),
		widget.NewFormItem(st.T("rep.sign.reason"), reason),
		widget.NewFormItem(st.T("rep.sign.place"), place),
	}
	d := dialog.NewForm(st.T("rep.sign"), st.T("rep.sign.do"), st.T("btn.cancel"), items, func(ok bool) {
		password := pass.Text
		pass.SetText("")
		if !ok {
			return
		}
		if pdf.path == "" || p12.path == "" {
			st.info(st.T("rep.sign"), st.T("rep.sign.need"))
			return
		}
		out := strings.TrimSuffix(pdf.path, filepath.Ext(pdf.path)) + "-da-ky.pdf"
		chooseSave(st, filepath.Base(out), []string{".pdf"}, func(path string) {
			a := sign.Appearance{Reason: reason.Text, Location: place.Text}
			withProgress(st, "progress.signing", func() (struct{}, error) {
				in, err := os.ReadFile(pdf.path)
				if err != nil {
					return struct{}{}, err
				}
				pb, err := os.ReadFile(p12.path)
				if err != nil {
					return struct{}{}, err
				}
				signer, err := sign.LoadPKCS12(pb, password)
				if err != nil {
					return struct{}{}, err
				}
				if a.Image, err = readOptional(img.path); err != nil {
					return struct{}{}, err
				}
				if a.Seal, err = readOptional(seal.path); err != nil {
					return struct{}{}, err
				}
				a.Page, a.Rect = stampPlacement(in)
				signed, err := sign.Sign(in, signer, a, time.Time{})
				if err != nil {
					return struct{}{}, err
				}
				return struct{}{}, writeFile(path, signed)
			}, func(struct{}) { st.info(st.T("rep.sign"), st.Tf("rep.signed", path)) })
		})
	}, st.Win)
	d.Resize(fyne.NewSize(640, 460))
	d.Show()
}

// stampPlacement is where the stamp of a new signature on pdf goes: the
// report's signature block for its first signature (report.StampPlacement,
// as on the command line), else the zero page and box, which sign.Sign places
// in the lower right of the last page.
func stampPlacement(pdf []byte) (int, [4]float64) {
	infos, err := sign.Verify(pdf, nil)
	if err != nil {
		return 0, [4]float64{} // sign.Sign will say what is wrong with the file
	}
	if page, rect, ok := report.StampPlacement(pdf, len(infos)); ok {
		return page, rect
	}
	return 0, [4]float64{}
}

// verifyDialog checks every signature of a PDF.
func (rp *reportsScreen) verifyDialog() {
	st := rp.st
	pdf := newFileField(st, []string{".pdf"})
	ca := newFileField(st, []string{".pem", ".crt"})
	items := []*widget.FormItem{
		widget.NewFormItem(st.T("rep.sign.pdf"), pdf.box),
		widget.NewFormItem(st.T("rep.verify.ca"), ca.box),
	}
	d := dialog.NewForm(st.T("rep.verify"), st.T("rep.verify.do"), st.T("btn.cancel"), items, func(ok bool) {
		if !ok || pdf.path == "" {
			return
		}
		withProgress(st, "progress.verifying", func() ([]sign.SignatureInfo, error) {
			b, err := os.ReadFile(pdf.path)
			if err != nil {
				return nil, err
			}
			extra, err := readOptional(ca.path)
			if err != nil {
				return nil, err
			}
			roots, err := sign.ParseCertificatesPEM(extra)
			if err != nil && len(extra) > 0 {
				return nil, err
			}
			return sign.Verify(b, roots)
		}, func(infos []sign.SignatureInfo) { rp.showSignatures(filepath.Base(pdf.path), infos) })
	}, st.Win)
	d.Resize(fyne.NewSize(600, 240))
	d.Show()
}

func (rp *reportsScreen) showSignatures(name string, infos []sign.SignatureInfo) {
	st := rp.st
	if len(infos) == 0 {
		st.info(st.T("rep.verify"), st.Tf("rep.verify.none", name))
		return
	}
	yes := func(b bool) string {
		if b {
			return "✔ " + st.T("yes")
		}
		return "✘ " + st.T("no")
	}
	t := newTable(&tableSpec{
		cols: []column{
			{st.T("rep.v.signer"), 190, fyne.TextAlignLeading},
			{st.T("rep.v.time"), 170, fyne.TextAlignLeading},
			{st.T("rep.v.valid"), 90, fyne.TextAlignLeading},
			{st.T("rep.v.trusted"), 90, fyne.TextAlignLeading},
			{st.T("rep.v.whole"), 110, fyne.TextAlignLeading},
			{st.T("rep.v.problems"), 320, fyne.TextAlignLeading},
		},
		rows: func() int { return len(infos) },
		text: func(r, c int) string {
			s := infos[r]
			switch c {
			case 0:
				if s.Org != "" {
					return s.Signer + " (" + s.Org + ")"
				}
				return s.Signer
			case 1:
				if s.Time.IsZero() {
					return "—"
				}
				return s.Time.In(sign.ICT).Format("2006-01-02 15:04:05 -07:00")
			case 2:
				return yes(s.Valid)
			case 3:
				return yes(s.Trusted)
			case 4:
				return yes(s.CoversWholeFile)
			case 5:
				return strings.Join(s.Problems, "; ")
			}
			return ""
		},
		style: func(r, c int) cellStyle {
			s := infos[r]
			ok := map[int]bool{2: s.Valid, 3: s.Trusted, 4: s.CoversWholeFile}
			if v, has := ok[c]; has {
				if v {
					return cellStyle{fg: widget.SuccessImportance, bold: true}
				}
				return cellStyle{fg: widget.DangerImportance, bold: true}
			}
			return cellStyle{}
		},
	})
	d := dialog.NewCustom(st.Tf("rep.verify.title", name), st.T("btn.close"),
		container.NewBorder(note(st.T("rep.verify.note")), nil, nil, nil, t), st.Win)
	d.Resize(fyne.NewSize(1000, 320))
	d.Show()
}

// demoCertDialog makes an untrusted test certificate for trying signing out.
func (rp *reportsScreen) demoCertDialog() {
	st := rp.st
	name := widget.NewEntry()
	org := widget.NewEntry()
	if st.me.ID != "" {
		name.SetText(st.me.Name)
		org.SetText(st.me.Organisation)
	}
	pass := widget.NewPasswordEntry()
	warn := widget.NewLabel(st.T("rep.democert.warn"))
	warn.Importance = widget.WarningImportance
	warn.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("", warn),
		widget.NewFormItem(st.T("rep.democert.name"), name),
		widget.NewFormItem(st.T("rep.democert.org"), org),
		widget.NewFormItem(st.T("rep.sign.password"), pass),
	}
	d := dialog.NewForm(st.T("rep.democert"), st.T("rep.democert.do"), st.T("btn.cancel"), items, func(ok bool) {
		password := pass.Text
		pass.SetText("")
		if !ok {
			return
		}
		if strings.TrimSpace(name.Text) == "" || password == "" {
			st.info(st.T("rep.democert"), st.T("rep.democert.need"))
			return
		}
		chooseSave(st, "chung-thu-thu-nghiem.p12", []string{".p12"}, func(path string) {
			ca := strings.TrimSuffix(path, filepath.Ext(path)) + "-ca.pem"
			withProgress(st, "progress.cert", func() (struct{}, error) {
				p12, caPEM, err := sign.DemoCertificate(name.Text, org.Text, sign.RSA2048, password, time.Now())
				if err != nil {
					return struct{}{}, err
				}
				if err := writeFile(path, p12); err != nil {
					return struct{}{}, err
				}
				return struct{}{}, writeFile(ca, caPEM)
			}, func(struct{}) { st.info(st.T("rep.democert"), st.Tf("rep.democert.done", path, ca)) })
		})
	}, st.Win)
	d.Resize(fyne.NewSize(560, 340))
	d.Show()
}
