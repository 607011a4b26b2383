// Package supui is the supervision and archives part of the back office (issue 13): the
// inspection referrals with the inspectorate's view, yearly targets with the ranking and
// evaluation reports (printable and Excel), agreement institution assessments, case
// conferences and the electronic archive, in Chinese and English, with a JSON API for the
// referrals and the target evaluation, person and employer panels, and the demo data. It
// holds no rules: it calls internal/supervise/supstore.
//
// Who does what (our choice; docs/supervision.md has the table):
//   - the case officers (determination officer, assessment secretary, benefits reviewer for
//     advances) and the risk investigator (for alerts) refer employers and close referrals;
//   - the labour inspectorate has no account in wiis, so the risk investigator (稽核) acts
//     for it in the demo: receives, investigates, enters or imports results — the inspector
//     view. No new role was added to internal/auth: a real deployment gives the inspectorate
//     risk_investigator accounts scoped to its region, or adds a role with this permission;
//   - the fund officer sets the yearly targets (the planning side of the fund); the risk
//     investigator, the prevention officer and the auditor read the evaluation;
//   - medical auditors assess institutions; a second medical auditor approves (four-eyes);
//   - the case officers convene and record conferences; the auditor reads them;
//   - the case officers and medical auditors file and read archive documents; the auditor
//     reads and verifies the archive. Every read of a document is logged and audited.
package supui

