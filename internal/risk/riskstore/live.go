package riskstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"wiis/internal/audit"
	"wiis/internal/calendar"
	"wiis/internal/coverage"
	"wiis/internal/risk"
	"wiis/internal/store"
)

// OpenAlertsFor returns the alerts not yet closed whose subject is one of keys (an ID number,
// a claim number, a credit code or a bank account: a rule's subject is one of those), so the
// pages of determinations and payments can show an open alert to whoever handles the person,
// claim or employer (issue 7 item 5). Empty keys are ignored; no keys, no alerts.
func OpenAlertsFor(ctx context.Context, q store.Querier, keys ...string) ([]Stored, error) {
	var args []any
	for _, k := range keys {
		if k = strings.TrimSpace(k); k != "" {
			args = append(args, k)
		}
	}
	if len(args) == 0 {
		return nil, nil
	}
	return queryStored(ctx, q, `SELECT `+alertCols+` FROM risk_alerts WHERE status <> 'closed' AND subject IN (`+
		store.Placeholders(len(args))+`) ORDER BY rule, subject, id`, args...)
}

// PayrollHolds returns, for every person with an open (not closed) R03 alert, the reason the
// payroll must hold their payments: R03 stops the payroll paying a dead person (issue 7 item
// 5). It is the payrollsvc.Service.Hold hook: one query per run, not one per payee.
func PayrollHolds(ctx context.Context, q store.Querier) (map[string]string, error) {
	out := map[string]string{}
	err := each(ctx, q, `SELECT id, subject FROM risk_alerts WHERE rule = 'R03' AND status <> 'closed'`, func(r *sql.Rows) error {
		var id int64
		var subject string
		if err := r.Scan(&id, &subject); err != nil {
			return err
		}
		out[subject] = fmt.Sprintf("R03 %s：风险预警 #%d 未关闭 / open risk alert #%d (deceased still paid)", risk.RuleName("R03"), id, id)
		return nil
	})
	return out, err
}

// ScanAndStore scans everything stored for asOf and stores the alerts (Save) with the audit
// record of the scan ("risk.scan", its counts) in the same transaction. by is who asked: a
// user, or "system" for the scans after an import and on the schedule.
func ScanAndStore(ctx context.Context, db *store.DB, asOf coverage.Month, by audit.Actor, now time.Time) ([]risk.Alert, SaveSummary, error) {
	alerts, err := Scan(ctx, db, asOf)
	if err != nil {
		return nil, SaveSummary{}, err
	}
	var sum SaveSummary
	err = db.InTx(ctx, func(tx *store.Tx) (err error) {
		if sum, err = SaveTx(ctx, tx, asOf, alerts, now); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "risk.scan", Entity: "risk_scan", EntityID: asOf.String(),
			After: map[string]int{"alerts": len(alerts), "new": sum.New, "already_open": sum.AlreadyOpen,
				"refreshed": sum.Refreshed, "suppressed": sum.Suppressed}}.By(by))
		return err
	})
	if err != nil {
		return nil, SaveSummary{}, fmt.Errorf("riskstore: scan %s: %w", asOf, err)
	}
	return alerts, sum, nil
}

// Scheduled scans as of the current month every interval until ctx ends (`wiis serve` runs it
// in a goroutine, daily): the scheduled scan of issue 7 item 2. A failed scan is logged and
// tried again at the next tick; it never stops the server.
func Scheduled(ctx context.Context, db *store.DB, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := time.Now()
			asOf := CurrentMonth(now)
			_, sum, err := ScanAndStore(ctx, db, asOf, audit.Actor{Username: "system"}, now)
			if err != nil {
				log.Error("scheduled risk scan", "err", err)
				continue
			}
			log.Info("scheduled risk scan", "as_of", asOf.String(), "new", sum.New, "open", sum.AlreadyOpen)
		}
	}
}

// CurrentMonth is the as-of month of a scan run at now (Shanghai time, where the agencies are).
func CurrentMonth(now time.Time) coverage.Month {
	m, _ := coverage.ParseMonth(now.In(calendar.Shanghai).Format("2006-01"))
	return m
}
