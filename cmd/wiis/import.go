package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"wiis/internal/audit"
	"wiis/internal/cli"
	"wiis/internal/interchange"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "import",
		Summary: "导入交换文件 / import a folder of interchange files (CSV/XLSX)",
		Usage:   "wiis import [--report FILE] [--batch N] DIR",
		Help: `按依赖顺序导入目录中的交换文件（interchange.md）：逐行校验，有效行入库，无效行以
"文件:行: 列: 原因" 报告到标准输出和报告文件（--report，默认在临时目录，路径打印在标准错误）。
按自然键幂等：重复导入不改变任何数据，值有变化的行计为更新。
退出码：0 全部导入；1 部分行被拒绝；2 目录或表头不可用（什么也没导入）；3 数据库错误。

Imports the interchange files of DIR in dependency order (interchange.md): every row is
validated, valid rows are stored, invalid rows are reported as "file:line: column: reason" on
stdout and in a report file (--report; by default a new file in the temporary folder, whose
path is printed on stderr: the input folder is often a shared or read-only transfer folder, and
the import must not add files to it). Idempotent by natural key: importing again changes nothing; a row whose values
changed counts as updated. Exit 0 all imported, 1 some rows rejected, 2 folder or header
unusable (nothing imported), 3 database failure. A progress bar shows when on a terminal.
After the import the risk rules scan everything stored as of the current month and store new
alerts for the investigators (spec/risk-rules.md); its summary goes to stderr, and a failed
scan is reported without changing the exit code.`,
		Run: runImport,
	})
}

func runImport(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	reportPath := fs.String("report", "", "报告文件 / report file (default: a new file in the temporary folder)")
	batch := fs.Int("batch", 5000, "每个事务的行数 / rows per transaction")
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "wiis import: 需要一个目录 / needs one folder: wiis import DIR")
		return cli.ExitInvalid
	}
	dir := fs.Arg(0)
	// Check the folder before opening the database, so a typo does not create an empty one.
	if _, err := interchange.FindFiles(dir); err != nil {
		fmt.Fprintln(env.Stderr, "wiis import:", err)
		return cli.ExitInvalid
	}
	report, rpath, err := openReport(*reportPath)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis import: 报告文件 / report file:", err)
		return cli.ExitInvalid
	}
	defer report.Close()
	out := io.MultiWriter(env.Stdout, report)

	db, err := cli.OpenDB(ctx, fs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis import:", err)
		return cli.ExitFailure
	}
	defer db.Close()

	opts := interchange.Options{Problems: out, BatchSize: *batch, Actor: audit.Actor{Username: "cli:import", RemoteAddr: "local"}}
	if isTerminal(env.Stdout) && isTerminal(env.Stderr) {
		opts.Progress = env.Stderr
	}
	rep, err := interchange.ImportDir(ctx, db, dir, opts)
	if rep != nil {
		for _, f := range rep.Files {
			fmt.Fprintln(out, f.String())
		}
	}
	fmt.Fprintf(env.Stderr, "报告 / report: %s\n", rpath)
	if err != nil {
		fmt.Fprintln(out, "wiis import:", err)
		if errors.Is(err, interchange.ErrUnusable) {
			return cli.ExitInvalid
		}
		return cli.ExitFailure
	}
	scanAfterImport(ctx, db, env)
	return rep.ExitCode()
}

// openReport creates the report file: the given path, else a new one in the temporary folder
// (never in DIR, which belongs to whoever sent the data).
func openReport(path string) (*os.File, string, error) {
	if path != "" {
		f, err := os.Create(path)
		return f, path, err
	}
	f, err := os.CreateTemp("", "wiis_import_*.txt")
	if err != nil {
		return nil, "", err
	}
	return f, f.Name(), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
