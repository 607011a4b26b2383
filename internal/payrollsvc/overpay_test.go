package payrollsvc

import (
	"context"
	"errors"
	"strings"
	"testing"

	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestDeathRecordedThreeMonthsLateIsExactlyTheOverpaidAmount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2024-01", bank: "1"})
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.NursingCare, selfCare: "full", amount: "2228.92", start: "2024-01", bank: "1"})
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "most", amount: "1500", start: "2024-01", bank: "2"})
		for _, m := range []string{"2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"} {
			run(t, s, m)
		}
		// Died 15 March; recorded after the June run: April, May and June were overpaid, the
		// death month itself was owed.
		addDeath(t, db, idA, "2024-03-15")
		sum, jul := run(t, s, "2024-07")
		if strings.Contains(jul, idA) || sum.Lines != 1 {
			t.Fatalf("paid after death:\n%s", jul)
		}
		r, err := s.GetReceivable(ctx, idA)
		want := money.MustParse("4000").Times(3) + money.MustParse("2228.92").Times(3)
		if err != nil || r.Established != want || r.Balance != want || len(r.Entries) != 6 {
			t.Fatalf("receivable %+v %v, want %s", r, err, want)
		}
		for _, e := range r.Entries {
			if e.Cause != OverpaidDeath || e.Month < "2024-04" || e.Month > "2024-06" {
				t.Fatalf("entry %+v", e)
			}
		}
		// Detected once: later runs and explicit detection add nothing.
		run(t, s, "2024-08")
		if a, err := s.DetectOverpayments(ctx, "alice"); err != nil || a != 0 {
			t.Fatalf("detected again: %s %v", a, err)
		}
		if _, err := s.GetReceivable(ctx, idB); !errors.Is(err, ErrNotFound) {
			t.Fatalf("living payee has a receivable: %v", err)
		}
		// Nobody pays it by set-off: it is demanded from the estate, part repaid, part written
		// off by a second person.
		d, err := s.IssueDemand(ctx, r.ID, "甲的继承人", "2024-09-30", "alice")
		if err != nil || d.Addressee != "estate" || d.Amount != want {
			t.Fatalf("demand %+v %v", d, err)
		}
		if err := s.RecordRepayment(ctx, r.ID, money.MustParse("10000"), "2024-09-20", "BANK-1", "alice"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRepayment(ctx, r.ID, money.MustParse("1"), "2024-09-21", "BANK-1", "alice"); !errors.Is(err, ErrConflict) {
			t.Fatalf("same bank reference twice: %v", err)
		}
		rest := want - money.MustParse("10000")
		if _, err := s.ProposeWriteOff(ctx, r.ID, rest+1, "estate exhausted", "alice"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("write-off above the balance: %v", err)
		}
		wo, err := s.ProposeWriteOff(ctx, r.ID, rest, "estate exhausted", "alice")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DecideWriteOff(ctx, wo, true, "alice"); !errors.Is(err, ErrFourEyes) {
			t.Fatalf("proposer approved the write-off: %v", err)
		}
		if r, _ := s.GetReceivable(ctx, idA); r.Balance != rest {
			t.Fatalf("pending write-off changed the balance: %+v", r)
		}
		if err := s.DecideWriteOff(ctx, wo, true, "bob"); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideWriteOff(ctx, wo, true, "carol"); !errors.Is(err, ErrConflict) {
			t.Fatalf("decided twice: %v", err)
		}
		r, _ = s.GetReceivable(ctx, idA)
		if r.Balance != 0 || r.Recovered != money.MustParse("10000") || r.WrittenOff != rest {
			t.Fatalf("after repayment and write-off: %+v", r)
		}
		tb, err := ledger.TrialBalance(ctx, db, "", "2000-01-01", "2099-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if got := balanceOf(tb, "income:overpayment_recovered"); got != money.MustParse("10000") {
			t.Fatalf("ledger income:overpayment_recovered = %s", got)
		}
	})
}

