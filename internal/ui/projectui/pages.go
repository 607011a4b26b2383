package projectui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/contrib"
	"wiis/internal/enroll"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/project"
	"wiis/internal/project/projectstore"
	"wiis/internal/web"
)

type rosterView struct {
	project.RosterLine
	Masked string
}

type accidentView struct {
	project.Accident
	Masked string
}

// listPage lists the caller's projects with their premium, payment, roster and reports.
func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) error {
	f := filterFor(web.CurrentUser(r))
	f.Term, f.Unpaid = strings.TrimSpace(r.URL.Query().Get("q")), r.URL.Query().Get("unpaid") == "1"
	list, err := projectstore.List(r.Context(), h.s.DB, f)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "projects_list", map[string]any{"List": list, "Q": f.Term, "Unpaid": f.Unpaid})
	return nil
}

type newData struct {
	Form   map[string]string
	Errors map[string]string
	Own    bool // an employer registers its own projects only
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	form := map[string]string{"start_date": localNow().Format("2006-01-02")}
	if employerOnly(u) {
		form["uscc"] = u.EmployerUSCC
	}
	h.s.Render(w, r, http.StatusOK, "project_new", newData{Form: form, Errors: map[string]string{}, Own: employerOnly(u)})
	return nil
}

// formProject reads a project from a form or fails on the field that cannot be read.
func formProject(form url.Values) (project.Project, error) {
	p := project.Project{Code: strings.TrimSpace(form.Get("project_code")), USCC: strings.TrimSpace(form.Get("uscc")),
		Name: strings.TrimSpace(form.Get("name")), Region: strings.TrimSpace(form.Get("region")),
		StartDate: strings.TrimSpace(form.Get("start_date")), EndDate: strings.TrimSpace(form.Get("end_date"))}
	v, err := money.Parse(strings.TrimSpace(form.Get("contract_value")))
	if err != nil {
		return p, apperr.Invalidf("contract_value", "pj.bad_amount")
	}
	p.ContractValue = v
	if s := strings.TrimSpace(form.Get("rate")); s != "" {
		if p.Rate, err = contrib.ParseRate(s); err != nil {
			return p, apperr.Invalidf("rate", "pj.bad_rate")
		}
	}
	return p, nil
}

func (h *handlers) registerSubmit(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("", "pj.bad_form")
	}
	form := map[string]string{}
	for _, k := range []string{"project_code", "uscc", "name", "region", "contract_value", "start_date", "end_date", "rate"} {
		form[k] = r.PostForm.Get(k)
	}
	if employerOnly(u) {
		form["uscc"] = u.EmployerUSCC
		r.PostForm.Set("uscc", u.EmployerUSCC)
	}
	p, err := formProject(r.PostForm)
	if err == nil {
		if err = mayRegister(u, p); err == nil {
			p, err = projectstore.Register(r.Context(), h.s.DB, web.ActorOf(r), p)
		}
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict || apperr.CodeOf(err) == apperr.NotFound {
			e := apperr.As(err)
			err = apperr.Invalidf(e.Field, e.Message, e.Args...)
		}
		errs, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		h.s.Render(w, r, http.StatusUnprocessableEntity, "project_new", newData{Form: form, Errors: errs, Own: employerOnly(u)})
		return nil
	}
	http.Redirect(w, r, "/projects/"+url.PathEscape(p.Code)+"?done=registered", http.StatusSeeOther)
	return nil
}

type detailData struct {
	D         projectstore.Detail
	Roster    []rosterView
	Accidents []accidentView
	Form      map[string]string
	Errors    map[string]string
	Done      string
	MayPay    bool
	Today     string
}

func (h *handlers) renderDetail(w http.ResponseWriter, r *http.Request, status int, p project.Project, form, errs map[string]string) error {
	d, err := projectstore.Load(r.Context(), h.s.DB, p.Code)
	if err != nil {
		return err
	}
	v := detailData{D: d, Form: form, Errors: errs, Done: r.URL.Query().Get("done"), MayPay: PermPay.Allows(web.CurrentUser(r)),
		Today: localNow().Format("2006-01-02")}
	for _, l := range d.Roster {
		v.Roster = append(v.Roster, rosterView{l, privacy.MaskID(l.IDNumber)})
	}
	for _, a := range d.Accidents {
		v.Accidents = append(v.Accidents, accidentView{a, privacy.MaskID(a.IDNumber)})
	}
	if v.Form == nil {
		v.Form = map[string]string{"from_date": v.Today, "to_date": v.Today, "paid_on": v.Today}
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	h.s.Render(w, r, status, "project_detail", v)
	return nil
}

func (h *handlers) detailPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.projectFor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	return h.renderDetail(w, r, http.StatusOK, p, nil, nil)
}

