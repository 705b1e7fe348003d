package report

import (
	"fmt"
	"sort"

	"parindex/index"
)

// build holds what the three report builders share.
type build struct {
	in   *Input
	set  Settings
	fws  map[string]*index.Framework // by block code
	prov Provenance
	// lookups by code (index.Result's own lookups build a cache lazily, which
	// concurrent report builds must not race on)
	unit     map[string]*index.UnitResult
	prevUnit map[string]*index.UnitResult
	block    map[string]*index.BlockResult
}

// newBuild checks the input and prepares the lookups.
func newBuild(in *Input) (*build, error) {
	if in == nil {
		return nil, fmt.Errorf("report: no input")
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	b := &build{in: in, set: in.Settings.withDefaults(), fws: map[string]*index.Framework{}}
	for _, bl := range in.Snapshot.Blocks {
		fw := in.Snapshot.Frameworks[bl.Framework]
		if fw == nil {
			return nil, fmt.Errorf("report: block %s uses unknown framework %q", bl.Code, bl.Framework)
		}
		if fw.Leaves() == nil {
			if err := fw.Validate(); err != nil {
				return nil, fmt.Errorf("report: %w", err)
			}
		}
		b.fws[bl.Code] = fw
	}
	b.unit, b.prevUnit, b.block = map[string]*index.UnitResult{}, map[string]*index.UnitResult{}, map[string]*index.BlockResult{}
	for i := range in.Result.Units {
		b.unit[in.Result.Units[i].Code] = &in.Result.Units[i]
	}
	for i := range in.Result.Blocks {
		b.block[in.Result.Blocks[i].Code] = &in.Result.Blocks[i]
	}
	if in.Previous != nil {
		for i := range in.Previous.Units {
			b.prevUnit[in.Previous.Units[i].Code] = &in.Previous.Units[i]
		}
	}
	digest := ResultsDigest(in.Result)
	b.prov = in.Provenance
	if b.prov.ResultsDigest == "" {
		b.prov.ResultsDigest = digest
	} else if b.prov.ResultsDigest != digest {
		return nil, fmt.Errorf("report: provenance digest %s does not match the result (%s)", b.prov.ResultsDigest, digest)
	}
	return b, nil
}

// doc starts a document of the given kind.
func (b *build) doc(kind Kind, title, subject string) *Document {
	return &Document{
		Kind:        kind,
		Title:       title,
		Subject:     subject,
		Author:      upper(b.set.IssuingBody),
		Date:        b.set.Date,
		PageNumbers: true,
		Provenance:  b.prov,
	}
}

// header is the official two-column header; withNumber prints "Số: ...".
func (b *build) header(withNumber bool) *Header {
	h := &Header{
		ParentBody:  upper(b.set.ParentBody),
		IssuingBody: upper(b.set.IssuingBody),
		Nation:      nationText,
		Motto:       mottoText,
		PlaceDate:   placeDate(b.set.Place, b.set.Date),
	}
	if withNumber {
		h.Number = numberLine(b.set.Number)
	}
	return h
}

// blockName returns the name of a block by code.
func (b *build) blockName(code string) string {
	for _, bl := range b.in.Snapshot.Blocks {
		if bl.Code == code {
			return bl.Name
		}
	}
	return code
}

// unitsOf returns the results of a block's units in rank order.
func (b *build) unitsOf(block string) []*index.UnitResult {
	var out []*index.UnitResult
	for i := range b.in.Result.Units {
		if u := &b.in.Result.Units[i]; u.Block == block {
			out = append(out, u)
		}
	}
	return out
}

// members returns the council in role order: chair, vice-chairs, members,
// secretariat, each in the snapshot's order.
func (b *build) members() []index.CouncilMember {
	rank := map[index.Role]int{index.Chair: 0, index.ViceChair: 1, index.Member: 2, index.Secretary: 3}
	m := append([]index.CouncilMember(nil), b.in.Snapshot.Members...)
	sort.SliceStable(m, func(i, j int) bool { return rank[m[i].Role] < rank[m[j].Role] })
	return m
}

// memberName returns a member's name by ID.
func (b *build) memberName(id string) string {
	for _, m := range b.in.Snapshot.Members {
		if m.ID == id {
			return m.Name
		}
	}
	return id
}

// finish normalises every text of the document to NFC.
func finish(d *Document) *Document {
	d.Title, d.Subject, d.Author = nfc(d.Title), nfc(d.Subject), nfc(d.Author)
	for si := range d.Sections {
		for bi := range d.Sections[si].Blocks {
			bl := &d.Sections[si].Blocks[bi]
			if h := bl.Header; h != nil {
				h.ParentBody, h.IssuingBody, h.Number = nfc(h.ParentBody), nfc(h.IssuingBody), nfc(h.Number)
				h.Nation, h.Motto, h.PlaceDate = nfc(h.Nation), nfc(h.Motto), nfc(h.PlaceDate)
			}
			if a := bl.AppendixHeader; a != nil {
				nfcAll(a.Lines)
			}
			if t := bl.Title; t != nil {
				t.Type, t.Subtitle = nfc(t.Type), nfc(t.Subtitle)
				nfcAll(t.Summary)
			}
			if h := bl.Heading; h != nil {
				h.Text = nfc(h.Text)
			}
			if p := bl.Paragraph; p != nil {
				p.Text = nfc(p.Text)
			}
			if t := bl.Table; t != nil {
				for _, r := range t.Header {
					for i := range r {
						r[i].Text = nfc(r[i].Text)
					}
				}
				for _, r := range t.Rows {
					nfcAll(r.Cells)
				}
			}
			if c := bl.Chart; c != nil {
				c.Title, c.AxisLabel = nfc(c.Title), nfc(c.AxisLabel)
				nfcAll(c.Labels)
				for i := range c.Marks {
					c.Marks[i].Label = nfc(c.Marks[i].Label)
				}
			}
			if s := bl.Signature; s != nil {
				s.RecipientsTitle, s.Authority, s.Title, s.Note, s.Name = nfc(s.RecipientsTitle), nfc(s.Authority), nfc(s.Title), nfc(s.Note), nfc(s.Name)
				nfcAll(s.Recipients)
			}
		}
	}
	return d
}

func nfcAll(s []string) {
	for i := range s {
		s[i] = nfc(s[i])
	}
}

// section helpers
func heading(level int, text string) Block { return Block{Heading: &Heading{Level: level, Text: text}} }

func para(text string) Block { return Block{Paragraph: &Paragraph{Text: text, Indent: true}} }

func plain(text string) Block { return Block{Paragraph: &Paragraph{Text: text}} }

// hc builds a header row of single cells.
func hc(texts ...string) []HeaderCell {
	out := make([]HeaderCell, len(texts))
	for i, t := range texts {
		out[i] = HeaderCell{Text: t}
	}
	return out
}
