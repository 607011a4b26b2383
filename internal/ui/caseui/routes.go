package caseui

import (
	"wiis/internal/web"
)

func (h *handlers) pageRoutes() []web.Route {
	return []web.Route{
		// Determination officer.
		{Method: "GET", Pattern: "/casework/determinations", Perm: PermDetRead, Handler: h.detList, Nav: "case.nav.determinations"},
		{Method: "GET", Pattern: "/casework/determinations/new", Perm: PermDet, Handler: h.detNew, Nav: "case.nav.det_new"},
		{Method: "POST", Pattern: "/casework/determinations", Perm: PermDet, Handler: h.detCreate},
		{Method: "GET", Pattern: "/casework/determinations/{id}", Perm: PermDetRead, Views: "determination.view", Handler: h.detPage},
		{Method: "POST", Pattern: "/casework/determinations/{id}/act", Perm: PermDet, Handler: h.detAct, MaxBody: 21 << 20},
		{Method: "POST", Pattern: "/casework/determinations/{id}/documents", Perm: PermDet, Handler: h.detIssue},
		{Method: "GET", Pattern: "/casework/determinations/{id}/documents/{kind}", Perm: PermDetRead, Views: "determination.document.view", Handler: h.detDocument},
		{Method: "GET", Pattern: "/casework/files/{id}", Perm: PermDetRead, Views: "case_file.view", Handler: h.file},
		// Deadlines.
		{Method: "GET", Pattern: "/casework/deadlines", Perm: PermDeadlines, Handler: h.deadlines, Nav: "case.nav.deadlines"},
		// Assessment secretary.
		{Method: "GET", Pattern: "/casework/assessments", Perm: PermAsmtRead, Handler: h.asmtList, Nav: "case.nav.assessments"},
		{Method: "GET", Pattern: "/casework/assessments/new", Perm: PermAsmt, Handler: h.asmtNew},
		{Method: "POST", Pattern: "/casework/assessments", Perm: PermAsmt, Handler: h.asmtCreate},
		{Method: "GET", Pattern: "/casework/assessments/{id}", Perm: PermAsmtRead, Views: "assessment.view", Handler: h.asmtPage},
		{Method: "POST", Pattern: "/casework/assessments/{id}/act", Perm: PermAsmt, Handler: h.asmtAct},
		{Method: "POST", Pattern: "/casework/assessments/{id}/documents", Perm: PermAsmt, Handler: h.asmtIssue},
		{Method: "GET", Pattern: "/casework/assessments/{id}/documents/{kind}", Perm: PermAsmtRead, Views: "assessment.document.view", Handler: h.asmtDocument},
		{Method: "POST", Pattern: "/casework/assessments/{id}/propose", Perm: PermPropose, Handler: h.asmtPropose},
		{Method: "GET", Pattern: "/casework/assessments/{id}/draws", Perm: PermDraws, Handler: h.draws},
		{Method: "GET", Pattern: "/casework/experts", Perm: PermAsmt, Handler: h.experts, Nav: "case.nav.experts"},
		{Method: "POST", Pattern: "/casework/experts", Perm: PermAsmt, Handler: h.expertAdd},
		// Benefits reviewer.
		{Method: "GET", Pattern: "/casework/proposals", Perm: PermBenefits, Handler: h.proposalQueue, Nav: "case.nav.proposals"},
		{Method: "GET", Pattern: "/casework/proposals/{id}", Perm: PermProposalRead, Views: "proposal.view", Handler: h.proposalPage},
		{Method: "POST", Pattern: "/casework/proposals/{id}/decide", Perm: PermBenefits, Handler: h.proposalDecide},
		// Medical auditor.
		{Method: "GET", Pattern: "/medical/bills", Perm: PermMedical, Handler: h.bills, Nav: "case.nav.bills"},
		{Method: "GET", Pattern: "/medical/bills/{id}", Perm: PermMedical, Views: "bill.view", Handler: h.billPage},
		{Method: "POST", Pattern: "/medical/bills/{id}/lines/{no}", Perm: PermMedical, Handler: h.billDecide},
		{Method: "GET", Pattern: "/medical/institutions", Perm: PermMedical, Handler: h.institutions, Nav: "case.nav.institutions"},
		{Method: "POST", Pattern: "/medical/institutions", Perm: PermMedical, Handler: h.institutionPut},
		{Method: "GET", Pattern: "/medical/catalogue", Perm: PermMedical, Handler: h.catalogue, Nav: "case.nav.catalogue"},
		{Method: "POST", Pattern: "/medical/catalogue", Perm: PermMedical, Handler: h.catalogueImport, MaxBody: 20 << 20},
		// Advance payment and recovery.
		{Method: "GET", Pattern: "/casework/advances", Perm: PermAdvance, Handler: h.advList, Nav: "case.nav.advances"},
		{Method: "GET", Pattern: "/casework/advances/new", Perm: PermAdvance, Handler: h.advNew},
		{Method: "POST", Pattern: "/casework/advances", Perm: PermAdvance, Handler: h.advCreate},
		{Method: "GET", Pattern: "/casework/advances/{id}", Perm: PermAdvance, Views: "advance.view", Handler: h.advPage},
		{Method: "POST", Pattern: "/casework/advances/{id}/act", Perm: PermAdvance, Handler: h.advAct},
		// Employer and worker.
		{Method: "GET", Pattern: "/portal/injury-cases", Perm: PermEmployerView, Handler: h.employerView, Nav: "case.nav.portal"},
		{Method: "GET", Pattern: "/self/injury-cases", Perm: PermWorkerView, Handler: h.workerView, Nav: "case.nav.self"},
	}
}
