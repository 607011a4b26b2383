package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"wiis/internal/audit"
	"wiis/internal/cli"
	"wiis/internal/coverage"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "risk",
		Summary: "风险防控：规则扫描与预警 / risk rules: scan and alerts",
		Usage:   "wiis risk scan [--as-of YYYY-MM] [--json] [--no-store] | wiis risk list [--status S] [--rule R]",
		Help: `scan  按规则 R01–R10（spec/risk-rules.md）扫描全部已存数据，列出该月份正在触发的预警，
      并把新预警存入预警工作流（已开启的同一规则同一对象不重复；已以"误报"或"确认"关闭且证据未变的不再提出）。
      --json 输出一个 JSON 数组 {"rule","subject","detail"}，按规则、对象排序；输出不受已存状态影响。
list  列出已存的预警及其处理状态。

scan  evaluates rules R01–R10 over everything stored and prints the alerts firing for the
      as-of month (default: the current month), then stores the new ones for the workflow
      (never duplicating an open alert; a closed false alarm or confirmed alert with unchanged
      evidence is not raised again). The printed list is what fires now, whatever is stored.
list  lists stored alerts with their workflow state.`,
		Run: runRisk,
	})
}

func runRisk(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	if len(env.Args) == 0 || strings.HasPrefix(env.Args[0], "-") {
		code, ok := cli.Parse(fs, env)
		if ok { // no subcommand and no -h
			fs.Usage()
			return cli.ExitInvalid
		}
		return code
	}
	sub := *env
	sub.Args = env.Args[1:]
	switch env.Args[0] {
	case "scan":
		return riskScan(ctx, fs, &sub)
	case "list":
		return riskList(ctx, fs, &sub)
	}
	fmt.Fprintf(env.Stderr, "wiis risk: 未知子命令 / unknown subcommand %q (scan, list)\n", env.Args[0])
	return cli.ExitInvalid
}

func riskScan(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	asOfText := fs.String("as-of", time.Now().Format("2006-01"), "评估月份 / as-of month YYYY-MM")
	asJSON := fs.Bool("json", false, "输出 JSON 数组 / print one JSON array")
	noStore := fs.Bool("no-store", false, "只列出，不存入预警 / print only, store nothing")
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	asOf, err := coverage.ParseMonth(*asOfText)
	if err != nil {
		fmt.Fprintf(env.Stderr, "wiis risk scan: --as-of: %v\n", err)
		return cli.ExitInvalid
	}
	db, err := cli.OpenDB(ctx, fs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis risk scan:", err)
		return cli.ExitFailure
	}
	defer db.Close()
	alerts, err := riskstore.Scan(ctx, db, asOf)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis risk scan:", err)
		return cli.ExitFailure
	}
	var sum riskstore.SaveSummary
	if !*noStore {
		if sum, err = riskstore.Save(ctx, db, asOf, alerts, time.Now()); err != nil {
			fmt.Fprintln(env.Stderr, "wiis risk scan: store alerts:", err)
			return cli.ExitFailure
		}
	}
	if *asJSON {
		type out struct {
			Rule    string `json:"rule"`
			Subject string `json:"subject"`
			Detail  string `json:"detail"`
		}
		list := make([]out, len(alerts))
		for i, a := range alerts {
			list[i] = out{a.Rule, a.Subject, a.Detail}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return cli.ExitFailure
		}
	} else {
		printAlerts(env.Stdout, alerts)
	}
	if !*noStore {
		fmt.Fprintf(env.Stderr, "预警 / alerts: %d 条触发，新存 %d，已开启 %d（证据更新 %d），已关闭不再提出 %d\n",
			len(alerts), sum.New, sum.AlreadyOpen, sum.Refreshed, sum.Suppressed)
	}
	return cli.ExitOK
}

func printAlerts(w io.Writer, alerts []risk.Alert) {
	rows := [][]string{{"规则", "名称", "对象", "说明"}}
	for _, a := range alerts {
		rows = append(rows, []string{a.Rule, risk.RuleName(a.Rule), a.Subject, a.Detail})
	}
	printTable(w, rows)
	fmt.Fprintf(w, "共 %d 条预警\n", len(alerts))
}

// printTable aligns columns by display width: tabwriter counts a Chinese character as one
// column where a terminal shows two.
func printTable(w io.Writer, rows [][]string) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r[:len(r)-1] {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// displayWidth counts East Asian wide characters (CJK, full-width forms) as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func riskList(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	status := fs.String("status", "", "状态 / status: open, assigned, investigating, closed (默认未关闭 / default: not closed)")
	rule := fs.String("rule", "", "规则 / rule code, e.g. R07")
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	db, err := cli.OpenDB(ctx, fs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis risk list:", err)
		return cli.ExitFailure
	}
	defer db.Close()
	list, err := riskstore.List(ctx, db, riskstore.Filter{Status: *status, Rule: *rule})
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis risk list:", err)
		return cli.ExitInvalid
	}
	rows := [][]string{{"编号", "规则", "对象", "状态", "经办人", "结论", "首次月份", "说明"}}
	for _, a := range list {
		rows = append(rows, []string{fmt.Sprint(a.ID), a.Rule, a.Subject, riskstore.StatusName(a.Status),
			a.Assignee, riskstore.OutcomeName(a.Outcome), a.FirstAsOf, a.Detail})
	}
	printTable(env.Stdout, rows)
	fmt.Fprintf(env.Stdout, "共 %d 条\n", len(list))
	return cli.ExitOK
}

// scanAfterImport runs the risk scan as of the current month once an import has stored its
// rows (issue 7: "the scan also runs in the background after an import"), storing new alerts
// for the investigators as the "system" user. The command line waits for it (a goroutine would
// die with the process); a failure is reported and does not change the import's exit code.
func scanAfterImport(ctx context.Context, db *store.DB, env *cli.Env) {
	now := time.Now()
	alerts, sum, err := riskstore.ScanAndStore(ctx, db, riskstore.CurrentMonth(now), audit.Actor{Username: "system"}, now)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis import: 风险扫描失败 / risk scan failed:", err)
		return
	}
	fmt.Fprintf(env.Stderr, "风险扫描 / risk scan: %d 条触发，新存 %d / %d alerts fire, %d new\n", len(alerts), sum.New, len(alerts), sum.New)
}

// riskScanInterval is how often `wiis serve` scans in the background: daily.
const riskScanInterval = 24 * time.Hour
