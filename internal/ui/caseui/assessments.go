package caseui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/money"
	"wiis/internal/ui/alertblock"
	"wiis/internal/web"
)

var asmtStates = []casework.AsmtState{casework.AsmtReceived, casework.AsmtAwaitingMaterials, casework.AsmtReady,
	casework.AsmtExamining, casework.AsmtConcluded, casework.AsmtClosed}

func (h *handlers) asmtList(w http.ResponseWriter, r *http.Request) error {
	return h.caseList(w, r, caseservice.EntityAssessment, "case_asmt_list", asmtStates)
}

// splitList reads a comma-, 、- or line-separated list.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// asmtNew is the application form: an initial assessment of a determination, or a
// re-assessment or review of a concluded assessment (parent).
func (h *handlers) asmtNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := map[string]string{"applied_on": h.today().String(), "kind": "initial", "applicant_kind": "worker", "panel_size": "3",
		"determination_id": q.Get("determination"), "parent_id": q.Get("parent"), "region": web.CurrentUser(r).Region,
		"handler": web.CurrentUser(r).Username, "specialties": "orthopedics", "after_treatment": "1"}
	if k := q.Get("kind"); k != "" {
		form["kind"] = k
	}
	if id, err := strconv.ParseInt(form["determination_id"], 10, 64); err == nil {
		if d, err := h.cases(r).Determination(r.Context(), id); err == nil && web.CurrentUser(r).Sees(d.Region) {
			form["worker_id"], form["worker_name"], form["employer_uscc"] = d.WorkerID, d.WorkerName, d.EmployerUSCC
		}
	}
	if id, err := strconv.ParseInt(form["parent_id"], 10, 64); err == nil {
		if a, err := h.cases(r).Assessment(r.Context(), id); err == nil && web.CurrentUser(r).Sees(a.Region) {
			form["worker_id"], form["worker_name"], form["employer_uscc"] = a.WorkerID, a.WorkerName, a.EmployerUSCC
			form["specialties"], form["hospital"] = strings.Join(a.Specialties, ", "), a.Hospital
		}
	}
	h.s.Render(w, r, http.StatusOK, "case_asmt_new", newAsmtData(form, map[string]string{}))
	return nil
}

func newAsmtData(form, errs map[string]string) map[string]any {
	return map[string]any{"Form": form, "Errors": errs, "Applicants": []string{"worker", "employer", "relative"},
		"Kinds": []string{"initial", "reassessment", "review"}}
}

func (h *handlers) asmtCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	form := map[string]string{}
	for _, k := range []string{"region", "team", "handler", "kind", "applicant_kind", "worker_id", "worker_name", "employer_uscc",
		"hospital", "applied_on", "specialties", "panel_size", "determination_id", "parent_id", "after_treatment"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	a := casework.AssessmentApplication{Region: form["region"], Team: form["team"], Handler: form["handler"],
		Kind: casework.AsmtKind(form["kind"]), ApplicantKind: casework.ApplicantKind(form["applicant_kind"]),
		WorkerID: form["worker_id"], WorkerName: form["worker_name"], EmployerUSCC: form["employer_uscc"], Hospital: form["hospital"],
		Specialties: splitList(form["specialties"]), AfterTreatment: form["after_treatment"] != ""}
	a.PanelSize, _ = strconv.Atoi(form["panel_size"])
	a.DeterminationID, _ = strconv.ParseInt(form["determination_id"], 10, 64)
	a.ParentID, _ = strconv.ParseInt(form["parent_id"], 10, 64)
	var c casework.Assessment
	var err error
	if a.AppliedOn, err = h.formDate(form["applied_on"], "applied_on"); err == nil {
		if !web.CurrentUser(r).Sees(a.Region) {
			err = apperr.Invalidf("region", "case.err.region")
		} else {
			c, err = h.cases(r).OpenAssessment(r.Context(), web.CurrentUser(r).Username, a)
		}
	}
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		h.s.Render(w, r, http.StatusUnprocessableEntity, "case_asmt_new", newAsmtData(form, errs))
		return nil
	}
	return done(w, r, "/casework/assessments/"+strconv.FormatInt(c.ID, 10), "case.ok.opened")
}

