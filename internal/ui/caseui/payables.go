package caseui

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/casework/caseservice"
	"wiis/internal/money"
	"wiis/internal/web"
)

// The permissions of lump-sum payment (security.md: four-eyes, authority limits by amount).
var (
	// PermPayRead lists and reads the lump sums the fund owes.
	PermPayRead = auth.NewPerm("payment.lumpsum.read", auth.PaymentOfficer, auth.FundOfficer, auth.BenefitsReviewer)
	// PermPayPrepare prepares a payment (payee, account) and pays an approved one.
	PermPayPrepare = auth.NewPerm("payment.lumpsum.prepare", auth.PaymentOfficer)
	// PermPayApprove approves or rejects a prepared payment, within the approver's limit.
	PermPayApprove = auth.NewPerm("payment.lumpsum.approve", auth.PaymentOfficer, auth.FundOfficer)
	// PermPayReverse corrects a payment by a reversing ledger entry.
	PermPayReverse = auth.NewPerm("payment.lumpsum.reverse", auth.FundOfficer)
)

// PrepareRequest prepares payable read at Version for payment.
type PrepareRequest struct {
	Version int `json:"version"`
	caseservice.PaymentDetails
}

// PayRequest pays an approved payable read at Version on PaidOn (empty: today).
type PayRequest struct {
	Version int    `json:"version"`
	PaidOn  string `json:"paid_on,omitempty"`
}

// ReverseRequest reverses a paid payable read at Version, dated On (empty: today).
type ReverseRequest struct {
	Version int    `json:"version"`
	On      string `json:"on,omitempty"`
	Reason  string `json:"reason"`
}

func roleCodes(u *auth.User) []string {
	out := make([]string, 0, len(u.Roles))
	for _, r := range u.Roles {
		out = append(out, string(r))
	}
	return out
}

// payables lists the payables of the user's offices in a state (default: to prepare).
func (h *handlers) payables(w http.ResponseWriter, r *http.Request) error {
	state := r.URL.Query().Get("state")
	if !slices.Contains(caseservice.PayableStates, state) {
		state = caseservice.PayableOpen
	}
	list, err := h.cases(r).Payables(r.Context(), web.CurrentUser(r).Region, state)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "case_payables", map[string]any{"Payables": list, "State": state, "States": caseservice.PayableStates})
	return nil
}

func (h *handlers) loadPayable(r *http.Request) (caseservice.Payable, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return caseservice.Payable{}, err
	}
	b, err := h.cases(r).Payable(r.Context(), id)
	if err != nil {
		return b, err
	}
	return b, inScope(r, b.Region)
}

func (h *handlers) payablePage(w http.ResponseWriter, r *http.Request) error {
	b, err := h.loadPayable(r)
	if err != nil {
		return err
	}
	return h.renderPayable(w, r, http.StatusOK, b, nil, nil)
}

func (h *handlers) renderPayable(w http.ResponseWriter, r *http.Request, code int, b caseservice.Payable, form, errs map[string]string) error {
	u := web.CurrentUser(r)
	limits, err := caseservice.Authority(r.Context(), h.db, b.Region, h.today().String())
	if err != nil {
		return err
	}
	h.s.Render(w, r, code, "case_payable", map[string]any{"B": b, "Form": form, "Errors": errs, "Notice": notice(r),
		"CanPrepare": b.Status == caseservice.PayableOpen && u.Has(auth.PaymentOfficer),
		"CanDecide":  b.Status == caseservice.PayablePrepared && (u.Has(auth.PaymentOfficer) || u.Has(auth.FundOfficer)),
		"CanPay":     b.Status == caseservice.PayableApproved && u.Has(auth.PaymentOfficer),
		"CanReverse": b.Status == caseservice.PayablePaid && u.Has(auth.FundOfficer),
		"Own":        b.PreparedBy == u.Username, "Limits": limitList(limits)})
	return nil
}

// roleLimit is one role's authority limit, for the payable page.
type roleLimit struct {
	Role  auth.Role
	Limit money.Amount
}