import (
	"embed"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/casework/caseservice"
	"wiis/internal/supervise/supstore"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates returns the module's page templates, so tests can check their message keys.
func Templates() fs.FS {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	return sub
}

var caseOfficers = []auth.Role{auth.DeterminationOfficer, auth.AssessmentSecretary, auth.BenefitsReviewer}

// Permissions of the supervision module.
var (
	PermReferralRead = auth.NewPerm("sup.referral.read", append(caseOfficers, auth.RiskInvestigator, auth.Auditor)...)
	// PermReferral covers both sides' steps; which side a step belongs to is checked per step
	// (supervise.RefActions): agency steps need a case officer or the risk investigator,
	// inspectorate steps the risk investigator.
	PermReferral    = auth.NewPerm("sup.referral.write", append(caseOfficers, auth.RiskInvestigator)...)
	PermInspect     = auth.NewPerm("sup.referral.inspect", auth.RiskInvestigator)
	PermTargetRead  = auth.NewPerm("sup.target.read", auth.FundOfficer, auth.RiskInvestigator, auth.PreventionOfficer, auth.Auditor)
	PermTargetWrite = auth.NewPerm("sup.target.write", auth.FundOfficer)
	PermInstRead    = auth.NewPerm("sup.institution.read", auth.MedicalAuditor, auth.FundOfficer, auth.Auditor)
	PermInstWrite   = auth.NewPerm("sup.institution.write", auth.MedicalAuditor)
	PermConfRead    = auth.NewPerm("sup.conference.read", append(caseOfficers, auth.Auditor)...)
	PermConfWrite   = auth.NewPerm("sup.conference.write", caseOfficers...)
	PermArchiveRead = auth.NewPerm("archive.read", append(caseOfficers, auth.MedicalAuditor, auth.RiskInvestigator, auth.Auditor)...)
	PermArchive     = auth.NewPerm("archive.write", append(caseOfficers, auth.MedicalAuditor)...)
)

// agencyRoles may take the agency's steps of a referral.
var agencyRoles = append(caseOfficers, auth.RiskInvestigator)

// clock is the time handlers act at; tests set it.
var clock = time.Now

type handlers struct {
	s   *web.Server
	sup *supstore.Service
}

func (h *handlers) cases(r *http.Request) *caseservice.Service {
	return &caseservice.Service{DB: h.s.DB, Audit: supstore.CaseAudit(web.ActorOf(r)), Now: clock}
}

func init() {
	registerPanels()
	web.Register(web.Module{Name: "supervision", Templates: Templates(), Messages: messages, Install: install})
}

func install(s *web.Server) {
	h := &handlers{s: s, sup: &supstore.Service{DB: s.DB, Now: func() time.Time { return clock() }}}
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/supervise/referrals", Perm: PermReferralRead, Handler: h.referrals, Nav: "sup.nav.referrals"},
		{Method: "POST", Pattern: "/supervise/referrals", Perm: PermReferral, Handler: h.referralCreate},
		{Method: "GET", Pattern: "/supervise/inspectorate", Perm: PermInspect, Handler: h.inspectorate, Nav: "sup.nav.inspectorate"},
		{Method: "POST", Pattern: "/supervise/inspectorate/import", Perm: PermInspect, Handler: h.importResults, MaxBody: 4 << 20},
		{Method: "GET", Pattern: "/supervise/referrals/{id}", Perm: PermReferralRead, Handler: h.referralPage},
		{Method: "POST", Pattern: "/supervise/referrals/{id}/act", Perm: PermReferral, Handler: h.referralAct},

		{Method: "GET", Pattern: "/supervise/targets", Perm: PermTargetRead, Handler: h.targets, Nav: "sup.nav.targets"},
		{Method: "POST", Pattern: "/supervise/targets", Perm: PermTargetWrite, Handler: h.targetSet},
		{Method: "GET", Pattern: "/supervise/targets/report", Perm: PermTargetRead, Handler: h.targetReport},
		{Method: "GET", Pattern: "/supervise/targets/xlsx", Perm: PermTargetRead, Handler: h.targetXLSX},

		{Method: "GET", Pattern: "/supervise/institutions", Perm: PermInstRead, Handler: h.institutions, Nav: "sup.nav.institutions"},
		{Method: "POST", Pattern: "/supervise/institutions/{code}/assess", Perm: PermInstWrite, Handler: h.assess},
		{Method: "POST", Pattern: "/supervise/institutions/{code}/complaints", Perm: PermInstWrite, Handler: h.complaint},
		{Method: "GET", Pattern: "/supervise/assessments/{id}", Perm: PermInstRead, Handler: h.assessmentPage},
		{Method: "POST", Pattern: "/supervise/assessments/{id}/decide", Perm: PermInstWrite, Handler: h.assessmentDecide},

		{Method: "GET", Pattern: "/supervise/conferences", Perm: PermConfRead, Handler: h.conferences, Nav: "sup.nav.conferences"},
		{Method: "POST", Pattern: "/supervise/conferences", Perm: PermConfWrite, Handler: h.convene},
		{Method: "GET", Pattern: "/supervise/conferences/{id}", Perm: PermConfRead, Handler: h.conferencePage},
		{Method: "POST", Pattern: "/supervise/conferences/{id}/hold", Perm: PermConfWrite, Handler: h.hold},
		{Method: "POST", Pattern: "/supervise/conferences/{id}/conclude", Perm: PermConfWrite, Handler: h.conclude},

		{Method: "GET", Pattern: "/archive", Perm: PermArchiveRead, Handler: h.archive, Nav: "sup.nav.archive"},
		{Method: "POST", Pattern: "/archive", Perm: PermArchive, Handler: h.archiveUpload, MaxBody: 9 << 20},
		{Method: "POST", Pattern: "/archive/issued", Perm: PermArchive, Handler: h.archiveIssued},
		{Method: "GET", Pattern: "/archive/retention", Perm: PermArchiveRead, Handler: h.retention, Nav: "sup.nav.retention"},
		{Method: "GET", Pattern: "/archive/{id}", Perm: PermArchiveRead, Handler: h.docPage},
		{Method: "GET", Pattern: "/archive/{id}/content", Perm: PermArchiveRead, Handler: h.docContent},
		{Method: "POST", Pattern: "/archive/{id}/dispose", Perm: PermArchive, Handler: h.docDispose},

		{Method: "GET", Pattern: "/api/v1/referrals", Perm: PermReferralRead, Handler: h.apiReferrals,
			API: &web.APIDoc{Summary: "劳动监察移送清单 / Inspection referrals (?state&overdue=1)",
				Description: "Any ID number quoted in facts, evidence or result is masked (3415**********123X), as in every list.", Response: []supstore.Referral{}}},
		{Method: "POST", Pattern: "/api/v1/referrals/{id}/result", Perm: PermInspect, Handler: h.apiResult,
			API: &web.APIDoc{Summary: "录入监察处理结果 / Enter the inspectorate's result", Request: ResultRequest{}, Response: supstore.Referral{}}},
		{Method: "GET", Pattern: "/api/v1/targets/evaluation", Perm: PermTargetRead, Handler: h.apiEvaluation,
			API: &web.APIDoc{Summary: "目标考核评价 / Target evaluation and ranking (?year&region)", Response: supstore.Evaluation{}}},
	} {
		s.Handle(rt)
	}
}

// pathID reads a numeric path value. Errors: not_found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("sup.err.not_found")
	}
	return id, nil
}

// formInt reads an integer form field; empty is 0. Errors: invalid.
func formInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, apperr.Invalidf(name, "sup.err.number")
	}
	return n, nil
}

// scope returns the user's region and refuses records outside it as not found, so a caller
// cannot learn what another region holds.
func inScope(r *http.Request, region string) error {
	if !web.CurrentUser(r).Sees(region) {
		return apperr.NotFoundf("sup.err.not_found")
	}
	return nil
}

// regionParam reads ?region= (default: the user's own), which must be within the user's scope.
func regionParam(r *http.Request) (string, error) {
	u := web.CurrentUser(r)
	code := strings.TrimSpace(r.FormValue("region"))
	if code == "" {
		return u.Region, nil
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" || !u.Sees(code) {
		return "", apperr.Invalidf("region", "sup.err.region")
	}
	return code, nil
}

func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func today() string { return clock().Format("2006-01-02") }

// msg translates a key chosen at run time (no arguments).
func msg(lang, key string) string {
	var none []any
	return web.T(lang, key, none...)
}