func (h *handlers) loadAsmt(r *http.Request) (casework.Assessment, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return casework.Assessment{}, err
	}
	c, err := h.cases(r).Assessment(r.Context(), id)
	if err != nil {
		return c, casework.AppErr(err)
	}
	return c, inScope(r, c.Region)
}

func (h *handlers) asmtPage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	return h.renderAsmt(w, r, http.StatusOK, c, "", nil, nil)
}

func (h *handlers) renderAsmt(w http.ResponseWriter, r *http.Request, status int, c casework.Assessment, failed string, form, errs map[string]string) error {
	svc := h.cases(r)
	hist, err := svc.History(r.Context(), caseservice.EntityAssessment, c.ID)
	if err != nil {
		return err
	}
	docs, err := svc.Documents(r.Context(), caseservice.EntityAssessment, c.ID)
	if err != nil {
		return err
	}
	pool, err := svc.Experts(r.Context(), c.Region)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, e := range pool {
		names[e.ID] = e.Name
	}
	var panel []string
	if c.Draw != nil {
		for _, id := range c.Draw.Panel {
			panel = append(panel, names[id])
		}
	}
	props, err := svc.ProposalsOf(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
	}
	if form["on"] == "" {
		form["on"] = h.today().String()
	}
	u := web.CurrentUser(r)
	s := c.State
	lim, err := caseservice.LoadLimits(r.Context(), h.db, c.Region, c.AppliedOn)
	if err != nil {
		return err
	}
	var reassessBy, reviewFrom casework.Date
	if c.Conclusion != nil {
		reassessBy, reviewFrom = c.ReassessBy(lim), c.ReviewFrom(lim)
	}
	live := false
	for _, p := range props {
		live = live || p.State != casework.ProposalRejected
	}
	can := map[string]bool{
		"secretary": u.Has("assessment_secretary"),
		"notice":    s == casework.AsmtReceived && c.Notice == nil,
		"confirm":   s == casework.AsmtReceived || s == casework.AsmtAwaitingMaterials,
		"screen":    s == casework.AsmtReceived || s == casework.AsmtAwaitingMaterials || s == casework.AsmtReady,
		"draw":      s == casework.AsmtReady,
		"extend":    (s == casework.AsmtReady || s == casework.AsmtExamining) && !c.Extended,
		"conclude":  s == casework.AsmtExamining,
		"deliver":   s == casework.AsmtConcluded,
		"terminate": slices.Contains([]casework.AsmtState{casework.AsmtReceived, casework.AsmtAwaitingMaterials, casework.AsmtReady, casework.AsmtExamining}, s),
		"reassess":  s == casework.AsmtClosed && c.Conclusion != nil && !c.Final(),
		"review":    s == casework.AsmtClosed && c.Conclusion != nil,
		"propose":   (s == casework.AsmtConcluded || s == casework.AsmtClosed) && c.Conclusion != nil && !c.Terminated && c.WorkInjury && !live && (u.Has("assessment_secretary") || u.Has("benefits_reviewer")),
		"draws":     u.Has("assessment_secretary") || u.Has("auditor"),
	}
	alerts, err := alertblock.Load(r.Context(), h.db, u, c.WorkerID, c.EmployerUSCC, c.CaseNo)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "case_asmt", map[string]any{"C": c, "Alerts": alerts, "Steps": h.steps(r, c.Region, c.Steps), "History": hist,
		"Docs": docs, "Panel": panel, "Proposals": props, "Can": can, "Failed": failed, "Form": form, "Errors": errs,
		"Notice": notice(r), "ReassessBy": reassessBy, "Grades": []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		"Activities": []string{"eating", "turning_over", "toileting", "dressing_washing", "moving"}, "ReviewFrom": reviewFrom, "DocKind": casework.DocAssessmentConclusion})
	return nil
}

