// Package report turns the results of a period (index.Result) into official
// reports laid out as Vietnamese administrative documents (Nghị định
// 30/2020/NĐ-CP, Phụ lục I): the summary report signed by the council's chair,
// the appendix of unit score sheets, and one member's appraisal sheet.
//
// The work is done in two steps. Summary, UnitSheets and MemberSheet build a
// Document: plain Go structs (header, title, headings, paragraphs, tables, bar
// charts, signature block) that say what the report contains and carry no PDF
// code; tests compare them with golden files. Render then lays a Document out
// as A4 PDF bytes with embedded Liberation Serif. Only pdf_gofpdf.go imports
// the PDF library.
//
// Every report carries its provenance: the digest of the results it shows
// (ResultsDigest) and the head of the audit chain, printed small in the last
// page's footer and written in the PDF's Keywords, where ReadProvenance finds
// them again. A report with a signature block also records there the blank
// space it leaves for the signature between the signer's title and name
// (SignatureBox), so that the first signature's stamp goes into it
// (StampPlacement).
package report

import (
	"time"

	"parindex/index"
)

// Kind names the kind of a report.
type Kind string

// The report kinds.
const (
	KindSummary     Kind = "summary"      // BÁO CÁO kết quả xác định Chỉ số CCHC
	KindUnitSheets  Kind = "unit-sheets"  // appendix: every leaf of every unit
	KindMemberSheet Kind = "member-sheet" // one council member's scores
)

// Orientation is the orientation of a section's pages.
type Orientation string

// Page orientations (A4).
const (
	Portrait  Orientation = "portrait"
	Landscape Orientation = "landscape"
)

// Align is the horizontal alignment of text.
type Align string

// Text alignments.
const (
	AlignLeft    Align = "left"
	AlignCenter  Align = "center"
	AlignRight   Align = "right"
	AlignJustify Align = "justify"
)

// Document is a report as plain data: what to print, in which order, on which
// pages. Sections start on a new page each and may change orientation; page
// numbers run through the whole document.
type Document struct {
	Kind  Kind   `json:"kind"`  // which report this is
	Title string `json:"title"` // PDF metadata title
	// Subject is the PDF metadata subject (the summary line).
	Subject string `json:"subject"`
	// Author is the PDF metadata author (the issuing body).
	Author string `json:"author"`
	// Date is the document's date; it fixes the PDF creation and
	// modification dates so that output is reproducible.
	Date time.Time `json:"date"`
	// PageNumbers prints page numbers centred in the top margin from page 2.
	PageNumbers bool `json:"page_numbers"`
	// Provenance is printed in the last page's footer and in the PDF Keywords.
	Provenance Provenance `json:"provenance"`
	Sections   []Section  `json:"sections"` // each starts on a new page
}

// Section is a run of pages sharing one orientation. A section starts on a
// new page.
type Section struct {
	Orientation Orientation `json:"orientation"` // of all its pages
	Blocks      []Block     `json:"blocks"`      // laid out one after the other
}

// Block is one element of a section. Exactly one of its fields is set.
type Block struct {
	Header         *Header         `json:"header,omitempty"`
	AppendixHeader *AppendixHeader `json:"appendix_header,omitempty"`
	Title          *Title          `json:"title,omitempty"`
	Heading        *Heading        `json:"heading,omitempty"`
	Paragraph      *Paragraph      `json:"paragraph,omitempty"`
	Table          *Table          `json:"table,omitempty"`
	Chart          *BarChart       `json:"chart,omitempty"`
	Signature      *Signature      `json:"signature,omitempty"`
	// PageBreak starts a new page of the same orientation.
	PageBreak bool `json:"page_break,omitempty"`
}

// Header is the two-column header of an administrative document (quốc hiệu,
// tiêu ngữ, tên cơ quan, số, địa danh và ngày tháng).
type Header struct {
	ParentBody  string `json:"parent_body,omitempty"` // e.g. "UBND THÀNH PHỐ HÀ NỘI", regular capitals
	IssuingBody string `json:"issuing_body"`          // bold capitals with a short rule under it
	Number      string `json:"number,omitempty"`      // "Số: 05/BC-HĐTĐ"
	Nation      string `json:"nation"`                // "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	Motto       string `json:"motto"`                 // "Độc lập - Tự do - Hạnh phúc", ruled as long as the text
	PlaceDate   string `json:"place_date"`            // italics: "Hà Nội, ngày 05 tháng 02 năm 2025"
}

