package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"wiis/internal/cli"
	"wiis/internal/demo"
	"wiis/internal/store"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "demo",
		Summary: "填充演示数据 / fill the database with the demo city",
		Usage:   "wiis demo",
		Help: `向数据库填入演示城市（六安市：约200家单位、5000名参保职工及其参保历史、案件、待遇与基金数据），
并为每个角色建立演示账户。可重复执行：第二次执行不改变任何数据。仅含合成数据，不含任何真实个人信息。
Fills the database with the demo city (Lu'an: about 200 employers and 5,000 insured workers with
their history, cases, benefits and fund data) and one login per role. Running it again changes
nothing. Synthetic data only.`,
		Run: func(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
			if code, ok := cli.Parse(fs, env); !ok {
				return code
			}
			db, err := cli.OpenDB(ctx, fs)
			if err != nil {
				fmt.Fprintln(env.Stderr, "wiis demo:", err)
				return cli.ExitFailure
			}
			defer db.Close()
			if err := seedDemo(ctx, db, env); err != nil {
				fmt.Fprintln(env.Stderr, "wiis demo:", err)
				return cli.ExitFailure
			}
			return cli.ExitOK
		},
	})
}

// seedDemo runs every demo seeder and prints the logins, for `wiis demo` and `serve --demo`.
func seedDemo(ctx context.Context, db *store.DB, env *cli.Env) error {
	start := time.Now()
	logins, err := demo.Run(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "演示数据已就绪 / demo data ready (%.1fs)\n", time.Since(start).Seconds())
	fmt.Fprintln(env.Stdout, "演示账户 / demo logins:")
	for _, l := range logins {
		fmt.Fprintf(env.Stdout, "  %-24s %-16s %s\n", l.Username, l.Password, l.Role.Info().Zh)
	}
	fmt.Fprintln(env.Stdout, "特权角色（见 --totp-roles）首次登录时设置动态验证码 / privileged roles (see --totp-roles) set up TOTP at their first sign-in")
	return nil
}
