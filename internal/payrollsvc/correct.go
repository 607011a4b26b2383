package payrollsvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
)

// CorrectAmount records a corrected monthly amount of one entitlement from month from (a fact
// recorded late: a survivor paid the 孤寡/孤儿 extra who did not qualify for it, a wage base
// keyed wrongly) and, in the same transaction, establishes what the months already paid since
// then were overpaid as a receivable of the payee (cause "correction", payroll.md
// "Overpayments"); months paid too little are paid back by the next run, as after an
// adjustment. It returns the amount newly established.
//
// Reading: like an adjustment, a correction is added to the amount history and overwrites
// nothing; amounts recorded from a later month stand (they were set knowingly later). The
// payee keeps being paid the corrected amount, so the next runs set the receivable off
// against those payments (payroll.md: "set off against later payments where the person still
// receives some"). Recovery of benefits paid without legal ground rests on 《民法典》 Art. 985
// (unjust enrichment) and, where the payee misled the agency, 《社会保险法》 Art. 88.
//
// Errors: ErrNotFound (no such entitlement), ErrInvalid (amount negative, month before the
// entitlement's start, reason or by empty).
func (s *Service) CorrectAmount(ctx context.Context, entitlementID int64, from payroll.Month, amount money.Amount, reason, by string) (money.Amount, error) {
	switch {
	case amount < 0:
		return 0, fmt.Errorf("amount: must not be negative: %w", ErrInvalid)
	case reason == "":
		return 0, fmt.Errorf("reason: required: %w", ErrInvalid)
	case by == "":
		return 0, fmt.Errorf("by: required: %w", ErrInvalid)
	}
	var established money.Amount
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var idNumber, start, amountFrom string
		err := tx.QueryRow(ctx, `SELECT id_number, start_month, amount_from FROM payroll_entitlements WHERE id = ?`,
			entitlementID).Scan(&idNumber, &start, &amountFrom)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("entitlement %d: %w", entitlementID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if from.String() < start {
			return fmt.Errorf("from_month: before the entitlement's start %s: %w", start, ErrInvalid)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO payroll_amounts (entitlement_id, from_month, amount, reason, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, entitlementID, from.String(), int64(amount), "correction: "+reason, by, s.now()); err != nil {
			return err
		}
		if err := armCheck(ctx, tx, entitlementID, from, amountFrom <= from.String(), amount); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.entitlement.correct", Entity: "payroll_entitlement",
			EntityID: fmt.Sprint(entitlementID), After: map[string]any{"from_month": from.String(), "amount": amount, "reason": reason}}); err != nil {
			return err
		}
		established, err = s.detectPayee(ctx, tx, idNumber, by)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("correct entitlement %d: %w", entitlementID, err)
	}
	return established, nil
}
