// Package counterui is the one-window counter and the online service hall in the browser and
// the JSON API (issue 9; spec/fund-and-service.md, second half; security.md): the integrated
// teller's workstation (one search box, the person's and the employer's whole picture, any
// catalogue item started from there, receipts), the internal-control review of the back
// office, the time-limit figures, the catalogue editor, the yearly floating-rate run and its
// four-eyes review, the employer portal and the worker's self-service. It holds no rules: it
// calls enroll, contribstore and counterstore, and other modules add sections to the person
// and employer pages through package panels.
//
// Who does what (our choice, documented here and in the route table):
//   - teller: the workstation, starting items, receipts;
//   - the back-office roles named in an item's catalogue roles (determination officer,
//     assessment secretary, medical auditor, prevention officer, benefits reviewer) review the
//     pending tickets of those items in their region — the reviewer's authority is the
//     catalogue's role list;
//   - internal control (内控: benefits reviewer and risk investigator) samples immediate items
//     for after-the-fact review and sees every teller's actions;
//   - fund officer runs the floating-rate evaluation and another fund officer approves it;
//   - sysadmin edits the catalogue; employer and worker use the portal and self-service.
package counterui

import (
	"embed"
	"io/fs"
	"net/http"
	"time"

	"wiis/internal/auth"
	"wiis/internal/enroll"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// counterCSS is the module's stylesheet: the layout links only the core one, and the CSP
// forbids inline styles, so the pages link this one (phone-sized layouts of the portal).
//
//go:embed counter.css
var counterCSS []byte

func serveCSS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(counterCSS)
	return err
}

// reviewRoles are the back-office roles that decide pending tickets of their items.
var reviewRoles = []auth.Role{auth.DeterminationOfficer, auth.AssessmentSecretary, auth.MedicalAuditor,
	auth.PreventionOfficer, auth.BenefitsReviewer}

// Permissions of the counter module.
var (
	PermDesk      = auth.NewPerm("counter.desk", auth.Teller)
	PermTicket    = auth.NewPerm("counter.ticket.read", append([]auth.Role{auth.Teller, auth.RiskInvestigator}, reviewRoles...)...)
	PermReview    = auth.NewPerm("counter.review", reviewRoles...)
	PermControl   = auth.NewPerm("counter.control", auth.BenefitsReviewer, auth.RiskInvestigator)
	PermFigures   = auth.NewPerm("counter.figures", append([]auth.Role{auth.Teller, auth.RiskInvestigator, auth.FundOfficer}, reviewRoles...)...)
	PermCatalogue = auth.NewPerm("counter.catalogue", auth.SysAdmin)
	PermFloat     = auth.NewPerm("rate.float", auth.FundOfficer)
	PermPortal    = auth.NewPerm("portal.employer", auth.Employer)
	// PermContact changes persons' and employers' contact phones: the teller's, since the
	// counter is where people and employers give and update them.
	PermContact = auth.NewPerm("counter.contact", auth.Teller)
	// PermRevealPhone shows an employer's full contact phone (audited): the teller, who calls
	// the employer's contact about its items.
	PermRevealPhone = auth.NewPerm("counter.phone.reveal", auth.Teller)
	PermSelf        = auth.NewPerm("portal.worker", auth.Worker)

	PermAPIEnrollRead  = auth.NewPerm("api.enrollment.read", auth.Teller, auth.Employer)
	PermAPIEnrollWrite = auth.NewPerm("api.enrollment.write", auth.Teller, auth.Employer)
	PermAPIPerson      = auth.NewPerm("api.person.read", auth.Teller, auth.BenefitsReviewer, auth.Worker)
	PermAPIStatement   = auth.NewPerm("api.statement.read", auth.Teller, auth.FundOfficer, auth.Employer)
	PermAPISearch      = auth.NewPerm("api.search", auth.Teller)
)

// clock is the time handlers act at; tests set it.
var clock = time.Now

type handlers struct {
	s      *web.Server
	enroll *enroll.Service
}

func init() {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	registerPanels()
	web.Register(web.Module{Name: "counter", Templates: sub, Messages: messages, Install: install})
}

