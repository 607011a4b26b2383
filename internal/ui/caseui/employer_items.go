package caseui

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/casework/caseservice"
	"wiis/internal/supervise"
	"wiis/internal/supervise/supstore"
	"wiis/internal/web"
)

// PermEmployerItems lists employer-paid items and records their payment or referral: the
// benefits reviewer and the teller (who receives the employer's evidence at the counter).
var PermEmployerItems = auth.NewPerm("casework.employer_items", auth.BenefitsReviewer, auth.Teller)

// PermItemRefer refers an overdue item to the labour inspectorate, opening the supervision
// referral: the case officers who may open referrals (internal/ui/supui).
var PermItemRefer = auth.NewPerm("casework.employer_items.refer", auth.BenefitsReviewer)

// itemStates are the filters of the employer items list.
var itemStates = []string{caseservice.ItemDue, caseservice.ItemOverdue, caseservice.ItemReferred, caseservice.ItemPaid}

// EmployerPaymentRequest records an employer's payment of an item read at Version (0 while
// nothing is recorded).
type EmployerPaymentRequest struct {
	Version  int    `json:"version"`
	PaidOn   string `json:"paid_on"`
	Evidence string `json:"evidence"`
}

// EmployerReferralRequest marks an overdue item referred, naming the supervision referral
// when one was opened.
type EmployerReferralRequest struct {
	Version    int   `json:"version"`
	ReferralID int64 `json:"referral_id,omitempty"`
}

// obligations lists employer-paid items with their status: one employer's by credit code
// (?uscc=), otherwise every item of the user's offices in a status (?status=).
func (h *handlers) obligations(w http.ResponseWriter, r *http.Request) error {
	return h.renderObligations(w, r, http.StatusOK, nil)
}

func (h *handlers) renderObligations(w http.ResponseWriter, r *http.Request, code int, errs map[string]string) error {
	uscc := strings.TrimSpace(r.URL.Query().Get("uscc"))
	status := r.URL.Query().Get("status")
	if !slices.Contains(itemStates, status) {
		status = ""
	}
	items, err := h.employerItems(r, uscc, status)
	if err != nil {
		return err
	}
	h.s.Render(w, r, code, "case_obligations", map[string]any{"USCC": uscc, "Status": status, "States": itemStates,
		"Items": items, "Errors": errs, "Notice": notice(r), "CanRefer": web.CurrentUser(r).Has(auth.BenefitsReviewer)})
	return nil
}

// employerItems lists the items the user may see.
func (h *handlers) employerItems(r *http.Request, uscc, status string) ([]caseservice.EmployerItem, error) {
	u := web.CurrentUser(r)
	var all []caseservice.EmployerItem
	var err error
	if uscc != "" {
		all, err = h.cases(r).EmployerObligations(r.Context(), uscc)
	} else {
		all, err = h.cases(r).EmployerItemsByStatus(r.Context(), u.Region, "")
	}
	if err != nil {
		return nil, err
	}
	var out []caseservice.EmployerItem
	for _, it := range all {
		if u.Sees(it.Region) && (status == "" || it.Status == status) {
			out = append(out, it)
		}
	}
	return out, nil
}

// loadItem reads the item named by the path; the back office sees its offices' items, the
// employer only its own.
func (h *handlers) loadItem(r *http.Request) (caseservice.EmployerItem, error) {
	pid, err := pathID(r, "proposal")
	if err != nil {
		return caseservice.EmployerItem{}, err
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq <= 0 {
		return caseservice.EmployerItem{}, apperr.NotFoundf("error.not_found")
	}
	it, err := h.cases(r).EmployerItem(r.Context(), pid, seq)
	if err != nil {
		return it, err
	}
	u := web.CurrentUser(r)
	if u.Has(auth.Employer) && !u.Has(auth.BenefitsReviewer) && !u.Has(auth.Teller) {
		if u.EmployerUSCC == "" || u.EmployerUSCC != it.EmployerUSCC {
			return it, apperr.NotFoundf("error.not_found")
		}
		return it, nil
	}
	return it, inScope(r, it.Region)
}

// itemVersion reads the version of an item form: 0 while nothing is recorded.
func itemVersion(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, apperr.Invalidf("version", "case.err.version")
	}
	return n, nil
}

