package supui

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/privacy"
	"wiis/internal/supervise"
	"wiis/internal/supervise/supstore"
	"wiis/internal/web"
)

type referralsView struct {
	Inspectorate bool // the inspector view
	State        string
	Overdue      bool
	States       []supervise.RefState
	Sources      []string
	List         []supstore.Referral
	CanRefer     bool
	CanInspect   bool
	Form         map[string]string
	Errors       map[string]string
	Imported     []importLine
	Outcomes     []string
}

type importLine struct {
	Line int
	No   string
	Err  string
}

func (h *handlers) listReferrals(w http.ResponseWriter, r *http.Request, v referralsView, status int) error {
	u := web.CurrentUser(r)
	v.State, v.Overdue = r.FormValue("state"), r.FormValue("overdue") == "1"
	v.States, v.Sources, v.Outcomes = supervise.RefStates, supervise.Sources, supervise.Outcomes
	v.CanRefer = slices.ContainsFunc(agencyRoles, u.Has)
	v.CanInspect = u.Has(auth.RiskInvestigator)
	f := supstore.RefFilter{Region: u.Region, State: v.State, OverdueOnly: v.Overdue}
	if v.Inspectorate && v.State == "" && !v.Overdue {
		f.Limit = 500
	}
	list, err := h.sup.Referrals(r.Context(), f)
	if err != nil {
		return err
	}
	if v.Inspectorate && v.State == "" {
		// The inspector's desk: what still waits on the inspectorate, overdue first.
		var open []supstore.Referral
		for _, x := range list {
			if supervise.Open(x.State) {
				open = append(open, x)
			}
		}
		slices.SortStableFunc(open, func(a, b supstore.Referral) int {
			if a.Overdue != b.Overdue {
				if a.Overdue {
					return -1
				}
				return 1
			}
			return 0
		})
		list = open
	}
	v.List = list
	if v.Form == nil {
		v.Form = map[string]string{"source_kind": r.FormValue("source_kind"), "source_id": r.FormValue("source_id"),
			"uscc": r.FormValue("uscc"), "on": today()}
	}
	h.s.Render(w, r, status, "sup_referrals", v)
	return nil
}

func (h *handlers) referrals(w http.ResponseWriter, r *http.Request) error {
	return h.listReferrals(w, r, referralsView{}, http.StatusOK)
}

func (h *handlers) inspectorate(w http.ResponseWriter, r *http.Request) error {
	return h.listReferrals(w, r, referralsView{Inspectorate: true}, http.StatusOK)
}

func (h *handlers) referralCreate(w http.ResponseWriter, r *http.Request) error {
	id, _ := formInt(r, "source_id")
	n := supervise.NewReferral{SourceKind: r.FormValue("source_kind"), SourceID: id, USCC: r.FormValue("uscc"),
		Inspectorate: r.FormValue("inspectorate"), Facts: r.FormValue("facts"), Evidence: r.FormValue("evidence"), On: r.FormValue("on")}
	ref, err := h.sup.Refer(r.Context(), web.ActorOf(r), n)
	if err == nil && !web.CurrentUser(r).Sees(ref.Region) {
		err = apperr.Invalidf("source_id", "sup.err.source_missing")
	}
	if err != nil {
		fe, err := web.FieldErrors(r, err)
		if err != nil && apperr.CodeOf(err) != apperr.Conflict {
			return err
		}
		if fe == nil {
			fe = map[string]string{"source_id": web.T(web.Lang(r), apperr.As(err).Message, apperr.As(err).Args...)}
		}
		form := map[string]string{}
		for _, k := range []string{"source_kind", "source_id", "uscc", "inspectorate", "facts", "evidence", "on"} {
			form[k] = r.FormValue(k)
		}
		return h.listReferrals(w, r, referralsView{Form: form, Errors: fe}, http.StatusUnprocessableEntity)
	}
	return redirect(w, r, "/supervise/referrals/"+strconv.FormatInt(ref.ID, 10))
}

type referralView struct {
	R           supstore.Referral
	AgencyActs  []string
	InspectActs []string
	Outcomes    []string
	Today       string
	Errors      map[string]string
}

func (h *handlers) referralPage(w http.ResponseWriter, r *http.Request) error {
	return h.showReferral(w, r, nil, http.StatusOK)
}

func (h *handlers) showReferral(w http.ResponseWriter, r *http.Request, errs map[string]string, status int) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ref, err := h.sup.Referral(r.Context(), id)
	if err != nil {
		return err
	}
	if err := inScope(r, ref.Region); err != nil {
		return err
	}
	u := web.CurrentUser(r)
	v := referralView{R: ref, Outcomes: supervise.Outcomes, Today: today(), Errors: errs}
	if slices.ContainsFunc(agencyRoles, u.Has) {
		v.AgencyActs = supervise.ActionsFor(ref.State, supervise.SideAgency)
	}
	if u.Has(auth.RiskInvestigator) {
		v.InspectActs = supervise.ActionsFor(ref.State, supervise.SideInspectorate)
	}
	h.s.Render(w, r, status, "sup_referral", v)
	return nil
}

