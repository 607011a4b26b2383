package prevstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

func stamp() string { return audit.FormatTime(time.Now()) }

// StoredProject is a project as stored, with its results and what has been spent on it.
type StoredProject struct {
	prevention.Project
	ID            int64        `json:"id"`
	PeopleTrained int          `json:"people_trained"`
	Certificates  int          `json:"certificates"`
	Results       string       `json:"results"`
	Participants  int          `json:"participants"`
	Spent         money.Amount `json:"spent"`
	Version       int64        `json:"version"`
}

// CreateProject stores a prevention project with its target employers. Errors: invalid (a
// field, or a target that is not a known employer).
func CreateProject(ctx context.Context, db *store.DB, by audit.Actor, p prevention.Project) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO prevention_projects (region, year, name, type, provider, procurement, budget, start_on, end_on, objective, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Region, p.Year, p.Name, p.Type, p.Provider, p.Procured,
			int64(p.Budget), p.StartOn, p.EndOn, p.Objective, by.Username, stamp()).Scan(&id)
		if err != nil {
			return fmt.Errorf("prevstore: project: %w", err)
		}
		for _, u := range p.Targets {
			if err := mustEmployer(ctx, tx, "targets", u); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO prevention_project_targets (project_id, uscc) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, u); err != nil {
				return err
			}
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "prevention.project.create", Entity: "prevention_project", EntityID: fmt.Sprint(id), After: p}.By(by))
		return err
	})
	return id, err
}

func mustEmployer(ctx context.Context, q store.Querier, field, uscc string) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM employers WHERE uscc = ?`, uscc).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalidf(field, "用人单位 %s 不存在 / employer %s not found", uscc, uscc)
	}
	return nil
}

// GetProject returns a project with its targets, results and spending. Errors: not_found.
func GetProject(ctx context.Context, q store.Querier, id int64) (StoredProject, error) {
	var s StoredProject
	var budget, spent int64
	err := q.QueryRow(ctx, `SELECT id, region, year, name, type, provider, procurement, budget, start_on, end_on, objective,
		people_trained, certificates, results, version,
		(SELECT COALESCE(SUM(amount), 0) FROM prevention_spending WHERE project_id = p.id),
		(SELECT COUNT(*) FROM prevention_participants WHERE project_id = p.id)
		FROM prevention_projects p WHERE id = ?`, id).Scan(&s.ID, &s.Region, &s.Year, &s.Name, &s.Type, &s.Provider, &s.Procured,
		&budget, &s.StartOn, &s.EndOn, &s.Objective, &s.PeopleTrained, &s.Certificates, &s.Results, &s.Version, &spent, &s.Participants)
	if errors.Is(err, sql.ErrNoRows) {
		return s, apperr.NotFoundf("预防项目 %d 不存在 / prevention project %d not found", id, id)
	}
	if err != nil {
		return s, err
	}
	s.Budget, s.Spent = money.Amount(budget), money.Amount(spent)
	rows, err := q.Query(ctx, `SELECT uscc FROM prevention_project_targets WHERE project_id = ? ORDER BY uscc`, id)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return s, err
		}
		s.Targets = append(s.Targets, u)
	}
	return s, rows.Err()
}

// Participant is one worker a project reached.
type Participant struct {
	IDNumber    string `json:"id_number"`
	USCC        string `json:"uscc"`
	Certificate string `json:"certificate"`
}

// AddParticipants records the workers a project reached (a second record of the same worker
// updates the certificate). Errors: not_found (project), invalid (employer).
func AddParticipants(ctx context.Context, db *store.DB, by audit.Actor, projectID int64, ps []Participant) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := GetProject(ctx, tx, projectID); err != nil {
			return err
		}
		for i, p := range ps {
			if p.IDNumber == "" {
				return apperr.Invalidf(fmt.Sprintf("participants[%d].id_number", i), "身份证号必填 / ID number required")
			}
			if err := mustEmployer(ctx, tx, fmt.Sprintf("participants[%d].uscc", i), p.USCC); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO prevention_participants (project_id, id_number, uscc, certificate) VALUES (?, ?, ?, ?)
				ON CONFLICT (project_id, id_number) DO UPDATE SET uscc = excluded.uscc, certificate = excluded.certificate`,
				projectID, p.IDNumber, p.USCC, p.Certificate); err != nil {
				return err
			}
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "prevention.project.participants", Entity: "prevention_project",
			EntityID: fmt.Sprint(projectID), After: map[string]int{"added": len(ps)}}.By(by))
		return err
	})
}

