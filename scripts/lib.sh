# Shared by scripts/run and scripts/test: find Go and install missing Debian
# packages (only when running as root; otherwise say what is missing).

# Debian packages the desktop app needs to build (cgo, OpenGL, X11) and run.
APP_PACKAGES="gcc libc6-dev pkg-config libgl-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev ca-certificates libgl1-mesa-dri git"
# Extra packages the test suite uses: a virtual screen for the smoke test, PDF
# tools that check reports, LibreOffice to recalculate workbooks, mingw for the
# Windows build check.
TEST_PACKAGES="bc xvfb x11-utils xdotool imagemagick qpdf poppler-utils fonts-liberation2 libreoffice-calc-nogui gcc-mingw-w64-x86-64 file"

use_go() {
	if ! command -v go >/dev/null 2>&1; then
		for d in /usr/local/go/bin /usr/lib/go/bin "$HOME/go/bin"; do
			[ -x "$d/go" ] && PATH="$d:$PATH"
		done
	fi
	command -v go >/dev/null 2>&1 || { echo "Go is not installed: install Go 1.26 from the Go module proxy's toolchain or Debian, then retry" >&2; exit 1; }
	export PATH
}

install_missing() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing Debian packages:$missing (run this as root to install them, or: sudo apt-get install$missing)" >&2
		return 1
	fi
	echo "installing Debian packages:$missing"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
}
