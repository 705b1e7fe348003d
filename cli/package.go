package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"parindex/data"
	"parindex/exchange"
	"parindex/identity"
)

// The offline council: member packages (secretariat → member), signed
// returns (member → secretariat), rounds, unit sheets and explanations.

func init() {
	register(&command{
		name:    "package",
		summary: "the offline council: export member packages, open them, return scores signed, merge returns",
		sub: []*command{packageExportCommand(), packageOpenCommand(), packageReturnCommand(), packageMergeCommand(),
			packageRoundCommand(), packageStatusCommand(), packageUnitSheetCommand(), packageExplanationsCommand()},
	})
}

func packageExportCommand() *command {
	var period *int64
	var member, out *string
	return &command{
		name:    "export",
		summary: "write the package of one member (secretariat): period, frameworks, units, self-assessments, assignments, enrolment",
		usage:   "--member ID --out FILE",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			member = fs.String("member", "", "member ID (required)")
			out = fs.String("out", "", "package file to write (required), e.g. TV03.parindex-package")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 || *member == "" || *out == "" {
				return usagef("package export needs --member ID and --out FILE, and no arguments")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			rep, err := exchange.ExportPackageFile(s, p.ID, *member, *out, time.Time{})
			if err != nil {
				return err
			}
			key := "carries a one-time enrolment secret (the member's first return enrols their key)"
			if rep.EnrolledKey != "" {
				key = "enrolled key " + rep.EnrolledKey
			}
			fmt.Fprintf(e.Stdout, "package %d of member %s, period %d %s, round %d: %d units, %d self-assessments, %d scores; %s\nwritten to %s\n",
				rep.Sequence, rep.Member, p.Year, p.Round, rep.Round, rep.Units, rep.Self, rep.Scores, key, *out)
			return nil
		},
	}
}

func packageOpenCommand() *command {
	var discard *bool
	return &command{
		name:    "open",
		summary: "open a member package on the member's laptop: creates or updates the member workspace named by --db",
		usage:   "FILE",
		flags: func(fs *flag.FlagSet) {
			discard = fs.Bool("discard-unreturned", false, "let a later round's package replace earlier-round scores changed since the last return")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usagef("package open needs one package FILE")
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			rep, err := exchange.OpenPackageFile(s, args[0], data.InstallOptions{Discard: *discard})
			if err != nil {
				return err
			}
			if rep.AlreadyOpen {
				fmt.Fprintf(e.Stdout, "package %d is already open in this workspace: nothing changed\n", rep.Sequence)
				return nil
			}
			verb := "updated"
			if rep.Created {
				verb = "created"
			}
			fmt.Fprintf(e.Stdout, "member %s's workspace %s: period ID %d, round %d, package %d: %d units, %d items to score\n",
				rep.Member, verb, rep.Period, rep.Round, rep.Sequence, rep.Units, rep.Leaves)
			if rep.KeptLocal > 0 {
				fmt.Fprintf(e.Stdout, "kept your %d round %d scores already in this workspace\n", rep.KeptLocal, rep.Round)
			}
			return nil
		},
	}
}

func packageReturnCommand() *command {
	var period *int64
	var out, config *string
	return &command{
		name:    "return",
		summary: "write this member's scores of the round, signed with this laptop's key (member side)",
		usage:   "--out FILE",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID in this workspace (default: the latest)")
			out = fs.String("out", "", "return file to write (required), e.g. TV03-v1.parindex-return")
			config = addConfigFlag(fs)
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 || *out == "" {
				return usagef("package return needs --out FILE and no arguments")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			dir, err := e.configDir(*config)
			if err != nil {
				return err
			}
			id, err := identity.LoadOrCreate(dir)
			if err != nil {
				return err
			}
			if id.Created {
				fmt.Fprintf(e.Stderr, "parindex-cli: created a new member key %s in %s\n", id.Fingerprint(), id.Path)
			}
			rep, err := exchange.MakeReturnFile(s, p.ID, id, *out, time.Time{})
			if err != nil {
				return err
			}
			for _, w := range rep.Warnings {
				fmt.Fprintf(e.Stderr, "parindex-cli: warning: %s\n", w)
			}
			enrol := ""
			if rep.Enrols {
				enrol = " (it enrols this key)"
			}
			fmt.Fprintf(e.Stdout, "return version %d of member %s, round %d: %d scores, signed with key %s%s\nwritten to %s\n",
				rep.Version, rep.Member, rep.Round, rep.Scores, rep.Fingerprint, enrol, *out)
			return nil
		},
	}
}

