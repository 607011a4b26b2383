// Package projectstore stores project-based enrollment (spec/contributions.md, 同舟计划): the
// registration of a construction project in the projects table of the interchange layout, the
// payment of its one-time premium (posted to the fund ledger as contribution income), the
// real-name roster (each addition enrolls the person in category `project` through
// enroll.Service, see package project), and the 48-hour accident reports. Every change is one
// transaction with its audit record; the rules stay in package project.
package projectstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/contrib"
	"wiis/internal/enroll"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/project"
	"wiis/internal/store"
)

// ProjectRate returns the policy "project_rate" in force in region on day. Codes: invalid
// (no rate in force there and then).
func ProjectRate(ctx context.Context, q store.Querier, region, day string) (contrib.Rate, error) {
	var r contrib.Rate
	ok, err := policy.Decode(ctx, q, region, "project_rate", day, &r)
	if err != nil {
		return r, err
	}
	if !ok || r.Rat().Sign() <= 0 {
		return r, apperr.Invalidf("rate", "地区 %s 在 %s 无项目参保费率政策，请填写费率 / no project rate in force in %s on %s: enter the rate", region, day, region, day)
	}
	return r, nil
}

// Register stores a new project. A zero Rate takes the policy "project_rate" in force in the
// project's region on its start date. The contractor must be a registered, active employer.
// Codes: invalid (the field), not_found (contractor), conflict (closed contractor, code taken).
func Register(ctx context.Context, db *store.DB, by audit.Actor, p project.Project) (project.Project, error) {
	p.Code, p.Name = strings.TrimSpace(p.Code), strings.TrimSpace(p.Name)
	if err := p.Validate(); err != nil {
		return p, err
	}
	if p.Rate.Rat().Sign() == 0 {
		r, err := ProjectRate(ctx, db, p.Region, p.StartDate)
		if err != nil {
			return p, err
		}
		p.Rate = r
	} else if p.Rate.Rat().Sign() < 0 || p.Rate.Rat().Cmp(contrib.MustRate("0.05").Rat()) > 0 {
		return p, apperr.Invalidf("rate", "费率应大于0且不超过0.05 / the rate must be above 0 and at most 0.05")
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		emp, err := enroll.GetEmployer(ctx, tx, p.USCC)
		if err != nil {
			return err
		}
		if emp.Status != "active" {
			return apperr.Conflictf("uscc", "承包单位已注销或吊销 / the contractor is closed")
		}
		_, err = tx.Exec(ctx, `INSERT INTO projects (project_code, uscc, name, region, contract_value, start_date, end_date, rate)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.Code, p.USCC, p.Name, p.Region, int64(p.ContractValue), p.StartDate, p.EndDate, p.Rate.String())
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("project_code", "项目编号 %s 已登记 / project %s is already registered", p.Code, p.Code)
		}
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "project.register", Entity: "project", EntityID: p.Code,
			After: map[string]any{"project": p, "premium": p.Premium()}}.By(by))
		return err
	})
	return p, err
}

const projectCols = `p.project_code, p.uscc, p.name, p.region, p.contract_value, p.start_date, p.end_date, p.rate`

func scanProject(sc interface{ Scan(...any) error }, extra ...any) (project.Project, error) {
	var p project.Project
	var value int64
	var rate string
	err := sc.Scan(append([]any{&p.Code, &p.USCC, &p.Name, &p.Region, &value, &p.StartDate, &p.EndDate, &rate}, extra...)...)
	if err != nil {
		return p, err
	}
	p.ContractValue = money.Amount(value)
	if p.Rate, err = contrib.ParseRate(rate); err != nil {
		return p, err
	}
	return p, nil
}

// Get returns a project. Codes: not_found.
func Get(ctx context.Context, q store.Querier, code string) (project.Project, error) {
	p, err := scanProject(q.QueryRow(ctx, `SELECT `+projectCols+` FROM projects p WHERE p.project_code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFoundf("项目 %s 不存在 / project %s not found", code, code)
	}
	return p, err
}

// Payment is the recorded payment of a project's premium.
type Payment struct {
	PaidOn    string       `json:"paid_on"`
	Amount    money.Amount `json:"amount"`
	PostingID int64        `json:"posting_id"`
	By        string       `json:"recorded_by"`
}

// Summary is a project with its premium and the state of its payment, roster and reports.
type Summary struct {
	project.Project
	Contractor string       `json:"contractor"`
	Premium    money.Amount `json:"premium"`
	PaidOn     string       `json:"paid_on,omitempty"` // empty: unpaid
	OnSite     int          `json:"on_site"`           // roster lines without a last day
	Accidents  int          `json:"accidents"`
	Late       int          `json:"late_reports"`
}

// Filter selects projects for List.
type Filter struct {
	RegionPrefix string // the caller's scope prefix (auth.ScopePrefix); "" for all
	USCC         string // one contractor's projects (the employer portal)
	Term         string // code or name contains
	Unpaid       bool
	Limit        int // default 200
}

// List returns projects, newest start first.
func List(ctx context.Context, q store.Querier, f Filter) ([]Summary, error) {
	scope, args := store.CodePrefix("p.region", f.RegionPrefix)
	where := []string{scope}
	if f.USCC != "" {
		where = append(where, "p.uscc = ?")
		args = append(args, f.USCC)
	}
	if t := strings.TrimSpace(f.Term); t != "" {
		where = append(where, "(p.project_code LIKE ? OR p.name LIKE ?)")
		args = append(args, "%"+t+"%", "%"+t+"%")
	}
	if f.Unpaid {
		where = append(where, "pp.project_code IS NULL")
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	rows, err := q.Query(ctx, `SELECT `+projectCols+`, COALESCE(e.name, ''), COALESCE(pp.paid_on, ''),
			(SELECT COUNT(*) FROM project_roster r WHERE r.project_code = p.project_code AND r.to_date IS NULL),
			(SELECT COUNT(*) FROM project_accidents a WHERE a.project_code = p.project_code),
			(SELECT COUNT(*) FROM project_accidents a WHERE a.project_code = p.project_code AND a.late = 1)
		FROM projects p LEFT JOIN employers e ON e.uscc = p.uscc LEFT JOIN project_payments pp ON pp.project_code = p.project_code
		WHERE `+strings.Join(where, " AND ")+` ORDER BY p.start_date DESC, p.project_code LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var s Summary
		p, err := scanProject(rows, &s.Contractor, &s.PaidOn, &s.OnSite, &s.Accidents, &s.Late)
		if err != nil {
			return nil, err
		}
		s.Project, s.Premium = p, p.Premium()
		out = append(out, s)
	}
	return out, rows.Err()
}

// Detail is everything about one project.
type Detail struct {
	Summary
	Payment   *Payment             `json:"payment,omitempty"`
	Roster    []project.RosterLine `json:"roster"`
	Accidents []project.Accident   `json:"accidents"`
}

// Load returns a project's detail. Codes: not_found.
func Load(ctx context.Context, q store.Querier, code string) (Detail, error) {
	var d Detail
	p, err := Get(ctx, q, code)
	if err != nil {
		return d, err
	}
	d.Project, d.Premium = p, p.Premium()
	if e, err := enroll.GetEmployer(ctx, q, p.USCC); err == nil {
		d.Contractor = e.Name
	}
	var pay Payment
	var amount int64
	err = q.QueryRow(ctx, `SELECT paid_on, amount, posting_id, recorded_by FROM project_payments WHERE project_code = ?`, code).
		Scan(&pay.PaidOn, &amount, &pay.PostingID, &pay.By)
	switch {
	case err == nil:
		pay.Amount = money.Amount(amount)
		d.Payment, d.PaidOn = &pay, pay.PaidOn
	case !errors.Is(err, sql.ErrNoRows):
		return d, err
	}
	if d.Roster, err = roster(ctx, q, code); err != nil {
		return d, err
	}
	for _, l := range d.Roster {
		if l.To == "" {
			d.OnSite++
		}
	}
	if d.Accidents, err = accidents(ctx, q, code); err != nil {
		return d, err
	}
	for _, a := range d.Accidents {
		d.Summary.Accidents++
		if a.Late {
			d.Late++
		}
	}
	return d, nil
}

func roster(ctx context.Context, q store.Querier, code string) ([]project.RosterLine, error) {
	rows, err := q.Query(ctx, `SELECT r.project_code, r.id_number, COALESCE(pe.name, ''), r.from_date, COALESCE(r.to_date, ''), r.enrolled
		FROM project_roster r LEFT JOIN persons pe ON pe.id_number = r.id_number
		WHERE r.project_code = ? ORDER BY r.from_date, r.id_number`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []project.RosterLine{}
	for rows.Next() {
		var l project.RosterLine
		var enrolled int
		if err := rows.Scan(&l.ProjectCode, &l.IDNumber, &l.Name, &l.From, &l.To, &enrolled); err != nil {
			return nil, err
		}
		l.Enrolled = enrolled == 1
		out = append(out, l)
	}
	return out, rows.Err()
}

func accidents(ctx context.Context, q store.Querier, code string) ([]project.Accident, error) {
	rows, err := q.Query(ctx, `SELECT id, project_code, COALESCE(id_number, ''), occurred_at, reported_at, late, description
		FROM project_accidents WHERE project_code = ? ORDER BY occurred_at DESC, id DESC`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []project.Accident{}
	for rows.Next() {
		var a project.Accident
		var late int
		if err := rows.Scan(&a.ID, &a.ProjectCode, &a.IDNumber, &a.OccurredAt, &a.ReportedAt, &late, &a.Description); err != nil {
			return nil, err
		}
		a.Late = late == 1
		if chk, err := project.Delay(a.OccurredAt, a.ReportedAt); err == nil {
			a.DelayHours = chk
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Pay records the payment of a project's premium on paidOn (YYYY-MM-DD): the premium in full,
// once, posted to the ledger of the project's city as contribution income. Codes: invalid
// (date), not_found, conflict (already paid).
func Pay(ctx context.Context, db *store.DB, by audit.Actor, code, paidOn string, now time.Time) (Payment, error) {
	pay := Payment{PaidOn: paidOn, By: by.Username}
	if _, err := time.Parse(time.DateOnly, paidOn); err != nil {
		return pay, apperr.Invalidf("paid_on", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		p, err := Get(ctx, tx, code)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM project_payments WHERE project_code = ?`, code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflictf("paid_on", "项目 %s 的保费已缴纳 / the premium of %s is already paid", code, code)
		}
		pay.Amount = p.Premium()
		if pay.Amount <= 0 {
			return apperr.Invalidf("contract_value", "保费为零 / the premium is zero")
		}
		unit := p.Region[:4] + "00"
		if pay.PostingID, err = ledger.Post(ctx, tx, by, "project_premium", code,
			fund.Income(unit, paidOn, "contributions", pay.Amount, "项目参保保费 "+code+" "+p.Name)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_payments (project_code, paid_on, amount, posting_id, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?)`, code, paidOn, int64(pay.Amount), pay.PostingID, by.Username, audit.FormatTime(now)); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "project.premium.paid", Entity: "project", EntityID: code, After: pay}.By(by))
		return err
	})
	return pay, err
}
