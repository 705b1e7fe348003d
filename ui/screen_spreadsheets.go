package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// NewSpreadsheetScreen is the "Bảng tính / Spreadsheets" screen: importing
// and exporting frameworks, self-assessments, survey results and scores as
// xlsx or csv. Until that issue fills it, it explains what will be here.
func NewSpreadsheetScreen(st *State) fyne.CanvasObject {
	return comingPanel(st, theme.ListIcon(), "sheets.title", "sheets.body",
		"sheets.b1", "sheets.b2", "sheets.b3", "sheets.b4")
}
