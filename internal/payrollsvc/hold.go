package payrollsvc

import (
	"context"
	"fmt"
	"strings"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
)

// HoldFunc is the Service.Hold hook: it returns, by payee ID number, the reason to hold the
// payee's lines of a run. It is called once when a run starts or resumes (set-based, one
// query, not one call per payee, so a run of millions stays one pass). The risk module plugs in
// riskstore.PayrollHolds: an open R03 alert (deceased still paid) holds the person's payments.
type HoldFunc func(ctx context.Context, q store.Querier) (map[string]string, error)

// HeldLine is a line a run held back instead of paying, with the reason.
type HeldLine struct {
	IDNumber string       `json:"id_number"`
	Item     string       `json:"item"`
	Amount   money.Amount `json:"amount"`
	Reason   string       `json:"reason"`
}

func (s *Service) holds(ctx context.Context) (map[string]string, error) {
	if s.Hold == nil {
		return nil, nil
	}
	h, err := s.Hold(ctx, s.DB)
	if err != nil {
		return nil, fmt.Errorf("hold hook: %w", err)
	}
	return h, nil
}

// hold records the lines of a held payee's item instead of paying them, and arms the back pay
// check of its entitlements from month, so a run after the hold is lifted pays what is still
// owed (the payroll rules pay nothing after a recorded death). The held month is marked as
// settled with nothing paid (a zero row in payroll_backpay_months): payroll.BackPay pays back
// only settled months, and a held month is one.
func hold(ctx context.Context, tx *store.Tx, month payroll.Month, rows []entRow, g groupResult, reason, at string) error {
	for _, l := range g.lines {
		if _, err := tx.Exec(ctx, `INSERT INTO payroll_holds (run_month, id_number, item, amount, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_month, id_number, item) DO NOTHING`,
			month.String(), l.id, l.item, int64(l.amount), reason, at); err != nil {
			return err
		}
		if !strings.HasSuffix(l.item, payroll.BackPaySuffix) {
			if _, err := tx.Exec(ctx, `INSERT INTO payroll_backpay_months (id_number, item, month, run_month, amount)
				VALUES (?, ?, ?, ?, 0) ON CONFLICT (id_number, item, month, run_month) DO NOTHING`,
				l.id, l.item, month.String(), month.String()); err != nil {
				return err
			}
		}
	}
	if len(g.lines) == 0 {
		return nil
	}
	for i := range rows {
		if err := armCheck(ctx, tx, rows[i].e.ID, month, false, 0); err != nil {
			return err
		}
	}
	return nil
}

// Held returns the lines the run of month held back, by payee and item.
func (s *Service) Held(ctx context.Context, month payroll.Month) ([]HeldLine, error) {
	rows, err := s.DB.Query(ctx, `SELECT id_number, item, amount, reason FROM payroll_holds WHERE run_month = ?
		ORDER BY id_number, item`, month.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HeldLine
	for rows.Next() {
		var h HeldLine
		var a int64
		if err := rows.Scan(&h.IDNumber, &h.Item, &a, &h.Reason); err != nil {
			return nil, err
		}
		h.Amount = money.Amount(a)
		out = append(out, h)
	}
	return out, rows.Err()
}
