package main

import (
	"context"
	"flag"
	"fmt"

	"wiis/internal/audit"
	"wiis/internal/cli"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "audit",
		Summary: "审计日志核验 / verify the audit log",
		Usage:   "wiis audit verify",
		Help: `verify 按序号逐条核验审计日志的哈希链：完整时退出码 0；发现被篡改或删除的记录时
打印第一条不符记录的序号并以退出码 1 结束。

verify walks the audit log's hash chain in order: exit 0 when it is intact; when a record was
altered or removed it names the first record that does not match and exits 1.`,
		Run: func(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
			if code, ok := cli.Parse(fs, env); !ok {
				return code
			}
			if fs.NArg() < 1 || fs.Arg(0) != "verify" || fs.Parse(fs.Args()[1:]) != nil || fs.NArg() != 0 {
				fmt.Fprintln(env.Stderr, "用法 / usage: wiis audit verify")
				return cli.ExitInvalid
			}
			db, err := cli.OpenDB(ctx, fs)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis audit:", err)
				return cli.ExitFailure
			}
			defer db.Close()
			res, err := audit.Verify(ctx, db)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis audit:", err)
				return cli.ExitFailure
			}
			if !res.OK() {
				fmt.Fprintf(env.Stdout, "审计日志已被篡改：第 %d 号记录不符 / audit log broken at record %d: %s\n",
					res.BrokenSeq, res.BrokenSeq, res.Reason)
				return 1
			}
			fmt.Fprintf(env.Stdout, "审计日志完整：%d 条记录 / audit log intact: %d records\n", res.Records, res.Records)
			return cli.ExitOK
		},
	})
}
