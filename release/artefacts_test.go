package release

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/pe"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"parindex/version"
)

const (
	appName    = "Chỉ số CCHC"
	appID      = "vn.parindex.chisocchc"
	maxAppSize = 60 << 20 // an office laptop downloads it over the agency's line

	subsystemGUI     = 2 // IMAGE_SUBSYSTEM_WINDOWS_GUI
	subsystemConsole = 3 // IMAGE_SUBSYSTEM_WINDOWS_CUI
	magicPE32Plus    = 0x20b

	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// The artefacts scripts/release makes for version.Version.
var (
	winApp   = "parindex-" + version.Version + "-windows-amd64.exe"
	winCLI   = "parindex-cli-" + version.Version + "-windows-amd64.exe"
	linuxApp = "parindex-" + version.Version + "-linux-amd64.tar.xz"
	linuxCLI = "parindex-cli-" + version.Version + "-linux-amd64"
)

// releaseDir is the dist folder to check, from PARINDEX_RELEASE_DIR; a relative
// path is taken from the repository root (PARINDEX_RELEASE_DIR=dist).
func releaseDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PARINDEX_RELEASE_DIR")
	if dir == "" {
		t.Skip("PARINDEX_RELEASE_DIR not set: run scripts/release, then PARINDEX_RELEASE_DIR=dist go test ./release/")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("PARINDEX_RELEASE_DIR=%s is not a folder: %v", os.Getenv("PARINDEX_RELEASE_DIR"), err)
	}
	return dir
}

func TestWindowsApp(t *testing.T) {
	file := filepath.Join(releaseDir(t), winApp)
	f := openPE(t, file, subsystemGUI)
	defer f.Close()
	checkSize(t, file)

	res, err := resources(f)
	if err != nil {
		t.Fatalf("%s: resources: %v", winApp, err)
	}
	for _, typ := range []uint32{rtIcon, rtGroupIcon, rtVersion, rtManifest} {
		if len(res[typ]) == 0 {
			t.Errorf("%s: no resource of type %d (3 icon, 14 icon group, 16 version, 24 manifest)", winApp, typ)
		}
	}
	if vs := res[rtVersion]; len(vs) > 0 {
		checkVersionResource(t, vs[0])
	}

	// the .exe must run on a bare Windows: no DLL of the mingw runtime.
	// (debug/pe's ImportedLibraries returns nothing; symbols carry the DLL.)
	syms, err := f.ImportedSymbols()
	if err != nil {
		t.Fatal(err)
	}
	dlls := map[string]bool{}
	for _, s := range syms {
		if _, dll, ok := strings.Cut(s, ":"); ok {
			dlls[strings.ToLower(dll)] = true
		}
	}
	if !dlls["kernel32.dll"] || !dlls["opengl32.dll"] {
		t.Errorf("%s imports %v, want kernel32.dll and opengl32.dll among them", winApp, dlls)
	}
	for dll := range dlls {
		if strings.HasPrefix(dll, "libgcc") || strings.HasPrefix(dll, "libwinpthread") || strings.HasPrefix(dll, "libstdc++") {
			t.Errorf("%s imports %s, which Windows does not have", winApp, dll)
		}
	}
	t.Logf("%s: resources of types %v; imports %v", winApp, keys(res), keys(dlls))
}

