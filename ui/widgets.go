package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a data table.
type column struct {
	title string // translated
	width float32
	align fyne.TextAlign
}

// cellStyle is how one cell is drawn.
type cellStyle struct {
	bg    color.Color // nil: transparent
	bold  bool
	muted bool
	fg    widget.Importance
}

// tableSpec describes a virtualised table: only the visible cells exist.
type tableSpec struct {
	cols     []column
	rows     func() int
	text     func(r, c int) string
	style    func(r, c int) cellStyle // optional
	onSelect func(r int)              // optional
	onHeader func(c int)              // optional: headers become buttons (sorting)
	header   func(c int) string       // optional: header text (default cols[c].title)
	ncols    func() int               // optional: a varying number of columns (default len(cols))
}

func (s *tableSpec) colCount() int {
	if s.ncols != nil {
		return s.ncols()
	}
	return len(s.cols)
}

func (s *tableSpec) align(c int) fyne.TextAlign {
	if c < len(s.cols) {
		return s.cols[c].align
	}
	return fyne.TextAlignTrailing
}

// newTable builds a widget.Table from spec, with a sticky header row.
func newTable(spec *tableSpec) *widget.Table {
	t := widget.NewTable(
		func() (int, int) { return spec.rows(), spec.colCount() },
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(color.Transparent)
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(bg, l)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			s := o.(*fyne.Container)
			bg, l := s.Objects[0].(*canvas.Rectangle), s.Objects[1].(*widget.Label)
			if id.Row >= spec.rows() {
				l.SetText("")
				return
			}
			var cs cellStyle
			if spec.style != nil {
				cs = spec.style(id.Row, id.Col)
			}
			if cs.bg != nil {
				bg.FillColor = cs.bg
			} else {
				bg.FillColor = color.Transparent
			}
			bg.Refresh()
			l.Alignment = spec.align(id.Col)
			l.TextStyle = fyne.TextStyle{Bold: cs.bold}
			l.Importance = cs.fg
			if cs.muted {
				l.Importance = widget.LowImportance
			}
			l.SetText(spec.text(id.Row, id.Col))
		})
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		if spec.onHeader != nil {
			b := widget.NewButton("", nil)
			b.Importance = widget.LowImportance
			b.Alignment = widget.ButtonAlignLeading
			return container.NewStack(canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground)), b)
		}
		l := widget.NewLabel("")
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewStack(canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground)), l)
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col < 0 || id.Col >= spec.colCount() {
			return
		}
		text := ""
		if id.Col < len(spec.cols) {
			text = spec.cols[id.Col].title
		}
		if spec.header != nil {
			text = spec.header(id.Col)
		}
		s := o.(*fyne.Container)
		switch w := s.Objects[1].(type) {
		case *widget.Button:
			w.SetText(text)
			c := id.Col
			w.OnTapped = func() { spec.onHeader(c) }
		case *widget.Label:
			w.Alignment = spec.align(id.Col)
			w.SetText(text)
		}
	}
	for i, c := range spec.cols {
		t.SetColumnWidth(i, c.width)
	}
	if spec.onSelect != nil {
		t.OnSelected = func(id widget.TableCellID) {
			if id.Row >= 0 && id.Row < spec.rows() {
				spec.onSelect(id.Row)
			}
		}
	}
	return t
}

// title is a bold sub-heading label.
func title(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// note is a wrapping, muted label for explanations.
func note(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

// wrapLabel is a wrapping label.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// panel frames content on a white card with a thin border and an optional
// title.
func panel(heading string, content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(colWhite)
	bg.StrokeColor = colLine
	bg.StrokeWidth = 1
	bg.CornerRadius = 4
	if heading != "" {
		content = container.NewBorder(title(heading), nil, nil, nil, content)
	}
	return container.NewStack(bg, container.NewPadded(content))
}

// chip is a small figure: a caption above a bold value.
type chip struct {
	caption, value *canvas.Text
	box            fyne.CanvasObject
}

func newChip(caption string) *chip {
	c := &chip{caption: canvas.NewText(caption, colMuted), value: canvas.NewText("—", colInk)}
	c.caption.TextSize = 12
	c.value.TextSize = 18
	c.value.TextStyle = fyne.TextStyle{Bold: true}
	bg := canvas.NewRectangle(colPanel)
	bg.CornerRadius = 4
	c.box = container.NewStack(bg, container.NewPadded(container.NewVBox(c.caption, c.value)))
	return c
}

func (c *chip) set(v string, col color.Color) {
	c.value.Text = v
	if col == nil {
		col = colInk
	}
	c.value.Color = col
	c.value.Refresh()
}

// loading is the panel a screen shows while its data loads.
func loading(st *State) fyne.CanvasObject {
	a := widget.NewActivity()
	a.Start()
	return container.NewCenter(container.NewVBox(a, widget.NewLabel(st.T("loading"))))
}

// emptyState is a centred message for a screen with nothing to show.
func emptyState(icon fyne.Resource, text string) fyne.CanvasObject {
	img := widget.NewIcon(icon)
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Alignment = fyne.TextAlignCenter
	box := container.NewVBox(container.NewCenter(container.NewGridWrap(fyne.NewSize(48, 48), img)), l)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(520, 160), box))
}

// fixedWidth gives an object a minimum width.
func fixedWidth(w float32, o fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(r, o)
}

// toolbarRow lays objects out left to right with a spacer before the right ones.
func toolbarRow(left []fyne.CanvasObject, right ...fyne.CanvasObject) fyne.CanvasObject {
	objs := append([]fyne.CanvasObject{}, left...)
	objs = append(objs, layout.NewSpacer())
	objs = append(objs, right...)
	return container.NewHBox(objs...)
}

// swap replaces the content of a stack container.
func swap(c *fyne.Container, o fyne.CanvasObject) {
	c.Objects = []fyne.CanvasObject{o}
	c.Refresh()
}

// ellipsis shortens s with "…" so that it fits width at the text size.
func ellipsis(s string, size float32, style fyne.TextStyle, width float32) string {
	if fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi { // the longest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

// thinBar is a 4-pixel progress line: navy while in progress, green when done.
type thinBar struct {
	widget.BaseWidget
	frac float32
	done bool
}

func newThinBar() *thinBar {
	b := &thinBar{}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws the track and the filled part.
func (b *thinBar) CreateRenderer() fyne.WidgetRenderer {
	track := canvas.NewRectangle(colLine)
	fill := canvas.NewRectangle(colNavy)
	track.CornerRadius, fill.CornerRadius = 2, 2
	return &thinBarRenderer{b: b, track: track, fill: fill}
}

type thinBarRenderer struct {
	b           *thinBar
	track, fill *canvas.Rectangle
}

func (r *thinBarRenderer) Layout(s fyne.Size) {
	r.track.Resize(s)
	f := r.b.frac
	if f < 0 {
		f = 0
	} else if f > 1 {
		f = 1
	}
	r.fill.Resize(fyne.NewSize(s.Width*f, s.Height))
}
func (r *thinBarRenderer) MinSize() fyne.Size { return fyne.NewSize(20, 4) }
func (r *thinBarRenderer) Refresh() {
	if r.b.done {
		r.fill.FillColor = colSuccess
	} else {
		r.fill.FillColor = colNavy
	}
	r.Layout(r.b.Size())
	r.track.Refresh()
	r.fill.Refresh()
}
func (r *thinBarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.track, r.fill} }
func (r *thinBarRenderer) Destroy()                     {}
