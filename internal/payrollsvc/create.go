package payrollsvc

import (
	"context"
	"fmt"

	"wiis/internal/payroll"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// CreateEntitlement stores one new entitlement and its first amount inside the caller's
// transaction, for the modules that grant a long-term benefit themselves instead of through
// the beneficiaries import (casework's approved benefit proposals). e.Amounts[0] is the first
// amount, owed from e.Start; origin says where the entitlement came from (e.g. "casework:17").
// The caller audits the change that grants it, in the same transaction.
//
// An entitlement with the same key (payee, item, worker) is a conflict (ErrConflict): a
// changed grade changes the amount of the existing entitlement by an adjustment, it does not
// add a second one.
func CreateEntitlement(ctx context.Context, tx *store.Tx, e payroll.Entitlement, origin, by, at string) (int64, error) {
	if e.IDNumber == "" || e.Item == "" || e.WorkerIDNumber == "" || e.Start == 0 || len(e.Amounts) != 1 {
		return 0, fmt.Errorf("entitlement: payee, item, worker, start month and one first amount are required: %w", ErrInvalid)
	}
	var exists int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM payroll_entitlements WHERE id_number = ? AND item = ? AND worker_id_number = ?`,
		e.IDNumber, e.Item, e.WorkerIDNumber).Scan(&exists); err != nil {
		return 0, err
	}
	if exists > 0 {
		return 0, fmt.Errorf("entitlement %s %s %s already exists: %w", e.IDNumber, e.Item, e.WorkerIDNumber, ErrConflict)
	}
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var grade, end any
	if e.Grade != 0 {
		grade = e.Grade
	}
	if e.End != 0 {
		end = e.End.String()
	}
	first := e.Amounts[0]
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO payroll_entitlements (id_number, name, item, grade, self_care, relation,
			orphan_or_lone, start_month, end_month, bank_account, worker_id_number, unable_to_work, amount, amount_from,
			origin, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.IDNumber, e.Name, e.Item, grade, nullable(e.SelfCare), nullable(e.Relation), boolInt(e.OrphanOrLone),
		e.Start.String(), end, seal.Secret(e.BankAccount), e.WorkerIDNumber, boolInt(e.UnableToWork), int64(first.Amount),
		e.Start.String(), origin, at).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("entitlement: insert: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO payroll_amounts (entitlement_id, from_month, amount, reason, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, id, e.Start.String(), int64(first.Amount), first.Reason, by, at); err != nil {
		return 0, fmt.Errorf("entitlement: first amount: %w", err)
	}
	return id, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
