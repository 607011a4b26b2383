package caseservice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"wiis/internal/apperr"
	"wiis/internal/benefit"
	"wiis/internal/benefitpolicy"
	"wiis/internal/casework"
	"wiis/internal/coverage"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/store"
)

// EntityProposal names benefit proposals in audit records.
const EntityProposal = "benefit_proposal"

// ProposalRequest asks for the benefits of a concluded assessment. The grade, self-care level,
// injury date, region and wage come from the case file and the enrollment records; the fields
// below are the facts of the worker's situation the case file does not hold, given by the
// proposer (each is a calculator input of calc-contract.md).
type ProposalRequest struct {
	AssessmentID int64 `json:"assessment_id"`
	// OwnWage overrides the wage history from the enrollment bases, for a worker with no bases
	// on record (an uninsured employer: the wage is proven by payslips, Art. 62/64).
	OwnWage          *money.Amount `json:"own_wage,omitempty"`
	EmploymentEnded  bool          `json:"employment_ended,omitempty"`
	TerminationDate  string        `json:"termination_date,omitempty"`
	NoSuitableWork   bool          `json:"no_suitable_work,omitempty"`
	Retired          bool          `json:"retired,omitempty"`
	BasicPension     *money.Amount `json:"basic_pension,omitempty"`
	SuspensionMonths int           `json:"suspension_months,omitempty"`
	OriginalWage     *money.Amount `json:"original_wage,omitempty"`
	BirthDate        string        `json:"birth_date,omitempty"`
	RetireCategory   string        `json:"retire_category,omitempty"`
}

// ProposeBenefits runs the calculator on a concluded assessment of a recognised work injury and
// stores the proposal for review, in one transaction with its audit record. The worker's own
// wage is the average of the contribution bases at the injury's employer over the 12 months
// before the injury (casework.WageHistory); the parameters come from the region's policy in
// force on the injury date (benefitpolicy.Fill).
//
// Errors (*apperr.Error): not_found (no such assessment); invalid (not concluded, terminated,
// not a work injury, superseded by a re-assessment, or a calculator input error naming its
// field); conflict (a live proposal for the assessment exists).
func (s *Service) ProposeBenefits(ctx context.Context, actor string, r ProposalRequest) (casework.Proposal, error) {
	var out casework.Proposal
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		a, err := loadAssessment(ctx, tx, r.AssessmentID)
		if err != nil {
			return err
		}
		if err := proposable(ctx, tx, a); err != nil {
			return err
		}
		det, err := loadDetermination(ctx, tx, a.DeterminationID)
		if err != nil {
			return err
		}
		c, err := benefitCase(ctx, tx, det, a, r)
		if err != nil {
			return err
		}
		res, err := benefit.Calculate(c)
		if err != nil {
			return calcErr(err)
		}
		p := casework.Proposal{AssessmentID: a.ID, DeterminationID: det.ID, Region: det.Region,
			WorkerID: det.WorkerID, WorkerName: det.WorkerName, EmployerUSCC: det.EmployerUSCC,
			State: casework.ProposalProposed, Input: c, Result: res, Items: casework.ProposalItems(res),
			FirstMonth: casework.FirstBenefitMonth(a.Conclusion.On).String(), ProposedBy: actor, ProposedAt: s.now()}
		if p.ID, err = insertProposal(ctx, tx, p); err != nil {
			return err
		}
		if out, err = loadProposal(ctx, tx, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, EntityProposal, p.ID, nil, out)
	})
	return out, casework.AppErr(err)
}

