package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"wiis/internal/audit"
	"wiis/internal/cli"
	"wiis/internal/interchange"
	"wiis/internal/privacy"
	"wiis/internal/store"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "export",
		Summary: "导出交换文件 / export every interchange layout to a folder (CSV/XLSX)",
		Usage:   "wiis export [--format csv|xlsx] DIR",
		Help: `把库中数据按交换文件格式（interchange.md）写入目录，每种文件一个，按自然键排序；导出的文件可原样再导入。
Writes the stored data to DIR in the interchange layouts (interchange.md), one file per layout,
ordered by natural key; the files re-import unchanged.`,
		Run: func(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
			format := fs.String("format", "csv", "文件格式 / file format: csv or xlsx")
			if code, ok := cli.Parse(fs, env); !ok {
				return code
			}
			if fs.NArg() != 1 || (*format != "csv" && *format != "xlsx") {
				fmt.Fprintln(env.Stderr, "wiis export: 用法 / usage: wiis export [--format csv|xlsx] DIR")
				return cli.ExitInvalid
			}
			dir := fs.Arg(0)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				fmt.Fprintln(env.Stderr, "wiis export:", err)
				return cli.ExitInvalid
			}
			db, err := cli.OpenDB(ctx, fs)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis export:", err)
				return cli.ExitFailure
			}
			defer db.Close()
			for _, l := range interchange.Layouts {
				path := filepath.Join(dir, l.Name+"."+*format)
				// Exports carry personal data: each file is audited with its row count.
				_, err := privacy.Audited(ctx, db, audit.Actor{Username: "cli:export"},
					privacy.Export{What: l.Name, Format: *format, Params: map[string]any{"path": path}},
					func() (int64, error) { return exportFile(ctx, db, l, path, *format) })
				if err != nil {
					fmt.Fprintln(env.Stderr, "wiis export:", err)
					return cli.ExitFailure
				}
				fmt.Fprintln(env.Stdout, path)
			}
			return cli.ExitOK
		},
	})
}

func exportFile(ctx context.Context, db store.Querier, l *interchange.Layout, path, format string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var w interchange.Writer
	if format == "xlsx" {
		w, err = interchange.NewXLSXWriter(f, l)
	} else {
		w, err = interchange.NewCSVWriter(f, l)
	}
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{Writer: w}
	if err := interchange.Export(ctx, db, l, cw); err != nil {
		return cw.n, err
	}
	if err := w.Close(); err != nil {
		return cw.n, err
	}
	return cw.n, f.Close()
}

// countingWriter counts the rows an export writes, for its audit record.
type countingWriter struct {
	interchange.Writer
	n int64
}

func (c *countingWriter) Write(r interchange.Row) error {
	if err := c.Writer.Write(r); err != nil {
		return err
	}
	c.n++
	return nil
}
