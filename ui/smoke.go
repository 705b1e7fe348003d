package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
)

// smokeShot is one screenshot of the smoke run: a screen, and for screens
// with tabs the tab to show.
type smokeShot struct {
	name, screen string
	tab          int
}

// smokeShots lists what the smoke run captures, in order.
func smokeShots() []smokeShot {
	var out []smokeShot
	for _, s := range screens() {
		out = append(out, smokeShot{name: s.ID, screen: s.ID})
		if s.ID == "results" {
			out = append(out, smokeShot{"results-fields", "results", 1}, smokeShot{"results-chart", "results", 2})
		}
	}
	return out
}

// SmokeNames lists the PNG files (without .png) that Smoke writes.
func SmokeNames() []string {
	var out []string
	for _, s := range smokeShots() {
		out = append(out, s.name)
	}
	return out
}

// WaitOpen waits until the council file is open and everything has loaded.
// Call it off the UI goroutine.
func (st *State) WaitOpen(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var open bool
		fyne.DoAndWait(func() { open = !st.opening && st.council != nil })
		if open {
			return st.waitIdle(time.Until(deadline))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the council file did not open within %s", timeout)
}

// Smoke opens every main screen in turn, waits for its data, and saves a
// PNG of the window to dir/<screen>.png. Call it off the UI goroutine once
// the window is shown; it returns the first error.
func (st *State) Smoke(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := st.WaitOpen(3 * time.Minute); err != nil {
		return err
	}
	for _, shot := range smokeShots() {
		fyne.DoAndWait(func() {
			st.tabs[shot.screen] = shot.tab
			st.shell.current = ""
			st.shell.show(shot.screen)
		})
		var shown string
		fyne.DoAndWait(func() { shown = st.shell.current })
		if shown != shot.screen {
			return fmt.Errorf("screen %s could not be opened (showing %s)", shot.screen, shown)
		}
		if err := st.waitIdle(time.Minute); err != nil {
			return fmt.Errorf("screen %s: %w", shot.screen, err)
		}
		time.Sleep(600 * time.Millisecond) // a few frames for layout and painting
		var img image.Image
		fyne.DoAndWait(func() { img = st.capture() })
		if img == nil {
			return fmt.Errorf("screen %s: no capture", shot.screen)
		}
		f, err := os.Create(filepath.Join(dir, shot.name+".png"))
		if err != nil {
			return err
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// capture takes a picture of the window with Canvas.Capture. Some OpenGL
// drivers (Mesa's software rasteriser under Xvfb) return an empty front
// buffer; the window's content is then painted again by Fyne's software
// painter, and the window rebuilt since its objects moved canvas.
func (st *State) capture() image.Image {
	img := st.Win.Canvas().Capture()
	if img != nil && !uniform(img) {
		return img
	}
	c := software.NewCanvas()
	c.SetPadded(false)
	size := st.Win.Canvas().Size()
	c.SetContent(st.Win.Content())
	c.Resize(size)
	img = c.Capture()
	st.shell.build()
	return img
}

// uniform reports whether every sampled pixel of img has the same colour.
func uniform(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, a0 := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 || a != a0 {
				return false
			}
		}
	}
	return true
}
