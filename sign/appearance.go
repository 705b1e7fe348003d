package sign

// The visible signature: a picture of the stamp rendered here with the embedded
// Liberation Serif (so Vietnamese is always drawn correctly, whatever fonts the
// reader has) and placed on the page as an image XObject inside the widget's
// appearance stream.

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // signature images may also be JPEG
	_ "image/png"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"parindex/assets"
)

// pxPerPt is the stamp picture's resolution: 3 pixels per point is 216 dpi.
const pxPerPt = 3.0

var stampColor = color.NRGBA{R: 0x12, G: 0x2b, B: 0x8a, A: 0xff} // dark blue ink

var (
	fontsOnce             sync.Once
	fontRegular, fontBold *opentype.Font
	fontsErr              error
)

func loadFonts() (*opentype.Font, *opentype.Font, error) {
	fontsOnce.Do(func() {
		parse := func(name string) *opentype.Font {
			b, err := assets.Fonts.ReadFile("fonts/" + name)
			if err != nil {
				fontsErr = fmt.Errorf("read font %s: %w", name, err)
				return nil
			}
			f, err := opentype.Parse(b)
			if err != nil {
				fontsErr = fmt.Errorf("parse font %s: %w", name, err)
			}
			return f
		}
		fontRegular = parse("LiberationSerif-Regular.ttf")
		fontBold = parse("LiberationSerif-Bold.ttf")
	})
	return fontRegular, fontBold, fontsErr
}

// stampLine is one paragraph of the stamp.
type stampLine struct {
	text string
	bold bool
}

