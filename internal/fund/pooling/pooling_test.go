package pooling_test

import (
	"context"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/fund/pooling"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// The worked example of package fund, now through the ledger: Hefei earns 1,000,000 and
// spends 800,000; Lu'an earns 500,000 and spends 600,000; Fuyang earns 300,000 and spends
// 400,000. Anhui's policy is the adjustment fund with a 10% share: the pool is 180,000 and
// the two deficits of 100,000 each get 90,000.
func TestAdjustmentRunRemitsAndAllocatesThroughTheLedgerOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sys := audit.Actor{Username: "system"}
		seed := []struct {
			unit     string
			in, out  int64
			category string
		}{{"340100", 1000000, 800000, "medical"}, {"341500", 500000, 600000, "long_term"}, {"341200", 300000, 400000, "lump_sum"}}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, s := range seed {
				if _, err := ledger.Post(ctx, tx, sys, "test", s.unit+":in", fund.Income(s.unit, "2024-06-30", "contributions", money.Yuan(s.in), "")); err != nil {
					return err
				}
				if _, err := ledger.Post(ctx, tx, sys, "test", s.unit+":out", fund.Expense(s.unit, "2024-07-31", s.category, money.Yuan(s.out), "")); err != nil {
					return err
				}
			}
			// Last year's figures and interest are not this year's contribution income.
			if _, err := ledger.Post(ctx, tx, sys, "test", "old", fund.Income("341500", "2023-12-31", "contributions", money.Yuan(999), "")); err != nil {
				return err
			}
			_, err := ledger.Post(ctx, tx, sys, "test", "interest", fund.Income("341500", "2024-12-20", "interest", money.Yuan(7), ""))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		a, b := audit.Actor{Username: "fund_a"}, audit.Actor{Username: "fund_b"}
		run, err := pooling.Propose(ctx, db, a, "340000", 2024)
		if err != nil {
			t.Fatal(err)
		}
		if run.Mode != fund.Adjustment || run.Result.Pool != money.Yuan(180000) || run.Result.Allocated != money.Yuan(180000) {
			t.Fatalf("run %+v", run.Result)
		}
		want := map[string][2]money.Amount{"340100": {money.Yuan(100000), 0}, "341500": {money.Yuan(50000), money.Yuan(90000)}, "341200": {money.Yuan(30000), money.Yuan(90000)}}
		for _, tr := range run.Result.Transfers {
			if w := want[tr.Unit]; tr.Remit != w[0] || tr.Allocate != w[1] {
				t.Errorf("%s: remit %s allocate %s, want %s and %s", tr.Unit, tr.Remit, tr.Allocate, w[0], w[1])
			}
		}
		if _, err := pooling.Decide(ctx, db, a, run.ID, run.Version, true); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("self-approval: %v", err)
		}
		if _, err := pooling.Decide(ctx, db, b, run.ID, run.Version+5, true); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale version: %v", err)
		}
		got, err := pooling.Decide(ctx, db, b, run.ID, run.Version, true)
		if err != nil || got.Status != pooling.Approved {
			t.Fatalf("approve: %+v %v", got, err)
		}
		if _, err := pooling.Decide(ctx, db, b, run.ID, got.Version, true); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("second approval: %v", err)
		}
		if _, err := pooling.Propose(ctx, db, a, "340000", 2024); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("re-run of an approved year: %v", err)
		}
		// Posting the same entries again (a retried approval) changes nothing.
		db.InTx(ctx, func(tx *store.Tx) error {
			for _, e := range pooling.Entries(got) {
				if _, err := ledger.Post(ctx, tx, b, "pooling", e.Ref, e.Posting); err != nil {
					t.Fatal(err)
				}
			}
			return nil
		})
		tb, err := ledger.TrialBalance(ctx, db, "34", "2024-01-01", "2024-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if d, c := fund.Totals(tb); d != c {
			t.Fatalf("trial balance debit %s credit %s", d, c)
		}
		bank := map[string]money.Amount{}
		for _, bl := range tb {
			if bl.Account == fund.Bank {
				bank[bl.Unit] = bl.Net()
			}
		}
		// Hefei 1,000,000 − 800,000 − 100,000; Lu'an 500,000 − 600,000 − 50,000 + 90,000 + 7;
		// Fuyang 300,000 − 400,000 − 30,000 + 90,000; the province keeps 180,000 − 180,000.
		for unit, w := range map[string]money.Amount{"340100": money.Yuan(100000), "341500": money.Yuan(-59993), "341200": money.Yuan(-40000), "340000": 0} {
			if bank[unit] != w {
				t.Errorf("bank of %s = %s, want %s", unit, bank[unit], w)
			}
		}
		if res, err := audit.Verify(ctx, db); err != nil || !res.OK() {
			t.Fatalf("audit: %+v %v", res, err)
		}
	})
}

func TestRejectedRunPostsNothingAndANewProposalSupersedes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := audit.Actor{Username: "fund_a"}, audit.Actor{Username: "fund_b"}
		first, err := pooling.Propose(ctx, db, a, "340000", 2024)
		if err != nil {
			t.Fatal(err)
		}
		second, err := pooling.Propose(ctx, db, a, "340000", 2024)
		if err != nil {
			t.Fatal(err)
		}
		if old, _ := pooling.Get(ctx, db, first.ID); old.Status != pooling.Superseded {
			t.Fatalf("first run is %s", old.Status)
		}
		if _, err := pooling.Decide(ctx, db, b, second.ID, second.Version, false); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_postings WHERE source = 'pooling'`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d pooling postings after a rejection", n)
		}
		if _, err := pooling.Propose(ctx, db, a, "341500", 2024); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a city is not a province: %v", err)
		}
		if _, err := pooling.Propose(ctx, db, a, "320000", 2024); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("a province without policy: %v", err)
		}
	})
}
