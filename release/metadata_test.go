package release

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"parindex/assets"
	"parindex/version"
)

// root is the repository root, seen from this package's folder where go test runs.
const root = ".."

// fyneApp reads FyneApp.toml's keys as section.key -> value (quotes removed).
// The file is flat enough that a few lines of parsing beat a TOML dependency.
func fyneApp(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kv := map[string]string{}
	section := ""
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("FyneApp.toml: cannot read line %q", line)
			}
			v = strings.TrimSpace(v)
			if uq, err := strconv.Unquote(v); err == nil {
				v = uq
			}
			kv[section+"."+strings.TrimSpace(k)] = v
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return kv
}

func TestFyneAppMatchesVersion(t *testing.T) {
	kv := fyneApp(t)
	if got := kv["Details.Version"]; got != version.Version {
		t.Errorf("FyneApp.toml [Details] Version = %q, version.Version = %q: they must agree", got, version.Version)
	}
	want := map[string]string{
		"Details.Name": "Chỉ số CCHC",
		"Details.ID":   "vn.parindex.chisocchc",
		"Details.Icon": "assets/icon.png",
	}
	for k, v := range want {
		if kv[k] != v {
			t.Errorf("FyneApp.toml %s = %q, want %q", k, kv[k], v)
		}
	}
	if b, err := strconv.Atoi(kv["Details.Build"]); err != nil || b < 1 {
		t.Errorf("FyneApp.toml [Details] Build = %q, want a number ≥ 1", kv["Details.Build"])
	}
}

func TestIcon(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, "assets", "icon.png"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, assets.Icon) {
		t.Error("assets.Icon differs from assets/icon.png")
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("assets/icon.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("assets/icon.png is %v, want 512×512", b.Size())
	}
	// transparent outside the rounded tile, opaque in its middle
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Errorf("icon corner alpha = %d, want transparent", a)
	}
	if _, _, _, a := img.At(256, 256).RGBA(); a != 0xffff {
		t.Errorf("icon centre alpha = %d, want opaque", a)
	}

	svg, err := os.ReadFile(filepath.Join(root, "assets", "icon.svg"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("assets/icon.svg: %v", err)
	}
	if doc.ViewBox != "0 0 512 512" || len(doc.Paths) == 0 {
		t.Errorf("assets/icon.svg: viewBox %q with %d paths, want 0 0 512 512 with some", doc.ViewBox, len(doc.Paths))
	}
}

func TestReleaseScriptIsExecutable(t *testing.T) {
	fi, err := os.Stat(filepath.Join(root, "scripts", "release"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("scripts/release is not executable (mode %v)", fi.Mode())
	}
}