// proposable checks that an assessment's conclusion is the one benefits follow from.
func proposable(ctx context.Context, q store.Querier, a casework.Assessment) error {
	switch {
	case a.Conclusion == nil || (a.State != casework.AsmtConcluded && a.State != casework.AsmtClosed) || a.Terminated:
		return apperr.Invalidf("assessment_id", "鉴定尚未作出结论 / the assessment has no conclusion")
	case !a.WorkInjury || a.DeterminationID == 0:
		return apperr.Invalidf("assessment_id", "未认定为工伤 / no recognised work injury behind this assessment")
	}
	// A re-assessment's conclusion replaces this one (条例 Art. 26): propose from the latest.
	var later int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM assessment_cases WHERE parent_id = ? AND kind = ?`,
		a.ID, string(casework.AsmtReassess)).Scan(&later); err != nil {
		return err
	}
	if later > 0 {
		return apperr.Invalidf("assessment_id", "该结论已申请再次鉴定 / a re-assessment of this conclusion exists; propose from it")
	}
	return nil
}

// benefitCase assembles the calculator's input from the case file, the enrollment bases and
// the request, with the region's parameters filled in.
func benefitCase(ctx context.Context, q store.Querier, det casework.Determination, a casework.Assessment, r ProposalRequest) (benefit.Case, error) {
	events, err := enrollmentEvents(ctx, q, det.WorkerID, det.EmployerUSCC)
	if err != nil {
		return benefit.Case{}, err
	}
	wages, insured := casework.WageHistory(events, det.EventDate)
	c := benefit.Case{InjuryDate: det.EventDate.String(), Region: det.Region, Insured: &insured,
		Grade: a.Conclusion.Grade, SelfCare: string(a.Conclusion.Level),
		EmploymentEnded: r.EmploymentEnded, TerminationDate: r.TerminationDate, NoSuitableWork: r.NoSuitableWork,
		Retired: r.Retired, BasicPension: r.BasicPension, SuspensionMonths: r.SuspensionMonths,
		OriginalWage: r.OriginalWage, BirthDate: r.BirthDate, RetireCategory: r.RetireCategory}
	switch {
	case r.OwnWage != nil:
		c.OwnWage = r.OwnWage
	case len(wages) > 0:
		c.WageHistory = wages
	}
	if err := benefitpolicy.Fill(ctx, q, &c); err != nil {
		return c, calcErr(err)
	}
	return c, nil
}

// enrollmentEvents reads a (worker, employer) pair's events in coverage.Sort order.
func enrollmentEvents(ctx context.Context, q store.Querier, worker, uscc string) ([]coverage.Event, error) {
	rows, err := q.Query(ctx, `SELECT event, month, recorded_on, monthly_base FROM enrollment_events
		WHERE id_number = ? AND uscc = ?`, worker, uscc)
	if err != nil {
		return nil, fmt.Errorf("caseservice: enrollment events: %w", err)
	}
	defer rows.Close()
	var out []coverage.Event
	for rows.Next() {
		var kind, month string
		var e coverage.Event
		var base sql.NullInt64
		if err := rows.Scan(&kind, &month, &e.RecordedOn, &base); err != nil {
			return nil, err
		}
		if e.Kind, err = coverage.ParseKind(kind); err != nil {
			return nil, err
		}
		if e.Month, err = coverage.ParseMonth(month); err != nil {
			return nil, err
		}
		e.Base, e.HasBase = base.Int64, base.Valid
		out = append(out, e)
	}
	coverage.Sort(out)
	return out, rows.Err()
}

// calcErr turns the calculator's field errors into invalid input; anything else stays an
// internal failure.
func calcErr(err error) error {
	var fe *benefit.FieldError
	if errors.As(err, &fe) {
		return apperr.Invalidf(fe.Field, "%s / %s", fe.MessageZH, fe.Message)
	}
	return err
}

func insertProposal(ctx context.Context, tx *store.Tx, p casework.Proposal) (int64, error) {
	data, err := marshal(proposalData{Input: p.Input, Result: p.Result, WorkerName: p.WorkerName})
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO benefit_proposals (assessment_id, determination_id, region, worker_id, employer_uscc,
			state, first_month, proposed_by, proposed_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.AssessmentID, nullID(p.DeterminationID), p.Region, p.WorkerID, p.EmployerUSCC, string(p.State), p.FirstMonth,
		p.ProposedBy, p.ProposedAt, data).Scan(&id)
	if store.IsUniqueViolation(err) {
		return 0, apperr.Conflictf("assessment_id", "该鉴定已有待审或已批准的待遇方案 / a live proposal for this assessment exists")
	}
	if err != nil {
		return 0, fmt.Errorf("caseservice: insert proposal: %w", err)
	}
	for i, it := range p.Items {
		var months any
		if it.Months != nil {
			months = *it.Months
		}
		if _, err := tx.Exec(ctx, `INSERT INTO benefit_proposal_items (proposal_id, seq, code, name, payer, period, amount,
				months, formula, basis, disposition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, i+1, it.Code, it.Name, it.Payer, it.Period, int64(it.Amount), months, it.Formula, it.Basis, string(it.Disposition)); err != nil {
			return 0, fmt.Errorf("caseservice: insert proposal item: %w", err)
		}
	}
	return id, nil
}

