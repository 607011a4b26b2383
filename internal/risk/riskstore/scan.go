// Package riskstore feeds everything stored into the risk rules and keeps their alerts: the
// scan (set-based streams ordered by person, merged in Go), alert storage that never
// duplicates an open alert and remembers closed false alarms, and the investigators'
// workflow. The rules themselves are plain Go in internal/risk.
//
// Why streams and Go maps, not SQL joins (design.md, measured): SQLite has no hash join, so
// joining events to claims or tax data in SQL becomes millions of index lookups. Instead each
// big table is read once, ordered by id_number, and the streams are merged person by person;
// the small tables (claims, deaths, payments, beneficiaries, market registry) are read into
// maps first.
package riskstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"wiis/internal/coverage"
	"wiis/internal/risk"
	"wiis/internal/store"
)

// byteOrder is an ORDER BY list that sorts text by bytes on both engines, as Go compares, so
// streams ordered by the database can be merged in Go; PostgreSQL's default collation follows
// the database locale, hence "C". On SQLite (BINARY collation already) the unary plus keeps the
// planner from walking a matching index: that fetches every table row by rowid, measured at 1 M
// persons twice as slow as a full scan into SQLite's sorter.
func byteOrder(db *store.DB, cols ...string) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		if db.Engine == store.Postgres {
			s += c + ` COLLATE "C"`
		} else {
			s += "+" + c
		}
	}
	return s
}

// eventsQuery streams every enrollment event ordered by person and employer.
func eventsQuery(db *store.DB) string {
	return `SELECT id_number, uscc, event, month, recorded_on, monthly_base, id_number AS id` + store.StoredSuffix + ` FROM enrollment_events ORDER BY ` +
		byteOrder(db, "id_number", "uscc")
}

// taxQuery streams the tax withholding rows ordered by person, employer and month.
func taxQuery(db *store.DB) string {
	return `SELECT id_number, uscc, month, id_number AS id` + store.StoredSuffix + ` FROM tax_withholding ORDER BY ` + byteOrder(db, "id_number", "uscc", "month")
}

// Scan evaluates every rule over everything stored for the as-of month and returns the alerts
// firing now, one per (rule, subject), sorted by rule then subject. It stores nothing.
func Scan(ctx context.Context, db *store.DB, asOf coverage.Month) ([]risk.Alert, error) {
	small, err := loadSmall(ctx, db)
	if err != nil {
		return nil, err
	}
	sc := risk.NewScanner(asOf, small.active)
	sc.Beneficiaries(small.beneficiaries)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := startStream(ctx, db, eventsQuery(db), scanEvent)
	taxes := startStream(ctx, db, taxQuery(db), scanTax)

	var p risk.Person
	feed := func(id string) {
		p.ID = id
		p.Claims = small.claims[id]
		p.Payments = small.payments[id]
		p.Death = nil
		if d, ok := small.deaths[id]; ok {
			p.Death = &d
		}
		delete(small.claims, id)
		delete(small.payments, id)
		delete(small.deaths, id)
		sc.Person(&p)
		p.Employments = p.Employments[:0]
		p.Tax = p.Tax[:0]
	}
	for {
		ev, evOK := events.peek()
		tx, txOK := taxes.peek()
		if !evOK && !txOK {
			break
		}
		id, key := ev.id, ev.key
		if !evOK || (txOK && tx.key < key) {
			id, key = tx.id, tx.key
		}
		for ev, ok := events.peek(); ok && ev.key == key; ev, ok = events.peek() {
			n := len(p.Employments)
			if n == 0 || p.Employments[n-1].Uscc != ev.uscc {
				p.Employments = append(p.Employments, risk.Employment{Uscc: ev.uscc})
				n++
			}
			p.Employments[n-1].Events = append(p.Employments[n-1].Events, ev.e)
			events.next()
		}
		for i := range p.Employments {
			coverage.Sort(p.Employments[i].Events)
		}
		for tx, ok := taxes.peek(); ok && tx.key == key; tx, ok = taxes.peek() {
			p.Tax = append(p.Tax, risk.Tax{Uscc: tx.uscc, Month: tx.month})
			taxes.next()
		}
		feed(id)
	}
	if err := events.err(); err != nil {
		return nil, fmt.Errorf("riskstore: enrollment events: %w", err)
	}
	if err := taxes.err(); err != nil {
		return nil, fmt.Errorf("riskstore: tax withholding: %w", err)
	}
	// Persons with claims, deaths or payments but no enrollment or tax rows.
	rest := map[string]bool{}
	for id := range small.claims {
		rest[id] = true
	}
	for id := range small.payments {
		rest[id] = true
	}
	for id := range small.deaths {
		rest[id] = true
	}
	ids := make([]string, 0, len(rest))
	for id := range rest {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		feed(id)
	}
	return sc.Finish(), nil
}

