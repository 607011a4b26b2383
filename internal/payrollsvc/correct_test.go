package payrollsvc

import (
	"context"
	"errors"
	"testing"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// A survivor paid the lone-elder extra they did not qualify for, corrected four months late:
// the four months' extra is a receivable, and the survivor's continuing pension sets it off
// over the next runs, never below zero, until nothing is owed.
func TestCorrectionBackdatedIsSetOffAgainstTheContinuingPension(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.SurvivorPension, relation: "parent", orphan: true,
			amount: "2000", start: "2024-01", bank: "2", worker: idA})
		for _, m := range []string{"2024-01", "2024-02", "2024-03", "2024-04", "2024-05"} {
			run(t, s, m)
		}
		var ent int64
		if err := db.QueryRow(ctx, `SELECT id FROM payroll_entitlements WHERE id_number = ?`, idB).Scan(&ent); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CorrectAmount(ctx, ent, payroll.MustMonth("2024-02"), -1, "x", "alice"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("negative amount: %v", err)
		}
		if _, err := s.CorrectAmount(ctx, ent+99, payroll.MustMonth("2024-02"), 1, "x", "alice"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown entitlement: %v", err)
		}
		// 40% → 30% of the wage from February: 500 a month too much for Feb–May.
		got, err := s.CorrectAmount(ctx, ent, payroll.MustMonth("2024-02"), money.MustParse("1500"), "另一供养亲属在世，不属孤寡老人", "alice")
		want := money.MustParse("2000")
		if err != nil || got != want {
			t.Fatalf("established %s %v, want %s", got, err, want)
		}
		if again, err := s.DetectOverpayments(ctx, "alice"); err != nil || again != 0 {
			t.Fatalf("detected again: %s %v", again, err)
		}
		r, err := s.GetReceivable(ctx, idB)
		if err != nil || r.Balance != want || r.Entries[0].Cause != OverpaidCorrection {
			t.Fatalf("receivable %+v %v", r, err)
		}
		// June: the whole 1500 is set off (nothing transferred), 500 left; July: 500 set off,
		// 1000 paid.
		sum, _ := run(t, s, "2024-06")
		if sum.Total != 0 {
			t.Fatalf("June paid %s", sum.Total)
		}
		if r, _ := s.GetReceivable(ctx, idB); r.Balance != money.MustParse("500") || r.Recovered != money.MustParse("1500") {
			t.Fatalf("after June %+v", r)
		}
		sum, _ = run(t, s, "2024-07")
		if sum.Total != money.MustParse("1000") {
			t.Fatalf("July paid %s", sum.Total)
		}
		if r, _ := s.GetReceivable(ctx, idB); r.Balance != 0 || r.Recovered != want {
			t.Fatalf("after July %+v", r)
		}
	})
}
