package payrollsvc

import (
	"context"
	"strings"
	"testing"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// TestHeldPayeeIsNotPaidShowsTheReasonAndIsPaidBackWhenReleased checks the Hold hook: a payee
// named by it gets no line, the held line is listed with its reason, and once the hook no
// longer names the payee the next run pays the held month back.
func TestHeldPayeeIsNotPaidShowsTheReasonAndIsPaidBackWhenReleased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2020-01", bank: "622002"})
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "most", amount: "1783.13", start: "2020-01", bank: "622001"})
		holdA := true
		s.Hold = func(ctx context.Context, q store.Querier) (map[string]string, error) {
			if holdA {
				return map[string]string{idA: "R03 open alert"}, nil
			}
			return nil, nil
		}
		sum, file := run(t, s, "2024-05")
		if strings.Contains(file, idA) || sum.Lines != 1 {
			t.Fatalf("held payee paid: %+v\n%s", sum, file)
		}
		held, err := s.Held(context.Background(), payroll.MustMonth("2024-05"))
		if err != nil {
			t.Fatal(err)
		}
		if len(held) != 1 || held[0].IDNumber != idA || held[0].Reason != "R03 open alert" || held[0].Amount != money.MustParse("4000") {
			t.Fatalf("held lines %+v", held)
		}
		holdA = false
		_, file = run(t, s, "2024-06")
		if !strings.Contains(file, idA+",甲,disability_allowance_backpay,2024-06,4000.00") ||
			!strings.Contains(file, idA+",甲,disability_allowance,2024-06,4000.00") {
			t.Fatalf("released payee not paid back:\n%s", file)
		}
	})
}

// TestHeldDeadPayeeIsNotPaidBackForMonthsAfterDeath: the hold arms the back pay check, but the
// payroll rules pay nothing after a recorded death.
func TestHeldDeadPayeeIsNotPaidBackForMonthsAfterDeath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2020-01", bank: "622002"})
		s.Hold = func(ctx context.Context, q store.Querier) (map[string]string, error) {
			return map[string]string{idA: "R03"}, nil
		}
		run(t, s, "2024-05")
		addDeath(t, db, idA, "2024-04-10")
		s.Hold = nil
		_, file := run(t, s, "2024-06")
		if strings.Contains(file, idA) {
			t.Fatalf("dead payee paid:\n%s", file)
		}
	})
}
