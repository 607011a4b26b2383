package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"wiis/internal/cli"
	"wiis/internal/interchange"
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
				if err := exportFile(ctx, db, l, path, *format); err != nil {
					fmt.Fprintln(env.Stderr, "wiis export:", err)
					return cli.ExitFailure
				}
				fmt.Fprintln(env.Stdout, path)
			}
			return cli.ExitOK
		},
	})
}

func exportFile(ctx context.Context, db store.Querier, l *interchange.Layout, path, format string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var w interchange.Writer
	if format == "xlsx" {
		w, err = interchange.NewXLSXWriter(f, l)
	} else {
		w, err = interchange.NewCSVWriter(f, l)
	}
	if err != nil {
		return err
	}
	if err := interchange.Export(ctx, db, l, w); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}
