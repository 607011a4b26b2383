package payrollsvc

import (
	"context"
	"fmt"

	"wiis/internal/store"
)

// SyncEntitlements brings the imported `beneficiaries` into payroll_entitlements (see
// migration 00050): unknown keys (id_number, item, worker_id_number) become entitlements whose
// first amount is the imported monthly_amount from start_month; known ones take the imported
// name, bank account, end month, grade, self-care level, relation and orphan flag. A new
// entitlement's region is that of the employer of the worker's latest injury claim, else
// s.Region (migration 00051). It returns
// the number added and updated. Both statements are set-based, and running it again changes
// nothing; two runs syncing at once on PostgreSQL (read committed) add each entitlement
// once: the later insert waits on the earlier's keys and skips them.
func (s *Service) SyncEntitlements(ctx context.Context, tx *store.Tx) (added, updated int64, err error) {
	var maxID int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM payroll_entitlements`).Scan(&maxID); err != nil {
		return 0, 0, fmt.Errorf("payroll sync: %w", err)
	}
	now := s.now()
	res, err := tx.Exec(ctx, `INSERT INTO payroll_entitlements (id_number, name, item, grade, self_care,
			relation, orphan_or_lone, start_month, end_month, bank_account, worker_id_number,
			amount, amount_from, created_at, region)
		SELECT b.id_number, b.name, b.item, b.grade, b.self_care, b.relation, b.orphan_or_lone,
			b.start_month, NULLIF(b.end_month, ''), COALESCE(b.bank_account, ''), b.worker_id_number,
			b.monthly_amount, b.start_month, ?,
			COALESCE((SELECT em.region FROM claims c JOIN employers em ON em.uscc = c.uscc
				WHERE c.id_number = b.worker_id_number ORDER BY c.injury_at DESC LIMIT 1), ?)
		FROM beneficiaries b
		WHERE NOT EXISTS (SELECT 1 FROM payroll_entitlements e WHERE e.id_number = b.id_number
			AND e.item = b.item AND e.worker_id_number = b.worker_id_number)
		ORDER BY b.id_number, b.item, b.worker_id_number
		ON CONFLICT (id_number, item, worker_id_number) DO NOTHING`, now, s.Region)
	if err != nil {
		return 0, 0, fmt.Errorf("payroll sync: add: %w", err)
	}
	added, _ = res.RowsAffected()
	if added > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO payroll_amounts (entitlement_id, from_month, amount, reason, created_at)
			SELECT id, amount_from, amount, 'beneficiaries.csv', ? FROM payroll_entitlements WHERE id > ?
				AND NOT EXISTS (SELECT 1 FROM payroll_amounts a WHERE a.entitlement_id = payroll_entitlements.id)`, now, maxID); err != nil {
			return 0, 0, fmt.Errorf("payroll sync: first amounts: %w", err)
		}
	}
	res, err = tx.Exec(ctx, `UPDATE payroll_entitlements SET name = b.name, bank_account = COALESCE(b.bank_account, ''),
			end_month = NULLIF(b.end_month, ''), grade = b.grade, self_care = b.self_care,
			relation = b.relation, orphan_or_lone = b.orphan_or_lone, version = payroll_entitlements.version + 1
		FROM beneficiaries b
		WHERE b.id_number = payroll_entitlements.id_number AND b.item = payroll_entitlements.item
			AND b.worker_id_number = payroll_entitlements.worker_id_number
			AND (b.name <> payroll_entitlements.name
				OR COALESCE(b.bank_account, '') <> payroll_entitlements.bank_account
				OR COALESCE(NULLIF(b.end_month, ''), '') <> COALESCE(payroll_entitlements.end_month, '')
				OR COALESCE(b.grade, 0) <> COALESCE(payroll_entitlements.grade, 0)
				OR COALESCE(b.self_care, '') <> COALESCE(payroll_entitlements.self_care, '')
				OR COALESCE(b.relation, '') <> COALESCE(payroll_entitlements.relation, '')
				OR b.orphan_or_lone <> payroll_entitlements.orphan_or_lone)`)
	if err != nil {
		return 0, 0, fmt.Errorf("payroll sync: update: %w", err)
	}
	updated, _ = res.RowsAffected()
	return added, updated, nil
}
