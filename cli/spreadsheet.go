package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"parindex/data"
	"parindex/exchange"
)

// The import and export commands: frameworks, self-assessments, survey
// results and units in; frameworks, self-assessment templates, results,
// units and survey files out. xlsx or CSV by the file's extension (or
// --format); every import checks the whole file first and changes nothing
// unless every row is good.

func init() {
	register(&command{
		name:    "import",
		summary: "import a framework, self-assessments, survey results or units from xlsx/CSV",
		sub:     []*command{importFrameworkCmd(), importSelfCmd(), importSurveyCmd(), importUnitsCmd()},
	}, &command{
		name:    "export",
		summary: "export a framework, self-assessment templates, results, units or survey files to xlsx/CSV",
		sub:     []*command{exportFrameworkCmd(), exportTemplateCmd(), exportResultsCmd(), exportUnitsCmd(), exportSurveyCmd()},
	})
}

// printReport says what an import did.
func printReport(w io.Writer, what string, rep data.ApplyReport) {
	fmt.Fprintf(w, "%s: %d added, %d changed, %d unchanged\n", what, rep.Added, rep.Changed, rep.Unchanged)
}

// oneFile checks that a command got exactly one file argument.
func oneFile(cmd string, args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef("%s takes one FILE, got %d arguments", cmd, len(args))
	}
	return args[0], nil
}

func importFrameworkCmd() *command {
	return &command{
		name:    "framework",
		summary: "save a framework from an xlsx workbook (sheets Tiêu chí and Thông tin) or a JSON file",
		usage:   "FILE",
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			file, err := oneFile("import framework", args)
			if err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			fw, err := exchange.ImportFramework(s, exchange.Files(file)[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "framework %s version %d saved: %s, %d leaves, total %s\n",
				fw.Code, fw.Version, fw.Name, len(fw.Leaves()), fw.Total)
			return nil
		},
	}
}

// selfFiles expands the arguments of import self: files, and folders whose
// .xlsx and .csv files are all taken (Excel's lock files ~$… and hidden
// files are not).
func selfFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, en := range ents {
			n := en.Name()
			if en.IsDir() || strings.HasPrefix(n, "~$") || strings.HasPrefix(n, ".") {
				continue
			}
			if f := exchange.FormatOf(n); f == "xlsx" || f == "csv" {
				names = append(names, filepath.Join(a, n))
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			return nil, fmt.Errorf("folder %s holds no .xlsx or .csv file", a)
		}
		out = append(out, names...)
	}
	return out, nil
}

func importSelfCmd() *command {
	var period *int64
	return &command{
		name:    "self",
		summary: "store self-assessments from filled templates (xlsx, one unit each) or CSV files, all or nothing",
		usage:   "FILE|FOLDER...",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			if len(args) == 0 {
				return usagef("import self needs at least one FILE or FOLDER")
			}
			files, err := selfFiles(args)
			if err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			rep, err := exchange.ImportSelf(s, *period, exchange.Files(files...), nil)
			if err != nil {
				return err
			}
			printReport(e.Stdout, fmt.Sprintf("self-assessments from %d files", len(files)), rep)
			return nil
		},
	}
}

func importSurveyCmd() *command {
	var period *int64
	var mapping *string
	return &command{
		name: "survey",
		summary: "store survey results: points per unit × survey criterion, or answer counts " +
			"turned into points with the period's mapping of answers to percentages",
		usage: "FILE",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
			mapping = fs.String("mapping", "", `answers' shares of the points, e.g. "A=100,B=60,C=20,D=0"; stored as the period's (default: the period's, or A=100,B=60,C=20,D=0)`)
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			file, err := oneFile("import survey", args)
			if err != nil {
				return err
			}
			var m exchange.Mapping
			if *mapping != "" {
				if m, err = exchange.ParseMapping(*mapping); err != nil {
					return usagef("--mapping: %v", err)
				}
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			rep, err := exchange.ImportSurvey(s, *period, exchange.Files(file)[0], m, nil)
			if err != nil {
				return err
			}
			printReport(e.Stdout, "survey results", rep)
			return nil
		},
	}
}

func importUnitsCmd() *command {
	var period *int64
	return &command{
		name:    "units",
		summary: "add or update units from a list: Mã đơn vị (code), Tên đơn vị (name), Khối (block), optionally Tham gia đánh giá (active)",
		usage:   "FILE",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			file, err := oneFile("import units", args)
			if err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			rep, err := exchange.ImportUnits(s, *period, exchange.Files(file)[0])
			if err != nil {
				return err
			}
			printReport(e.Stdout, "units", rep)
			return nil
		},
	}
}

// outFormat is the format of an export: --format, else the --out file's
// extension, else def.
func outFormat(format, out, def string, allowed ...string) (string, error) {
	f := format
	if f == "" {
		f = exchange.FormatOf(out)
	}
	if f == "" {
		f = def
	}
	if f == "" {
		return "", usagef("cannot tell the format of %q: name it .%s or pass --format", out, strings.Join(allowed, " or ."))
	}
	return f, oneOf("--format", f, allowed...)
}

// noArgs refuses positional arguments.
func noArgs(cmd string, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q (use --out)", cmd, args[0])
	}
	return nil
}

// needOut refuses a missing --out.
func needOut(out string) error {
	if out == "" {
		return usagef("--out FILE is required")
	}
	return nil
}

