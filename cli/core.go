package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"parindex/assets"
	"parindex/data"
	"parindex/demo"
	"parindex/exchange"
	"parindex/index"
)

func init() {
	register(demoCommand(), frameworkCommand(), unitsCommand(), auditCommand())
}

func demoCommand() *command {
	var scale *string
	var seed *int64
	return &command{
		name:    "demo",
		summary: "fill the council file with a deterministic demo council (hanoi, city or national scale)",
		flags: func(fs *flag.FlagSet) {
			scale = fs.String("scale", "hanoi", "hanoi (72 units), city (about 250) or national (3,321 communes)")
			seed = fs.Int64("seed", 1, "seed of the generator: the same seed gives the same council")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("demo takes no arguments, got %q", args[0])
			}
			var names []string
			for _, s := range demo.Scales() {
				names = append(names, string(s))
			}
			if err := oneOf("--scale", *scale, names...); err != nil {
				return err
			}
			start := time.Now()
			ds, err := demo.Generate(demo.Scale(*scale), *seed)
			if err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			id, err := ds.Install(s)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "demo council %s (seed %d): period %d, %d blocks, %d units, %d members, %d scores in %s\n",
				*scale, *seed, id, len(ds.Blocks), len(ds.Units), len(ds.Members),
				len(ds.Self)+len(ds.Appraisals)+len(ds.Survey)+len(ds.Decisions), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

func frameworkCommand() *command {
	var code, out *string
	var format *string
	return &command{
		name:    "framework",
		summary: "criteria frameworks: import a JSON file, export one, list them",
		sub: []*command{
			{
				name:    "import",
				summary: "import framework JSON files (or \"sample:NAME\" for a shipped sample) into the council file",
				usage:   "FILE...",
				run: func(e *Env, _ *flag.FlagSet, args []string) error {
					if len(args) == 0 {
						return usagef("framework import needs at least one FILE")
					}
					s, err := e.Store()
					if err != nil {
						return err
					}
					for _, name := range args {
						f, err := readFrameworkArg(name)
						if err != nil {
							return err
						}
						if err := s.SaveFramework(f); err != nil {
							return fmt.Errorf("%s: %w", name, err)
						}
						fmt.Fprintf(e.Stdout, "imported %s version %d: %s (%d leaves)\n", f.Code, f.Version, f.Name, len(f.Leaves()))
					}
					return nil
				},
			},
			{
				name:    "export",
				summary: "write a framework of the council file as JSON",
				flags: func(fs *flag.FlagSet) {
					code = fs.String("code", "", "framework code (required)")
					out = fs.String("out", "", "output file (default: standard output)")
				},
				run: func(e *Env, _ *flag.FlagSet, args []string) error {
					if *code == "" {
						return usagef("framework export needs --code")
					}
					s, err := e.Store()
					if err != nil {
						return err
					}
					f, err := s.Framework(*code)
					if err != nil {
						return err
					}
					return writeOut(e, *out, func(w io.Writer) error { return exchange.WriteFrameworkJSON(w, f) })
				},
			},
			{
				name:    "list",
				summary: "list the frameworks in the council file and the shipped samples",
				flags:   func(fs *flag.FlagSet) { format = fs.String("format", "table", "table or json") },
				run: func(e *Env, _ *flag.FlagSet, args []string) error {
					if err := oneOf("--format", *format, "table", "json"); err != nil {
						return err
					}
					s, err := e.Store()
					if err != nil {
						return err
					}
					list, err := s.Frameworks()
					if err != nil {
						return err
					}
					samples, err := assets.SampleFrameworks()
					if err != nil {
						return err
					}
					if *format == "json" {
						return writeJSON(e.Stdout, map[string]any{"frameworks": list, "samples": samples})
					}
					tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "code\tversion\tyear\ttotal\tleaves\tname")
					for _, f := range list {
						fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%s\n", f.Code, f.Version, f.Year, f.Total.VI(), f.Leaves, f.Name)
					}
					tw.Flush()
					fmt.Fprintln(e.Stdout, "\nsamples (import with: framework import sample:NAME):")
					for _, p := range samples {
						fmt.Fprintf(e.Stdout, "  %s\n", strings.TrimSuffix(filepath.Base(p), ".json"))
					}
					return nil
				},
			},
		},
	}
}

// readFrameworkArg reads a framework file, or a shipped sample named "sample:NAME".
func readFrameworkArg(name string) (*index.Framework, error) {
	if sample, ok := strings.CutPrefix(name, "sample:"); ok {
		f, err := assets.Frameworks.Open("frameworks/" + sample + ".json")
		if err != nil {
			return nil, fmt.Errorf("no sample framework %q (see framework list)", sample)
		}
		defer f.Close()
		return exchange.ReadFrameworkJSON(f, "sample:"+sample)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return exchange.ReadFrameworkJSON(f, name)
}

// writeOut writes to the file named out (atomically, see exchange.WriteFile)
// or, when out is empty, to standard output.
func writeOut(e *Env, out string, write func(io.Writer) error) error {
	if out == "" {
		return write(e.Stdout)
	}
	return exchange.WriteFile(out, write)
}

func writeBytes(path string, b []byte) error {
	return exchange.WriteFile(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// runMembersList prints the council's members with their roles and fields.
func runMembersList(e *Env, period int64, format string) error {
	if err := oneOf("--format", format, "table", "json"); err != nil {
		return err
	}
	s, p, err := e.storePeriod(period)
	if err != nil {
		return err
	}
	members, err := s.Members(p.ID)
	if err != nil {
		return err
	}
	as, err := s.Assignments(p.ID)
	if err != nil {
		return err
	}
	type field struct {
		Block string `json:"block"`
		Field string `json:"field"`
	}
	type row struct {
		ID           string     `json:"id"`
		Name         string     `json:"name"`
		Role         index.Role `json:"role"`
		Organisation string     `json:"organisation"`
		Fields       []field    `json:"fields"`
	}
	rows := make([]row, 0, len(members))
	for _, m := range members {
		r := row{ID: m.ID, Name: m.Name, Role: m.Role, Organisation: m.Organisation, Fields: []field{}}
		for _, a := range as {
			if a.Member == m.ID {
				r.Fields = append(r.Fields, field{a.Block, a.Field})
			}
		}
		rows = append(rows, r)
	}
	if format == "json" {
		return writeJSON(e.Stdout, rows)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\trole\tname\tfields")
	for _, r := range rows {
		var fs []string
		for _, f := range r.Fields {
			fs = append(fs, f.Block+":"+f.Field)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Role, r.Name, strings.Join(fs, " "))
	}
	return tw.Flush()
}

func unitsCommand() *command {
	var period *int64
	var format *string
	return &command{
		name:    "units",
		summary: "units of the period",
		sub: []*command{{
			name:    "list",
			summary: "list the units of a period with their blocks",
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
				units, err := s.Units(p.ID)
				if err != nil {
					return err
				}
				if *format == "json" {
					if units == nil {
						units = []index.Unit{}
					}
					return writeJSON(e.Stdout, units)
				}
				tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "code\tblock\tactive\tname")
				for _, u := range units {
					fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", u.Code, u.Block, u.Active, u.Name)
				}
				return tw.Flush()
			},
		}},
	}
}

// storePeriod opens the council file and finds the period with the given
// ID (0 = the latest): what almost every command starts with.
func (e *Env) storePeriod(id int64) (*data.Store, index.Period, error) {
	s, err := e.Store()
	if err != nil {
		return nil, index.Period{}, err
	}
	p, err := e.period(id)
	return s, p, err
}

// period returns the period with the given ID, or the latest when id is 0.
func (e *Env) period(id int64) (index.Period, error) {
	s, err := e.Store()
	if err != nil {
		return index.Period{}, err
	}
	if id == 0 {
		return s.LatestPeriod()
	}
	return s.Period(id)
}

func auditCommand() *command {
	var limit *int
	var text, actor *string
	return &command{
		name:    "audit",
		summary: "the audit log: verify its hash chain against the tables, or list entries",
		sub: []*command{
			{
				name:    "verify",
				summary: "walk the audit hash chain and replay it against the tables; exit 1 when anything was changed behind the program's back",
				run: func(e *Env, _ *flag.FlagSet, args []string) error {
					s, err := e.Store()
					if err != nil {
						return err
					}
					rep, err := s.VerifyAudit()
					if err != nil {
						return err
					}
					if !rep.OK() {
						fmt.Fprintln(e.Stdout, rep.String())
						return fmt.Errorf("audit verify failed: %s", firstLine(rep.String()))
					}
					fmt.Fprintf(e.Stdout, "audit ok: %d entries, head %s\n", rep.Entries, rep.Head)
					return nil
				},
			},
			{
				name:    "log",
				summary: "list audit entries, newest first",
				flags: func(fs *flag.FlagSet) {
					limit = fs.Int("limit", 50, "how many entries")
					text = fs.String("text", "", "only entries containing this text")
					actor = fs.String("actor", "", "only entries by this actor")
				},
				run: func(e *Env, _ *flag.FlagSet, args []string) error {
					return runAuditLog(e, *limit, *text, *actor)
				},
			},
		},
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func runAuditLog(e *Env, limit int, text, actor string) error {
	s, err := e.Store()
	if err != nil {
		return err
	}
	entries, err := s.AuditEntries(data.AuditFilter{Text: text, Actor: actor, Limit: limit})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id	at	actor	action	entity	reason")
	for _, a := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.At.Format(time.RFC3339), a.Actor, a.Action, a.Entity, a.Reason)
	}
	return tw.Flush()
}
