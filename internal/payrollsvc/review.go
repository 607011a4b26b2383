package payrollsvc

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
)

// transition moves a run from one state to the next in tx, checking its version
// (optimistic: of two concurrent approvals one wins, the other gets ErrConflict).
func (s *Service) transition(ctx context.Context, tx *store.Tx, month payroll.Month, from []string, to, by, action, set string, args ...any) (*Summary, error) {
	run, err := getRun(ctx, tx, month)
	if err != nil {
		return nil, err
	}
	okState := false
	for _, f := range from {
		okState = okState || run.State == f
	}
	if !okState {
		return nil, fmt.Errorf("run is %s, needs %s: %w", run.State, strings.Join(from, " or "), ErrConflict)
	}
	q := `UPDATE payroll_runs SET state = ?, version = version + 1` + set + ` WHERE month = ? AND version = ?`
	all := append(append([]any{to}, args...), month.String(), run.Version)
	res, err := tx.Exec(ctx, q, all...)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fmt.Errorf("run changed by someone else: %w", ErrConflict)
	}
	if err := s.audit(ctx, tx, AuditEvent{Actor: by, Action: action, Entity: "payroll_run", EntityID: month.String(),
		Before: map[string]string{"state": run.State}, After: map[string]string{"state": to}}); err != nil {
		return nil, err
	}
	return run, nil
}

// Approve approves a computed run as approver, who must not be its preparer (four-eyes,
// security.md), and posts it to the fund ledger in the same transaction (see postRun). Returns ErrFourEyes, ErrNotFound or ErrConflict (not computed, or changed
// concurrently).
func (s *Service) Approve(ctx context.Context, month payroll.Month, approver string) error {
	if approver == "" {
		return fmt.Errorf("approved_by: required: %w", ErrInvalid)
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		run, err := getRun(ctx, tx, month)
		if err != nil {
			return err
		}
		if run.PreparedBy == approver {
			return ErrFourEyes
		}
		if _, err = s.transition(ctx, tx, month, []string{StateComputed}, StateApproved, approver, "payroll.run.approve",
			`, approved_by = ?, approved_at = ?`, approver, s.now()); err != nil {
			return err
		}
		return s.postRun(ctx, tx, month, run, approver)
	})
	if err != nil {
		return fmt.Errorf("approve payroll %s: %w", month, err)
	}
	return nil
}

// Export writes the bank file of an approved (or already exported, for a copy) run to w and
// marks it exported. Returns ErrNotFound or ErrConflict (not approved yet).
func (s *Service) Export(ctx context.Context, month payroll.Month, by string, w io.Writer) (int64, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := s.transition(ctx, tx, month, []string{StateApproved, StateExported}, StateExported, by, "payroll.run.export",
			`, exported_at = ?`, s.now())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("export payroll %s: %w", month, err)
	}
	return s.WriteBankFile(ctx, month, w)
}

// ReturnHeader is the header of the bank's return file: the bank file's key columns and the
// outcome of each line, `ok` or `failed`, with the bank's reason.
var ReturnHeader = []string{"id_number", "item", "month", "amount", "status", "reason"}

// Reconcile reads the bank's return file for an exported run: lines the bank failed are
// reopened (payroll_line_status 'failed', to be corrected and paid again), and the run becomes
// reconciled. Every line must match a stored line of the run with the same amount; otherwise
// nothing is recorded and the error names the line (ErrInvalid). It returns the number of
// failed lines.
//
// Reading: a failed transfer stays in payments, because the month is still owed to the payee
// and is paid by the correction, not by a new run.
func (s *Service) Reconcile(ctx context.Context, month payroll.Month, by string, r io.Reader) (int, error) {
	failed := 0
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.transition(ctx, tx, month, []string{StateExported}, StateReconciled, by, "payroll.run.reconcile",
			`, reconciled_at = ?`, s.now()); err != nil {
			return err
		}
		cr := csv.NewReader(r)
		head, err := cr.Read()
		if err != nil {
			return fmt.Errorf("return file: header: %v: %w", err, ErrInvalid)
		}
		col := map[string]int{}
		for i, h := range head {
			col[strings.TrimPrefix(h, "\ufeff")] = i
		}
		for _, h := range ReturnHeader[:5] {
			if _, ok := col[h]; !ok {
				return fmt.Errorf("return file: column %s missing: %w", h, ErrInvalid)
			}
		}
		for n := 2; ; n++ {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("return file line %d: %v: %w", n, err, ErrInvalid)
			}
			get := func(c string) string {
				if i, ok := col[c]; ok && i < len(rec) {
					return rec[i]
				}
				return ""
			}
			var stored int64
			err = tx.QueryRow(ctx, `SELECT amount FROM payments WHERE id_number = ? AND item = ? AND month = ? AND source = ?`,
				get("id_number"), get("item"), get("month"), Source(month)).Scan(&stored)
			if err != nil {
				return fmt.Errorf("return file line %d: no such line of the run: %w", n, ErrInvalid)
			}
			if a, err := money.Parse(get("amount")); err != nil || int64(a) != stored {
				return fmt.Errorf("return file line %d: amount: %q differs from the paid %s: %w", n, get("amount"), money.Amount(stored), ErrInvalid)
			}
			switch get("status") {
			case "ok":
			case "failed":
				failed++
				if _, err := tx.Exec(ctx, `INSERT INTO payroll_line_status (run_month, id_number, item, status, reason, updated_at)
					VALUES (?, ?, ?, 'failed', ?, ?) ON CONFLICT (run_month, id_number, item) DO UPDATE
					SET status = 'failed', reason = excluded.reason, updated_at = excluded.updated_at`,
					month.String(), get("id_number"), get("item"), get("reason"), s.now()); err != nil {
					return err
				}
			default:
				return fmt.Errorf("return file line %d: status: must be ok or failed, got %q: %w", n, get("status"), ErrInvalid)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("reconcile payroll %s: %w", month, err)
	}
	return failed, nil
}

// postRun books an approved run in the fund ledger of each unit it pays: the long-term
// expense (what was transferred plus what set-off kept back, i.e. everything the month owed)
// and, where set-off recovered overpayments, the same amount as income:overpayment_recovered.
// Postings are idempotent by (source, ref), so nothing is booked twice.
//
// Reading: the run is booked when approved, the moment the fund commits to pay it (issue 12's
// brief); a failed transfer found by reconciliation stays owed to the payee and is corrected,
// not reversed.
func (s *Service) postRun(ctx context.Context, tx *store.Tx, month payroll.Month, run *Summary, by string) error {
	date := s.now()[:10]
	units := make([]string, 0, len(run.Units))
	for u := range run.Units {
		units = append(units, u)
	}
	sort.Strings(units)
	actor := audit.Actor{Username: by}
	for _, u := range units {
		t := run.Units[u]
		if gross := t.Paid + t.SetOff; gross > 0 {
			if _, err := ledger.Post(ctx, tx, actor, LedgerSourcePayroll, "long_term:"+month.String()+":"+u,
				fund.Expense(u, date, "long_term", gross, "定期待遇 "+month.String())); err != nil {
				return err
			}
		}
		if t.SetOff > 0 {
			if _, err := ledger.Post(ctx, tx, actor, LedgerSourceOverpayment, "setoff:"+month.String()+":"+u,
				fund.Income(u, date, "overpayment_recovered", t.SetOff, "多发待遇抵扣 "+month.String())); err != nil {
				return err
			}
		}
	}
	return nil
}
