package main

import (
	"context"
	"testing"

	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// TestDemoPayrollAndRiskSeedersGiveRunsInEveryStateAndWorkedAlertsIdempotently seeds the demo
// city twice: five payroll runs (reconciled, reconciled, exported, approved, computed), one
// adjustment, stored alerts with some worked, and the second pass changes none of it.
func TestDemoPayrollAndRiskSeedersGiveRunsInEveryStateAndWorkedAlertsIdempotently(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	count := func(q string) (n int) {
		t.Helper()
		if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var first [5]int
	for pass := range 2 {
		if _, err := demo.Run(ctx, db); err != nil {
			t.Fatal(err)
		}
		got := [5]int{
			count(`SELECT COUNT(*) FROM payroll_runs`),
			count(`SELECT COUNT(*) FROM payroll_runs WHERE state = 'reconciled'`),
			count(`SELECT COUNT(*) FROM payroll_adjustments`),
			count(`SELECT COUNT(*) FROM risk_alerts`),
			count(`SELECT COUNT(*) FROM risk_alerts WHERE assignee IS NOT NULL`),
		}
		if pass == 0 {
			first = got
			if got[0] != 5 || got[1] != 2 || got[2] != 1 || got[3] == 0 || got[4] == 0 {
				t.Fatalf("demo: runs, reconciled, adjustments, alerts, worked = %v", got)
			}
		} else if got != first {
			t.Fatalf("seeding again changed the data: %v, then %v", first, got)
		}
	}
	if n := count(`SELECT COUNT(*) FROM payroll_runs WHERE state = 'computed'`); n != 1 {
		t.Fatalf("computed runs = %d, want the current month", n)
	}
}
