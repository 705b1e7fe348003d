package cli

import (
	"bufio"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"parindex/assets"
	"parindex/index"
	"parindex/report"
	"parindex/sign"
)

func init() {
	register(reportCommand(), certCommand(), signCommand(), verifyCommand())
}

func reportCommand() *command {
	var kind, out, member, units *string
	var period *int64
	c := &command{
		name:    "report",
		summary: "write an official PDF report (summary, unit score sheets, member sheet); 'report check FILE.pdf' tells whether a report matches the council file",
		flags: func(fs *flag.FlagSet) {
			kind = fs.String("kind", "summary", "summary, units or member")
			out = fs.String("out", "", "output PDF file (required)")
			period = fs.Int64("period", 0, "period ID (default: the latest)")
			member = fs.String("member", "", "member ID (for --kind member)")
			units = fs.String("units", "", "comma-separated unit codes (for --kind units; default: all)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("report takes no arguments (did you mean 'report check %s'?)", args[0])
			}
			if err := oneOf("--kind", *kind, "summary", "units", "member"); err != nil {
				return err
			}
			if *out == "" {
				return usagef("report needs --out FILE.pdf")
			}
			if *kind == "member" && *member == "" {
				return usagef("report --kind member needs --member ID")
			}
			in, err := e.reportInput(*period)
			if err != nil {
				return err
			}
			var doc *report.Document
			switch *kind {
			case "summary":
				doc, err = report.Summary(in)
			case "units":
				var codes []string
				if *units != "" {
					codes = strings.Split(*units, ",")
				}
				doc, err = report.UnitSheets(in, codes)
			case "member":
				doc, err = report.MemberSheet(in, *member)
			}
			if err != nil {
				return err
			}
			fonts, err := report.LoadFonts(assets.Fonts, "fonts")
			if err != nil {
				return err
			}
			pdf, err := report.Render(doc, fonts)
			if err != nil {
				return err
			}
			if err := writeBytes(*out, pdf); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "wrote %s (%d bytes); results %s, audit head %s\n", *out, len(pdf),
				report.ResultsDigest(in.Result), in.Provenance.AuditHead)
			return nil
		},
	}
	c.sub = []*command{{
		name:    "check",
		summary: "say whether a report's printed results digest and audit head match the council file now",
		usage:   "FILE.pdf",
		flags:   func(fs *flag.FlagSet) { period = fs.Int64("period", 0, "period ID (default: the latest)") },
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usagef("report check needs one FILE.pdf")
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			got, err := report.ReadProvenance(b)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			in, err := e.reportInput(*period)
			if err != nil {
				return err
			}
			want := report.ResultsDigest(in.Result)
			fmt.Fprintf(e.Stdout, "report results %s\ncouncil results %s\nreport audit head %s\ncouncil audit head %s\n",
				got.ResultsDigest, want, got.AuditHead, in.Provenance.AuditHead)
			switch {
			case got.ResultsDigest != want:
				return errors.New("the report does not show the council file's current results")
			case got.AuditHead != in.Provenance.AuditHead:
				fmt.Fprintln(e.Stdout, "results match; the audit log has moved on since the report was made (changes that did not alter the results)")
				return nil
			}
			fmt.Fprintln(e.Stdout, "the report matches the council file")
			return nil
		},
	}}
	return c
}

// reportInput gathers what a report is built from: the period's snapshot, its
// results, the previous period's results when there is one, the header
// settings and the audit head.
func (e *Env) reportInput(periodID int64) (report.Input, error) {
	snap, res, err := e.compute(periodID)
	if err != nil {
		return report.Input{}, err
	}
	s, _ := e.Store()
	settings, err := s.PeriodSettings(snap.Period.ID)
	if err != nil {
		return report.Input{}, err
	}
	st, err := report.ParseSettings(settings)
	if err != nil {
		return report.Input{}, err
	}
	head, err := s.AuditHead()
	if err != nil {
		return report.Input{}, err
	}
	in := report.Input{Snapshot: snap, Result: res, Settings: st, Provenance: report.Provenance{AuditHead: head}}
	if prev, ok, err := e.previousPeriod(snap.Period); err != nil {
		return report.Input{}, err
	} else if ok {
		_, in.Previous, err = e.compute(prev.ID)
		if err != nil {
			return report.Input{}, fmt.Errorf("previous period %d: %w", prev.ID, err)
		}
	}
	return in, nil
}

