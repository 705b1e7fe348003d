package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Screen is one entry of the navigation: registered as data so that other
// issues can replace a screen's constructor without touching the shell.
type Screen struct {
	ID           string
	Title        string // catalogue key
	Icon         fyne.Resource
	Roles        []Role // who may open it; nil: everyone
	NeedsCouncil bool   // only when a council file is open
	New          func(*State) fyne.CanvasObject
}

// allowedFor reports whether a user of role r may open the screen.
func (s Screen) allowedFor(r Role) bool {
	if len(s.Roles) == 0 {
		return true
	}
	for _, x := range s.Roles {
		if x == r {
			return true
		}
	}
	return false
}

var (
	secretaryOnly   = []Role{RoleSecretary}
	everyoneInFile  []Role // nil: everyone
	defaultForRoles = map[Role]string{RoleSecretary: "scoring", RoleChair: "results", RoleMember: "scoring"}
)

var (
	screensOnce sync.Once
	screenList  []Screen
	screenMap   map[string]Screen
)

// screens returns the registry, built on first use (theme icons need the app).
func screens() []Screen {
	screensOnce.Do(func() {
		screenList = registry()
		screenMap = indexScreens(screenList)
	})
	return screenList
}

// screenByID returns the registered screen id.
func screenByID(id string) Screen {
	screens()
	return screenMap[id]
}

// registry lists the screens in navigation order.
func registry() []Screen {
	return []Screen{
		{ID: "start", Title: "nav.start", Icon: theme.HomeIcon(), New: newStartScreen},
		{ID: "setup", Title: "nav.setup", Icon: theme.SettingsIcon(), Roles: secretaryOnly, NeedsCouncil: true, New: newSetupScreen},
		{ID: "scoring", Title: "nav.scoring", Icon: theme.DocumentCreateIcon(), Roles: everyoneInFile, NeedsCouncil: true, New: newScoringScreen},
		{ID: "discrepancies", Title: "nav.discrepancies", Icon: theme.WarningIcon(), Roles: chairAndSecretary(), NeedsCouncil: true, New: newDiscrepancyScreen},
		{ID: "results", Title: "nav.results", Icon: theme.GridIcon(), Roles: chairAndSecretary(), NeedsCouncil: true, New: newResultsScreen},
		{ID: "council", Title: "nav.council", Icon: theme.AccountIcon(), NeedsCouncil: true, New: NewCouncilScreen},
		{ID: "spreadsheets", Title: "nav.spreadsheets", Icon: theme.ListIcon(), Roles: chairAndSecretary(), NeedsCouncil: true, New: NewSpreadsheetScreen},
		{ID: "reports", Title: "nav.reports", Icon: theme.DocumentPrintIcon(), Roles: chairAndSecretary(), NeedsCouncil: true, New: newReportsScreen},
		{ID: "audit", Title: "nav.audit", Icon: theme.HistoryIcon(), Roles: chairAndSecretary(), NeedsCouncil: true, New: newAuditScreen},
	}
}

func chairAndSecretary() []Role { return []Role{RoleSecretary, RoleChair} }

func indexScreens(s []Screen) map[string]Screen {
	m := make(map[string]Screen, len(s))
	for _, x := range s {
		m[x.ID] = x
	}
	return m
}
