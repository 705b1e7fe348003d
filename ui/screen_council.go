package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// NewCouncilScreen is the "Hội đồng / Council" screen: member packages (a
// member's scores exported from their laptop and merged at the
// secretariat), the decisions log, and finalising or reopening the period.
// Until that issue fills it, it explains what will be here.
func NewCouncilScreen(st *State) fyne.CanvasObject {
	return comingPanel(st, theme.AccountIcon(), "council.title", "council.body",
		"council.b1", "council.b2", "council.b3", "council.b4")
}
