package report

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
)

// Fonts holds the TrueType files the reports are set in (Liberation Serif, a
// metric clone of Times New Roman under the SIL Open Font License). Render
// embeds the subset it uses. Italic and BoldItalic may be nil: Render then
// falls back to Regular and Bold.
type Fonts struct {
	Regular    []byte // LiberationSerif-Regular.ttf, required
	Bold       []byte // LiberationSerif-Bold.ttf, required
	Italic     []byte // LiberationSerif-Italic.ttf, or nil for Regular
	BoldItalic []byte // LiberationSerif-BoldItalic.ttf, or nil for Bold
}

// The file names LoadFonts reads.
const (
	FontRegular    = "LiberationSerif-Regular.ttf"
	FontBold       = "LiberationSerif-Bold.ttf"
	FontItalic     = "LiberationSerif-Italic.ttf"
	FontBoldItalic = "LiberationSerif-BoldItalic.ttf"
)

// LoadFonts reads the Liberation Serif files from dir in fsys, such as
// LoadFonts(assets.Fonts, "fonts"). Regular and Bold are required; a missing
// Italic or BoldItalic is left nil (see Fonts).
func LoadFonts(fsys fs.FS, dir string) (Fonts, error) {
	var f Fonts
	read := func(name string, dst *[]byte, required bool) error {
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			if !required && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("load fonts: %w", err)
		}
		*dst = b
		return nil
	}
	for _, x := range []struct {
		name     string
		dst      *[]byte
		required bool
	}{
		{FontRegular, &f.Regular, true},
		{FontBold, &f.Bold, true},
		{FontItalic, &f.Italic, false},
		{FontBoldItalic, &f.BoldItalic, false},
	} {
		if err := read(x.name, x.dst, x.required); err != nil {
			return Fonts{}, err
		}
	}
	return f, nil
}

// complete returns the fonts with the fallbacks applied, or an error when
// Regular or Bold is missing.
func (f Fonts) complete() (Fonts, error) {
	if len(f.Regular) == 0 || len(f.Bold) == 0 {
		return f, errors.New("report: the regular and bold fonts are required")
	}
	if len(f.Italic) == 0 {
		f.Italic = f.Regular
	}
	if len(f.BoldItalic) == 0 {
		f.BoldItalic = f.Bold
	}
	return f, nil
}
