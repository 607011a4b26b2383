package riskstore

import (
	"context"
	"slices"
	"testing"

	"wiis/internal/coverage"
	"wiis/internal/risk"
	"wiis/internal/store"
)

// fx inserts tiny fixtures straight into the interchange tables, so the rule tests do not
// depend on the import.
type fx struct {
	t   *testing.T
	db  *store.DB
	emp map[string]bool
}

func newFx(t *testing.T, db *store.DB) *fx { return &fx{t: t, db: db, emp: map[string]bool{}} }

func (f *fx) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(context.Background(), q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *fx) employer(uscc string) {
	if !f.emp[uscc] {
		f.emp[uscc] = true
		f.exec(`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, ?, '341503', '4420', 'active')`, uscc, "单位"+uscc)
	}
}

// ev records an enrollment event; base in yuan (0: none).
func (f *fx) ev(id, uscc, kind, month, recorded string, baseYuan int64) {
	f.t.Helper()
	f.employer(uscc)
	var base any
	if baseYuan > 0 {
		base = baseYuan * 100
	}
	cat := any(nil)
	if kind == "add" {
		cat = "regular"
	}
	f.exec(`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base, category) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, uscc, kind, month, recorded, base, cat)
}

func (f *fx) claim(no, id, uscc, injuryAt, project, reportedAt string) {
	f.t.Helper()
	f.exec(`INSERT INTO claims (claim_no, id_number, uscc, injury_at, applied_on, project_code, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		no, id, uscc, injuryAt, injuryAt[:10], nullIfEmpty(project), nullIfEmpty(reportedAt))
}

func (f *fx) death(id, date string) {
	f.t.Helper()
	f.exec(`INSERT INTO deaths (id_number, death_date) VALUES (?, ?)`, id, date)
}

func (f *fx) market(uscc, status string) {
	f.t.Helper()
	f.exec(`INSERT INTO market_registry (uscc, name, region, status) VALUES (?, 'x', '341503', ?)`, uscc, status)
}

func (f *fx) tax(uscc, id, month string) {
	f.t.Helper()
	f.exec(`INSERT INTO tax_withholding (uscc, id_number, month) VALUES (?, ?, ?)`, uscc, id, month)
}

func (f *fx) payment(id, item, month, account string) {
	f.t.Helper()
	f.exec(`INSERT INTO payments (id_number, item, month, amount, bank_account) VALUES (?, ?, ?, 100000, ?)`, id, item, month, nullIfEmpty(account))
}

func (f *fx) beneficiary(id, item, worker, account string) {
	f.t.Helper()
	f.exec(`INSERT INTO beneficiaries (id_number, name, item, monthly_amount, start_month, bank_account, worker_id_number)
		VALUES (?, 'x', ?, 200000, '2023-01', ?, ?)`, id, item, account, worker)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// scan runs the full scan and returns the alerts of one rule.
func (f *fx) scan(asOf, rule string) []risk.Alert {
	f.t.Helper()
	m, err := coverage.ParseMonth(asOf)
	if err != nil {
		f.t.Fatal(err)
	}
	all, err := Scan(context.Background(), f.db, m)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []risk.Alert
	for _, a := range all {
		if a.Rule == rule {
			out = append(out, a)
		}
	}
	return out
}

// expect checks that exactly the subjects fire for rule, and that each alert has a detail
// and evidence.
func (f *fx) expect(asOf, rule string, subjects ...string) []risk.Alert {
	f.t.Helper()
	alerts := f.scan(asOf, rule)
	var got []string
	for _, a := range alerts {
		got = append(got, a.Subject)
		if a.Detail == "" || len(a.Evidence) == 0 {
			f.t.Errorf("%s %s: detail %q, %d evidence rows: want both", a.Rule, a.Subject, a.Detail, len(a.Evidence))
		}
	}
	slices.Sort(subjects)
	if !slices.Equal(got, subjects) {
		f.t.Errorf("%s fires for %v, want %v", rule, got, subjects)
		for _, a := range alerts {
			f.t.Logf("  %s %s: %s", a.Rule, a.Subject, a.Detail)
		}
	}
	return alerts
}
