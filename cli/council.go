package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"parindex/data"
	"parindex/identity"
	"parindex/index"
	"parindex/report"
)

// The council's commands: this laptop's member key, the members and their
// keys, what a member may score, scores typed one at a time, council
// decisions, finalisation.

func init() {
	register(identityCommand(), membersCommand, assignmentsCommand(), scoreCommand(), decideCommand(),
		finalizeCommand(), reopenCommand())
}

// membersCommand is "members" with its sub-commands, defined here only:
// "list" (runMembersList, in core.go) and "enrol".
var membersCommand = &command{
	name:    "members",
	summary: "the council's members: list them, enrol their signing keys",
	sub:     []*command{membersListCommand(), membersEnrolCommand()},
}

func membersListCommand() *command {
	var period *int64
	var format *string
	return &command{
		name:    "list",
		summary: "list the members of a period with their roles and assigned fields",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			format = fs.String("format", "table", "table or json")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("members list takes no arguments, got %q", args[0])
			}
			return runMembersList(e, *period, *format)
		},
	}
}

func membersEnrolCommand() *command {
	var period *int64
	var member, key, reason *string
	var clear *bool
	return &command{
		name:    "enrol",
		summary: "enrol a member's signing key (its fingerprint, or a public key file) at the secretariat",
		usage:   "--member ID --key FINGERPRINT-or-FILE",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			member = fs.String("member", "", "member ID (required)")
			key = fs.String("key", "", "the key's fingerprint as 'identity show' prints it, or a public key file from 'identity export'")
			clear = fs.Bool("clear", false, "remove the member's key instead: the first return from their next package enrols a new one")
			reason = fs.String("reason", "", "why, for the audit log")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("members enrol takes no arguments, got %q", args[0])
			}
			if *member == "" || (*key == "") == !*clear {
				return usagef("members enrol needs --member and either --key or --clear")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			fp, pub, err := parseKeyArg(*key)
			if err != nil {
				return err
			}
			if err := s.EnrolMemberKey(p.ID, *member, fp, pub, *reason); err != nil {
				return err
			}
			if *clear {
				fmt.Fprintf(e.Stdout, "member %s: key removed (period %d %s)\n", *member, p.Year, p.Round)
				return nil
			}
			got, _, err := s.MemberKey(p.ID, *member)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "member %s: key %s enrolled (period %d %s)\n", *member, got, p.Year, p.Round)
			return nil
		},
	}
}

// parseKeyArg reads --key: a fingerprint, or else a public key file.
func parseKeyArg(arg string) (string, []byte, error) {
	if arg == "" {
		return "", nil, nil
	}
	if fp, err := identity.ParseFingerprint(arg); err == nil {
		return fp, nil, nil
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil, usagef("--key %q is neither a key fingerprint (8 groups of 4 characters) nor a file", arg)
		}
		return "", nil, fmt.Errorf("read key file: %w", err)
	}
	pub, err := identity.ParsePublicKey(b)
	if err != nil {
		return "", nil, fmt.Errorf("key file %s: %w", arg, err)
	}
	return "", pub, nil
}

// configDir is the configuration folder: --config, else $PARINDEX_CONFIG_DIR,
// else the operating system's.
func (e *Env) configDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	return identity.ConfigDir(e.Getenv)
}

// addConfigFlag declares --config.
func addConfigFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "configuration folder holding this laptop's member key (default: $"+identity.ConfigEnv+" or the system's)")
}

func identityCommand() *command {
	var showCfg, exportCfg, out *string
	return &command{
		name:    "identity",
		summary: "this laptop's member key: show its fingerprint (creating it on first use), export its public key",
		sub: []*command{{
			name:    "show",
			summary: "print this laptop's key fingerprint for the secretariat to enrol, creating the key on first use",
			flags:   func(fs *flag.FlagSet) { showCfg = addConfigFlag(fs) },
			run: func(e *Env, _ *flag.FlagSet, args []string) error {
				if len(args) > 0 {
					return usagef("identity show takes no arguments, got %q", args[0])
				}
				dir, err := e.configDir(*showCfg)
				if err != nil {
					return err
				}
				id, err := identity.LoadOrCreate(dir)
				if err != nil {
					return err
				}
				if id.Created {
					fmt.Fprintf(e.Stderr, "parindex-cli: created a new member key in %s\n", id.Path)
				}
				fmt.Fprintf(e.Stdout, "fingerprint: %s\nkey file:    %s\n", id.Fingerprint(), id.Path)
				return nil
			},
		}, {
			name:    "export",
			summary: "write this laptop's public key to a file for 'members enrol --key FILE'",
			usage:   "--out FILE",
			flags: func(fs *flag.FlagSet) {
				exportCfg = addConfigFlag(fs)
				out = fs.String("out", "", "public key file to write (required)")
			},
			run: func(e *Env, _ *flag.FlagSet, args []string) error {
				if len(args) > 0 || *out == "" {
					return usagef("identity export needs --out FILE and no arguments")
				}
				dir, err := e.configDir(*exportCfg)
				if err != nil {
					return err
				}
				id, err := identity.LoadOrCreate(dir)
				if err != nil {
					return err
				}
				if err := writeBytes(*out, identity.MarshalPublicKey(id.Public)); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "public key of %s written to %s\n", id.Fingerprint(), *out)
				return nil
			},
		}},
	}
}

