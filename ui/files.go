package ui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// chooseFile shows Fyne's open dialog for files with one of exts (".pdf")
// and calls pick with the chosen path on the UI goroutine.
func chooseFile(st *State, exts []string, pick func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			st.showError(err)
			return
		}
		if r == nil {
			return
		}
		p := r.URI().Path()
		r.Close()
		pick(p)
	}, st.Win)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	st.dialogLocation(d)
	d.Resize(fyne.NewSize(880, 560))
	d.Show()
}

// chooseSave shows Fyne's save dialog proposing name and calls pick with
// the chosen path; the program then writes the file itself.
func chooseSave(st *State, name string, exts []string, pick func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			st.showError(err)
			return
		}
		if w == nil {
			return
		}
		p := w.URI().Path()
		w.Close()
		pick(p)
	}, st.Win)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	st.dialogLocation(d)
	d.Resize(fyne.NewSize(880, 560))
	d.Show()
}

// dialogLocation starts file dialogs in the folder of the council file, or
// the data folder.
func (st *State) dialogLocation(d *dialog.FileDialog) {
	dir := st.dirs.Data
	if st.council != nil {
		dir = filepath.Dir(st.council.Path())
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
}

// writeFile writes b to path, replacing it.
func writeFile(path string, b []byte) error {
	return os.WriteFile(path, b, 0o644)
}