// mergeLine is one file's outcome in "package merge --format json".
type mergeLine struct {
	File   string            `json:"file"`
	Report *data.MergeReport `json:"report,omitempty"`
	Kind   string            `json:"refused,omitempty"` // data.Refused... when refused
	Error  string            `json:"error,omitempty"`
	reason string
}

func packageMergeCommand() *command {
	var dry *bool
	var format *string
	return &command{
		name:    "merge",
		summary: "merge members' return files (secretariat): each verified and merged whole, or refused changing nothing",
		usage:   "FILE...",
		flags: func(fs *flag.FlagSet) {
			dry = fs.Bool("dry-run", false, "check and count, change nothing")
			format = fs.String("format", "table", "table or json")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) == 0 {
				return usagef("package merge needs one or more return FILEs")
			}
			if err := oneOf("--format", *format, "table", "json"); err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			results := exchange.MergeReturnFiles(s, args, *dry)
			refused := 0
			lines := make([]mergeLine, len(results))
			for i, r := range results {
				lines[i].File = r.File
				if r.Err != nil {
					refused++
					lines[i].Error, lines[i].reason = r.Err.Error(), r.Err.Error()
					var me *data.MergeError
					if errors.As(r.Err, &me) {
						lines[i].Kind, lines[i].reason = me.Kind, me.Msg
					}
					continue
				}
				rep := r.Report
				lines[i].Report = &rep
			}
			if *format == "json" {
				if err := writeJSON(e.Stdout, lines); err != nil {
					return err
				}
			} else {
				for _, l := range lines {
					if l.Report == nil {
						fmt.Fprintf(e.Stdout, "%s: REFUSED, nothing changed: %s\n", l.File, l.reason)
						continue
					}
					r := l.Report
					what := fmt.Sprintf("%d added, %d changed, %d unchanged, %d removed", r.Added, r.Changed, r.Unchanged, r.Removed)
					switch {
					case r.AlreadyMerged:
						what = "already merged: nothing changed"
					case r.DryRun:
						what = "would merge: " + what
					}
					if r.Enrolled {
						what += "; key " + r.Fingerprint + " enrolled"
					}
					fmt.Fprintf(e.Stdout, "%s: member %s version %d round %d: %s\n", l.File, r.Member, r.Version, r.Round, what)
				}
			}
			if refused > 0 {
				return fmt.Errorf("%d of %d return files refused (nothing changed by them)", refused, len(results))
			}
			return nil
		},
	}
}

func packageRoundCommand() *command {
	var period *int64
	var reason *string
	return &command{
		name:    "round",
		summary: "print the council's appraisal round, or move it to round 1 or 2 (secretariat)",
		usage:   "[1|2]",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			reason = fs.String("reason", "", "why, for the audit log")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 1 {
				return usagef("package round takes at most one argument: 1 or 2")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				n, err := strconv.Atoi(args[0])
				if err != nil || (n != 1 && n != 2) {
					return usagef("the round is 1 or 2, not %q", args[0])
				}
				if err := s.SetCouncilRound(p.ID, n, *reason); err != nil {
					return err
				}
			}
			r, err := s.CouncilRound(p.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "period %d %s: round %d\n", p.Year, p.Round, r)
			return nil
		},
	}
}

