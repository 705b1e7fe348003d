// Package cli is parindex-cli: the council's work without a window (demo data,
// frameworks, compute, members, units, audit, imports and exports, reports,
// signatures, member packages). cmd/parindex-cli only calls Run, so tests drive
// the real commands against real council files.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strings"

	"parindex/data"
	"parindex/version"
)

// Env is what a command sees of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	DBPath string // from --db
	Actor  string // who the audit log records, from --actor or the OS user

	store *data.Store
}

// Store opens the council file named by --db (once) and returns it.
func (e *Env) Store() (*data.Store, error) {
	if e.store != nil {
		return e.store, nil
	}
	if e.DBPath == "" {
		return nil, errors.New("no council file: pass --db FILE")
	}
	s, err := data.Open(e.DBPath)
	if err != nil {
		return nil, err
	}
	s.Actor = e.Actor
	e.store = s
	return s, nil
}

// command is one verb of the CLI, possibly with sub-commands.
type command struct {
	name    string
	summary string
	usage   string // arguments after the command path, for --help
	run     func(e *Env, fs *flag.FlagSet, args []string) error
	flags   func(fs *flag.FlagSet) // declares the command's flags (optional)
	sub     []*command
}

// usageError is an error in how the command was called.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

var commands []*command

// register adds top-level commands; each file of the package registers its own.
func register(c ...*command) { commands = append(commands, c...) }

// Run runs the CLI with args (without the program name) and returns the exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}
	defer func() {
		if e.store != nil {
			e.store.Close()
		}
	}()
	err := run(e, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		msg := strings.ReplaceAll(err.Error(), "\n", "; ")
		fmt.Fprintf(stderr, "parindex-cli: %s\n", msg)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
}

func run(e *Env, args []string) error {
	global := flag.NewFlagSet("parindex-cli", flag.ContinueOnError)
	global.SetOutput(e.Stderr)
	global.StringVar(&e.DBPath, "db", "", "council file (SQLite)")
	global.StringVar(&e.Actor, "actor", defaultActor(), "name recorded in the audit log")
	showVersion := global.Bool("version", false, "print the version and exit")
	global.Usage = func() { topUsage(e.Stdout, global) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if *showVersion {
		fmt.Fprintf(e.Stdout, "parindex-cli %s\n", version.Version)
		return nil
	}
	rest := global.Args()
	if len(rest) == 0 {
		topUsage(e.Stdout, global)
		return usagef("no command given")
	}
	if rest[0] == "help" {
		if len(rest) == 1 {
			topUsage(e.Stdout, global)
			return nil
		}
		rest = append(rest[1:], "--help")
	}
	return dispatch(e, commands, nil, rest)
}

func dispatch(e *Env, cmds []*command, path []string, args []string) error {
	name := args[0]
	var c *command
	for _, k := range cmds {
		if k.name == name {
			c = k
		}
	}
	if c == nil {
		return usagef("unknown command %q (see parindex-cli --help)", strings.Join(append(path, name), " "))
	}
	path = append(path, name)
	if len(c.sub) > 0 && c.run != nil && len(args) > 1 && hasSub(c, args[1]) {
		return dispatch(e, c.sub, path, args[1:])
	}
	if len(c.sub) > 0 && c.run == nil {
		if len(args) < 2 || args[1] == "--help" || args[1] == "-h" || args[1] == "help" {
			subUsage(e.Stdout, path, c)
			if len(args) < 2 {
				return usagef("%s needs a sub-command", strings.Join(path, " "))
			}
			return flag.ErrHelp
		}
		return dispatch(e, c.sub, path, args[1:])
	}
	fs := flag.NewFlagSet(strings.Join(path, " "), flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	if c.flags != nil {
		c.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(e.Stdout, "usage: parindex-cli [--db FILE] %s [flags] %s\n\n%s\n", strings.Join(path, " "), c.usage, c.summary)
		fs.SetOutput(e.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.Stderr)
	}
	if err := fs.Parse(interleave(fs, args[1:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return c.run(e, fs, fs.Args())
}

// interleave moves flags that follow positional arguments in front of them,
// so "package merge a.pkg --dry-run" works as well as the strict order.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			if f := fs.Lookup(name); f != nil {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
					continue
				}
				if i+1 < len(args) {
					flags = append(flags, args[i+1])
					i++
				}
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func hasSub(c *command, name string) bool {
	for _, s := range c.sub {
		if s.name == name {
			return true
		}
	}
	return false
}

func topUsage(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintf(w, "parindex-cli %s: the Administrative Reform Index (Chỉ số CCHC) without a window\n\n", version.Version)
	fmt.Fprintln(w, "usage: parindex-cli [--db FILE] [--actor NAME] COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	cs := append([]*command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nglobal flags:")
	global.SetOutput(w)
	global.PrintDefaults()
	fmt.Fprintln(w, "\nRun 'parindex-cli COMMAND --help' for a command's flags.")
}

func subUsage(w io.Writer, path []string, c *command) {
	fmt.Fprintf(w, "usage: parindex-cli [--db FILE] %s SUBCOMMAND [flags]\n\n%s\n\nsub-commands:\n", strings.Join(path, " "), c.summary)
	for _, s := range c.sub {
		fmt.Fprintf(w, "  %-10s %s\n", s.name, s.summary)
	}
}

func defaultActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "parindex-cli"
}
