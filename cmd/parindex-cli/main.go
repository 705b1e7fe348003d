// Command parindex-cli is the council's work without a window: demo data,
// frameworks, compute, reports, signatures, member packages, spreadsheets and
// the audit log. It builds with CGO_ENABLED=0. Run parindex-cli --help.
package main

import (
	"os"

	"parindex/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
