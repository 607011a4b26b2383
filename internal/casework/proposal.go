package casework

import (
	"wiis/internal/benefit"
	"wiis/internal/coverage"
	"wiis/internal/money"
)

// What a conclusion triggers (casework.md): a concluded assessment of a recognised work
// injury runs the calculator and becomes a benefit proposal, which a benefits reviewer who is
// not the proposer approves or rejects. Approval turns the fund's monthly items into payroll
// entitlements and its lump sums into payable items; the employer's items are shown to the
// employer.

// ProposalState is the state of a benefit proposal.
type ProposalState string

// The states: proposed → approved | rejected. A rejected proposal is replaced by a new one
// (a corrected input), never edited, so what the reviewer saw stays on record.
const (
	ProposalProposed ProposalState = "proposed"
	ProposalApproved ProposalState = "approved"
	ProposalRejected ProposalState = "rejected"
)

// Disposition says where an approved item goes.
type Disposition string

// The dispositions.
const (
	// ToPayroll: a monthly item the fund pays becomes a payroll entitlement.
	ToPayroll Disposition = "payroll"
	// ToPayable: a lump sum the fund pays becomes a payable item for the payment module.
	ToPayable Disposition = "payable"
	// ToEmployer: an item the employer pays (Art. 33, 36, 37, 62) is shown to the employer.
	ToEmployer Disposition = "employer"
)

// ProposalItem is one benefit of a proposal: the calculator's item plus where it goes.
type ProposalItem struct {
	benefit.Item
	Disposition Disposition `json:"disposition"`
	// EntitlementID is the payroll entitlement an approved ToPayroll item became.
	EntitlementID int64 `json:"entitlement_id,omitempty"`
}

// Proposal is the benefits a concluded assessment gives rise to, awaiting or past review.
type Proposal struct {
	ID              int64          `json:"id"`
	Version         int            `json:"version"`
	AssessmentID    int64          `json:"assessment_id"`
	DeterminationID int64          `json:"determination_id"`
	Region          string         `json:"region"`
	WorkerID        string         `json:"worker_id"`
	WorkerName      string         `json:"worker_name"`
	EmployerUSCC    string         `json:"employer_uscc"`
	State           ProposalState  `json:"state"`
	Input           benefit.Case   `json:"input"` // what the calculator was given, params filled
	Result          benefit.Result `json:"result"`
	Items           []ProposalItem `json:"items"`
	// FirstMonth is the first month of the monthly items (YYYY-MM): see FirstBenefitMonth.
	FirstMonth string `json:"first_month"`
	ProposedBy string `json:"proposed_by"`
	ProposedAt string `json:"proposed_at"`
	DecidedBy  string `json:"decided_by,omitempty"`
	DecidedAt  string `json:"decided_at,omitempty"`
	Note       string `json:"note,omitempty"`
}

// ProposalItems gives each calculated item its disposition.
func ProposalItems(res benefit.Result) []ProposalItem {
	out := make([]ProposalItem, len(res.Items))
	for i, it := range res.Items {
		d := ToPayable
		switch {
		case it.Payer == benefit.PayerEmployer:
			d = ToEmployer
		case it.Period == benefit.Monthly:
			d = ToPayroll
		}
		out[i] = ProposalItem{Item: it, Disposition: d}
	}
	return out
}

// CheckDecision enforces the four-eyes rule and the state of a proposal before a decision.
// Errors: invalid when the proposal is no longer proposed, a rejection has no note, or the
// reviewer is the proposer (security.md 双人复核).
func (p Proposal) CheckDecision(reviewer string, approve bool, note string) error {
	if p.State != ProposalProposed {
		return invalid("state", "the proposal is already %s", p.State)
	}
	if reviewer == "" || reviewer == p.ProposedBy {
		return &Error{Code: CodeForbidden, Field: "reviewer", Reason: "the proposer cannot review their own proposal"}
	}
	if !approve && note == "" {
		return invalid("note", "a rejection needs a reason")
	}
	return nil
}

// FirstBenefitMonth is the first month the monthly disability benefits are owed: the month
// after the conclusion. Reading: 条例 Art. 33 ¶3 stops the original pay "after the grade is
// assessed" (评定伤残等级后，停发原待遇), which the provincial rules we have seen implement
// as "from the month after the conclusion" (自作出鉴定结论的次月起); the suspension-period pay
// covers the conclusion month itself.
func FirstBenefitMonth(conclusion Date) coverage.Month {
	m, _ := coverage.MonthOf(conclusion.String())
	return m + 1
}

// WageHistory returns the worker's monthly contribution bases at the injury's employer over
// the 12 months before the month of the injury, oldest first, skipping the months the worker
// was not covered there (benefits.md: fewer than 12 months insured averages the months there
// are), and whether the worker was covered in the injury month itself (Art. 62: if not, the
// employer pays every item).
//
// Reading of Art. 64 "受伤前12个月平均月缴费工资": the 12 calendar months before the month of
// the injury, at the employer where it happened — with several employers, that employer's
// insurance answers for the injury, so its bases are the ones that count. events are the
// (worker, employer) pair's enrollment events in coverage.Sort order.
func WageHistory(events []coverage.Event, injury Date) (wages []money.Amount, insured bool) {
	m, err := coverage.MonthOf(injury.String())
	if err != nil {
		return nil, false
	}
	periods := coverage.Periods(events, m)
	insured = coverage.Covered(periods, m)
	var within []coverage.Period
	for _, p := range periods {
		from, to := max(p.From, m-12), min(p.To, m-1)
		if from <= to {
			within = append(within, coverage.Period{From: from, To: to})
		}
	}
	coverage.Bases(events, within, func(_ coverage.Month, base int64, ok bool) {
		if ok {
			wages = append(wages, money.Amount(base))
		}
	})
	return wages, insured
}
