package riskstore

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"wiis/internal/coverage"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// BenchmarkRiskScan times the full scan (issue 7 item 7) on a generated data set of N persons
// at N/10 employers with 24 months of enrollment history and the other files in proportion,
// next to one plain read of the enrollment table into Go on the same engine in the same run.
// N is WIIS_BENCH_PERSONS (default 20,000, so `go test -bench` stays quick). The full size:
//
//	WIIS_BENCH_PERSONS=1000000 go test -run '^$' -bench RiskScan -benchtime 1x -timeout 30m ./internal/risk/riskstore/
//
// with WIIS_TEST_POSTGRES set to time PostgreSQL as well, and WIIS_BENCH_SQLITE=FILE to keep
// the generated SQLite database for the next run (then its size wins over WIIS_BENCH_PERSONS).
//
// Measured on the 2-core machine (2026-11, other sessions loading it, load average 5–9):
//
//	engine     persons  full scan   one read of the enrollment table
//	SQLite     100 k    1.9 s       0.5 s  (130 k events)
//	PostgreSQL 100 k    0.9 s       0.34 s
//	SQLite     1 M      15.8–39 s   2.5–3.8 s (1.3 M events; 24.5 s typical)
//	PostgreSQL 1 M      13.3 s      2.3 s
//
// Both engines give the same 19,124 alerts at 1 M persons.
func BenchmarkRiskScan(b *testing.B) {
	n := 20000
	if s := os.Getenv("WIIS_BENCH_PERSONS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 100 {
			b.Fatalf("WIIS_BENCH_PERSONS=%q: want a number ≥ 100", s)
		}
		n = v
	}
	for _, e := range storetest.Engines() {
		b.Run(fmt.Sprintf("%s/persons=%d", e, n), func(b *testing.B) {
			ctx := context.Background()
			db := benchDB(b, e)
			var have int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&have); err != nil {
				b.Fatal(err)
			}
			if have == 0 {
				t0 := time.Now()
				rows, err := generate(ctx, db, n)
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("%s: generated %d rows in %.1f s", e, rows, time.Since(t0).Seconds())
			} else {
				n = have
			}
			if e == store.Postgres {
				if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			for _, q := range []string{eventsQuery(db), taxQuery(db)} {
				b.Logf("%s plan of %s:\n%s", e, q, explain(ctx, b, db, q))
			}
			t0 := time.Now()
			events, err := readEnrollment(ctx, db)
			if err != nil {
				b.Fatal(err)
			}
			plain := time.Since(t0)
			asOf, _ := coverage.ParseMonth("2024-12")
			var alerts int
			b.ResetTimer()
			for b.Loop() {
				a, err := Scan(ctx, db, asOf)
				if err != nil {
					b.Fatal(err)
				}
				alerts = len(a)
			}
			scan := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(scan.Seconds(), "scan_s")
			b.ReportMetric(plain.Seconds(), "enrollment_read_s")
			b.Logf("%s, %d persons: full scan %.2f s (%d alerts); one read of %d enrollment events into Go %.2f s",
				e, n, scan.Seconds(), alerts, events, plain.Seconds())
		})
	}
}

// benchDB is a fresh database of engine e, or the one named by WIIS_BENCH_SQLITE (a file
// path) for SQLite, kept between runs so a big data set is generated once and its query plans
// can be inspected.
func benchDB(b *testing.B, e store.Engine) *store.DB {
	path := os.Getenv("WIIS_BENCH_SQLITE")
	if e != store.SQLite || path == "" {
		return storetest.Open(b, e)
	}
	db, err := store.OpenAndMigrate(context.Background(), "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// explain returns the engine's query plan of q, to check in the benchmark log that no stream
// walks an index row by row (SQLite) and what PostgreSQL sorts.
func explain(ctx context.Context, b *testing.B, db *store.DB, q string) string {
	prefix := "EXPLAIN "
	if db.Engine == store.SQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := db.Query(ctx, prefix+q)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	return "  " + strings.Join(out, "\n  ")
}
