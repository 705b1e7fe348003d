package ui

import (
	"image/color"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"parindex/assets"
)

// Palette of the app: a sober government look, navy for actions and
// selection, the deep red of official letterheads for the title band.
var (
	colNavy      = color.NRGBA{R: 0x17, G: 0x3E, B: 0x78, A: 0xFF}
	colRed       = color.NRGBA{R: 0x9E, G: 0x1B, B: 0x22, A: 0xFF}
	colGold      = color.NRGBA{R: 0xF4, G: 0xC4, B: 0x30, A: 0xFF}
	colInk       = color.NRGBA{R: 0x1C, G: 0x24, B: 0x30, A: 0xFF}
	colMuted     = color.NRGBA{R: 0x6B, G: 0x75, B: 0x83, A: 0xFF}
	colLine      = color.NRGBA{R: 0xD5, G: 0xDA, B: 0xE1, A: 0xFF}
	colPanel     = color.NRGBA{R: 0xF3, G: 0xF5, B: 0xF8, A: 0xFF}
	colHeader    = color.NRGBA{R: 0xE6, G: 0xEB, B: 0xF2, A: 0xFF}
	colSelection = color.NRGBA{R: 0xCF, G: 0xDF, B: 0xF3, A: 0xFF}
	colHover     = color.NRGBA{R: 0xE9, G: 0xEF, B: 0xF8, A: 0xFF}
	colInput     = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	colError     = color.NRGBA{R: 0xB3, G: 0x26, B: 0x1E, A: 0xFF}
	colSuccess   = color.NRGBA{R: 0x1E, G: 0x7B, B: 0x45, A: 0xFF}
	colWarning   = color.NRGBA{R: 0xB7, G: 0x6E, B: 0x00, A: 0xFF}
	colFieldRow  = color.NRGBA{R: 0xEE, G: 0xF2, B: 0xF8, A: 0xFF}
	colWhite     = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
)

// bandColours colour classification bands from the best (first) down; the
// last colour is used for every band after it and for "no band".
var bandColours = []color.NRGBA{
	{R: 0x2E, G: 0x8B, B: 0x57, A: 0xFF}, // green
	{R: 0x3A, G: 0x78, B: 0xC2, A: 0xFF}, // blue
	{R: 0xE0, G: 0xA1, B: 0x1B, A: 0xFF}, // amber
	{R: 0xE0, G: 0x6C, B: 0x2B, A: 0xFF}, // orange
	{R: 0xC0, G: 0x39, B: 0x2B, A: 0xFF}, // red
}

// bandTints are light versions of bandColours, for table cells.
var bandTints = []color.NRGBA{
	{R: 0xD8, G: 0xF0, B: 0xE0, A: 0xFF},
	{R: 0xDA, G: 0xE8, B: 0xF8, A: 0xFF},
	{R: 0xFB, G: 0xEE, B: 0xC8, A: 0xFF},
	{R: 0xFB, G: 0xDD, B: 0xC8, A: 0xFF},
	{R: 0xF6, G: 0xD0, B: 0xCC, A: 0xFF},
}

// bandColour returns the colour of the band at position i (-1: no band),
// among n bands; the last band always gets the last (red) colour.
func bandColour(i, n int, tint bool) color.NRGBA {
	pal := bandColours
	if tint {
		pal = bandTints
	}
	if i < 0 || i >= n {
		return pal[len(pal)-1]
	}
	if i == n-1 && n > 1 {
		return pal[len(pal)-1]
	}
	if i >= len(pal)-1 {
		i = len(pal) - 2
	}
	return pal[i]
}

// Theme is the app's theme: Liberation Sans and Liberation Mono (every
// Vietnamese letter, unlike Fyne's bundled monospace font) and the palette
// above, always light.
type Theme struct {
	regular, bold, mono fyne.Resource
}

// NewTheme loads the embedded fonts. Set it with App.Settings().SetTheme
// before any widget is created.
func NewTheme() *Theme {
	load := func(name string) fyne.Resource {
		b, err := fs.ReadFile(assets.Fonts, "fonts/"+name)
		if err != nil {
			return nil // fall back to Fyne's font
		}
		return fyne.NewStaticResource(name, b)
	}
	return &Theme{
		regular: load("LiberationSans-Regular.ttf"),
		bold:    load("LiberationSans-Bold.ttf"),
		mono:    load("LiberationMono-Regular.ttf"),
	}
}

// Color returns the palette's colour for name, in the light variant.
func (t *Theme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch name {
	case theme.ColorNamePrimary, theme.ColorNameHyperlink, theme.ColorNameFocus:
		return colNavy
	case theme.ColorNameBackground, theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground:
		return colWhite
	case theme.ColorNameForeground:
		return colInk
	case theme.ColorNameInputBackground:
		return colInput
	case theme.ColorNameInputBorder:
		return color.NRGBA{R: 0xB8, G: 0xC0, B: 0xCC, A: 0xFF}
	case theme.ColorNameButton:
		return color.NRGBA{R: 0xE8, G: 0xEC, B: 0xF2, A: 0xFF}
	case theme.ColorNameSeparator:
		return colLine
	case theme.ColorNameHeaderBackground:
		return colHeader
	case theme.ColorNameSelection:
		return colSelection
	case theme.ColorNameHover:
		return colHover
	case theme.ColorNameError:
		return colError
	case theme.ColorNameSuccess:
		return colSuccess
	case theme.ColorNameWarning:
		return colWarning
	case theme.ColorNamePlaceHolder:
		return colMuted
	case theme.ColorNameDisabled:
		return color.NRGBA{R: 0x5F, G: 0x69, B: 0x77, A: 0xFF}
	}
	return theme.DefaultTheme().Color(name, theme.VariantLight)
}

// Font returns Liberation Sans (bold for bold text) or Liberation Mono;
// italics and symbols come from Fyne's bundled fonts, which have every
// Vietnamese letter too.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace && t.mono != nil:
		return t.mono
	case s.Symbol || s.Italic:
		return theme.DefaultTheme().Font(s)
	case s.Bold && t.bold != nil:
		return t.bold
	case t.regular != nil:
		return t.regular
	}
	return theme.DefaultTheme().Font(s)
}

// Icon returns Fyne's icon.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size returns Fyne's sizes, with slightly larger text for office screens.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 14
	case theme.SizeNameSubHeadingText:
		return 17
	case theme.SizeNameHeadingText:
		return 22
	case theme.SizeNameCaptionText:
		return 12
	}
	return theme.DefaultTheme().Size(n)
}
