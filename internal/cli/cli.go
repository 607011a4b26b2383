// Package cli is the small framework behind the wiis subcommands: a registry of commands with
// bilingual help, the shared --db flag, and the exit-code conventions of spec/README.md
// (0 success, 1 partial bulk result, 2 invalid input or usage).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"wiis/internal/store"
)

// Exit codes shared by every subcommand.
const (
	ExitOK      = 0
	ExitPartial = 1 // a bulk job kept the valid part and rejected the rest
	ExitInvalid = 2 // bad usage or invalid input
	ExitFailure = 3 // the environment failed (database unreachable, disk full)
)

// Env is what a command runs with: its arguments and standard streams.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Command is one subcommand of the wiis binary.
type Command struct {
	Name    string
	Summary string // one line, "中文 / English"
	Usage   string // e.g. "wiis calc FILE|-"
	Help    string // longer help, Chinese then English
	// Run executes the command with a FlagSet already holding the shared flags; it must parse
	// env.Args itself with fs (after adding its own flags) and return an exit code.
	Run func(ctx context.Context, fs *flag.FlagSet, env *Env) int
}

var registry = map[string]*Command{}

// Register adds a command; each subcommand registers itself from its own file in cmd/wiis.
func Register(c *Command) {
	if _, dup := registry[c.Name]; dup {
		panic("cli: duplicate command " + c.Name)
	}
	registry[c.Name] = c
}

// Lookup finds a registered command.
func Lookup(name string) (*Command, bool) { c, ok := registry[name]; return c, ok }

// Commands returns the registered commands sorted by name.
func Commands() []*Command {
	out := make([]*Command, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PrintCommands writes the list of commands, for `wiis help` and unknown commands.
func PrintCommands(w io.Writer) {
	fmt.Fprintln(w, "wiis — 工伤保险信息系统 / Work Injury Insurance System")
	fmt.Fprintln(w, "\n用法 / usage: wiis COMMAND [flags] [args]   (wiis COMMAND -h 查看帮助 / for help)")
	fmt.Fprintln(w, "\n命令 / commands:")
	for _, c := range Commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\n数据库 / database: --db sqlite:PATH | postgres://...  (或环境变量 / or env WIIS_DB; 默认 / default "+store.DefaultDSN+")")
}

// Main dispatches args (without the program name) and returns the exit code.
func Main(ctx context.Context, env *Env) int {
	if len(env.Args) == 0 {
		PrintCommands(env.Stderr)
		return ExitInvalid
	}
	name := env.Args[0]
	switch name {
	case "help", "-h", "--help", "-help":
		if len(env.Args) > 1 {
			if c, ok := Lookup(env.Args[1]); ok {
				fs := NewFlagSet(c, env)
				fs.SetOutput(env.Stdout)
				fs.Usage()
				return ExitOK
			}
		}
		PrintCommands(env.Stdout)
		return ExitOK
	}
	c, ok := Lookup(name)
	if !ok {
		fmt.Fprintf(env.Stderr, "未知命令 / unknown command: %q\n\n", name)
		PrintCommands(env.Stderr)
		return ExitInvalid
	}
	sub := *env
	sub.Args = env.Args[1:]
	fs := NewFlagSet(c, &sub)
	return c.Run(ctx, fs, &sub)
}

// NewFlagSet makes the command's flag set with the shared --db flag and bilingual usage text.
func NewFlagSet(c *Command, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("wiis "+c.Name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	def := store.DefaultDSN
	if env.Getenv != nil && env.Getenv("WIIS_DB") != "" {
		def = env.Getenv("WIIS_DB")
	}
	fs.String("db", def, "数据库 / database: sqlite:PATH or postgres://... (env WIIS_DB)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "%s\n\n用法 / usage: %s\n", c.Summary, c.Usage)
		if c.Help != "" {
			fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Help))
		}
		fmt.Fprintln(w, "\n选项 / flags:")
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses the flags; on -h it prints help to stdout and reports (ExitOK, false); on a bad
// flag it reports (ExitInvalid, false).
func Parse(fs *flag.FlagSet, env *Env) (int, bool) {
	if err := fs.Parse(env.Args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return ExitOK, false
		}
		return ExitInvalid, false
	}
	return ExitOK, true
}

// OpenDB opens and migrates the database named by the --db flag.
func OpenDB(ctx context.Context, fs *flag.FlagSet) (*store.DB, error) {
	return store.OpenAndMigrate(ctx, fs.Lookup("db").Value.String())
}

// DefaultEnv is the process environment.
func DefaultEnv() *Env {
	return &Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}
