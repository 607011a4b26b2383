package payroll

import "wiis/internal/money"

// Overpaid returns what was paid to one payee for one item over the months [from, to] beyond
// what is owed now, month by month: a month no longer payable (a death recorded late, an
// Art. 42 suspension or lost qualification dated back, an end month brought forward, a false
// certification) gives back all it was paid; a payable month paid more than its amount now (a
// correction) gives back the difference. paid holds what each month has received net of
// overpayments already established, so a second call finds nothing new.
//
// Months are never netted against each other: a month paid too little is back pay, settled by
// the run (BackPay), and a month paid too much is a receivable, recovered by its own
// procedure (payroll.md "Overpayments"), so each month is settled on its own and both
// procedures can run in either order.
func Overpaid(group []*Entitlement, p Person, from, to Month, paid map[Month]money.Amount) (money.Amount, []MonthAmount) {
	var total money.Amount
	var parts []MonthAmount
	for m := from; m <= to; m++ {
		got, ok := paid[m]
		if !ok || got <= 0 {
			continue
		}
		var owed money.Amount
		for _, e := range group {
			owed += Owed(e, p, m)
		}
		if d := got - owed; d > 0 {
			total += d
			parts = append(parts, MonthAmount{m, d})
		}
	}
	return total, parts
}

// SetOff returns how much of an open receivable balance is deducted from a payment: all of it
// up to the payment, so a payment is never taken below zero.
//
// Reading: payroll.md sets no share of a continuing payment that must be left to the payee;
// 《社会保险法》 Art. 88 orders wrongly received benefits returned in full, so the whole
// payment is available for set-off.
func SetOff(balance, payment money.Amount) money.Amount {
	if balance <= 0 || payment <= 0 {
		return 0
	}
	return min(balance, payment)
}
