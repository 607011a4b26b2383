package projectstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/project"
	"wiis/internal/store"
)

// alreadyCovered reports whether err is enroll.Service's answer to an add for a person the
// employer already covers in that month (or a remove for one it does not).
func alreadyCovered(err error) bool {
	e := apperr.As(err)
	return e != nil && e.Code == apperr.Conflict && e.Field == "month"
}

// AddToRoster puts a person on a project's real-name roster from day from (YYYY-MM-DD) and
// enrolls them with the contractor in category `project` from that month through svc (see
// package project). base is the monthly base recorded on the enrollment; nil takes the area
// average wage (policy area_avg_wage) of the project's region, the usual base for workers
// insured by project. A person the contractor already covers goes on the roster only. name is
// needed for a person new to the system. Codes: invalid (the field), not_found (project),
// conflict (already on site, contractor closed).
//
// The enrollment and the roster line are two transactions (enroll.Service keeps its own); a
// failure between them leaves the enrollment, which a repeated call then finds and keeps.
func AddToRoster(ctx context.Context, db *store.DB, svc *enroll.Service, by audit.Actor, code string, person enroll.Person, from string, base *money.Amount, now time.Time) (project.RosterLine, error) {
	line := project.RosterLine{ProjectCode: code, IDNumber: strings.TrimSpace(person.IDNumber), Name: strings.TrimSpace(person.Name), From: from}
	person.IDNumber = line.IDNumber
	p, err := Get(ctx, db, code)
	if err != nil {
		return line, err
	}
	if err := idcode.ValidateID(line.IDNumber); err != nil {
		return line, apperr.Invalidf("id_number", "%s", err.Error())
	}
	if err := p.CheckStay(from, ""); err != nil {
		return line, err
	}
	var open int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM project_roster WHERE project_code = ? AND id_number = ? AND to_date IS NULL`, code, line.IDNumber).Scan(&open); err != nil {
		return line, err
	}
	if open > 0 {
		return line, apperr.Conflictf("id_number", "该人员已在本项目花名册上 / this person is already on the roster")
	}
	if base == nil {
		var avg money.Amount
		ok, err := policy.Decode(ctx, db, p.Region, "area_avg_wage", from, &avg)
		if err != nil {
			return line, err
		}
		if !ok || avg <= 0 {
			return line, apperr.Invalidf("monthly_base", "地区无社平工资政策，请填写缴费基数 / no area average wage in force: enter the monthly base")
		}
		base = &avg
	}
	_, err = svc.Record(ctx, by, person, enroll.Event{USCC: p.USCC, Event: "add", Month: from[:7], MonthlyBase: base, Category: "project"})
	switch {
	case err == nil:
		line.Enrolled = true
	case alreadyCovered(err):
	default:
		return line, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO project_roster (project_code, id_number, from_date, enrolled, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?)`,
			code, line.IDNumber, from, boolInt(line.Enrolled), by.Username, audit.FormatTime(now))
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("from_date", "该人员同日已登记进场 / already recorded on site from that day")
		}
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "project.roster.add", Entity: "project", EntityID: code, After: line}.By(by))
		return err
	})
	if err == nil && line.Name == "" {
		db.QueryRow(ctx, `SELECT name FROM persons WHERE id_number = ?`, line.IDNumber).Scan(&line.Name)
	}
	return line, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Leave records a person's last day on site (to, YYYY-MM-DD). When their line holds the
// project enrollment, the enrollment ends with that month (a remove event through svc),
// unless the person is still on another site of the same contractor: that line then holds
// it. Codes: invalid (to_date), not_found (project or no open roster line).
func Leave(ctx context.Context, db *store.DB, svc *enroll.Service, by audit.Actor, code, id, to string, now time.Time) (project.RosterLine, error) {
	p, err := Get(ctx, db, code)
	if err != nil {
		return project.RosterLine{}, err
	}
	line := project.RosterLine{ProjectCode: code, IDNumber: id}
	var enrolled int
	err = db.QueryRow(ctx, `SELECT from_date, enrolled FROM project_roster WHERE project_code = ? AND id_number = ? AND to_date IS NULL`, code, id).Scan(&line.From, &enrolled)
	if errors.Is(err, sql.ErrNoRows) {
		return line, apperr.NotFoundf("该人员不在本项目花名册上 / this person is not on the site's roster")
	}
	if err != nil {
		return line, err
	}
	line.Enrolled = enrolled == 1
	if err := p.CheckStay(line.From, to); err != nil {
		return line, err
	}
	line.To = to
	// Another open line of the same contractor takes over the enrollment, if there is one.
	var heir, heirFrom string
	if line.Enrolled {
		err := db.QueryRow(ctx, `SELECT r.project_code, r.from_date FROM project_roster r JOIN projects x ON x.project_code = r.project_code
			WHERE r.id_number = ? AND r.to_date IS NULL AND x.uscc = ? AND r.project_code <> ? ORDER BY r.from_date LIMIT 1`, id, p.USCC, code).Scan(&heir, &heirFrom)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return line, err
		}
		if heir == "" {
			_, err := svc.Record(ctx, by, enroll.Person{IDNumber: id}, enroll.Event{USCC: p.USCC, Event: "remove", Month: to[:7]})
			if err != nil && !alreadyCovered(err) {
				return line, err
			}
		}
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE project_roster SET to_date = ? WHERE project_code = ? AND id_number = ? AND from_date = ?`, to, code, id, line.From); err != nil {
			return err
		}
		if heir != "" {
			if _, err := tx.Exec(ctx, `UPDATE project_roster SET enrolled = 1 WHERE project_code = ? AND id_number = ? AND from_date = ?`, heir, id, heirFrom); err != nil {
				return err
			}
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "project.roster.leave", Entity: "project", EntityID: code,
			After: map[string]any{"line": line, "enrollment_moves_to": heir}}.By(by))
		return err
	})
	return line, err
}

// ReportAccident records an accident report (事故快报) on a project site. a.ReportedAt is the
// time the report is made (the caller's clock, local time); Late says whether that is more
// than 48 hours after the accident (R10). A claim already imported for the same project,
// person and accident time without a report time gets this one, so R10 reads the report.
// Codes: invalid (the field), not_found (project).
func ReportAccident(ctx context.Context, db *store.DB, by audit.Actor, a project.Accident, now time.Time) (project.Accident, error) {
	p, err := Get(ctx, db, a.ProjectCode)
	if err != nil {
		return a, err
	}
	a.IDNumber = strings.TrimSpace(a.IDNumber)
	if err := p.CheckAccident(&a); err != nil {
		return a, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var id any
		if a.IDNumber != "" {
			id = a.IDNumber
		}
		if err := tx.QueryRow(ctx, `INSERT INTO project_accidents (project_code, id_number, occurred_at, reported_at, late, description, reported_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.ProjectCode, id, a.OccurredAt, a.ReportedAt, boolInt(a.Late), a.Description,
			by.Username, audit.FormatTime(now)).Scan(&a.ID); err != nil {
			return err
		}
		if a.IDNumber != "" {
			if _, err := tx.Exec(ctx, `UPDATE claims SET reported_at = ? WHERE project_code = ? AND id_number = ? AND injury_at = ?
				AND (reported_at IS NULL OR reported_at = '')`, a.ReportedAt, a.ProjectCode, a.IDNumber, a.OccurredAt); err != nil {
				return err
			}
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "project.accident.report", Entity: "project", EntityID: a.ProjectCode, After: a}.By(by))
		return err
	})
	return a, err
}
