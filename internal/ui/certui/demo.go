package certui

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"wiis/internal/audit"
	"wiis/internal/demo"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/seal"
	"wiis/internal/store"
)

func init() { demo.Register("certification", SeedDemo) }

// demoActor records the demo's certifications and changes.
const demoActor = "system:demo"

// SeedDemo switches certification on for the demo city (DemoCertification, demo data only),
// records a year of certifications through every channel — most beneficiaries certified,
// some due soon (the notices), some due within the grace period, every tenth never certified
// and so suspended from the current month — links the demo "worker" account to a
// beneficiary when it is not linked yet, records one death three months late over legacy
// payments, which leaves a receivable demanded from the estate, and corrects a survivor
// pension paid with the lone-elder extra four months late, which leaves a receivable the
// survivor's continuing pension sets off (seedCorrection). It does nothing
// before the city is loaded, does not depend on the payroll seeder's order, and is
// idempotent: each part is guarded by what it left.
func SeedDemo(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM beneficiaries`).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	now := demo.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	s := payrollsvc.New(db)
	s.Region = demo.Region
	s.Matcher = payrollsvc.StandInMatcher{}
	s.Now = demo.Now
	s.Audit = func(ctx context.Context, tx *store.Tx, ev payrollsvc.AuditEvent) error {
		_, err := audit.Append(ctx, tx, audit.Record{Action: ev.Action, Entity: ev.Entity, EntityID: ev.EntityID,
			Before: ev.Before, After: ev.After}.By(audit.Actor{Username: demoActor, RemoteAddr: "demo"}))
		return err
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := s.SyncEntitlements(ctx, tx); err != nil {
			return err
		}
		_, on, err := payrollsvc.RegionPolicy(ctx, tx, demo.Region, payrollsvc.DemoCertification.From)
		if err != nil || on {
			return err
		}
		if err := payrollsvc.PutCertificationPolicy(ctx, tx, demo.Region, payrollsvc.DemoCertification.From, payrollsvc.DemoCertification,
			"演示数据 / demo data only", demoActor); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "policy.put", Entity: "policy", EntityID: demo.Region + "/" + payroll.CertificationParam,
			After: payrollsvc.DemoCertification}.By(audit.Actor{Username: demoActor, RemoteAddr: "demo"}))
		return err
	}); err != nil {
		return nil, fmt.Errorf("certification policy: %w", err)
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM payroll_certifications WHERE recorded_by LIKE 'demo:%'`).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		if err := seedCertifications(ctx, s, today); err != nil {
			return nil, err
		}
		// Suspend from this month, or from the next when this month's payroll already ran
		// (the payroll seeder may have run first): suspending a month paid would make it
		// overpaid. Once only: on a later run the next month's due dates would suspend more.
		month := payroll.MonthOf(today.Year(), today.Month())
		from := month
		if _, err := s.GetRun(ctx, month); err == nil {
			from++
		}
		if _, err := s.SuspendOverdue(ctx, from, demoActor); err != nil {
			return nil, err
		}
	}
	// The first in ID order, sorted here: MIN() in the database would pick by ciphertext, a
	// different person for each data key, and the correction below, which leaves out the
	// worker's person, then found no survivor to correct in some runs (1 of 8 seen).
	worker, err := store.SortedStrings(ctx, db, 1, `SELECT e.id_number FROM payroll_entitlements e
		WHERE e.region LIKE '3415%' AND EXISTS (SELECT 1 FROM enrollment_events v WHERE v.id_number = e.id_number)`)
	if err != nil {
		return nil, err
	}
	if len(worker) > 0 {
		if _, err := db.Exec(ctx, `UPDATE users SET person_id_number = ? WHERE username = 'worker' AND COALESCE(person_id_number, '') = ''`,
			worker[0]); err != nil {
			return nil, err
		}
	}
	month := payroll.MonthOf(today.Year(), today.Month())
	if err := seedLateDeath(ctx, s, month); err != nil {
		return nil, err
	}
	return nil, seedCorrection(ctx, s, month)
}

