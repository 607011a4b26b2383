package prevstore

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"wiis/internal/money"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

// ProjectSummary is a project in a list.
type ProjectSummary struct {
	ID       int64        `json:"id"`
	Region   string       `json:"region"`
	Year     int          `json:"year"`
	Name     string       `json:"name"`
	Type     string       `json:"type"`
	Provider string       `json:"provider"`
	Budget   money.Amount `json:"budget"`
	Spent    money.Amount `json:"spent"`
	StartOn  string       `json:"start_on"`
	EndOn    string       `json:"end_on"`
}

// ListProjects lists the projects of region (and the regions inside it), of one year when
// year is not zero, newest first.
func ListProjects(ctx context.Context, q store.Querier, region string, year int) ([]ProjectSummary, error) {
	scope, args := store.CodePrefix("p.region", scopePrefix(region))
	rows, err := q.Query(ctx, `SELECT p.id, p.region, p.year, p.name, p.type, p.provider, p.budget, p.start_on, p.end_on,
		(SELECT COALESCE(SUM(amount), 0) FROM prevention_spending s WHERE s.project_id = p.id)
		FROM prevention_projects p WHERE `+scope+` AND (? = 0 OR p.year = ?) ORDER BY p.start_on DESC, p.id DESC`,
		append(args, year, year)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProjectSummary
	for rows.Next() {
		var p ProjectSummary
		var budget, spent int64
		if err := rows.Scan(&p.ID, &p.Region, &p.Year, &p.Name, &p.Type, &p.Provider, &budget, &p.StartOn, &p.EndOn, &spent); err != nil {
			return nil, err
		}
		p.Budget, p.Spent = money.Amount(budget), money.Amount(spent)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Spending is one recorded spending of a project with its ledger posting.
type Spending struct {
	ID        int64        `json:"id"`
	SpentOn   string       `json:"spent_on"`
	Amount    money.Amount `json:"amount"`
	Training  bool         `json:"training"`
	Flagged   bool         `json:"flagged"`
	PostingID int64        `json:"posting_id"`
	Memo      string       `json:"memo"`
	CreatedBy string       `json:"created_by"`
}

// ProjectSpending lists a project's spendings, oldest first.
func ProjectSpending(ctx context.Context, q store.Querier, projectID int64) ([]Spending, error) {
	rows, err := q.Query(ctx, `SELECT id, spent_on, amount, training, flagged, posting_id, memo, created_by FROM prevention_spending
		WHERE project_id = ? ORDER BY spent_on, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Spending
	for rows.Next() {
		var s Spending
		var amt int64
		var tr, fl int
		if err := rows.Scan(&s.ID, &s.SpentOn, &amt, &tr, &fl, &s.PostingID, &s.Memo, &s.CreatedBy); err != nil {
			return nil, err
		}
		s.Amount, s.Training, s.Flagged = money.Amount(amt), tr == 1, fl == 1
		out = append(out, s)
	}
	return out, rows.Err()
}

// ProjectParticipants lists the workers a project reached, by employer and ID number.
func ProjectParticipants(ctx context.Context, q store.Querier, projectID int64) ([]Participant, error) {
	rows, err := q.Query(ctx, `SELECT id_number, uscc, certificate FROM prevention_participants WHERE project_id = ? ORDER BY uscc, id_number`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var p Participant
		if err := rows.Scan(&p.IDNumber, &p.USCC, &p.Certificate); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ListInstitutions lists the rehabilitation agreement institutions of region, by code.
func ListInstitutions(ctx context.Context, q store.Querier, region string) ([]Institution, error) {
	scope, args := store.CodePrefix("region", scopePrefix(region))
	rows, err := q.Query(ctx, `SELECT code, name, region, private, capacity FROM rehab_institutions WHERE `+scope+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Institution
	for rows.Next() {
		var in Institution
		var priv int
		if err := rows.Scan(&in.Code, &in.Name, &in.Region, &priv, &in.Capacity); err != nil {
			return nil, err
		}
		in.Private = priv == 1
		out = append(out, in)
	}
	return out, rows.Err()
}

// RegionSuspects lists the suspected occupational-disease cases of the employers of region,
// open ones first. Errors: forbidden (health data).
func RegionSuspects(ctx context.Context, q store.Querier, v Viewer, region string) ([]Suspect, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return nil, err
	}
	scope, args := store.CodePrefix("m.region", scopePrefix(region))
	rows, err := q.Query(ctx, `SELECT s.id, s.exam_id, s.id_number, s.uscc, s.disease, s.state, s.flagged_on, s.measure, COALESCE(s.claim_no, ''), s.version
		FROM suspected_od s JOIN employers m ON m.uscc = s.uscc WHERE `+scope+`
		ORDER BY CASE WHEN s.state IN ('flagged', 'diagnosing') THEN 0 ELSE 1 END, s.flagged_on, s.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Suspect
	for rows.Next() {
		s, err := scanSuspect(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// EmployerExams lists the examinations of an employer's workers, newest first, for the
// surveillance page. Errors: forbidden (health data).
func EmployerExams(ctx context.Context, q store.Querier, v Viewer, uscc string) ([]Exam, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT e.id, e.id_number, e.uscc, e.kind, e.exam_on, e.institution, e.hazards, e.result, e.findings, COALESCE(s.disease, '')
		FROM health_exams e LEFT JOIN suspected_od s ON s.exam_id = e.id WHERE e.uscc = ? ORDER BY e.exam_on DESC, e.id DESC LIMIT 500`, uscc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exam
	for rows.Next() {
		var e Exam
		var hz string
		if err := rows.Scan(&e.ID, &e.IDNumber, &e.USCC, &e.Kind, &e.ExamOn, &e.Institution, &hz, &e.Result, &e.Findings, &e.Disease); err != nil {
			return nil, err
		}
		if hz != "" {
			e.Hazards = strings.Split(hz, ",")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// HistoryEvent is one dated event of a worker's history.
type HistoryEvent struct {
	On     string       `json:"on"`   // YYYY-MM-DD, or YYYY-MM for a monthly payment
	Kind   string       `json:"kind"` // exam | suspect | injury | rehab | return | payment
	Ref    string       `json:"ref"`  // the exam, case, claim number or payment item
	Detail string       `json:"detail"`
	Amount money.Amount `json:"amount,omitempty"`
}

// WorkerHistory is a worker's prevention, treatment, rehabilitation and compensation history
// as one story (spec: "a worker's prevention, treatment, rehabilitation and compensation
// history as one story"): examinations and suspected cases, injuries (claims), rehabilitation
// cases, the return to work and benefit payments, oldest first. Examination findings and the
// injury summary are health data, so the whole history is behind the rule. Errors: forbidden.
func WorkerHistory(ctx context.Context, q store.Querier, v Viewer, idNumber string) ([]HistoryEvent, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return nil, err
	}
	var out []HistoryEvent
	add := func(query string, scan func(sc func(...any) error) (HistoryEvent, error)) error {
		rows, err := q.Query(ctx, query, idNumber)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scan(rows.Scan)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	}
	err := add(`SELECT id, exam_on, kind, result, findings FROM health_exams WHERE id_number = ?`, func(sc func(...any) error) (HistoryEvent, error) {
		var id int64
		var e HistoryEvent
		var kind, result, findings string
		err := sc(&id, &e.On, &kind, &result, &findings)
		e.Kind, e.Ref, e.Detail = "exam", kind, result+": "+findings
		return e, err
	})
	if err == nil {
		err = add(`SELECT id, flagged_on, disease, state, COALESCE(claim_no, '') FROM suspected_od WHERE id_number = ?`, func(sc func(...any) error) (HistoryEvent, error) {
			var id int64
			var e HistoryEvent
			var disease, state, claim string
			err := sc(&id, &e.On, &disease, &state, &claim)
			e.Kind, e.Ref, e.Detail = "suspect", state, disease+" "+claim
			return e, err
		})
	}
	if err == nil {
		err = add(`SELECT claim_no, injury_at, uscc FROM claims WHERE id_number = ?`, func(sc func(...any) error) (HistoryEvent, error) {
			var e HistoryEvent
			var at, uscc string
			err := sc(&e.Ref, &at, &uscc)
			e.Kind, e.On, e.Detail = "injury", at[:min(10, len(at))], uscc
			return e, err
		})
	}
	if err == nil {
		err = add(`SELECT id, opened_on, state, COALESCE(closed_on, ''), COALESCE(returned_on, ''), return_to_work FROM rehab_cases WHERE worker_id = ?`,
			func(sc func(...any) error) (HistoryEvent, error) {
				var e HistoryEvent
				var id int64
				var state, closedOn, returnedOn, rtw string
				err := sc(&id, &e.On, &state, &closedOn, &returnedOn, &rtw)
				e.Kind, e.Ref, e.Detail = "rehab", strconv.FormatInt(id, 10), state
				if rtw != "" {
					on := returnedOn
					if on == "" {
						on = closedOn
					}
					out = append(out, HistoryEvent{On: on, Kind: "return", Ref: e.Ref, Detail: rtw})
				}
				return e, err
			})
	}
	if err == nil {
		err = add(`SELECT month, item, amount FROM payments WHERE id_number = ?`, func(sc func(...any) error) (HistoryEvent, error) {
			var e HistoryEvent
			var amt int64
			err := sc(&e.On, &e.Ref, &amt)
			e.Kind, e.Amount = "payment", money.Amount(amt)
			return e, err
		})
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].On < out[j].On })
	return out, nil
}
