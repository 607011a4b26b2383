package riskstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"wiis/internal/coverage"
	"wiis/internal/idcode"
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

// readEnrollment is the yardstick: one full read of the enrollment table into Go values.
func readEnrollment(ctx context.Context, db *store.DB) (int, error) {
	rows, err := db.Query(ctx, `SELECT id_number, uscc, event, month, recorded_on, monthly_base FROM enrollment_events`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, uscc, ev, month, rec string
		var base sql.NullInt64
		if err := rows.Scan(&id, &uscc, &ev, &month, &rec, &base); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

// generate fills db with n persons at n/10 employers: 24 months of enrollment (2023-01 to
// 2024-12) with job changes, base changes and same-month add/remove pairs; three months of tax
// withholding per person; claims, deaths, payments and beneficiaries at rates a little above
// the sample's; and a sprinkling of every rule's anomaly. It returns the rows written.
func generate(ctx context.Context, db *store.DB, n int) (int, error) {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	nEmp := max(n/10, 1)
	uscc := func(i int) string { return fmt.Sprintf("91341503%09dX", i) }
	day0 := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := make([]string, n)
	for i := range ids {
		sex := idcode.Male
		if i%2 == 1 {
			sex = idcode.Female
		}
		// birth day and sequence vary together so every ID is distinct (up to 7 M persons)
		ids[i] = idcode.GenerateID(day0.AddDate(0, 0, i%14600), "341503", (i/14600)%250*2+int(i%2), sex)
	}
	months := make([]string, 24)
	for k := range months {
		months[k] = coverage.Month(2023*12 + k).String()
	}
	w := newBulk(db)
	var err error
	add := func(table string, cols []string, row ...any) {
		if err == nil {
			err = w.add(ctx, table, cols, row)
		}
	}
	empCols := []string{"uscc", "name", "region", "industry_code", "status", "registered_on"}
	mktCols := []string{"uscc", "name", "region", "status", "registered_on"}
	for i := range nEmp {
		add("employers", empCols, uscc(i), "单位"+strconv.Itoa(i), "341503", "4420", "active", "2015-03-01")
		status := "active"
		if i%50 == 0 {
			status = "cancelled"
		}
		add("market_registry", mktCols, uscc(i), "单位"+strconv.Itoa(i), "341503", status, "2015-03-01")
	}
	for i := range nEmp / 100 { // employers known only to market regulation
		add("market_registry", mktCols, uscc(nEmp+i), "未登记单位", "341503", "active", "2018-01-01")
	}
	if err == nil {
		err = w.flush(ctx) // employers first: enrollment events refer to them
	}
	perCols := []string{"id_number", "name"}
	evCols := []string{"id_number", "uscc", "event", "month", "recorded_on", "monthly_base", "category"}
	taxCols := []string{"uscc", "id_number", "month"}
	claimCols := []string{"claim_no", "id_number", "uscc", "injury_at", "applied_on", "project_code", "reported_at"}
	payCols := []string{"id_number", "item", "month", "amount", "bank_account"}
	benCols := []string{"id_number", "name", "item", "monthly_amount", "start_month", "bank_account", "worker_id_number"}
	claimNo := 0
	for i, id := range ids {
		add("persons", perCols, id, "职工"+strconv.Itoa(i))
		emp := uscc(i / 10 % nEmp)
		start := 0
		if r.IntN(4) == 0 {
			start = r.IntN(20)
		}
		base := int64(300000 + r.IntN(1200000))
		add("enrollment_events", evCols, id, emp, "add", months[start], months[start][:5]+"01-05", base, "regular")
		if r.IntN(10) == 0 && start < 18 {
			add("enrollment_events", evCols, id, emp, "base", months[18], months[17]+"-20", base*103/100, nil)
		}
		current := emp
		if r.IntN(10) == 0 { // job change
			end := start + r.IntN(23-start)
			add("enrollment_events", evCols, id, emp, "remove", months[end], months[end]+"-28", nil, nil)
			current = uscc(r.IntN(nEmp))
			if current != emp && end < 23 {
				add("enrollment_events", evCols, id, current, "add", months[end+1], months[end+1]+"-03", base, "regular")
			} else {
				current = ""
			}
		}
		if i%1000 == 7 { // R04: two same-month add/remove pairs within 12 months
			other := uscc((i + 1) % nEmp)
			for _, m := range []string{months[14], months[20]} {
				add("enrollment_events", evCols, id, other, "add", m, m+"-02", base, "intern")
				add("enrollment_events", evCols, id, other, "remove", m, m+"-25", nil, nil)
			}
		}
		taxAt := current
		if i%200 == 3 || taxAt == "" { // R07: tax withheld by an employer that does not cover
			taxAt = uscc(r.IntN(nEmp + nEmp/100))
		}
		for _, m := range months[21:] {
			add("tax_withholding", taxCols, taxAt, id, m)
		}
		if r.IntN(100) == 0 { // a claim, paid
			claimNo++
			inj := fmt.Sprintf("%s-%02dT%02d:00", months[12+r.IntN(12)], 1+r.IntN(28), 8+r.IntN(10))
			project, reported := any(nil), any(nil)
			if r.IntN(5) == 0 {
				project = "XM" + strconv.Itoa(claimNo%100)
				t, _ := time.Parse("2006-01-02T15:04", inj)
				reported = t.Add(time.Duration(1+r.IntN(60)) * time.Hour).Format("2006-01-02T15:04")
			}
			applier := emp
			if r.IntN(20) == 0 {
				applier = uscc(r.IntN(nEmp))
			}
			add("claims", claimCols, fmt.Sprintf("GS%08d", claimNo), id, applier, inj, inj[:10], project, reported)
			if r.IntN(50) == 0 { // R08
				claimNo++
				add("claims", claimCols, fmt.Sprintf("GS%08d", claimNo), id, applier, inj, inj[:10], nil, nil)
			}
			item := "lump_sum_disability"
			if r.IntN(3) == 0 {
				item = "lump_sum_medical"
			}
			acct := fmt.Sprintf("6217%012d", i)
			if r.IntN(100) == 0 { // R09
				acct = fmt.Sprintf("6217%012d", i-1)
			}
			add("payments", payCols, id, item, inj[:7], int64(5000000+r.IntN(5000000)), acct)
		}
		if r.IntN(500) == 0 { // a death; some still covered or paid
			add("deaths", []string{"id_number", "death_date"}, id, months[12+r.IntN(12)]+"-15")
		}
		if r.IntN(1000) == 0 && i > 0 { // survivors of the previous person, one family account
			acct := fmt.Sprintf("6230%012d", i)
			for k := range 2 {
				sid := ids[(i+n/2+k)%n]
				add("beneficiaries", benCols, sid, "遗属", "survivor_pension", int64(200000), "2023-05", acct, ids[i-1])
				add("payments", payCols, sid, "survivor_pension", months[23], int64(200000), acct)
			}
		}
	}
	if err == nil {
		err = w.flush(ctx)
	}
	return w.rows, err
}

// bulk writes generated rows in big batches: multi-row INSERT in one transaction per table
// batch on SQLite, COPY on PostgreSQL (design.md: the fastest load on each engine).
type bulk struct {
	db      *store.DB
	pending map[string]*tableRows
	order   []string
	rows    int
}

type tableRows struct {
	cols []string
	rows [][]any
}

const bulkBatch = 50000

func newBulk(db *store.DB) *bulk { return &bulk{db: db, pending: map[string]*tableRows{}} }

func (w *bulk) add(ctx context.Context, table string, cols []string, row []any) error {
	t := w.pending[table]
	if t == nil {
		t = &tableRows{cols: cols}
		w.pending[table] = t
		w.order = append(w.order, table)
	}
	t.rows = append(t.rows, row)
	if len(t.rows) >= bulkBatch {
		return w.write(ctx, table, t)
	}
	return nil
}

func (w *bulk) flush(ctx context.Context) error {
	for _, table := range w.order {
		if err := w.write(ctx, table, w.pending[table]); err != nil {
			return err
		}
	}
	return nil
}

func (w *bulk) write(ctx context.Context, table string, t *tableRows) error {
	if len(t.rows) == 0 {
		return nil
	}
	defer func() { w.rows += len(t.rows); t.rows = t.rows[:0] }()
	if w.db.Engine == store.Postgres {
		conn, err := w.db.SQL.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, t.cols, pgx.CopyFromRows(t.rows))
			return err
		})
	}
	per := 30000 / len(t.cols) // SQLite's limit of bound parameters per statement
	return w.db.InTx(ctx, func(tx *store.Tx) error {
		for lo := 0; lo < len(t.rows); lo += per {
			hi := min(lo+per, len(t.rows))
			var q strings.Builder
			q.WriteString("INSERT INTO " + table + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
			args := make([]any, 0, (hi-lo)*len(t.cols))
			for k, row := range t.rows[lo:hi] {
				if k > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(" + store.Placeholders(len(t.cols)) + ")")
				args = append(args, row...)
			}
			if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		return nil
	})
}