// act runs one of the detail page's forms: on success it redirects back with a done note; an
// invalid or conflicting input shows the page again with the form's values and the error
// under its field (prefixed with the form's name, so two forms never share an error).
func (h *handlers) act(w http.ResponseWriter, r *http.Request, name string, fields []string, do func(p project.Project, form url.Values) error) error {
	p, err := h.projectFor(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("", "pj.bad_form")
	}
	if err := do(p, r.PostForm); err != nil {
		if c := apperr.CodeOf(err); c == apperr.Conflict || (c == apperr.NotFound && apperr.As(err).Message != "pj.not_found") {
			e := apperr.As(err)
			err = apperr.Invalidf(e.Field, e.Message, e.Args...)
		}
		errs, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		form := map[string]string{}
		for _, f := range fields {
			form[f] = r.PostForm.Get(f)
		}
		prefixed := map[string]string{}
		for k, v := range errs {
			if !slices.Contains(fields, k) {
				k = "_" // a field the form does not show: the message goes on top of the form
			}
			prefixed[name+"."+k] = v
		}
		return h.renderDetail(w, r, http.StatusUnprocessableEntity, p, form, prefixed)
	}
	http.Redirect(w, r, "/projects/"+url.PathEscape(p.Code)+"?done="+name, http.StatusSeeOther)
	return nil
}

func (h *handlers) paySubmit(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "pay", []string{"paid_on"}, func(p project.Project, f url.Values) error {
		_, err := projectstore.Pay(r.Context(), h.s.DB, web.ActorOf(r), p.Code, strings.TrimSpace(f.Get("paid_on")), clock())
		return err
	})
}

// formBase reads an optional monthly base in yuan.
func formBase(s string) (*money.Amount, error) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, nil
	}
	b, err := money.Parse(s)
	if err != nil || b <= 0 {
		return nil, apperr.Invalidf("monthly_base", "pj.bad_amount")
	}
	return &b, nil
}

func (h *handlers) rosterSubmit(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "roster", []string{"id_number", "name", "from_date", "monthly_base"}, func(p project.Project, f url.Values) error {
		base, err := formBase(f.Get("monthly_base"))
		if err != nil {
			return err
		}
		_, err = projectstore.AddToRoster(r.Context(), h.s.DB, h.enroll, web.ActorOf(r), p.Code,
			enroll.Person{IDNumber: strings.ToUpper(strings.TrimSpace(f.Get("id_number"))), Name: f.Get("name")}, strings.TrimSpace(f.Get("from_date")), base, clock())
		return err
	})
}

func (h *handlers) leaveSubmit(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "leave", []string{"id_number", "to_date"}, func(p project.Project, f url.Values) error {
		_, err := projectstore.Leave(r.Context(), h.s.DB, h.enroll, web.ActorOf(r), p.Code,
			strings.ToUpper(strings.TrimSpace(f.Get("id_number"))), strings.TrimSpace(f.Get("to_date")), clock())
		if apperr.CodeOf(err) == apperr.NotFound {
			return apperr.Invalidf("id_number", "pj.not_on_roster")
		}
		return err
	})
}

func (h *handlers) accidentSubmit(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "accident", []string{"id_number", "occurred_at", "description"}, func(p project.Project, f url.Values) error {
		_, err := projectstore.ReportAccident(r.Context(), h.s.DB, web.ActorOf(r), project.Accident{ProjectCode: p.Code,
			IDNumber: strings.ToUpper(strings.TrimSpace(f.Get("id_number"))), OccurredAt: strings.TrimSpace(f.Get("occurred_at")),
			ReportedAt: localNow().Format(project.DateTime), Description: f.Get("description")}, clock())
		return err
	})
}
