package sign

// Writing an incremental update: objects appended after the original bytes, a new
// cross-reference section (a classic table, or a cross-reference stream when the
// previous section is one) and a trailer whose /Prev points at the previous section.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf16"
)

// rawPDF is already-serialised PDF syntax, written as it is.
type rawPDF string

// writeObj serialises a direct object; dictionary keys are sorted so that output
// is reproducible.
func writeObj(w *bytes.Buffer, o any) error {
	switch v := o.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		w.WriteString(strconv.FormatBool(v))
	case int:
		w.WriteString(strconv.Itoa(v))
	case int64:
		w.WriteString(strconv.FormatInt(v, 10))
	case float64:
		w.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	case pdfName:
		writeName(w, v)
	case pdfString:
		w.WriteByte('<')
		w.WriteString(hex.EncodeToString(v))
		w.WriteByte('>')
	case rawPDF:
		w.WriteString(string(v))
	case pdfRef:
		fmt.Fprintf(w, "%d %d R", v.Num, v.Gen)
	case pdfArray:
		w.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				w.WriteByte(' ')
			}
			if err := writeObj(w, e); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	case pdfDict:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, string(k))
		}
		sort.Strings(keys)
		w.WriteString("<<")
		for _, k := range keys {
			writeName(w, pdfName(k))
			w.WriteByte(' ')
			if err := writeObj(w, v[pdfName(k)]); err != nil {
				return err
			}
		}
		w.WriteString(">>")
	default:
		return fmt.Errorf("cannot write %T as a direct object", o)
	}
	return nil
}

func writeName(w *bytes.Buffer, n pdfName) {
	w.WriteByte('/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
			fmt.Fprintf(w, "#%02X", c)
		} else {
			w.WriteByte(c)
		}
	}
}

// textString encodes s as a PDF text string: a literal for printable ASCII,
// otherwise UTF-16BE with a byte order mark.
func textString(s string) rawPDF {
	ascii := true
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		var b bytes.Buffer
		b.WriteByte('(')
		for i := 0; i < len(s); i++ {
			if s[i] == '(' || s[i] == ')' || s[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
		b.WriteByte(')')
		return rawPDF(b.String())
	}
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xfe, 0xff
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return rawPDF("<" + hex.EncodeToString(b) + ">")
}

// update collects the objects of one incremental update.
type update struct {
	f       *pdfFile
	out     bytes.Buffer
	offsets map[int]int64
	gens    map[int]int
	next    int // next free object number
}

func newUpdate(f *pdfFile) (*update, error) {
	size, ok := f.trailer["Size"].(int64)
	if !ok || size < 1 || size > 1<<31 {
		return nil, errors.New("trailer has no valid /Size")
	}
	next := int(size)
	for n := range f.xref { // tolerate a /Size that is too small
		if n >= next {
			next = n + 1
		}
	}
	u := &update{f: f, offsets: map[int]int64{}, gens: map[int]int{}, next: next}
	u.out.Grow(len(f.b) + 64<<10)
	u.out.Write(f.b)
	if n := len(f.b); n == 0 || (f.b[n-1] != '\n' && f.b[n-1] != '\r') {
		u.out.WriteByte('\n')
	}
	return u, nil
}

// alloc reserves a new object number.
func (u *update) alloc() pdfRef {
	u.next++
	return pdfRef{Num: u.next - 1}
}

// begin starts object r. An object is written at most once per update: a file
// whose structures share objects in odd ways (a page that is also the catalog, an
// annotation array that is also the field array) gets an error, not a revision
// that silently loses the first write.
func (u *update) begin(r pdfRef) error {
	if _, dup := u.offsets[r.Num]; dup {
		return fmt.Errorf("object %d would be written twice: unusual document structure", r.Num)
	}
	u.offsets[r.Num] = int64(u.out.Len())
	u.gens[r.Num] = r.Gen
	fmt.Fprintf(&u.out, "%d %d obj\n", r.Num, r.Gen)
	return nil
}

// put writes object r with body o (a new object or a new revision of an old one).
func (u *update) put(r pdfRef, o any) error {
	if err := u.begin(r); err != nil {
		return err
	}
	if err := writeObj(&u.out, o); err != nil {
		return fmt.Errorf("write object %d: %w", r.Num, err)
	}
	u.out.WriteString("\nendobj\n")
	return nil
}

// putStream writes stream object r with dictionary d (without /Length) and data.
func (u *update) putStream(r pdfRef, d pdfDict, data []byte) error {
	d["Length"] = int64(len(data))
	if err := u.begin(r); err != nil {
		return err
	}
	if err := writeObj(&u.out, d); err != nil {
		return fmt.Errorf("write object %d: %w", r.Num, err)
	}
	u.out.WriteString("\nstream\n")
	u.out.Write(data)
	u.out.WriteString("\nendstream\nendobj\n")
	return nil
}

// finish writes the cross-reference section and trailer and returns the file.
func (u *update) finish() []byte {
	prev := u.f.startxref
	keep := func(d pdfDict) {
		for _, k := range []pdfName{"Root", "Info", "ID"} {
			if v, ok := u.f.trailer[k]; ok {
				d[k] = v
			}
		}
		d["Prev"] = prev
	}
	if u.f.xrefStream {
		self := u.alloc()
		start := int64(u.out.Len())
		nums := append(u.sortedNums(), self.Num) // self is the highest number
		u.offsets[self.Num] = start
		var data bytes.Buffer
		var index pdfArray
		for _, run := range runs(nums) {
			index = append(index, int64(run[0]), int64(len(run)))
			for _, n := range run {
				off := u.offsets[n]
				data.Write([]byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off),
					byte(u.gens[n] >> 8), byte(u.gens[n])})
			}
		}
		d := pdfDict{"Type": pdfName("XRef"), "Size": int64(u.next), "Index": index,
			"W": pdfArray{int64(1), int64(4), int64(2)}}
		keep(d)
		delete(u.offsets, self.Num)
		_ = u.putStream(self, d, data.Bytes()) // a new number of known types: cannot fail
		fmt.Fprintf(&u.out, "startxref\n%d\n%%%%EOF\n", start)
		return u.out.Bytes()
	}
	start := u.out.Len()
	u.out.WriteString("xref\n")
	for _, run := range runs(u.sortedNums()) {
		fmt.Fprintf(&u.out, "%d %d\n", run[0], len(run))
		for _, n := range run {
			fmt.Fprintf(&u.out, "%010d %05d n\r\n", u.offsets[n], u.gens[n])
		}
	}
	d := pdfDict{"Size": int64(u.next)}
	keep(d)
	u.out.WriteString("trailer\n")
	_ = writeObj(&u.out, d)
	fmt.Fprintf(&u.out, "\nstartxref\n%d\n%%%%EOF\n", start)
	return u.out.Bytes()
}

func (u *update) sortedNums() []int {
	nums := make([]int, 0, len(u.offsets))
	for n := range u.offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	return nums
}

// runs splits sorted numbers into runs of consecutive numbers.
func runs(nums []int) [][]int {
	var out [][]int
	for i, n := range nums {
		if i == 0 || n != nums[i-1]+1 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], n)
	}
	return out
}
