package report

// This is the only file that imports the PDF library, so that moving to a
// fork of gofpdf changes one import line.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"parindex/index"
)

// Layout constants (millimetres and points) from Nghị định 30/2020/NĐ-CP.
const (
	fontFamily   = "LiberationSerif"
	mmPerPt      = 25.4 / 72
	marginTop    = 20.0
	marginBottom = 20.0
	marginLeft   = 30.0
	marginRight  = 15.0
	bodySize     = 13.0
	indentFirst  = 12.7 // first-line indent, 1.27 cm
	tableSize    = 11.0
)

// Render lays a Document out as PDF bytes: A4, margins 20/20/30/15 mm,
// Liberation Serif embedded, page numbers centred in the top margin from page
// 2, the provenance in the last page's footer and in the Keywords, followed
// there by the signature block's stamp box (see SignatureBox). The output is
// reproducible byte for byte: the creation and modification dates are the
// document's date and the catalogs are sorted.
func Render(doc *Document, fonts Fonts) ([]byte, error) {
	if doc == nil {
		return nil, errors.New("render: no document")
	}
	fonts, err := fonts.complete()
	if err != nil {
		return nil, err
	}
	if err := checkProvenance(doc.Provenance); err != nil {
		return nil, err
	}
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	date := doc.Date
	if date.IsZero() {
		date = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetTitle(nfc(doc.Title), true)
	pdf.SetSubject(nfc(doc.Subject), true)
	pdf.SetAuthor(nfc(doc.Author), true)
	pdf.SetCreator("parindex", false)
	pdf.SetProducer("parindex report (gofpdf)", false)
	pdf.AddUTF8FontFromBytes(fontFamily, "", fonts.Regular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", fonts.Bold)
	pdf.AddUTF8FontFromBytes(fontFamily, "I", fonts.Italic)
	pdf.AddUTF8FontFromBytes(fontFamily, "BI", fonts.BoldItalic)
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(false, marginBottom)
	pdf.SetCellMargin(0)
	pdf.SetLineWidth(0.2)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetTextColor(0, 0, 0)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	r := &renderer{pdf: pdf, doc: doc}
	pdf.SetHeaderFuncMode(r.pageHeader, false)
	for _, sec := range doc.Sections {
		r.orient = sec.Orientation
		r.newPage()
		for i := range sec.Blocks {
			r.block(&sec.Blocks[i])
			if err := pdf.Error(); err != nil {
				return nil, fmt.Errorf("render: %w", err)
			}
		}
	}
	if pdf.PageNo() == 0 {
		r.orient = Portrait
		r.newPage()
	}
	r.provenanceFooter()
	// The Keywords are written when the file is output, so they can name the
	// signature box drawn above.
	if k := keywords(doc.Provenance, r.sigBox); k != "" {
		pdf.SetKeywords(k, false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return buf.Bytes(), nil
}

// renderer lays blocks out one after the other, breaking pages itself.
type renderer struct {
	pdf    *gofpdf.Fpdf
	doc    *Document
	orient Orientation
	pageW  float64
	pageH  float64
	y      float64 // the current position
	sigBox sigBox  // the blank space of the last signature block drawn
}

func (r *renderer) left() float64   { return marginLeft }
func (r *renderer) right() float64  { return r.pageW - marginRight }
func (r *renderer) width() float64  { return r.right() - r.left() }
func (r *renderer) bottom() float64 { return r.pageH - marginBottom }

// newPage starts a page of the current orientation.
func (r *renderer) newPage() {
	o := "P"
	if r.orient == Landscape {
		o = "L"
	}
	r.pdf.AddPageFormat(o, gofpdf.SizeType{Wd: 210, Ht: 297})
	r.pageW, r.pageH = r.pdf.GetPageSize()
	r.y = marginTop
}

// ensure starts a new page unless h millimetres fit above the bottom margin.
func (r *renderer) ensure(h float64) {
	if r.y+h > r.bottom() && r.y > marginTop+0.01 {
		r.newPage()
	}
}

// pageHeader prints the page number centred in the top margin from page 2.
func (r *renderer) pageHeader() {
	n := r.pdf.PageNo()
	if !r.doc.PageNumbers || n < 2 {
		return
	}
	w, _ := r.pdf.GetPageSize()
	r.font("", 13)
	r.pdf.SetXY(marginLeft, 8)
	r.pdf.CellFormat(w-marginLeft-marginRight, 6, strconv.Itoa(n), "", 0, "C", false, 0, "")
}

// provenanceFooter prints the provenance small at the foot of the last page.
func (r *renderer) provenanceFooter() {
	p := r.doc.Provenance
	var lines []string
	if p.ResultsDigest != "" {
		lines = append(lines, resultsPrefix+p.ResultsDigest)
	}
	if p.AuditHead != "" {
		lines = append(lines, auditPrefix+p.AuditHead)
	}
	if len(lines) == 0 {
		return
	}
	r.font("", 6.5)
	lh := 6.5 * mmPerPt * 1.2
	y := r.pageH - marginBottom + 6
	for _, l := range lines {
		r.pdf.SetXY(r.left(), y)
		r.pdf.CellFormat(r.width(), lh, l, "", 0, "L", false, 0, "")
		y += lh
	}
}

func (r *renderer) font(style string, size float64) { r.pdf.SetFont(fontFamily, style, size) }

// lineH is the line height of a font size with the given spacing factor.
func lineH(size, factor float64) float64 { return size * mmPerPt * factor }

func (r *renderer) textW(s string) float64 { return r.pdf.GetStringWidth(s) }

// put prints one line of text in a box of width w at (x, y).
func (r *renderer) put(x, y, w, h float64, s string, align Align) {
	a := "L"
	switch align {
	case AlignCenter:
		a = "C"
	case AlignRight:
		a = "R"
	case AlignJustify:
		if strings.Contains(strings.TrimSpace(s), " ") {
			a = "J"
		}
	}
	r.pdf.SetXY(x, y)
	r.pdf.CellFormat(w, h, s, "", 0, a, false, 0, "")
}

// wrap breaks text into lines no wider than w in the current font; the first
// line may be narrower (first). Explicit "\n" breaks lines.
func (r *renderer) wrap(text string, first, w float64) []string {
	text = nfc(text)
	var out []string
	space := r.textW(" ")
	avail := first
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			avail = w
			continue
		}
		line, lineW := "", 0.0
		flush := func() {
			out = append(out, line)
			line, lineW = "", 0
			avail = w
		}
		for _, word := range words {
			ww := r.textW(word)
			if line != "" && lineW+space+ww <= avail {
				line += " " + word
				lineW += space + ww
				continue
			}
			if line != "" {
				flush()
			}
			for ww > avail && avail > 0 { // a word longer than the line: cut it
				runes := []rune(word)
				n := len(runes)
				for n > 1 && r.textW(string(runes[:n])) > avail {
					n--
				}
				line = string(runes[:n])
				flush()
				word = string(runes[n:])
				ww = r.textW(word)
			}
			line, lineW = word, ww
		}
		flush()
	}
	return out
}

// wrapBalanced wraps text into as few lines as wrap gives at width w, but
// with lines of even length (for centred headers and titles).
func (r *renderer) wrapBalanced(text string, w float64) []string {
	lines := r.wrap(text, w, w)
	if len(lines) < 2 {
		return lines
	}
	lo, hi := w/float64(len(lines)), w
	for k := 0; k < 12; k++ {
		mid := (lo + hi) / 2
		if len(r.wrap(text, mid, mid)) == len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return r.wrap(text, hi, hi)
}

func (r *renderer) block(b *Block) {
	switch {
	case b.Header != nil:
		r.header(b.Header)
	case b.AppendixHeader != nil:
		r.appendixHeader(b.AppendixHeader)
	case b.Title != nil:
		r.title(b.Title)
	case b.Heading != nil:
		r.heading(b.Heading)
	case b.Paragraph != nil:
		r.paragraph(b.Paragraph)
	case b.Table != nil:
		r.table(b.Table)
	case b.Chart != nil:
		r.chart(b.Chart)
	case b.Signature != nil:
		r.signature(b.Signature)
	case b.PageBreak:
		r.newPage()
	}
}

// header prints the two-column header of an administrative document.
func (r *renderer) header(h *Header) {
	const capSize, mottoSize, lineSize = 12.0, 13.0, 13.0
	// Right column: as wide as its widest line, against the right margin.
	r.font("B", capSize)
	rw := r.textW(nfc(h.Nation))
	r.font("B", mottoSize)
	mottoW := r.textW(nfc(h.Motto))
	rw = math.Max(rw, mottoW)
	r.font("I", lineSize)
	rw = math.Max(rw, r.textW(nfc(h.PlaceDate))) + 4
	rx := r.right() - rw
	lx := r.left() - 10 // the left column may reach into the wide binding margin
	lw := rx - lx - 4
	if lw < 60 {
		lx, lw = r.left(), rx-r.left()-2
	}
	top := r.y

	// Left: parent body, issuing body, short rule.
	y := top
	lhCap := lineH(capSize, 1.2)
	if h.ParentBody != "" {
		r.font("", capSize)
		for _, l := range r.wrapBalanced(h.ParentBody, lw) {
			r.put(lx, y, lw, lhCap, l, AlignCenter)
			y += lhCap
		}
	}
	r.font("B", capSize)
	issuing := r.wrapBalanced(h.IssuingBody, lw)
	widest := 0.0
	for _, l := range issuing {
		r.put(lx, y, lw, lhCap, l, AlignCenter)
		widest = math.Max(widest, r.textW(l))
		y += lhCap
	}
	ruleW := math.Max(widest/3, 18)
	cx := lx + lw/2
	r.pdf.SetLineWidth(0.3)
	r.pdf.Line(cx-ruleW/2, y+0.6, cx+ruleW/2, y+0.6)
	leftBottom := y + 0.6

	// Right: nation, motto with a rule as long as the text.
	y = top
	r.font("B", capSize)
	r.put(rx, y, rw, lhCap, h.Nation, AlignCenter)
	y += lhCap
	r.font("B", mottoSize)
	lhM := lineH(mottoSize, 1.2)
	r.put(rx, y, rw, lhM, h.Motto, AlignCenter)
	y += lhM
	mx := rx + rw/2
	r.pdf.Line(mx-mottoW/2, y+0.3, mx+mottoW/2, y+0.3)
	r.pdf.SetLineWidth(0.2)
	rightBottom := y + 0.3

	// Number (left) and place and date (right) level with each other.
	y = math.Max(leftBottom, rightBottom) + 3.5
	lh := lineH(lineSize, 1.25)
	if h.Number != "" {
		r.font("", lineSize)
		r.put(lx, y, lw, lh, h.Number, AlignCenter)
	}
	r.font("I", lineSize)
	r.put(rx, y, rw, lh, h.PlaceDate, AlignCenter)
	r.y = y + lh + 6
}

// appendixHeader prints its lines top right in 10 pt, the first bold.
func (r *renderer) appendixHeader(a *AppendixHeader) {
	lh := lineH(10, 1.25)
	for i, l := range a.Lines {
		style := ""
		if i == 0 {
			style = "B"
		}
		r.font(style, 10)
		r.put(r.left(), r.y, r.width(), lh, l, AlignRight)
		r.y += lh
	}
	r.y += 4
}

// title prints the document type, the summary line with a rule under it and
// an optional italic line, centred.
func (r *renderer) title(t *Title) {
	lh := lineH(14, 1.25)
	w := math.Min(r.width(), 150)
	if r.orient == Landscape {
		w = math.Min(r.width(), 210)
	}
	x := r.left() + (r.width()-w)/2
	r.ensure(3 * lh)
	r.font("B", 14)
	r.put(r.left(), r.y, r.width(), lh, t.Type, AlignCenter)
	r.y += lh
	widest := 0.0
	for _, s := range t.Summary {
		for _, l := range r.wrapBalanced(s, w) {
			r.put(x, r.y, w, lh, l, AlignCenter)
			widest = math.Max(widest, r.textW(l))
			r.y += lh
		}
	}
	if len(t.Summary) > 0 {
		rw := widest * 0.4
		cx := r.left() + r.width()/2
		r.pdf.SetLineWidth(0.3)
		r.pdf.Line(cx-rw/2, r.y+1.2, cx+rw/2, r.y+1.2)
		r.pdf.SetLineWidth(0.2)
		r.y += 3
	}
	if t.Subtitle != "" {
		r.font("I", 13)
		for _, l := range r.wrapBalanced(t.Subtitle, w) {
			r.put(x, r.y, w, lh, l, AlignCenter)
			r.y += lh
		}
	}
	r.y += 4
}

// heading prints a body heading, keeping it with at least two lines of what
// follows.
func (r *renderer) heading(h *Heading) {
	style := "B"
	if h.Level >= 3 {
		style = "BI"
	}
	r.font(style, bodySize)
	lh := lineH(bodySize, 1.3)
	first := r.width() - indentFirst
	x := r.left() + indentFirst
	align := AlignLeft
	if h.Center {
		first, x, align = r.width(), r.left(), AlignCenter
	}
	lines := r.wrap(h.Text, first, r.width())
	r.y += 1.5
	r.ensure(float64(len(lines)+4) * lh)
	for i, l := range lines {
		if i == 0 {
			r.put(x, r.y, first, lh, l, align)
		} else {
			r.put(r.left(), r.y, r.width(), lh, l, align)
		}
		r.y += lh
	}
	r.y += 1
}

// paragraph prints body text, justified with a first-line indent by default.
func (r *renderer) paragraph(p *Paragraph) {
	size := p.Size
	if size == 0 {
		size = bodySize
	}
	style := ""
	if p.Bold {
		style += "B"
	}
	if p.Italic {
		style += "I"
	}
	r.font(style, size)
	lh := lineH(size, 1.3)
	align := p.Align
	if align == "" {
		align = AlignJustify
	}
	indent := 0.0
	if p.Indent {
		indent = indentFirst
	}
	lines := r.wrap(p.Text, r.width()-indent, r.width())
	for i, l := range lines {
		if r.y+lh > r.bottom() {
			r.newPage()
			r.font(style, size)
		}
		x, w := r.left(), r.width()
		if i == 0 {
			x, w = x+indent, w-indent
		}
		a := align
		if a == AlignJustify && i == len(lines)-1 {
			a = AlignLeft
		}
		r.put(x, r.y, w, lh, l, a)
		r.y += lh
	}
	r.y += 1.8
}

// cellLayout is a table cell wrapped into lines.
type cellLayout struct {
	x, w  float64
	lines []string
	align Align
	style string
	size  float64 // the font size, smaller than the table's when a word would not fit
}

// rowLayout is a table row wrapped into lines.
type rowLayout struct {
	cells []cellLayout
	lines int
}

const (
	cellPadX    = 1.0
	cellPadY    = 0.8
	minCellSize = 6.5
)

// layoutCell wraps a cell's text, shrinking the font (down to 6.5 pt) when
// its longest word would not fit the column.
func (r *renderer) layoutCell(text string, x, w float64, align Align, style string, size float64) cellLayout {
	cl := cellLayout{x: x, w: w, align: align, style: style, size: size}
	if text == "" {
		return cl
	}
	inner := w - 2*cellPadX
	r.font(style, size)
	longest := ""
	lw := 0.0
	for _, word := range strings.Fields(text) {
		if ww := r.textW(word); ww > lw {
			longest, lw = word, ww
		}
	}
	for lw > inner && cl.size > minCellSize {
		cl.size = math.Max(minCellSize, cl.size-0.5)
		r.font(style, cl.size)
		lw = r.textW(longest)
	}
	cl.lines = r.wrap(text, inner, inner)
	return cl
}

// drawCells draws lines [from, from+n) of a row's cells in a box of height h.
func (r *renderer) drawCells(cells []cellLayout, from, n int, h, lh float64, center bool) {
	for _, c := range cells {
		r.pdf.Rect(c.x, r.y, c.w, h, "D")
		r.font(c.style, c.size)
		top := r.y + cellPadY
		if center {
			top = r.y + (h-float64(len(c.lines))*lh)/2
		}
		for i := from; i < from+n && i < len(c.lines); i++ {
			r.put(c.x+cellPadX, top+float64(i-from)*lh, c.w-2*cellPadX, lh, c.lines[i], c.align)
		}
	}
}

// table prints a ruled table, repeating its header on every page. A table
// short enough to fit on one page is not split.
func (r *renderer) table(t *Table) {
	size := t.FontSize
	if size == 0 {
		size = tableSize
	}
	lh := lineH(size, 1.18)
	total := 0.0
	for _, c := range t.Columns {
		total += c.Width
	}
	if total <= 0 || len(t.Columns) == 0 {
		return
	}
	xs := make([]float64, len(t.Columns)+1)
	xs[0] = r.left()
	for i, c := range t.Columns {
		xs[i+1] = xs[i] + c.Width/total*r.width()
	}
	xs[len(t.Columns)] = r.right()

	// Header rows.
	var head []rowLayout
	headH := 0.0
	for _, row := range t.Header {
		var hr rowLayout
		col := 0
		hr.lines = 1
		for _, c := range row {
			span := max(c.Span, 1)
			end := min(col+span, len(t.Columns))
			if col >= end {
				break
			}
			cl := r.layoutCell(c.Text, xs[col], xs[end]-xs[col], AlignCenter, "B", size)
			hr.lines = max(hr.lines, len(cl.lines))
			hr.cells = append(hr.cells, cl)
			col = end
		}
		headH += float64(hr.lines)*lh + 2*cellPadY
		head = append(head, hr)
	}
	drawHead := func() {
		for _, hr := range head {
			h := float64(hr.lines)*lh + 2*cellPadY
			r.drawCells(hr.cells, 0, hr.lines, h, lh, true)
			r.y += h
		}
	}

	// Body rows.
	rows := make([]rowLayout, len(t.Rows))
	bodyH := 0.0
	for k, row := range t.Rows {
		style := ""
		switch row.Style {
		case RowGroup, RowSubtotal, RowTotal:
			style = "B"
		case RowItalic:
			style = "I"
		}
		var rl rowLayout
		if row.Style == RowGroup {
			text := ""
			if len(row.Cells) > 0 {
				text = row.Cells[0]
			}
			rl.cells = []cellLayout{r.layoutCell(text, r.left(), r.width(), AlignLeft, style, size)}
		} else {
			rl.cells = make([]cellLayout, len(t.Columns))
			for i, c := range t.Columns {
				align := c.Align
				if align == AlignJustify {
					align = AlignLeft
				}
				text := ""
				if i < len(row.Cells) {
					text = row.Cells[i]
				}
				rl.cells[i] = r.layoutCell(text, xs[i], xs[i+1]-xs[i], align, style, size)
			}
		}
		rl.lines = 1
		for _, c := range rl.cells {
			rl.lines = max(rl.lines, len(c.lines))
		}
		rows[k] = rl
		bodyH += float64(rl.lines)*lh + 2*cellPadY
	}

	pageRoom := r.bottom() - marginTop
	fresh := int((pageRoom - headH - 2*cellPadY) / lh) // lines a row may hold on a fresh page
	r.y += 1
	first := 0.0
	if len(rows) > 0 {
		first = float64(min(rows[0].lines, 4))*lh + 2*cellPadY
	}
	if headH+bodyH <= pageRoom*0.6 {
		r.ensure(headH + bodyH) // keep a short table on one page
	} else {
		r.ensure(headH + first)
	}
	drawHead()
	atTop := true // nothing but the header on this page yet
	for _, rl := range rows {
		n := rl.lines
		start := 0
		for start < n {
			avail := int((r.bottom() - r.y - 2*cellPadY) / lh)
			rest := n - start
			if !atTop && avail < rest && (rest <= fresh || avail < 3) {
				r.newPage()
				drawHead()
				atTop = true
				continue
			}
			k := max(1, min(rest, avail))
			h := float64(k)*lh + 2*cellPadY
			r.drawCells(rl.cells, start, k, h, lh, false)
			r.y += h
			start += k
			atTop = false
			if start < n {
				r.newPage()
				drawHead()
				atTop = true
			}
		}
	}
	r.y += 3
}

// chart draws a horizontal bar chart, splitting long lists over pages.
func (r *renderer) chart(c *BarChart) {
	const (
		labelSize = 9.0
		titleSize = 12.0
		markStrip = 7.0 // room above the bars for the marks' labels
		axisH     = 11.0
		minRowH   = 5.6
		valueW    = 13.0
		// labels wrap on up to three lines, then end in "…"
		maxLabelLines = 3
	)
	labelW := 58.0
	if r.orient == Landscape {
		labelW = 75
	}
	n := min(len(c.Labels), len(c.Values))
	axisMax := index.Percent(10000)
	for _, v := range c.Values[:n] {
		for v > axisMax {
			axisMax += 1000
		}
	}
	x0 := r.left() + labelW + 2
	x1 := r.right() - valueW
	xOf := func(v index.Percent) float64 {
		if v < 0 {
			v = 0
		}
		return x0 + (x1-x0)*float64(v)/float64(axisMax)
	}
	// Labels: up to maxLabelLines lines each.
	lhL := lineH(labelSize, 1.12)
	r.font("", labelSize)
	labels := make([][]string, n)
	rowH := make([]float64, n)
	for i := 0; i < n; i++ {
		ls := r.wrap(c.Labels[i], labelW, labelW)
		if len(ls) > maxLabelLines {
			ls = ls[:maxLabelLines]
			last := &ls[maxLabelLines-1]
			for r.textW(*last+"…") > labelW && len(*last) > 0 {
				rs := []rune(*last)
				*last = string(rs[:len(rs)-1])
			}
			*last += "…"
		}
		labels[i] = ls
		rowH[i] = math.Max(minRowH, float64(len(ls))*lhL+1.4)
	}
	lhT := lineH(titleSize, 1.25)
	i := 0
	part := 0
	for i < n || (n == 0 && part == 0) {
		need := lhT + markStrip + axisH + 3*minRowH
		r.ensure(need)
		// Title.
		title := c.Title
		if part > 0 {
			title += " (tiếp theo)"
		}
		r.font("B", titleSize)
		for _, l := range r.wrap(title, r.width(), r.width()) {
			r.put(r.left(), r.y+1, r.width(), lhT, l, AlignCenter)
			r.y += lhT
		}
		r.y += 2
		top := r.y + markStrip
		// Rows that fit on this page.
		y := top
		j := i
		for j < n && y+rowH[j]+axisH <= r.bottom() {
			y += rowH[j]
			j++
		}
		if j == i && n > 0 { // not even one row: take it anyway
			y += rowH[j]
			j++
		}
		// Leave no handful of bars alone on the next page.
		const minRows = 6
		if rest := n - j; rest > 0 && rest < minRows && j-i > minRows {
			for k := 0; k < min(minRows-rest, j-i-minRows); k++ {
				j--
				y -= rowH[j]
			}
		}
		bottom := y + 1
		// Grid lines every 10 %.
		r.pdf.SetDrawColor(190, 190, 190)
		r.pdf.SetLineWidth(0.1)
		for v := index.Percent(0); v <= axisMax; v += 1000 {
			r.pdf.Line(xOf(v), top, xOf(v), bottom)
		}
		r.pdf.SetDrawColor(0, 0, 0)
		r.pdf.SetLineWidth(0.2)
		// Bars, labels and values.
		y = top
		for k := i; k < j; k++ {
			h := rowH[k]
			r.font("", labelSize)
			ly := y + (h-float64(len(labels[k]))*lhL)/2
			for li, l := range labels[k] {
				r.put(r.left(), ly+float64(li)*lhL, labelW, lhL, l, AlignRight)
			}
			barH := math.Min(h-1.6, 4.2)
			by := y + (h-barH)/2
			bw := xOf(c.Values[k]) - x0
			r.pdf.SetFillColor(110, 110, 110)
			if bw > 0 {
				r.pdf.Rect(x0, by, bw, barH, "F")
			}
			y += h
		}
		// Marks (band lower bounds), dashed, labelled above the bars; a
		// label that would run into the previous one goes a line higher.
		r.pdf.SetDashPattern([]float64{1.2, 0.8}, 0)
		r.pdf.SetLineWidth(0.25)
		r.font("I", 7.5)
		lhM := lineH(7.5, 1.1)
		lastEnd := math.Inf(1)
		level := 0
		for _, m := range c.Marks { // highest bound first
			if m.Value <= 0 || m.Value > axisMax {
				continue
			}
			x := xOf(m.Value)
			r.pdf.Line(x, top-1, x, bottom)
			w := r.textW(m.Label) + 1
			if x+w/2 > lastEnd && level == 0 {
				level = 1
			} else {
				level = 0
			}
			lastEnd = x - w/2
			r.put(x-w/2, top-1-lhM*float64(level+1), w, lhM, m.Label, AlignCenter)
		}
		r.pdf.SetDashPattern([]float64{}, 0)
		r.pdf.SetLineWidth(0.2)
		// Values at the end of the bars, on white so that lines do not cross them.
		r.font("B", labelSize)
		y = top
		for k := i; k < j; k++ {
			h := rowH[k]
			v := pct(c.Values[k])
			vx := xOf(c.Values[k]) + 0.8
			vw := r.textW(v) + 0.8
			r.pdf.SetFillColor(255, 255, 255)
			r.pdf.Rect(vx, y+h/2-lhL/2+0.3, vw, lhL-0.6, "F")
			r.put(vx+0.4, y+h/2-lhL/2, vw, lhL, v, AlignLeft)
			y += h
		}
		// Axis: the value line at the left and the scale at the bottom.
		r.pdf.Line(x0, top-1, x0, bottom)
		r.pdf.Line(x0, bottom, x1, bottom)
		r.font("", 8)
		lhA := lineH(8, 1.2)
		for v := index.Percent(0); v <= axisMax; v += 1000 {
			x := xOf(v)
			r.pdf.Line(x, bottom, x, bottom+1.2)
			r.put(x-6, bottom+1.4, 12, lhA, strconv.Itoa(int(v/100)), AlignCenter)
		}
		r.font("I", 9)
		r.put(x0, bottom+1.6+lhA, x1-x0, lineH(9, 1.2), c.AxisLabel, AlignCenter)
		r.y = bottom + axisH + 3
		i = j
		part++
		if n == 0 {
			break
		}
	}
}

// Signature space: the blank height between the signer's title (or the note
// under it) and the signer's name, and the stamp box recorded in it.
const (
	sigGap      = 28.0 // mm; 25-30 mm is usual in Vietnamese documents
	stampMaxW   = 80.0 // mm; the stamp's width, at most the column's less stampInsetX each side
	stampInsetX = 2.0  // mm
	stampInsetY = 1.5  // mm, from the title's and the name's text lines
	ptPerMM     = 72 / 25.4
)

// markSigBox records the stamp box in the blank space from top to bottom
// (millimetres from the page's top) of the signature column at rx, rw wide:
// centred, stampMaxW wide at most, in PDF points from the page's lower left
// corner as signing tools expect.
func (r *renderer) markSigBox(rx, rw, top, bottom float64) {
	w := math.Min(stampMaxW, rw-2*stampInsetX)
	x1 := rx + (rw-w)/2
	top, bottom = top+stampInsetY, bottom-stampInsetY
	r.sigBox = sigBox{page: r.pdf.PageNo(), rect: [4]float64{
		x1 * ptPerMM, (r.pageH - bottom) * ptPerMM,
		(x1 + w) * ptPerMM, (r.pageH - top) * ptPerMM,
	}}
}

// signature prints the distribution list on the left and the signature
// block on the right, level with each other.
func (r *renderer) signature(s *Signature) {
	lw := r.width() * 0.47
	rx := r.left() + r.width()*0.45
	rw := r.right() - rx
	lhS := lineH(13, 1.3)
	lhR := lineH(11, 1.2)

	// Measure.
	r.font("", 11)
	var recips []string
	for _, p := range s.Recipients {
		recips = append(recips, r.wrap("- "+p, lw, lw-2.5)...)
	}
	leftH := 0.0
	if s.RecipientsTitle != "" {
		leftH = lineH(12, 1.3) + float64(len(recips))*lhR
	}
	rightLines := 0
	for _, l := range []string{s.Authority, s.Title} {
		if l != "" {
			rightLines++
		}
	}
	rightH := float64(rightLines)*lhS + sigGap + lhS
	if s.Note != "" {
		rightH += lineH(12, 1.3)
	}
	r.y += 3
	r.ensure(math.Max(leftH, rightH))
	top := r.y

	// Left: Nơi nhận.
	if s.RecipientsTitle != "" {
		y := top
		r.font("BI", 12)
		r.put(r.left(), y, lw, lineH(12, 1.3), s.RecipientsTitle, AlignLeft)
		y += lineH(12, 1.3)
		r.font("", 11)
		for i, l := range recips {
			x := r.left()
			if !strings.HasPrefix(l, "- ") && i > 0 {
				x += 2.5 // continuation of a wrapped recipient
			}
			r.put(x, y, lw, lhR, l, AlignLeft)
			y += lhR
		}
	}
	// Right: authority, title, note, space, name.
	y := top
	r.font("B", 13)
	for _, l := range []string{s.Authority, s.Title} {
		if l != "" {
			r.put(rx, y, rw, lhS, l, AlignCenter)
			y += lhS
		}
	}
	if s.Note != "" {
		r.font("I", 12)
		r.put(rx, y, rw, lineH(12, 1.3), s.Note, AlignCenter)
		y += lineH(12, 1.3)
	}
	r.markSigBox(rx, rw, y, y+sigGap)
	y += sigGap
	r.font("B", 13)
	r.put(rx, y, rw, lhS, s.Name, AlignCenter)
	y += lhS
	r.y = math.Max(y, top+leftH) + 2
}
