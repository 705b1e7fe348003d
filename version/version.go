// Package version holds the one version string of parindex. The desktop app's
// About dialog, parindex-cli --version and the packaging step (which checks it
// against FyneApp.toml) all read it from here.
package version

// Version is the release version of parindex.
const Version = "0.1.0"
