package caseui

import (
	"wiis/internal/benefit"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/money"
	"wiis/internal/privacy"
)

// The API's list answers, as security.md wants every list: a person's ID number masked
// (3415**********123X) under its usual name, and beside it the person's reference
// (worker_ref, person_ref) for GET /api/v1/persons/{ref}, the audited read that shows the
// number. Free text typed by staff (notes, evidence) has any ID number in it masked too. The
// domain structs keep the full number: the same values serve the single-record routes, the
// documents and the rules, so masking happens here, at the boundary. Each row has every field
// of its domain struct (TestListRowsKeepEveryField), so a client sees the same shape.

// CaseList is GET /api/v1/determinations: a page of cases with the number matching the filter.
type CaseList struct {
	Total int           `json:"total"`
	Rows  []CaseListRow `json:"rows"`
}

// CaseListRow is caseservice.CaseRow as a list shows it: WorkerID masked, WorkerRef the
// worker's reference.
type CaseListRow struct {
	Entity       string          `json:"entity"`
	ID           int64           `json:"id"`
	CaseNo       string          `json:"case_no"`
	Region       string          `json:"region"`
	Team         string          `json:"team"`
	Handler      string          `json:"handler"`
	State        string          `json:"state"`
	Step         string          `json:"step"`
	Due          casework.Date   `json:"due"`
	Status       casework.Status `json:"status"`
	WorkerID     string          `json:"worker_id"`
	WorkerRef    string          `json:"worker_ref"`
	WorkerName   string          `json:"worker_name"`
	EmployerUSCC string          `json:"employer_uscc"`
	Opened       string          `json:"opened"`
}

// caseListAnswer is a page of cases as the API lists it.
func (h *handlers) caseListAnswer(p caseservice.CasePage) CaseList {
	out := CaseList{Total: p.Total, Rows: make([]CaseListRow, 0, len(p.Rows))}
	for _, c := range p.Rows {
		out.Rows = append(out.Rows, CaseListRow{Entity: c.Entity, ID: c.ID, CaseNo: c.CaseNo, Region: c.Region, Team: c.Team,
			Handler: c.Handler, State: c.State, Step: c.Step, Due: c.Due, Status: c.Status,
			WorkerID: privacy.MaskID(c.WorkerID), WorkerRef: h.s.PersonRef(c.WorkerID), WorkerName: c.WorkerName,
			EmployerUSCC: c.EmployerUSCC, Opened: c.Opened})
	}
	return out
}

// ProposalRow is casework.Proposal as the review queue lists it: WorkerID masked, WorkerRef
// the worker's reference, the reviewer's note with ID numbers masked.
type ProposalRow struct {
	ID              int64                   `json:"id"`
	Version         int                     `json:"version"`
	AssessmentID    int64                   `json:"assessment_id"`
	DeterminationID int64                   `json:"determination_id"`
	Region          string                  `json:"region"`
	WorkerID        string                  `json:"worker_id"`
	WorkerRef       string                  `json:"worker_ref"`
	WorkerName      string                  `json:"worker_name"`
	EmployerUSCC    string                  `json:"employer_uscc"`
	State           casework.ProposalState  `json:"state"`
	Input           benefit.Case            `json:"input"`
	Result          benefit.Result          `json:"result"`
	Items           []casework.ProposalItem `json:"items"`
	FirstMonth      string                  `json:"first_month"`
	ProposedBy      string                  `json:"proposed_by"`
	ProposedAt      string                  `json:"proposed_at"`
	DecidedBy       string                  `json:"decided_by,omitempty"`
	DecidedAt       string                  `json:"decided_at,omitempty"`
	Note            string                  `json:"note,omitempty"`
}

// proposalRows lists proposals as the API shows them.
func (h *handlers) proposalRows(ps []casework.Proposal) []ProposalRow {
	out := make([]ProposalRow, 0, len(ps))
	for _, p := range ps {
		out = append(out, ProposalRow{ID: p.ID, Version: p.Version, AssessmentID: p.AssessmentID, DeterminationID: p.DeterminationID,
			Region: p.Region, WorkerID: privacy.MaskID(p.WorkerID), WorkerRef: h.s.PersonRef(p.WorkerID), WorkerName: p.WorkerName,
			EmployerUSCC: p.EmployerUSCC, State: p.State, Input: p.Input, Result: p.Result, Items: p.Items, FirstMonth: p.FirstMonth,
			ProposedBy: p.ProposedBy, ProposedAt: p.ProposedAt, DecidedBy: p.DecidedBy, DecidedAt: p.DecidedAt,
			Note: privacy.MaskText(p.Note)})
	}
	return out
}

