package counterui

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"wiis/internal/audit"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/demo"
	"wiis/internal/store"
)

func init() { demo.Register("counter", SeedDemo) }

// SeedDemo links the demo "employer" and "worker" accounts to an employer and a person of
// the loaded city (a worker with payments when there is one, and the employer that insured
// them), and fills the counter with a day of tickets: immediate items done, back-office items
// pending, some decided earlier in time, and one overdue. It does nothing when the city is not
// loaded yet and is idempotent (tickets are seeded once).
func SeedDemo(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	// ID numbers are stored sealed: "first in ID order" is sorted in Go (store.SortedStrings).
	workers, err := store.SortedStrings(ctx, db, 1, `SELECT DISTINCT p.id_number FROM payments p JOIN enrollment_events e ON e.id_number = p.id_number`)
	if err != nil {
		return nil, err
	}
	worker := ""
	if len(workers) > 0 {
		worker = workers[0]
	}
	if worker == "" {
		if worker, err = firstString(ctx, db, `SELECT id_number FROM enrollment_events ORDER BY id LIMIT 1`); err != nil || worker == "" {
			return nil, err
		}
	}
	uscc, err := firstString(ctx, db, `SELECT uscc FROM enrollment_events WHERE id_number = ? ORDER BY month DESC, id DESC LIMIT 1`, worker)
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(ctx, `UPDATE users SET employer_uscc = ? WHERE username = 'employer' AND COALESCE(employer_uscc, '') = ''`, uscc); err != nil {
		return nil, err
	}
	if _, err := db.Exec(ctx, `UPDATE users SET person_id_number = ? WHERE username = 'worker' AND COALESCE(person_id_number, '') = ''`, worker); err != nil {
		return nil, err
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE teller = 'teller'`).Scan(&n); err != nil || n > 0 {
		return nil, err
	}
	persons, err := store.SortedStrings(ctx, db, 40, `SELECT DISTINCT e.id_number FROM enrollment_events e JOIN employers m ON m.uscc = e.uscc WHERE m.region LIKE '3415%'`)
	if err != nil {
		return nil, err
	}
	employers, err := column(ctx, db, `SELECT uscc FROM employers WHERE region LIKE '3415%' AND status = 'active' ORDER BY uscc LIMIT 10`)
	if err != nil || len(persons) == 0 || len(employers) == 0 {
		return nil, err
	}
	return nil, seedTickets(ctx, db, worker, uscc, persons, employers)
}

func seedTickets(ctx context.Context, db *store.DB, worker, uscc string, persons, employers []string) error {
	teller := audit.Actor{Username: "teller", RemoteAddr: "demo"}
	roles := []string{"teller"}
	// The day's tickets lie in the hours before now, so the figures of "now" count them all.
	day := time.Now().In(shanghai).Truncate(time.Minute).Add(-4 * time.Hour)
	open := func(code, subject string, at time.Time) (counter.Ticket, error) {
		it, err := counterstore.Item(ctx, db, code)
		if err != nil {
			return counter.Ticket{}, err
		}
		return counterstore.Open(ctx, db, teller, roles, code, subject, "341502", "counter", it.Materials, at)
	}
	immediate := []string{"GS0402", "GS0107", "GS0505", "GS0506"}
	// The last hours: 24 immediate items and 8 back-office items waiting.
	for i := 0; i < 24; i++ {
		if _, err := open(immediate[i%len(immediate)], persons[i%len(persons)], day.Add(time.Duration(i*9)*time.Minute)); err != nil {
			return err
		}
	}
	for i := 0; i < 3; i++ {
		if _, err := open("GS0201", employers[i%len(employers)], day.Add(time.Duration(40+i*50)*time.Minute)); err != nil {
			return err
		}
	}
	back := []string{"GS0202", "GS0401", "GS0501", "GS0301"}
	for i := 0; i < 8; i++ {
		subject := persons[(i+7)%len(persons)]
		if i == 0 {
			subject = worker
		}
		if _, err := open(back[i%len(back)], subject, day.Add(time.Duration(30+i*25)*time.Minute)); err != nil {
			return err
		}
	}
	// Earlier: back-office items decided within their limits by the reviewers.
	deciders := map[string]string{"GS0202": "determination_officer", "GS0401": "medical_auditor", "GS0501": "benefits_reviewer", "GS0301": "assessment_secretary"}
	for i := 0; i < 6; i++ {
		code := back[i%len(back)]
		at := day.AddDate(0, 0, -7-i)
		t, err := open(code, persons[(i+20)%len(persons)], at)
		if err != nil {
			return err
		}
		if _, err := counterstore.Review(ctx, db, audit.Actor{Username: deciders[code], RemoteAddr: "demo"}, t.ID, t.Version, counter.StateDone, "", at.AddDate(0, 0, 3)); err != nil {
			return err
		}
	}
	// One overdue: an assistive-device application (15 working days) taken in 40 days ago.
	_, err := open("GS0403", persons[len(persons)/2], day.AddDate(0, 0, -40))
	return err
}

func firstString(ctx context.Context, db *store.DB, q string, args ...any) (string, error) {
	var s string
	err := db.QueryRow(ctx, q, args...).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return s, err
}

func column(ctx context.Context, db *store.DB, q string) ([]string, error) {
	rows, err := db.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