func limitList(limits map[string]money.Amount) []roleLimit {
	out := make([]roleLimit, 0, len(limits))
	for r, l := range limits {
		out = append(out, roleLimit{auth.Role(r), l})
	}
	slices.SortFunc(out, func(a, b roleLimit) int { return cmp.Compare(a.Limit, b.Limit) })
	return out
}

// payableAct runs one step of a payable from its page's forms; refusals (invalid, a stale
// version, four-eyes, the authority limit) are shown on the page with the user's input.
func (h *handlers) payableAct(step string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		b, err := h.loadPayable(r)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalidf("body", "error.bad_form")
		}
		form := map[string]string{}
		for _, k := range []string{"payee", "bank_account", "note", "reason", "paid_on", "on"} {
			form[k] = strings.TrimSpace(r.PostFormValue(k))
		}
		err = func() error {
			v, err := version(r.PostFormValue("version"))
			if err != nil {
				return err
			}
			s, u := h.cases(r), web.CurrentUser(r)
			switch step {
			case "prepare":
				_, err = s.PreparePayable(r.Context(), u.Username, b.ID, v, caseservice.PaymentDetails{Payee: form["payee"], BankAccount: form["bank_account"]})
			case "decide":
				switch r.PostFormValue("decision") {
				case "approve", "reject":
				default:
					return apperr.Invalidf("decision", "case.err.decision")
				}
				_, err = s.DecidePayable(r.Context(), u.Username, roleCodes(u), b.ID, v, r.PostFormValue("decision") == "approve", form["note"])
			case "pay":
				on, derr := h.formDate(form["paid_on"], "paid_on")
				if derr != nil {
					return derr
				}
				_, err = s.PayPayable(r.Context(), u.Username, b.ID, v, on)
			case "reverse":
				on, derr := h.formDate(form["on"], "on")
				if derr != nil {
					return derr
				}
				_, err = s.ReversePayable(r.Context(), u.Username, b.ID, v, on, form["reason"])
			}
			return err
		}()
		if err == nil {
			return done(w, r, "/payments/lumpsum/"+strconv.FormatInt(b.ID, 10), "case.ok.pay_"+step)
		}
		e := apperr.As(err)
		code := http.StatusUnprocessableEntity
		var errs map[string]string
		switch e.Code {
		case apperr.Invalid:
			if errs, err = web.FieldErrors(r, e); err != nil {
				return err
			}
		case apperr.Conflict, apperr.Forbidden:
			code = http.StatusConflict
			if e.Code == apperr.Forbidden {
				code = http.StatusForbidden
			}
			errs = map[string]string{"_": web.T(web.Lang(r), e.Message, e.Args...)}
		default:
			return err
		}
		if fresh, lerr := h.cases(r).Payable(r.Context(), b.ID); lerr == nil {
			b = fresh
		}
		return h.renderPayable(w, r, code, b, form, errs)
	}
}

func (h *handlers) apiPayables(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cases(r).Payables(r.Context(), web.CurrentUser(r).Region, r.URL.Query().Get("state"))
	if err != nil {
		return err
	}
	return writeList(w, h.payableRows(list), nil)
}

