package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wiis/internal/bench"
	"wiis/internal/cli"
	"wiis/internal/store"
	"wiis/internal/web/webload"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "bench",
		Summary: "性能测试（与同次测得的原始基线对比） / benchmarks next to a raw baseline of the same run",
		Usage:   "wiis bench [NAME...] [--only NAME,...] [--size N] [--engines sqlite,postgres] [--db DSN] [--json]",
		Help: `在每种数据库引擎上运行已登记的性能测试，每项结果旁给出同一次运行中测得的原始基线及比值。
SQLite 使用临时文件；PostgreSQL 使用 --pg 指定的空库（或环境变量 WIIS_TEST_POSTGRES），每项测试在独立 schema 中运行。
Runs every registered benchmark on each engine and prints each figure next to the raw baseline
measured in the same run, with the ratio. SQLite uses a temporary file; PostgreSQL uses --pg
(or WIIS_TEST_POSTGRES), each benchmark in its own schema.

给出 --db 时只在该数据库上运行（不建临时库），已填充的数据（如负载测试的一百万人）可重复使用：
With --db the benchmarks run on that one database instead of a temporary one, so data seeded
once (the load test's million persons) is reused by the next run:

  wiis bench load --db sqlite:/tmp/load.db          (默认 1,000,000 人 / 1,000,000 persons by default)
  wiis bench load --db postgres://postgres@127.0.0.1:5432/test?sslmode=disable --size 100000`,
		Run: runBench,
	})
}

func runBench(ctx context.Context, fs *flag.FlagSet, env *cli.Env) int {
	only := fs.String("only", "", "只运行这些测试（逗号分隔） / run only these, comma-separated")
	size := fs.Int("size", 0, "问题规模（0 = 各项默认） / problem size (0 = each benchmark's default)")
	engines := fs.String("engines", "sqlite,postgres", "引擎 / engines")
	pg := fs.String("pg", "", "PostgreSQL 地址 / PostgreSQL URL (default env WIIS_TEST_POSTGRES)")
	asJSON := fs.Bool("json", false, "输出 JSON / print JSON")
	list := fs.Bool("list", false, "列出测试 / list benchmarks")
	fs.StringVar(&webload.CPUProfile, "cpuprofile", "", "load: CPU 剖析文件 / write a CPU profile (pprof) of the load phase to this file")
	duration := fs.Duration("duration", 10*time.Minute, "soak: 持续时间 / how long the soak runs")
	// Benchmark names may come before or between the flags: `wiis bench load --db X`.
	var names []string
	args := env.Args
	for {
		if code, ok := cli.Parse(fs, &cli.Env{Args: args, Stdout: env.Stdout, Stderr: env.Stderr}); !ok {
			return code
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		args = fs.Args()[1:]
	}
	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	if *list {
		for _, b := range bench.All() {
			fmt.Fprintf(env.Stdout, "%-24s default size %d\n", b.Name, b.DefaultSize)
		}
		return cli.ExitOK
	}
	if *pg == "" && env.Getenv != nil {
		*pg = env.Getenv("WIIS_TEST_POSTGRES")
	}
	want := map[string]bool{}
	for _, n := range append(strings.Split(*only, ","), names...) {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	for n := range want {
		if n == "soak" {
			continue
		}
		if _, ok := bench.Lookup(n); !ok {
			fmt.Fprintf(env.Stderr, "wiis bench: no benchmark %q (wiis bench --list)\n", n)
			return cli.ExitInvalid
		}
	}
	if want["soak"] {
		if len(want) > 1 {
			fmt.Fprintln(env.Stderr, "wiis bench: the soak runs alone")
			return cli.ExitInvalid
		}
		return runSoak(ctx, fs, env, dbGiven, *engines, *pg, *size, *duration)
	}
	var results []bench.Result
	for _, b := range bench.All() {
		if len(want) > 0 && !want[b.Name] {
			continue
		}
		n := b.DefaultSize
		if *size > 0 {
			n = *size
		}
		if !b.NeedsDB {
			r, err := b.Run(ctx, nil, n)
			if err != nil {
				fmt.Fprintf(env.Stderr, "wiis bench %s: %v\n", b.Name, err)
				return cli.ExitFailure
			}
			r.Finish()
			results = append(results, r)
			continue
		}
		if dbGiven {
			db, err := cli.OpenDB(ctx, fs)
			if err != nil {
				fmt.Fprintf(env.Stderr, "wiis bench %s: %v\n", b.Name, err)
				return cli.ExitFailure
			}
			r, err := b.Run(ctx, db, n)
			db.Close()
			if err != nil {
				fmt.Fprintf(env.Stderr, "wiis bench %s on %s: %v\n", b.Name, db.Engine, err)
				return cli.ExitFailure
			}
			r.Engine = string(db.Engine)
			r.Finish()
			results = append(results, r)
			continue
		}
		for _, e := range strings.Split(*engines, ",") {
			db, cleanup, err := benchDB(ctx, store.Engine(strings.TrimSpace(e)), *pg)
			if err != nil {
				fmt.Fprintf(env.Stderr, "wiis bench %s on %s: skipped: %v\n", b.Name, e, err)
				continue
			}
			r, err := b.Run(ctx, db, n)
			cleanup()
			if err != nil {
				fmt.Fprintf(env.Stderr, "wiis bench %s on %s: %v\n", b.Name, e, err)
				return cli.ExitFailure
			}
			r.Engine = e
			r.Finish()
			results = append(results, r)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", " ")
		enc.Encode(results)
		return cli.ExitOK
	}
	bench.PrintTable(env.Stdout, results)
	return cli.ExitOK
}

// benchDB opens a fresh migrated database for one benchmark: a temporary SQLite file, or a
// new schema in the PostgreSQL database, removed by cleanup.
func benchDB(ctx context.Context, e store.Engine, pg string) (*store.DB, func(), error) {
	switch e {
	case store.SQLite:
		dir, err := os.MkdirTemp("", "wiis-bench-")
		if err != nil {
			return nil, nil, err
		}
		db, err := store.OpenAndMigrate(ctx, "sqlite:"+filepath.Join(dir, "bench.db"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return db, func() { db.Close(); os.RemoveAll(dir) }, nil
	case store.Postgres:
		if pg == "" {
			return nil, nil, fmt.Errorf("no PostgreSQL URL (--pg or WIIS_TEST_POSTGRES)")
		}
		dsn, drop, err := store.TempSchema(ctx, pg, "wiis_bench")
		if err != nil {
			return nil, nil, err
		}
		db, err := store.OpenAndMigrate(ctx, dsn)
		if err != nil {
			drop()
			return nil, nil, err
		}
		return db, func() { db.Close(); drop() }, nil
	}
	return nil, nil, fmt.Errorf("unknown engine %q", e)
}
