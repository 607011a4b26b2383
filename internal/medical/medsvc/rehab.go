package medsvc

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"wiis/internal/apperr"
	"wiis/internal/calendar"
	"wiis/internal/medical"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

// approvedPlan is what a rehabilitation bill is audited against: the catalogue items and the
// days of the case's approved plan (extensions included).
type approvedPlan struct {
	items    []string
	from, to calendar.Date
}

// rehabPlan reads the plan of rehabilitation case id for a bill of worker from institution.
// Errors: not_found (case); invalid (another worker's case, another institution, no plan yet).
func rehabPlan(ctx context.Context, q store.Querier, id int64, worker, institution string) (approvedPlan, error) {
	var data string
	err := q.QueryRow(ctx, `SELECT data FROM rehab_cases WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return approvedPlan{}, apperr.NotFoundf("康复案件 %d 不存在 / rehabilitation case %d not found", id, id)
	}
	if err != nil {
		return approvedPlan{}, err
	}
	var c prevention.RehabCase
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return approvedPlan{}, apperr.Wrap(err, "rehab case data")
	}
	switch {
	case c.WorkerID != worker:
		return approvedPlan{}, apperr.Invalidf("rehab_case_id", "康复案件不属于该工伤职工 / the rehabilitation case is another worker's")
	case c.Institution != institution:
		return approvedPlan{}, apperr.Invalidf("rehab_case_id", "康复案件的协议机构不是 %s / the case's institution is not %s", institution, institution)
	case c.Plan == nil:
		return approvedPlan{}, apperr.Invalidf("rehab_case_id", "康复案件尚无批准的康复计划 / the case has no approved plan yet")
	}
	from, err := calendar.ParseDate(c.Plan.StartOn)
	if err != nil {
		return approvedPlan{}, apperr.Wrap(err, "rehab plan start")
	}
	to, err := calendar.ParseDate(c.Plan.EndOn)
	if err != nil {
		return approvedPlan{}, apperr.Wrap(err, "rehab plan end")
	}
	return approvedPlan{items: c.Plan.Items, from: from, to: to}, nil
}

// auditRehab refuses, with the reason, the lines of a rehabilitation bill that the general
// audit did not refuse already and that lie outside the approved plan: not an item of the
// rehabilitation catalogue the plan lists, or a day before the plan's start or after its end.
//
// Reading: prevention-rehab.md has rehabilitation "in an agreement institution, under a plan";
// what the plan does not cover was not approved, so the fund does not pay it (条例 Art. 30
// pays rehabilitation at agreement institutions, within the catalogues).
func auditRehab(p approvedPlan, lines []medical.Line, results []medical.Result) {
	for i, l := range lines {
		r := &results[i]
		if r.Decision == medical.Refuse {
			continue
		}
		reason := medical.Reason("")
		switch {
		case l.Kind != medical.KindRehab || !slices.Contains(p.items, l.Code):
			reason = medical.OutsideRehabPlan
		case l.On.Before(p.from) || l.On.After(p.to):
			reason = medical.OutsideRehabPeriod
		default:
			continue
		}
		r.Decision, r.Reason, r.Text, r.Accepted = medical.Refuse, reason, reason.Text(), 0
	}
}

// RehabBills lists the bills of rehabilitation case caseID, oldest first.
func (s *Service) RehabBills(ctx context.Context, caseID int64) ([]Bill, error) {
	rows, err := s.DB.Query(ctx, `SELECT id FROM medical_bills WHERE rehab_case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Bill, 0, len(ids))
	for _, id := range ids {
		b, err := loadBill(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
