// Package assets holds files embedded into the program: fonts (Liberation Serif,
// SIL Open Font License 1.1, see fonts/LICENSE-LiberationFonts.txt), icons and
// sample frameworks.
package assets

import "embed"

// Fonts holds the embedded TrueType fonts, read as "fonts/LiberationSerif-Regular.ttf"
// and "fonts/LiberationSerif-Bold.ttf".
//
//go:embed fonts/*.ttf
var Fonts embed.FS
