package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"wiis/internal/cli"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/risk/riskstore"
)

const payrollHelp = `子命令 / subcommands:
  run --month YYYY-MM --out FILE     计算并保存当月发放，写银行文件 / compute and store the month's payroll, write the bank file
  adjust [--preview] RULE.json       待遇调整（--preview 只预览）/ apply an Art. 40 adjustment (--preview changes nothing)
  approve --month YYYY-MM --by USER  复核（不得为制表人）/ approve a computed run (not by its preparer)
  export --month YYYY-MM --out FILE  导出银行文件 / export the bank file of an approved run
  reconcile --month YYYY-MM FILE     银行回盘对账，失败行重开 / reconcile the bank's return file; failed lines reopen

发放可重复执行：已计算的月份不再改变；中断后再次执行从断点继续。
A run is idempotent (a computed month is not changed again) and resumable (an interrupted
run continues where it stopped). The bank file is always written from the stored lines.
Exit codes: 0 done, 2 invalid input or not allowed (the message names the field), 3 database.`

func init() {
	cli.Register(&cli.Command{
		Name:    "payroll",
		Summary: "定期待遇发放 / monthly payroll of long-term benefits",
		Usage:   "wiis payroll run|adjust|approve|export|reconcile [flags] [args]",
		Help:    payrollHelp,
		Run:     runPayroll,
	})
}

var payrollSubs = map[string]func(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int{
	"run":       payrollRun,
	"adjust":    payrollAdjust,
	"approve":   payrollApprove,
	"export":    payrollExport,
	"reconcile": payrollReconcile,
}

func runPayroll(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	if len(env.Args) == 0 || strings.HasPrefix(env.Args[0], "-") {
		return parseOnly(fs, env)
	}
	sub, ok := payrollSubs[env.Args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "wiis payroll: 未知子命令 / unknown subcommand %q\n\n%s\n", env.Args[0], payrollHelp)
		return cli.ExitInvalid
	}
	subEnv := *env
	subEnv.Args = env.Args[1:]
	sfs := cli.NewFlagSet(&cli.Command{Name: "payroll " + env.Args[0], Summary: "定期待遇发放 / payroll " + env.Args[0],
		Usage: "wiis payroll " + env.Args[0] + " [flags]", Help: payrollHelp}, &subEnv)
	sfs.String("by", defaultUser(env), "操作人 / acting user (env WIIS_USER)")
	return sub(ctx, sfs, &subEnv)
}

// parseOnly handles `wiis payroll` with no subcommand: -h prints help, anything else is usage.
func parseOnly(fs *flag.FlagSet, env *cli.Env) int {
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	fs.Usage()
	return cli.ExitInvalid
}

func defaultUser(env *cli.Env) string {
	for _, k := range []string{"WIIS_USER", "USER"} {
		if env.Getenv != nil && env.Getenv(k) != "" {
			return env.Getenv(k)
		}
	}
	return "cli"
}