type smallTables struct {
	active        map[string]bool
	claims        map[string][]risk.Claim
	deaths        map[string]risk.Death
	payments      map[string][]risk.Payment
	beneficiaries []risk.Beneficiary
}

// loadSmall reads the tables that are small next to enrollment and tax data into maps keyed
// by person: one full read each.
func loadSmall(ctx context.Context, db *store.DB) (*smallTables, error) {
	s := &smallTables{active: map[string]bool{}, claims: map[string][]risk.Claim{},
		deaths: map[string]risk.Death{}, payments: map[string][]risk.Payment{}}
	err := each(ctx, db, `SELECT uscc FROM market_registry WHERE status = 'active'`, func(r *sql.Rows) error {
		var u string
		if err := r.Scan(&u); err != nil {
			return err
		}
		s.active[u] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("riskstore: market registry: %w", err)
	}
	err = each(ctx, db, `SELECT claim_no, id_number, uscc, injury_at, applied_on, project_code, reported_at FROM claims`,
		func(r *sql.Rows) error {
			var c risk.Claim
			var applied, project, reported sql.NullString
			if err := r.Scan(&c.No, &c.ID, &c.Uscc, &c.InjuryAt, &applied, &project, &reported); err != nil {
				return err
			}
			c.AppliedOn, c.ProjectCode, c.ReportedAt = applied.String, project.String, reported.String
			s.claims[c.ID] = append(s.claims[c.ID], c)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("riskstore: claims: %w", err)
	}
	err = each(ctx, db, `SELECT id_number, death_date FROM deaths`, func(r *sql.Rows) error {
		var d risk.Death
		if err := r.Scan(&d.ID, &d.Date); err != nil {
			return err
		}
		s.deaths[d.ID] = d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("riskstore: deaths: %w", err)
	}
	err = each(ctx, db, `SELECT id_number, item, month, amount, bank_account FROM payments`, func(r *sql.Rows) error {
		var p risk.Payment
		var month string
		var acct sql.NullString
		if err := r.Scan(&p.ID, &p.Item, &month, &p.Amount, &acct); err != nil {
			return err
		}
		m, err := coverage.ParseMonth(month)
		if err != nil {
			return err
		}
		p.Month, p.Account = m, acct.String
		s.payments[p.ID] = append(s.payments[p.ID], p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("riskstore: payments: %w", err)
	}
	err = each(ctx, db, `SELECT id_number, item, worker_id_number, bank_account FROM beneficiaries`, func(r *sql.Rows) error {
		var b risk.Beneficiary
		var acct sql.NullString
		if err := r.Scan(&b.ID, &b.Item, &b.Worker, &acct); err != nil {
			return err
		}
		b.Account = acct.String
		s.beneficiaries = append(s.beneficiaries, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("riskstore: beneficiaries: %w", err)
	}
	return s, nil
}

func each(ctx context.Context, q store.Querier, query string, fn func(*sql.Rows) error) error {
	rows, err := q.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
