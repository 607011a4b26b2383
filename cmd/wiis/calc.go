package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"wiis/internal/benefit"
	"wiis/internal/benefitpolicy"
	"wiis/internal/cli"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "calc",
		Summary: "工伤待遇测算 / calculate work-injury benefits",
		Usage:   "wiis calc FILE|-",
		Help: `读取一个 JSON 案例（文件，或 - 表示标准输入），按 spec/calc-contract.md 输出各项待遇、
支付方、依据和计算公式。输入有误时退出码为 2，并在标准输出给出 {"error": {"field", "message"}}。
填写 region 时，缺少的参数按该地区受伤之日有效的政策补齐（需要数据库）；不填 region 时不访问数据库。

Reads one JSON case (a file, or - for standard input) and prints every benefit due with its
payer, legal basis and formula, as spec/calc-contract.md fixes. Invalid input exits 2 with
{"error": {"field", "message"}} on standard output. With "region", missing params are filled
from that region's policy in force on the injury date (this opens the database); without
"region" no database is used.`,
		Run: runCalc,
	})
}

// runCalc is `wiis calc`: decode, fill from policy when a region is given, calculate, print.
func runCalc(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	if code, ok := cli.Parse(fs, env); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return cli.ExitInvalid
	}
	var in io.Reader = env.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return calcError(env, &benefit.FieldError{Field: "", Message: "cannot open " + name + ": " + err.Error(),
				MessageZH: "无法打开 " + name}, cli.ExitInvalid)
		}
		defer f.Close()
		in = f
	}
	c, err := benefit.DecodeCase(in)
	if err != nil {
		return calcError(env, err, cli.ExitInvalid)
	}
	if c.Region != "" {
		db, err := cli.OpenDB(ctx, fs)
		if err != nil {
			return calcError(env, err, cli.ExitFailure)
		}
		defer db.Close()
		if err := benefitpolicy.Fill(ctx, db, &c); err != nil {
			return calcError(env, err, cli.ExitFailure)
		}
	}
	res, err := benefit.Calculate(c)
	if err != nil {
		return calcError(env, err, cli.ExitInvalid)
	}
	return printJSON(env, res, cli.ExitOK)
}

// calcError prints {"error": {...}} on stdout: a *FieldError as it is (exit 2, whatever
// fallback says), anything else (the database) with an empty field and the fallback code.
func calcError(env *cli.Env, err error, fallback int) int {
	var fe *benefit.FieldError
	if errors.As(err, &fe) {
		return printJSON(env, map[string]any{"error": fe}, cli.ExitInvalid)
	}
	fmt.Fprintln(env.Stderr, "wiis calc:", err)
	return printJSON(env, map[string]any{"error": benefit.FieldError{Message: err.Error(), MessageZH: "系统错误：" + err.Error()}}, fallback)
}

func printJSON(env *cli.Env, v any, code int) int {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(env.Stderr, "wiis calc:", err)
		return cli.ExitFailure
	}
	return code
}
