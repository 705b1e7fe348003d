//go:build ignore

// Genicon draws the application icon of parindex ("Chỉ số CCHC") and writes it
// twice from the same list of shapes: assets/icon.svg (the source a designer
// edits or scales) and assets/icon.png (512×512, what FyneApp.toml, the Windows
// resource and the Linux desktop entry use). Both files are committed; run this
// only after changing a shape:
//
//	go run ./release/genicon.go
//
// The design is our own: a white document on a red tile, with three rising gold
// bars (an index going up). No flag, star or state emblem.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/vector"
)

const size = 512

// op is one step of a path, in SVG's absolute commands M, L, C and Z.
type op struct {
	cmd byte
	pts []float32
}

type path []op

func (p *path) moveTo(x, y float32) { *p = append(*p, op{'M', []float32{x, y}}) }
func (p *path) lineTo(x, y float32) { *p = append(*p, op{'L', []float32{x, y}}) }
func (p *path) cubeTo(x1, y1, x2, y2, x, y float32) {
	*p = append(*p, op{'C', []float32{x1, y1, x2, y2, x, y}})
}
func (p *path) close() { *p = append(*p, op{'Z', nil}) }

// kappa places cubic control points so that a quarter of a circle is drawn.
const kappa = 0.5522847

// corner draws a quarter circle of radius r from the current point around the
// corner (cx, cy) to the point (x, y).
func (p *path) corner(fromX, fromY, cx, cy, x, y float32) {
	p.cubeTo(fromX+(cx-fromX)*kappa, fromY+(cy-fromY)*kappa, x+(cx-x)*kappa, y+(cy-y)*kappa, x, y)
}

// roundRect is a rectangle with corners of radius r; cut, when non-zero, folds
// the top-right corner over by that many pixels instead of rounding it.
func roundRect(x0, y0, x1, y1, r, cut float32) path {
	var p path
	p.moveTo(x0+r, y0)
	if cut > 0 {
		p.lineTo(x1-cut, y0)
		p.lineTo(x1, y0+cut)
	} else {
		p.lineTo(x1-r, y0)
		p.corner(x1-r, y0, x1, y0, x1, y0+r)
	}
	p.lineTo(x1, y1-r)
	p.corner(x1, y1-r, x1, y1, x1-r, y1)
	p.lineTo(x0+r, y1)
	p.corner(x0+r, y1, x0, y1, x0, y1-r)
	p.lineTo(x0, y0+r)
	p.corner(x0, y0+r, x0, y0, x0+r, y0)
	p.close()
	return p
}

func polygon(pts ...float32) path {
	var p path
	p.moveTo(pts[0], pts[1])
	for i := 2; i < len(pts); i += 2 {
		p.lineTo(pts[i], pts[i+1])
	}
	p.close()
	return p
}

func (p path) svg() string {
	var b strings.Builder
	for _, o := range p {
		b.WriteByte(o.cmd)
		for i, v := range o.pts {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.2f", v)
		}
	}
	return strings.ReplaceAll(b.String(), ".00", "")
}

// fill is a flat colour, or a vertical gradient from top to bottom of the icon.
type fill struct {
	top, bottom color.NRGBA
}

func flat(hex uint32) fill { c := rgb(hex); return fill{c, c} }

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}

func hex(c color.NRGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }

// gradient is the image.Image a vertical fill paints with.
type gradient struct{ f fill }

func (g gradient) ColorModel() color.Model { return color.NRGBAModel }
func (g gradient) Bounds() image.Rectangle { return image.Rect(-1e9, -1e9, 1e9, 1e9) }
func (g gradient) At(_, y int) color.Color {
	t := (float64(y) + 0.5) / size
	t = min(max(t, 0), 1)
	mix := func(a, b uint8) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t + 0.5) }
	return color.NRGBA{mix(g.f.top.R, g.f.bottom.R), mix(g.f.top.G, g.f.bottom.G), mix(g.f.top.B, g.f.bottom.B), 0xff}
}