// asmtAction builds an assessment transition from its name and fields. Errors: invalid.
func asmtAction(name string, on casework.Date, get func(string) string) (casework.AsmtAction, error) {
	at := casework.Act{On: on}
	switch name {
	case "notice_missing":
		return casework.AsmtNoticeMissing{Act: at, Missing: splitList(get("missing"))}, nil
	case "confirm_materials":
		return casework.ConfirmMaterials{Act: at}, nil
	case "extend":
		return casework.Extend{Act: at, Reason: get("reason")}, nil
	case "conclude":
		grade, err := strconv.Atoi(get("grade"))
		if err != nil {
			return nil, apperr.Invalidf("grade", "case.err.grade")
		}
		months := 0
		if v := get("leave_extension_months"); v != "" {
			if months, err = strconv.Atoi(v); err != nil {
				return nil, apperr.Invalidf("leave_extension_months", "case.err.number")
			}
		}
		sc := casework.SelfCare{Eating: get("eating") != "", TurningOver: get("turning_over") != "", Toileting: get("toileting") != "",
			DressingWashing: get("dressing_washing") != "", Moving: get("moving") != ""}
		return casework.Conclude{Act: at, Grade: grade, SelfCare: sc, Devices: splitList(get("devices")),
			LeaveExtensionMonths: months, Basis: get("basis")}, nil
	case "deliver":
		return casework.DeliverConclusion{Act: at}, nil
	case "terminate":
		return casework.Terminate{Act: at, Reason: get("reason")}, nil
	case "screen_rehab":
		return casework.AsmtScreenRehab{Act: at, Refer: get("refer") != "", Reason: get("reason")}, nil
	}
	return nil, apperr.Invalidf("action", "case.err.action")
}

// asmtAct applies an action, the draw, a document or a proposal from the case page.
func (h *handlers) asmtAct(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
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
	svc := h.cases(r)
	actor, id := web.CurrentUser(r).Username, c.ID
	to := "/casework/assessments/" + strconv.FormatInt(c.ID, 10)
	err = func() error {
		v, err := version(get("version"))
		if err != nil {
			return err
		}
		on, err := h.formDate(get("on"), "on")
		if err != nil {
			return err
		}
		if name == "draw" {
			c, err = svc.DrawPanel(r.Context(), actor, c.ID, v, on)
			return err
		}
		a, err := asmtAction(name, on, get)
		if err != nil {
			return err
		}
		c, err = svc.ActOnAssessment(r.Context(), actor, c.ID, v, a)
		return err
	}()
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		fresh, lerr := svc.Assessment(r.Context(), id)
		if lerr != nil {
			return lerr
		}
		c = fresh
		return h.renderAsmt(w, r, http.StatusUnprocessableEntity, c, name, form, errs)
	}
	return done(w, r, to, "case.ok.saved")
}

func (h *handlers) asmtIssue(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	if _, err := h.cases(r).IssueDocument(r.Context(), web.CurrentUser(r).Username, caseservice.EntityAssessment, c.ID,
		casework.DocAssessmentConclusion, h.today()); err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		return h.renderAsmt(w, r, http.StatusUnprocessableEntity, c, "issue", nil, errs)
	}
	return done(w, r, "/casework/assessments/"+strconv.FormatInt(c.ID, 10)+"/documents/"+string(casework.DocAssessmentConclusion), "")
}

func (h *handlers) asmtDocument(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	return h.showDocument(w, r, caseservice.EntityAssessment, c.ID, "/casework/assessments/"+strconv.FormatInt(c.ID, 10))
}

