package caseui

import (
	"net/http"

	"wiis/internal/casework/caseservice"
	"wiis/internal/web"
)

// progress is one of a party's cases with its history, for the employer's and worker's views.
type progress struct {
	caseservice.CaseRow
	History []caseservice.StoredEvent
}

// partyCases lists the cases of a worker or an employer (all regions: the party's own cases)
// with their histories.
func (h *handlers) partyCases(r *http.Request, worker, employer string) ([]progress, error) {
	var out []progress
	if worker == "" && employer == "" {
		return out, nil
	}
	svc := h.cases(r)
	for _, entity := range []string{caseservice.EntityDetermination, caseservice.EntityAssessment, caseservice.EntityAdvance} {
		page, err := svc.ListCases(r.Context(), entity, caseservice.ListFilter{WorkerID: worker, EmployerUSCC: employer, On: h.today(), Limit: 50})
		if err != nil {
			return nil, err
		}
		for _, row := range page.Rows {
			hist, err := svc.History(r.Context(), entity, row.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, progress{CaseRow: row, History: hist})
		}
	}
	return out, nil
}

// shortEntity names an entity's state messages (case.det_state.*, …).
var shortEntity = map[string]string{caseservice.EntityDetermination: "det", caseservice.EntityAssessment: "asmt", caseservice.EntityAdvance: "adv"}

// employerView is the employer portal's page: its workers' cases and what it must pay.
func (h *handlers) employerView(w http.ResponseWriter, r *http.Request) error {
	uscc := web.CurrentUser(r).EmployerUSCC
	cases, err := h.partyCases(r, "", uscc)
	if err != nil {
		return err
	}
	var owed []caseservice.EmployerItem
	if uscc != "" {
		if owed, err = h.cases(r).EmployerObligations(r.Context(), uscc); err != nil {
			return err
		}
	}
	h.s.Render(w, r, http.StatusOK, "case_portal", map[string]any{"Who": uscc, "Cases": cases, "Owed": owed, "Employer": true, "Notice": notice(r), "Short": shortEntity})
	return nil
}

// workerView is the worker's own cases.
func (h *handlers) workerView(w http.ResponseWriter, r *http.Request) error {
	id := web.CurrentUser(r).PersonIDNumber
	cases, err := h.partyCases(r, id, "")
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "case_portal", map[string]any{"Who": id, "Cases": cases, "Short": shortEntity})
	return nil
}