// sideOf is the side the user acts for in a step: the inspectorate's steps need the
// inspector role, the agency's steps a case officer or the risk investigator.
func sideOf(u *auth.User, action string) (supervise.Side, error) {
	a, err := supervise.FindRefAction(action)
	if err != nil {
		return "", err
	}
	if a.Side == supervise.SideInspectorate && !u.Has(auth.RiskInvestigator) {
		return "", apperr.Forbiddenf("sup.err.side")
	}
	if a.Side == supervise.SideAgency && !slices.ContainsFunc(agencyRoles, u.Has) {
		return "", apperr.Forbiddenf("sup.err.side")
	}
	return a.Side, nil
}

func (h *handlers) referralAct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ref, err := h.sup.Referral(r.Context(), id)
	if err != nil {
		return err
	}
	if err := inScope(r, ref.Region); err != nil {
		return err
	}
	action := r.FormValue("action")
	side, err := sideOf(web.CurrentUser(r), action)
	if err != nil {
		return err
	}
	version, _ := formInt(r, "version")
	_, err = h.sup.Act(r.Context(), web.ActorOf(r), side, id, int(version), action, r.FormValue("on"),
		supervise.ResultInput{Outcome: r.FormValue("outcome"), Result: r.FormValue("result")})
	if err != nil {
		fe, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		return h.showReferral(w, r, fe, http.StatusUnprocessableEntity)
	}
	return redirect(w, r, "/supervise/referrals/"+strconv.FormatInt(id, 10))
}

func (h *handlers) importResults(w http.ResponseWriter, r *http.Request) error {
	v := referralsView{Inspectorate: true}
	f, _, err := r.FormFile("file")
	if err != nil {
		v.Errors = map[string]string{"file": web.T(web.Lang(r), "sup.err.csv_header")}
		return h.listReferrals(w, r, v, http.StatusUnprocessableEntity)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		v.Errors = map[string]string{"file": web.T(web.Lang(r), "sup.err.csv_header")}
		return h.listReferrals(w, r, v, http.StatusUnprocessableEntity)
	}
	lines, err := h.sup.ImportResults(r.Context(), web.ActorOf(r), web.CurrentUser(r).Region, rows)
	if err != nil {
		fe, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		v.Errors = fe
		return h.listReferrals(w, r, v, http.StatusUnprocessableEntity)
	}
	for _, l := range lines {
		il := importLine{Line: l.Line, No: l.No}
		if l.Error != "" {
			il.Err = web.T(web.Lang(r), l.Error, l.Args...)
		}
		v.Imported = append(v.Imported, il)
	}
	return h.listReferrals(w, r, v, http.StatusOK)
}

func (h *handlers) apiReferrals(w http.ResponseWriter, r *http.Request) error {
	list, err := h.sup.Referrals(r.Context(), supstore.RefFilter{Region: web.CurrentUser(r).Region,
		State: r.FormValue("state"), OverdueOnly: r.FormValue("overdue") == "1"})
	if err != nil {
		return err
	}
	if list == nil {
		list = []supstore.Referral{}
	}
	for i := range list {
		list[i] = listed(list[i])
	}
	return web.WriteJSON(w, http.StatusOK, list)
}

// listed is a referral as a list answers it: a referral names an employer, not a person, but
// its facts, evidence and result are typed by people, and any ID number they quote is masked
// there as in every list (security.md). The referral's page shows them whole.
func listed(x supstore.Referral) supstore.Referral {
	x.Facts, x.Evidence, x.Result = privacy.MaskText(x.Facts), privacy.MaskText(x.Evidence), privacy.MaskText(x.Result)
	for i := range x.Events {
		x.Events[i].Note = privacy.MaskText(x.Events[i].Note)
	}
	return x
}

// ResultRequest is the inspectorate's result sent by its system: the referral's version read,
// the day, the outcome and the text. A referral not yet received is received on the day.
type ResultRequest struct {
	Version int    `json:"version"`
	On      string `json:"on"`
	Outcome string `json:"outcome"`
	Result  string `json:"result"`
}

func (h *handlers) apiResult(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req ResultRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	ref, err := h.sup.Referral(r.Context(), id)
	if err != nil {
		return err
	}
	if err := inScope(r, ref.Region); err != nil {
		return err
	}
	if ref.Version != req.Version {
		return apperr.Conflictf("version", "sup.err.stale")
	}
	res := supervise.ResultInput{On: req.On, Outcome: req.Outcome, Result: req.Result}
	if err := res.Validate(); err != nil {
		return err
	}
	by := web.ActorOf(r)
	if ref.State == supervise.RefReferred {
		if ref, err = h.sup.Act(r.Context(), by, supervise.SideInspectorate, id, ref.Version, "receive", req.On, supervise.ResultInput{}); err != nil {
			return err
		}
	}
	ref, err = h.sup.Act(r.Context(), by, supervise.SideInspectorate, id, ref.Version, "result", req.On, res)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, ref)
}
