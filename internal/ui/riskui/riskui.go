// Package riskui is the risk investigators' back office (稽核, issue 7; spec/risk-rules.md):
// the alert list with filters and paging, the alert page with the evidence rows that made it
// fire, the workflow (assign, investigate with notes and attachments, close with an outcome),
// "run scan now", and the expansion targets of R07 exported to Excel for the labour
// inspectorate. Every change is audited in the transaction that makes it. It also serves
// /api/v1/risk/open-alerts, with which the pages of determinations and payments show an open
// alert to whoever handles the person, claim or employer.
package riskui

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Permissions of the risk pages. Reading and working alerts is the investigators' job; the
// open-alert lookup is for every role that handles a determination or a payment.
var (
	PermRead = auth.NewPerm("risk.read", auth.RiskInvestigator)
	PermWork = auth.NewPerm("risk.work", auth.RiskInvestigator)
	PermLive = auth.NewPerm("risk.open_alerts", auth.RiskInvestigator, auth.DeterminationOfficer,
		auth.BenefitsReviewer, auth.PaymentOfficer, auth.Teller)
)

// pageSize is the number of alerts per page of the list.
const pageSize = 50

func init() {
	sub, _ := fs.Sub(templates, "templates")
	web.Register(web.Module{Name: "risk", Templates: sub, Messages: messages, Install: install})
}

type handlers struct {
	s   *web.Server
	db  *store.DB
	now func() time.Time
}

func install(s *web.Server) {
	h := &handlers{s: s, db: s.DB, now: time.Now}
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/risk", Perm: PermRead, Handler: h.list, Nav: "risk.nav"},
		{Method: "POST", Pattern: "/risk/scan", Perm: PermWork, Handler: h.scan},
		{Method: "GET", Pattern: "/risk/alerts/{id}", Perm: PermRead, Views: "alert.view", Handler: h.alert},
		{Method: "POST", Pattern: "/risk/alerts/{id}/assign", Perm: PermWork, Handler: h.assign},
		{Method: "POST", Pattern: "/risk/alerts/{id}/investigate", Perm: PermWork, Handler: h.investigate},
		{Method: "POST", Pattern: "/risk/alerts/{id}/notes", Perm: PermWork, Handler: h.note},
		{Method: "POST", Pattern: "/risk/alerts/{id}/attachments", Perm: PermWork, Handler: h.attach,
			MaxBody: riskstore.MaxAttachment + 64<<10},
		{Method: "GET", Pattern: "/risk/alerts/{id}/attachments/{file}", Perm: PermRead, Views: "alert.attachment.view", Handler: h.download},
		{Method: "POST", Pattern: "/risk/alerts/{id}/close", Perm: PermWork, Handler: h.close},
		{Method: "GET", Pattern: "/risk/expansion", Perm: PermRead, Handler: h.expansion, Nav: "risk.exp_nav"},
		{Method: "GET", Pattern: "/risk/expansion.xlsx", Perm: PermRead, Handler: h.expansionXLSX},
		{Method: "GET", Pattern: "/api/v1/risk/open-alerts", Perm: PermLive, Handler: h.openAlertsJSON,
			API: &web.APIDoc{Summary: "未关闭的风险预警 / Open risk alerts of a person, claim or employer",
				Description: "key: 身份证号（或人员引用 *_ref）、认定编号或统一社会信用代码（可重复）；答复中的身份证号已脱敏，subject_ref 为人员引用 / " +
					"ID number (or a person reference, *_ref), claim number or credit code (repeatable); ID numbers in the answer are masked, subject_ref is the person's reference",
				Response: []OpenAlert{}}},
	} {
		s.Handle(rt)
	}
}

// appErr turns a riskstore error into the error the web layer answers.
func appErr(err error) error {
	switch {
	case errors.Is(err, riskstore.ErrNotFound):
		return apperr.NotFoundf("risk.not_found")
	case errors.Is(err, riskstore.ErrConflict):
		return apperr.Conflictf("version", "risk.conflict")
	case errors.Is(err, riskstore.ErrInvalid):
		return apperr.Invalidf("", "risk.invalid", err.Error())
	}
	return err
}

// pathID reads a numeric path value. Codes: not_found (a bad id names no alert).
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("risk.not_found")
	}
	return id, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