// renderStamp draws the stamp for a box of wPt x hPt points: the signature image and
// the seal (overlapping the image's left third) on the left when given, the lines of
// text on the right, on a transparent background with a thin border.
func renderStamp(wPt, hPt float64, lines []stampLine, sigImage, seal []byte) (*image.NRGBA, error) {
	regular, bold, err := loadFonts()
	if err != nil {
		return nil, err
	}
	w, h := int(wPt*pxPerPt+0.5), int(hPt*pxPerPt+0.5)
	if w < 8 || h < 8 || w > 8000 || h > 8000 {
		return nil, fmt.Errorf("signature box %.1f x %.1f pt is too small or too large", wPt, hPt)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	pad := int(3 * pxPerPt)
	textLeft := pad

	var sigImg, sealImg image.Image
	if len(sigImage) > 0 {
		if sigImg, _, err = image.Decode(bytes.NewReader(sigImage)); err != nil {
			return nil, fmt.Errorf("decode signature image: %w", err)
		}
	}
	if len(seal) > 0 {
		if sealImg, _, err = image.Decode(bytes.NewReader(seal)); err != nil {
			return nil, fmt.Errorf("decode seal image: %w", err)
		}
	}
	if sigImg != nil || sealImg != nil {
		left := image.Rect(pad, pad, w*2/5, h-pad)
		textLeft = left.Max.X + pad
		var sigBox image.Rectangle
		if sigImg != nil {
			sigBox = fit(sigImg.Bounds(), left)
			xdraw.ApproxBiLinear.Scale(img, sigBox, sigImg, sigImg.Bounds(), xdraw.Over, nil)
		}
		if sealImg != nil {
			side := min(left.Dy(), left.Dx()*3/4)
			area := image.Rect(0, 0, side, side)
			if sigImg != nil { // centred on the left third of the signature
				cx := sigBox.Min.X + sigBox.Dx()/6
				area = area.Add(image.Pt(max(left.Min.X, cx-side/2), left.Min.Y+(left.Dy()-side)/2))
			} else {
				area = area.Add(image.Pt(left.Min.X+(left.Dx()-side)/2, left.Min.Y+(left.Dy()-side)/2))
			}
			xdraw.ApproxBiLinear.Scale(img, fit(sealImg.Bounds(), area), sealImg, sealImg.Bounds(), xdraw.Over, nil)
		}
	}

	// Text: the largest size (at most 10 pt) at which the lines fit, preferring
	// one line per paragraph down to 6.5 pt before wrapping.
	tw, th := w-textLeft-pad, h-2*pad
	if tw < 4 {
		return img, nil
	}
	var faces [2]font.Face
	var wrapped []stampLine
	var lineH float64
	try := func(size float64, wrap bool) (bool, error) {
		px := size * pxPerPt
		faces[0], _ = opentype.NewFace(regular, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
		faces[1], _ = opentype.NewFace(bold, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
		if faces[0] == nil || faces[1] == nil {
			return false, fmt.Errorf("make font face of %.1f pt", size)
		}
		wrapped = wrapped[:0]
		fits := true
		for _, ln := range lines {
			face := faces[0]
			if ln.bold {
				face = faces[1]
			}
			parts := []string{ln.text}
			if wrap {
				parts = wrapText(face, ln.text, tw)
			}
			for _, s := range parts {
				if font.MeasureString(face, s).Ceil() > tw {
					fits = false
				}
				wrapped = append(wrapped, stampLine{text: s, bold: ln.bold})
			}
		}
		lineH = px * 1.2
		return fits && float64(len(wrapped))*lineH <= float64(th), nil
	}
	found := false
	for _, pass := range []struct {
		wrap     bool
		smallest float64
	}{{false, 6.5}, {true, 3}} {
		for size := 10.0; size >= pass.smallest && !found; size -= 0.25 {
			ok, err := try(size, pass.wrap)
			if err != nil {
				return nil, err
			}
			found = ok
		}
	}
	if !found { // nothing fits: draw at the smallest size, clipped
		if _, err := try(3, true); err != nil {
			return nil, err
		}
	}
	ascent := float64(faces[0].Metrics().Ascent.Ceil())
	y := float64(pad) + (float64(th)-float64(len(wrapped))*lineH)/2 + ascent + (lineH-float64(faces[0].Metrics().Height.Ceil()))/2
	for _, ln := range wrapped {
		face := faces[0]
		if ln.bold {
			face = faces[1]
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(stampColor), Face: face,
			Dot: fixed.Point26_6{X: fixed.I(textLeft), Y: fixed.Int26_6(y * 64)}}
		d.DrawString(ln.text)
		y += lineH
	}
	// Thin border.
	b := 2 // pixels, about 0.7 pt
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, w, b), image.Rect(0, h-b, w, h), image.Rect(0, 0, b, h), image.Rect(w-b, 0, w, h),
	} {
		xdraw.Draw(img, r, image.NewUniform(stampColor), image.Point{}, xdraw.Over)
	}
	return img, nil
}

// fit returns the largest rectangle with src's aspect ratio centred in dst.
func fit(src, dst image.Rectangle) image.Rectangle {
	sw, sh := src.Dx(), src.Dy()
	if sw <= 0 || sh <= 0 || dst.Empty() {
		return image.Rectangle{}
	}
	w, h := dst.Dx(), dst.Dx()*sh/sw
	if h > dst.Dy() {
		w, h = dst.Dy()*sw/sh, dst.Dy()
	}
	x, y := dst.Min.X+(dst.Dx()-w)/2, dst.Min.Y+(dst.Dy()-h)/2
	return image.Rect(x, y, x+w, y+h)
}

// wrapText breaks s into lines no wider than width where spaces allow.
func wrapText(face font.Face, s string, width int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil
	}
	var out []string
	cur := words[0]
	for _, w := range words[1:] {
		if font.MeasureString(face, cur+" "+w).Ceil() <= width {
			cur += " " + w
			continue
		}
		out = append(out, cur)
		cur = w
	}
	return append(out, cur)
}

// imageXObjects turns img into the data of an RGB image XObject and its soft mask,
// both zlib-compressed (the mask is nil when img is opaque).
func imageXObjects(img *image.NRGBA) (rgb, alpha []byte, err error) {
	b := img.Bounds()
	var rb, ab bytes.Buffer
	rz, _ := zlib.NewWriterLevel(&rb, zlib.BestSpeed)
	az, _ := zlib.NewWriterLevel(&ab, zlib.BestSpeed)
	row := make([]byte, 3*b.Dx())
	arow := make([]byte, b.Dx())
	opaque := true
	for y := b.Min.Y; y < b.Max.Y; y++ {
		px := img.Pix[img.PixOffset(b.Min.X, y):]
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, a := px[4*x], px[4*x+1], px[4*x+2], px[4*x+3]
			row[3*x], row[3*x+1], row[3*x+2] = r, g, bl
			arow[x] = a
			if a != 0xff {
				opaque = false
			}
		}
		if _, err := rz.Write(row); err != nil {
			return nil, nil, err
		}
		if _, err := az.Write(arow); err != nil {
			return nil, nil, err
		}
	}
	if err := rz.Close(); err != nil {
		return nil, nil, err
	}
	if err := az.Close(); err != nil {
		return nil, nil, err
	}
	if opaque {
		return rb.Bytes(), nil, nil
	}
	return rb.Bytes(), ab.Bytes(), nil
}
