package counterui

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/web"
)

// floatYear reads ?year= (default: next year, the year a run in autumn prepares).
func floatYear(r *http.Request) int {
	y, err := strconv.Atoi(r.FormValue("year"))
	if err != nil || y < 2000 || y > 2200 {
		return today().Year() + 1
	}
	return y
}

// floatPage lists the year's floating-rate evaluations of the region's employers with their
// figures; proposals can be approved or rejected there by another officer (four-eyes).
func (h *handlers) floatPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderFloat(w, r, http.StatusOK, "", nil)
}

type runResult struct {
	Proposed int
	Failed   map[string]string
}

func (h *handlers) renderFloat(w http.ResponseWriter, r *http.Request, status int, msg string, run *runResult) error {
	u := web.CurrentUser(r)
	year := floatYear(r)
	eff := fmt.Sprintf("%d-01-01", year)
	ps, err := contribstore.FloatProposals(r.Context(), h.s.DB, contribstore.FloatFilter{RegionPrefix: auth.ScopePrefix(u.Region), Effective: eff, Status: r.FormValue("status"), Limit: 2000})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, p := range ps {
		counts[p.Status]++
		counts["f"+p.Factor]++
	}
	h.s.Render(w, r, status, "counter_float", map[string]any{"Year": year, "Effective": eff, "Proposals": ps, "Counts": counts,
		"Status": r.FormValue("status"), "Statuses": []string{"proposed", "approved", "rejected"}, "Message": msg, "Run": run, "Me": u.Username})
	return nil
}

// floatRun evaluates every active employer of the user's region for the year (ProposeFloat
// each); an employer whose evaluation fails is listed with its reason and the rest go on.
func (h *handlers) floatRun(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	eff := fmt.Sprintf("%d-01-01", floatYear(r))
	ids, err := contribstore.ActiveEmployers(r.Context(), h.s.DB, auth.ScopePrefix(u.Region))
	if err != nil {
		return err
	}
	res := &runResult{Failed: map[string]string{}}
	for _, uscc := range ids {
		if err := r.Context().Err(); err != nil {
			return err
		}
		if _, err := contribstore.ProposeFloat(r.Context(), h.s.DB, web.ActorOf(r), uscc, eff); err != nil {
			e := apperr.As(err)
			if e.Code == apperr.Internal {
				return err
			}
			res.Failed[uscc] = web.T(web.Lang(r), e.Message, e.Args...)
			continue
		}
		res.Proposed++
	}
	return h.renderFloat(w, r, http.StatusOK, "", res)
}

// floatDecide approves or rejects one proposal; the proposer cannot (DecideFloat checks).
func (h *handlers) floatDecide(w http.ResponseWriter, r *http.Request) error {
	uscc, eff := r.PathValue("uscc"), r.PathValue("effective")
	if _, err := h.employerFor(r, uscc); err != nil {
		return err
	}
	if _, err := time.Parse("2006-01-02", eff); err != nil {
		return apperr.NotFoundf("cu.float.not_found")
	}
	err := contribstore.DecideFloat(r.Context(), h.s.DB, web.ActorOf(r), uscc, eff, r.PostFormValue("decision") == "approve")
	if err != nil {
		e := apperr.As(err)
		if e.Code == apperr.Internal {
			return err
		}
		return h.renderFloat(w, r, http.StatusConflict, web.T(web.Lang(r), e.Message, e.Args...), nil)
	}
	return h.renderFloat(w, r, http.StatusOK, "", nil)
}