// EmployerItemRow is caseservice.EmployerItem as the list of employer-paid items shows it:
// WorkerID masked, WorkerRef the worker's reference, the evidence with ID numbers masked.
type EmployerItemRow struct {
	ProposalID   int64        `json:"proposal_id"`
	Seq          int          `json:"seq"`
	Region       string       `json:"region"`
	EmployerUSCC string       `json:"employer_uscc"`
	WorkerID     string       `json:"worker_id"`
	WorkerRef    string       `json:"worker_ref"`
	WorkerName   string       `json:"worker_name"`
	Code         string       `json:"code"`
	Name         string       `json:"name"`
	Period       string       `json:"period"`
	Amount       money.Amount `json:"amount"`
	Months       *int         `json:"months,omitempty"`
	Formula      string       `json:"formula"`
	Basis        string       `json:"basis"`
	ApprovedAt   string       `json:"approved_at"`
	Status       string       `json:"status"`
	DueOn        string       `json:"due_on"`
	PaidOn       string       `json:"paid_on,omitempty"`
	Evidence     string       `json:"evidence,omitempty"`
	ReferralID   int64        `json:"referral_id,omitempty"`
	RecordedBy   string       `json:"recorded_by,omitempty"`
	Version      int          `json:"version"`
}

// employerItemRows lists employer-paid items as the API shows them.
func (h *handlers) employerItemRows(items []caseservice.EmployerItem) []EmployerItemRow {
	out := make([]EmployerItemRow, 0, len(items))
	for _, it := range items {
		out = append(out, EmployerItemRow{ProposalID: it.ProposalID, Seq: it.Seq, Region: it.Region, EmployerUSCC: it.EmployerUSCC,
			WorkerID: privacy.MaskID(it.WorkerID), WorkerRef: h.s.PersonRef(it.WorkerID), WorkerName: it.WorkerName,
			Code: it.Code, Name: it.Name, Period: it.Period, Amount: it.Amount, Months: it.Months, Formula: it.Formula, Basis: it.Basis,
			ApprovedAt: it.ApprovedAt, Status: it.Status, DueOn: it.DueOn, PaidOn: it.PaidOn, Evidence: privacy.MaskText(it.Evidence),
			ReferralID: it.ReferralID, RecordedBy: it.RecordedBy, Version: it.Version})
	}
	return out
}

// PayableRow is caseservice.Payable as the list of lump sums shows it (as the page
// /payments/lumpsum does): IDNumber and BankAccount masked, PersonRef the worker's reference,
// the note with ID numbers masked. GET /api/v1/payables/{id} answers the full values.
type PayableRow struct {
	ID          int64        `json:"id"`
	ProposalID  int64        `json:"proposal_id"`
	Seq         int          `json:"seq"`
	Region      string       `json:"region"`
	IDNumber    string       `json:"id_number"`
	PersonRef   string       `json:"person_ref"`
	WorkerName  string       `json:"worker_name"`
	Item        string       `json:"item"`
	Amount      money.Amount `json:"amount"`
	Status      string       `json:"status"`
	CreatedAt   string       `json:"created_at"`
	Payee       string       `json:"payee,omitempty"`
	BankAccount string       `json:"bank_account,omitempty"`
	PreparedBy  string       `json:"prepared_by,omitempty"`
	PreparedAt  string       `json:"prepared_at,omitempty"`
	ApprovedBy  string       `json:"approved_by,omitempty"`
	ApprovedAt  string       `json:"approved_at,omitempty"`
	PaidBy      string       `json:"paid_by,omitempty"`
	PaidOn      string       `json:"paid_on,omitempty"`
	PayMonth    string       `json:"pay_month,omitempty"`
	PostingID   int64        `json:"posting_id,omitempty"`
	Note        string       `json:"note,omitempty"`
	Version     int          `json:"version"`
}

// payableRows lists payables as the API shows them.
func (h *handlers) payableRows(list []caseservice.Payable) []PayableRow {
	out := make([]PayableRow, 0, len(list))
	for _, b := range list {
		out = append(out, PayableRow{ID: b.ID, ProposalID: b.ProposalID, Seq: b.Seq, Region: b.Region,
			IDNumber: privacy.MaskID(b.IDNumber), PersonRef: h.s.PersonRef(b.IDNumber), WorkerName: b.WorkerName, Item: b.Item,
			Amount: b.Amount, Status: b.Status, CreatedAt: b.CreatedAt, Payee: b.Payee, BankAccount: privacy.MaskBank(b.BankAccount),
			PreparedBy: b.PreparedBy, PreparedAt: b.PreparedAt, ApprovedBy: b.ApprovedBy, ApprovedAt: b.ApprovedAt,
			PaidBy: b.PaidBy, PaidOn: b.PaidOn, PayMonth: b.PayMonth, PostingID: b.PostingID, Note: privacy.MaskText(b.Note),
			Version: b.Version})
	}
	return out
}
