package caseui

import (
	"net/http"
	"strconv"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/medical/medsvc"
	"wiis/internal/web"
)

// ActionRequest is one transition of a case through the API: the action's name (as on the
// case page's forms), the version the caller read, the day it happened (empty: today) and the
// action's fields, e.g. {"action":"decide","version":7,"fields":{"article":"14","item":"1","reasons":"…"}}.
type ActionRequest struct {
	Action  string            `json:"action"`
	Version int               `json:"version"`
	On      string            `json:"on,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (a ActionRequest) get(k string) string { return a.Fields[k] }

// DecisionRequest approves or rejects a proposal read at Version.
type DecisionRequest struct {
	Version int    `json:"version"`
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// DeadlinesAnswer is the deadlines view as JSON.
type DeadlinesAnswer struct {
	On     string                      `json:"on"`
	By     string                      `json:"by"`
	Counts []caseservice.DeadlineCount `json:"counts"`
	Items  []caseservice.DeadlineItem  `json:"items"`
}

func (h *handlers) apiRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/determinations", Perm: PermDetRead, Handler: h.apiDetList,
			API: &web.APIDoc{Summary: "工伤认定案件列表 / Determination cases",
				Description: "Query: state, status (due, due_soon, overdue), handler, page. Each row's worker_id is masked (3415**********123X); worker_ref names the worker for GET /api/v1/persons/{ref} (audited), and GET /api/v1/determinations/{id} answers the case with the full number.",
				Response:    CaseList{}}},
		{Method: "POST", Pattern: "/api/v1/determinations", Perm: PermDet, Handler: h.apiDetOpen,
			API: &web.APIDoc{Summary: "由事故快报或受理单开立认定案件 / Open a determination from an accident report or ticket",
				Request: caseservice.AccidentReport{}, Response: casework.Determination{}, Status: http.StatusCreated}},
		{Method: "GET", Pattern: "/api/v1/determinations/{id}", Perm: PermDetRead, Views: "determination.view", Handler: h.apiDet,
			API: &web.APIDoc{Summary: "工伤认定案件 / A determination case", Response: casework.Determination{}}},
		{Method: "POST", Pattern: "/api/v1/determinations/{id}/actions", Perm: PermDet, Handler: h.apiDetAct,
			API: &web.APIDoc{Summary: "认定案件办理 / Act on a determination", Description: "Actions: request_material, receive_material, notice_missing, accept, refuse, withdraw, investigate, suspend, resume, decide, deliver, screen_rehab. A stale version answers 409.",
				Request: ActionRequest{}, Response: casework.Determination{}}},
		{Method: "GET", Pattern: "/api/v1/assessments/{id}", Perm: PermAsmtRead, Views: "assessment.view", Handler: h.apiAsmt,
			API: &web.APIDoc{Summary: "劳动能力鉴定案件 / An assessment case", Response: casework.Assessment{}}},
		{Method: "POST", Pattern: "/api/v1/assessments/{id}/actions", Perm: PermAsmt, Handler: h.apiAsmtAct,
			API: &web.APIDoc{Summary: "鉴定案件办理 / Act on an assessment", Description: "Actions: notice_missing, confirm_materials, draw, extend, conclude, deliver, terminate, screen_rehab.",
				Request: ActionRequest{}, Response: casework.Assessment{}}},
		{Method: "GET", Pattern: "/api/v1/assessments/{id}/draws", Perm: PermDraws, Handler: h.apiDraws,
			API: &web.APIDoc{Summary: "专家抽取记录 / Recorded expert draws (seed, candidates, panel)", Response: []caseservice.StoredDraw{}}},
		{Method: "GET", Pattern: "/api/v1/deadlines", Perm: PermDeadlines, Handler: h.apiDeadlines,
			API: &web.APIDoc{Summary: "办理时限 / Deadlines: due, due soon, overdue", Description: "Query: by (handler, team, region), team, handler.", Response: DeadlinesAnswer{}}},
		{Method: "GET", Pattern: "/api/v1/proposals", Perm: PermBenefits, Handler: h.apiProposals,
			API: &web.APIDoc{Summary: "待遇核定待审队列 / Benefit proposals awaiting review",
				Description: "Each proposal's worker_id is masked (3415**********123X); worker_ref names the worker for GET /api/v1/persons/{ref} (audited), and GET /api/v1/proposals/{id} answers the proposal with the full number.",
				Response:    []ProposalRow{}}},
		{Method: "GET", Pattern: "/api/v1/proposals/{id}", Perm: PermProposalRead, Views: "proposal.view", Handler: h.apiProposal,
			API: &web.APIDoc{Summary: "待遇核定方案 / A benefit proposal", Response: casework.Proposal{}}},
		{Method: "POST", Pattern: "/api/v1/proposals/{id}/decision", Perm: PermBenefits, Handler: h.apiDecide,
			API: &web.APIDoc{Summary: "审核待遇方案（双人复核）/ Approve or reject a proposal (four-eyes)", Request: DecisionRequest{}, Response: casework.Proposal{}}},
		{Method: "POST", Pattern: "/api/v1/bills", Perm: PermBillSubmit, Handler: h.apiBillSubmit,
			API: &web.APIDoc{Summary: "联网结算提交医疗费单据 / Submit a bill by direct settlement", Description: "Hospitals call this with an API token (Authorization: Bearer wiis_…). Each line is audited; doubtful lines wait for the medical auditor.",
				Request: medsvc.BillInput{}, Response: medsvc.Bill{}, Status: http.StatusCreated}},
		{Method: "GET", Pattern: "/api/v1/bills/{id}", Perm: PermBillSubmit, Views: "bill.view", Handler: h.apiBill,
			API: &web.APIDoc{Summary: "医疗费单据及逐行审核结果 / A bill with each line's verdict", Response: medsvc.Bill{}}},
		{Method: "GET", Pattern: "/api/v1/advances/{id}", Perm: PermAdvance, Views: "advance.view", Handler: h.apiAdv,
			API: &web.APIDoc{Summary: "先行支付案件与追偿台账 / An advance payment and its recovery ledger", Response: casework.Advance{}}},
		{Method: "POST", Pattern: "/api/v1/advances/{id}/actions", Perm: PermAdvance, Handler: h.apiAdvAct,
			API: &web.APIDoc{Summary: "先行支付办理 / Act on an advance", Description: "Actions: notify_employer, employer_paid, reject, advance, demand, recover, propose_write_off, approve_write_off (a second person).",
				Request: ActionRequest{}, Response: casework.Advance{}}},
	}
}

func (h *handlers) apiDetList(w http.ResponseWriter, r *http.Request) error {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	f := h.listFilter(r, pager{Page: max(page, 1)})
	res, err := h.cases(r).ListCases(r.Context(), caseservice.EntityDetermination, f)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.caseListAnswer(res))
}

func (h *handlers) apiDetOpen(w http.ResponseWriter, r *http.Request) error {
	var rep caseservice.AccidentReport
	if err := web.DecodeJSON(r, &rep); err != nil {
		return err
	}
	if rep.Region == "" {
		rep.Region = web.CurrentUser(r).Region
	}
	if !web.CurrentUser(r).Sees(rep.Region) {
		return apperr.Invalidf("region", "case.err.region")
	}
	if rep.ReceivedOn.IsZero() {
		rep.ReceivedOn = h.today()
	}
	c, err := h.cases(r).OpenFromReport(r.Context(), web.CurrentUser(r).Username, rep)
	if err != nil {
		return casework.AppErr(err)
	}
	return web.WriteJSON(w, http.StatusCreated, c)
}

func (h *handlers) apiDet(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadDet(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, c)
}

// decodeAction reads an ActionRequest and its day.
func (h *handlers) decodeAction(r *http.Request) (ActionRequest, casework.Date, error) {
	var req ActionRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return req, casework.Date{}, err
	}
	on, err := h.formDate(req.On, "on")
	return req, on, err
}

func (h *handlers) apiDetAct(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadDet(r)
	if err != nil {
		return err
	}
	req, on, err := h.decodeAction(r)
	if err != nil {
		return err
	}
	a, err := detAction(req.Action, on, req.get)
	if err != nil {
		return err
	}
	c, err = h.cases(r).ActOnDetermination(r.Context(), web.CurrentUser(r).Username, c.ID, req.Version, a)
	if err != nil {
		return casework.AppErr(err)
	}
	return web.WriteJSON(w, http.StatusOK, c)
}

func (h *handlers) apiAsmt(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, c)
}

func (h *handlers) apiAsmtAct(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	req, on, err := h.decodeAction(r)
	if err != nil {
		return err
	}
	svc, actor := h.cases(r), web.CurrentUser(r).Username
	if req.Action == "draw" {
		c, err = svc.DrawPanel(r.Context(), actor, c.ID, req.Version, on)
	} else {
		var a casework.AsmtAction
		if a, err = asmtAction(req.Action, on, req.get); err != nil {
			return err
		}
		c, err = svc.ActOnAssessment(r.Context(), actor, c.ID, req.Version, a)
	}
	if err != nil {
		return casework.AppErr(err)
	}
	return web.WriteJSON(w, http.StatusOK, c)
}

func (h *handlers) apiDraws(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	ds, err := h.cases(r).Draws(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []caseservice.StoredDraw{}
	}
	return web.WriteJSON(w, http.StatusOK, ds)
}

func (h *handlers) apiDeadlines(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	by := caseservice.Group(q.Get("by"))
	if by == "" {
		by = caseservice.ByHandler
	}
	f := caseservice.Filter{Region: web.CurrentUser(r).Region, Team: q.Get("team"), Handler: q.Get("handler")}
	on := h.today()
	svc := h.cases(r)
	counts, err := svc.DeadlineCounts(r.Context(), f, on, by)
	if err != nil {
		return casework.AppErr(err)
	}
	items, err := svc.Deadlines(r.Context(), f, on)
	if err != nil {
		return err
	}
	if counts == nil {
		counts = []caseservice.DeadlineCount{}
	}
	if items == nil {
		items = []caseservice.DeadlineItem{}
	}
	return web.WriteJSON(w, http.StatusOK, DeadlinesAnswer{On: on.String(), By: string(by), Counts: counts, Items: items})
}

func (h *handlers) apiProposals(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.cases(r).ProposalQueue(r.Context(), web.CurrentUser(r).Region, casework.ProposalProposed)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, h.proposalRows(ps))
}

func (h *handlers) apiProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadProposal(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

func (h *handlers) apiDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := h.loadProposal(r)
	if err != nil {
		return err
	}
	var req DecisionRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	p, err = h.cases(r).DecideProposal(r.Context(), web.CurrentUser(r).Username, p.ID, req.Version, req.Approve, req.Note)
	if err != nil {
		return casework.AppErr(err)
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

func (h *handlers) apiBillSubmit(w http.ResponseWriter, r *http.Request) error {
	var in medsvc.BillInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	det, err := h.cases(r).Determination(r.Context(), in.DeterminationID)
	if err != nil {
		return apperr.Invalidf("determination_id", "case.err.no_case")
	}
	if !web.CurrentUser(r).Sees(det.Region) {
		return apperr.Invalidf("determination_id", "case.err.no_case")
	}
	b, err := h.medical(r).SubmitBill(r.Context(), web.CurrentUser(r).Username, in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, b)
}

func (h *handlers) apiBill(w http.ResponseWriter, r *http.Request) error {
	b, err := h.loadBill(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, b)
}

func (h *handlers) apiAdv(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAdv(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, c)
}

func (h *handlers) apiAdvAct(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAdv(r)
	if err != nil {
		return err
	}
	req, on, err := h.decodeAction(r)
	if err != nil {
		return err
	}
	a, err := advAction(req.Action, on, req.get)
	if err != nil {
		return err
	}
	c, err = h.cases(r).ActOnAdvance(r.Context(), web.CurrentUser(r).Username, c.ID, req.Version, a)
	if err != nil {
		return casework.AppErr(err)
	}
	return web.WriteJSON(w, http.StatusOK, c)
}