// scoreItem is one unit × leaf a member may score, with the score so far.
type scoreItem struct {
	Unit      string        `json:"unit"`
	UnitName  string        `json:"unit_name"`
	Block     string        `json:"block"`
	Field     string        `json:"field"`
	Criterion string        `json:"criterion"`
	Title     string        `json:"title"`
	Method    index.Method  `json:"method"`
	Max       index.Points  `json:"max"`
	Self      *index.Points `json:"self"`
	Round     int           `json:"round"`
	Points    *index.Points `json:"points"` // the member's score in the round, null when none
	Reason    string        `json:"reason,omitempty"`
}

// whoScores returns the member whose scores a command concerns: the
// workspace's member in member mode (--member must then be empty or the
// same), otherwise --member, which is then required.
func whoScores(s *data.Store, flagMember string) (string, data.WorkspaceInfo, error) {
	ws, err := s.Workspace()
	if err != nil {
		return "", ws, err
	}
	if ws.Mode == data.ModeMember {
		if flagMember != "" && flagMember != ws.MemberID {
			return "", ws, fmt.Errorf("this is member %s's workspace: scores of member %s cannot be entered here", ws.MemberID, flagMember)
		}
		return ws.MemberID, ws, nil
	}
	if flagMember == "" {
		return "", ws, usagef("this is the secretariat's council file: say whose score it is with --member ID")
	}
	return flagMember, ws, nil
}

func assignmentsCommand() *command {
	var period *int64
	var format, member *string
	var round *int
	return &command{
		name:    "assignments",
		summary: "the unit × leaf items a member may score, with their max and the score so far",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			format = fs.String("format", "table", "table or json")
			member = fs.String("member", "", "member ID (at the secretariat; a member's workspace knows its member)")
			round = fs.Int("round", 0, "the round whose scores to show (default: the council's current round)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("assignments takes no arguments, got %q", args[0])
			}
			if err := oneOf("--format", *format, "table", "json"); err != nil {
				return err
			}
			s, err := e.Store()
			if err != nil {
				return err
			}
			who, _, err := whoScores(s, *member)
			if err != nil {
				return err
			}
			p, err := e.period(*period)
			if err != nil {
				return err
			}
			r := *round
			if r == 0 {
				if r, err = s.CouncilRound(p.ID); err != nil {
					return err
				}
			}
			items, err := memberItems(s, p.ID, who, r)
			if err != nil {
				return err
			}
			if *format == "json" {
				return writeJSON(e.Stdout, items)
			}
			tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "member %s, period %d %s, round %d: %d items\n", who, p.Year, p.Round, r, len(items))
			fmt.Fprintln(tw, "unit\tcriterion\tmax\tself\tscore\treason")
			opt := func(p *index.Points) string {
				if p == nil {
					return "-"
				}
				return p.VI()
			}
			for _, it := range items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", it.Unit, it.Criterion, it.Max.VI(), opt(it.Self), opt(it.Points), firstLine(it.Reason))
			}
			return tw.Flush()
		},
	}
}

