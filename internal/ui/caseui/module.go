// Package caseui is the back office and the API of casework (spec/casework.md, issue 5): the
// determination officer's cases, the deadlines of every handler, team and office, the
// assessment secretary's cases, expert pool and recorded draws, the benefits reviewer's
// proposals, the medical auditor's bills, institutions and catalogues, advance payments with
// their recovery ledgers, and the employer's and worker's view of their cases. Handlers parse
// the request, check the user's region scope, call caseservice or medsvc and render; the rules
// live in those services and in internal/casework.
package caseui

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/calendar"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/medical/medsvc"
	"wiis/internal/store"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// The permissions of casework's pages and API calls.
var (
	// PermDetRead reads determination cases: the officers of the case and the roles whose work
	// follows from it.
	PermDetRead = auth.NewPerm("casework.determination.read", auth.DeterminationOfficer, auth.AssessmentSecretary,
		auth.BenefitsReviewer, auth.MedicalAuditor)
	// PermDet works determination cases.
	PermDet = auth.NewPerm("casework.determination.work", auth.DeterminationOfficer)
	// PermDeadlines shows what is due, due soon and overdue.
	PermDeadlines = auth.NewPerm("casework.deadlines", auth.DeterminationOfficer, auth.AssessmentSecretary, auth.BenefitsReviewer)
	// PermAsmtRead reads assessment cases.
	PermAsmtRead = auth.NewPerm("casework.assessment.read", auth.AssessmentSecretary, auth.DeterminationOfficer, auth.BenefitsReviewer)
	// PermAsmt works assessment cases and the expert pool.
	PermAsmt = auth.NewPerm("casework.assessment.work", auth.AssessmentSecretary)
	// PermDraws shows the recorded expert draws and replays them (the secretary and the auditor).
	PermDraws = auth.NewPerm("casework.draws", auth.AssessmentSecretary, auth.Auditor)
	// PermPropose runs the calculator on a concluded assessment.
	PermPropose = auth.NewPerm("casework.proposal.propose", auth.AssessmentSecretary, auth.BenefitsReviewer)
	// PermProposalRead reads proposals.
	PermProposalRead = auth.NewPerm("casework.proposal.read", auth.BenefitsReviewer, auth.AssessmentSecretary)
	// PermBenefits reviews proposals (four-eyes) and sees employers' obligations.
	PermBenefits = auth.NewPerm("casework.proposal.review", auth.BenefitsReviewer)
	// PermMedical audits bills and keeps institutions and catalogues.
	PermMedical = auth.NewPerm("medical.audit", auth.MedicalAuditor)
	// PermBillSubmit submits bills by direct settlement. Hospitals' integration accounts hold
	// the medical auditor role with an API token until a hospital role exists.
	PermBillSubmit = auth.NewPerm("medical.bill.submit", auth.MedicalAuditor)
	// PermAdvance works advance payments and their recovery ledgers.
	PermAdvance = auth.NewPerm("casework.advance", auth.BenefitsReviewer, auth.FundOfficer)
	// PermEmployerView is the employer portal's view of its cases and obligations.
	PermEmployerView = auth.NewPerm("casework.employer_view", auth.Employer)
	// PermWorkerView is the worker's view of their own cases.
	PermWorkerView = auth.NewPerm("casework.worker_view", auth.Worker)
)

type handlers struct {
	s  *web.Server
	db *store.DB
	// now is the clock (tests fix it); nil: time.Now.
	now func() time.Time
}

// Now, when set before the server is built, fixes the clock of casework pages (tests).
var Now func() time.Time

func init() {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		panic(err)
	}
	web.Register(web.Module{Name: "casework", Templates: sub, Messages: messages, Install: install})
}

func install(s *web.Server) {
	h := &handlers{s: s, db: s.DB, now: Now}
	for _, rt := range h.pageRoutes() {
		s.Handle(rt)
	}
	for _, rt := range h.apiRoutes() {
		s.Handle(rt)
	}
	for _, rt := range h.employerItemRoutes() {
		s.Handle(rt)
	}
	for _, rt := range h.payableRoutes() {
		s.Handle(rt)
	}
	s.AddHomePanel(h.homePanelDef())
}

// today is the office's calendar day (Asia/Shanghai).
func (h *handlers) today() casework.Date {
	t := time.Now()
	if h.now != nil {
		t = h.now()
	}
	return casework.DateOf(t.In(shanghai))
}

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai

// cases is the casework service acting for the request's user: every change is audited with
// the user and address in the change's transaction.
func (h *handlers) cases(r *http.Request) *caseservice.Service {
	return &caseservice.Service{DB: h.db, Audit: auditHook(web.ActorOf(r)), Now: h.now}
}

// medical is the medical service acting for the request's user.
func (h *handlers) medical(r *http.Request) *medsvc.Service {
	return &medsvc.Service{DB: h.db, Audit: auditHook(web.ActorOf(r)), Now: h.now}
}

func auditHook(a audit.Actor) caseservice.AuditHook {
	return func(ctx context.Context, tx *store.Tx, entity, id string, before, after any) error {
		action := entity + ".update"
		if before == nil {
			action = entity + ".create"
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: action, Entity: entity, EntityID: id, Before: before, After: after}.By(a))
		return err
	}
}

// pathID reads a numeric path wildcard. Errors: not_found (a bad id names no case).
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("error.not_found")
	}
	return id, nil
}

// inScope refuses a case outside the user's region as not found, so its existence is not
// revealed.
func inScope(r *http.Request, region string) error {
	if !web.CurrentUser(r).Sees(region) {
		return apperr.NotFoundf("error.not_found")
	}
	return nil
}

// formDate reads a date field; empty is today.
func (h *handlers) formDate(v, field string) (casework.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return h.today(), nil
	}
	d, err := casework.ParseDate(v)
	if err != nil {
		return d, apperr.Invalidf(field, "case.err.date")
	}
	return d, nil
}

// version reads the version the user's form was rendered at.
func version(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0, apperr.Invalidf("version", "case.err.version")
	}
	return n, nil
}

// done redirects after a successful POST, with a notice key for the next page.
func done(w http.ResponseWriter, r *http.Request, to, notice string) error {
	if notice != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "ok=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// notice returns the success notice key of a redirect, if it is one of ours.
func notice(r *http.Request) string {
	if k := r.URL.Query().Get("ok"); strings.HasPrefix(k, "case.ok.") {
		if _, ok := messages[k]; ok {
			return k
		}
	}
	return ""
}

// errorsOf turns an action's error into the messages a page shows: invalid and conflict
// errors (a stale version) are shown on the page, with the user's input; others are returned.
func errorsOf(r *http.Request, err error) (map[string]string, error) {
	e := apperr.As(casework.AppErr(err))
	switch e.Code {
	case apperr.Conflict:
		return map[string]string{"_": web.T(web.Lang(r), "case.err.conflict")}, nil
	case apperr.Forbidden:
		return map[string]string{"_": web.T(web.Lang(r), e.Message, e.Args...)}, nil
	}
	return web.FieldErrors(r, e)
}

// pager is the paging of a list page.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

const pageSize = 25

func newPager(r *http.Request, total int) pager {
	p := pager{Total: total, Pages: (total + pageSize - 1) / pageSize}
	p.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if p.Page < 1 {
		p.Page = 1
	}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		q.Del("ok")
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}

func (p pager) offset() int { return (p.Page - 1) * pageSize }
