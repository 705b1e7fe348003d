package assets

import _ "embed" // for go:embed

// Icon is the application icon, a 512×512 PNG drawn by release/genicon.go
// (source: icon.svg). The desktop app sets it as the window and app icon;
// FyneApp.toml points the packager at the same file.
//
//go:embed icon.png
var Icon []byte
