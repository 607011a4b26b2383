package caseui

import (
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/privacy"
)

// The API's list answers, as security.md wants every list: a person's ID number masked
// (3415**********123X) under its usual name, and beside it the person's reference
// (worker_ref, person_ref) for GET /api/v1/persons/{ref}, the audited read that shows the
// number. Free text typed by staff (notes, evidence) has any ID number in it masked too. The
// domain structs keep the full number: the same values serve the single-record routes, the
// documents and the rules, so masking happens here, at the boundary, on a copy. Each row
// embeds its domain struct (TestListRowsKeepEveryField), so a client sees the same shape.

// CaseList is GET /api/v1/determinations: a page of cases with the number matching the filter.
type CaseList struct {
	Total int           `json:"total"`
	Rows  []CaseListRow `json:"rows"`
}

// CaseListRow is caseservice.CaseRow as a list shows it: WorkerID masked, WorkerRef the
// worker's reference.
type CaseListRow struct {
	caseservice.CaseRow
	WorkerRef string `json:"worker_ref"`
}

// caseListAnswer is a page of cases as the API lists it.
func (h *handlers) caseListAnswer(p caseservice.CasePage) CaseList {
	out := CaseList{Total: p.Total, Rows: make([]CaseListRow, 0, len(p.Rows))}
	for _, c := range p.Rows {
		ref := h.s.PersonRef(c.WorkerID)
		c.WorkerID = privacy.MaskID(c.WorkerID)
		out.Rows = append(out.Rows, CaseListRow{c, ref})
	}
	return out
}

// ProposalRow is casework.Proposal as the review queue lists it: WorkerID masked, WorkerRef
// the worker's reference, the reviewer's note with ID numbers masked.
type ProposalRow struct {
	casework.Proposal
	WorkerRef string `json:"worker_ref"`
}

// proposalRows lists proposals as the API shows them.
func (h *handlers) proposalRows(ps []casework.Proposal) []ProposalRow {
	out := make([]ProposalRow, 0, len(ps))
	for _, p := range ps {
		ref := h.s.PersonRef(p.WorkerID)
		p.WorkerID, p.Note = privacy.MaskID(p.WorkerID), privacy.MaskText(p.Note)
		out = append(out, ProposalRow{p, ref})
	}
	return out
}

// EmployerItemRow is caseservice.EmployerItem as the list of employer-paid items shows it:
// WorkerID masked, WorkerRef the worker's reference, the evidence with ID numbers masked.
type EmployerItemRow struct {
	caseservice.EmployerItem
	WorkerRef string `json:"worker_ref"`
}

// employerItemRows lists employer-paid items as the API shows them.
func (h *handlers) employerItemRows(items []caseservice.EmployerItem) []EmployerItemRow {
	out := make([]EmployerItemRow, 0, len(items))
	for _, it := range items {
		ref := h.s.PersonRef(it.WorkerID)
		it.WorkerID, it.Evidence = privacy.MaskID(it.WorkerID), privacy.MaskText(it.Evidence)
		out = append(out, EmployerItemRow{it, ref})
	}
	return out
}

// PayableRow is caseservice.Payable as the list of lump sums shows it (as the page
// /payments/lumpsum does): IDNumber and BankAccount masked, PersonRef the worker's reference,
// the note with ID numbers masked. GET /api/v1/payables/{id} answers the full values.
type PayableRow struct {
	caseservice.Payable
	PersonRef string `json:"person_ref"`
}

// payableRows lists payables as the API shows them.
func (h *handlers) payableRows(list []caseservice.Payable) []PayableRow {
	out := make([]PayableRow, 0, len(list))
	for _, b := range list {
		ref := h.s.PersonRef(b.IDNumber)
		b.IDNumber, b.BankAccount, b.Note = privacy.MaskID(b.IDNumber), privacy.MaskBank(b.BankAccount), privacy.MaskText(b.Note)
		out = append(out, PayableRow{b, ref})
	}
	return out
}
