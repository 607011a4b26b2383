package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/cli"
	"wiis/internal/web"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "user",
		Summary: "用户账户管理 / manage user accounts",
		Usage: `wiis user add --username NAME --name 姓名 --roles ROLE[,ROLE] --region CODE [--password P]
       wiis user list [--region CODE]
       wiis user reset-password USERNAME [--password P]
       wiis user set-roles USERNAME ROLE[,ROLE]`,
		Help: `管理后台用户。未给出 --password 时生成随机密码并打印一次。系统管理员、安全管理员、
审计管理员三个角色不得由同一用户兼任（三员分立）。每项变更都写入审计日志。
角色 / roles: ` + roleList() + `

Manages accounts. Without --password a random password is made and printed once. The system
administrator, security administrator and auditor roles may not be combined on one user.
Every change is written to the audit log.`,
		Run: runUser,
	})
}

func roleList() string {
	var s []string
	for _, r := range auth.Roles {
		s = append(s, string(r.Code)+"("+r.Zh+")")
	}
	return strings.Join(s, ", ")
}

func runUser(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	username := fs.String("username", "", "用户名 / username")
	name := fs.String("name", "", "姓名 / display name")
	roles := fs.String("roles", "", "角色，逗号分隔 / roles, comma-separated")
	region := fs.String("region", "", "区划代码 / region code (GB/T 2260)")
	password := fs.String("password", "", "密码（省略则随机生成）/ password (random if omitted)")
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return cli.ExitInvalid
	}
	action := rest[0]
	if err := fs.Parse(rest[1:]); err != nil {
		return cli.ExitInvalid
	}
	args := fs.Args()
	db, err := cli.OpenDB(ctx, fs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis user:", err)
		return cli.ExitFailure
	}
	defer db.Close()
	svc := auth.New(db)
	by := audit.Actor{Username: "cli:" + env.Getenv("USER"), RemoteAddr: "local"}
	pw := *password
	generated := pw == ""
	if generated {
		pw = auth.RandomPassword()
	}
	switch {
	case action == "add" && len(args) == 0:
		rs, err := auth.ParseRoles(*roles)
		if err != nil {
			return userErr(env, err)
		}
		u, err := svc.CreateUser(ctx, by, auth.NewUser{Username: *username, DisplayName: *name, Password: pw, Roles: rs, Region: *region})
		if err != nil {
			return userErr(env, err)
		}
		fmt.Fprintf(env.Stdout, "已创建用户 / created user %s (id %d)\n", u.Username, u.ID)
	case action == "list" && len(args) == 0:
		users, err := svc.ListUsers(ctx, *region)
		if err != nil {
			return userErr(env, err)
		}
		for _, u := range users {
			var rs []string
			for _, r := range u.Roles {
				rs = append(rs, string(r))
			}
			state := "active"
			if u.Disabled {
				state = "disabled"
			} else if !u.LockedUntil.IsZero() {
				state = "locked until " + audit.FormatTime(u.LockedUntil)
			}
			fmt.Fprintf(env.Stdout, "%-24s %-16s %-8s %-40s %s\n", u.Username, u.DisplayName, u.Region, strings.Join(rs, ","), state)
		}
		return cli.ExitOK
	case action == "reset-password" && len(args) == 1:
		if err := svc.ResetPassword(ctx, by, args[0], pw); err != nil {
			return userErr(env, err)
		}
		fmt.Fprintf(env.Stdout, "已重置密码并结束其会话 / password reset, sessions ended: %s\n", args[0])
	case action == "set-roles" && len(args) == 2:
		rs, err := auth.ParseRoles(args[1])
		if err != nil {
			return userErr(env, err)
		}
		if _, err := svc.SetRoles(ctx, by, args[0], rs, 0); err != nil {
			return userErr(env, err)
		}
		fmt.Fprintf(env.Stdout, "已设置角色 / roles set: %s → %s\n", args[0], args[1])
		return cli.ExitOK
	default:
		fs.SetOutput(env.Stderr)
		fs.Usage()
		return cli.ExitInvalid
	}
	if generated {
		fmt.Fprintf(env.Stdout, "密码 / password: %s\n", pw)
	}
	return cli.ExitOK
}

// userErr prints an error naming its field in both languages; invalid input exits 2.
func userErr(env *cli.Env, err error) int {
	e := apperr.As(err)
	msg := web.T(web.LangZh, e.Message, e.Args...) + " / " + web.T(web.LangEn, e.Message, e.Args...)
	if e.Code == apperr.Internal {
		msg = err.Error()
	}
	field := ""
	if e.Field != "" {
		field = e.Field + ": "
	}
	fmt.Fprintf(env.Stderr, "wiis user: %s%s\n", field, msg)
	if e.Code == apperr.Internal {
		return cli.ExitFailure
	}
	return cli.ExitInvalid
}