func install(s *web.Server) {
	h := &handlers{s: s, enroll: &enroll.Service{DB: s.DB, Now: func() time.Time { return clock() }}}
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/ui/counter.css", Perm: auth.Public, Handler: serveCSS},
		{Method: "GET", Pattern: "/counter", Perm: PermDesk, Handler: h.desk, Nav: "cu.counter.nav"},
		{Method: "GET", Pattern: "/counter/persons/{id}", Perm: PermDesk, Handler: h.personPage},
		{Method: "GET", Pattern: "/counter/employers/{uscc}", Perm: PermDesk, Handler: h.employerPage},
		{Method: "POST", Pattern: "/counter/persons/{id}/phone", Perm: PermContact, Handler: h.personPhone},
		{Method: "POST", Pattern: "/counter/employers/{uscc}/contact", Perm: PermContact, Handler: h.employerContact},
		{Method: "POST", Pattern: "/counter/employers/{uscc}/reveal/phone", Perm: PermRevealPhone, Handler: h.employerRevealPhone},
		{Method: "GET", Pattern: "/counter/start/{code}", Perm: PermDesk, Handler: h.startForm},
		{Method: "POST", Pattern: "/counter/start/{code}", Perm: PermDesk, Handler: h.startSubmit, MaxBody: maxStartBody},
		{Method: "GET", Pattern: "/counter/tickets/{id}", Perm: PermTicket, Handler: h.receiptPage},
		{Method: "GET", Pattern: "/counter/tickets/{id}/files/{file}", Perm: PermTicket, Handler: h.ticketFile},
		{Method: "GET", Pattern: "/counter/figures", Perm: PermFigures, Handler: h.figuresPage, Nav: "cu.figures.nav"},

		{Method: "GET", Pattern: "/review", Perm: PermReview, Handler: h.reviewQueue, Nav: "cu.review.nav"},
		{Method: "POST", Pattern: "/review/{id}", Perm: PermReview, Handler: h.reviewDecide},
		{Method: "GET", Pattern: "/review/control", Perm: PermControl, Handler: h.controlPage, Nav: "cu.control.nav"},
		{Method: "POST", Pattern: "/review/control/sample", Perm: PermControl, Handler: h.controlSample},

		{Method: "GET", Pattern: "/admin/catalogue", Perm: PermCatalogue, Handler: h.cataloguePage, Nav: "cu.catalogue.nav"},
		{Method: "GET", Pattern: "/admin/catalogue/{code}", Perm: PermCatalogue, Handler: h.itemPage},
		{Method: "POST", Pattern: "/admin/catalogue/{code}", Perm: PermCatalogue, Handler: h.itemSave},

		{Method: "GET", Pattern: "/rates/float", Perm: PermFloat, Handler: h.floatPage, Nav: "cu.float.nav"},
		{Method: "POST", Pattern: "/rates/float/run", Perm: PermFloat, Handler: h.floatRun},
		{Method: "POST", Pattern: "/rates/float/{uscc}/{effective}", Perm: PermFloat, Handler: h.floatDecide},

		{Method: "GET", Pattern: "/portal", Perm: PermPortal, Handler: h.portalHome, Nav: "cu.portal.nav"},
		{Method: "GET", Pattern: "/portal/enrollment", Perm: PermPortal, Handler: h.portalEnrollment, Nav: "cu.portal.enroll_nav"},
		{Method: "POST", Pattern: "/portal/enrollment", Perm: PermPortal, Handler: h.portalEnrollmentSubmit},
		{Method: "GET", Pattern: "/portal/bills", Perm: PermPortal, Handler: h.portalBills, Nav: "cu.portal.bills_nav"},
		{Method: "GET", Pattern: "/portal/apply/{code}", Perm: PermPortal, Handler: h.portalApply},
		{Method: "POST", Pattern: "/portal/apply/{code}", Perm: PermPortal, Handler: h.portalApplySubmit},
		{Method: "GET", Pattern: "/portal/tickets/{id}", Perm: PermPortal, Handler: h.portalReceipt},

		{Method: "GET", Pattern: "/me", Perm: PermSelf, Handler: h.selfHome, Nav: "cu.self.nav"},
		{Method: "GET", Pattern: "/me/payments", Perm: PermSelf, Handler: h.selfPayments, Nav: "cu.self.payments_nav"},
		{Method: "GET", Pattern: "/me/medical", Perm: PermSelf, Handler: h.selfMedical, Nav: "cu.self.medical_nav"},
		{Method: "POST", Pattern: "/me/medical", Perm: PermSelf, Handler: h.selfMedicalSubmit},
		{Method: "GET", Pattern: "/me/tickets/{id}", Perm: PermSelf, Handler: h.selfReceipt},
	} {
		s.Handle(rt)
	}
	h.installAPI()
}
