package prevui

import (
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/enroll"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/web"
)

// findEmployer opens an employer's prevention file from a code typed in (?uscc=), or shows
// the search form with the region's targets of last year to pick from.
func (h *handlers) findEmployer(w http.ResponseWriter, r *http.Request) error {
	if u := strings.TrimSpace(r.FormValue("uscc")); u != "" {
		http.Redirect(w, r, "/prevention/employers/"+u, http.StatusSeeOther)
		return nil
	}
	reg, err := region(r)
	if err != nil {
		return err
	}
	ts, err := prevstore.Targets(r.Context(), h.db, reg, defaultYear())
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "prev_find", map[string]any{"Targets": ts, "Year": defaultYear()})
	return nil
}

type fileData struct {
	F       prevstore.EmployerFile
	Kinds   []string
	Factors []prevention.Code
	Health  bool
	Form    map[string]string
	Errors  map[string]string
	Notice  string
}

// scopedEmployer loads the employer of the path; one outside the user's region does not
// exist for them. Errors: not_found.
func (h *handlers) scopedEmployer(r *http.Request) (enroll.Employer, error) {
	e, err := enroll.GetEmployer(r.Context(), h.db, r.PathValue("uscc"))
	if err != nil {
		return e, err
	}
	return e, scoped(r, e.Region)
}

func (h *handlers) renderFile(w http.ResponseWriter, r *http.Request, status int, d fileData) error {
	e, err := h.scopedEmployer(r)
	if err != nil {
		return err
	}
	if d.F, err = prevstore.GetEmployerFile(r.Context(), h.db, e.USCC); err != nil {
		return err
	}
	d.Kinds, d.Factors = prevstore.FileKinds, prevention.HazardFactors
	d.Health = prevention.CanSeeHealthData(web.CurrentUser(r).Roles)
	if d.Form == nil {
		d.Form = map[string]string{"on": today(), "declared_on": today(), "kind": "visit", "factor": "dust"}
	}
	if d.Notice == "" {
		d.Notice = flash(r)
	}
	h.s.Render(w, r, status, "prev_file", d)
	return nil
}

// employerFile is the one page of an employer's prevention file (一企一策、一企一档): hazards,
// plan, training history, visits and inspections, accidents, guidance.
func (h *handlers) employerFile(w http.ResponseWriter, r *http.Request) error {
	return h.renderFile(w, r, http.StatusOK, fileData{})
}

func (h *handlers) filePost(w http.ResponseWriter, r *http.Request, f map[string]string, ok string, act func(e enroll.Employer) error) error {
	e, err := h.scopedEmployer(r)
	if err != nil {
		return err
	}
	if err = act(e); err == nil {
		http.Redirect(w, r, "/prevention/employers/"+e.USCC+"?ok="+ok, http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderFile(w, r, status, fileData{Form: f, Errors: fe})
}

func (h *handlers) addEntry(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "kind", "on", "summary")
	return h.filePost(w, r, f, "entry", func(e enroll.Employer) error {
		_, err := prevstore.AddFileEntry(r.Context(), h.db, web.ActorOf(r), prevstore.FileEntry{USCC: e.USCC, Kind: f["kind"], On: f["on"], Summary: f["summary"]})
		return err
	})
}

func (h *handlers) declareHazard(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "factor", "detail", "workers", "declared_on")
	return h.filePost(w, r, f, "hazard", func(e enroll.Employer) error {
		n := 0
		if f["workers"] != "" {
			var err error
			if n, err = strconv.Atoi(f["workers"]); err != nil {
				return apperr.Invalidf("workers", "pv.err.count")
			}
		}
		_, err := prevstore.DeclareHazard(r.Context(), h.db, web.ActorOf(r), prevstore.Hazard{USCC: e.USCC, Factor: f["factor"],
			Detail: f["detail"], Workers: n, DeclaredOn: f["declared_on"]})
		return err
	})
}