// memberItems lists the applicable leaves scored by the council (not
// survey leaves) under a member's assigned fields, for every active unit of
// the assigned blocks.
func memberItems(s *data.Store, period int64, member string, round int) ([]scoreItem, error) {
	snap, err := s.Snapshot(period)
	if err != nil {
		return nil, err
	}
	fws := map[string]*index.Framework{}
	for _, b := range snap.Blocks {
		fws[b.Code] = snap.Frameworks[b.Framework]
	}
	type key struct{ unit, crit string }
	self := map[key]index.Points{}
	for _, sc := range snap.Self {
		self[key{sc.Unit, sc.Criterion}] = sc.Points
	}
	scores := map[key]index.AppraisalScore{}
	for _, a := range snap.Appraisals {
		if a.Member == member && a.Round == round {
			scores[key{a.Unit, a.Criterion}] = a
		}
	}
	na := map[string][]string{}
	for _, n := range snap.NotApplicable {
		na[n.Unit] = append(na[n.Unit], n.Criterion)
	}
	isNA := func(unit, crit string) bool {
		for _, c := range na[unit] {
			if c == crit || strings.HasPrefix(crit, c+".") {
				return true
			}
		}
		return false
	}
	found := false
	for _, m := range snap.Members {
		found = found || m.ID == member
	}
	if !found {
		return nil, fmt.Errorf("member %q is not on the council in period %d %s", member, snap.Period.Year, snap.Period.Round)
	}
	items := []scoreItem{}
	for _, a := range snap.Assignments {
		if a.Member != member {
			continue
		}
		fw := fws[a.Block]
		if fw == nil {
			continue
		}
		for _, u := range snap.Units {
			if u.Block != a.Block || !u.Active {
				continue
			}
			for _, code := range fw.LeavesUnder(a.Field) {
				l := fw.Find(code)
				if l.Method == index.Survey || isNA(u.Code, code) {
					continue
				}
				it := scoreItem{Unit: u.Code, UnitName: u.Name, Block: a.Block, Field: a.Field, Criterion: code,
					Title: l.Title, Method: l.Method, Max: l.Max, Round: round}
				if p, ok := self[key{u.Code, code}]; ok {
					it.Self = &p
				}
				if sc, ok := scores[key{u.Code, code}]; ok {
					p := sc.Points
					it.Points, it.Reason = &p, sc.Reason
				}
				items = append(items, it)
			}
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Unit != items[j].Unit {
			return items[i].Unit < items[j].Unit
		}
		return false // framework order within a unit
	})
	return items, nil
}

func scoreCommand() *command {
	var setPeriod, delPeriod *int64
	var unit, crit, points, reason, member *string
	var delUnit, delCrit, delReason, delMember *string
	var round, delRound *int
	return &command{
		name:    "score",
		summary: "type or delete one appraisal score (a member in their workspace, or the secretariat for a member)",
		sub: []*command{{
			name:    "set",
			summary: "record a score, subject to the same rules as typing it in the app",
			usage:   "--unit CODE --criterion CODE --points P [--reason TEXT]",
			flags: func(fs *flag.FlagSet) {
				setPeriod = fs.Int64("period", 0, "period ID (default: the latest)")
				unit = fs.String("unit", "", "unit code (required)")
				crit = fs.String("criterion", "", "leaf criterion code (required)")
				points = fs.String("points", "", "points, e.g. 1.5 or 1,5 (required)")
				reason = fs.String("reason", "", "reason (required when below the unit's self-assessment)")
				round = fs.Int("round", 0, "round 1 or 2 (default: the council's current round)")
				member = fs.String("member", "", "member ID (at the secretariat; a member's workspace knows its member)")
			},
			run: func(e *Env, _ *flag.FlagSet, args []string) error {
				if len(args) > 0 {
					return usagef("score set takes no arguments, got %q", args[0])
				}
				if *unit == "" || *crit == "" || *points == "" {
					return usagef("score set needs --unit, --criterion and --points")
				}
				pts, err := index.ParsePoints(*points)
				if err != nil {
					return usagef("--points: %v", err)
				}
				s, p, who, r, err := e.scoreTarget(*setPeriod, *member, *round)
				if err != nil {
					return err
				}
				a := index.AppraisalScore{Member: who, Unit: *unit, Criterion: *crit, Round: r, Points: pts, Reason: *reason}
				if err := s.SetAppraisal(p.ID, a); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "%s: unit %s criterion %s round %d = %s\n", who, *unit, *crit, r, pts.VI())
				return nil
			},
		}, {
			name:    "delete",
			summary: "delete a score",
			usage:   "--unit CODE --criterion CODE [--reason TEXT]",
			flags: func(fs *flag.FlagSet) {
				delPeriod = fs.Int64("period", 0, "period ID (default: the latest)")
				delUnit = fs.String("unit", "", "unit code (required)")
				delCrit = fs.String("criterion", "", "leaf criterion code (required)")
				delReason = fs.String("reason", "", "why, for the audit log")
				delRound = fs.Int("round", 0, "round 1 or 2 (default: the council's current round)")
				delMember = fs.String("member", "", "member ID (at the secretariat)")
			},
			run: func(e *Env, _ *flag.FlagSet, args []string) error {
				if len(args) > 0 || *delUnit == "" || *delCrit == "" {
					return usagef("score delete needs --unit and --criterion and no arguments")
				}
				s, p, who, r, err := e.scoreTarget(*delPeriod, *delMember, *delRound)
				if err != nil {
					return err
				}
				if err := s.DeleteAppraisal(p.ID, who, *delUnit, *delCrit, r, *delReason); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "%s: unit %s criterion %s round %d deleted\n", who, *delUnit, *delCrit, r)
				return nil
			},
		}},
	}
}