// seedCertifications certifies the city's beneficiaries by their place in ID order: 30% by
// data comparison, 20% at a counter, 10% by home visit, 10% by self-service, all within the
// year; 10% eleven months ago (due soon), 10% thirteen months ago (due, in grace) and 10%
// never (overdue).
func seedCertifications(ctx context.Context, s *payrollsvc.Service, today time.Time) error {
	list, err := s.CertificationList(ctx, payrollsvc.CertificationFilter{Region: "3415", On: today})
	if err != nil {
		return err
	}
	for i, st := range list {
		c := payrollsvc.Certification{IDNumber: st.IDNumber, Office: demo.Region, RecordedBy: "demo:teller"}
		days := 20 + (i*37)%300
		switch i % 10 {
		case 0, 1, 2:
			c.Channel, c.RecordedBy = payroll.ChannelDataComparison, "demo:import"
			c.Evidence = []string{"医保结算记录（住院）", "公安户籍比对：在册", "民政殡葬比对：无死亡记录"}[i%3] + fmt.Sprintf(" #%05d", i)
		case 3, 4:
			c.Channel, c.Evidence = payroll.ChannelCounter, "核验居民身份证原件，本人到场"
		case 5:
			c.Channel, c.Evidence = payroll.ChannelHomeVisit, "行动不便，经办人员上门核验（社区工作人员陪同）"
		case 6:
			res, err := s.Matcher.Match(ctx, payrollsvc.MatchRequest{IDNumber: st.IDNumber, Media: []byte("demo face " + st.IDNumber), Device: "phone"})
			if err != nil {
				return err
			}
			c.Channel, c.RecordedBy = payroll.ChannelSelfService, "demo:self"
			c.Evidence = fmt.Sprintf("%s match ref %s score %s via phone", res.Provider, res.Reference, res.Score)
		case 7:
			c.Channel, c.Evidence, days = payroll.ChannelCounter, "核验居民身份证原件，本人到场", 345+i%15
		case 8:
			c.Channel, c.Evidence, days = payroll.ChannelDataComparison, fmt.Sprintf("医保结算记录（门诊） #%05d", i), 380+i%40
			c.RecordedBy = "demo:import"
		default:
			continue
		}
		c.CertifiedOn = today.AddDate(0, 0, -days).Format(time.DateOnly)
		if _, _, err := s.Certify(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// seedLateDeath records the death of one certified beneficiary four months back, after the
// legacy system paid them for the three months since (as an import of payments loads them),
// and establishes the overpayment. It is done once: a receivable established by the demo
// marks it.
func seedLateDeath(ctx context.Context, s *payrollsvc.Service, month payroll.Month) error {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM payroll_receivable_entries WHERE created_by = ?`, demoActor).Scan(&n); err != nil || n > 0 {
		return err
	}
	var bank string
	var amount int64
	// The first in ID order, sorted here: the database holds ID numbers sealed.
	ids, err := store.SortedStrings(ctx, s.DB, 1, `SELECT e.id_number FROM payroll_entitlements e
		JOIN payroll_certifications c ON c.id_number = e.id_number AND c.channel = ?
		WHERE e.item = ? AND e.region LIKE '3415%' AND e.end_month IS NULL
			AND NOT EXISTS (SELECT 1 FROM deaths d WHERE d.id_number = e.id_number)
			AND NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id_number = e.id_number)`, payroll.ChannelCounter, payroll.DisabilityAllowance)
	if err == nil && len(ids) == 0 {
		err = sql.ErrNoRows
	}
	var id string
	if err == nil {
		id = ids[0]
		err = s.DB.QueryRow(ctx, `SELECT amount, bank_account FROM payroll_entitlements WHERE id_number = ? AND item = ? ORDER BY id LIMIT 1`,
			id, payroll.DisabilityAllowance).Scan(&amount, &bank)
	}
	if err != nil {
		return fmt.Errorf("late death: %w", err)
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for m := month - 3; m < month; m++ {
			if _, err := tx.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account, source)
				VALUES (?, ?, ?, ?, ?, 'import') ON CONFLICT (id_number, item, month) DO NOTHING`, id, payroll.DisabilityAllowance, m.String(), amount, seal.Secret(bank)); err != nil {
				return err
			}
		}
		died := (month - 4).FirstDay().AddDate(0, 0, 9).Format(time.DateOnly)
		_, err := tx.Exec(ctx, `INSERT INTO deaths (id_number, death_date) VALUES (?, ?)`, id, died)
		return err
	})
	if err != nil {
		return fmt.Errorf("late death: %w", err)
	}
	_, err = s.DetectOverpayments(ctx, demoActor)
	return err
}

