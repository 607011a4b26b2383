package riskui

import (
	"context"
	"time"

	"wiis/internal/audit"
	"wiis/internal/demo"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
)

func init() { demo.Register("risk", SeedRisk) }

// demoInvestigator is the core demo user of the risk investigator role.
const demoInvestigator = "risk_investigator"

// SeedRisk scans the demo city as of the current month and stores its alerts, then works a
// few of them as an investigator would, audited like the pages do: one under investigation
// with a note, one closed as a false alarm, one assigned. Idempotent: scanning again never
// duplicates an open alert, and a city already seeded (some alert worked) is left as it is.
func SeedRisk(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	now := time.Now()
	by := audit.Actor{Username: "system:demo"}
	var worked int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM risk_alerts WHERE assignee IS NOT NULL`).Scan(&worked); err != nil {
		return nil, err
	}
	if worked > 0 {
		// Seeded before: a second run changes nothing (the daily scan of serve keeps the
		// alerts current).
		return nil, nil
	}
	if _, _, err := riskstore.ScanAndStore(ctx, db, riskstore.CurrentMonth(now), by, now); err != nil {
		return nil, err
	}
	open, err := riskstore.List(ctx, db, riskstore.Filter{Status: riskstore.StatusOpen, Limit: 3})
	if err != nil {
		return nil, err
	}
	inv := audit.Actor{Username: demoInvestigator}
	for i, a := range open {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			v := a.Version
			if err := riskstore.Assign(ctx, tx, a.ID, v, demoInvestigator, now); err != nil {
				return err
			}
			v++
			after := map[string]any{"status": riskstore.StatusAssigned, "assignee": demoInvestigator}
			switch i {
			case 0:
				if err := riskstore.StartInvestigation(ctx, tx, a.ID, v, now); err != nil {
					return err
				}
				if _, err := riskstore.AddNote(ctx, tx, a.ID, demoInvestigator, "已调取原始凭证，待约谈单位经办人。", now); err != nil {
					return err
				}
				after["status"] = riskstore.StatusInvestigating
			case 1:
				if _, err := riskstore.AddNote(ctx, tx, a.ID, demoInvestigator, "经核实为数据录入时间差，非违规。", now); err != nil {
					return err
				}
				if err := riskstore.Close(ctx, tx, a.ID, v, riskstore.OutcomeFalseAlarm, now); err != nil {
					return err
				}
				after["status"], after["outcome"] = riskstore.StatusClosed, riskstore.OutcomeFalseAlarm
			}
			_, err := audit.Append(ctx, tx, audit.Record{Action: "risk.alert.demo", Entity: "risk_alert",
				EntityID: itoa(a.ID), After: after}.By(inv))
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return nil, nil
}