// itemForm runs one step of an item from a page's form: the item is loaded, the form's
// version read, and run does the step; itemDone answers.
func (h *handlers) itemForm(ok string, run func(r *http.Request, it caseservice.EmployerItem, version int) error) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		it, err := h.loadItem(r)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalidf("body", "error.bad_form")
		}
		v, err := itemVersion(r.PostFormValue("version"))
		if err == nil {
			err = run(r, it, v)
		}
		return h.itemDone(w, r, it, err, ok)
	}
}

// obligationPaid records an employer's payment from the back office or the portal.
func (h *handlers) obligationPaid(r *http.Request, it caseservice.EmployerItem, v int) error {
	on, err := h.formDate(r.PostFormValue("paid_on"), "paid_on")
	if err != nil {
		return err
	}
	_, err = h.cases(r).RecordEmployerPayment(r.Context(), web.CurrentUser(r).Username, it.ProposalID, it.Seq, v, on, r.PostFormValue("evidence"))
	return err
}

// obligationRefer marks an overdue item referred to the labour inspectorate: to the referral
// the user names, or to one opened here in the supervision module (from the proposal's
// assessment, the inspectorate given) when none is named.
func (h *handlers) obligationRefer(r *http.Request, it caseservice.EmployerItem, v int) error {
	var ref int64
	if s := strings.TrimSpace(r.PostFormValue("referral_id")); s != "" {
		var err error
		if ref, err = strconv.ParseInt(s, 10, 64); err != nil || ref <= 0 {
			return apperr.Invalidf("referral_id", "case.err.referral_id")
		}
	} else {
		var err error
		if ref, err = h.openReferral(r, it, r.PostFormValue("inspectorate")); err != nil {
			return err
		}
	}
	_, err := h.cases(r).ReferEmployerItem(r.Context(), web.CurrentUser(r).Username, it.ProposalID, it.Seq, v, ref)
	return err
}

// openReferral opens the supervision referral of an overdue item (supstore.Refer) and
// returns its id.
func (h *handlers) openReferral(r *http.Request, it caseservice.EmployerItem, inspectorate string) (int64, error) {
	if it.Status != caseservice.ItemOverdue {
		return 0, apperr.Invalidf("status", "只有逾期未付的项目可以移送 / only an overdue item can be referred")
	}
	if strings.TrimSpace(inspectorate) == "" {
		return 0, apperr.Invalidf("inspectorate", "case.err.inspectorate")
	}
	p, err := h.cases(r).Proposal(r.Context(), it.ProposalID)
	if err != nil {
		return 0, err
	}
	sup := &supstore.Service{DB: h.db, Now: h.now}
	ref, err := sup.Refer(r.Context(), web.ActorOf(r), supervise.NewReferral{SourceKind: supervise.SourceAssessment,
		SourceID: p.AssessmentID, USCC: it.EmployerUSCC, Inspectorate: inspectorate, On: h.today().String(),
		Facts: fmt.Sprintf("用人单位逾期未支付%s %s元（职工%s，待遇方案%d，应于%s前支付）/ employer-paid item overdue",
			it.Name, it.Amount.Grouped(), it.WorkerName, it.ProposalID, it.DueOn)})
	if err != nil {
		return 0, err
	}
	return ref.ID, nil
}

// itemDone goes back to the page the form came from, or shows the refusal on it.
func (h *handlers) itemDone(w http.ResponseWriter, r *http.Request, it caseservice.EmployerItem, err error, ok string) error {
	portal := strings.HasPrefix(r.URL.Path, "/portal/")
	if err == nil {
		if portal {
			return done(w, r, "/portal/injury-cases", ok)
		}
		return done(w, r, "/casework/obligations?uscc="+url.QueryEscape(it.EmployerUSCC), ok)
	}
	e := apperr.As(err)
	if e.Code != apperr.Invalid && e.Code != apperr.Conflict {
		return err
	}
	if portal {
		return err // the error page names the field and the reason
	}
	r.URL.RawQuery = url.Values{"uscc": {it.EmployerUSCC}}.Encode()
	code := http.StatusUnprocessableEntity
	if e.Code == apperr.Conflict {
		code = http.StatusConflict
	}
	return h.renderObligations(w, r, code, map[string]string{"_": web.T(web.Lang(r), e.Message, e.Args...)})
}

