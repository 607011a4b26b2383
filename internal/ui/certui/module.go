// Package certui is the browser side of eligibility certification and overpayment recovery
// (issue 12; spec/payroll.md "Eligibility certification" and "Overpayments"; security.md):
// the tellers' work list of who is due, due soon and overdue by office, certification at the
// counter or by home visit, printable notices, each beneficiary's history, the person-page
// panel, the worker's self-certification on a phone, the payroll's withheld lines with their
// reasons, and the receivables with demands, repayments and four-eyes write-offs. It holds no
// rules: everything goes through internal/payrollsvc.
//
// Who does what (our choice, documented here and in the route table):
//   - teller: the work list, notices, history, certifying at the counter and recording home
//     visits (the visit officers of an office work as its tellers); benefits reviewer reads
//     the list and the history;
//   - teller, benefits reviewer and payment officer: the withheld lines of a month;
//   - payment officer (基金支付): receivables, demand letters, repayments, proposing a
//     write-off; the approval of a write-off is by a payment officer or benefits reviewer
//     other than the proposer (the service refuses the proposer: four-eyes);
//   - worker: self-certification for themselves only.
//
// Region scope: a beneficiary belongs to the regions of their entitlements; staff see only
// those within their scope, and a receivable belongs to the regions of its person.
package certui

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/calendar"
	"wiis/internal/payrollsvc"
	"wiis/internal/store"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// certCSS holds the print layout of notices and letters and the phone layout of the
// self-service page (the CSP forbids inline styles).
//
//go:embed cert.css
var certCSS []byte

// Permissions of the certification and overpayment pages.
var (
	PermList      = auth.NewPerm("cert.list", auth.Teller, auth.BenefitsReviewer)
	PermCertify   = auth.NewPerm("cert.certify", auth.Teller)
	PermWithheld  = auth.NewPerm("cert.withheld", auth.Teller, auth.BenefitsReviewer, auth.PaymentOfficer)
	PermSelf      = auth.NewPerm("cert.self", auth.Worker)
	PermOverpay   = auth.NewPerm("overpay.work", auth.PaymentOfficer)
	PermOverRead  = auth.NewPerm("overpay.read", auth.PaymentOfficer, auth.BenefitsReviewer)
	PermWriteOffs = auth.NewPerm("overpay.writeoff.decide", auth.PaymentOfficer, auth.BenefitsReviewer)
)

// clock is the time handlers act at; tests set it.
var clock = time.Now

// Matcher is the identity-matching service self-certification uses: the stand-in until a
// region plugs its own adapter in (payroll.md: "wiis keeps the adapter contract and a
// stand-in for tests").
var Matcher payrollsvc.IdentityMatcher = payrollsvc.StandInMatcher{}

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai

func today() time.Time {
	t := clock().In(shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

type handlers struct{ s *web.Server }

func init() {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	registerPanel()
	web.Register(web.Module{Name: "cert", Templates: sub, Messages: messages, Install: install})
}

func install(s *web.Server) {
	h := &handlers{s: s}
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/ui/cert.css", Perm: auth.Public, Handler: serveCSS},
		{Method: "GET", Pattern: "/cert", Perm: PermList, Handler: h.list, Nav: "ce.list.nav"},
		{Method: "GET", Pattern: "/cert/notices", Perm: PermList, Handler: h.notices},
		{Method: "GET", Pattern: "/cert/persons/{id}", Perm: PermList, Handler: h.person},
		{Method: "POST", Pattern: "/cert/persons/{id}", Perm: PermCertify, Handler: h.certify},
		{Method: "GET", Pattern: "/cert/withheld", Perm: PermWithheld, Handler: h.withheld, Nav: "ce.withheld.nav"},
		{Method: "GET", Pattern: "/me/certify", Perm: PermSelf, Handler: h.selfPage, Nav: "ce.self.nav"},
		{Method: "POST", Pattern: "/me/certify", Perm: PermSelf, Handler: h.selfSubmit, MaxBody: 8 << 20},
		{Method: "GET", Pattern: "/overpayments", Perm: PermOverRead, Handler: h.receivables, Nav: "ce.op.nav"},
		{Method: "GET", Pattern: "/overpayments/{id}", Perm: PermOverRead, Handler: h.receivable},
		{Method: "POST", Pattern: "/overpayments/{id}/demand", Perm: PermOverpay, Handler: h.demand},
		{Method: "GET", Pattern: "/overpayments/{id}/demands/{d}", Perm: PermOverRead, Handler: h.letter},
		{Method: "POST", Pattern: "/overpayments/{id}/repayment", Perm: PermOverpay, Handler: h.repayment},
		{Method: "POST", Pattern: "/overpayments/{id}/writeoff", Perm: PermOverpay, Handler: h.proposeWriteOff},
		{Method: "POST", Pattern: "/writeoffs/{w}", Perm: PermWriteOffs, Handler: h.decideWriteOff},
	} {
		s.Handle(rt)
	}
}

func serveCSS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(certCSS)
	return err
}

// svc is the payroll service acting for the caller: its audit records name them and their
// address, in the transaction of the change.
func (h *handlers) svc(r *http.Request) *payrollsvc.Service {
	actor := web.ActorOf(r)
	s := payrollsvc.New(h.s.DB)
	s.Matcher = Matcher
	s.Now = func() time.Time { return clock() }
	s.Audit = func(ctx context.Context, tx *store.Tx, ev payrollsvc.AuditEvent) error {
		a := actor
		if ev.Actor != "" && ev.Actor != a.Username {
			a.Username = ev.Actor
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: ev.Action, Entity: ev.Entity, EntityID: ev.EntityID,
			Before: ev.Before, After: ev.After}.By(a))
		return err
	}
	return s
}

// classify turns the service's errors into apperr ones: the field is the part of the
// message before the first colon ("evidence: required"), the message a key of ours when we
// have one for the field.
func classify(err error) error {
	if err == nil || apperr.CodeOf(err) != apperr.Internal {
		return err
	}
	msg := err.Error()
	switch {
	case errors.Is(err, payrollsvc.ErrNotMatched):
		return apperr.Invalidf("media", "ce.self.not_matched")
	case errors.Is(err, payrollsvc.ErrInvalid):
		field := fieldOf(msg)
		if web.HasMessage("ce.err." + field) {
			return apperr.Invalidf(field, "ce.err."+field)
		}
		return apperr.Invalidf(field, "ce.err.invalid", msg)
	case errors.Is(err, payrollsvc.ErrFourEyes):
		return apperr.Forbiddenf("ce.err.four_eyes")
	case errors.Is(err, payrollsvc.ErrConflict):
		return apperr.Conflictf("", "ce.err.conflict")
	case errors.Is(err, payrollsvc.ErrNotFound):
		return apperr.NotFoundf("ce.err.not_found")
	}
	return err
}

// fieldOf finds the field a service message names: the first part that is a bare
// identifier ("certify X: evidence: required: invalid" → "evidence").
func fieldOf(msg string) string {
	parts := strings.Split(msg, ": ")
	for _, p := range parts[:len(parts)-1] {
		if fieldName.MatchString(p) {
			return p
		}
	}
	return ""
}

var fieldName = regexp.MustCompile(`^[a-z_]+$`)
