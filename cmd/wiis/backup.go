package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"

	"wiis/internal/cli"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "backup",
		Summary: "在线备份 / online backup of the whole database",
		Usage:   "wiis backup FILE",
		Help: `在系统运行时，从一个一致的快照导出全部数据到 FILE（与数据库引擎无关的压缩格式，
SQLite 的备份可恢复到 PostgreSQL，反之亦然）。
Writes every table to FILE from one consistent snapshot while the system runs. The format is
engine-neutral (gzip'd JSON lines): a SQLite backup restores into PostgreSQL and back.`,
		Run: func(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
			if code, ok := cli.Parse(fs, env); !ok {
				return code
			}
			if fs.NArg() != 1 {
				fmt.Fprintln(env.Stderr, "wiis backup: 需要一个文件名 / needs one FILE argument")
				return cli.ExitInvalid
			}
			db, err := cli.OpenDB(ctx, fs)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis backup:", err)
				return cli.ExitFailure
			}
			defer db.Close()
			path := fs.Arg(0)
			tmp := path + ".partial"
			f, err := os.Create(tmp)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis backup:", err)
				return cli.ExitFailure
			}
			counts, err := db.Backup(ctx, f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(tmp, path) // never leave a half-written file under the real name
			}
			if err != nil {
				os.Remove(tmp)
				fmt.Fprintln(env.Stderr, "wiis backup:", err)
				return cli.ExitFailure
			}
			printCounts(env, "已备份 / backed up", counts)
			return cli.ExitOK
		},
	})
	cli.Register(&cli.Command{
		Name:    "restore",
		Summary: "恢复备份到空数据库 / restore a backup into an empty database",
		Usage:   "wiis restore FILE",
		Help: `把 wiis backup 生成的文件恢复到一个空数据库（先自动迁移）。整个恢复在一个事务中完成：失败时数据库保持原样。
Loads a file made by wiis backup into an empty database (migrated first). The whole restore is
one transaction: if it fails, the database is left as it was.`,
		Run: func(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
			if code, ok := cli.Parse(fs, env); !ok {
				return code
			}
			if fs.NArg() != 1 {
				fmt.Fprintln(env.Stderr, "wiis restore: 需要一个文件名 / needs one FILE argument")
				return cli.ExitInvalid
			}
			f, err := os.Open(fs.Arg(0))
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis restore:", err)
				return cli.ExitInvalid
			}
			defer f.Close()
			db, err := cli.OpenDB(ctx, fs)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis restore:", err)
				return cli.ExitFailure
			}
			defer db.Close()
			counts, err := db.Restore(ctx, f)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis restore:", err)
				return cli.ExitInvalid
			}
			printCounts(env, "已恢复 / restored", counts)
			return cli.ExitOK
		},
	})
}

func printCounts(env *cli.Env, what string, counts map[string]int64) {
	names := make([]string, 0, len(counts))
	var total int64
	for t, n := range counts {
		names = append(names, t)
		total += n
	}
	sort.Strings(names)
	for _, t := range names {
		if counts[t] > 0 {
			fmt.Fprintf(env.Stdout, "  %-28s %d\n", t, counts[t])
		}
	}
	fmt.Fprintf(env.Stdout, "%s: %d 张表 tables, %d 行 rows\n", what, len(counts), total)
}
