package caseui

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/ui/alertblock"
	"wiis/internal/web"
)

// detStates are the states a determination list filters by.
var detStates = []casework.DetState{casework.DetReceived, casework.DetAwaitingMaterials, casework.DetAccepted,
	casework.DetInvestigating, casework.DetSuspended, casework.DetDecided, casework.DetClosed}

var statuses = []casework.Status{casework.StatusOverdue, casework.StatusDueSoon, casework.StatusDue}

// listFilter reads the filters of a list page; the region is the user's scope.
func (h *handlers) listFilter(r *http.Request, p pager) caseservice.ListFilter {
	q := r.URL.Query()
	return caseservice.ListFilter{Region: web.CurrentUser(r).Region, State: q.Get("state"), Handler: q.Get("handler"),
		Status: casework.Status(q.Get("status")), On: h.today(), Limit: pageSize, Offset: p.offset()}
}

func (h *handlers) caseList(w http.ResponseWriter, r *http.Request, entity, page string, states any) error {
	p := newPager(r, 0)
	f := h.listFilter(r, p)
	res, err := h.cases(r).ListCases(r.Context(), entity, f)
	if err != nil {
		return err
	}
	p = newPager(r, res.Total)
	h.s.Render(w, r, http.StatusOK, page, map[string]any{"Rows": res.Rows, "Pager": p, "Filter": f,
		"States": states, "Statuses": statuses, "Notice": notice(r)})
	return nil
}

func (h *handlers) detList(w http.ResponseWriter, r *http.Request) error {
	return h.caseList(w, r, caseservice.EntityDetermination, "case_det_list", detStates)
}

// reportForm is the form of a new case from an accident report or a counter ticket.
func (h *handlers) detNew(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{"received_on": h.today().String(), "event_kind": "accident", "applicant_kind": "employer",
		"region": web.CurrentUser(r).Region, "handler": web.CurrentUser(r).Username}
	for _, k := range []string{"ref", "worker_id", "employer_uscc"} {
		if v := r.URL.Query().Get(k); v != "" {
			form[k] = v
		}
	}
	h.s.Render(w, r, http.StatusOK, "case_det_new", newDetData(form, map[string]string{}))
	return nil
}

func newDetData(form, errs map[string]string) map[string]any {
	return map[string]any{"Form": form, "Errors": errs, "Applicants": []string{"employer", "worker", "relative", "union"},
		"Events": []string{"accident", "occupational_disease"}}
}

func (h *handlers) detCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	form := map[string]string{}
	for _, k := range []string{"ref", "region", "team", "handler", "worker_id", "worker_name", "employer_uscc", "event_kind",
		"event_date", "death", "applicant_kind", "applicant_name", "received_on"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	rep := caseservice.AccidentReport{Ref: form["ref"], Region: form["region"], Team: form["team"], Handler: form["handler"],
		WorkerID: form["worker_id"], WorkerName: form["worker_name"], EmployerUSCC: form["employer_uscc"],
		EventKind: form["event_kind"], Death: form["death"] != "", ApplicantKind: form["applicant_kind"],
		ApplicantName: form["applicant_name"]}
	var err error
	if rep.EventDate, err = casework.ParseDate(form["event_date"]); err != nil {
		err = apperr.Invalidf("event_date", "case.err.date")
	} else if rep.ReceivedOn, err = h.formDate(form["received_on"], "received_on"); err == nil {
		if !web.CurrentUser(r).Sees(rep.Region) {
			err = apperr.Invalidf("region", "case.err.region")
		}
	}
	var c casework.Determination
	if err == nil {
		c, err = h.cases(r).OpenFromReport(r.Context(), web.CurrentUser(r).Username, rep)
	}
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		h.s.Render(w, r, http.StatusUnprocessableEntity, "case_det_new", newDetData(form, errs))
		return nil
	}
	return done(w, r, "/casework/determinations/"+strconv.FormatInt(c.ID, 10), "case.ok.opened")
}

// stepView is a step as the case page shows it: its dates, the days it took and its status.
type stepView struct {
	casework.Step
	Took   int
	Late   bool
	Status casework.Status
}

func (h *handlers) steps(r *http.Request, region string, steps []casework.Step) []stepView {
	on := h.today()
	soon := 5
	if lim, err := caseservice.LoadLimits(r.Context(), h.db, region, on); err == nil {
		soon = lim.DueSoonDays
	}
	out := make([]stepView, len(steps))
	for i, s := range steps {
		out[i] = stepView{Step: s, Took: s.Took(on), Late: s.Late(), Status: s.Status(on, soon)}
	}
	return out
}

// detDocKinds are the documents a determination issues, in the order of the case.
var detDocKinds = []casework.DocKind{casework.DocSupplement, casework.DocAcceptance, casework.DocRefusal, casework.DocDecision}

