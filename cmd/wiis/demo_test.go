package main

import (
	"context"
	"testing"

	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// The whole demo, every module's seeder linked into the binary, fills a login per role and
// running it again changes nothing (issue 2: "idempotently").
func TestDemoSeedsEveryModuleAndASecondRunChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("demo seeding skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		logins, err := demo.Run(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(logins) < 14 {
			t.Fatalf("%d demo logins, want one per role at least", len(logins))
		}
		before := rowCounts(t, db)
		for _, table := range []string{"employers", "persons", "enrollment_events", "risk_alerts", "payroll_runs", "ledger_postings", "tickets"} {
			if before[table] == 0 {
				t.Errorf("the demo left %s empty", table)
			}
		}
		if _, err := demo.Run(ctx, db); err != nil {
			t.Fatal(err)
		}
		after := rowCounts(t, db)
		for table, n := range before {
			if after[table] != n {
				t.Errorf("second demo run changed %s: %d → %d rows", table, n, after[table])
			}
		}
	})
}

func rowCounts(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	tables, err := db.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tb := range tables {
		var n int64
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM `+tb).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}
