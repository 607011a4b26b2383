package main

import (
	"context"
	"flag"
	"fmt"

	"wiis/internal/cli"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "migrate",
		Summary: "数据库迁移 / apply database migrations",
		Usage:   "wiis migrate [--status]",
		Help: `应用全部未执行的内置迁移；--status 列出每个迁移的状态。其他命令打开数据库时也会自动迁移。
Applies every pending embedded migration; --status lists each one's state. Every other command
that opens the database migrates it automatically too.`,
		Run: func(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
			status := fs.Bool("status", false, "列出迁移状态 / list migration status")
			if code, ok := cli.Parse(fs, env); !ok {
				return code
			}
			db, err := cli.OpenDB(ctx, fs)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis migrate:", err)
				return cli.ExitFailure
			}
			defer db.Close()
			if *status {
				lines, err := db.MigrationStatus(ctx)
				if err != nil {
					fmt.Fprintln(env.Stderr, "wiis migrate:", err)
					return cli.ExitFailure
				}
				for _, l := range lines {
					fmt.Fprintln(env.Stdout, l)
				}
				return cli.ExitOK
			}
			fmt.Fprintf(env.Stdout, "数据库已是最新 / database is up to date (%s)\n", db.Engine)
			return cli.ExitOK
		},
	})
}