func keys[K comparable, V any](m map[K]V) []K {
	var ks []K
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestWindowsCLI(t *testing.T) {
	file := filepath.Join(releaseDir(t), winCLI)
	f := openPE(t, file, subsystemConsole)
	f.Close()
	checkSize(t, file)
}

func TestLinuxTarball(t *testing.T) {
	file := filepath.Join(releaseDir(t), linuxApp)
	files := untarXZ(t, file)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}

	find := func(what string, match func(string) bool) (string, []byte) {
		t.Helper()
		for n, b := range files {
			if match(n) {
				return n, b
			}
		}
		t.Fatalf("%s has no %s; it has %v", linuxApp, what, names)
		return "", nil
	}
	_, desktop := find("desktop entry", func(n string) bool {
		return strings.Contains(n, "/share/applications/") && strings.HasSuffix(n, ".desktop")
	})
	entry := desktopEntry(string(desktop))
	if entry["Name"] != appName {
		t.Errorf("desktop entry Name = %q, want %q", entry["Name"], appName)
	}
	if entry["Type"] != "Application" || entry["Exec"] == "" || entry["Icon"] == "" {
		t.Errorf("desktop entry lacks Type=Application, Exec or Icon:\n%s", desktop)
	}

	exe := strings.Fields(entry["Exec"])
	if len(exe) == 0 {
		t.Fatal("desktop entry has an empty Exec")
	}
	binName, bin := find("executable named by Exec="+exe[0], func(n string) bool {
		return strings.HasSuffix(n, "/bin/"+exe[0])
	})
	if len(bin) >= maxAppSize {
		t.Errorf("%s in %s is %d bytes, want under %d", binName, linuxApp, len(bin), maxAppSize)
	}
	ef, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		t.Fatalf("%s: %v", binName, err)
	}
	if ef.Machine != elf.EM_X86_64 || ef.Type != elf.ET_EXEC && ef.Type != elf.ET_DYN {
		t.Errorf("%s is %v %v, want an x86-64 executable", binName, ef.Machine, ef.Type)
	}

	iconName, icon := find("icon "+entry["Icon"]+".png", func(n string) bool {
		return strings.Contains(n, "/share/") && path.Base(n) == entry["Icon"]+".png"
	})
	img, err := png.Decode(bytes.NewReader(icon))
	if err != nil {
		t.Fatalf("%s: %v", iconName, err)
	}
	if b := img.Bounds(); b.Dx() < 256 || b.Dx() != b.Dy() {
		t.Errorf("%s is %v, want a square of at least 256 pixels", iconName, b.Size())
	}
	if entry["Icon"] != appID {
		t.Errorf("desktop entry Icon = %q, want the app ID %q", entry["Icon"], appID)
	}
	find("Makefile", func(n string) bool { return path.Base(n) == "Makefile" })
}

func TestLinuxCLI(t *testing.T) {
	file := filepath.Join(releaseDir(t), linuxCLI)
	checkSize(t, file)
	f, err := elf.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 {
		t.Errorf("%s is for %v, want x86-64", linuxCLI, f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s is dynamically linked: the CLI is built without cgo to run on any Linux", linuxCLI)
		}
	}
	if fi, err := os.Stat(file); err == nil && fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("%s is not executable", linuxCLI)
	}
}

func TestChecksums(t *testing.T) {
	dir := releaseDir(t)
	raw, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	s := bufio.NewScanner(bytes.NewReader(raw))
	for s.Scan() {
		sum, name, ok := strings.Cut(s.Text(), " ")
		name = strings.TrimPrefix(strings.TrimPrefix(name, " "), "*") // text or binary mode
		if !ok || len(sum) != 64 || name == "" {
			t.Fatalf("SHA256SUMS: bad line %q", s.Text())
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("SHA256SUMS lists %s: %v", name, err)
			continue
		}
		got := sha256.Sum256(b)
		if hex.EncodeToString(got[:]) != strings.ToLower(sum) {
			t.Errorf("SHA256SUMS: %s has sum %x, the file says %s", name, got, sum)
		}
		listed[name] = true
	}
	for _, a := range []string{winApp, winCLI, linuxApp, linuxCLI} {
		if !listed[a] {
			t.Errorf("SHA256SUMS does not list %s", a)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "parindex") && !listed[e.Name()] {
			t.Errorf("%s is in the release folder but not in SHA256SUMS", e.Name())
		}
	}

	report, err := os.ReadFile(filepath.Join(dir, "BUILD-REPORT.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for a := range listed {
		if !strings.Contains(string(report), a) {
			t.Errorf("BUILD-REPORT.txt does not mention %s", a)
		}
	}
}

// openPE opens a Windows executable and checks it is a 64-bit (PE32+) AMD64
// program for the given subsystem.
func openPE(t *testing.T, file string, subsystem uint16) *pe.File {
	t.Helper()
	f, err := pe.Open(file)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(file), err)
	}
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("%s: machine %#x, want AMD64", filepath.Base(file), f.Machine)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		f.Close()
		t.Fatalf("%s: optional header %T, want PE32+", filepath.Base(file), f.OptionalHeader)
	}
	if oh.Magic != magicPE32Plus {
		t.Errorf("%s: optional header magic %#x, want %#x (PE32+)", filepath.Base(file), oh.Magic, magicPE32Plus)
	}
	if oh.Subsystem != subsystem {
		t.Errorf("%s: subsystem %d, want %d (2 GUI: no console window; 3 console)", filepath.Base(file), oh.Subsystem, subsystem)
	}
	return f
}

