// Package projectui is the browser pages and JSON API of project-based enrollment for
// construction (spec/contributions.md, 同舟计划; issue 4 item 4): registering a project at the
// policy rate, its one-time premium and the record of its payment, the real-name roster and
// the 48-hour accident report. It holds no rules: it calls projectstore (and through it
// enroll.Service), and adds a "projects" section to the teller's employer page (package
// panels).
//
// Who does what (our choice):
//   - teller: every project of their region — register, roster, accident reports — and the
//     premium's payment (money received at the counter or by bank transfer is recorded by
//     the counter, as the counter records collections);
//   - employer (portal): only its own projects as contractor — register (declare), keep the
//     roster current, report accidents; never record a payment.
//
// Accident report times are the server's clock when the report is made, never typed in, so
// the 48-hour flag (R10's reading) cannot be talked round.
package projectui

import (
	"embed"
	"io/fs"
	"net/http"
	"slices"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/calendar"
	"wiis/internal/enroll"
	"wiis/internal/project"
	"wiis/internal/project/projectstore"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Permissions of the project module.
var (
	PermProjects = auth.NewPerm("project.use", auth.Teller, auth.Employer)
	PermPay      = auth.NewPerm("project.pay", auth.Teller)
)

// clock is the time handlers act at; tests set it.
var clock = time.Now

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai

func localNow() time.Time { return clock().In(shanghai) }

type handlers struct {
	s      *web.Server
	enroll *enroll.Service
}

func init() {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	registerPanel()
	web.Register(web.Module{Name: "project", Templates: sub, Messages: messages, Install: install})
}

func install(s *web.Server) {
	h := &handlers{s: s, enroll: &enroll.Service{DB: s.DB, Now: func() time.Time { return clock() }}}
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/projects", Perm: PermProjects, Handler: h.listPage, Nav: "pj.nav"},
		{Method: "GET", Pattern: "/projects/new", Perm: PermProjects, Handler: h.newPage},
		{Method: "POST", Pattern: "/projects", Perm: PermProjects, Handler: h.registerSubmit},
		{Method: "GET", Pattern: "/projects/{code}", Perm: PermProjects, Handler: h.detailPage},
		{Method: "POST", Pattern: "/projects/{code}/pay", Perm: PermPay, Handler: h.paySubmit},
		{Method: "POST", Pattern: "/projects/{code}/roster", Perm: PermProjects, Handler: h.rosterSubmit},
		{Method: "POST", Pattern: "/projects/{code}/roster/leave", Perm: PermProjects, Handler: h.leaveSubmit},
		{Method: "POST", Pattern: "/projects/{code}/accidents", Perm: PermProjects, Handler: h.accidentSubmit},
	} {
		s.Handle(rt)
	}
	h.installAPI()
}

// employerOnly reports whether u acts only for its own employer (the portal), not as staff
// with a region scope.
func employerOnly(u *auth.User) bool {
	return !slices.ContainsFunc(u.Roles, func(r auth.Role) bool { return r != auth.Employer && r != auth.Worker })
}

// filterFor is the caller's view of the projects: staff their region, an employer its own.
func filterFor(u *auth.User) projectstore.Filter {
	if employerOnly(u) {
		uscc := u.EmployerUSCC
		if uscc == "" {
			uscc = "-" // an employer account not linked to an employer sees nothing
		}
		return projectstore.Filter{USCC: uscc}
	}
	return projectstore.Filter{RegionPrefix: auth.ScopePrefix(u.Region)}
}

// projectFor returns a project the caller may see; any other does not exist for them.
// Codes: not_found.
func (h *handlers) projectFor(r *http.Request, code string) (project.Project, error) {
	u := web.CurrentUser(r)
	p, err := projectstore.Get(r.Context(), h.s.DB, code)
	if apperr.CodeOf(err) == apperr.NotFound || (err == nil && !sees(u, p)) {
		return project.Project{}, apperr.NotFoundf("pj.not_found")
	}
	return p, err
}

func sees(u *auth.User, p project.Project) bool {
	if employerOnly(u) {
		return u.EmployerUSCC != "" && u.EmployerUSCC == p.USCC
	}
	return u.Sees(p.Region)
}

// mayRegister checks that the caller may register a project of this contractor in this
// region. Codes: invalid.
func mayRegister(u *auth.User, p project.Project) error {
	if employerOnly(u) {
		if u.EmployerUSCC == "" || p.USCC != u.EmployerUSCC {
			return apperr.Invalidf("uscc", "pj.own_only")
		}
		return nil
	}
	if !u.Sees(p.Region) {
		return apperr.Invalidf("region", "pj.region_outside")
	}
	return nil
}
