package supui

import (
	"net/http"
	"strconv"

	"wiis/internal/apperr"
	"wiis/internal/money"
	"wiis/internal/supervise/supstore"
	"wiis/internal/web"
)

type instView struct {
	Year   int
	List   []instRow
	CanAct bool
	Today  string
	Errors map[string]string
}

type instRow struct {
	supstore.Institution
	A *supstore.InstAssessment
}

func (h *handlers) institutions(w http.ResponseWriter, r *http.Request) error {
	return h.showInstitutions(w, r, nil, http.StatusOK)
}

func (h *handlers) showInstitutions(w http.ResponseWriter, r *http.Request, errs map[string]string, status int) error {
	u := web.CurrentUser(r)
	year, err := supstore.ParseYear(r.FormValue("year"), clock().Year()-1)
	if err != nil {
		year, errs = clock().Year()-1, map[string]string{"year": web.T(web.Lang(r), "sup.err.year")}
	}
	ins, err := h.sup.Institutions(r.Context(), u.Region)
	if err != nil {
		return err
	}
	as, err := h.sup.Assessments(r.Context(), u.Region, year)
	if err != nil {
		return err
	}
	by := map[string]*supstore.InstAssessment{}
	for i := range as {
		by[as[i].Code] = &as[i]
	}
	v := instView{Year: year, CanAct: PermInstWrite.Allows(u), Today: today(), Errors: errs}
	for _, in := range ins {
		v.List = append(v.List, instRow{Institution: in, A: by[in.Code]})
	}
	h.s.Render(w, r, status, "sup_institutions", v)
	return nil
}

func (h *handlers) instInScope(r *http.Request, code string) error {
	var region string
	if err := h.s.DB.QueryRow(r.Context(), `SELECT region FROM medical_institutions WHERE code = ?`, code).Scan(&region); err != nil {
		return apperr.NotFoundf("sup.err.not_found")
	}
	return inScope(r, region)
}

func (h *handlers) assess(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if err := h.instInScope(r, code); err != nil {
		return err
	}
	year, err := supstore.ParseYear(r.FormValue("year"), 0)
	if err == nil {
		var a supstore.InstAssessment
		if a, err = h.sup.ProposeAssessment(r.Context(), web.ActorOf(r), code, year); err == nil {
			return redirect(w, r, "/supervise/assessments/"+strconv.FormatInt(a.ID, 10))
		}
	}
	fe, err := web.FieldErrors(r, err)
	if err != nil {
		return err
	}
	return h.showInstitutions(w, r, fe, http.StatusUnprocessableEntity)
}

func (h *handlers) complaint(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if err := h.instInScope(r, code); err != nil {
		return err
	}
	_, err := h.sup.AddComplaint(r.Context(), web.ActorOf(r), code, r.FormValue("on"), r.FormValue("summary"), r.FormValue("substantiated") == "1")
	if err != nil {
		fe, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		return h.showInstitutions(w, r, fe, http.StatusUnprocessableEntity)
	}
	return redirect(w, r, "/supervise/institutions?year="+r.FormValue("year"))
}

type assessmentView struct {
	A         supstore.InstAssessment
	CanDecide bool
	Refusal   string
	Cost      string
	OnTime    string
	// Money figures in yuan.
	Refused, Billed, CostPerCase, PeerCost string
	Errors                                 map[string]string
}

func (h *handlers) assessmentPage(w http.ResponseWriter, r *http.Request) error {
	return h.showAssessment(w, r, nil, http.StatusOK)
}

func (h *handlers) showAssessment(w http.ResponseWriter, r *http.Request, errs map[string]string, status int) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.sup.Assessment(r.Context(), id)
	if err != nil {
		return err
	}
	if err := inScope(r, a.Region); err != nil {
		return err
	}
	u := web.CurrentUser(r)
	h.s.Render(w, r, status, "sup_assessment", assessmentView{A: a, Errors: errs,
		CanDecide: PermInstWrite.Allows(u) && a.State == "proposed" && a.ProposedBy != u.Username,
		Refusal:   FormatBP(a.Indicators.RefusalBP), Cost: FormatBP(a.Indicators.CostBP), OnTime: FormatBP(a.Indicators.OnTimeBP),
		Refused: money.Amount(a.Indicators.Refused).Grouped(), Billed: money.Amount(a.Indicators.Billed).Grouped(),
		CostPerCase: money.Amount(a.Indicators.CostPerCase).Grouped(), PeerCost: money.Amount(a.Indicators.PeerCost).Grouped()})
	return nil
}

func (h *handlers) assessmentDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.sup.Assessment(r.Context(), id)
	if err != nil {
		return err
	}
	if err := inScope(r, a.Region); err != nil {
		return err
	}
	version, _ := formInt(r, "version")
	if _, err := h.sup.DecideAssessment(r.Context(), web.ActorOf(r), id, int(version), r.FormValue("decision") == "approve", r.FormValue("note")); err != nil {
		if apperr.CodeOf(err) == apperr.Internal {
			return err
		}
		return h.showAssessment(w, r, map[string]string{"_": web.T(web.Lang(r), apperr.As(err).Message, apperr.As(err).Args...)}, web.HTTPStatus(err))
	}
	return redirect(w, r, "/supervise/assessments/"+strconv.FormatInt(id, 10))
}
