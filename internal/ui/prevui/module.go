// Package prevui is prevention and rehabilitation in the browser (issue 11,
// spec/prevention-rehab.md): targeting with the figures behind every rank and the target list
// in Excel; the prevention committee; prevention projects with their spending posted to the
// fund ledger within the prevention-fee cap and the before/after view of the trained
// employers; the employer prevention file (一企一策、一企一档); occupational health
// surveillance; rehabilitation cases walked step by step; the leaders' figures as SVG charts,
// tables and Excel; and a worker's history as one story. It holds no rules: it calls
// prevention and prevstore, and adds sections to the person and employer pages through
// package panels.
//
// Who does what (our choice, documented here and in the route table):
//   - prevention officer: targeting, committee, projects and spending, employer files;
//   - health data (examinations, suspected cases, rehabilitation cases, a worker's history)
//     only to prevention.HealthDataRoles (security.md); of those, the prevention officer,
//     the determination officer and the assessment secretary record and act (screening
//     proposals come from determination and assessment), the medical auditor reads;
//   - leaders' figures: prevention officer and fund officer (no health data in them).
package prevui

import (
	"embed"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/store"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Permissions of the prevention module.
var (
	PermPrevention  = auth.NewPerm("prevention.work", auth.PreventionOfficer)
	PermHealthRead  = auth.NewPerm("health.read", prevention.HealthDataRoles()...)
	PermHealthWrite = auth.NewPerm("health.write", auth.PreventionOfficer, auth.DeterminationOfficer, auth.AssessmentSecretary)
	PermFigures     = auth.NewPerm("prevention.figures", auth.PreventionOfficer, auth.FundOfficer)
)

// clock is the time handlers act at; tests set it.
var clock = time.Now

type handlers struct {
	s  *web.Server
	db *store.DB
}

func init() {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	registerPanels()
	web.Register(web.Module{Name: "prevention", Templates: sub, Messages: messages(), Install: install})
}

func install(s *web.Server) {
	h := &handlers{s: s, db: s.DB}
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/prevention/targeting", Perm: PermPrevention, Handler: h.targeting, Nav: "pv.nav.targeting"},
		{Method: "GET", Pattern: "/prevention/targeting/targets.xlsx", Perm: PermPrevention, Handler: h.targetsXLSX},
		{Method: "GET", Pattern: "/prevention/committee", Perm: PermPrevention, Handler: h.committee, Nav: "pv.nav.committee"},
		{Method: "POST", Pattern: "/prevention/committee/members", Perm: PermPrevention, Handler: h.addMember},
		{Method: "POST", Pattern: "/prevention/committee/meetings", Perm: PermPrevention, Handler: h.addMeeting},
		{Method: "GET", Pattern: "/prevention/projects", Perm: PermPrevention, Handler: h.projects, Nav: "pv.nav.projects"},
		{Method: "POST", Pattern: "/prevention/projects", Perm: PermPrevention, Handler: h.createProject},
		{Method: "GET", Pattern: "/prevention/projects/{id}", Perm: PermPrevention, Handler: h.project},
		{Method: "POST", Pattern: "/prevention/projects/{id}/participants", Perm: PermPrevention, Handler: h.addParticipants},
		{Method: "POST", Pattern: "/prevention/projects/{id}/results", Perm: PermPrevention, Handler: h.recordResults},
		{Method: "POST", Pattern: "/prevention/projects/{id}/spend", Perm: PermPrevention, Handler: h.spend},
		{Method: "GET", Pattern: "/prevention/employers", Perm: PermPrevention, Handler: h.findEmployer, Nav: "pv.nav.files"},
		{Method: "GET", Pattern: "/prevention/employers/{uscc}", Perm: PermPrevention, Handler: h.employerFile},
		{Method: "POST", Pattern: "/prevention/employers/{uscc}/entries", Perm: PermPrevention, Handler: h.addEntry},
		{Method: "POST", Pattern: "/prevention/employers/{uscc}/hazards", Perm: PermPrevention, Handler: h.declareHazard},
		{Method: "GET", Pattern: "/prevention/figures", Perm: PermFigures, Handler: h.figures, Nav: "pv.nav.figures"},
		{Method: "GET", Pattern: "/prevention/figures.xlsx", Perm: PermFigures, Handler: h.figuresXLSX},

		{Method: "GET", Pattern: "/health", Perm: PermHealthRead, Handler: h.healthHome, Nav: "pv.nav.health"},
		{Method: "GET", Pattern: "/health/employers/{uscc}", Perm: PermHealthRead, Handler: h.healthEmployer},
		{Method: "POST", Pattern: "/health/employers/{uscc}/exams", Perm: PermHealthWrite, Handler: h.recordExam},
		{Method: "POST", Pattern: "/health/suspects/{id}", Perm: PermHealthWrite, Handler: h.followUp},
		{Method: "GET", Pattern: "/health/workers/{id}", Perm: PermHealthRead, Views: "health.view", Handler: h.worker},
		{Method: "GET", Pattern: "/rehab", Perm: PermHealthRead, Handler: h.rehabList, Nav: "pv.nav.rehab"},
		{Method: "POST", Pattern: "/rehab", Perm: PermHealthWrite, Handler: h.openRehab},
		{Method: "GET", Pattern: "/rehab/{id}", Perm: PermHealthRead, Views: "rehab.view", Handler: h.rehabCase},
		{Method: "POST", Pattern: "/rehab/{id}/step", Perm: PermHealthWrite, Handler: h.stepRehab},
	} {
		s.Handle(rt)
	}
}