// AppendixHeader is printed top right in 10 pt on an appendix issued as a
// separate file: which document it belongs to and the signature details.
type AppendixHeader struct {
	Lines []string `json:"lines"` // the first line is bold
}

// Title is the document type in bold capitals ("BÁO CÁO") followed by the
// summary line (trích yếu) in bold, then an optional italic line.
type Title struct {
	Type     string   `json:"type"`
	Summary  []string `json:"summary,omitempty"`
	Subtitle string   `json:"subtitle,omitempty"`
}

// Heading is a section heading in the body: level 1 bold ("I. ..."), level 2
// bold ("1. ..."), level 3 bold italic.
type Heading struct {
	Level int    `json:"level"`
	Text  string `json:"text"`
	// Center centres the heading (used for appendix and chart titles).
	Center bool `json:"center,omitempty"`
}

// Paragraph is body text. With Indent the first line is indented 1.27 cm.
// Size 0 means the body size (13 pt).
type Paragraph struct {
	Text   string  `json:"text"`
	Align  Align   `json:"align,omitempty"` // default: justify
	Indent bool    `json:"indent,omitempty"`
	Bold   bool    `json:"bold,omitempty"`
	Italic bool    `json:"italic,omitempty"`
	Size   float64 `json:"size,omitempty"`
}

// Column is a table column: its relative width (the renderer scales the
// widths to the text width of the page) and the alignment of its body cells.
type Column struct {
	Width float64 `json:"width"`
	Align Align   `json:"align"`
}

// HeaderCell is a cell of a table's header row; Span is the number of columns
// it covers (0 or 1 for one).
type HeaderCell struct {
	Text string `json:"text"`
	Span int    `json:"span,omitempty"`
}

// RowStyle is how a table row is printed.
type RowStyle string

// Row styles.
const (
	RowNormal   RowStyle = ""
	RowGroup    RowStyle = "group"    // bold; the first cell spans all columns
	RowSubtotal RowStyle = "subtotal" // bold
	RowTotal    RowStyle = "total"    // bold
	RowItalic   RowStyle = "italic"   // e.g. a not-applicable leaf or an intermediate criterion
)

// Row is a body row of a table. Cells may hold "\n" for explicit line breaks;
// long text is wrapped to the column width.
type Row struct {
	Cells []string `json:"cells"`
	Style RowStyle `json:"style,omitempty"`
}

// Table is a ruled table. Header rows are repeated on every page the table
// runs over. FontSize 0 means 11 pt.
type Table struct {
	Columns  []Column       `json:"columns"`
	Header   [][]HeaderCell `json:"header"`
	Rows     []Row          `json:"rows"`
	FontSize float64        `json:"font_size,omitempty"`
}

// ChartMark is a vertical reference line of a bar chart, such as a band's
// lower bound.
type ChartMark struct {
	Label string        `json:"label"`
	Value index.Percent `json:"value"`
}

// BarChart is a horizontal bar chart drawn as vector graphics: one bar per
// label, on an axis from 0 to 100 % (or more when a value exceeds 100). Long
// lists run over several pages, the axis repeated on each.
type BarChart struct {
	Title     string          `json:"title"`
	AxisLabel string          `json:"axis_label"`
	Labels    []string        `json:"labels"`
	Values    []index.Percent `json:"values"`
	Marks     []ChartMark     `json:"marks,omitempty"`
}

// Signature is the closing block: on the right the authority ("TM. HỘI
// ĐỒNG"), the signer's title ("CHỦ TỊCH"), an optional italic note, space for
// the signature and the signer's name, all bold capitals but the name; on the
// left, level with it, "Nơi nhận:" in bold italics and the recipients in 11 pt.
type Signature struct {
	RecipientsTitle string   `json:"recipients_title,omitempty"`
	Recipients      []string `json:"recipients,omitempty"` // printed as "- " + line
	Authority       string   `json:"authority,omitempty"`
	Title           string   `json:"title"`
	Note            string   `json:"note,omitempty"`
	Name            string   `json:"name"`
}
