package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"wiis/internal/idcode"
	"wiis/internal/store"
)

// Bulk is what SeedPersons did: how many persons the database holds now, how many rows it
// wrote (persons, employers, enrollment events, claims) and how long that took.
type Bulk struct {
	Persons           int // persons in the database afterwards
	Added             int // persons written by this call (0 when the database already held them)
	Employers, Events int // rows written
	Claims            int
	Elapsed           time.Duration
	SeedRowsPerSecond float64
	AlreadySeeded     bool
}

// bulkOrigins are the birthplaces (GB/T 2260 counties, all of Anhui) of the bulk persons. The
// demo city's own persons are born in Lu'an's counties, so the two sets of ID numbers never
// meet.
var bulkOrigins = []string{"340102", "340103", "340104", "340111", "340121", "340202", "340302", "340402",
	"340503", "340602", "340702", "340802", "341002", "341102", "341202", "341302", "341602", "341702"}

// bulkBatch is the number of rows in one multi-row INSERT: large enough that statement
// overhead vanishes, small enough for PostgreSQL's 65,535 parameters and SQLite's 32,766.
const bulkBatch = 500

// SeedPersons brings the database up to n persons, for the load test at a province's scale
// (issue 10): the demo city first (users, employers, cases), then persons born elsewhere who
// work for bulk employers in Lu'an, each with an enrollment history of an add and yearly base
// declarations, and a claim for one in a hundred. The data are deterministic (the i-th person
// is always the same), ID numbers and credit codes carry valid check characters, and names are
// Chinese. A database that already holds n persons is left alone, so the expensive seeding runs
// once per database. Rows are written through database/sql with multi-row INSERTs in
// transactions of a few thousand rows, never COPY, so every write of an ID number passes the
// database/sql driver (where encryption at rest of ID numbers is applied).
func SeedPersons(ctx context.Context, db *store.DB, n int) (Bulk, error) {
	var b Bulk
	if _, err := Run(ctx, db); err != nil {
		return b, err
	}
	var have int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&have); err != nil {
		return b, err
	}
	b.Persons = have
	if have >= n {
		b.AlreadySeeded = true
		return b, nil
	}
	start := time.Now()
	now := Now()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -35, 0)
	add := n - have
	// One employer per 200 persons, spread over Lu'an's counties, numbered after the demo's.
	nEmp := max(1, add/200)
	r := rand.New(rand.NewPCG(uint64(have), 0x5eed_b01c))
	emps := make([]string, nEmp)
	empRows := make([][]any, nEmp)
	for i := range emps {
		region := Counties[i%len(Counties)]
		emps[i] = idcode.GenerateUSCC('9', '1', region, 40000000+have+i)
		t := trades[r.IntN(len(trades))]
		empRows[i] = []any{emps[i], fmt.Sprintf("六安%s%s%s", name(r)[:3], t.word, suffixes[r.IntN(len(suffixes))]),
			region, t.code, "active", "2015-03-01"}
	}
	if err := insertRows(ctx, db, "employers", "uscc, name, region, industry_code, status, registered_on", empRows); err != nil {
		return b, err
	}
	b.Employers = nEmp

	days := int(time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(1966, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	var persons, events, claims [][]any
	flush := func(force bool) error {
		if len(persons) < 5000 && !force {
			return nil
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := insertRows(ctx, tx, "persons", "id_number, name, updated_at", persons); err != nil {
				return err
			}
			if err := insertRows(ctx, tx, "enrollment_events", "id_number, uscc, event, month, recorded_on, monthly_base, category", events); err != nil {
				return err
			}
			return insertRows(ctx, tx, "claims", "claim_no, id_number, uscc, injury_at, applied_on", claims)
		})
		b.Added += len(persons)
		b.Events += len(events)
		b.Claims += len(claims)
		persons, events, claims = persons[:0], events[:0], claims[:0]
		return err
	}
	stamp := now.UTC().Format("2006-01-02T15:04:05Z")
	for i := have; i < n; i++ {
		k := i - have
		origin := bulkOrigins[k%len(bulkOrigins)]
		birth := time.Date(1966, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (k/len(bulkOrigins))%days)
		seq := k / (len(bulkOrigins) * days)
		sex := idcode.Female
		if r.IntN(100) < 58 {
			sex = idcode.Male
		}
		id := idcode.GenerateID(birth, origin, seq, sex)
		persons = append(persons, []any{id, name(r), stamp})
		emp := emps[k%nEmp]
		join := first.AddDate(0, r.IntN(30), 0)
		base := int64(3500+r.IntN(9000)) * 100
		events = append(events, []any{id, emp, "add", join.Format("2006-01"), join.AddDate(0, 0, -1-r.IntN(10)).Format("2006-01-02"), base, "regular"})
		for y := join.Year() + 1; y <= now.Year(); y++ {
			jan := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			base = base * int64(103+r.IntN(5)) / 100 / 100 * 100
			events = append(events, []any{id, emp, "base", jan.Format("2006-01"), jan.AddDate(0, 0, -5-r.IntN(20)).Format("2006-01-02"), base, nil})
		}
		if k%100 == 7 {
			inj := join.AddDate(0, 1+r.IntN(12), r.IntN(27)).Add(time.Duration(8+r.IntN(10)) * time.Hour)
			claims = append(claims, []any{fmt.Sprintf("GB%s%07d", inj.Format("2006"), k), id, emp,
				inj.Format("2006-01-02T15:04"), inj.AddDate(0, 0, 3+r.IntN(25)).Format("2006-01-02")})
		}
		if err := flush(false); err != nil {
			return b, err
		}
	}
	if err := flush(true); err != nil {
		return b, err
	}
	b.Elapsed = time.Since(start)
	b.Persons = have + b.Added
	b.SeedRowsPerSecond = float64(b.Added+b.Events+b.Claims+b.Employers) / b.Elapsed.Seconds()
	// Fresh statistics so the planners see a million-row table, not the empty one of migration.
	_, err := db.Exec(ctx, `ANALYZE`)
	return b, err
}

// insertRows writes rows into table with multi-row INSERT statements of bulkBatch rows.
func insertRows(ctx context.Context, q store.Querier, table, cols string, rows [][]any) error {
	for len(rows) > 0 {
		chunk := rows[:min(bulkBatch, len(rows))]
		rows = rows[len(chunk):]
		one := "(" + store.Placeholders(len(chunk[0])) + ")"
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for i, row := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(one)
			args = append(args, row...)
		}
		if _, err := q.Exec(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("demo: bulk insert into %s: %w", table, err)
		}
	}
	return nil
}
