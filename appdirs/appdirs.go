// Package appdirs finds the folders where parindex keeps its data (council
// files, backups, exports) and its configuration, the way each operating system
// expects, or beside the executable in portable mode.
//
// Installed mode:
//
//	Windows  data   %LOCALAPPDATA%\parindex   (not roamed: the SQLite files stay on the laptop)
//	         config %APPDATA%\parindex        (roamed with the user's profile)
//	macOS    data and config  ~/Library/Application Support/parindex
//	Linux    data   $XDG_DATA_HOME/parindex   or ~/.local/share/parindex
//	(other)  config $XDG_CONFIG_HOME/parindex or ~/.config/parindex
//
// Portable mode keeps both in one folder named parindex-data beside the
// executable, for a laptop without the right to install programs or for a
// USB stick. It is chosen by any one of:
//
//   - the command-line flag --portable (the program passes it as Options.Portable);
//   - the environment variable PARINDEX_PORTABLE=1 (also true, yes, on;
//     0, false, no, off or empty leave it off);
//   - a file named portable.txt beside the executable (its content is ignored).
package appdirs

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// Names used by Resolve.
const (
	// AppDir is the folder name under the operating system's data and config folders.
	AppDir = "parindex"
	// PortableDir is the folder beside the executable that holds everything in portable mode.
	PortableDir = "parindex-data"
	// PortableFile is the file beside the executable that turns portable mode on.
	PortableFile = "portable.txt"
	// PortableEnv is the environment variable that turns portable mode on.
	PortableEnv = "PARINDEX_PORTABLE"
	// PortableFlag is the name of the command-line flag (--portable) that turns portable mode on.
	PortableFlag = "portable"
)

// Dirs are the folders of one run of the program.
type Dirs struct {
	Data   string // council files, backups, exports
	Config string // settings
	// Portable tells whether the folders are beside the executable, and Why
	// names the switch that chose it ("--portable", "PARINDEX_PORTABLE=1" or
	// "portable.txt"); Why is empty when Portable is false.
	Portable bool
	Why      string
}

// Options are what Resolve looks at. The zero value means "this process": the
// real environment, operating system and executable.
type Options struct {
	Portable bool                   // the --portable flag was given
	ExePath  string                 // the executable; os.Executable() when empty
	Getenv   func(string) string    // os.Getenv when nil
	GOOS     string                 // runtime.GOOS when empty
	Exists   func(path string) bool // whether a file exists; os.Stat when nil
}

// Resolve returns the folders for opts. It creates nothing: call Dirs.Ensure.
func Resolve(opts Options) (Dirs, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.GOOS == "" {
		opts.GOOS = runtime.GOOS
	}
	if opts.Exists == nil {
		opts.Exists = func(p string) bool { _, err := os.Stat(p); return err == nil }
	}

	why := ""
	env, err := parseSwitch(opts.Getenv(PortableEnv))
	if err != nil {
		return Dirs{}, err
	}
	switch {
	case opts.Portable:
		why = "--" + PortableFlag
	case env:
		why = PortableEnv + "=" + opts.Getenv(PortableEnv)
	}
	exe := opts.ExePath
	if exe == "" {
		if exe, err = executable(); err != nil {
			if why != "" {
				return Dirs{}, fmt.Errorf("portable mode: find the executable: %w", err)
			}
			exe = "" // no portable.txt to look for; installed mode
		}
	}
	if why == "" && exe != "" && opts.Exists(join(opts.GOOS, dir(opts.GOOS, exe), PortableFile)) {
		why = PortableFile
	}
	if why != "" {
		p := join(opts.GOOS, dir(opts.GOOS, exe), PortableDir)
		return Dirs{Data: p, Config: p, Portable: true, Why: why}, nil
	}
	return installed(opts.GOOS, opts.Getenv)
}

// Ensure creates the folders (and their parents) readable only by the user.
func (d Dirs) Ensure() error {
	for _, p := range []string{d.Data, d.Config} {
		if p == "" {
			return errors.New("create app folder: empty path")
		}
		if err := os.MkdirAll(p, 0o700); err != nil {
			return fmt.Errorf("create app folder: %w", err)
		}
	}
	return nil
}

func installed(goos string, getenv func(string) string) (Dirs, error) {
	switch goos {
	case "windows":
		profile := getenv("USERPROFILE")
		local, roaming := getenv("LOCALAPPDATA"), getenv("APPDATA")
		if !isAbs(goos, local) && profile != "" {
			local = join(goos, profile, "AppData", "Local")
		}
		if !isAbs(goos, roaming) && profile != "" {
			roaming = join(goos, profile, "AppData", "Roaming")
		}
		if !isAbs(goos, local) || !isAbs(goos, roaming) {
			return Dirs{}, errors.New("find app folders: neither %LOCALAPPDATA%/%APPDATA% nor %USERPROFILE% is set")
		}
		return Dirs{Data: join(goos, local, AppDir), Config: join(goos, roaming, AppDir)}, nil
	case "darwin", "ios":
		home := getenv("HOME")
		if !isAbs(goos, home) {
			return Dirs{}, errors.New("find app folders: $HOME is not set")
		}
		p := join(goos, home, "Library", "Application Support", AppDir)
		return Dirs{Data: p, Config: p}, nil
	default: // Linux, the BSDs and other Unix-likes follow the XDG base directory spec
		home := getenv("HOME")
		data, config := getenv("XDG_DATA_HOME"), getenv("XDG_CONFIG_HOME")
		// the spec says relative paths are invalid and must be ignored
		if !isAbs(goos, data) {
			data = ""
			if isAbs(goos, home) {
				data = join(goos, home, ".local", "share")
			}
		}
		if !isAbs(goos, config) {
			config = ""
			if isAbs(goos, home) {
				config = join(goos, home, ".config")
			}
		}
		if data == "" || config == "" {
			return Dirs{}, errors.New("find app folders: $HOME is not set (nor $XDG_DATA_HOME and $XDG_CONFIG_HOME)")
		}
		return Dirs{Data: join(goos, data, AppDir), Config: join(goos, config, AppDir)}, nil
	}
}

// parseSwitch reads the value of PARINDEX_PORTABLE.
func parseSwitch(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "", "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%s=%q: want 1 (portable) or 0", PortableEnv, v)
}

func executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return exe, nil
}

// The helpers below handle paths of goos, not of the machine running the
// code, so that every operating system's answer can be tested anywhere.

func isAbs(goos, p string) bool {
	if goos != "windows" {
		return strings.HasPrefix(p, "/")
	}
	// C:\x, C:/x, \\server\share
	if len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		return true
	}
	return strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "//")
}

func join(goos string, elem ...string) string {
	if goos != "windows" {
		return path.Join(elem...)
	}
	parts := make([]string, 0, len(elem))
	for i, e := range elem {
		if i > 0 {
			e = strings.TrimLeft(e, `\/`)
		}
		if i < len(elem)-1 {
			e = strings.TrimRight(e, `\/`)
		}
		if e != "" {
			parts = append(parts, e)
		}
	}
	return strings.Join(parts, `\`)
}

func dir(goos, p string) string {
	seps := "/"
	if goos == "windows" {
		seps = `\/`
	}
	i := strings.LastIndexAny(p, seps)
	switch {
	case i < 0:
		return "."
	case i == 0:
		return p[:1]
	case goos == "windows" && i == 2 && p[1] == ':':
		return p[:3] // C:\parindex.exe is in C:\
	}
	return p[:i]
}
