package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"parindex/exchange"
	"parindex/index"
)

func init() {
	var period *int64
	var format *string
	register(&command{
		name:    "compute",
		summary: "compute every unit's index, rank and band for a period",
		flags: func(fs *flag.FlagSet) {
			period = fs.Int64("period", 0, "period ID (default: the latest period)")
			format = fs.String("format", "table", "output format: table, json or csv")
		},
		run: func(e *Env, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("compute takes no arguments, got %q", args[0])
			}
			if err := oneOf("--format", *format, "table", "json", "csv"); err != nil {
				return err
			}
			_, res, err := e.compute(*period)
			if err != nil {
				return err
			}
			switch *format {
			case "json":
				return writeJSON(e.Stdout, res)
			case "csv":
				return writeResultCSV(e.Stdout, res)
			}
			return writeResultTable(e.Stdout, res)
		},
	})
}

// compute loads a period's snapshot (0 = the latest period) and computes it.
func (e *Env) compute(periodID int64) (*index.Snapshot, *index.Result, error) {
	s, err := e.Store()
	if err != nil {
		return nil, nil, err
	}
	if periodID == 0 {
		p, err := s.LatestPeriod()
		if err != nil {
			return nil, nil, err
		}
		periodID = p.ID
	}
	snap, err := s.Snapshot(periodID)
	if err != nil {
		return nil, nil, err
	}
	res, err := index.Compute(snap)
	if err != nil {
		return nil, nil, err
	}
	return snap, res, nil
}

func oneOf(flagName, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return usagef("%s %q is not one of %v", flagName, v, allowed)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ResultCSVHeader is the header row of the results CSV (exchange.ResultsCSVHeader).
var ResultCSVHeader = exchange.ResultsCSVHeader

// writeResultCSV writes the results CSV, as export results --format csv does.
func writeResultCSV(w io.Writer, res *index.Result) error { return exchange.WriteResultsCSV(w, res) }

func writeResultTable(w io.Writer, res *index.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, b := range res.Blocks {
		fmt.Fprintf(tw, "%s (%s): %d units, mean %s, median %s, min %s, max %s\n", b.Name, b.Code, b.Count, b.Mean.VI(), b.Median.VI(), b.Min.VI(), b.Max.VI())
		fmt.Fprintln(tw, "rank\tcode\tappraisal\tsurvey\tbonus\tpenalty\ttotal\tmax\tindex\tband\tunit\t")
		for _, u := range res.Units {
			if u.Block != b.Code {
				continue
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", u.Rank, u.Code, u.Appraisal.VI(), u.Survey.VI(),
				u.Bonus.VI(), u.Penalty.VI(), u.Total.VI(), u.Max.VI(), u.Index.VI(), u.Band, u.Name)
		}
		fmt.Fprintln(tw)
	}
	if n := len(res.Discrepancies); n > 0 {
		fmt.Fprintf(tw, "%d discrepancies beyond the threshold (see the Discrepancies screen)\n", n)
	}
	return tw.Flush()
}