func exportFrameworkCmd() *command {
	var code, out, format *string
	var version *int
	return &command{
		name:    "framework",
		summary: "write a saved framework as an xlsx workbook (or JSON)",
		flags: func(fs *flag.FlagSet) {
			code = fs.String("code", "", "framework code (required)")
			version = fs.Int("version", 0, "framework version (default: the latest)")
			out = fs.String("out", "", "output file, .xlsx or .json (required)")
			format = fs.String("format", "", "xlsx or json (default: by the --out extension)")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			if err := noArgs("export framework", args); err != nil {
				return err
			}
			if *code == "" {
				return usagef("--code is required (see parindex-cli framework list)")
			}
			if err := needOut(*out); err != nil {
				return err
			}
			f, err := outFormat(*format, *out, "", "xlsx", "json")
			if err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			name := "framework." + f
			if err := exchange.WriteFile(*out, func(w io.Writer) error {
				return exchange.ExportFramework(s, *code, *version, w, name)
			}); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s\n", *out)
			return nil
		},
	}
}

func exportTemplateCmd() *command {
	var period *int64
	var unit, out, format *string
	var all *bool
	return &command{
		name: "template",
		summary: "write self-assessment templates: --unit CODE --out FILE, or --all --out FOLDER " +
			"(one workbook per unit); --format csv writes the self-assessment CSV instead",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
			unit = fs.String("unit", "", "the unit's code")
			all = fs.Bool("all", false, "every active unit")
			out = fs.String("out", "", "output file (--unit, or --all with csv) or folder (--all with xlsx) (required)")
			format = fs.String("format", "", "xlsx or csv (default: by the --out extension, else xlsx)")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			if err := noArgs("export template", args); err != nil {
				return err
			}
			if (*unit == "") == !*all {
				return usagef("give either --unit CODE or --all")
			}
			if err := needOut(*out); err != nil {
				return err
			}
			f, err := outFormat(*format, *out, "xlsx", "xlsx", "csv")
			if err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			switch {
			case f == "csv":
				var units []string
				if *unit != "" {
					units = []string{*unit}
				}
				err = exchange.WriteFile(*out, func(w io.Writer) error { return exchange.ExportSelfCSV(s, *period, w, units...) })
			case *all:
				var paths []string
				if paths, err = exchange.ExportTemplates(s, *period, *out, nil); err == nil {
					fmt.Fprintf(e.Stdout, "wrote %d templates into %s\n", len(paths), *out)
					return nil
				}
			default:
				err = exchange.WriteFile(*out, func(w io.Writer) error { return exchange.ExportTemplate(s, *period, *unit, w) })
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s\n", *out)
			return nil
		},
	}
}

func exportResultsCmd() *command {
	var period *int64
	var out, format, table *string
	return &command{
		name: "results",
		summary: "write the computed results: an xlsx workbook with live formulas (a sheet per block, field " +
			"indexes, every leaf's score) or CSV tables",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
			out = fs.String("out", "", "output file, .xlsx or .csv (required)")
			format = fs.String("format", "", "xlsx or csv (default: by the --out extension)")
			table = fs.String("table", exchange.TableUnits, "CSV only: units, fields or leaves")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			if err := noArgs("export results", args); err != nil {
				return err
			}
			if err := needOut(*out); err != nil {
				return err
			}
			f, err := outFormat(*format, *out, "", "xlsx", "csv")
			if err != nil {
				return err
			}
			if err := oneOf("--table", *table, exchange.TableUnits, exchange.TableFields, exchange.TableLeaves); err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			if err := exchange.WriteFile(*out, func(w io.Writer) error {
				return exchange.ExportResults(s, *period, w, f, *table, nil)
			}); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s\n", *out)
			return nil
		},
	}
}

func exportUnitsCmd() *command {
	var period *int64
	var out, format *string
	return &command{
		name:    "units",
		summary: "write the period's units as a list that import units reads",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
			out = fs.String("out", "", "output file, .xlsx or .csv (required)")
			format = fs.String("format", "", "xlsx or csv (default: by the --out extension)")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			if err := noArgs("export units", args); err != nil {
				return err
			}
			if err := needOut(*out); err != nil {
				return err
			}
			f, err := outFormat(*format, *out, "", "xlsx", "csv")
			if err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			if err := exchange.WriteFile(*out, func(w io.Writer) error { return exchange.ExportUnits(s, *period, w, "units."+f) }); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s\n", *out)
			return nil
		},
	}
}

func exportSurveyCmd() *command {
	var period *int64
	var out, format, layout *string
	return &command{
		name:    "survey",
		summary: "write the survey results (points), or an empty answer-count sheet for the survey team (--layout counts)",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
			out = fs.String("out", "", "output file, .xlsx or .csv (required)")
			format = fs.String("format", "", "xlsx or csv (default: by the --out extension)")
			layout = fs.String("layout", string(exchange.SurveyPointsLayout), "points or counts")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			if err := noArgs("export survey", args); err != nil {
				return err
			}
			if err := needOut(*out); err != nil {
				return err
			}
			f, err := outFormat(*format, *out, "", "xlsx", "csv")
			if err != nil {
				return err
			}
			if err := oneOf("--layout", *layout, string(exchange.SurveyPointsLayout), string(exchange.SurveyCountsLayout)); err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			if err := exchange.WriteFile(*out, func(w io.Writer) error {
				return exchange.ExportSurvey(s, *period, w, "survey."+f, exchange.SurveyLayout(*layout))
			}); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s\n", *out)
			return nil
		},
	}
}