func (h *handlers) apiEmployerItems(w http.ResponseWriter, r *http.Request) error {
	items, err := h.employerItems(r, strings.TrimSpace(r.URL.Query().Get("uscc")), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	return writeList(w, h.employerItemRows(items), nil)
}

// writeList answers a list as a JSON array ([] when empty), or the error.
func writeList[T any](w http.ResponseWriter, list []T, err error) error {
	if err != nil {
		return err
	}
	if list == nil {
		list = []T{}
	}
	web.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) apiEmployerPaid(r *http.Request, it caseservice.EmployerItem, req EmployerPaymentRequest) (caseservice.EmployerItem, error) {
	on, err := h.formDate(req.PaidOn, "paid_on")
	if err != nil {
		return it, err
	}
	return h.cases(r).RecordEmployerPayment(r.Context(), web.CurrentUser(r).Username, it.ProposalID, it.Seq, req.Version, on, req.Evidence)
}

func (h *handlers) apiEmployerRefer(r *http.Request, it caseservice.EmployerItem, req EmployerReferralRequest) (caseservice.EmployerItem, error) {
	return h.cases(r).ReferEmployerItem(r.Context(), web.CurrentUser(r).Username, it.ProposalID, it.Seq, req.Version, req.ReferralID)
}

// jsonStep is an API call that loads what the path names, decodes the request, runs the step
// and answers its result as JSON.
func jsonStep[L, Q, R any](load func(*http.Request) (L, error), run func(*http.Request, L, Q) (R, error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		l, err := load(r)
		if err != nil {
			return err
		}
		var req Q
		if err := web.DecodeJSON(r, &req); err != nil {
			return err
		}
		out, err := run(r, l, req)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, out)
		return nil
	}
}

// employerItemRoutes are the pages and API calls of employer-paid items.
func (h *handlers) employerItemRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/casework/obligations", Perm: PermEmployerItems, Handler: h.obligations, Nav: "case.nav.obligations"},
		{Method: "POST", Pattern: "/casework/obligations/{proposal}/{seq}/paid", Perm: PermEmployerItems, Handler: h.itemForm("case.ok.item_paid", h.obligationPaid)},
		{Method: "POST", Pattern: "/casework/obligations/{proposal}/{seq}/refer", Perm: PermItemRefer, Handler: h.itemForm("case.ok.item_referred", h.obligationRefer)},
		{Method: "POST", Pattern: "/portal/injury-cases/obligations/{proposal}/{seq}/paid", Perm: PermEmployerView, Handler: h.itemForm("case.ok.item_paid", h.obligationPaid)},
		{Method: "GET", Pattern: "/api/v1/employer-items", Perm: PermEmployerItems, Handler: h.apiEmployerItems,
			API: &web.APIDoc{Summary: "用人单位应付待遇及支付状态 / Employer-paid items and their status",
				Description: "Query: uscc (one employer), status (due, overdue, referred, paid). Each item's worker_id is masked (3415**********123X) and worker_ref names the worker for GET /api/v1/persons/{ref} (audited).",
				Response:    []EmployerItemRow{}}},
		{Method: "POST", Pattern: "/api/v1/employer-items/{proposal}/{seq}/paid", Perm: PermEmployerItems, Handler: jsonStep(h.loadItem, h.apiEmployerPaid),
			API: &web.APIDoc{Summary: "登记用人单位已支付 / Record an employer's payment", Description: "A stale version answers 409; an item already paid 409.",
				Request: EmployerPaymentRequest{}, Response: caseservice.EmployerItem{}}},
		{Method: "POST", Pattern: "/api/v1/employer-items/{proposal}/{seq}/refer", Perm: PermItemRefer, Handler: jsonStep(h.loadItem, h.apiEmployerRefer),
			API: &web.APIDoc{Summary: "逾期未付移送监察 / Refer an overdue item to the labour inspectorate",
				Request: EmployerReferralRequest{}, Response: caseservice.EmployerItem{}}},
	}
}
