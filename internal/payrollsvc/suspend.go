package payrollsvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"wiis/internal/payroll"
	"wiis/internal/store"
)

// FindEntitlement returns the id of the entitlement with the natural key of beneficiaries.csv
// (payee, item, worker), syncing from beneficiaries first; ErrNotFound when there is none.
func (s *Service) FindEntitlement(ctx context.Context, idNumber, item, worker string) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := s.SyncEntitlements(ctx, tx); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT id FROM payroll_entitlements WHERE id_number = ? AND item = ?
			AND worker_id_number = ?`, idNumber, item, worker).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("entitlement %s %s %s: %w", idNumber, item, worker, ErrNotFound)
	}
	return id, err
}

// Suspend stops payment of an entitlement from month (Art. 42: lost qualification, refused
// assessment or treatment), until `to` (0 = until lifted), and returns the suspension id.
func (s *Service) Suspend(ctx context.Context, entitlementID int64, from, to payroll.Month, reason, by string) (int64, error) {
	if reason == "" {
		return 0, fmt.Errorf("reason: required: %w", ErrInvalid)
	}
	if to != 0 && to < from {
		return 0, fmt.Errorf("to_month: before from_month: %w", ErrInvalid)
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = insertSuspension(ctx, tx, entitlementID, from, to, reason, CauseArt42, by, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.suspend", Entity: "payroll_entitlement",
			EntityID: fmt.Sprint(entitlementID), After: map[string]any{"suspension": id, "from": from.String(), "reason": reason}})
	})
	if err != nil {
		return 0, fmt.Errorf("suspend entitlement %d: %w", entitlementID, err)
	}
	return id, nil
}

// LiftSuspension lifts a suspension: its months become payable again, and the next run pays
// the suspended months back (payroll.md). Returns ErrNotFound, or ErrConflict when it was
// already lifted.
func (s *Service) LiftSuspension(ctx context.Context, suspensionID int64, by string) error {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var entID int64
		var from string
		err := tx.QueryRow(ctx, `SELECT entitlement_id, from_month FROM payroll_suspensions WHERE id = ?`, suspensionID).Scan(&entID, &from)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE payroll_suspensions SET lifted_by = ?, lifted_at = ? WHERE id = ? AND lifted_at IS NULL`,
			by, s.now(), suspensionID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("already lifted: %w", ErrConflict)
		}
		m, err := payroll.ParseMonth(from)
		if err != nil {
			return err
		}
		if err := armCheck(ctx, tx, entID, m, false, 0); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.suspension.lift", Entity: "payroll_entitlement",
			EntityID: fmt.Sprint(entID), After: map[string]any{"suspension": suspensionID}})
	})
	if err != nil {
		return fmt.Errorf("lift suspension %d: %w", suspensionID, err)
	}
	return nil
}

// SetUnableToWork records whether a minor-rule survivor is unable to work, which keeps them
// paid past 18. Months already passed over are not paid back by this alone.
func (s *Service) SetUnableToWork(ctx context.Context, entitlementID int64, unable bool, by string) error {
	v := 0
	if unable {
		v = 1
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE payroll_entitlements SET unable_to_work = ?, version = version + 1 WHERE id = ?`, v, entitlementID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("entitlement %d: %w", entitlementID, ErrNotFound)
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.unable_to_work", Entity: "payroll_entitlement",
			EntityID: fmt.Sprint(entitlementID), After: map[string]any{"unable_to_work": unable}})
	})
}
