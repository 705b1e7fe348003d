//go:build cgo

// Command parindex is the desktop app of parindex (Chỉ số CCHC): the whole
// period of an appraisal council in one window. It only wires Fyne's app,
// the theme and package ui together.
//
//	parindex [--portable] [--lang vi|en] [--smoke DIR] [COUNCIL-FILE]
//
// --smoke DIR opens the council file (the demo council on a new machine),
// prints "window-shown <ms since start>", saves a PNG of every main screen
// into DIR and quits with status 0, or non-zero on any error.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"parindex/assets"
	"parindex/ui"
)

var start = time.Now()

func main() {
	portable := flag.Bool("portable", false, "keep data and settings in a parindex-data folder beside the program")
	lang := flag.String("lang", "", "language of the window: vi (Tiếng Việt) or en (English)")
	smoke := flag.String("smoke", "", "smoke test: save a screenshot of every screen into `DIR` and quit")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: parindex [--portable] [--lang vi|en] [--smoke DIR] [COUNCIL-FILE]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *lang != "" && *lang != "vi" && *lang != "en" {
		fmt.Fprintln(os.Stderr, "parindex: --lang must be vi or en")
		os.Exit(2)
	}

	a := app.NewWithID("vn.parindex.chisocchc")
	a.Settings().SetTheme(ui.NewTheme()) // before any widget exists
	icon := fyne.NewStaticResource("icon.png", assets.Icon)
	a.SetIcon(icon)
	st, err := ui.New(a, ui.Options{Portable: *portable, File: flag.Arg(0), Lang: ui.Lang(*lang), Start: start})
	if err != nil {
		fmt.Fprintln(os.Stderr, "parindex:", err)
		os.Exit(1)
	}
	st.Win.SetIcon(icon)
	exit := 0
	if *smoke != "" {
		st.Win.Resize(fyne.NewSize(1366, 768))
		go func() { // a smoke run that hangs fails
			time.Sleep(5 * time.Minute)
			fmt.Fprintln(os.Stderr, "parindex: smoke run timed out")
			os.Exit(3)
		}()
		a.Lifecycle().SetOnStarted(func() {
			go func() {
				for {
					var shown bool
					fyne.DoAndWait(func() { shown = st.Win.Canvas().Size().Width > 0 })
					if shown {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
				fyne.DoAndWait(func() {}) // one more turn of the loop: the first frame is drawn
				fmt.Printf("window-shown %d\n", time.Since(start).Milliseconds())
				if err := st.Smoke(*smoke); err != nil {
					fmt.Fprintln(os.Stderr, "parindex: smoke:", err)
					exit = 1
				}
				fyne.Do(a.Quit)
			}()
		})
	}
	st.Start()
	st.Win.SetMaster()
	st.Win.ShowAndRun()
	st.Close()
	os.Exit(exit)
}
