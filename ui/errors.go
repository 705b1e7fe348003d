package ui

import (
	"errors"
	"io/fs"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"parindex/data"
	"parindex/index"
)

// explained is an error said in the user's language: what happened, what to
// do, and the program's own words for the record.
type explained struct {
	Title  string
	Msg    string
	Detail string
}

// explain turns any error into a message in the user's language. It knows
// the store's errors (busy, finalised, invalid, not found, not a council
// file, newer schema), refused scores and refused batches; anything else is
// shown as an unexpected error with its text as the detail.
func explain(l Lang, err error) explained {
	if err == nil {
		return explained{}
	}
	e := explained{Title: l.T("err.title"), Detail: err.Error()}
	var se *index.ScoreError
	var be *data.BatchError
	var ie *data.ItemError
	switch {
	case errors.As(err, &se):
		e.Msg = scoreMessage(l, se) + "\n" + l.T("err.score.do")
	case errors.As(err, &be):
		first := ""
		if len(be.Items) > 0 {
			first = itemMessage(l, be.Items[0])
		}
		e.Msg = l.Tf("err.batch", be.Count) + "\n" + first + "\n" + l.T("err.batch.do")
	case errors.Is(err, data.ErrBusy):
		e.Msg = l.T("err.busy")
	case errors.Is(err, data.ErrFinalized):
		e.Msg = l.T("err.finalized")
	case errors.Is(err, data.ErrNewerSchema):
		e.Msg = l.T("err.newer")
	case errors.Is(err, data.ErrNotDatabase):
		e.Msg = l.T("err.notdb")
	case errors.As(err, &ie):
		e.Msg = itemMessage(l, ie) + "\n" + l.T("err.invalid.do")
	case errors.Is(err, data.ErrInvalid):
		e.Msg = invalidMessage(l, err.Error())
	case errors.Is(err, data.ErrNotFound):
		e.Msg = l.T("err.notfound")
	case errors.Is(err, fs.ErrPermission):
		e.Msg = l.T("err.permission")
	case errors.Is(err, fs.ErrNotExist):
		e.Msg = l.T("err.notexist")
	case strings.Contains(err.Error(), "pkcs12"):
		e.Msg = l.T("err.pkcs12")
	case strings.Contains(err.Error(), "document date is not set") || strings.Contains(err.Error(), "is not a date"):
		e.Msg = l.T("err.reportdate")
	case strings.Contains(err.Error(), "read pdf"):
		e.Msg = l.T("err.pdf")
	case strings.Contains(err.Error(), "framework file") || strings.Contains(err.Error(), "framework "):
		e.Msg = l.T("err.framework")
	default:
		e.Msg = l.T("err.unexpected")
	}
	return e
}

// scoreMessage says why a score was refused, in the user's language.
func scoreMessage(l Lang, se *index.ScoreError) string {
	switch se.Kind {
	case index.ScoreNegative:
		return l.Tf("score.negative", l.pts(se.Value))
	case index.ScoreAboveMax:
		return l.Tf("score.abovemax", l.pts(se.Value), l.pts(se.Max))
	default:
		return l.Tf("score.offstep", l.pts(se.Value), l.pts(se.Step))
	}
}

// itemMessage says which item of a change was refused and why.
func itemMessage(l Lang, ie *data.ItemError) string {
	var se *index.ScoreError
	why := ""
	switch {
	case errors.As(ie.Err, &se):
		why = scoreMessage(l, se)
	case strings.Contains(ie.Err.Error(), "reason is required"):
		why = l.T("score.needreason")
	case errors.Is(ie.Err, data.ErrNotFound):
		why = l.T("err.notfound")
	default:
		why = invalidMessage(l, ie.Err.Error())
	}
	var where []string
	if ie.Unit != "" {
		where = append(where, l.T("col.unit")+" "+ie.Unit)
	}
	if ie.Criterion != "" {
		where = append(where, l.T("col.criterion")+" "+ie.Criterion)
	}
	if ie.Member != "" {
		where = append(where, l.T("col.member")+" "+ie.Member)
	}
	if len(where) == 0 {
		return why
	}
	return strings.Join(where, ", ") + ": " + why
}

// invalidMessage recognises the store's common refusals.
func invalidMessage(l Lang, msg string) string {
	switch {
	case strings.Contains(msg, "reason is required") && strings.Contains(msg, "self-assessment"):
		return l.T("score.needreason")
	case strings.Contains(msg, "a reason is required"):
		return l.T("err.needreason")
	case strings.Contains(msg, "votes"):
		return l.T("err.votes")
	case strings.Contains(msg, "already exists"):
		return l.T("err.exists")
	case strings.Contains(msg, "already have scores") || strings.Contains(msg, "has scores"):
		return l.T("err.hasscores")
	case strings.Contains(msg, "already saved with different content"):
		return l.T("err.fwversion")
	}
	return l.T("err.invalid") + "\n" + l.T("err.invalid.do")
}

// pts prints points in the language's way.
func (l Lang) pts(p index.Points) string {
	if l == English {
		return p.Short()
	}
	return strings.Replace(p.Short(), ".", ",", 1)
}

// showError shows err as a dialog in the user's language. Call it on the UI
// goroutine.
func (st *State) showError(err error) {
	if err == nil {
		return
	}
	e := explain(st.lang, err)
	msg := widget.NewLabel(e.Msg)
	msg.Wrapping = fyne.TextWrapWord
	detail := widget.NewLabel(e.Detail)
	detail.Wrapping = fyne.TextWrapWord
	detail.SizeName = theme.SizeNameCaptionText
	detail.Importance = widget.LowImportance
	acc := widget.NewAccordion(widget.NewAccordionItem(st.T("err.details"), container.NewVScroll(detail)))
	body := container.NewBorder(msg, nil, nil, nil, acc)
	d := dialog.NewCustom(e.Title, st.T("btn.close"), body, st.Win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// info shows a message dialog; title and msg are already translated.
func (st *State) info(title, msg string) {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, st.T("btn.close"), l, st.Win)
	d.Resize(fyne.NewSize(520, 240))
	d.Show()
}