// asmtPropose runs the calculator on the concluded assessment and shows the proposal.
func (h *handlers) asmtPropose(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	req := caseservice.ProposalRequest{AssessmentID: c.ID, EmploymentEnded: r.PostFormValue("employment_ended") != "",
		NoSuitableWork: r.PostFormValue("no_suitable_work") != ""}
	err = func() error {
		if v := strings.TrimSpace(r.PostFormValue("suspension_months")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return apperr.Invalidf("suspension_months", "case.err.number")
			}
			req.SuspensionMonths = n
		}
		if v := strings.TrimSpace(r.PostFormValue("original_wage")); v != "" {
			a, err := money.Parse(v)
			if err != nil {
				return apperr.Invalidf("original_wage", "case.err.amount")
			}
			req.OriginalWage = &a
		}
		if req.EmploymentEnded {
			req.TerminationDate = strings.TrimSpace(r.PostFormValue("termination_date"))
		}
		p, err := h.cases(r).ProposeBenefits(r.Context(), web.CurrentUser(r).Username, req)
		if err == nil {
			c.ID = p.ID
		}
		return err
	}()
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		form := map[string]string{}
		for k := range r.PostForm {
			form[k] = r.PostFormValue(k)
		}
		fresh, lerr := h.loadAsmt(r)
		if lerr != nil {
			return lerr
		}
		return h.renderAsmt(w, r, http.StatusUnprocessableEntity, fresh, "propose", form, errs)
	}
	return done(w, r, "/casework/proposals/"+strconv.FormatInt(c.ID, 10), "case.ok.proposed")
}

// draws shows the recorded draws of an assessment; ?replay=ID replays one and compares.
func (h *handlers) draws(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadAsmt(r)
	if err != nil {
		return err
	}
	svc := h.cases(r)
	ds, err := svc.Draws(r.Context(), c.ID)
	if err != nil {
		return err
	}
	pool, err := svc.Experts(r.Context(), c.Region)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, e := range pool {
		names[e.ID] = e.Name
	}
	type replay struct {
		DrawID int64
		Panel  []int64
		Same   bool
		Err    string
	}
	var rp *replay
	if id, err := strconv.ParseInt(r.URL.Query().Get("replay"), 10, 64); err == nil {
		for _, d := range ds {
			if d.ID == id {
				got, err := d.Replay()
				rp = &replay{DrawID: id, Panel: got, Same: err == nil && slices.Equal(got, d.Panel)}
				if err != nil {
					rp.Err = err.Error()
				}
			}
		}
	}
	h.s.Render(w, r, http.StatusOK, "case_draws", map[string]any{"C": c, "Draws": ds, "Names": names, "Replay": rp})
	return nil
}

// experts lists the committee's pool and adds experts.
func (h *handlers) experts(w http.ResponseWriter, r *http.Request) error {
	return h.renderExperts(w, r, http.StatusOK, map[string]string{"active": "1"}, map[string]string{})
}

func (h *handlers) renderExperts(w http.ResponseWriter, r *http.Request, status int, form, errs map[string]string) error {
	pool, err := h.cases(r).Experts(r.Context(), web.CurrentUser(r).Region)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "case_experts", map[string]any{"Pool": pool, "Form": form, "Errors": errs, "Notice": notice(r)})
	return nil
}

func (h *handlers) expertAdd(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	form := map[string]string{}
	for _, k := range []string{"name", "specialties", "conflicts", "active"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	e := casework.Expert{Region: web.CurrentUser(r).Region, Name: form["name"], Specialties: splitList(form["specialties"]),
		Active: form["active"] != ""}
	var err error
	for _, line := range strings.Split(form["conflicts"], "\n") {
		kind, ref, ok := strings.Cut(strings.TrimSpace(line), ":")
		if strings.TrimSpace(line) == "" {
			continue
		}
		kind, ref = strings.TrimSpace(kind), strings.TrimSpace(ref)
		if !ok || ref == "" || (kind != casework.ConflictEmployer && kind != casework.ConflictPerson && kind != casework.ConflictHospital) {
			err = apperr.Invalidf("conflicts", "case.err.conflict_line")
			break
		}
		e.Conflicts = append(e.Conflicts, casework.Conflict{Kind: kind, Ref: ref})
	}
	if err == nil {
		_, err = h.cases(r).AddExpert(r.Context(), web.CurrentUser(r).Username, e)
	}
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		return h.renderExperts(w, r, http.StatusUnprocessableEntity, form, errs)
	}
	return done(w, r, "/casework/experts", "case.ok.expert")
}
