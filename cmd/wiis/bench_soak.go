package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"wiis/internal/cli"
	"wiis/internal/store"
	"wiis/internal/web/webload"
)

// soakPersons is the soak's database when --size is not given: the demo city. The soak looks
// for leaks over time, which the size of the persons table does not change; the load test is
// where the million persons matter.
const soakPersons = 5000

// runSoak is `wiis bench soak [--duration 10m]`: the teller mix without pause against the
// in-process server on one engine (the first of --engines, or --db), with heap and goroutine
// samples as a table. It exits 0 when the soak passed and 1 when it found an error answer or
// growth.
func runSoak(ctx context.Context, fs *flag.FlagSet, env *cli.Env, dbGiven bool, engines, pg string, size int, d time.Duration) int {
	var db *store.DB
	var err error
	cleanup := func() {}
	if dbGiven {
		db, err = cli.OpenDB(ctx, fs)
		if db != nil {
			cleanup = func() { db.Close() }
		}
	} else {
		db, cleanup, err = benchDB(ctx, store.Engine(strings.TrimSpace(strings.Split(engines, ",")[0])), pg)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "wiis bench soak: %v\n", err)
		return cli.ExitFailure
	}
	defer cleanup()
	n := soakPersons
	if size > 0 {
		n = size
	}
	fmt.Fprintf(env.Stdout, "soak: %s, %d persons, 64 connections, %s on %s\n", d, n, "teller mix", db.Engine)
	s, err := webload.RunSoak(ctx, db, webload.SoakOptions{Duration: d, Conns: 64, Persons: n})
	if err != nil {
		fmt.Fprintf(env.Stderr, "wiis bench soak: %v\n", err)
		return cli.ExitFailure
	}
	s.Print(env.Stdout)
	if len(s.Failures) > 0 {
		return cli.ExitPartial
	}
	return cli.ExitOK
}
