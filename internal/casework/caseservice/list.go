package caseservice

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"wiis/internal/casework"
	"wiis/internal/store"
)

// ListFilter selects cases of one kind for a list page. Region takes the offices below it
// (RegionPrefix); Status keeps open steps that are due, due soon or overdue on day On; the
// other fields match exactly when set. Limit caps the page (50 when zero).
type ListFilter struct {
	Region       string
	State        string
	Handler      string
	WorkerID     string
	EmployerUSCC string
	Status       casework.Status
	On           casework.Date
	Limit        int
	Offset       int
}

// CaseRow is one line of a case list.
type CaseRow struct {
	Entity       string          `json:"entity"`
	ID           int64           `json:"id"`
	CaseNo       string          `json:"case_no"`
	Region       string          `json:"region"`
	Team         string          `json:"team"`
	Handler      string          `json:"handler"`
	State        string          `json:"state"`
	Step         string          `json:"step"`
	Due          casework.Date   `json:"due"`
	Status       casework.Status `json:"status"`
	WorkerID     string          `json:"worker_id"`
	WorkerName   string          `json:"worker_name"`
	EmployerUSCC string          `json:"employer_uscc"`
	Opened       string          `json:"opened"`
}

// CasePage is a page of a case list with the number of cases matching the filter.
type CasePage struct {
	Total int       `json:"total"`
	Rows  []CaseRow `json:"rows"`
}

var openedColumn = map[string]string{
	EntityDetermination: "received_on", EntityAssessment: "applied_on", EntityAdvance: "applied_on",
}

// ListCases lists the cases of one entity (EntityDetermination, EntityAssessment or
// EntityAdvance) matching f, most urgent open step first, then newest. Each row's deadline is
// classified on f.On with the office's due-soon window, as Deadlines does. Errors: invalid
// (unknown entity).
func (s *Service) ListCases(ctx context.Context, entity string, f ListFilter) (CasePage, error) {
	var t table
	switch entity {
	case EntityDetermination:
		t = detTable
	case EntityAssessment:
		t = asmtTable
	case EntityAdvance:
		t = advTable
	default:
		return CasePage{}, casework.AppErr(&casework.Error{Code: casework.CodeInvalid, Field: "entity", Reason: "unknown case kind"})
	}
	soon, err := s.dueSoonDays(ctx, f.Region, f.On)
	if err != nil {
		return CasePage{}, err
	}
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if p := RegionPrefix(f.Region); p != "" {
		scope, in := store.CodePrefix("region", p)
		where, args = append(where, scope), append(args, in...)
	}
	for _, m := range []struct{ col, v string }{{"state", f.State}, {"handler", f.Handler}, {"worker_id", f.WorkerID}, {"employer_uscc", f.EmployerUSCC}} {
		if m.v != "" {
			add(m.col+" = ?", m.v)
		}
	}
	overdueBefore, soonUntil := casework.Thresholds(f.On, soon)
	switch f.Status {
	case "":
	case casework.StatusOverdue:
		add("due_on < ?", overdueBefore.String())
	case casework.StatusDueSoon:
		add("due_on >= ?", overdueBefore.String())
		add("due_on <= ?", soonUntil.String())
	case casework.StatusDue:
		add("due_on > ?", soonUntil.String())
	default:
		return CasePage{}, casework.AppErr(&casework.Error{Code: casework.CodeInvalid, Field: "status", Reason: "due, due_soon or overdue"})
	}
	cond := strings.Join(where, " AND ")
	var page CasePage
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM `+t.name+` WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("caseservice: count %s: %w", entity, err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.DB.Query(ctx, `SELECT id, case_no, region, team, handler, state, step, due_on, worker_id, employer_uscc, `+
		openedColumn[entity]+`, data FROM `+t.name+` WHERE `+cond+
		` ORDER BY CASE WHEN due_on IS NULL THEN 1 ELSE 0 END, due_on, id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return page, fmt.Errorf("caseservice: list %s: %w", entity, err)
	}
	defer rows.Close()
	for rows.Next() {
		r := CaseRow{Entity: entity}
		var due sql.NullString
		var data string
		if err := rows.Scan(&r.ID, &r.CaseNo, &r.Region, &r.Team, &r.Handler, &r.State, &r.Step, &due, &r.WorkerID,
			&r.EmployerUSCC, &r.Opened, &data); err != nil {
			return page, err
		}
		if r.Due, err = ParseNullDate(due); err != nil {
			return page, err
		}
		if !r.Due.IsZero() {
			r.Status = casework.Classify(r.Due, f.On, soon)
		}
		var names struct {
			WorkerName string `json:"worker_name"`
		}
		if err := unmarshal(data, &names); err != nil {
			return page, err
		}
		r.WorkerName = names.WorkerName
		page.Rows = append(page.Rows, r)
	}
	return page, rows.Err()
}

// AccidentReport is what a determination case can start from: an employer's accident report
// (事故快报, counter item GS0201) or a determination application taken at the counter
// (GS0202). Ref is the report's or the ticket's number, kept on the case.
type AccidentReport struct {
	Ref          string        `json:"ref"`
	Region       string        `json:"region"`
	Team         string        `json:"team"`
	Handler      string        `json:"handler"`
	WorkerID     string        `json:"worker_id"`
	WorkerName   string        `json:"worker_name"`
	EmployerUSCC string        `json:"employer_uscc"`
	EventKind    string        `json:"event_kind"` // accident (default) or occupational_disease
	EventDate    casework.Date `json:"event_date"`
	Death        bool          `json:"death"`
	// ApplicantKind: the employer reports; a worker's or relative's application at the counter
	// names who applied. Empty: employer.
	ApplicantKind string        `json:"applicant_kind"`
	ApplicantName string        `json:"applicant_name"`
	ReceivedOn    casework.Date `json:"received_on"`
}

// Application turns the report into the application that opens a determination case.
func (r AccidentReport) Application() casework.Application {
	kind := casework.ApplicantKind(r.ApplicantKind)
	if kind == "" {
		kind = casework.ApplicantEmployer
	}
	ev := casework.EventKind(r.EventKind)
	if ev == "" {
		ev = casework.EventAccident
	}
	return casework.Application{Region: r.Region, Team: r.Team, Handler: r.Handler, ApplicantKind: kind,
		ApplicantName: r.ApplicantName, WorkerID: r.WorkerID, WorkerName: r.WorkerName, EmployerUSCC: r.EmployerUSCC,
		AccidentReport: r.Ref, EventKind: ev, EventDate: r.EventDate, Death: r.Death, ReceivedOn: r.ReceivedOn}
}

// OpenFromReport opens a determination case from an accident report or a counter ticket: the
// report's reference stays on the case (Application.AccidentReport) and every rule of
// OpenDetermination applies. Errors: invalid.
func (s *Service) OpenFromReport(ctx context.Context, actor string, r AccidentReport) (casework.Determination, error) {
	if strings.TrimSpace(r.Ref) == "" {
		return casework.Determination{}, casework.AppErr(&casework.Error{Code: casework.CodeInvalid, Field: "ref", Reason: "the report or ticket number is required"})
	}
	return s.OpenDetermination(ctx, actor, r.Application())
}

// ProposalsOf lists the proposals made from an assessment, oldest first (a rejected proposal
// may be followed by a new one).
func (s *Service) ProposalsOf(ctx context.Context, assessmentID int64) ([]casework.Proposal, error) {
	return s.proposals(ctx, `SELECT id FROM benefit_proposals WHERE assessment_id = ? ORDER BY id`, assessmentID)
}
