package projectui

import (
	"net/http"
	"strings"

	"wiis/internal/enroll"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/project"
	"wiis/internal/project/projectstore"
	"wiis/internal/web"
)

// RosterRequest adds a person to a project's roster.
type RosterRequest struct {
	IDNumber    string        `json:"id_number"`
	Name        string        `json:"name,omitempty"` // needed for a person new to the system
	FromDate    string        `json:"from_date"`
	MonthlyBase *money.Amount `json:"monthly_base,omitempty"` // default: the area average wage
}

// LeaveRequest records a person's last day on site.
type LeaveRequest struct {
	IDNumber string `json:"id_number"`
	ToDate   string `json:"to_date"`
}

// AccidentRequest reports an accident; the report time is the server's clock.
type AccidentRequest struct {
	IDNumber    string `json:"id_number,omitempty"`
	OccurredAt  string `json:"occurred_at"`
	Description string `json:"description"`
}

// ProjectDetail is a project as the API gives it: its roster and accident reports list
// persons, so their ID numbers are masked (security.md) and person_ref names each for GET
// /api/v1/persons/{ref}, the audited read of the whole record.
type ProjectDetail struct {
	projectstore.Detail
	Roster    []ListedRosterLine `json:"roster"`
	Accidents []ListedAccident   `json:"accidents"`
}

// ListedRosterLine is a roster line in a list: id_number masked, person_ref added.
type ListedRosterLine struct {
	project.RosterLine
	PersonRef string `json:"person_ref"`
}

// ListedAccident is an accident report in a list: id_number masked, person_ref added when
// the injured person is known.
type ListedAccident struct {
	project.Accident
	PersonRef string `json:"person_ref,omitempty"`
}

// PayRequest records the premium's payment.
type PayRequest struct {
	PaidOn string `json:"paid_on"`
}

func (h *handlers) installAPI() {
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/api/v1/projects", Perm: PermProjects, Handler: h.apiList,
			API: &web.APIDoc{Summary: "项目参保列表 / List projects (staff: their region; employer: its own)", Response: []projectstore.Summary{}}},
		{Method: "POST", Pattern: "/api/v1/projects", Perm: PermProjects, Handler: h.apiRegister,
			API: &web.APIDoc{Summary: "登记项目参保 / Register a construction project", Description: "rate empty: the policy project_rate in force in the region on start_date.",
				Request: project.Project{}, Response: projectstore.Summary{}, Status: http.StatusCreated}},
		{Method: "GET", Pattern: "/api/v1/projects/{code}", Perm: PermProjects, Handler: h.apiGet,
			API: &web.APIDoc{Summary: "项目详情 / A project with its premium, roster and accident reports",
				Description: "ID numbers in the roster and the accident reports are masked; person_ref names the person for GET /api/v1/persons/{ref}.",
				Response:    ProjectDetail{}}},
		{Method: "POST", Pattern: "/api/v1/projects/{code}/payments", Perm: PermPay, Handler: h.apiPay,
			API: &web.APIDoc{Summary: "登记保费缴纳 / Record the premium's payment", Request: PayRequest{}, Response: projectstore.Payment{}, Status: http.StatusCreated}},
		{Method: "POST", Pattern: "/api/v1/projects/{code}/roster", Perm: PermProjects, Handler: h.apiRoster,
			API: &web.APIDoc{Summary: "实名制花名册进场 / Add a person to the roster", Request: RosterRequest{}, Response: project.RosterLine{}, Status: http.StatusCreated}},
		{Method: "POST", Pattern: "/api/v1/projects/{code}/roster/leave", Perm: PermProjects, Handler: h.apiLeave,
			API: &web.APIDoc{Summary: "实名制花名册离场 / Record a person's last day on site", Request: LeaveRequest{}, Response: project.RosterLine{}}},
		{Method: "POST", Pattern: "/api/v1/projects/{code}/accidents", Perm: PermProjects, Handler: h.apiAccident,
			API: &web.APIDoc{Summary: "事故快报 / Report an accident on the site (48-hour rule)", Request: AccidentRequest{}, Response: project.Accident{}, Status: http.StatusCreated}},
	} {
		h.s.Handle(rt)
	}
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	f := filterFor(web.CurrentUser(r))
	f.Term, f.Unpaid = r.URL.Query().Get("q"), r.URL.Query().Get("unpaid") == "1"
	list, err := projectstore.List(r.Context(), h.s.DB, f)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, list)
}

func (h *handlers) apiRegister(w http.ResponseWriter, r *http.Request) error {
	var p project.Project
	if err := web.DecodeJSON(r, &p); err != nil {
		return err
	}
	u := web.CurrentUser(r)
	if employerOnly(u) && p.USCC == "" {
		p.USCC = u.EmployerUSCC
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if err := mayRegister(u, p); err != nil {
		return err
	}
	p, err := projectstore.Register(r.Context(), h.s.DB, web.ActorOf(r), p)
	if err != nil {
		return err
	}
	d, err := projectstore.Load(r.Context(), h.s.DB, p.Code)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, d.Summary)
}

func (h *handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	p, err := h.projectFor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	d, err := projectstore.Load(r.Context(), h.s.DB, p.Code)
	if err != nil {
		return err
	}
	out := ProjectDetail{Detail: d, Roster: make([]ListedRosterLine, 0, len(d.Roster)), Accidents: make([]ListedAccident, 0, len(d.Accidents))}
	for _, l := range d.Roster {
		ref := h.s.PersonRef(l.IDNumber)
		l.IDNumber = privacy.MaskID(l.IDNumber)
		out.Roster = append(out.Roster, ListedRosterLine{l, ref})
	}
	for _, a := range d.Accidents {
		var ref string
		if a.IDNumber != "" {
			ref = h.s.PersonRef(a.IDNumber)
			a.IDNumber = privacy.MaskID(a.IDNumber)
		}
		out.Accidents = append(out.Accidents, ListedAccident{a, ref})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *handlers) apiPay(w http.ResponseWriter, r *http.Request) error {
	p, err := h.projectFor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	var req PayRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	pay, err := projectstore.Pay(r.Context(), h.s.DB, web.ActorOf(r), p.Code, req.PaidOn, clock())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, pay)
}

func (h *handlers) apiRoster(w http.ResponseWriter, r *http.Request) error {
	p, err := h.projectFor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	var req RosterRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	line, err := projectstore.AddToRoster(r.Context(), h.s.DB, h.enroll, web.ActorOf(r), p.Code,
		enroll.Person{IDNumber: strings.ToUpper(req.IDNumber), Name: req.Name}, req.FromDate, req.MonthlyBase, clock())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, line)
}

func (h *handlers) apiLeave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.projectFor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	var req LeaveRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	line, err := projectstore.Leave(r.Context(), h.s.DB, h.enroll, web.ActorOf(r), p.Code, strings.ToUpper(req.IDNumber), req.ToDate, clock())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, line)
}

func (h *handlers) apiAccident(w http.ResponseWriter, r *http.Request) error {
	p, err := h.projectFor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	var req AccidentRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	if req.IDNumber != "" {
		req.IDNumber = strings.ToUpper(req.IDNumber)
	}
	a, err := projectstore.ReportAccident(r.Context(), h.s.DB, web.ActorOf(r), project.Accident{ProjectCode: p.Code, IDNumber: req.IDNumber,
		OccurredAt: req.OccurredAt, ReportedAt: localNow().Format(project.DateTime), Description: req.Description}, clock())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, a)
}
