package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"wiis/internal/auth"
	"wiis/internal/cli"
	"wiis/internal/risk/riskstore"
	"wiis/internal/web"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func init() {
	cli.Register(&cli.Command{
		Name:    "serve",
		Summary: "启动网页与接口服务 / run the web server and API",
		Usage:   "wiis serve [--addr 127.0.0.1:8080] [--demo] [--secure-cookies]",
		Help: `启动服务并打印访问地址；Ctrl-C 或 SIGTERM 时等待进行中的请求结束后退出。
--demo 先填入演示数据（可重复执行），并打印每个角色的演示账户与密码。
--totp-roles 所列角色（默认系统管理员、安全管理员、审计管理员、基金财务员、基金支付员）登录时须输入
动态验证码；首次登录时设置。
环境变量 WIIS_ADDR 可代替 --addr；日志为 JSON 格式（log/slog），写到标准错误。

Starts the server and prints the address to open; on Ctrl-C or SIGTERM it lets requests in
flight finish, then exits. --demo first fills in the demo data (idempotent) and prints one
login per role. Users of the --totp-roles roles (default sysadmin, secadmin, auditor,
fund_officer, payment_officer) pass a TOTP code after the password and set it up at their first
sign-in. WIIS_ADDR may replace --addr; logs are JSON (log/slog) on standard error.
While it runs, the risk rules scan everything stored once a day (as of the current month) and
store new alerts; the scan stops with the server.`,
		Run: runServe,
	})
}

func runServe(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	def := "127.0.0.1:8080"
	if env.Getenv != nil && env.Getenv("WIIS_ADDR") != "" {
		def = env.Getenv("WIIS_ADDR")
	}
	addr := fs.String("addr", def, "监听地址 / listen address (env WIIS_ADDR)")
	withDemo := fs.Bool("demo", false, "填入演示数据并打印演示账户 / seed demo data and print demo logins")
	totpRoles := fs.String("totp-roles", joinRoles(auth.DefaultTOTPRoles),
		"须动态验证码的角色（逗号分隔） / roles that must pass a TOTP second factor (comma-separated)")
	secure := fs.Bool("secure-cookies", false, "Cookie 仅经 HTTPS 发送（部署在 TLS 之后时） / mark cookies Secure (behind TLS)")
	maxInFlight := fs.Int("max-inflight", 0, "同时处理的请求数，其余排队（0 = 每核 4 个） / requests worked on at once, the rest queue (0 = four per core)")
	maxWait := fs.Duration("max-wait", web.DefaultMaxWait, "请求排队超过此时长即答复“系统繁忙” / answer 503 busy after queueing this long")
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	db, err := cli.OpenDB(ctx, fs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis serve:", err)
		return cli.ExitFailure
	}
	defer db.Close()
	authSvc := auth.New(db)
	if authSvc.TOTPRoles, err = auth.ParseRoles(*totpRoles); err != nil {
		fmt.Fprintln(env.Stderr, "wiis serve: --totp-roles:", err)
		return cli.ExitInvalid
	}
	if *withDemo {
		if err := seedDemo(ctx, db, env); err != nil {
			fmt.Fprintln(env.Stderr, "wiis serve: demo:", err)
			return cli.ExitFailure
		}
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	srv, err := web.New(web.Config{DB: db, Auth: authSvc, Log: log, SecureCookies: *secure, Version: version,
		MaxInFlight: *maxInFlight, MaxWait: *maxWait})
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis serve:", err)
		return cli.ExitFailure
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis serve:", err)
		return cli.ExitInvalid
	}
	fmt.Fprintf(env.Stdout, "wiis 已启动 / listening: http://%s/  (数据库 / database: %s)\n", ln.Addr(), db.Engine)
	// The scheduled risk scan (issue 7): a goroutine with a daily ticker, stopped and waited
	// for on shutdown so it never outlives the database handle.
	sctx, stopScan := context.WithCancel(ctx)
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		riskstore.Scheduled(sctx, db, riskScanInterval, log)
	}()
	defer func() { stopScan(); <-scanDone }()
	if err := srv.Run(ctx, ln); err != nil {
		fmt.Fprintln(env.Stderr, "wiis serve:", err)
		return cli.ExitFailure
	}
	return cli.ExitOK
}

func joinRoles(rs []auth.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}
