package ui

import (
	"fmt"

	"parindex/version"
)

// Lang is a language of the app.
type Lang string

// The two languages; Vietnamese is the default.
const (
	Vietnamese Lang = "vi"
	English    Lang = "en"
)

func (l Lang) valid() bool { return l == Vietnamese || l == English }

// T returns the text of a catalogue key in the language (the key itself
// when the catalogue lacks it, which a test forbids).
func (l Lang) T(key string) string {
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	if l == English {
		return m.en
	}
	return m.vi
}

// Tf translates a key and fills its verbs like fmt.Sprintf.
func (l Lang) Tf(key string, a ...any) string { return fmt.Sprintf(l.T(key), a...) }

func (l Lang) has(key string) bool { _, ok := catalogue[key]; return ok }

func versionString() string { return version.Version }

// msg is one entry of the catalogue.
type msg struct{ vi, en string }
