package caseservice

import (
	"context"
	"fmt"
	"strings"

	"wiis/internal/casework"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Filter selects the cases of an office view. Region is an office's GB/T 2260 code and takes
// the offices below it (a city sees its districts and counties); empty fields match all.
type Filter struct {
	Region  string
	Team    string
	Handler string
}

// DeadlineItem is one open step with a due date, classified on the day asked.
type DeadlineItem struct {
	Entity  string          `json:"entity"` // determination | assessment | advance
	ID      int64           `json:"id"`
	CaseNo  string          `json:"case_no"`
	Region  string          `json:"region"`
	Team    string          `json:"team"`
	Handler string          `json:"handler"`
	State   string          `json:"state"`
	Step    string          `json:"step"`
	Due     casework.Date   `json:"due"`
	Status  casework.Status `json:"status"`
}

// RegionPrefix turns an office code into the prefix of the codes below it: 341500 → 3415,
// 340000 → 34, 000000 → "" (the whole country).
func RegionPrefix(r string) string {
	for len(r) >= 2 && strings.HasSuffix(r, "00") {
		r = r[:len(r)-2]
	}
	return r
}

// openSteps is the union of the three case tables' open steps with a due date, filtered.
func openSteps(f Filter) (string, []any) {
	var where []string
	var args []any
	if p := RegionPrefix(f.Region); p != "" {
		scope, in := store.CodePrefix("region", p)
		where, args = append(where, scope), append(args, in...)
	}
	if f.Team != "" {
		where, args = append(where, "team = ?"), append(args, f.Team)
	}
	if f.Handler != "" {
		where, args = append(where, "handler = ?"), append(args, f.Handler)
	}
	cond := "due_on IS NOT NULL"
	for _, w := range where {
		cond += " AND " + w
	}
	var parts []string
	var all []any
	for _, t := range []table{detTable, asmtTable, advTable} {
		parts = append(parts, fmt.Sprintf(`SELECT '%s' AS entity, id, case_no, region, team, handler, state, step, due_on
			FROM %s WHERE %s`, t.entity, t.name, cond))
		all = append(all, args...)
	}
	return strings.Join(parts, " UNION ALL "), all
}

// dueSoonDays reads the office's due-soon window.
func (s *Service) dueSoonDays(ctx context.Context, region string, on casework.Date) (int, error) {
	if region == "" {
		region = policy.National
	}
	days := 0
	found, err := policy.Decode(ctx, s.DB, region, casework.ParamDueSoonDays, on.String(), &days)
	if err != nil {
		return 0, err
	}
	if !found {
		return 0, fmt.Errorf("caseservice: no %s in force in %s", casework.ParamDueSoonDays, region)
	}
	return days, nil
}

// Deadlines lists every open step with a due date in the office view, most urgent first,
// each classified on day on as due, due soon or overdue (casework.Classify with the office's
// due-soon window). Suspended determinations have no due date and are not listed.
func (s *Service) Deadlines(ctx context.Context, f Filter, on casework.Date) ([]DeadlineItem, error) {
	soon, err := s.dueSoonDays(ctx, f.Region, on)
	if err != nil {
		return nil, err
	}
	q, args := openSteps(f)
	rows, err := s.DB.Query(ctx, `SELECT entity, id, case_no, region, team, handler, state, step, due_on FROM (`+q+`) u
		ORDER BY due_on, entity, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("caseservice: deadlines: %w", err)
	}
	defer rows.Close()
	var out []DeadlineItem
	for rows.Next() {
		var it DeadlineItem
		var due string
		if err := rows.Scan(&it.Entity, &it.ID, &it.CaseNo, &it.Region, &it.Team, &it.Handler, &it.State, &it.Step, &due); err != nil {
			return nil, err
		}
		if it.Due, err = casework.ParseDate(due); err != nil {
			return nil, err
		}
		it.Status = casework.Classify(it.Due, on, soon)
		out = append(out, it)
	}
	return out, rows.Err()
}

// Group is the dimension of a deadline summary.
type Group string

// The groupings of the office views.
const (
	ByHandler Group = "handler"
	ByTeam    Group = "team"
	ByOffice  Group = "region"
)

// DeadlineCount is the number of open steps of one handler, team or office by status.
type DeadlineCount struct {
	Key     string `json:"key"`
	Due     int    `json:"due"`
	DueSoon int    `json:"due_soon"`
	Overdue int    `json:"overdue"`
}

// DeadlineCounts counts the open steps in the view by handler, team or office: one set-based
// query whose thresholds come from casework.Thresholds, so it agrees with Classify.
func (s *Service) DeadlineCounts(ctx context.Context, f Filter, on casework.Date, by Group) ([]DeadlineCount, error) {
	switch by {
	case ByHandler, ByTeam, ByOffice:
	default:
		return nil, &casework.Error{Code: casework.CodeInvalid, Field: "group", Reason: "group by handler, team or region"}
	}
	soon, err := s.dueSoonDays(ctx, f.Region, on)
	if err != nil {
		return nil, err
	}
	overdueBefore, soonUntil := casework.Thresholds(on, soon)
	q, args := openSteps(f)
	args = append([]any{overdueBefore.String(), overdueBefore.String(), soonUntil.String(), soonUntil.String()}, args...)
	rows, err := s.DB.Query(ctx, `SELECT `+string(by)+`,
			SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN due_on >= ? AND due_on <= ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN due_on > ? THEN 1 ELSE 0 END)
		FROM (`+q+`) u GROUP BY `+string(by)+` ORDER BY `+string(by), args...)
	if err != nil {
		return nil, fmt.Errorf("caseservice: deadline counts: %w", err)
	}
	defer rows.Close()
	var out []DeadlineCount
	for rows.Next() {
		var c DeadlineCount
		if err := rows.Scan(&c.Key, &c.Overdue, &c.DueSoon, &c.Due); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