func (h *handlers) loadDet(r *http.Request) (casework.Determination, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return casework.Determination{}, err
	}
	c, err := h.cases(r).Determination(r.Context(), id)
	if err != nil {
		return c, casework.AppErr(err)
	}
	return c, inScope(r, c.Region)
}

func (h *handlers) detPage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadDet(r)
	if err != nil {
		return err
	}
	return h.renderDet(w, r, http.StatusOK, c, "", nil, nil)
}

// renderDet shows the case page; failed names the action whose form is shown again with
// form and errs.
func (h *handlers) renderDet(w http.ResponseWriter, r *http.Request, status int, c casework.Determination, failed string, form, errs map[string]string) error {
	svc := h.cases(r)
	hist, err := svc.History(r.Context(), caseservice.EntityDetermination, c.ID)
	if err != nil {
		return err
	}
	docs, err := svc.Documents(r.Context(), caseservice.EntityDetermination, c.ID)
	if err != nil {
		return err
	}
	issuable := map[casework.DocKind]bool{
		casework.DocSupplement: c.Notice != nil, casework.DocAcceptance: !c.AcceptedOn.IsZero(),
		casework.DocRefusal: c.Outcome == casework.OutcomeRefused, casework.DocDecision: c.Decision != nil,
	}
	served := map[casework.Party]bool{}
	for _, d := range c.Deliveries {
		served[d.Party] = true
	}
	var toServe []casework.Party
	for _, p := range c.PartiesToServe() {
		if !served[p] {
			toServe = append(toServe, p)
		}
	}
	asmts, err := svc.ListCases(r.Context(), caseservice.EntityAssessment, caseservice.ListFilter{WorkerID: c.WorkerID, On: h.today(), Limit: 20})
	if err != nil {
		return err
	}
	files := map[string]int64{}
	for _, m := range c.Materials {
		if id, ok := caseservice.FileID(m.FileRef); ok {
			files[m.FileRef] = id
		}
	}
	if form == nil {
		form = map[string]string{}
	}
	if form["on"] == "" {
		form["on"] = h.today().String()
	}
	s := c.State
	can := map[string]bool{
		"request":   s == casework.DetReceived && c.Notice == nil,
		"receive":   s == casework.DetReceived || s == casework.DetAwaitingMaterials || s == casework.DetAccepted || s == casework.DetInvestigating,
		"notice":    s == casework.DetReceived && c.Notice == nil && len(c.Missing()) > 0,
		"accept":    s == casework.DetReceived && len(c.Missing()) == 0,
		"refuse":    s == casework.DetReceived || s == casework.DetAwaitingMaterials,
		"withdraw":  s != casework.DetDecided && s != casework.DetClosed,
		"work":      s == casework.DetAccepted || s == casework.DetInvestigating,
		"resume":    s == casework.DetSuspended,
		"deliver":   s == casework.DetDecided,
		"assess":    s == casework.DetClosed && (c.Outcome == casework.OutcomeWorkInjury || c.Outcome == casework.OutcomeDeemed),
		"officer":   web.CurrentUser(r).Has("determination_officer"),
		"secretary": web.CurrentUser(r).Has("assessment_secretary"),
	}
	alerts, err := alertblock.Load(r.Context(), h.db, web.CurrentUser(r), c.WorkerID, c.EmployerUSCC, c.CaseNo)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "case_det", map[string]any{"C": c, "Alerts": alerts, "Steps": h.steps(r, c.Region, c.Steps), "History": hist,
		"Missing": c.Missing(), "ToServe": toServe, "Docs": docs, "DocKinds": detDocKinds, "Issuable": issuable,
		"Requestable": []string{casework.MatWitnessStatement, casework.MatSurveillanceVideo, casework.MatPhotos, casework.MatAttendanceRecord, casework.MatOther},
		"Kinds":       append(casework.RequiredMaterials(true), casework.MatWitnessStatement, casework.MatSurveillanceVideo, casework.MatPhotos, casework.MatAttendanceRecord, casework.MatOther),
		"Can":         can, "Files": files, "Failed": failed, "Form": form, "Errors": errs, "Notice": notice(r), "Assessments": asmts.Rows})
	return nil
}