type shape struct {
	p path
	f fill
}

// Palette: the red and gold of Vietnamese public service signage, a warm paper
// white and a muted grey for the lines of text.
var (
	redTop    = rgb(0xD32F2F)
	redBottom = rgb(0x8E1616)
)

const (
	gold     uint32 = 0xF5B800
	paper    uint32 = 0xFFFDF7
	fold     uint32 = 0xE9DDBE
	textLine uint32 = 0xC9C2B6
	baseline uint32 = 0x8E1616
)

func shapes() []shape {
	return []shape{
		{roundRect(16, 16, 496, 496, 96, 0), fill{redTop, redBottom}},
		// the document, its top-right corner folded
		{roundRect(120, 80, 392, 432, 24, 64), flat(paper)},
		{polygon(328, 80, 328, 134, 338, 144, 392, 144), flat(fold)},
		// three lines of text
		{roundRect(160, 128, 288, 146, 9, 0), flat(textLine)},
		{roundRect(160, 168, 352, 186, 9, 0), flat(textLine)},
		{roundRect(160, 208, 320, 226, 9, 0), flat(textLine)},
		// rising bars on a baseline
		{roundRect(168, 318, 212, 390, 6, 0), flat(gold)},
		{roundRect(234, 284, 278, 390, 6, 0), flat(gold)},
		{roundRect(300, 250, 344, 390, 6, 0), flat(gold)},
		{roundRect(152, 384, 360, 396, 6, 0), flat(baseline)},
	}
}

func writeSVG(file string, ss []shape) error {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString("<!-- parindex icon, made by release/genicon.go: edit there and regenerate. -->\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", size, size, size, size)
	b.WriteString("  <title>Chỉ số CCHC</title>\n")
	b.WriteString("  <defs>\n")
	grads := 0
	for _, s := range ss {
		if s.f.top != s.f.bottom {
			grads++
			fmt.Fprintf(&b, `    <linearGradient id="g%d" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="0" y2="%d">`+"\n", grads, size)
			fmt.Fprintf(&b, `      <stop offset="0" stop-color="%s"/>`+"\n", hex(s.f.top))
			fmt.Fprintf(&b, `      <stop offset="1" stop-color="%s"/>`+"\n", hex(s.f.bottom))
			b.WriteString("    </linearGradient>\n")
		}
	}
	b.WriteString("  </defs>\n")
	grads = 0
	for _, s := range ss {
		paint := hex(s.f.top)
		if s.f.top != s.f.bottom {
			grads++
			paint = fmt.Sprintf("url(#g%d)", grads)
		}
		fmt.Fprintf(&b, `  <path fill="%s" d="%s"/>`+"\n", paint, s.p.svg())
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(file, b.Bytes(), 0o644)
}

func writePNG(file string, ss []shape) error {
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	for _, s := range ss {
		r := vector.NewRasterizer(size, size)
		r.DrawOp = draw.Over
		for _, o := range s.p {
			switch o.cmd {
			case 'M':
				r.MoveTo(o.pts[0], o.pts[1])
			case 'L':
				r.LineTo(o.pts[0], o.pts[1])
			case 'C':
				r.CubeTo(o.pts[0], o.pts[1], o.pts[2], o.pts[3], o.pts[4], o.pts[5])
			case 'Z':
				r.ClosePath()
			}
		}
		r.Draw(dst, dst.Bounds(), gradient{s.f}, image.Point{})
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, dst); err != nil {
		return err
	}
	return os.WriteFile(file, b.Bytes(), 0o644)
}

func main() {
	dir := "assets"
	if _, err := os.Stat(filepath.Join(dir, "fonts.go")); err != nil {
		log.Fatal("run from the repository root: go run ./release/genicon.go")
	}
	ss := shapes()
	if err := writeSVG(filepath.Join(dir, "icon.svg"), ss); err != nil {
		log.Fatal(err)
	}
	if err := writePNG(filepath.Join(dir, "icon.png"), ss); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote assets/icon.svg and assets/icon.png")
}
