package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// comingPanel is the explanatory panel of a screen whose content another
// issue provides: what the screen will do, in the user's language.
func comingPanel(st *State, icon fyne.Resource, titleKey, bodyKey string, bulletKeys ...string) fyne.CanvasObject {
	items := []fyne.CanvasObject{title(st.T(titleKey)), wrapLabel(st.T(bodyKey))}
	for _, k := range bulletKeys {
		items = append(items, container.NewBorder(nil, nil, widget.NewIcon(icon), nil, wrapLabel(st.T(k))))
	}
	items = append(items, widget.NewSeparator(), note(st.T("coming.note")))
	box := container.NewVBox(items...)
	return container.NewVScroll(container.NewCenter(fixedWidth(720, panel("", box))))
}
