// Package assets holds files embedded into the program: fonts (Liberation Serif,
// SIL Open Font License 1.1, see fonts/LICENSE-LiberationFonts.txt), icons and
// sample frameworks.
package assets

import "embed"

// Fonts holds the embedded TrueType fonts: Liberation Serif (regular, bold,
// italic, bold italic) for PDF reports and signature stamps, and Liberation Sans
// and Liberation Mono for the desktop app's theme, all with every Vietnamese
// letter. Read them as "fonts/LiberationSerif-Regular.ttf" and so on.
//
//go:embed fonts/*.ttf
var Fonts embed.FS
