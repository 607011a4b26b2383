package riskstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"wiis/internal/coverage"
	"wiis/internal/idcode"
	"wiis/internal/seal"
	"wiis/internal/store"
)

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
			add("payments", payCols, id, item, inj[:7], int64(5000000+r.IntN(5000000)), seal.Secret(acct))
		}
		if r.IntN(500) == 0 { // a death; some still covered or paid
			add("deaths", []string{"id_number", "death_date"}, id, months[12+r.IntN(12)]+"-15")
		}
		if r.IntN(1000) == 0 && i > 0 { // survivors of the previous person, one family account
			acct := fmt.Sprintf("6230%012d", i)
			for k := range 2 {
				sid := ids[(i+n/2+k)%n]
				add("beneficiaries", benCols, sid, "遗属", "survivor_pension", int64(200000), "2023-05", seal.Secret(acct), ids[i-1])
				add("payments", payCols, sid, "survivor_pension", months[23], int64(200000), seal.Secret(acct))
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
			for _, r := range t.rows {
				w.db.SealValues(r) // COPY bypasses the driver, which seals everything else
			}
			_, err := store.Unwrap(dc).(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, t.cols, pgx.CopyFromRows(t.rows))
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

// Measurement is one timed scan next to its yardstick.
type Measurement struct {
	Persons int
	Scan    time.Duration // Scan of everything stored (R01–R10), as of 2024-12
	Read    time.Duration // one full read of enrollment_events into Go values
	Alerts  int
}

// Measure generates n persons (at n/10 employers, 24 months of history and the other files in
// proportion) in the empty database db, then times one full scan next to one read of the
// enrollment table in the same run: the figure `wiis bench risk` reports.
func Measure(ctx context.Context, db *store.DB, n int) (Measurement, error) {
	m := Measurement{Persons: n}
	if _, err := generate(ctx, db, n); err != nil {
		return m, err
	}
	if db.Engine == store.Postgres {
		if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
			return m, err
		}
	}
	t0 := time.Now()
	if _, err := readEnrollment(ctx, db); err != nil {
		return m, err
	}
	m.Read = time.Since(t0)
	asOf, _ := coverage.ParseMonth("2024-12")
	t0 = time.Now()
	a, err := Scan(ctx, db, asOf)
	if err != nil {
		return m, err
	}
	m.Scan, m.Alerts = time.Since(t0), len(a)
	return m, nil
}
