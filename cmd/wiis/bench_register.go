package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"wiis/internal/bench"
	"wiis/internal/benefit"
	"wiis/internal/interchange"
	"wiis/internal/payrollsvc"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/web/webload"
)

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// The measurements of `wiis bench`, each from the module that owns the work.
func init() {
	bench.Register(bench.Bench{Name: "calc", DefaultSize: 20000, Run: func(ctx context.Context, _ *store.DB, n int) (bench.Result, error) {
		calc, raw, err := benefit.Measure(n)
		if err != nil {
			return bench.Result{}, err
		}
		return bench.Result{Name: "calc", Engine: "-", Size: n, Unit: "calcs/s", Value: bench.Rate(n, calc), Baseline: bench.Rate(n, raw),
			Base: "decoding the same JSON into a generic value", Note: "decode, validate and calculate a grade-5 termination case"}, nil
	}})
	bench.Register(bench.Bench{Name: "import", NeedsDB: true, DefaultSize: 200000, Run: func(ctx context.Context, db *store.DB, n int) (bench.Result, error) {
		dir, err := os.MkdirTemp("", "wiis-bench-import-")
		if err != nil {
			return bench.Result{}, err
		}
		defer os.RemoveAll(dir)
		r, err := interchange.BenchImport(ctx, db, dir, n, interchange.Options{})
		if err != nil {
			return bench.Result{}, err
		}
		raw := "one prepared INSERT per row in one transaction"
		if db.Engine == store.Postgres {
			raw = "one COPY of the same rows"
		}
		return bench.Result{Name: "import", Size: n, Unit: "rows/s", Value: r.ImportRate(), Baseline: r.RawRate(), Goal: "≥ 0.5",
			Base: raw, Note: fmt.Sprintf("enrollment_events.csv with full validation; peak heap %.0f MB", r.PeakHeapMB)}, nil
	}})
	bench.Register(bench.Bench{Name: "load", NeedsDB: true, DefaultSize: 1_000_000, Run: func(ctx context.Context, db *store.DB, n int) (bench.Result, error) {
		// The size is the number of persons; the load is 20,000 requests (fewer for a small
		// database, so the wiring test stays short), bounded by a minute.
		requests := min(20000, n)
		r, err := webload.Run(ctx, db, n, requests, 64, time.Minute)
		if err != nil {
			return bench.Result{}, err
		}
		if r.Errors > 0 {
			return bench.Result{}, fmt.Errorf("load: %d of %d requests failed: %s", r.Errors, r.Requests, strings.Join(r.Failed, "; "))
		}
		seeded := fmt.Sprintf("database already held %d persons", r.Seed.Persons)
		if !r.Seed.AlreadySeeded {
			seeded = fmt.Sprintf("seeded %d persons, %d enrollment events, %d claims, %d employers in %.1f s (%.0f rows/s)",
				r.Seed.Added, r.Seed.Events, r.Seed.Claims, r.Seed.Employers, r.Seed.Elapsed.Seconds(), r.Seed.SeedRowsPerSecond)
		}
		var routes []string
		for _, rl := range r.Routes {
			routes = append(routes, fmt.Sprintf("%s p50 %.1f p99 %.1f (%d statements)", rl.Path, ms(rl.P50), ms(rl.P99), rl.Statements))
		}
		return bench.Result{Name: "load", Size: n, Unit: "req/s", Value: r.Rate, Baseline: r.BareRate, Goal: "p99 < 100 ms",
			Base: "a bare net/http handler under the same load", P50: ms(r.P50), P99: ms(r.P99),
			Note: fmt.Sprintf("%d requests after a warm-up of %d (warm-up p99 %.1f ms: the connections opening), 64 connections on loopback, one teller login per connection; p50 %.1f ms, p99 %.1f ms (bare p99 %.1f ms); %s; by request (ms): %s",
				r.Requests, r.Warmup, ms(r.WarmupP99), ms(r.P50), ms(r.P99), ms(r.BareP99), seeded, strings.Join(routes, "; "))}, nil
	}})
}

func init() {
	bench.Register(bench.Bench{Name: "payroll", NeedsDB: true, DefaultSize: 100000, Run: func(ctx context.Context, db *store.DB, n int) (bench.Result, error) {
		m, err := payrollsvc.Measure(ctx, db, n)
		if err != nil {
			return bench.Result{}, err
		}
		return bench.Result{Name: "payroll", Size: n, Unit: "s", Value: m.Run.Seconds(), Baseline: m.Raw.Seconds(), Goal: "≥ 0.33 (within 3×)",
			Base: "inserting the same number of payment rows the fastest plain way (prepared statement / COPY)",
			Note: fmt.Sprintf("a month's run for N entitlements with its bank file; peak heap %.1f MB", float64(m.PeakHeap)/(1<<20))}, nil
	}})
}

func init() {
	bench.Register(bench.Bench{Name: "risk", NeedsDB: true, DefaultSize: 100000, Run: func(ctx context.Context, db *store.DB, n int) (bench.Result, error) {
		m, err := riskstore.Measure(ctx, db, n)
		if err != nil {
			return bench.Result{}, err
		}
		return bench.Result{Name: "risk", Size: n, Unit: "s", Value: m.Scan.Seconds(), Baseline: m.Read.Seconds(), Goal: "1,000,000 persons ≤ 60 s",
			Base: "one full read of enrollment_events into Go", Note: fmt.Sprintf("R01–R10 over N persons, 24 months; %d alerts", m.Alerts)}, nil
	}})
}
