package caseservice

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// EntityEmployerItem names employer-paid items in audit records ("<proposal>:<seq>").
const EntityEmployerItem = "employer_item"

// ParamEmployerPayDays is the policy parameter of the days an employer has, from the
// proposal's approval, to pay an item before it shows as overdue.
const ParamEmployerPayDays = "casework.employer_pay_days"

// The states of an employer-paid item: due until paid; overdue once the policy's days have
// passed; referred to the labour inspectorate; paid (recorded by the employer or a teller).
const (
	ItemDue      = "due"
	ItemOverdue  = "overdue"
	ItemPaid     = "paid"
	ItemReferred = "referred"
)

// EmployerItem is one benefit an employer must pay under an approved proposal, with whether
// it has paid.
type EmployerItem struct {
	ProposalID   int64        `json:"proposal_id"`
	Seq          int          `json:"seq"`
	Region       string       `json:"region"`
	EmployerUSCC string       `json:"employer_uscc"`
	WorkerID     string       `json:"worker_id"`
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
	Version      int          `json:"version"` // 0 while nothing is recorded
}

// EmployerObligations lists what employer uscc must pay under approved proposals (条例 Art.
// 33, 36, 37, 62), newest proposal first, with each item's status: the employer's view of
// casework.md and the agency's enforcement list.
func (s *Service) EmployerObligations(ctx context.Context, uscc string) ([]EmployerItem, error) {
	return s.employerItems(ctx, s.DB, `p.employer_uscc = ?`, uscc)
}

// EmployerItemsByStatus lists the employer-paid items of offices under region in a status
// ("" for all; overdue is computed), newest proposal first.
func (s *Service) EmployerItemsByStatus(ctx context.Context, region, status string) ([]EmployerItem, error) {
	scope, args := store.CodePrefix("p.region", RegionPrefix(region))
	all, err := s.employerItems(ctx, s.DB, scope, args...)
	if err != nil || status == "" {
		return all, err
	}
	var out []EmployerItem
	for _, it := range all {
		if it.Status == status {
			out = append(out, it)
		}
	}
	return out, nil
}

