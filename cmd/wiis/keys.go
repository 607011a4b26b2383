package main

import (
	"context"
	"flag"
	"fmt"
	"sort"

	"wiis/internal/audit"
	"wiis/internal/cli"
	"wiis/internal/seal"
	"wiis/internal/store"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "keys",
		Summary: "个人信息加密密钥 / keys of the personal data encrypted at rest",
		Usage:   "wiis keys status|check|rotate|rewrap --new-key-file FILE",
		Help: `身份证号、银行账号、电话号码在数据库中加密存储（数据密钥由主密钥 WIIS_KEK 或
WIIS_KEY_FILE 包裹；未设置时使用 ` + "`~/.config/wiis/master.key`" + `，首次启动自动生成）。
  status   显示主密钥来源和数据密钥
  check    扫描整个数据库，列出仍以明文存储的个人标识（应为空）
  rotate   生成新数据密钥并用它重新加密全部数据（一个事务；先停止其他 wiis 进程）
  rewrap   用 --new-key-file 中的新主密钥重新包裹数据密钥（不触及数据，随后为所有节点换上新主密钥）
ID numbers, bank accounts and phone numbers are stored encrypted; the data keys are wrapped
by the key-encryption key from WIIS_KEK or WIIS_KEY_FILE (default ~/.config/wiis/master.key,
made at first start).
  status   where the key-encryption key comes from, and the data keys
  check    scan the whole database for personal identifiers stored in clear (expect none)
  rotate   make a new data key and reseal everything with it, in one transaction (stop the
           other wiis processes first: they would keep sealing with the old key)
  rewrap   rewrap the data keys under the new key-encryption key in --new-key-file (no data
           is touched); then install the new key on every node`,
		Run: runKeys,
	})
}

func runKeys(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	newKeyFile := fs.String("new-key-file", "", "rewrap: the file holding the new key-encryption key (base64 of 32 bytes)")
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	action := fs.Arg(0)
	if fs.NArg() > 1 { // flags after the action: `wiis keys rotate --db ...`
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return cli.ExitInvalid
		}
		if fs.NArg() != 0 {
			fmt.Fprintln(env.Stderr, "wiis keys: 只能有一个操作 / one action only")
			return cli.ExitInvalid
		}
	}
	if action != "status" && action != "check" && action != "rotate" && action != "rewrap" {
		fmt.Fprintf(env.Stderr, "wiis keys: 未知操作 / unknown action %q: use status, check, rotate or rewrap\n", action)
		return cli.ExitInvalid
	}
	var newKEK *seal.KEK
	if action == "rewrap" {
		if *newKeyFile == "" {
			fmt.Fprintln(env.Stderr, "wiis keys rewrap: --new-key-file: 必填 / required (the new key-encryption key)")
			return cli.ExitInvalid
		}
		k, err := seal.LoadKEKFile(*newKeyFile)
		if err != nil {
			fmt.Fprintln(env.Stderr, "wiis keys rewrap: --new-key-file:", err)
			return cli.ExitInvalid
		}
		newKEK = k
	}
	db, err := cli.OpenDB(ctx, fs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "wiis keys:", err)
		return cli.ExitFailure
	}
	defer db.Close()
	by := audit.Actor{Username: "cli:" + env.Getenv("USER"), RemoteAddr: "local"}
	switch action {
	case "status":
		keys, err := db.DataKeys(ctx)
		if err != nil {
			fmt.Fprintln(env.Stderr, "wiis keys:", err)
			return cli.ExitFailure
		}
		fmt.Fprintf(env.Stdout, "主密钥来源 / key-encryption key: %s\n", db.KEKSource())
		for _, k := range keys {
			fmt.Fprintf(env.Stdout, "数据密钥 / data key %d  %-8s created %s\n", k.ID, k.State, k.CreatedAt)
		}
	case "check":
		found, err := db.FindClear(ctx)
		if err != nil {
			fmt.Fprintln(env.Stderr, "wiis keys:", err)
			return cli.ExitFailure
		}
		for _, f := range found {
			fmt.Fprintf(env.Stdout, "明文 / in clear: %s.%s: %d rows\n", f.Table, f.Column, f.Rows)
		}
		if len(found) > 0 {
			return cli.ExitPartial
		}
		fmt.Fprintln(env.Stdout, "未发现明文个人标识 / no personal identifier stored in clear")
	case "rotate":
		rep, err := db.RotateDataKey(ctx)
		if err != nil {
			fmt.Fprintln(env.Stderr, "wiis keys:", err)
			return cli.ExitFailure
		}
		cols := make([]string, 0, len(rep.Values))
		for c := range rep.Values {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		for _, c := range cols {
			fmt.Fprintf(env.Stdout, "%-48s %d\n", c, rep.Values[c])
		}
		fmt.Fprintf(env.Stdout, "新数据密钥 / new data key %d active; every value resealed\n", rep.NewKey)
		if err := appendKeyAudit(ctx, db, by, "keys.rotate", map[string]any{"data_key": rep.NewKey, "values": rep.Values}); err != nil {
			fmt.Fprintln(env.Stderr, "wiis keys:", err)
			return cli.ExitFailure
		}
	case "rewrap":
		n, err := db.RewrapKeys(ctx, newKEK)
		if err != nil {
			fmt.Fprintln(env.Stderr, "wiis keys:", err)
			return cli.ExitFailure
		}
		fmt.Fprintf(env.Stdout, "已用新主密钥包裹 %d 个数据密钥 / %d data keys rewrapped: install %s as %s (or its content as %s) on every node now\n",
			n, n, *newKeyFile, seal.EnvKeyFile, seal.EnvKEK)
		if err := appendKeyAudit(ctx, db, by, "keys.rewrap", map[string]any{"data_keys": n}); err != nil {
			fmt.Fprintln(env.Stderr, "wiis keys:", err)
			return cli.ExitFailure
		}
	}
	return cli.ExitOK
}

// appendKeyAudit records a key operation (never a key) in the audit log.
func appendKeyAudit(ctx context.Context, db *store.DB, by audit.Actor, action string, after any) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		_, err := audit.Append(ctx, tx, audit.Record{Action: action, Entity: "data_keys", After: after}.By(by))
		return err
	})
}