func (h *handlers) apiPayable(w http.ResponseWriter, r *http.Request) error {
	b, err := h.loadPayable(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (h *handlers) apiPayPrepare(r *http.Request, b caseservice.Payable, req PrepareRequest) (caseservice.Payable, error) {
	return h.cases(r).PreparePayable(r.Context(), web.CurrentUser(r).Username, b.ID, req.Version, req.PaymentDetails)
}

func (h *handlers) apiPayDecide(r *http.Request, b caseservice.Payable, req DecisionRequest) (caseservice.Payable, error) {
	u := web.CurrentUser(r)
	return h.cases(r).DecidePayable(r.Context(), u.Username, roleCodes(u), b.ID, req.Version, req.Approve, req.Note)
}

func (h *handlers) apiPay(r *http.Request, b caseservice.Payable, req PayRequest) (caseservice.Payable, error) {
	on, err := h.formDate(req.PaidOn, "paid_on")
	if err != nil {
		return b, err
	}
	return h.cases(r).PayPayable(r.Context(), web.CurrentUser(r).Username, b.ID, req.Version, on)
}

func (h *handlers) apiPayReverse(r *http.Request, b caseservice.Payable, req ReverseRequest) (caseservice.Payable, error) {
	on, err := h.formDate(req.On, "on")
	if err != nil {
		return b, err
	}
	return h.cases(r).ReversePayable(r.Context(), web.CurrentUser(r).Username, b.ID, req.Version, on, req.Reason)
}

// payableRoutes are the pages and API calls of lump-sum payment.
func (h *handlers) payableRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/payments/lumpsum", Perm: PermPayRead, Handler: h.payables, Nav: "case.nav.payables"},
		{Method: "GET", Pattern: "/payments/lumpsum/{id}", Perm: PermPayRead, Views: "payable.view", Handler: h.payablePage},
		{Method: "POST", Pattern: "/payments/lumpsum/{id}/prepare", Perm: PermPayPrepare, Handler: h.payableAct("prepare")},
		{Method: "POST", Pattern: "/payments/lumpsum/{id}/decide", Perm: PermPayApprove, Handler: h.payableAct("decide")},
		{Method: "POST", Pattern: "/payments/lumpsum/{id}/pay", Perm: PermPayPrepare, Handler: h.payableAct("pay")},
		{Method: "POST", Pattern: "/payments/lumpsum/{id}/reverse", Perm: PermPayReverse, Handler: h.payableAct("reverse")},
		{Method: "GET", Pattern: "/api/v1/payables", Perm: PermPayRead, Handler: h.apiPayables,
			API: &web.APIDoc{Summary: "一次性待遇支付列表 / Lump sums the fund owes",
				Description: "Query: state (payable, prepared, approved, paid). Each payable's id_number and bank_account are masked (3415**********123X, 6222********1234); person_ref names the worker for GET /api/v1/persons/{ref} (audited), and GET /api/v1/payables/{id} answers the payable with the full values.",
				Response:    []PayableRow{}}},
		{Method: "GET", Pattern: "/api/v1/payables/{id}", Perm: PermPayRead, Views: "payable.view", Handler: h.apiPayable,
			API: &web.APIDoc{Summary: "一次性待遇 / A lump-sum payable", Response: caseservice.Payable{}}},
		{Method: "POST", Pattern: "/api/v1/payables/{id}/prepare", Perm: PermPayPrepare, Handler: jsonStep(h.loadPayable, h.apiPayPrepare),
			API: &web.APIDoc{Summary: "支付经办 / Prepare a payment (payee, bank account)", Request: PrepareRequest{}, Response: caseservice.Payable{}}},
		{Method: "POST", Pattern: "/api/v1/payables/{id}/decide", Perm: PermPayApprove, Handler: jsonStep(h.loadPayable, h.apiPayDecide),
			API: &web.APIDoc{Summary: "支付审批 / Approve or reject a prepared payment",
				Description: "The preparer cannot approve (403); the approver's authority limit (policy payment_authority) must cover the amount (403 naming both).",
				Request:     DecisionRequest{}, Response: caseservice.Payable{}}},
		{Method: "POST", Pattern: "/api/v1/payables/{id}/pay", Perm: PermPayPrepare, Handler: jsonStep(h.loadPayable, h.apiPay),
			API: &web.APIDoc{Summary: "支付 / Pay an approved payable (payments row and ledger posting)", Description: "A second pay answers 409.",
				Request: PayRequest{}, Response: caseservice.Payable{}}},
		{Method: "POST", Pattern: "/api/v1/payables/{id}/reverse", Perm: PermPayReverse, Handler: jsonStep(h.loadPayable, h.apiPayReverse),
			API: &web.APIDoc{Summary: "冲正 / Reverse a payment by a reversing ledger entry", Request: ReverseRequest{}, Response: caseservice.Payable{}}},
	}
}
