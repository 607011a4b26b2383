package fundweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/fund/pooling"
	"wiis/internal/web"
)

type poolingData struct {
	Province string
	Year     string
	Preview  *pooling.Run
	Runs     []pooling.Run
	CanWrite bool
	Errors   map[string]string
}

// province is the province of the user's region: the one whose pooling they see.
func province(r *http.Request) string { return web.CurrentUser(r).Region[:2] + "0000" }

func (h *handlers) renderPooling(w http.ResponseWriter, r *http.Request, status int, d poolingData) error {
	d.Province, d.CanWrite = province(r), canWrite(r)
	if d.Year == "" {
		d.Year = r.FormValue("year")
	}
	if d.Year == "" {
		d.Year = strconv.Itoa(time.Now().Year() - 1)
	}
	if d.Preview == nil && d.Errors == nil {
		if y, err := strconv.Atoi(d.Year); err == nil {
			if run, err := pooling.Compute(r.Context(), h.db, d.Province, y); err == nil {
				d.Preview = &run
			} else if apperr.CodeOf(err) != apperr.Invalid {
				return err
			}
		}
	}
	var err error
	if d.Runs, err = pooling.List(r.Context(), h.db, d.Province[:2], 50); err != nil {
		return err
	}
	h.render(w, r, "fund_pooling", d, status)
	return nil
}

func (h *handlers) poolingPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderPooling(w, r, http.StatusOK, poolingData{})
}

// poolingPropose stores a run for the year; only an officer whose scope covers the province
// may propose it.
func (h *handlers) poolingPropose(w http.ResponseWriter, r *http.Request) error {
	year := strings.TrimSpace(r.PostFormValue("year"))
	y, err := strconv.Atoi(year)
	var run pooling.Run
	switch {
	case err != nil:
		err = apperr.Invalidf("year", "fund.err.year")
	case !web.CurrentUser(r).Sees(province(r)):
		err = apperr.Invalidf("year", "fund.err.province_scope")
	default:
		run, err = pooling.Propose(r.Context(), h.db, web.ActorOf(r), province(r), y)
	}
	if err != nil {
		fe, err := formError(r, err)
		if err != nil {
			return err
		}
		return h.renderPooling(w, r, http.StatusUnprocessableEntity, poolingData{Year: year, Errors: fe})
	}
	http.Redirect(w, r, "/fund/pooling/"+strconv.FormatInt(run.ID, 10), http.StatusSeeOther)
	return nil
}

type runData struct {
	Run      pooling.Run
	Entries  []pooling.Entry
	CanWrite bool
	Own      bool
	Errors   map[string]string
	Notice   string
}

func (h *handlers) renderRun(w http.ResponseWriter, r *http.Request, status int, d runData) error {
	run, err := h.scopedRun(r)
	if err != nil {
		return err
	}
	d.Run, d.Entries = run, pooling.Entries(run)
	d.CanWrite = canWrite(r) && web.CurrentUser(r).Sees(run.Province)
	d.Own = run.ProposedBy == web.CurrentUser(r).Username
	h.render(w, r, "fund_run", d, status)
	return nil
}

func (h *handlers) runPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderRun(w, r, http.StatusOK, runData{})
}

func (h *handlers) runDecide(w http.ResponseWriter, r *http.Request) error {
	run, err := h.scopedRun(r)
	if err != nil {
		return err
	}
	decision := r.PostFormValue("decision")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	switch {
	case decision != "approve" && decision != "reject":
		err = apperr.Invalidf("decision", "fund.err.decision")
	case !web.CurrentUser(r).Sees(run.Province):
		err = apperr.Invalidf("decision", "fund.err.province_scope")
	default:
		_, err = pooling.Decide(r.Context(), h.db, web.ActorOf(r), run.ID, version, decision == "approve")
	}
	if err != nil {
		fe, err := formError(r, err)
		if err != nil {
			return err
		}
		return h.renderRun(w, r, http.StatusUnprocessableEntity, runData{Errors: fe})
	}
	return h.renderRun(w, r, http.StatusOK, runData{Notice: "fund.notice.decided"})
}