// RecordResults stores a project's results (people trained, certificates, a summary) if the
// caller read version. Errors: not_found, conflict (stale version), invalid.
func RecordResults(ctx context.Context, db *store.DB, by audit.Actor, projectID, version int64, trained, certificates int, results string) error {
	if trained < 0 || certificates < 0 {
		return apperr.Invalidf("people_trained", "人数不能为负 / counts cannot be negative")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		before, err := GetProject(ctx, tx, projectID)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE prevention_projects SET people_trained = ?, certificates = ?, results = ?, version = version + 1
			WHERE id = ? AND version = ?`, trained, certificates, results, projectID, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflictf("version", "项目已被他人修改，请刷新 / changed by someone else; reload")
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "prevention.project.results", Entity: "prevention_project", EntityID: fmt.Sprint(projectID),
			Before: map[string]any{"people_trained": before.PeopleTrained, "certificates": before.Certificates, "results": before.Results},
			After:  map[string]any{"people_trained": trained, "certificates": certificates, "results": results}}.By(by))
		return err
	})
}

// SpendResult is a spending as posted.
type SpendResult struct {
	prevention.Spend
	ID        int64 `json:"id"`
	PostingID int64 `json:"posting_id"`
}

// advisoryBase keeps prevention's PostgreSQL advisory locks apart from others' ("wiispv").
const advisoryBase = 0x776969737076 << 8

// Spend pays amount for a project on date: it checks the unit's prevention spending of the
// year against the cap (policy prevention_fee of the project's region, on date, as a share of
// the unit's contribution income of the previous year in the ledger) and the project's budget,
// posts fund.Expense(unit, date, "prevention", ...) to the ledger and records the spending,
// counted toward the training share when the project type is training. Concurrent spendings
// of one unit are serialised (SQLite: the write lock of the immediate transaction; PostgreSQL:
// an advisory lock on the unit), so two cannot both pass the cap. Errors: not_found
// (project), invalid (amount over the cap under a refuse policy, over the budget, bad date).
func Spend(ctx context.Context, db *store.DB, by audit.Actor, projectID int64, date string, amount money.Amount, memo string) (SpendResult, error) {
	var out SpendResult
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return out, apperr.Invalidf("date", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		p, err := GetProject(ctx, tx, projectID)
		if err != nil {
			return err
		}
		unit := cityUnit(p.Region)
		if tx.Engine == store.Postgres {
			h := fnv.New32a()
			h.Write([]byte(unit))
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(advisoryBase)+int64(h.Sum32())); err != nil {
				return err
			}
		}
		if p.Spent+amount > p.Budget {
			return apperr.Invalidf("amount", "项目支出合计 %s 将超过预算 %s / would exceed the project budget", (p.Spent + amount).Grouped(), p.Budget.Grouped())
		}
		var pol prevention.FeePolicy
		if _, err := policy.Decode(ctx, tx, p.Region, "prevention_fee", date, &pol); err != nil {
			return err
		}
		pos, err := feeFigures(ctx, tx, unit, day.Year())
		if err != nil {
			return err
		}
		out.Spend, err = prevention.CheckSpend(pol, pos.LastYearIncome, pos.Spent, pos.Training, amount, prevention.IsTraining(p.Type))
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM prevention_spending WHERE project_id = ?`, projectID).Scan(&n); err != nil {
			return err
		}
		if memo == "" {
			memo = "工伤预防项目 " + p.Name
		}
		out.PostingID, err = ledger.Post(ctx, tx, by, "prevention", fmt.Sprintf("%d:%d", projectID, n+1), fund.Expense(unit, date, "prevention", amount, memo))
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO prevention_spending (project_id, unit, spent_on, amount, training, flagged, posting_id, memo, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, projectID, unit, date, int64(amount), boolInt(prevention.IsTraining(p.Type)),
			boolInt(out.Flagged), out.PostingID, memo, by.Username, stamp()).Scan(&out.ID)
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "prevention.spend", Entity: "prevention_project", EntityID: fmt.Sprint(projectID),
			After: map[string]any{"amount": amount, "date": date, "posting_id": out.PostingID, "flagged": out.Flagged, "cap": out.Position.Cap}}.By(by))
		return err
	})
	return out, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// feeFigures reads a unit's prevention position inputs for year from the ledger: last year's
// contribution income (income:contributions, net of reversals), this year's prevention
// expenditure (expense:prevention, whatever posted it) and the training part of it.
func feeFigures(ctx context.Context, q store.Querier, unit string, year int) (prevention.FeeFigures, error) {
	var f prevention.FeeFigures
	last := strconv.Itoa(year - 1)
	bs, err := ledger.TrialBalance(ctx, q, unit, last+"-01-01", last+"-12-31")
	if err != nil {
		return f, err
	}
	for _, b := range bs {
		if b.Unit == unit && b.Account == "income:contributions" {
			f.LastYearIncome = -b.Net()
		}
	}
	y := strconv.Itoa(year)
	bs, err = ledger.TrialBalance(ctx, q, unit, y+"-01-01", y+"-12-31")
	if err != nil {
		return f, err
	}
	for _, b := range bs {
		if b.Unit == unit && b.Account == "expense:prevention" {
			f.Spent = b.Net()
		}
	}
	var tr int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM prevention_spending WHERE unit = ? AND training = 1 AND spent_on >= ? AND spent_on <= ?`,
		unit, y+"-01-01", y+"-12-31").Scan(&tr); err != nil {
		return f, err
	}
	f.Training = money.Amount(tr)
	return f, nil
}

// FeePosition is the prevention-fee position of region's accounting unit in year: cap, local
// minimum, spending and training share with their warnings (fund.PreventionPosition).
// Errors: invalid (year, or no cap in force).
func FeePosition(ctx context.Context, q store.Querier, region string, year int) (fund.Prevention, error) {
	if err := validYear(year); err != nil {
		return fund.Prevention{}, err
	}
	var pol prevention.FeePolicy
	if _, err := policy.Decode(ctx, q, region, "prevention_fee", fmt.Sprintf("%d-12-31", year), &pol); err != nil {
		return fund.Prevention{}, err
	}
	f, err := feeFigures(ctx, q, cityUnit(region), year)
	if err != nil {
		return fund.Prevention{}, err
	}
	return prevention.Position(pol, f)
}
