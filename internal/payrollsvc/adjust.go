package payrollsvc

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
)

// AdjustItem is the effect of an adjustment on one item: how many entitlements change and
// their monthly total before and after.
type AdjustItem struct {
	Item          string       `json:"item"`
	Entitlements  int64        `json:"entitlements"`
	MonthlyBefore money.Amount `json:"monthly_before"`
	MonthlyAfter  money.Amount `json:"monthly_after"`
}

// AdjustReport is what an adjustment changes (or, previewed, would change).
type AdjustReport struct {
	EffectiveMonth string `json:"effective_month"`
	RuleHash       string `json:"rule_hash"`
	// AlreadyApplied: this rule was applied before; nothing was changed now and the figures
	// are those recorded then.
	AlreadyApplied bool         `json:"already_applied"`
	Preview        bool         `json:"preview"`
	AdjustmentID   int64        `json:"adjustment_id,omitempty"`
	Entitlements   int64        `json:"entitlements"`
	Persons        int64        `json:"persons"`
	MonthlyCost    money.Amount `json:"monthly_cost"`
	// BackPay is the back pay the next run will add for months already paid, estimated as the
	// increase times the months with a payment since the effective month.
	BackPay money.Amount `json:"back_pay"`
	Items   []AdjustItem `json:"items"`
}

var errPreview = errors.New("preview: roll back")

// Adjust applies an Art. 40 adjustment (payroll.md "Adjustments"): every entitlement open in
// the effective month, whose payee had not died before it, gets a new amount from that month,
// added to its history; its back pay check is armed so the next run pays the difference for
// months already paid. All of it is one transaction. The same rule (same effective month and
// meaning, payroll.Rule.Hash) applied again changes nothing and reports AlreadyApplied.
//
// With preview the same work is done inside the transaction and rolled back, so the preview
// is exactly what applying would do and changes nothing.
//
// Reading: amounts recorded from a month after the effective month (a later correction or
// adjustment) are left standing: they were set knowingly later, and an earlier rule applied
// late does not overwrite them.
func (s *Service) Adjust(ctx context.Context, rule *payroll.Rule, by string, preview bool) (*AdjustReport, error) {
	if by == "" {
		return nil, fmt.Errorf("applied_by: required: %w", ErrInvalid)
	}
	eff := rule.EffectiveMonth
	rep := &AdjustReport{EffectiveMonth: eff.String(), RuleHash: rule.Hash(), Preview: preview}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id, entitlements, persons, monthly_cost FROM payroll_adjustments
			WHERE effective_month = ? AND rule_hash = ?`, rep.EffectiveMonth, rep.RuleHash).
			Scan(&rep.AdjustmentID, &rep.Entitlements, &rep.Persons, &rep.MonthlyCost)
		if err == nil {
			rep.AlreadyApplied = true
			return nil
		}
		if _, _, err := s.SyncEntitlements(ctx, tx); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO payroll_adjustments (effective_month, rule_hash, rule_json,
				entitlements, persons, monthly_cost, applied_by, applied_at)
			VALUES (?, ?, ?, 0, 0, 0, ?, ?) RETURNING id`, rep.EffectiveMonth, rep.RuleHash,
			string(rule.Canonical()), by, s.now()).Scan(&rep.AdjustmentID); err != nil {
			return err
		}
		if err := s.adjustAll(ctx, tx, rule, by, rep); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE payroll_adjustments SET entitlements = ?, persons = ?, monthly_cost = ?
			WHERE id = ?`, rep.Entitlements, rep.Persons, int64(rep.MonthlyCost), rep.AdjustmentID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.adjust", Entity: "payroll_adjustment",
			EntityID: fmt.Sprint(rep.AdjustmentID), After: rep}); err != nil {
			return err
		}
		if preview {
			return errPreview
		}
		return nil
	})
	if errors.Is(err, errPreview) {
		rep.AdjustmentID = 0
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("payroll adjust %s: %w", eff, err)
	}
	return rep, nil
}

// adjustAll walks every entitlement in payee order (keyset pages, so memory stays flat) and
// adjusts those the rule applies to.
func (s *Service) adjustAll(ctx context.Context, tx *store.Tx, rule *payroll.Rule, by string, rep *AdjustReport) error {
	eff := rule.EffectiveMonth
	items := map[string]*AdjustItem{}
	var lastID, lastItem, lastWorker, lastPerson string
	reason := fmt.Sprintf("adjustment %d effective %s", rep.AdjustmentID, eff)
	for {
		page, err := readEnts(ctx, tx, entSelect+`WHERE (e.id_number, e.item, e.worker_id_number) > (?, ?, ?)
			ORDER BY e.id_number, e.item, e.worker_id_number LIMIT ?`, lastID, lastItem, lastWorker, s.batchSize())
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for i := range page {
			r := &page[i]
			e := &r.e
			lastID, lastItem, lastWorker = e.IDNumber, e.Item, e.WorkerIDNumber
			if !rule.Applies(e) || (r.death != 0 && r.death < eff) {
				continue
			}
			if err := complete(ctx, tx, r, eff, false); err != nil {
				return err
			}
			cur, ok := e.AmountAt(eff)
			if !ok {
				continue
			}
			next, err := rule.NewAmount(e, cur)
			if err != nil {
				return fmt.Errorf("entitlement %s %s: %w", e.IDNumber, e.Item, err)
			}
			if next == cur {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO payroll_amounts (entitlement_id, from_month, amount, reason,
					adjustment_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				e.ID, eff.String(), int64(next), reason, rep.AdjustmentID, by, s.now()); err != nil {
				return err
			}
			if err := armCheck(ctx, tx, e.ID, eff, r.amountFrom <= eff, next); err != nil {
				return err
			}
			var paidMonths int64
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM payments WHERE id_number = ? AND item = ? AND month >= ?`,
				e.IDNumber, e.Item, eff.String()).Scan(&paidMonths); err != nil {
				return err
			}
			it := items[e.Item]
			if it == nil {
				it = &AdjustItem{Item: e.Item}
				items[e.Item] = it
			}
			it.Entitlements++
			it.MonthlyBefore += cur
			it.MonthlyAfter += next
			rep.Entitlements++
			rep.MonthlyCost += next - cur
			rep.BackPay += (next - cur).Times(paidMonths)
			if e.IDNumber != lastPerson {
				rep.Persons++
				lastPerson = e.IDNumber
			}
		}
	}
	for _, it := range items {
		rep.Items = append(rep.Items, *it)
	}
	sort.Slice(rep.Items, func(i, j int) bool { return rep.Items[i].Item < rep.Items[j].Item })
	return nil
}

// armCheck records on an entitlement that its amounts changed from month: the latest amount
// when the new one is the latest, and the back pay check from the earliest changed month.
func armCheck(ctx context.Context, tx *store.Tx, id int64, month payroll.Month, latest bool, amount money.Amount) error {
	m := month.String()
	q := `UPDATE payroll_entitlements SET recheck_from = CASE WHEN recheck_from IS NULL OR recheck_from > ? THEN ? ELSE recheck_from END,
		version = version + 1 WHERE id = ?`
	args := []any{m, m, id}
	if latest {
		q = `UPDATE payroll_entitlements SET amount = ?, amount_from = ?,
			recheck_from = CASE WHEN recheck_from IS NULL OR recheck_from > ? THEN ? ELSE recheck_from END,
			version = version + 1 WHERE id = ?`
		args = []any{int64(amount), m, m, m, id}
	}
	_, err := tx.Exec(ctx, q, args...)
	return err
}