func TestSetOffNeverTakesAPaymentBelowZero(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		s.Region = "341502"
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 4, amount: "1000", start: "2024-01", bank: "1"})
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.NursingCare, selfCare: "partial", amount: "600", start: "2024-01", bank: "1"})
		for _, m := range []string{"2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"} {
			run(t, s, m)
		}
		// Qualification lost for February to April, recorded late (Art. 42): 3,000.00 overpaid.
		id, err := s.FindEntitlement(ctx, idA, payroll.DisabilityAllowance, idA)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Suspend(ctx, id, payroll.MustMonth("2024-02"), payroll.MustMonth("2024-04"), "lost qualification (imprisoned)", "alice"); err != nil {
			t.Fatal(err)
		}
		want := map[string][2]string{ // month: allowance line, nursing care line ("" = none)
			"2024-07": {"", ""},       // 1,600.00 set off, 1,400.00 left
			"2024-08": {"", "200.00"}, // 1,400.00 set off: 1,000.00 and 400.00
			"2024-09": {"1000.00", "600.00"},
		}
		for _, m := range []string{"2024-07", "2024-08", "2024-09"} {
			sum, f := run(t, s, m)
			if a, n := lineOf(f, idA, payroll.DisabilityAllowance), lineOf(f, idA, payroll.NursingCare); a != want[m][0] || n != want[m][1] {
				t.Fatalf("%s: lines %q %q, want %q:\n%s", m, a, n, want[m], f)
			}
			if sum.Total < 0 || strings.Contains(f, ",-") || strings.Contains(f, ",0.00,") {
				t.Fatalf("%s: a payment below or at zero:\n%s", m, f)
			}
		}
		r, _ := s.GetReceivable(ctx, idA)
		if r.Established != money.MustParse("3000") || r.Recovered != money.MustParse("3000") || r.Balance != 0 {
			t.Fatalf("receivable %+v", r)
		}
		// Set-off settled July and August: no back pay comes for them.
		_, oct := run(t, s, "2024-10")
		if strings.Contains(oct, "_backpay") {
			t.Fatalf("set-off months paid back:\n%s", oct)
		}
		// Approval books the whole month as expense and the set-off as recovered income, in
		// the city of the entitlements.
		if err := s.Approve(ctx, payroll.MustMonth("2024-08"), "bob"); err != nil {
			t.Fatal(err)
		}
		tb, err := ledger.TrialBalance(ctx, db, "341500", "2000-01-01", "2099-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if e, i := balanceOf(tb, "expense:long_term"), balanceOf(tb, "income:overpayment_recovered"); e != money.MustParse("1600") || i != money.MustParse("1400") {
			t.Fatalf("ledger: expense %s, recovered %s", e, i)
		}
	})
}

func TestSuspensionLiftedPaysBackAcrossTheYearEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 2, amount: "3600", start: "2023-01", bank: "1"})
		run(t, s, "2024-10")
		id, _ := s.FindEntitlement(ctx, idA, payroll.DisabilityAllowance, idA)
		sid, err := s.Suspend(ctx, id, payroll.MustMonth("2024-11"), 0, "refused reassessment", "alice")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2024-11", "2024-12", "2025-01"} {
			if _, f := run(t, s, m); strings.Contains(f, idA) {
				t.Fatalf("%s paid while suspended:\n%s", m, f)
			}
		}
		if err := s.LiftSuspension(ctx, sid, "bob"); err != nil {
			t.Fatal(err)
		}
		_, feb := run(t, s, "2025-02")
		if lineOf(feb, idA, payroll.DisabilityAllowance) != "3600.00" || lineOf(feb, idA, payroll.DisabilityAllowance+payroll.BackPaySuffix) != "10800.00" {
			t.Fatalf("February:\n%s", feb)
		}
		if _, err := s.GetReceivable(ctx, idA); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a suspension of unpaid months made a receivable: %v", err)
		}
	})
}

// balanceOf returns an account's movement in a trial balance: debits less credits for
// expenses, credits less debits for income.
func balanceOf(tb []fund.Balance, account string) money.Amount {
	var a money.Amount
	for _, b := range tb {
		if b.Account == account {
			a += b.Debit - b.Credit
		}
	}
	if fund.Kind(account) == "income" {
		return -a
	}
	return a
}
