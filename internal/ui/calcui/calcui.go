// Package calcui is the web face of the benefit calculator (issue 3): POST /api/v1/calc as
// spec/calc-contract.md fixes it, the public calculator page (公众工伤待遇测算) for workers and
// employers, the caseworkers' calculation page with the region's parameters filled in and a
// printable benefit notice (待遇核定表), and the policy pages where the provincial tables and
// every effective-dated parameter of a region are shown and edited.
//
// Permissions (security.md):
//
//   - calc.public (auth.Public): the API and the public page. They hold no personal data, so
//     they need no login; a per-IP token bucket (60 a minute) limits them.
//   - calc.staff: benefits reviewer, teller, determination officer, assessment secretary.
//   - policy.read: the back-office roles whose work depends on the parameters.
//   - policy.edit: the fund officer only. Parameters decide how much public money is paid, so
//     they are business data kept by the fund/finance office; the system administrator runs
//     the system and, under 三员分立, does not set what it pays. An officer edits only regions
//     within their scope, and every change is audited with before and after in the same
//     transaction.
package calcui

import (
	"embed"
	"io/fs"
	"net/http"

	"wiis/internal/auth"
	"wiis/internal/benefit"
	"wiis/internal/store"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed print.css
var printCSS []byte

// Permissions of the calculator and policy pages.
var (
	PermPublic     = auth.Perm{Name: "calc.public", Public: true}
	PermStaff      = auth.NewPerm("calc.staff", auth.BenefitsReviewer, auth.Teller, auth.DeterminationOfficer, auth.AssessmentSecretary)
	PermPolicyRead = auth.NewPerm("policy.read", auth.BenefitsReviewer, auth.Teller, auth.DeterminationOfficer,
		auth.AssessmentSecretary, auth.PaymentOfficer, auth.FundOfficer, auth.RiskInvestigator, auth.SysAdmin)
	PermPolicyEdit = auth.NewPerm("policy.edit", auth.FundOfficer)
)

// RatePerMinute is how many calculations one IP address may ask for a minute (API and public
// page together).
const RatePerMinute = 60

func init() {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		panic(err)
	}
	web.Register(web.Module{
		Name:      "calc",
		Templates: sub,
		Messages:  messages,
		Install: func(s *web.Server) {
			h := &handlers{s: s, db: s.DB, limit: NewLimiter(RatePerMinute)}
			for _, rt := range []web.Route{
				{Method: "POST", Pattern: "/api/v1/calc", Perm: PermPublic, Handler: h.apiCalc, MaxBody: benefit.MaxInput + 1,
					API: &web.APIDoc{Summary: "工伤待遇测算 / Calculate work-injury benefits",
						Description: "spec/calc-contract.md: one JSON case in, the itemised answer out; 422 {\"error\": {\"field\", \"message\"}} for bad input, 429 when the caller's rate limit (60 a minute per IP) is spent. No login; holds no personal data.",
						Request:     benefit.Case{}, Response: benefit.Result{}}},
				{Method: "GET", Pattern: "/calc", Perm: PermPublic, Handler: h.publicPage, Nav: "calc.public_nav"},
				{Method: "POST", Pattern: "/calc", Perm: PermPublic, Handler: h.publicSubmit},
				{Method: "GET", Pattern: "/calc/print.css", Perm: PermPublic, Handler: servePrintCSS},
				{Method: "GET", Pattern: "/benefits/calc", Perm: PermStaff, Handler: h.staffPage, Nav: "calc.staff_nav"},
				{Method: "POST", Pattern: "/benefits/calc", Perm: PermStaff, Handler: h.staffSubmit},
				{Method: "GET", Pattern: "/policy", Perm: PermPolicyRead, Handler: h.policyIndex, Nav: "policy.nav"},
				{Method: "GET", Pattern: "/policy/{region}", Perm: PermPolicyRead, Handler: h.policyRegion},
				{Method: "POST", Pattern: "/policy/{region}", Perm: PermPolicyEdit, Handler: h.policyPut},
			} {
				s.Handle(rt)
			}
		},
	})
}

// handlers hold what the routes of one server share.
type handlers struct {
	s     *web.Server
	db    *store.DB
	limit *Limiter
}

func servePrintCSS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(printCSS)
	return err
}
