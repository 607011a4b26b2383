package caseui

import (
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/ui/alertblock"
	"wiis/internal/web"
)

// proposalQueue is the benefits reviewer's queue: proposals awaiting review, or decided ones.
func (h *handlers) proposalQueue(w http.ResponseWriter, r *http.Request) error {
	state := casework.ProposalState(r.URL.Query().Get("state"))
	if state != casework.ProposalApproved && state != casework.ProposalRejected {
		state = casework.ProposalProposed
	}
	ps, err := h.cases(r).ProposalQueue(r.Context(), web.CurrentUser(r).Region, state)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "case_proposals", map[string]any{"Proposals": ps, "State": string(state),
		"States": []casework.ProposalState{casework.ProposalProposed, casework.ProposalApproved, casework.ProposalRejected}})
	return nil
}

func (h *handlers) loadProposal(r *http.Request) (casework.Proposal, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return casework.Proposal{}, err
	}
	p, err := h.cases(r).Proposal(r.Context(), id)
	if err != nil {
		return p, casework.AppErr(err)
	}
	return p, inScope(r, p.Region)
}

func (h *handlers) proposalPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadProposal(r)
	if err != nil {
		return err
	}
	return h.renderProposal(w, r, http.StatusOK, p, nil, nil)
}

func (h *handlers) renderProposal(w http.ResponseWriter, r *http.Request, status int, p casework.Proposal, form, errs map[string]string) error {
	u := web.CurrentUser(r)
	alerts, err := alertblock.Load(r.Context(), h.db, u, p.WorkerID, p.EmployerUSCC)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "case_proposal", map[string]any{"P": p, "Alerts": alerts, "Form": form, "Errors": errs, "Notice": notice(r),
		"CanDecide": p.State == casework.ProposalProposed && u.Has("benefits_reviewer"), "Own": p.ProposedBy == u.Username})
	return nil
}

// proposalDecide approves or rejects; the proposer cannot (four-eyes) and a stale version is
// a conflict shown on the page.
func (h *handlers) proposalDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadProposal(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	form := map[string]string{"note": strings.TrimSpace(r.PostFormValue("note"))}
	err = func() error {
		v, err := version(r.PostFormValue("version"))
		if err != nil {
			return err
		}
		var approve bool
		switch r.PostFormValue("decision") {
		case "approve":
			approve = true
		case "reject":
		default:
			return apperr.Invalidf("decision", "case.err.decision")
		}
		_, err = h.cases(r).DecideProposal(r.Context(), web.CurrentUser(r).Username, p.ID, v, approve, form["note"])
		return err
	}()
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		if fresh, lerr := h.cases(r).Proposal(r.Context(), p.ID); lerr == nil {
			p = fresh
		}
		return h.renderProposal(w, r, http.StatusUnprocessableEntity, p, form, errs)
	}
	return done(w, r, "/casework/proposals/"+strconv.FormatInt(p.ID, 10), "case.ok.decided")
}