// detAct applies the action named in the form and redirects back, or shows the page again
// with the form's input and the reason the action was refused.
func (h *handlers) detAct(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadDet(r)
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(caseservice.MaxFileSize); err != nil && err != http.ErrNotMultipart {
		if err := r.ParseForm(); err != nil {
			return apperr.Invalidf("body", "error.bad_form")
		}
	}
	get := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	name := get("action")
	form := map[string]string{}
	for k := range r.Form {
		form[k] = get(k)
	}
	svc := h.cases(r)
	actor, id := web.CurrentUser(r).Username, c.ID
	err = func() error {
		v, err := version(get("version"))
		if err != nil {
			return err
		}
		on, err := h.formDate(get("on"), "on")
		if err != nil {
			return err
		}
		if name == "receive_material" {
			if file, hdr, ferr := r.FormFile("file"); ferr == nil {
				defer file.Close()
				b, err := io.ReadAll(io.LimitReader(file, caseservice.MaxFileSize+1))
				if err != nil {
					return apperr.Invalidf("file", "error.bad_form")
				}
				c, err = svc.ReceiveFile(r.Context(), actor, c.ID, v, on, get("kind"), get("note"),
					caseservice.Upload{Name: hdr.Filename, ContentType: hdr.Header.Get("Content-Type"), Content: b})
				return err
			}
		}
		a, err := detAction(name, on, get)
		if err != nil {
			return err
		}
		c, err = svc.ActOnDetermination(r.Context(), actor, c.ID, v, a)
		return err
	}()
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		fresh, lerr := svc.Determination(r.Context(), id)
		if lerr != nil {
			return lerr
		}
		c = fresh
		return h.renderDet(w, r, http.StatusUnprocessableEntity, c, name, form, errs)
	}
	return done(w, r, "/casework/determinations/"+strconv.FormatInt(c.ID, 10), "case.ok.saved")
}

// detAction builds a determination transition from its name and fields (form or API).
// Errors: invalid.
func detAction(name string, on casework.Date, get func(string) string) (casework.DetAction, error) {
	at := casework.Act{On: on}
	switch name {
	case "request_material":
		return casework.RequestMaterial{Act: at, Kind: get("kind"), Note: get("note")}, nil
	case "receive_material":
		return casework.ReceiveMaterial{Act: at, Kind: get("kind"), FileRef: get("file_ref"), Note: get("note")}, nil
	case "notice_missing":
		return casework.NoticeMissing{Act: at}, nil
	case "accept":
		return casework.Accept{Act: at, ClearCut: get("clear_cut") != ""}, nil
	case "refuse":
		return casework.Refuse{Act: at, Reason: get("reason")}, nil
	case "withdraw":
		return casework.Withdraw{Act: at, Reason: get("reason")}, nil
	case "investigate":
		var who []string
		for _, s := range strings.FieldsFunc(get("investigators"), func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			if s = strings.TrimSpace(s); s != "" {
				who = append(who, s)
			}
		}
		return casework.Investigate{Act: at, Investigators: who, Record: get("record")}, nil
	case "suspend":
		return casework.Suspend{Act: at, Reason: get("reason")}, nil
	case "resume":
		return casework.Resume{Act: at}, nil
	case "decide":
		art, _ := strconv.Atoi(get("article"))
		item, _ := strconv.Atoi(get("item"))
		finding := casework.Outcome(get("finding"))
		if finding == "" {
			switch art {
			case 14:
				finding = casework.OutcomeWorkInjury
			case 15:
				finding = casework.OutcomeDeemed
			default:
				finding = casework.OutcomeNotWorkInjury
			}
		}
		return casework.Decide{Act: at, Finding: finding, Article: art, Item: item, Reasons: get("reasons")}, nil
	case "deliver":
		return casework.Deliver{Act: at, Party: casework.Party(get("party")), Method: get("method")}, nil
	case "screen_rehab":
		return casework.ScreenRehab{Act: at, Refer: get("refer") != "", Reason: get("reason")}, nil
	}
	return nil, apperr.Invalidf("action", "case.err.action")
}

// detIssue issues (or finds) a document of the case and shows it.
func (h *handlers) detIssue(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadDet(r)
	if err != nil {
		return err
	}
	kind := casework.DocKind(r.FormValue("kind"))
	if _, err := h.cases(r).IssueDocument(r.Context(), web.CurrentUser(r).Username, caseservice.EntityDetermination, c.ID, kind, h.today()); err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		return h.renderDet(w, r, http.StatusUnprocessableEntity, c, "issue", nil, errs)
	}
	return done(w, r, "/casework/determinations/"+strconv.FormatInt(c.ID, 10)+"/documents/"+string(kind), "")
}

func (h *handlers) detDocument(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadDet(r)
	if err != nil {
		return err
	}
	return h.showDocument(w, r, caseservice.EntityDetermination, c.ID, "/casework/determinations/"+strconv.FormatInt(c.ID, 10))
}

func (h *handlers) showDocument(w http.ResponseWriter, r *http.Request, entity string, id int64, back string) error {
	doc, err := h.cases(r).Document(r.Context(), entity, id, casework.DocKind(r.PathValue("kind")))
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "case_document", map[string]any{"Doc": doc, "Back": back})
	return nil
}

// file serves an uploaded material to those who may read its case.
func (h *handlers) file(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	svc := h.cases(r)
	f, err := svc.File(r.Context(), id)
	if err != nil {
		return err
	}
	c, err := svc.Determination(r.Context(), f.CaseID)
	if err != nil {
		return casework.AppErr(err)
	}
	if err := inScope(r, c.Region); err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("X-Content-SHA256", f.SHA256)
	_, err = w.Write(f.Content)
	return err
}
