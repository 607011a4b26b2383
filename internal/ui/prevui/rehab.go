package prevui

import (
	"fmt"
	"net/http"
	"strconv"
	"wiis/internal/medical/medsvc"

	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/web"
)

type rehabListData struct {
	Region  string
	State   string
	Cases   []prevstore.RehabSummary
	States  []prevention.RehabState
	Origins []prevention.Code
	Points  []prevention.Code
	Write   bool
	Form    map[string]string
	Errors  map[string]string
}

func (h *handlers) renderRehabList(w http.ResponseWriter, r *http.Request, status int, d rehabListData) error {
	var err error
	if d.Region, err = region(r); err != nil {
		return err
	}
	d.State = r.URL.Query().Get("state")
	if d.Cases, err = prevstore.ListRehab(r.Context(), h.db, viewer(r), d.Region, d.State); err != nil {
		return err
	}
	d.States, d.Origins, d.Points, d.Write = prevention.RehabStates, prevention.RehabOrigins, prevention.ScreeningPoints, canWrite(r)
	if d.Form == nil {
		d.Form = map[string]string{"opened_on": today(), "origin": "screening", "screening": "determination"}
	}
	h.s.Render(w, r, status, "prev_rehab_list", d)
	return nil
}

// rehabList lists the region's rehabilitation cases, by state, with the form that opens one
// (a screening proposal or an application).
func (h *handlers) rehabList(w http.ResponseWriter, r *http.Request) error {
	return h.renderRehabList(w, r, http.StatusOK, rehabListData{})
}

func (h *handlers) openRehab(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "worker_id", "employer", "claim_no", "origin", "screening", "injury", "opened_on")
	u := web.CurrentUser(r)
	reg := u.Region
	var emp string
	h.db.QueryRow(r.Context(), `SELECT region FROM employers WHERE uscc = ?`, f["employer"]).Scan(&emp)
	if emp != "" && u.Sees(emp) {
		reg = emp
	}
	c, err := prevstore.OpenRehab(r.Context(), h.db, viewer(r), prevention.RehabCase{Region: reg, WorkerID: f["worker_id"], Employer: f["employer"],
		ClaimNo: f["claim_no"], Origin: f["origin"], Screening: f["screening"], Injury: f["injury"], OpenedOn: f["opened_on"]})
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/rehab/%d", c.ID), http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderRehabList(w, r, status, rehabListData{Form: f, Errors: fe})
}

type rehabData struct {
	C            prevention.RehabCase
	Events       []prevstore.RehabEvent
	Bills        []medsvc.Bill // the case's bills, through the medical audit
	Actions      []prevention.RehabAction
	Institutions []prevstore.Institution
	Modes        []prevention.Code
	Outcomes     []prevention.Code
	Write        bool
	Form         map[string]string
	Errors       map[string]string
	Action       string // the form the errors belong to
}

func (h *handlers) renderRehab(w http.ResponseWriter, r *http.Request, status int, d rehabData) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, evs, err := prevstore.GetRehab(r.Context(), h.db, viewer(r), id)
	if err != nil {
		return err
	}
	if err := scoped(r, c.Region); err != nil {
		return err
	}
	d.C, d.Events = c, evs
	if d.Bills, err = (&medsvc.Service{DB: h.db}).RehabBills(r.Context(), c.ID); err != nil {
		return err
	}
	for _, a := range prevention.RehabActions {
		if c.State.Allowed(a) {
			d.Actions = append(d.Actions, a)
		}
	}
	if d.Institutions, err = prevstore.ListInstitutions(r.Context(), h.db, c.Region[:2]+"0000"); err != nil {
		return err
	}
	d.Modes, d.Outcomes, d.Write = prevention.PlanModes, prevention.ReturnOutcomes, canWrite(r)
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	if d.Form["on"] == "" {
		d.Form["on"] = today()
	}
	h.s.Render(w, r, status, "prev_rehab", d)
	return nil
}

// rehabCase is a case's page: its record, every event, and a form for each action its state
// allows; each form carries the version the user read.
func (h *handlers) rehabCase(w http.ResponseWriter, r *http.Request) error {
	return h.renderRehab(w, r, http.StatusOK, rehabData{})
}

// stepRehab applies one action through prevstore.StepRehab with the version read; a case
// changed meanwhile answers 409 with the conflict message and nothing changed.
func (h *handlers) stepRehab(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := form(r, "version", "action", "on", "note", "has_value", "institution", "mode", "items", "start_on", "days",
		"scale", "score_before", "score_after", "return_to_work", "returned_on", "adjustments")
	// The case must exist in the user's region before anything is tried.
	c, _, err := prevstore.GetRehab(r.Context(), h.db, viewer(r), id)
	if err != nil {
		return err
	}
	if err := scoped(r, c.Region); err != nil {
		return err
	}
	version, _ := strconv.ParseInt(f["version"], 10, 64)
	for _, k := range []string{"days", "score_before", "score_after"} {
		if _, err := strconv.Atoi(f[k]); f[k] != "" && err != nil {
			return h.renderRehab(w, r, http.StatusUnprocessableEntity, rehabData{Form: f, Action: f["action"],
				Errors: map[string]string{k: web.T(web.Lang(r), "pv.err.count")}})
		}
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	step := prevention.RehabStep{Action: prevention.RehabAction(f["action"]), On: f["on"], Note: f["note"], HasValue: f["has_value"] == "yes",
		Institution: f["institution"], Plan: prevention.Plan{Mode: f["mode"], Items: fieldsOf(f["items"]), StartOn: f["start_on"], Days: atoi(f["days"])},
		Days: atoi(f["days"]), Scale: f["scale"], ScoreBefore: atoi(f["score_before"]), ScoreAfter: atoi(f["score_after"]),
		Return: f["return_to_work"], ReturnedOn: f["returned_on"], Adjustments: f["adjustments"]}
	_, err = prevstore.StepRehab(r.Context(), h.db, viewer(r), id, version, step)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/rehab/%d", id), http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderRehab(w, r, status, rehabData{Form: f, Errors: fe, Action: f["action"]})
}
