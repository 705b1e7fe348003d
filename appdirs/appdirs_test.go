package appdirs

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func files(paths ...string) func(string) bool {
	return func(p string) bool {
		for _, f := range paths {
			if f == p {
				return true
			}
		}
		return false
	}
}

func TestResolve(t *testing.T) {
	winEnv := env("USERPROFILE", `C:\Users\lan`, "APPDATA", `C:\Users\lan\AppData\Roaming`, "LOCALAPPDATA", `C:\Users\lan\AppData\Local`)
	tests := []struct {
		name    string
		opts    Options
		want    Dirs
		wantErr string
	}{
		{
			name: "windows installed",
			opts: Options{GOOS: "windows", ExePath: `C:\Program Files\parindex\parindex.exe`, Getenv: winEnv},
			want: Dirs{Data: `C:\Users\lan\AppData\Local\parindex`, Config: `C:\Users\lan\AppData\Roaming\parindex`},
		},
		{
			name: "windows without APPDATA falls back to the profile",
			opts: Options{GOOS: "windows", ExePath: `C:\p\parindex.exe`, Getenv: env("USERPROFILE", `D:\Users\hoa\`)},
			want: Dirs{Data: `D:\Users\hoa\AppData\Local\parindex`, Config: `D:\Users\hoa\AppData\Roaming\parindex`},
		},
		{
			name:    "windows with nothing set",
			opts:    Options{GOOS: "windows", ExePath: `C:\p\parindex.exe`, Getenv: env()},
			wantErr: "USERPROFILE",
		},
		{
			name: "windows portable by flag",
			opts: Options{GOOS: "windows", Portable: true, ExePath: `E:\ChiSo\parindex.exe`, Getenv: winEnv},
			want: Dirs{Data: `E:\ChiSo\parindex-data`, Config: `E:\ChiSo\parindex-data`, Portable: true, Why: "--portable"},
		},
		{
			name: "windows portable by portable.txt, exe at a drive's root",
			opts: Options{GOOS: "windows", ExePath: `E:\parindex.exe`, Getenv: winEnv, Exists: files(`E:\portable.txt`)},
			want: Dirs{Data: `E:\parindex-data`, Config: `E:\parindex-data`, Portable: true, Why: "portable.txt"},
		},
		{
			name: "windows portable on a network share",
			opts: Options{GOOS: "windows", ExePath: `\\so-noi-vu\chung\parindex.exe`, Getenv: env("PARINDEX_PORTABLE", "1")},
			want: Dirs{Data: `\\so-noi-vu\chung\parindex-data`, Config: `\\so-noi-vu\chung\parindex-data`, Portable: true, Why: "PARINDEX_PORTABLE=1"},
		},
		{
			name: "linux defaults",
			opts: Options{GOOS: "linux", ExePath: "/usr/local/bin/parindex", Getenv: env("HOME", "/home/lan")},
			want: Dirs{Data: "/home/lan/.local/share/parindex", Config: "/home/lan/.config/parindex"},
		},
		{
			name: "linux XDG variables",
			opts: Options{GOOS: "linux", ExePath: "/usr/local/bin/parindex", Getenv: env("HOME", "/home/lan", "XDG_DATA_HOME", "/data/lan", "XDG_CONFIG_HOME", "/etc/lan/")},
			want: Dirs{Data: "/data/lan/parindex", Config: "/etc/lan/parindex"},
		},
		{
			name: "linux relative XDG variables are ignored",
			opts: Options{GOOS: "linux", ExePath: "/usr/local/bin/parindex", Getenv: env("HOME", "/home/lan", "XDG_DATA_HOME", "data", "XDG_CONFIG_HOME", "./cfg")},
			want: Dirs{Data: "/home/lan/.local/share/parindex", Config: "/home/lan/.config/parindex"},
		},
		{
			name: "linux XDG without HOME",
			opts: Options{GOOS: "linux", ExePath: "/opt/parindex", Getenv: env("XDG_DATA_HOME", "/d", "XDG_CONFIG_HOME", "/c")},
			want: Dirs{Data: "/d/parindex", Config: "/c/parindex"},
		},
		{
			name:    "linux with nothing set",
			opts:    Options{GOOS: "linux", ExePath: "/opt/parindex", Getenv: env()},
			wantErr: "HOME",
		},
		{
			name: "linux portable by environment",
			opts: Options{GOOS: "linux", ExePath: "/media/usb/parindex", Getenv: env("HOME", "/home/lan", "PARINDEX_PORTABLE", "yes")},
			want: Dirs{Data: "/media/usb/parindex-data", Config: "/media/usb/parindex-data", Portable: true, Why: "PARINDEX_PORTABLE=yes"},
		},
		{
			name: "linux PARINDEX_PORTABLE=0 leaves it off",
			opts: Options{GOOS: "linux", ExePath: "/media/usb/parindex", Getenv: env("HOME", "/home/lan", "PARINDEX_PORTABLE", "0")},
			want: Dirs{Data: "/home/lan/.local/share/parindex", Config: "/home/lan/.config/parindex"},
		},
		{
			name:    "a typo in PARINDEX_PORTABLE is an error",
			opts:    Options{GOOS: "linux", ExePath: "/media/usb/parindex", Getenv: env("HOME", "/home/lan", "PARINDEX_PORTABLE", "portable")},
			wantErr: "PARINDEX_PORTABLE",
		},
		{
			name: "the flag wins over the environment's reason",
			opts: Options{GOOS: "linux", Portable: true, ExePath: "/media/usb/parindex", Getenv: env("PARINDEX_PORTABLE", "1"), Exists: files("/media/usb/portable.txt")},
			want: Dirs{Data: "/media/usb/parindex-data", Config: "/media/usb/parindex-data", Portable: true, Why: "--portable"},
		},
		{
			name: "portable.txt elsewhere does not count",
			opts: Options{GOOS: "linux", ExePath: "/usr/bin/parindex", Getenv: env("HOME", "/home/lan"), Exists: files("/home/lan/portable.txt")},
			want: Dirs{Data: "/home/lan/.local/share/parindex", Config: "/home/lan/.config/parindex"},
		},
		{
			name: "freebsd follows XDG",
			opts: Options{GOOS: "freebsd", ExePath: "/usr/local/bin/parindex", Getenv: env("HOME", "/usr/home/lan")},
			want: Dirs{Data: "/usr/home/lan/.local/share/parindex", Config: "/usr/home/lan/.config/parindex"},
		},
		{
			name: "macOS",
			opts: Options{GOOS: "darwin", ExePath: "/Applications/Chỉ số CCHC.app/Contents/MacOS/parindex", Getenv: env("HOME", "/Users/lan", "XDG_DATA_HOME", "/ignored")},
			want: Dirs{Data: "/Users/lan/Library/Application Support/parindex", Config: "/Users/lan/Library/Application Support/parindex"},
		},
		{
			name: "macOS portable",
			opts: Options{GOOS: "darwin", ExePath: "/Volumes/USB/parindex", Getenv: env("HOME", "/Users/lan"), Exists: files("/Volumes/USB/portable.txt")},
			want: Dirs{Data: "/Volumes/USB/parindex-data", Config: "/Volumes/USB/parindex-data", Portable: true, Why: "portable.txt"},
		},
		{
			name:    "macOS without HOME",
			opts:    Options{GOOS: "darwin", ExePath: "/Applications/parindex", Getenv: env()},
			wantErr: "HOME",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts.Exists == nil {
				tt.opts.Exists = files()
			}
			got, err := Resolve(tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Resolve() = %+v, %v; want an error mentioning %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(): %v", err)
			}
			if got != tt.want {
				t.Errorf("Resolve() =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

// TestPortableFileOnDisk uses the real file system: portable.txt beside a
// (pretend) executable switches portable mode on, and Ensure makes the folder
// private to the user.
func TestPortableFileOnDisk(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "parindex")
	opts := Options{ExePath: exe, Getenv: env("HOME", dir, "USERPROFILE", dir, "APPDATA", dir, "LOCALAPPDATA", dir)}

	d, err := Resolve(opts)
	if err != nil {
		t.Fatal(err)
	}
	if d.Portable {
		t.Fatalf("portable without portable.txt: %+v", d)
	}

	if err := os.WriteFile(filepath.Join(dir, PortableFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err = Resolve(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, PortableDir)
	if !d.Portable || d.Why != PortableFile || d.Data != want || d.Config != want {
		t.Fatalf("Resolve() = %+v, want portable in %s", d, want)
	}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() {
		t.Fatalf("%s is not a folder", want)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("%s has mode %v, want 0700", want, fi.Mode().Perm())
	}
	if err := d.Ensure(); err != nil { // twice is fine
		t.Fatal(err)
	}
}

// TestThisProcess resolves with the zero Options: the real environment and
// executable (the test binary, which has no portable.txt beside it).
func TestThisProcess(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("USERPROFILE", home)
	t.Setenv("APPDATA", filepath.Join(home, "Roaming"))
	t.Setenv("LOCALAPPDATA", filepath.Join(home, "Local"))
	t.Setenv(PortableEnv, "")
	d, err := Resolve(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Portable || !strings.HasPrefix(d.Data, home) || !strings.HasPrefix(d.Config, home) {
		t.Fatalf("Resolve(Options{}) = %+v, want folders under %s", d, home)
	}

	t.Setenv(PortableEnv, "1")
	d, err = Resolve(Options{})
	if err != nil {
		t.Fatal(err)
	}
	exe, err := executable()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(exe), PortableDir); d.Data != want || !d.Portable {
		t.Fatalf("Resolve(Options{}) with %s=1 = %+v, want data in %s", PortableEnv, d, want)
	}
}

func TestEnsureRejectsEmpty(t *testing.T) {
	if err := (Dirs{Data: t.TempDir()}).Ensure(); err == nil {
		t.Fatal("Ensure with an empty Config succeeded")
	}
}
