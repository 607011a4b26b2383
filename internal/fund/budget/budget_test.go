package budget_test

import (
	"context"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/budget"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestBudgetExecutionAndPreventionWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := audit.Actor{Username: "fund_a"}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for ref, p := range map[string]fund.Posting{
				"last":  fund.Income("341500", "2023-06-30", "contributions", money.Yuan(100000), ""),
				"jan":   fund.Income("341500", "2024-01-31", "contributions", money.Yuan(4000), ""),
				"mar":   fund.Income("341522", "2024-03-31", "contributions", money.Yuan(6000), ""), // a county of Lu'an
				"med":   fund.Expense("341500", "2024-02-15", "medical", money.Yuan(3000), ""),
				"prev":  fund.Expense("341500", "2024-05-15", "prevention", money.Yuan(1500), ""),
				"train": fund.Expense("341500", "2024-06-15", "prevention_training", money.Yuan(2000), ""),
				"other": fund.Income("340100", "2024-03-31", "contributions", money.Yuan(999), ""),
			} {
				if _, err := ledger.Post(ctx, tx, a, "test", ref, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []budget.Line{{Unit: "341500", Year: 2024, Account: "income:contributions", Amount: money.Yuan(8000)},
			{Unit: "341500", Year: 2024, Account: "expense:medical", Amount: money.Yuan(2000)},
			{Unit: "341500", Year: 2024, Account: "expense:long_term", Amount: money.Yuan(12000)}} {
			if err := budget.Set(ctx, db, a, l, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := budget.Set(ctx, db, a, budget.Line{Unit: "341500", Year: 2024, Account: "income:contributions", Amount: money.Yuan(8000)}, 0); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale version: %v", err)
		}
		if err := budget.Set(ctx, db, a, budget.Line{Unit: "341500", Year: 2024, Account: "bank", Amount: 1}, 0); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("bank as a budget account: %v", err)
		}
		ex, err := budget.Execute(ctx, db, "341500", 2024, time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]budget.Execution{}
		for _, e := range ex {
			by[e.Account] = e
		}
		in := by["income:contributions"]
		if in.Actual != money.Yuan(10000) || in.Share != "125.00" || in.Cumul[1] != money.Yuan(4000) || in.Cumul[2] != money.Yuan(10000) || len(in.Warnings) != 0 {
			t.Errorf("income %+v", in)
		}
		if med := by["expense:medical"]; med.Share != "150.00" || len(med.Warnings) != 1 {
			t.Errorf("medical over budget %+v", med)
		}
		if lt := by["expense:long_term"]; lt.Share != "0.00" || len(lt.Warnings) != 0 || lt.Expected != "50.00" {
			t.Errorf("long-term %+v", lt)
		}
		// Prevention: 3% of last year's 100,000 = 3,000; 3,500 spent; training 2,000 of it.
		p, pol, err := budget.Prevention(ctx, db, "341500", 2024)
		if err != nil {
			t.Fatal(err)
		}
		if pol.CapPct != "3" || p.Cap != money.Yuan(3000) || p.Spent != money.Yuan(3500) || p.Training != money.Yuan(2000) || len(p.Warnings) != 1 {
			t.Fatalf("prevention %+v %+v", p, pol)
		}
	})
}
