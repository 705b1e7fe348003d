// Package release holds the checks of parindex's release: the metadata that
// `fyne package` reads (FyneApp.toml, the icon) and, when PARINDEX_RELEASE_DIR
// names the dist folder made by scripts/release, the artefacts themselves
// (Windows PE headers and resources, the Linux tarball's desktop entry, the
// checksums). It has no code of its own besides the icon generator
// genicon.go, which only `go run ./release/genicon.go` builds.
package release
