package payroll

import "wiis/internal/money"

// MonthAmount is an amount attributed to one month.
type MonthAmount struct {
	Month  Month
	Amount money.Amount
}

// LineAmount returns what the run for month m pays one payee for one item: the sum of what
// each of their entitlements of that item owes for m (a survivor of two deceased workers has
// two), less what was already paid for m as back pay by an earlier run.
func LineAmount(group []*Entitlement, p Person, m Month, backPaid money.Amount) money.Amount {
	var t money.Amount
	for _, e := range group {
		t += Owed(e, p, m)
	}
	return t - backPaid
}

// BackPay computes the back pay owed to one payee for one item at the run for month run
// (payroll.md): over the months M from `from` to run−1 that are settled — already paid (paid
// holds what was paid for M, earlier back pay included) or in a lifted suspension — and
// payable now, the sum of (amount owed now − amount paid for M). It returns the total and its
// attribution per month, so a later run knows what each month has received.
//
// Reading: months never paid and never suspended are not back pay: they belong to the run of
// their own month (a month nobody ran is paid when it is run) or to history before wiis
// (payments.csv is partial). A month no longer payable (a death recorded late) is skipped:
// what was paid for it is an overpayment, recovered by its own procedure (payroll.md,
// "Overpayments"), never netted silently here. A total of zero or less gives no back pay line.
func BackPay(group []*Entitlement, p Person, from, run Month, paid map[Month]money.Amount) (money.Amount, []MonthAmount) {
	if from == 0 || from >= run {
		return 0, nil
	}
	var total money.Amount
	var parts []MonthAmount
	for m := from; m < run; m++ {
		_, wasPaid := paid[m]
		if !wasPaid && !inLiftedSuspension(group, m) {
			continue
		}
		var owed money.Amount
		payable := false
		for _, e := range group {
			if Payable(e, p, m) == nil {
				payable = true
				a, _ := e.AmountAt(m)
				owed += a
			}
		}
		if !payable {
			continue
		}
		if d := owed - paid[m]; d != 0 {
			total += d
			parts = append(parts, MonthAmount{m, d})
		}
	}
	if total <= 0 {
		return 0, nil
	}
	return total, parts
}

func inLiftedSuspension(group []*Entitlement, m Month) bool {
	for _, e := range group {
		for _, s := range e.Suspensions {
			if s.Lifted && m >= s.From && (s.To == 0 || m <= s.To) {
				return true
			}
		}
	}
	return false
}