func packageStatusCommand() *command {
	var period *int64
	var format *string
	return &command{
		name:    "status",
		summary: "what this file is (secretariat or member workspace) and where each member's packages and returns stand",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			format = fs.String("format", "table", "table or json")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("package status takes no arguments")
			}
			if err := oneOf("--format", *format, "table", "json"); err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			ws, err := s.Workspace()
			if err != nil {
				return err
			}
			p, err := e.period(*period)
			if err != nil {
				return err
			}
			round, err := s.CouncilRound(p.ID)
			if err != nil {
				return err
			}
			if ws.Mode == data.ModeMember {
				mp, err := s.MemberPeriod(p.ID)
				if err != nil {
					return err
				}
				if *format == "json" {
					return writeJSON(e.Stdout, struct {
						Workspace data.WorkspaceInfo    `json:"workspace"`
						Period    data.MemberPeriodInfo `json:"period"`
					}{ws, mp})
				}
				fmt.Fprintf(e.Stdout, "member workspace of %s (%s), council %s\nperiod %d %s, round %d, package %d; %d scores; last return version %d",
					ws.MemberID, ws.MemberName, ws.CouncilID, p.Year, p.Round, mp.Round, mp.PackageSeq, mp.Scores, mp.LastReturn)
				if mp.Unreturned {
					fmt.Fprint(e.Stdout, "; changed since the last return")
				}
				fmt.Fprintln(e.Stdout)
				return nil
			}
			ex, err := s.MemberExchanges(p.ID)
			if err != nil {
				return err
			}
			if *format == "json" {
				if ex == nil {
					ex = []data.MemberExchange{}
				}
				return writeJSON(e.Stdout, struct {
					Workspace data.WorkspaceInfo    `json:"workspace"`
					Round     int                   `json:"round"`
					Members   []data.MemberExchange `json:"members"`
				}{ws, round, ex})
			}
			fmt.Fprintf(e.Stdout, "secretariat council file, council %s; period %d %s, round %d\n", orDash(ws.CouncilID), p.Year, p.Round, round)
			tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "member\tfields\tkey\tpackages\treturn\tround\tscores\tmerged at")
			for _, m := range ex {
				key := orDash(m.Fingerprint)
				if m.Fingerprint == "" && m.PendingSecrets > 0 {
					key = "(awaiting first return)"
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%d\t%d\t%s\n", m.ID, m.Fields, key, m.Packages, m.ReturnVersion, m.ReturnRound, m.ReturnScores, orDash(m.ReturnMergedAt))
			}
			return tw.Flush()
		},
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func packageUnitSheetCommand() *command {
	var period *int64
	var unit, out, format *string
	return &command{
		name:    "unit-sheet",
		summary: "write a unit's appraisal sheet for it to answer with explanations (JSON or CSV)",
		usage:   "--unit CODE --out FILE",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			unit = fs.String("unit", "", "unit code (required)")
			out = fs.String("out", "", "file to write (required)")
			format = fs.String("format", "", "json or csv (default: from the file name, else json)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 || *unit == "" || *out == "" {
				return usagef("package unit-sheet needs --unit CODE and --out FILE, and no arguments")
			}
			f := *format
			if f == "" {
				f = "json"
				if strings.EqualFold(filepath.Ext(*out), ".csv") {
					f = "csv"
				}
			}
			if err := oneOf("--format", f, "json", "csv"); err != nil {
				return err
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			var sh *exchange.UnitSheet
			err = exchange.WriteFile(*out, func(w io.Writer) error {
				var err error
				sh, err = exchange.ExportUnitSheet(s, p.ID, *unit, f, w, time.Time{})
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "unit sheet of %s (%s), period %d %s: %d criteria, written to %s\n",
				sh.Unit.Code, sh.Unit.Name, p.Year, p.Round, len(sh.Items), *out)
			return nil
		},
	}
}

func packageExplanationsCommand() *command {
	var period *int64
	return &command{
		name:    "explanations",
		summary: "import units' answered sheets: their explanations and extra evidence notes go to members in round 2 packages",
		usage:   "FILE...",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) == 0 {
				return usagef("package explanations needs one or more unit sheet FILEs")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			for _, name := range args {
				if err := importExplanations(e.Stdout, s, p.ID, name); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func importExplanations(w io.Writer, s *data.Store, period int64, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("import explanations: %w", err)
	}
	defer f.Close()
	rep, sh, err := exchange.ImportExplanations(s, period, f, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: unit %s: %d explanations recorded, %d unchanged\n", name, sh.Unit.Code, rep.Added+rep.Changed, rep.Unchanged)
	return nil
}