// previousPeriod finds the period just before p (by year, then mid-year before full-year).
func (e *Env) previousPeriod(p index.Period) (index.Period, bool, error) {
	s, _ := e.Store()
	all, err := s.Periods()
	if err != nil {
		return index.Period{}, false, err
	}
	order := func(q index.Period) int {
		n := q.Year * 2
		if q.Round == index.FullYear {
			n++
		}
		return n
	}
	var best index.Period
	found := false
	for _, q := range all {
		if order(q) < order(p) && (!found || order(q) > order(best)) {
			best, found = q, true
		}
	}
	return best, found, nil
}

// password reads a password from the environment variable named by envVar,
// or else from the first line of standard input. Passwords never come from
// the command line.
func (e *Env) password(envVar string) (string, error) {
	if envVar != "" {
		v := e.Getenv(envVar)
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty or not set", envVar)
		}
		return v, nil
	}
	fmt.Fprint(e.Stderr, "password: ")
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password: give --pass-env VAR or type it on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func certCommand() *command {
	var out, name, org, key, passEnv *string
	return &command{
		name:    "cert",
		summary: "certificates for trying out signing",
		sub: []*command{{
			name:    "demo",
			summary: "make a demo PKCS#12 file (self-signed CA + signer, NOT TRUSTED) and its CA as FILE-ca.pem",
			flags: func(fs *flag.FlagSet) {
				out = fs.String("out", "", "output .p12 file (required)")
				name = fs.String("name", "", "signer's name (required)")
				org = fs.String("org", "Hội đồng thẩm định Chỉ số CCHC", "signer's organisation")
				key = fs.String("key", "rsa2048", "rsa2048, rsa3072, rsa4096 or p256")
				passEnv = fs.String("pass-env", "", "environment variable holding the password (else read from standard input)")
			},
			run: func(e *Env, _ *flag.FlagSet, args []string) error {
				if *out == "" || *name == "" {
					return usagef("cert demo needs --out FILE.p12 and --name NAME")
				}
				kind, err := sign.ParseKeyKind(*key)
				if err != nil {
					return usagef("%v", err)
				}
				pass, err := e.password(*passEnv)
				if err != nil {
					return err
				}
				p12, caPEM, err := sign.DemoCertificate(*name, *org, kind, pass, time.Now())
				if err != nil {
					return err
				}
				caPath := strings.TrimSuffix(*out, ".p12") + "-ca.pem"
				if err := writeBytes(*out, p12); err != nil {
					return err
				}
				if err := writeBytes(caPath, caPEM); err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "wrote %s and its CA %s (%s; for trying out only, NOT TRUSTED)\n", *out, caPath, sign.DemoCAName)
				return nil
			},
		}},
	}
}

func signCommand() *command {
	var in, out, p12, passEnv, image, seal, reason, location, rect *string
	var page *int
	return &command{
		name:    "sign",
		summary: "sign a PDF (PAdES B-B, SHA-256) with a PKCS#12 certificate, the first stamp of a report in its signature block; sign again for each further signer",
		flags: func(fs *flag.FlagSet) {
			in = fs.String("in", "", "PDF to sign (required)")
			out = fs.String("out", "", "signed PDF to write (required)")
			p12 = fs.String("p12", "", "PKCS#12 file (.p12/.pfx) with the certificate and key (required)")
			passEnv = fs.String("pass-env", "", "environment variable holding the password (else read from standard input)")
			image = fs.String("image", "", "signature image (PNG), optional")
			seal = fs.String("seal", "", "seal image (PNG, red), optional: drawn over the left third of the stamp")
			reason = fs.String("reason", "", "reason for signing, optional")
			location = fs.String("location", "", "place of signing, optional")
			page = fs.Int("page", 0, "page of the stamp, 1 = the first (default: a parindex report's signature block for its first signature, else the last page)")
			rect = fs.String("rect", "", "the stamp's box x1,y1,x2,y2 in points from the page's lower left corner, e.g. 330,120,540,195 (default: a parindex report's signature block for its first signature, else lower right, above earlier stamps)")
		},
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if *in == "" || *out == "" || *p12 == "" {
				return usagef("sign needs --in, --out and --p12")
			}
			if *page < 0 {
				return usagef("--page must be 1 or more")
			}
			var box [4]float64
			if *rect != "" {
				var err error
				if box, err = parseRect(*rect); err != nil {
					return usagef("--rect: %v", err)
				}
			}
			pdf, err := os.ReadFile(*in)
			if err != nil {
				return err
			}
			p12b, err := os.ReadFile(*p12)
			if err != nil {
				return err
			}
			pass, err := e.password(*passEnv)
			if err != nil {
				return err
			}
			signer, err := sign.LoadPKCS12(p12b, pass)
			if err != nil {
				return fmt.Errorf("%s: %w", *p12, err)
			}
			a := sign.Appearance{Reason: *reason, Location: *location, Page: *page, Rect: box}
			if *page == 0 && *rect == "" {
				a.Page, a.Rect = stampPlacement(pdf)
			}
			for _, f := range []struct {
				path string
				dst  *[]byte
			}{{*image, &a.Image}, {*seal, &a.Seal}} {
				if f.path != "" {
					if *f.dst, err = os.ReadFile(f.path); err != nil {
						return err
					}
				}
			}
			signed, err := sign.Sign(pdf, signer, a, time.Time{})
			if err != nil {
				return fmt.Errorf("sign %s: %w", *in, err)
			}
			if err := writeBytes(*out, signed); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "signed %s as %s: %s\n", *in, signer.Cert.Subject.CommonName, *out)
			return nil
		},
	}
}