// viewer is the caller as the health-data rule sees them.
func viewer(r *http.Request) prevstore.Viewer {
	return prevstore.Viewer{Actor: web.ActorOf(r), Roles: web.CurrentUser(r).Roles}
}

// canWrite reports whether the caller may act on health records (PermHealthWrite).
func canWrite(r *http.Request) bool {
	u := web.CurrentUser(r)
	for _, ro := range u.Roles {
		if PermHealthWrite.AllowsRole(ro) {
			return true
		}
	}
	return false
}

// region reads ?region= (default: the user's own), which must lie in the user's scope.
// Errors: invalid.
func region(r *http.Request) (string, error) {
	u := web.CurrentUser(r)
	code := strings.TrimSpace(r.FormValue("region"))
	if code == "" {
		return u.Region, nil
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" || !u.Sees(code) {
		return "", apperr.Invalidf("region", "pv.err.region")
	}
	return code, nil
}

// year reads an optional year parameter, def when absent. Errors: invalid.
func year(r *http.Request, name string, def int) (int, error) {
	s := strings.TrimSpace(r.FormValue(name))
	if s == "" {
		return def, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		return 0, apperr.Invalidf(name, "pv.err.year")
	}
	return y, nil
}

// pathID reads a numeric path wildcard. Errors: not_found (a non-number names nothing).
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("pv.err.not_found")
	}
	return id, nil
}

// form collects the trimmed values of the named fields of a posted form.
func form(r *http.Request, names ...string) map[string]string {
	r.ParseForm()
	f := map[string]string{}
	for _, n := range names {
		f[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return f
}

func today() string { return clock().Format(time.DateOnly) }

// scoped answers not_found for a record outside the user's region: it does not exist for them.
func scoped(r *http.Request, region string) error {
	if !web.CurrentUser(r).Sees(region) {
		return apperr.NotFoundf("pv.err.not_found")
	}
	return nil
}

// flash reads the one-line notice a redirect after a successful post carries (?ok=key).
func flash(r *http.Request) string {
	k := r.URL.Query().Get("ok")
	if k == "" || !web.HasMessage("pv.ok."+k) {
		return ""
	}
	return "pv.ok." + k
}

// formFailure turns an invalid or conflict error into messages for a form shown again (422
// or 409); other errors go back for Fail.
func formFailure(r *http.Request, err error) (map[string]string, int, error) {
	if apperr.CodeOf(err) == apperr.Conflict {
		e := apperr.As(err)
		return map[string]string{"_": web.T(web.Lang(r), e.Message, e.Args...)}, http.StatusConflict, nil
	}
	fe, err := web.FieldErrors(r, err)
	return fe, http.StatusUnprocessableEntity, err
}