func (s *Service) employerItems(ctx context.Context, q store.Querier, where string, args ...any) ([]EmployerItem, error) {
	rows, err := q.Query(ctx, `SELECT p.id, i.seq, p.region, p.employer_uscc, p.worker_id, p.data, p.decided_at, i.code, i.name,
			i.period, i.amount, i.months, i.formula, i.basis, s.status, s.paid_on, s.evidence, s.referral_id, s.recorded_by, s.version
		FROM benefit_proposals p JOIN benefit_proposal_items i ON i.proposal_id = p.id
		LEFT JOIN employer_item_status s ON s.proposal_id = p.id AND s.seq = i.seq
		WHERE `+where+` AND p.state = ? AND i.disposition = ?
		ORDER BY p.id DESC, i.seq`, append(args, string(casework.ProposalApproved), string(casework.ToEmployer))...)
	if err != nil {
		return nil, err
	}
	var out []EmployerItem
	for rows.Next() {
		var e EmployerItem
		var data string
		var amount int64
		var months, ref, version sql.NullInt64
		var status, paidOn, evidence, by sql.NullString
		if err := rows.Scan(&e.ProposalID, &e.Seq, &e.Region, &e.EmployerUSCC, &e.WorkerID, &data, &e.ApprovedAt, &e.Code, &e.Name,
			&e.Period, &amount, &months, &e.Formula, &e.Basis, &status, &paidOn, &evidence, &ref, &by, &version); err != nil {
			rows.Close()
			return nil, err
		}
		var pd proposalData
		if err := unmarshal(data, &pd); err != nil {
			rows.Close()
			return nil, err
		}
		e.WorkerName, e.Amount = pd.WorkerName, money.Amount(amount)
		if months.Valid {
			m := int(months.Int64)
			e.Months = &m
		}
		e.Status, e.PaidOn, e.Evidence, e.ReferralID, e.RecordedBy, e.Version =
			status.String, paidOn.String, evidence.String, ref.Int64, by.String, int(version.Int64)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	today := s.now()[:10]
	for i := range out {
		if err := s.itemDue(ctx, q, &out[i], today); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// itemDue fills an item's due day from the policy in force at approval, and marks an unpaid
// item past it overdue.
func (s *Service) itemDue(ctx context.Context, q store.Querier, e *EmployerItem, today string) error {
	approved := e.ApprovedAt
	if len(approved) < 10 {
		return nil
	}
	days := 30
	if _, err := policy.Decode(ctx, q, e.Region, ParamEmployerPayDays, approved[:10], &days); err != nil {
		return err
	}
	d, err := casework.ParseDate(approved[:10])
	if err != nil {
		return err
	}
	e.DueOn = d.AddDays(days).String()
	if e.Status == "" {
		e.Status = ItemDue
		if today > e.DueOn {
			e.Status = ItemOverdue
		}
	}
	return nil
}

func loadEmployerItem(ctx context.Context, s *Service, q store.Querier, proposalID int64, seq int) (EmployerItem, error) {
	items, err := s.employerItems(ctx, q, `p.id = ? AND i.seq = ?`, proposalID, seq)
	if err != nil {
		return EmployerItem{}, err
	}
	if len(items) == 0 {
		return EmployerItem{}, apperr.NotFoundf("待遇方案 %d 第 %d 项不是用人单位应付待遇 / item %d of proposal %d is not an employer-paid item", proposalID, seq, seq, proposalID)
	}
	return items[0], nil
}

// EmployerItem loads one employer-paid item. Errors: not_found.
func (s *Service) EmployerItem(ctx context.Context, proposalID int64, seq int) (EmployerItem, error) {
	return loadEmployerItem(ctx, s, s.DB, proposalID, seq)
}

// changeItem applies a status change to an employer-paid item read at version (0: nothing
// recorded yet) in one transaction with its audit record.
func (s *Service) changeItem(ctx context.Context, proposalID int64, seq, version int,
	change func(tx *store.Tx, e EmployerItem, at string) error) (EmployerItem, error) {
	var out EmployerItem
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadEmployerItem(ctx, s, tx, proposalID, seq)
		if err != nil {
			return err
		}
		if before.Version != version {
			return apperr.Conflictf("version", "该项已被他人修改，请刷新 / the item was changed by someone else; reload it")
		}
		if before.Status == ItemPaid {
			return apperr.Conflictf("status", "该项已记录支付 / the item is already recorded as paid")
		}
		at := s.now()
		if err := change(tx, before, at); err != nil {
			return err
		}
		if out, err = loadEmployerItem(ctx, s, tx, proposalID, seq); err != nil {
			return err
		}
		return s.audit(ctx, tx, EntityEmployerItem, proposalID*1000+int64(seq), before, out)
	})
	return out, err
}

func saveItemStatus(ctx context.Context, tx *store.Tx, e EmployerItem, status, paidOn, evidence string, ref int64, by, at string) error {
	var paid, refID any
	if paidOn != "" {
		paid = paidOn
	}
	if ref != 0 {
		refID = ref
	}
	if e.Version == 0 {
		_, err := tx.Exec(ctx, `INSERT INTO employer_item_status (proposal_id, seq, status, paid_on, evidence, referral_id, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ProposalID, e.Seq, status, paid, evidence, refID, by, at)
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("version", "该项已被他人修改，请刷新 / the item was changed by someone else; reload it")
		}
		return err
	}
	if refID == nil && e.ReferralID != 0 {
		refID = e.ReferralID
	}
	res, err := tx.Exec(ctx, `UPDATE employer_item_status SET status = ?, paid_on = ?, evidence = ?, referral_id = ?, recorded_by = ?,
		recorded_at = ?, version = version + 1 WHERE proposal_id = ? AND seq = ? AND version = ?`,
		status, paid, evidence, refID, by, at, e.ProposalID, e.Seq, e.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return apperr.Conflictf("version", "该项已被他人修改，请刷新 / the item was changed by someone else; reload it")
	}
	return nil
}

// RecordEmployerPayment records that the employer paid an item on paidOn, with a note of the
// evidence (a transfer slip, the worker's receipt): the employer in its portal or a teller.
// Errors: not_found; conflict (stale version, already paid); invalid (date in the future or
// missing, no evidence).
func (s *Service) RecordEmployerPayment(ctx context.Context, actor string, proposalID int64, seq, version int, paidOn casework.Date, evidence string) (EmployerItem, error) {
	evidence = strings.TrimSpace(evidence)
	switch {
	case paidOn.IsZero():
		return EmployerItem{}, apperr.Invalidf("paid_on", "请填写支付日期 / the payment date is required")
	case paidOn.String() > s.now()[:10]:
		return EmployerItem{}, apperr.Invalidf("paid_on", "支付日期不能晚于今天 / the payment date cannot be in the future")
	case evidence == "":
		return EmployerItem{}, apperr.Invalidf("evidence", "请说明支付凭证 / describe the evidence of payment")
	}
	return s.changeItem(ctx, proposalID, seq, version, func(tx *store.Tx, e EmployerItem, at string) error {
		return saveItemStatus(ctx, tx, e, ItemPaid, paidOn.String(), evidence, 0, actor, at)
	})
}

// ReferEmployerItem marks an overdue item referred to the labour inspectorate, naming the
// supervision referral (inspection_referrals) when one was opened. Errors: not_found;
// conflict (stale, paid); invalid (not overdue, no such referral or one of another employer).
func (s *Service) ReferEmployerItem(ctx context.Context, actor string, proposalID int64, seq, version int, referralID int64) (EmployerItem, error) {
	return s.changeItem(ctx, proposalID, seq, version, func(tx *store.Tx, e EmployerItem, at string) error {
		if e.Status != ItemOverdue {
			return apperr.Invalidf("status", "只有逾期未付的项目可以移送 / only an overdue item can be referred")
		}
		if referralID != 0 {
			var uscc string
			err := tx.QueryRow(ctx, `SELECT uscc FROM inspection_referrals WHERE id = ?`, referralID).Scan(&uscc)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && uscc != e.EmployerUSCC) {
				return apperr.Invalidf("referral_id", "移送记录 %d 不存在或不是该单位的 / referral %d does not exist or concerns another employer", referralID, referralID)
			}
			if err != nil {
				return err
			}
		}
		return saveItemStatus(ctx, tx, e, ItemReferred, "", e.Evidence, referralID, actor, at)
	})
}
