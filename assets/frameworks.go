package assets

import (
	"embed"
	"io/fs"
	"sort"
)

// Frameworks holds the sample criteria frameworks (bộ chỉ số MẪU), read as
// "frameworks/so-nganh-quan-huyen-2024.json" and so on. They follow the
// published structures but are not official texts: each has "sample": true
// and a name beginning with "MẪU". The format is described in
// frameworks/README.md; load a file with exchange.ReadFrameworkJSON.
//
//go:embed frameworks/*.json
var Frameworks embed.FS

// SampleFrameworks lists the paths of the sample framework files inside
// Frameworks (such as "frameworks/xa-phuong-2025.json"), sorted by name.
func SampleFrameworks() ([]string, error) {
	names, err := fs.Glob(Frameworks, "frameworks/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}
