package payrollsvc

import (
	"context"
	"database/sql"
	"fmt"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
)

// entRow is an entitlement as the run reads it, with the columns that tell whether its
// history must be looked up.
type entRow struct {
	e          payroll.Entitlement
	death      payroll.Month
	recheck    payroll.Month
	amountFrom payroll.Month
	amount     money.Amount
	hasSusp    bool
}

// entSelect reads entitlements with the payee's death date; scanEnt reads its columns.
const entSelect = `SELECT e.id, e.id_number, e.name, e.item, COALESCE(e.grade, 0), COALESCE(e.self_care, ''),
	COALESCE(e.relation, ''), e.orphan_or_lone, e.start_month, COALESCE(e.end_month, ''), e.bank_account,
	e.worker_id_number, e.unable_to_work, e.amount, e.amount_from, e.has_suspension,
	COALESCE(e.recheck_from, ''), COALESCE(d.death_date, ''), e.region
	FROM payroll_entitlements e LEFT JOIN deaths d ON d.id_number = e.id_number `

func scanEnt(rows *sql.Rows) (entRow, error) {
	var r entRow
	var orphan, unable, susp int64
	var start, end, from, recheck, death string
	var amount int64
	e := &r.e
	err := rows.Scan(&e.ID, &e.IDNumber, &e.Name, &e.Item, &e.Grade, &e.SelfCare, &e.Relation, &orphan,
		&start, &end, &e.BankAccount, &e.WorkerIDNumber, &unable, &amount, &from, &susp, &recheck, &death, &e.Region)
	if err != nil {
		return r, err
	}
	e.OrphanOrLone, e.UnableToWork, r.hasSusp = orphan != 0, unable != 0, susp != 0
	r.amount = money.Amount(amount)
	if e.Start, err = payroll.ParseMonth(start); err != nil {
		return r, fmt.Errorf("entitlement %d start_month: %w", e.ID, err)
	}
	if end != "" {
		if e.End, err = payroll.ParseMonth(end); err != nil {
			return r, fmt.Errorf("entitlement %d end_month: %w", e.ID, err)
		}
	}
	if r.amountFrom, err = payroll.ParseMonth(from); err != nil {
		return r, fmt.Errorf("entitlement %d amount_from: %w", e.ID, err)
	}
	if recheck != "" {
		if r.recheck, err = payroll.ParseMonth(recheck); err != nil {
			return r, fmt.Errorf("entitlement %d recheck_from: %w", e.ID, err)
		}
	}
	if death != "" {
		if r.death, err = payroll.DateMonth(death); err != nil {
			return r, fmt.Errorf("death of %s: %w", e.IDNumber, err)
		}
	}
	return r, nil
}

// person returns what the rules need to know about the payee; the birth date is read only for
// the survivors the age limit applies to.
func (r *entRow) person() payroll.Person {
	p := payroll.Person{DeathMonth: r.death}
	if r.e.Item == payroll.SurvivorPension && payroll.MinorRuleRelations[r.e.Relation] {
		p.Birth = payroll.BirthFromID(r.e.IDNumber)
	}
	return p
}

// complete loads what the row alone does not carry: the amount history when a month before
// the latest amount matters (full is set, or month is before it), and the suspensions.
func complete(ctx context.Context, q store.Querier, r *entRow, month payroll.Month, full bool) error {
	e := &r.e
	if full || month < r.amountFrom {
		rows, err := q.Query(ctx, `SELECT id, from_month, amount, reason FROM payroll_amounts
			WHERE entitlement_id = ? ORDER BY from_month, id`, e.ID)
		if err != nil {
			return err
		}
		e.Amounts = e.Amounts[:0]
		for rows.Next() {
			var a payroll.AmountFrom
			var from string
			var amt int64
			if err := rows.Scan(&a.Seq, &from, &amt, &a.Reason); err != nil {
				rows.Close()
				return err
			}
			a.Amount = money.Amount(amt)
			if a.From, err = payroll.ParseMonth(from); err != nil {
				rows.Close()
				return err
			}
			e.Amounts = append(e.Amounts, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	} else {
		e.Amounts = []payroll.AmountFrom{{From: r.amountFrom, Amount: r.amount}}
	}
	if r.hasSusp {
		rows, err := q.Query(ctx, `SELECT from_month, COALESCE(to_month, ''), lifted_at IS NOT NULL, reason, cause
			FROM payroll_suspensions WHERE entitlement_id = ? ORDER BY id`, e.ID)
		if err != nil {
			return err
		}
		e.Suspensions = e.Suspensions[:0]
		for rows.Next() {
			var from, to, reason, cause string
			var lifted bool
			if err := rows.Scan(&from, &to, &lifted, &reason, &cause); err != nil {
				rows.Close()
				return err
			}
			s := payroll.Suspension{Lifted: lifted, Reason: reason, Cause: cause}
			s.From, _ = payroll.ParseMonth(from)
			if to != "" {
				s.To, _ = payroll.ParseMonth(to)
			}
			e.Suspensions = append(e.Suspensions, s)
		}
		rows.Close()
		return rows.Err()
	}
	return nil
}

// paidSince returns what was paid to a payee for an item per month in [from, before): the
// payment of the month, what a set-off kept back from it (it settled the month as much as a
// transfer), plus back pay attributed to it, less what was established as overpaid for it
// (that is owed back, so the month counts as paid only what it keeps).
func paidSince(ctx context.Context, q store.Querier, id, item string, from, before payroll.Month) (map[payroll.Month]money.Amount, error) {
	paid := map[payroll.Month]money.Amount{}
	for _, query := range []string{
		`SELECT month, amount FROM payments WHERE id_number = ? AND item = ? AND month >= ? AND month < ?`,
		`SELECT month, amount FROM payroll_backpay_months WHERE id_number = ? AND item = ? AND month >= ? AND month < ?`,
		`SELECT month, CASE WHEN kind = 'setoff' THEN amount ELSE -amount END FROM payroll_receivable_entries
			WHERE id_number = ? AND item = ? AND month >= ? AND month < ? AND kind IN ('setoff', 'established')`,
	} {
		rows, err := q.Query(ctx, query, id, item, from.String(), before.String())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m string
			var a int64
			if err := rows.Scan(&m, &a); err != nil {
				rows.Close()
				return nil, err
			}
			pm, err := payroll.ParseMonth(m)
			if err != nil {
				rows.Close()
				return nil, err
			}
			paid[pm] += money.Amount(a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return paid, nil
}
