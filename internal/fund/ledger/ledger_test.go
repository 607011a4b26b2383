package ledger_test

import (
	"context"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestLedgerBalancesUnderEveryPostingPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sys := audit.Actor{Username: "system"}
		officer := audit.Actor{Username: "fund1"}
		// Automatic postings are idempotent by source and ref.
		var first int64
		for i := 0; i < 2; i++ {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				id, err := ledger.Post(ctx, tx, sys, "collection", "341500:2024-01", fund.Income("341500", "2024-01-31", "contributions", money.Yuan(5000), "1月征缴"))
				if i == 0 {
					first = id
				} else if id != first {
					t.Fatalf("second post made a new posting %d", id)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Post(ctx, tx, sys, "payroll", "2024-02", fund.Expense("341500", "2024-02-10", "long_term", money.Yuan(1200), "2月定期待遇"))
			return err
		})
		// A manual entry waits for a second person.
		id, err := ledger.Propose(ctx, db, officer, fund.Income("341500", "2024-03-20", "interest", money.Yuan(30), "利息"))
		if err != nil {
			t.Fatal(err)
		}
		if err := ledger.Decide(ctx, db, officer, id, 0, true); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("self-approval: %v", err)
		}
		if err := ledger.Decide(ctx, db, audit.Actor{Username: "fund2"}, id, 1, true); err != nil {
			t.Fatal(err)
		}
		if err := ledger.Decide(ctx, db, audit.Actor{Username: "fund3"}, id, 2, true); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("second decision: %v", err)
		}
		// A correction is a reversal.
		if _, err := ledger.Reverse(ctx, db, officer, first, "2024-04-01", "冲正重复征缴"); err != nil {
			t.Fatal(err)
		}
		tb, err := ledger.TrialBalance(ctx, db, "34", "2024-01-01", "2024-12-31")
		if err != nil {
			t.Fatal(err)
		}
		d, c := fund.Totals(tb)
		if d != c || d == 0 {
			t.Fatalf("trial balance debit %s credit %s", d, c)
		}
		for _, b := range tb {
			if b.Account == fund.Bank && b.Net() != money.MustParse("-1170.00") {
				t.Fatalf("bank = %s, want -1170.00 (5000 reversed, 1200 out, 30 in)", b.Net())
			}
		}
		exp, err := ledger.MonthlyNet(ctx, db, "3415", "expense", "2024-01-01", "2024-12-31")
		if err != nil || exp["2024-02"] != money.Yuan(1200) {
			t.Fatalf("monthly expense %v %v", exp, err)
		}
		if res, err := audit.Verify(ctx, db); err != nil || !res.OK() {
			t.Fatalf("audit: %+v %v", res, err)
		}
	})
}
