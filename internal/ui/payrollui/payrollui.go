// Package payrollui is the payment officers' monthly payroll (定期待遇发放, issue 6;
// spec/payroll.md "The run"): the list of runs, computing a month as a batch, its approval by
// a second officer (four-eyes, security.md), the bank file, reconciliation with the bank's
// return file (failed lines reopen), the run page (totals per item, lines with masked ID
// numbers, lines held by an open R03 alert and suspended entitlements with their reasons), and
// Art. 40 adjustments previewed before they are applied. It calls internal/payrollsvc, whose
// Audit hook writes every change to the audit log in the same transaction.
package payrollui

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Permissions of the payroll pages: payment officers run the payroll; fund officers may
// follow it.
var (
	PermRead = auth.NewPerm("payroll.read", auth.PaymentOfficer, auth.FundOfficer)
	PermPay  = auth.NewPerm("payroll.pay", auth.PaymentOfficer)
)

func init() {
	sub, _ := fs.Sub(templates, "templates")
	web.Register(web.Module{Name: "payroll", Templates: sub, Messages: messages, Install: install})
}

type handlers struct {
	s   *web.Server
	db  *store.DB
	now func() time.Time
}

func install(s *web.Server) {
	h := &handlers{s: s, db: s.DB, now: time.Now}
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/payroll", Perm: PermRead, Handler: h.runs, Nav: "payroll.nav"},
		{Method: "POST", Pattern: "/payroll/runs", Perm: PermPay, Handler: h.compute},
		{Method: "GET", Pattern: "/payroll/runs/{month}", Perm: PermRead, Handler: h.run},
		{Method: "POST", Pattern: "/payroll/runs/{month}/approve", Perm: PermPay, Handler: h.approve},
		{Method: "POST", Pattern: "/payroll/runs/{month}/export", Perm: PermPay, Handler: h.export},
		{Method: "GET", Pattern: "/payroll/runs/{month}/bankfile", Perm: PermPay, Handler: h.bankFile},
		{Method: "POST", Pattern: "/payroll/runs/{month}/reconcile", Perm: PermPay, Handler: h.reconcile, MaxBody: 64 << 20},
		{Method: "GET", Pattern: "/payroll/adjust", Perm: PermPay, Handler: h.adjustPage, Nav: "payroll.adjust_nav"},
		{Method: "POST", Pattern: "/payroll/adjust", Perm: PermPay, Handler: h.adjust, MaxBody: 1 << 20},
	} {
		s.Handle(rt)
	}
}

// Service returns the payroll service for a request: R03 holds plugged in (riskstore), and
// its audit events written with the caller's address in the change's transaction.
func Service(db *store.DB, by audit.Actor) *payrollsvc.Service {
	svc := payrollsvc.New(db)
	svc.Hold = riskstore.PayrollHolds
	svc.Audit = func(ctx context.Context, tx *store.Tx, ev payrollsvc.AuditEvent) error {
		_, err := audit.Append(ctx, tx, audit.Record{Action: ev.Action, Entity: ev.Entity, EntityID: ev.EntityID,
			Before: ev.Before, After: ev.After}.By(audit.Actor{Username: ev.Actor, RemoteAddr: by.RemoteAddr}))
		return err
	}
	return svc
}

func (h *handlers) svc(r *http.Request) *payrollsvc.Service { return Service(h.db, web.ActorOf(r)) }

// appErr turns a payrollsvc error into the error the web layer answers.
func appErr(err error) error {
	switch {
	case errors.Is(err, payrollsvc.ErrNotFound):
		return apperr.NotFoundf("payroll.not_found")
	case errors.Is(err, payrollsvc.ErrFourEyes):
		return apperr.Forbiddenf("payroll.four_eyes")
	case errors.Is(err, payrollsvc.ErrConflict):
		return apperr.Conflictf("version", "payroll.conflict", err.Error())
	case errors.Is(err, payrollsvc.ErrInvalid):
		return apperr.Invalidf("", "payroll.invalid", err.Error())
	}
	return err
}

// pathMonth reads the run's month from the path. Codes: not_found (no run has a bad month).
func pathMonth(r *http.Request) (payroll.Month, error) {
	m, err := payroll.ParseMonth(r.PathValue("month"))
	if err != nil {
		return 0, apperr.NotFoundf("payroll.not_found")
	}
	return m, nil
}