// proposalData is the JSON part of a proposal row.
type proposalData struct {
	Input      benefit.Case   `json:"input"`
	Result     benefit.Result `json:"result"`
	WorkerName string         `json:"worker_name"`
	Note       string         `json:"note,omitempty"`
}

// Proposal loads a benefit proposal with its items. Errors: not_found.
func (s *Service) Proposal(ctx context.Context, id int64) (casework.Proposal, error) {
	p, err := loadProposal(ctx, s.DB, id)
	return p, casework.AppErr(err)
}

func loadProposal(ctx context.Context, q store.Querier, id int64) (casework.Proposal, error) {
	var p casework.Proposal
	var det sql.NullInt64
	var decidedAt sql.NullString
	var data, state string
	err := q.QueryRow(ctx, `SELECT id, version, assessment_id, determination_id, region, worker_id, employer_uscc, state,
			first_month, proposed_by, proposed_at, decided_by, decided_at, data FROM benefit_proposals WHERE id = ?`, id).
		Scan(&p.ID, &p.Version, &p.AssessmentID, &det, &p.Region, &p.WorkerID, &p.EmployerUSCC, &state, &p.FirstMonth,
			&p.ProposedBy, &p.ProposedAt, &p.DecidedBy, &decidedAt, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFoundf("待遇方案 %d 不存在 / benefit proposal %d not found", id, id)
	}
	if err != nil {
		return p, fmt.Errorf("caseservice: load proposal %d: %w", id, err)
	}
	p.DeterminationID, p.DecidedAt, p.State = det.Int64, decidedAt.String, casework.ProposalState(state)
	var pd proposalData
	if err := unmarshal(data, &pd); err != nil {
		return p, err
	}
	p.Input, p.Result, p.WorkerName, p.Note = pd.Input, pd.Result, pd.WorkerName, pd.Note
	rows, err := q.Query(ctx, `SELECT code, name, payer, period, amount, months, formula, basis, disposition, entitlement_id
		FROM benefit_proposal_items WHERE proposal_id = ? ORDER BY seq`, id)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var it casework.ProposalItem
		var amount int64
		var months, ent sql.NullInt64
		var disp string
		if err := rows.Scan(&it.Code, &it.Name, &it.Payer, &it.Period, &amount, &months, &it.Formula, &it.Basis, &disp, &ent); err != nil {
			return p, err
		}
		it.Amount, it.Disposition, it.EntitlementID = money.Amount(amount), casework.Disposition(disp), ent.Int64
		if months.Valid {
			m := int(months.Int64)
			it.Months = &m
		}
		p.Items = append(p.Items, it)
	}
	return p, rows.Err()
}

