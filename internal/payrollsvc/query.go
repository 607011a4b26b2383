package payrollsvc

import (
	"context"
	"fmt"
	"time"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
)

// PersonCertification returns the certification position of one beneficiary on date on (the
// person page and the self-service show it), and nil when no certification policy applies to
// any of their open entitlements. A payee with entitlements in two regions with a policy gets
// the earliest due date.
func PersonCertification(ctx context.Context, q store.Querier, idNumber string, on time.Time) (*CertStatus, error) {
	on = time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	var out *CertStatus
	err := walkCertification(ctx, q, on, payroll.MonthOf(on.Year(), on.Month()), "", idNumber, func(_ *payroll.CertificationPolicy, st *CertStatus) error {
		if out == nil || st.Due < out.Due {
			c := *st
			out = &c
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("certification of %s: %w", idNumber, err)
	}
	return out, nil
}

// PersonRegions lists the regions of a payee's entitlements (those synced by a run), for
// the web layer's region scope: a beneficiary belongs to the regions that pay them.
func PersonRegions(ctx context.Context, q store.Querier, idNumber string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT region FROM payroll_entitlements WHERE id_number = ? ORDER BY region`, idNumber)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SuspendOverdue applies the certification rule of month now, outside a run: everyone whose
// grace period ended by the month's first day is suspended from that month, with the reason
// (what every run does when it starts; see applyCertification). It returns the number of
// suspensions added; running it again adds none.
func (s *Service) SuspendOverdue(ctx context.Context, month payroll.Month, by string) (int, error) {
	var n int
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := s.SyncEntitlements(ctx, tx); err != nil {
			return err
		}
		var err error
		if n, err = s.applyCertification(ctx, tx, month); err != nil || n == 0 {
			return err
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.certification.suspend", Entity: "payroll_run",
			EntityID: month.String(), After: map[string]any{"suspended": n}})
	})
	if err != nil {
		return 0, fmt.Errorf("suspend overdue %s: %w", month, err)
	}
	return n, nil
}

// ReceivableByID returns a receivable with its movements, by its id; ErrNotFound when none.
func (s *Service) ReceivableByID(ctx context.Context, id int64) (*Receivable, error) {
	r, err := getReceivable(ctx, s.DB, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	return s.GetReceivable(ctx, r.IDNumber)
}

// Demands lists the demands issued on a receivable, oldest first.
func (s *Service) Demands(ctx context.Context, receivableID int64) ([]Demand, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, receivable_id, addressee, name, amount, due_on, issued_by, issued_at
		FROM payroll_demands WHERE receivable_id = ? ORDER BY id`, receivableID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Demand
	for rows.Next() {
		var d Demand
		var a int64
		if err := rows.Scan(&d.ID, &d.ReceivableID, &d.Addressee, &d.Name, &a, &d.DueOn, &d.IssuedBy, &d.IssuedAt); err != nil {
			return nil, err
		}
		d.Amount = money.Amount(a)
		out = append(out, d)
	}
	return out, rows.Err()
}

// WriteOff is a proposed write-off of a receivable and its decision (four-eyes).
type WriteOff struct {
	ID           int64        `json:"id"`
	ReceivableID int64        `json:"receivable_id"`
	IDNumber     string       `json:"id_number"`
	Amount       money.Amount `json:"amount"`
	Reason       string       `json:"reason"`
	Status       string       `json:"status"` // pending | approved | rejected
	ProposedBy   string       `json:"proposed_by"`
	ProposedAt   string       `json:"proposed_at"`
	DecidedBy    string       `json:"decided_by,omitempty"`
	DecidedAt    string       `json:"decided_at,omitempty"`
	Version      int64        `json:"version"`
}

// WriteOffs lists the write-offs of a receivable (receivableID > 0), or every pending one
// (receivableID == 0), oldest first.
func (s *Service) WriteOffs(ctx context.Context, receivableID int64) ([]WriteOff, error) {
	where, arg := `w.receivable_id = ?`, any(receivableID)
	if receivableID == 0 {
		where, arg = `w.status = ?`, "pending"
	}
	rows, err := s.DB.Query(ctx, `SELECT w.id, w.receivable_id, r.id_number, w.amount, w.reason, w.status, w.proposed_by,
			w.proposed_at, COALESCE(w.decided_by, ''), COALESCE(w.decided_at, ''), w.version
		FROM payroll_writeoffs w JOIN payroll_receivables r ON r.id = w.receivable_id WHERE `+where+` ORDER BY w.id`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WriteOff
	for rows.Next() {
		var w WriteOff
		var a int64
		if err := rows.Scan(&w.ID, &w.ReceivableID, &w.IDNumber, &a, &w.Reason, &w.Status, &w.ProposedBy, &w.ProposedAt,
			&w.DecidedBy, &w.DecidedAt, &w.Version); err != nil {
			return nil, err
		}
		w.Amount = money.Amount(a)
		out = append(out, w)
	}
	return out, rows.Err()
}