// stampPlacement is where the stamp of a new signature on pdf goes: the
// report's signature block for its first signature (report.StampPlacement),
// else the zero page and box, which sign.Sign places in the lower right of the
// last page.
func stampPlacement(pdf []byte) (int, [4]float64) {
	infos, err := sign.Verify(pdf, nil)
	if err != nil {
		return 0, [4]float64{} // sign.Sign will say what is wrong with the file
	}
	if page, rect, ok := report.StampPlacement(pdf, len(infos)); ok {
		return page, rect
	}
	return 0, [4]float64{}
}

// parseRect reads "x1,y1,x2,y2" (points; a decimal point, not a comma).
func parseRect(s string) ([4]float64, error) {
	var r [4]float64
	f := strings.Split(s, ",")
	if len(f) != 4 {
		return r, fmt.Errorf("%q is not x1,y1,x2,y2", s)
	}
	for i, v := range f {
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return r, fmt.Errorf("%q is not a number of points", strings.TrimSpace(v))
		}
		r[i] = x
	}
	if r[0] == r[2] || r[1] == r[3] {
		return r, fmt.Errorf("%q is an empty box", s)
	}
	return r, nil
}

func verifyCommand() *command {
	var roots *string
	return &command{
		name:    "verify",
		summary: "verify every signature of a PDF; exit 0 only when all are valid and trusted and the last covers the whole file",
		usage:   "FILE.pdf",
		flags:   func(fs *flag.FlagSet) { roots = fs.String("roots", "", "PEM file of extra trusted root certificates") },
		run: func(e *Env, _ *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usagef("verify needs one FILE.pdf")
			}
			pdf, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			var extra []*x509.Certificate
			if *roots != "" {
				b, err := os.ReadFile(*roots)
				if err != nil {
					return err
				}
				if extra, err = sign.ParseCertificatesPEM(b); err != nil {
					return fmt.Errorf("%s: %w", *roots, err)
				}
			}
			infos, err := sign.Verify(pdf, extra)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if len(infos) == 0 {
				return fmt.Errorf("%s has no signatures", args[0])
			}
			tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "field\tsigner\torganisation\ttime\tvalid\ttrusted\tPAdES\twhole file\tproblems")
			bad := 0
			for i, si := range infos {
				last := i == len(infos)-1
				if !si.OK() || (last && !si.CoversWholeFile) {
					bad++
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%v\t%v\t%v\t%s\n", si.Field, si.Signer, si.Org,
					si.Time.In(sign.ICT).Format(time.RFC3339), si.Valid, si.Trusted, si.PAdES, si.CoversWholeFile,
					strings.Join(si.Problems, "; "))
			}
			tw.Flush()
			if bad > 0 {
				return fmt.Errorf("%s: %d of %d signatures failed verification", args[0], bad, len(infos))
			}
			return nil
		},
	}
}