// DecideProposal approves or rejects proposal id read at version. The reviewer may not be the
// proposer (four-eyes). Approval, in the same transaction: each monthly item the fund pays
// becomes a payroll entitlement from the proposal's first month (payrollsvc.CreateEntitlement),
// each fund lump sum a payable item; the employer's items become visible to the employer.
//
// Errors: not_found; conflict (stale version, or the payroll already has such an
// entitlement); forbidden (the proposer reviewing); invalid (not proposed, a rejection
// without a note).
func (s *Service) DecideProposal(ctx context.Context, actor string, id int64, version int, approve bool, note string) (casework.Proposal, error) {
	var out casework.Proposal
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return casework.ErrConflict(EntityProposal, id)
		}
		if err := before.CheckDecision(actor, approve, note); err != nil {
			return err
		}
		at := s.now()
		state := casework.ProposalRejected
		if approve {
			state = casework.ProposalApproved
		}
		data, err := marshal(proposalData{Input: before.Input, Result: before.Result, WorkerName: before.WorkerName, Note: note})
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE benefit_proposals SET state = ?, decided_by = ?, decided_at = ?, data = ?,
			version = version + 1 WHERE id = ? AND version = ?`, string(state), actor, at, data, id, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return casework.ErrConflict(EntityProposal, id)
		}
		if approve {
			if err := grant(ctx, tx, before, actor, at); err != nil {
				return err
			}
		}
		if out, err = loadProposal(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, EntityProposal, id, before, out)
	})
	return out, casework.AppErr(err)
}

// grant carries out an approved proposal: entitlements for the payroll, payables for the
// lump sums.
func grant(ctx context.Context, tx *store.Tx, p casework.Proposal, by, at string) error {
	start, err := payroll.ParseMonth(p.FirstMonth)
	if err != nil {
		return err
	}
	for i, it := range p.Items {
		seq := i + 1
		switch it.Disposition {
		case casework.ToPayroll:
			e := payroll.Entitlement{IDNumber: p.WorkerID, Name: p.WorkerName, Item: it.Code, Start: start,
				WorkerIDNumber: p.WorkerID, Amounts: []payroll.AmountFrom{{From: start, Amount: it.Amount,
					Reason: "待遇方案 " + strconv.FormatInt(p.ID, 10) + " / benefit proposal"}}}
			switch it.Code {
			case benefit.DisabilityAllowance:
				e.Grade = p.Input.Grade
			case benefit.NursingCare:
				e.SelfCare = p.Input.SelfCare
			}
			eid, err := payrollsvc.CreateEntitlement(ctx, tx, e, "casework:"+strconv.FormatInt(p.ID, 10), by, at)
			if errors.Is(err, payrollsvc.ErrConflict) {
				return apperr.Conflictf("items", "发放名册中已有该待遇，请在名册中调整 / the payroll already has %s for this worker; adjust it there", it.Code)
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE benefit_proposal_items SET entitlement_id = ? WHERE proposal_id = ? AND seq = ?`,
				eid, p.ID, seq); err != nil {
				return err
			}
		case casework.ToPayable:
			if it.Amount <= 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO benefit_payables (proposal_id, seq, id_number, item, amount, status, created_at)
				VALUES (?, ?, ?, ?, ?, 'payable', ?)`, p.ID, seq, p.WorkerID, it.Code, int64(it.Amount), at); err != nil {
				return fmt.Errorf("caseservice: payable: %w", err)
			}
		}
	}
	return nil
}

// ProposalQueue lists the proposals in a state (proposed: the benefits reviewer's queue) for
// offices whose region code starts with the region's prefix ("" for all), oldest first.
func (s *Service) ProposalQueue(ctx context.Context, region string, state casework.ProposalState) ([]casework.Proposal, error) {
	scope, args := store.CodePrefix("region", RegionPrefix(region))
	return s.proposals(ctx, `SELECT id FROM benefit_proposals WHERE state = ? AND `+scope+` ORDER BY id`,
		append([]any{string(state)}, args...)...)
}

// proposals loads every proposal whose id the query returns, in its order.
func (s *Service) proposals(ctx context.Context, query string, args ...any) ([]casework.Proposal, error) {
	ids, err := store.IDs(ctx, s.DB, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]casework.Proposal, 0, len(ids))
	for _, id := range ids {
		p, err := loadProposal(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
