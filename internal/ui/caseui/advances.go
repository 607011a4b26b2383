package caseui

import (
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/money"
	"wiis/internal/web"
)

var advStates = []casework.AdvState{casework.AdvApplied, casework.AdvNotified, casework.AdvAdvanced, casework.AdvSettled, casework.AdvClosed}

func (h *handlers) advList(w http.ResponseWriter, r *http.Request) error {
	return h.caseList(w, r, caseservice.EntityAdvance, "case_adv_list", advStates)
}

func (h *handlers) advNew(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{"applied_on": h.today().String(), "ground": string(casework.GroundUninsuredEmployer),
		"region": web.CurrentUser(r).Region, "handler": web.CurrentUser(r).Username, "determination_id": r.URL.Query().Get("determination")}
	if id, err := strconv.ParseInt(form["determination_id"], 10, 64); err == nil {
		if d, err := h.cases(r).Determination(r.Context(), id); err == nil && web.CurrentUser(r).Sees(d.Region) {
			form["worker_id"], form["employer_uscc"] = d.WorkerID, d.EmployerUSCC
		}
	}
	h.s.Render(w, r, http.StatusOK, "case_adv_new", newAdvData(form, map[string]string{}))
	return nil
}

func newAdvData(form, errs map[string]string) map[string]any {
	return map[string]any{"Form": form, "Errors": errs,
		"Grounds": []string{string(casework.GroundUninsuredEmployer), string(casework.GroundThirdParty)}}
}

func (h *handlers) advCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	form := map[string]string{}
	for _, k := range []string{"region", "team", "handler", "ground", "worker_id", "employer_uscc", "third_party", "applied_on", "reason", "determination_id"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	a := casework.AdvanceApplication{Region: form["region"], Team: form["team"], Handler: form["handler"],
		Ground: casework.AdvGround(form["ground"]), WorkerID: form["worker_id"], EmployerUSCC: form["employer_uscc"],
		ThirdParty: form["third_party"], Reason: form["reason"]}
	a.DeterminationID, _ = strconv.ParseInt(form["determination_id"], 10, 64)
	var c casework.Advance
	var err error
	if a.AppliedOn, err = h.formDate(form["applied_on"], "applied_on"); err == nil {
		if !web.CurrentUser(r).Sees(a.Region) {
			err = apperr.Invalidf("region", "case.err.region")
		} else {
			c, err = h.cases(r).OpenAdvance(r.Context(), web.CurrentUser(r).Username, a)
		}
	}
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		h.s.Render(w, r, http.StatusUnprocessableEntity, "case_adv_new", newAdvData(form, errs))
		return nil
	}
	return done(w, r, "/casework/advances/"+strconv.FormatInt(c.ID, 10), "case.ok.opened")
}

func (h *handlers) loadAdv(r *http.Request) (casework.Advance, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return casework.Advance{}, err
	}
	c, err := h.cases(r).Advance(r.Context(), id)
	if err != nil {
		return c, casework.AppErr(err)
	}
	return c, inScope(r, c.Region)
}

func (h *handlers) advPage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAdv(r)
	if err != nil {
		return err
	}
	return h.renderAdv(w, r, http.StatusOK, c, "", nil, nil)
}

// advSimple and advMoney are the actions the case page offers in each state (the domain
// decides; these only choose which forms to show).
var (
	advSimple = map[casework.AdvState][]string{casework.AdvApplied: {"notify_employer", "reject"}, casework.AdvNotified: {"employer_paid"}}
	advMoney  = map[casework.AdvState][]string{casework.AdvNotified: {"advance"}, casework.AdvApplied: {"advance"},
		casework.AdvAdvanced: {"advance", "demand", "recover", "propose_write_off"}}
)

func (h *handlers) renderAdv(w http.ResponseWriter, r *http.Request, status int, c casework.Advance, failed string, form, errs map[string]string) error {
	hist, err := h.cases(r).History(r.Context(), caseservice.EntityAdvance, c.ID)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
	}
	if form["on"] == "" {
		form["on"] = h.today().String()
	}
	h.s.Render(w, r, status, "case_adv", map[string]any{"C": c, "Ledger": c.Ledger(), "Steps": h.steps(r, c.Region, c.Steps),
		"History": hist, "Failed": failed, "Form": form, "Errors": errs, "Notice": notice(r), "Me": web.CurrentUser(r).Username,
		"Simple": advSimple[c.State], "Money": advMoney[c.State]})
	return nil
}

// advAction builds an advance transition from its name and fields. Errors: invalid.
func advAction(name string, on casework.Date, get func(string) string) (casework.AdvAction, error) {
	at := casework.Act{On: on}
	amount := func() (money.Amount, error) {
		a, err := money.Parse(get("amount"))
		if err != nil {
			return 0, apperr.Invalidf("amount", "case.err.amount")
		}
		return a, nil
	}
	switch name {
	case "notify_employer":
		return casework.NotifyEmployer{Act: at}, nil
	case "employer_paid":
		return casework.EmployerPaid{Act: at}, nil
	case "reject":
		return casework.RejectAdvance{Act: at, Reason: get("reason")}, nil
	case "advance":
		a, err := amount()
		return casework.PayAdvance{Act: at, Amount: a, Items: get("items")}, err
	case "demand":
		a, err := amount()
		return casework.Demand{Act: at, Amount: a, Note: get("note")}, err
	case "recover":
		a, err := amount()
		return casework.Recover{Act: at, Amount: a, Note: get("note")}, err
	case "propose_write_off":
		a, err := amount()
		return casework.ProposeWriteOff{Act: at, Amount: a, Reason: get("reason")}, err
	case "approve_write_off":
		seq, err := strconv.Atoi(get("seq"))
		if err != nil {
			return nil, apperr.Invalidf("seq", "case.err.number")
		}
		return casework.ApproveWriteOff{Act: at, Seq: seq}, nil
	}
	return nil, apperr.Invalidf("action", "case.err.action")
}

func (h *handlers) advAct(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAdv(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	name := get("action")
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = get(k)
	}
	svc, id := h.cases(r), c.ID
	err = func() error {
		v, err := version(get("version"))
		if err != nil {
			return err
		}
		on, err := h.formDate(get("on"), "on")
		if err != nil {
			return err
		}
		a, err := advAction(name, on, get)
		if err != nil {
			return err
		}
		c, err = svc.ActOnAdvance(r.Context(), web.CurrentUser(r).Username, c.ID, v, a)
		return err
	}()
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		fresh, lerr := svc.Advance(r.Context(), id)
		if lerr != nil {
			return lerr
		}
		c = fresh
		return h.renderAdv(w, r, http.StatusUnprocessableEntity, c, name, form, errs)
	}
	return done(w, r, "/casework/advances/"+strconv.FormatInt(c.ID, 10), "case.ok.saved")
}