// scoreTarget resolves the store, period, member and round of a score command.
func (e *Env) scoreTarget(period int64, member string, round int) (*data.Store, index.Period, string, int, error) {
	s, err := e.Store()
	if err != nil {
		return nil, index.Period{}, "", 0, err
	}
	who, _, err := whoScores(s, member)
	if err != nil {
		return nil, index.Period{}, "", 0, err
	}
	p, err := e.period(period)
	if err != nil {
		return nil, p, "", 0, err
	}
	if round == 0 {
		if round, err = s.CouncilRound(p.ID); err != nil {
			return nil, p, "", 0, err
		}
	}
	return s, p, who, round, nil
}

func decideCommand() *command {
	var period *int64
	var unit, crit, points, reason *string
	var votes *int
	var withdraw *bool
	return &command{
		name:    "decide",
		summary: "record a council decision on a leaf (more than half of the voting members must vote for it)",
		usage:   "--unit CODE --criterion CODE --points P --reason TEXT --votes-for N",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			unit = fs.String("unit", "", "unit code (required)")
			crit = fs.String("criterion", "", "leaf criterion code (required)")
			points = fs.String("points", "", "the points decided")
			reason = fs.String("reason", "", "the reason (required)")
			votes = fs.Int("votes-for", -1, "members who voted for it")
			withdraw = fs.Bool("withdraw", false, "withdraw the decision on the leaf instead (with --reason)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("decide takes no arguments, got %q", args[0])
			}
			if *unit == "" || *crit == "" || *reason == "" {
				return usagef("decide needs --unit, --criterion and --reason")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			if *withdraw {
				if err := s.DeleteDecision(p.ID, *unit, *crit, *reason); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "decision on unit %s criterion %s withdrawn\n", *unit, *crit)
				return nil
			}
			if *points == "" || *votes < 0 {
				return usagef("decide needs --points and --votes-for")
			}
			pts, err := index.ParsePoints(*points)
			if err != nil {
				return usagef("--points: %v", err)
			}
			d := index.Decision{Unit: *unit, Criterion: *crit, Points: pts, Reason: *reason, VotesFor: *votes}
			if err := s.SetDecision(p.ID, d); err != nil {
				return err
			}
			members, err := s.Members(p.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "decision on unit %s criterion %s: %s (%d of %d votes)\n", *unit, *crit, pts.VI(), *votes, index.VotingMembers(members))
			return nil
		},
	}
}

// resultsDigest is the digest recorded at finalisation: index.Compute of
// the snapshot, then report.ResultsDigest. It suits data.Store.FinalizeComputed.
func resultsDigest(snap *index.Snapshot) (string, error) {
	res, err := index.Compute(snap)
	if err != nil {
		return "", err
	}
	return report.ResultsDigest(res), nil
}

func finalizeCommand() *command {
	var period *int64
	var reason *string
	return &command{
		name:    "finalize",
		summary: "finalise a period (the chair's act): it becomes read-only; the results digest and audit head are recorded",
		usage:   "--reason TEXT",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			reason = fs.String("reason", "", "the reason, e.g. the minutes of the meeting (required)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 || *reason == "" {
				return usagef("finalize needs --reason TEXT and no arguments")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			f, err := s.FinalizeComputed(p.ID, *reason, resultsDigest)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "period %d %s finalised at %s\nresults digest: %s\naudit head:     %s\n",
				p.Year, p.Round, f.At.Format("2006-01-02 15:04:05 -07:00"), f.ResultsDigest, f.AuditHead)
			return nil
		},
	}
}

func reopenCommand() *command {
	var period *int64
	var reason *string
	return &command{
		name:    "reopen",
		summary: "reopen a finalised period for changes (audited; a reason is required)",
		usage:   "--reason TEXT",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			reason = fs.String("reason", "", "why it is reopened (required)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 || *reason == "" {
				return usagef("reopen needs --reason TEXT and no arguments")
			}
			s, p, err := e.storePeriod(*period)
			if err != nil {
				return err
			}
			if err := s.Reopen(p.ID, *reason); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "period %d %s reopened\n", p.Year, p.Round)
			return nil
		},
	}
}
