package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"parindex/appdirs"
)

// File names inside the app folders.
const (
	prefsFile   = "prefs.json"       // in the config folder
	councilFile = "council.parindex" // the default council file, in the data folder
	demoFile    = "demo.parindex"    // the demo council, in the data folder
	maxRecent   = 10
)

// Prefs are the user's settings on this laptop, kept as JSON in the config
// folder: the council file last opened, the recent files, the language and
// who the user is in the council.
type Prefs struct {
	LastFile string   `json:"last_file,omitempty"`
	Recent   []string `json:"recent,omitempty"`
	Lang     Lang     `json:"lang,omitempty"`
	Role     Role     `json:"role,omitempty"`
	Member   string   `json:"member,omitempty"` // council member ID

	path string
}

// resolveDirs finds (and creates) the data and config folders. It is the
// one place that knows where they are.
func resolveDirs(portable bool) (appdirs.Dirs, error) {
	d, err := appdirs.Resolve(appdirs.Options{Portable: portable})
	if err != nil {
		return d, err
	}
	return d, d.Ensure()
}

// loadPrefs reads the preferences from path; a missing file gives defaults.
func loadPrefs(path string) (*Prefs, error) {
	p := &Prefs{path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("read preferences: %w", err)
	}
	if err := json.Unmarshal(b, p); err != nil {
		return &Prefs{path: path}, fmt.Errorf("read preferences %s: %w", path, err)
	}
	if !p.Lang.valid() {
		p.Lang = ""
	}
	return p, nil
}

// save writes the preferences atomically (a temporary file renamed over).
func (p *Prefs) save() error {
	if p.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.path), 0o700); err != nil {
		return fmt.Errorf("save preferences: %w", err)
	}
	tmp := p.path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save preferences: %w", err)
	}
	if err := os.Rename(tmp, p.path); err != nil {
		return fmt.Errorf("save preferences: %w", err)
	}
	return nil
}

// addRecent puts path first in the recent files (at most maxRecent) and
// makes it the last file.
func (p *Prefs) addRecent(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	p.LastFile = path
	out := []string{path}
	for _, r := range p.Recent {
		if r != path && len(out) < maxRecent {
			out = append(out, r)
		}
	}
	p.Recent = out
}

// dropRecent removes a file that no longer opens from the recent files.
func (p *Prefs) dropRecent(path string) {
	out := p.Recent[:0]
	for _, r := range p.Recent {
		if r != path {
			out = append(out, r)
		}
	}
	p.Recent = out
	if p.LastFile == path {
		p.LastFile = ""
	}
}