func checkSize(t *testing.T, file string) {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= maxAppSize {
		t.Errorf("%s is %d bytes, want under %d", filepath.Base(file), fi.Size(), maxAppSize)
	}
	t.Logf("%s: %.1f MiB", filepath.Base(file), float64(fi.Size())/(1<<20))
}

// resources walks the .rsrc section's directory (type / name / language) and
// returns the data of each resource by type ID.
func resources(f *pe.File) (map[uint32][][]byte, error) {
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, errors.New("no .rsrc section")
	}
	raw, err := sec.Data()
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	out := map[uint32][][]byte{}
	var walk func(off uint32, depth int, typ uint32) error
	walk = func(off uint32, depth int, typ uint32) error {
		if depth > 3 || int(off)+16 > len(raw) {
			return fmt.Errorf("resource directory at %#x out of bounds", off)
		}
		n := int(le.Uint16(raw[off+12:])) + int(le.Uint16(raw[off+14:]))
		for i := 0; i < n; i++ {
			e := int(off) + 16 + 8*i
			if e+8 > len(raw) {
				return fmt.Errorf("resource entry at %#x out of bounds", e)
			}
			id, to := le.Uint32(raw[e:]), le.Uint32(raw[e+4:])
			if depth == 0 {
				typ = id // named types (high bit set) are never one of ours
			}
			if to&0x80000000 != 0 {
				if err := walk(to&0x7fffffff, depth+1, typ); err != nil {
					return err
				}
				continue
			}
			if int(to)+16 > len(raw) {
				return fmt.Errorf("resource data entry at %#x out of bounds", to)
			}
			rva, size := le.Uint32(raw[to:]), le.Uint32(raw[to+4:])
			start := int64(rva) - int64(sec.VirtualAddress)
			if start < 0 || start+int64(size) > int64(len(raw)) {
				return fmt.Errorf("resource data at RVA %#x (%d bytes) outside .rsrc", rva, size)
			}
			out[typ] = append(out[typ], raw[start:start+int64(size)])
		}
		return nil
	}
	return out, walk(0, 0, 0)
}

// checkVersionResource reads VS_VERSIONINFO: the fixed file version must be
// version.Version and the strings must name the product.
func checkVersionResource(t *testing.T, vi []byte) {
	t.Helper()
	utf16le := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	if !bytes.Contains(vi, utf16le("VS_VERSION_INFO")) {
		t.Fatal("version resource is not a VS_VERSIONINFO")
	}
	sig := binary.LittleEndian.AppendUint32(nil, 0xFEEF04BD)
	i := bytes.Index(vi, sig)
	if i < 0 || i+16 > len(vi) {
		t.Fatal("version resource has no VS_FIXEDFILEINFO")
	}
	ms, ls := binary.LittleEndian.Uint32(vi[i+8:]), binary.LittleEndian.Uint32(vi[i+12:])
	got := fmt.Sprintf("%d.%d.%d", ms>>16, ms&0xffff, ls>>16)
	want, _, _ := strings.Cut(version.Version, "-")
	if got != want {
		t.Errorf("file version %s (build %d), want %s", got, ls&0xffff, want)
	}
	for _, s := range []string{"ProductName", appName, "ProductVersion", want + "."} {
		if !bytes.Contains(vi, utf16le(s)) {
			t.Errorf("version resource lacks the string %q", s)
		}
	}
}

// untarXZ reads a .tar.xz into memory, by name. Go's library has no xz reader:
// the xz program (Debian xz-utils, which tar -J needs too) decompresses.
func untarXZ(t *testing.T, file string) map[string][]byte {
	t.Helper()
	cmd := exec.Command("xz", "-dc", file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz -dc %s: %v: %s", filepath.Base(file), err, stderr.String())
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(file), err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[strings.TrimPrefix(h.Name, "./")] = b
	}
	return files
}

// desktopEntry returns the keys of a .desktop file's [Desktop Entry] group.
func desktopEntry(s string) map[string]string {
	kv := map[string]string{}
	group := ""
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			group = line
		case group == "[Desktop Entry]":
			if k, v, ok := strings.Cut(line, "="); ok {
				kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	return kv
}