// parseAll parses flags wherever they stand among the arguments (`adjust rule.json --preview`
// as well as `adjust --preview rule.json`) and returns the positional arguments.
func parseAll(fs *flag.FlagSet, env *cli.Env) ([]string, int, bool) {
	args := env.Args
	var pos []string
	for {
		e := *env
		e.Args = args
		if code, ok := cli.Parse(fs, &e); !ok {
			return nil, code, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func monthFlag(fs *flag.FlagSet, env *cli.Env) (payroll.Month, bool) {
	s := fs.Lookup("month").Value.String()
	m, err := payroll.ParseMonth(s)
	if err != nil {
		fmt.Fprintf(env.Stderr, "wiis payroll: --month: %v\n", err)
		return 0, false
	}
	return m, true
}

// failure reports a service error and returns the exit code: refusals and bad input are 2,
// anything else is the environment (3).
func failure(env *cli.Env, err error) int {
	fmt.Fprintln(env.Stderr, "wiis payroll:", err)
	for _, e := range []error{payrollsvc.ErrInvalid, payrollsvc.ErrNotFound, payrollsvc.ErrConflict, payrollsvc.ErrFourEyes} {
		if errors.Is(err, e) {
			return cli.ExitInvalid
		}
	}
	return cli.ExitFailure
}

func openService(ctx context.Context, fs *flag.FlagSet, env *cli.Env) (*payrollsvc.Service, func(), bool) {
	db, err := cli.OpenDB(ctx, fs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis payroll:", err)
		return nil, nil, false
	}
	svc := payrollsvc.New(db)
	svc.Hold = riskstore.PayrollHolds // an open R03 alert holds the person's payments
	return svc, func() { db.Close() }, true
}

// writeFile writes a file through a temporary file renamed into place, so a crash never
// leaves half a bank file under the real name.
func writeFile(path string, write func(w io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func payrollRun(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	fs.String("month", "", "发放月份 / month YYYY-MM (required)")
	out := fs.String("out", "", "银行文件 / bank file to write (required)")
	batch := fs.Int("batch", 0, "每批提交的待遇数 / entitlements per committed batch (default 10000)")
	if _, code, ok := parseAll(fs, env); !ok {
		return code
	}
	m, ok := monthFlag(fs, env)
	if !ok {
		return cli.ExitInvalid
	}
	if *out == "" {
		fmt.Fprintln(env.Stderr, "wiis payroll run: --out: required")
		return cli.ExitInvalid
	}
	s, closeDB, ok := openService(ctx, fs, env)
	if !ok {
		return cli.ExitFailure
	}
	defer closeDB()
	s.BatchSize = *batch
	sum, err := s.Run(ctx, m, fs.Lookup("by").Value.String())
	if err != nil {
		return failure(env, err)
	}
	err = writeFile(*out, func(w io.Writer) error {
		_, err := s.WriteBankFile(ctx, m, w)
		return err
	})
	if err != nil {
		return failure(env, err)
	}
	payrollsvc.FormatSummary(env.Stdout, sum)
	return cli.ExitOK
}

func payrollAdjust(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	preview := fs.Bool("preview", false, "只预览，不修改 / show the effect, change nothing")
	pos, code, ok := parseAll(fs, env)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "wiis payroll adjust: rule file: exactly one RULE.json is required")
		return cli.ExitInvalid
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis payroll adjust: rule file:", err)
		return cli.ExitInvalid
	}
	rule, err := payroll.ParseRule(data)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis payroll adjust:", err)
		return cli.ExitInvalid
	}
	s, closeDB, ok := openService(ctx, fs, env)
	if !ok {
		return cli.ExitFailure
	}
	defer closeDB()
	rep, err := s.Adjust(ctx, rule, fs.Lookup("by").Value.String(), *preview)
	if err != nil {
		return failure(env, err)
	}
	switch {
	case rep.AlreadyApplied:
		fmt.Fprintf(env.Stdout, "already applied (adjustment %d): nothing changed\n", rep.AdjustmentID)
	case rep.Preview:
		fmt.Fprintln(env.Stdout, "preview: nothing changed")
	default:
		fmt.Fprintf(env.Stdout, "applied: adjustment %d\n", rep.AdjustmentID)
	}
	fmt.Fprintf(env.Stdout, "effective_month: %s\nentitlements: %d\npersons: %d\nmonthly_cost: %s\n",
		rep.EffectiveMonth, rep.Entitlements, rep.Persons, rep.MonthlyCost)
	if !rep.AlreadyApplied {
		fmt.Fprintf(env.Stdout, "back_pay: %s\n", rep.BackPay)
		for _, it := range rep.Items {
			fmt.Fprintf(env.Stdout, "item %s: entitlements %d, monthly %s → %s\n", it.Item, it.Entitlements, it.MonthlyBefore, it.MonthlyAfter)
		}
	}
	return cli.ExitOK
}

func payrollApprove(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	fs.String("month", "", "发放月份 / month YYYY-MM (required)")
	if _, code, ok := parseAll(fs, env); !ok {
		return code
	}
	m, ok := monthFlag(fs, env)
	if !ok {
		return cli.ExitInvalid
	}
	s, closeDB, ok := openService(ctx, fs, env)
	if !ok {
		return cli.ExitFailure
	}
	defer closeDB()
	if err := s.Approve(ctx, m, fs.Lookup("by").Value.String()); err != nil {
		return failure(env, err)
	}
	fmt.Fprintf(env.Stdout, "approved: %s\n", m)
	return cli.ExitOK
}

func payrollExport(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	fs.String("month", "", "发放月份 / month YYYY-MM (required)")
	out := fs.String("out", "", "银行文件 / bank file to write (required)")
	if _, code, ok := parseAll(fs, env); !ok {
		return code
	}
	m, ok := monthFlag(fs, env)
	if !ok || *out == "" {
		if ok {
			fmt.Fprintln(env.Stderr, "wiis payroll export: --out: required")
		}
		return cli.ExitInvalid
	}
	s, closeDB, ok := openService(ctx, fs, env)
	if !ok {
		return cli.ExitFailure
	}
	defer closeDB()
	var n int64
	err := writeFile(*out, func(w io.Writer) (err error) {
		n, err = s.Export(ctx, m, fs.Lookup("by").Value.String(), w)
		return err
	})
	if err != nil {
		return failure(env, err)
	}
	fmt.Fprintf(env.Stdout, "exported: %s, lines %d\n", m, n)
	return cli.ExitOK
}

func payrollReconcile(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	fs.String("month", "", "发放月份 / month YYYY-MM (required)")
	pos, code, ok := parseAll(fs, env)
	if !ok {
		return code
	}
	m, ok := monthFlag(fs, env)
	if !ok {
		return cli.ExitInvalid
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "wiis payroll reconcile: return file: exactly one FILE is required")
		return cli.ExitInvalid
	}
	f, err := os.Open(pos[0])
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis payroll reconcile: return file:", err)
		return cli.ExitInvalid
	}
	defer f.Close()
	s, closeDB, ok := openService(ctx, fs, env)
	if !ok {
		return cli.ExitFailure
	}
	defer closeDB()
	n, err := s.Reconcile(ctx, m, fs.Lookup("by").Value.String(), f)
	if err != nil {
		return failure(env, err)
	}
	fmt.Fprintf(env.Stdout, "reconciled: %s, failed lines reopened %d\n", m, n)
	return cli.ExitOK
}
