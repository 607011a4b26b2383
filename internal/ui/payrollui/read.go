package payrollui

import (
	"context"
	"database/sql"

	"wiis/internal/auth"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/ui/alertblock"
)

// The read-only queries of the pages that payrollsvc has no call for (lists for display).

// runRow is one run in the list.
type runRow struct {
	Month, State, PreparedBy, ApprovedBy string
	Lines, Persons                       int64
	Total                                money.Amount
}

func listRuns(ctx context.Context, q store.Querier) ([]runRow, error) {
	var out []runRow
	err := each(ctx, q, `SELECT month, state, prepared_by, COALESCE(approved_by, ''), lines, persons, total
		FROM payroll_runs ORDER BY month DESC LIMIT 60`, nil, func(r *sql.Rows) error {
		var x runRow
		var total int64
		if err := r.Scan(&x.Month, &x.State, &x.PreparedBy, &x.ApprovedBy, &x.Lines, &x.Persons, &total); err != nil {
			return err
		}
		x.Total = money.Amount(total)
		out = append(out, x)
		return nil
	})
	return out, err
}

// lineRow is a payment line of a run as shown: ID number and account masked.
type lineRow struct {
	ID, Item, Month, Bank string
	Amount                money.Amount
	Failed                string // the bank's reason when the line failed
}

const linesPerPage = 100

func runLines(ctx context.Context, q store.Querier, m payroll.Month, offset int) ([]lineRow, error) {
	var out []lineRow
	err := each(ctx, q, `SELECT p.id_number, p.item, p.month, p.amount, p.bank_account, COALESCE(s.reason, '')
		FROM payments p LEFT JOIN payroll_line_status s ON s.run_month = ? AND s.id_number = p.id_number
			AND s.item = p.item AND s.status = 'failed'
		WHERE p.source = ? ORDER BY p.id_number, p.item LIMIT ? OFFSET ?`,
		[]any{m.String(), payrollsvc.Source(m), linesPerPage, offset}, func(r *sql.Rows) error {
			var x lineRow
			var a int64
			if err := r.Scan(&x.ID, &x.Item, &x.Month, &a, &x.Bank, &x.Failed); err != nil {
				return err
			}
			x.ID, x.Bank, x.Amount = privacy.MaskID(x.ID), privacy.MaskBank(x.Bank), money.Amount(a)
			out = append(out, x)
			return nil
		})
	return out, err
}

// failedRow is a line the bank returned as failed, reopened for correction.
type failedRow struct {
	ID, Item, Reason, At string
}

func failedLines(ctx context.Context, q store.Querier, m payroll.Month) ([]failedRow, error) {
	var out []failedRow
	err := each(ctx, q, `SELECT id_number, item, reason, updated_at FROM payroll_line_status
		WHERE run_month = ? AND status = 'failed' ORDER BY id_number, item`, []any{m.String()}, func(r *sql.Rows) error {
		var x failedRow
		var reason sql.NullString
		if err := r.Scan(&x.ID, &x.Item, &reason, &x.At); err != nil {
			return err
		}
		x.ID, x.Reason = privacy.MaskID(x.ID), reason.String
		out = append(out, x)
		return nil
	})
	return out, err
}

// suspendedRow is an entitlement suspended in the run's month (Art. 42), with the reason.
type suspendedRow struct {
	ID, Name, Item, From, To, Reason string
}

func suspended(ctx context.Context, q store.Querier, m payroll.Month) ([]suspendedRow, error) {
	var out []suspendedRow
	err := each(ctx, q, `SELECT e.id_number, e.name, e.item, s.from_month, COALESCE(s.to_month, ''), s.reason
		FROM payroll_suspensions s JOIN payroll_entitlements e ON e.id = s.entitlement_id
		WHERE s.lifted_at IS NULL AND s.from_month <= ? AND (s.to_month IS NULL OR s.to_month >= ?)
		ORDER BY e.id_number, e.item`, []any{m.String(), m.String()}, func(r *sql.Rows) error {
		var x suspendedRow
		if err := r.Scan(&x.ID, &x.Name, &x.Item, &x.From, &x.To, &x.Reason); err != nil {
			return err
		}
		x.ID = privacy.MaskID(x.ID)
		out = append(out, x)
		return nil
	})
	return out, err
}

// setOffRow is an overpayment set off against a line of the run (payroll.md
// "Overpayments"), with the payee's receivable and what it still owes.
type setOffRow struct {
	ReceivableID    int64
	ID, Name, Item  string
	Amount, Balance money.Amount
}

func setOffs(ctx context.Context, q store.Querier, m payroll.Month) ([]setOffRow, error) {
	var out []setOffRow
	err := each(ctx, q, `SELECT r.id, r.id_number, COALESCE((SELECT MIN(e.name) FROM payroll_entitlements e WHERE e.id_number = r.id_number), ''),
			x.item, SUM(x.amount), r.balance
		FROM payroll_receivable_entries x JOIN payroll_receivables r ON r.id = x.receivable_id
		WHERE x.kind = 'setoff' AND x.ref = ?
		GROUP BY r.id, r.id_number, x.item, r.balance ORDER BY r.id_number, x.item`, []any{payrollsvc.Source(m)}, func(r *sql.Rows) error {
		var x setOffRow
		var a, b int64
		if err := r.Scan(&x.ReceivableID, &x.ID, &x.Name, &x.Item, &a, &b); err != nil {
			return err
		}
		x.ID, x.Amount, x.Balance = privacy.MaskID(x.ID), money.Amount(a), money.Amount(b)
		out = append(out, x)
		return nil
	})
	return out, err
}

// adjustmentRow is an adjustment applied before.
type adjustmentRow struct {
	Effective, By, At string
	Entitlements      int64
	Persons           int64
	MonthlyCost       money.Amount
}

func adjustments(ctx context.Context, q store.Querier) ([]adjustmentRow, error) {
	var out []adjustmentRow
	err := each(ctx, q, `SELECT effective_month, applied_by, applied_at, entitlements, persons, monthly_cost
		FROM payroll_adjustments ORDER BY id DESC LIMIT 50`, nil, func(r *sql.Rows) error {
		var x adjustmentRow
		var c int64
		if err := r.Scan(&x.Effective, &x.By, &x.At, &x.Entitlements, &x.Persons, &c); err != nil {
			return err
		}
		x.MonthlyCost = money.Amount(c)
		out = append(out, x)
		return nil
	})
	return out, err
}

func each(ctx context.Context, q store.Querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func maskID(s string) string { return privacy.MaskID(s) }

// runAlerts loads the open risk alerts of the run's payees and held persons (issue 7 item 5):
// one query finds the payees that have one, then alertblock reads them with OpenAlertsFor.
func runAlerts(ctx context.Context, q store.Querier, u *auth.User, m payroll.Month, held []payrollsvc.HeldLine) (alertblock.Block, error) {
	var keys []string
	for _, x := range held {
		keys = append(keys, x.IDNumber)
	}
	err := each(ctx, q, `SELECT DISTINCT a.subject FROM risk_alerts a JOIN payments p ON p.id_number = a.subject
		WHERE p.source = ? AND a.status <> 'closed' ORDER BY a.subject`, []any{payrollsvc.Source(m)}, func(r *sql.Rows) error {
		var k string
		if err := r.Scan(&k); err != nil {
			return err
		}
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return alertblock.Block{}, err
	}
	return alertblock.Load(ctx, q, u, keys...)
}
