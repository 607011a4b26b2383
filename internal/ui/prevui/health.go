package prevui

import (
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/enroll"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/web"
)

type healthHomeData struct {
	Region   string
	Suspects []prevstore.Suspect
	States   []prevention.Code
}

// healthHome is the surveillance desk: the region's suspected occupational-disease cases
// (open first) and a search for an employer or a worker.
func (h *handlers) healthHome(w http.ResponseWriter, r *http.Request) error {
	if u := strings.TrimSpace(r.FormValue("uscc")); u != "" {
		http.Redirect(w, r, "/health/employers/"+u, http.StatusSeeOther)
		return nil
	}
	if id := strings.ToUpper(strings.TrimSpace(r.FormValue("id"))); id != "" {
		// The worker's page is named by reference, so the number typed here stays out of the
		// address bar, the history and the request log from now on.
		http.Redirect(w, r, "/health/workers/"+h.s.PersonRef(id), http.StatusSeeOther)
		return nil
	}
	reg, err := region(r)
	if err != nil {
		return err
	}
	d := healthHomeData{Region: reg, States: prevention.SuspectStates}
	if d.Suspects, err = prevstore.RegionSuspects(r.Context(), h.db, viewer(r), reg); err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "prev_health", d)
	return nil
}

type healthEmployerData struct {
	E        enroll.Employer
	Hazards  []prevstore.Hazard
	Exams    []prevstore.Exam
	Suspects []prevstore.Suspect
	Kinds    []prevention.Code
	Results  []prevention.Code
	Factors  []prevention.Code
	States   []prevention.Code
	Write    bool
	Form     map[string]string
	Errors   map[string]string
	ErrorsOf int64 // the suspect whose follow-up form the errors belong to
	Notice   string
}

func (h *handlers) renderHealthEmployer(w http.ResponseWriter, r *http.Request, status int, d healthEmployerData) error {
	e, err := h.scopedEmployer(r)
	if err != nil {
		return err
	}
	ctx, v := r.Context(), viewer(r)
	d.E = e
	f, err := prevstore.GetEmployerFile(ctx, h.db, e.USCC)
	if err != nil {
		return err
	}
	d.Hazards = f.Hazards
	if d.Exams, err = prevstore.EmployerExams(ctx, h.db, v, e.USCC); err != nil {
		return err
	}
	if d.Suspects, err = prevstore.Suspects(ctx, h.db, v, e.USCC); err != nil {
		return err
	}
	d.Kinds, d.Results, d.Factors, d.States = prevention.ExamKinds, prevention.ExamResults, prevention.HazardFactors, prevention.SuspectStates
	d.Write = canWrite(r)
	if d.Form == nil {
		d.Form = map[string]string{"exam_on": today(), "on": today(), "kind": "on_the_job", "result": "normal"}
	}
	if d.Notice == "" {
		d.Notice = flash(r)
	}
	h.s.Render(w, r, status, "prev_health_employer", d)
	return nil
}

// healthEmployer is an employer's surveillance page: declared hazards, its workers'
// examinations with results, and the suspected cases with their follow-up forms.
func (h *handlers) healthEmployer(w http.ResponseWriter, r *http.Request) error {
	return h.renderHealthEmployer(w, r, http.StatusOK, healthEmployerData{})
}

func (h *handlers) recordExam(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "id_number", "kind", "exam_on", "institution", "result", "findings", "disease")
	e, err := h.scopedEmployer(r)
	if err != nil {
		return err
	}
	_, err = prevstore.RecordExam(r.Context(), h.db, viewer(r), prevstore.Exam{IDNumber: f["id_number"], USCC: e.USCC, Kind: f["kind"],
		ExamOn: f["exam_on"], Institution: f["institution"], Hazards: r.PostForm["hazards"], Result: f["result"], Findings: f["findings"], Disease: f["disease"]})
	if err == nil {
		http.Redirect(w, r, "/health/employers/"+e.USCC+"?ok=exam", http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderHealthEmployer(w, r, status, healthEmployerData{Form: f, Errors: fe})
}

// followUp moves a suspected case (diagnosing, excluded, confirmed with the determination's
// claim) if the caller read its version; a stale version answers 409 with the reason.
func (h *handlers) followUp(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := form(r, "version", "to", "on", "note", "measure", "claim_no", "uscc")
	// The suspect's employer, for the scope check and the page to come back to.
	e, err := enroll.GetEmployer(r.Context(), h.db, f["uscc"])
	if err != nil || !web.CurrentUser(r).Sees(e.Region) {
		return notFound()
	}
	ss, err := prevstore.Suspects(r.Context(), h.db, viewer(r), e.USCC)
	if err != nil {
		return err
	}
	found := false
	for _, s := range ss {
		found = found || s.ID == id
	}
	if !found {
		return notFound()
	}
	version, _ := strconv.ParseInt(f["version"], 10, 64)
	_, err = prevstore.FollowUpSuspect(r.Context(), h.db, viewer(r), id, version, prevstore.FollowUp{To: f["to"], On: f["on"],
		Note: f["note"], Measure: f["measure"], ClaimNo: f["claim_no"]})
	if err == nil {
		http.Redirect(w, r, "/health/employers/"+e.USCC+"?ok=followup", http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	r.SetPathValue("uscc", e.USCC)
	return h.renderHealthEmployer(w, r, status, healthEmployerData{Form: f, Errors: fe, ErrorsOf: id})
}

type workerData struct {
	ID      string
	Masked  string
	Name    string
	History []prevstore.HistoryEvent
	Exams   []prevstore.Exam
}

// worker is a worker's file: examinations with results, injuries, rehabilitation, the return
// to work and compensation as one history (health data: behind the rule). The path names the
// worker by reference (the links of the lists) or by a typed ID number.
func (h *handlers) worker(w http.ResponseWriter, r *http.Request) error {
	id := h.s.PersonParam(r, "id")
	if ok, err := h.workerInScope(r, id); err != nil {
		return err
	} else if !ok {
		return notFound()
	}
	d := workerData{ID: id, Masked: privacy.MaskID(id)}
	h.db.QueryRow(r.Context(), `SELECT name FROM persons WHERE id_number = ?`, id).Scan(&d.Name)
	var err error
	if d.History, err = prevstore.WorkerHistory(r.Context(), h.db, viewer(r), id); err != nil {
		return err
	}
	if d.Exams, err = prevstore.Exams(r.Context(), h.db, viewer(r), id); err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "prev_worker", d)
	return nil
}

func notFound() error { return apperr.NotFoundf("pv.err.not_found") }

// workerInScope reports whether a worker belongs to the user's region: enrolled with,
// examined for or in rehabilitation from an employer the user sees.
func (h *handlers) workerInScope(r *http.Request, id string) (bool, error) {
	scope, args := store.CodePrefix("m.region", auth.ScopePrefix(web.CurrentUser(r).Region))
	var n int
	err := h.db.QueryRow(r.Context(), `SELECT COUNT(*) FROM employers m WHERE `+scope+` AND m.uscc IN (
		SELECT uscc FROM enrollment_events WHERE id_number = ? UNION SELECT uscc FROM health_exams WHERE id_number = ?
		UNION SELECT employer_uscc FROM rehab_cases WHERE worker_id = ? UNION SELECT uscc FROM claims WHERE id_number = ?)`,
		append(args, id, id, id, id)...).Scan(&n)
	return n > 0, err
}