// seedCorrection corrects, four months late, the survivor pension of a parent paid the
// 孤寡老人 extra: another parent of the deceased worker is found alive (a fact the region's
// civil-affairs records bring late), so from four months back the pension is 30% of the
// worker's wage instead of 40% (《工伤保险条例》 Art. 39), three quarters of what was paid.
// The four months' extra — one month's former pension — becomes a receivable of the
// survivor, who is still paid: the next run sets the whole corrected pension off against it
// and leaves a quarter owed, the run after recovers the rest (payroll.md "Overpayments":
// set-off where payments continue). The months are paid first as legacy payments when the
// payroll seeder has not run them. Done once: a correction receivable by the demo marks it.
func seedCorrection(ctx context.Context, s *payrollsvc.Service, month payroll.Month) error {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM payroll_receivable_entries WHERE created_by = ? AND cause = ?`,
		demoActor, payrollsvc.OverpaidCorrection).Scan(&n); err != nil || n > 0 {
		return err
	}
	var ent int64
	var id, bank, worker string
	var amount int64
	const where = `FROM payroll_entitlements e
		JOIN payroll_certifications c ON c.id_number = e.id_number AND c.channel = ?
		WHERE e.item = ? AND e.relation = 'parent' AND e.orphan_or_lone = 1 AND e.region LIKE '3415%'
			AND e.end_month IS NULL AND e.start_month <= ?
			AND NOT EXISTS (SELECT 1 FROM deaths d WHERE d.id_number = e.id_number)
			AND NOT EXISTS (SELECT 1 FROM payroll_receivables r WHERE r.id_number = e.id_number)
			AND NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id_number = e.id_number)`
	// The first in ID order, sorted here: the database holds ID numbers sealed.
	ids, err := store.SortedStrings(ctx, s.DB, 1, `SELECT e.id_number `+where, payroll.ChannelCounter, payroll.SurvivorPension, (month - 4).String())
	if err == nil && len(ids) == 0 {
		err = sql.ErrNoRows
	}
	if err == nil {
		err = s.DB.QueryRow(ctx, `SELECT e.id, e.id_number, e.amount, e.bank_account, e.worker_id_number `+where+` AND e.id_number = ? ORDER BY e.id LIMIT 1`,
			payroll.ChannelCounter, payroll.SurvivorPension, (month-4).String(), ids[0]).Scan(&ent, &id, &amount, &bank, &worker)
	}
	if err != nil {
		return fmt.Errorf("correction: %w", err)
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		for m := month - 4; m < month; m++ {
			if _, err := tx.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account, source)
				VALUES (?, ?, ?, ?, ?, 'import') ON CONFLICT (id_number, item, month) DO NOTHING`, id, payroll.SurvivorPension, m.String(), amount, seal.Secret(bank)); err != nil {
				return err
			}
		}
		// The region's record is corrected too, so the next import keeps the flag off.
		_, err := tx.Exec(ctx, `UPDATE beneficiaries SET orphan_or_lone = ? WHERE id_number = ? AND item = ? AND worker_id_number = ?`,
			0, id, payroll.SurvivorPension, worker)
		return err
	})
	if err != nil {
		return fmt.Errorf("correction: %w", err)
	}
	_, err = s.CorrectAmount(ctx, ent, month-4, money.Amount(amount*3/4),
		"民政比对：工亡职工另一父母在世，不属孤寡老人，自"+(month-4).String()+"起按30%核定", demoActor)
	return err
}
