package cli

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"parindex/exchange"
	"parindex/report"
)

func init() { register(settingsCommand()) }

// settingKeys are the period settings the CLI may set: the report header
// fields and the survey answer mapping.
func settingKeys() []string {
	return append(report.SettingKeys(), exchange.SettingSurveyMapping)
}

func settingsCommand() *command {
	var period *int64
	var format *string
	return &command{
		name:    "settings",
		summary: "the period's settings: report header fields (issuing body, number, place, date, signer, recipients, ...) and the survey mapping",
		sub: []*command{
			{
				name:    "show",
				summary: "print the period's settings",
				flags: func(fs *flag.FlagSet) {
					period = fs.Int64("period", 0, "period ID (default: the latest)")
					format = fs.String("format", "table", "table or json")
				},
				run: func(e *Env, _ *flag.FlagSet, args []string) error {
					if err := oneOf("--format", *format, "table", "json"); err != nil {
						return err
					}
					s, p, err := e.storePeriod(*period)
					if err != nil {
						return err
					}
					m, err := s.PeriodSettings(p.ID)
					if err != nil {
						return err
					}
					if *format == "json" {
						return writeJSON(e.Stdout, m)
					}
					tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
					for _, k := range settingKeys() {
						fmt.Fprintf(tw, "%s\t%s\n", k, strings.ReplaceAll(m[k], "\n", " | "))
					}
					return tw.Flush()
				},
			},
			{
				name:    "set",
				summary: "set settings as KEY=VALUE (an empty value clears the key; in recipients, \\n separates lines)",
				usage:   "KEY=VALUE...",
				flags:   func(fs *flag.FlagSet) { period = fs.Int64("period", 0, "period ID (default: the latest)") },
				run: func(e *Env, _ *flag.FlagSet, args []string) error {
					if len(args) == 0 {
						return usagef("settings set needs KEY=VALUE arguments; keys: %s", strings.Join(settingKeys(), ", "))
					}
					known := map[string]bool{}
					for _, k := range settingKeys() {
						known[k] = true
					}
					changes := map[string]string{}
					for _, a := range args {
						k, v, ok := strings.Cut(a, "=")
						if !ok || !known[k] {
							return usagef("%q is not KEY=VALUE with a known key (%s)", a, strings.Join(settingKeys(), ", "))
						}
						changes[k] = strings.ReplaceAll(v, `\n`, "\n")
					}
					s, p, err := e.storePeriod(*period)
					if err != nil {
						return err
					}
					cur, err := s.PeriodSettings(p.ID)
					if err != nil {
						return err
					}
					// Check the settings as they will be, before changing anything.
					merged := map[string]string{}
					for k, v := range cur {
						merged[k] = v
					}
					for k, v := range changes {
						merged[k] = v
					}
					if _, err := report.ParseSettings(merged); err != nil {
						return err
					}
					if v := merged[exchange.SettingSurveyMapping]; v != "" {
						if _, err := exchange.ParseMapping(v); err != nil {
							return err
						}
					}
					if err := s.SetPeriodSettings(p.ID, changes); err != nil {
						return err
					}
					fmt.Fprintf(e.Stdout, "period %d: %d settings changed\n", p.ID, len(changes))
					return nil
				},
			},
		},
	}
}
