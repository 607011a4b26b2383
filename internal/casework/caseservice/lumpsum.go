package caseservice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/casework"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/privacy"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// EntityPayable names lump-sum payables in audit records.
const EntityPayable = "benefit_payable"

// LedgerSourceLumpSum is the ledger source of lump-sum payments; the ref is
// "<payable id>:<version paid>", so a payment reversed and paid again posts again.
const LedgerSourceLumpSum = "lumpsum"

// ParamPaymentAuthority is the policy parameter of authority limits by amount: a JSON object
// from role code to the largest amount in yuan the role may approve ({"payment_officer":
// "200000.00", "fund_officer": "1000000.00"}). An amount above every limit needs the fund
// officer.
const ParamPaymentAuthority = "payment_authority"

// The states of a lump-sum payable: payable (approved by the benefits reviewer, waiting for
// the payment officer) → prepared (payee and account given) → approved (by a second person
// within their authority) → paid. A rejection and a reversal send it back to payable.
const (
	PayableOpen     = "payable"
	PayablePrepared = "prepared"
	PayableApproved = "approved"
	PayablePaid     = "paid"
)

// PayableStates lists the states in order, for filters.
var PayableStates = []string{PayableOpen, PayablePrepared, PayableApproved, PayablePaid}

// Payable is one lump sum the fund owes under an approved benefit proposal, with its
// payment's progress.
type Payable struct {
	ID          int64        `json:"id"`
	ProposalID  int64        `json:"proposal_id"`
	Seq         int          `json:"seq"`
	Region      string       `json:"region"`
	IDNumber    string       `json:"id_number"`
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

// masked is the payable as audit records hold it: the bank account masked.
func (p Payable) masked() Payable {
	p.BankAccount = privacy.MaskBank(p.BankAccount)
	return p
}

// PaymentDetails are what the payment officer gives when preparing a payable.
type PaymentDetails struct {
	Payee       string `json:"payee"`
	BankAccount string `json:"bank_account"`
}

const payableCols = `b.id, b.proposal_id, b.seq, p.region, b.id_number, p.data, b.item, b.amount, b.status, b.created_at,
	b.payee, b.bank_account, b.prepared_by, b.prepared_at, b.approved_by, b.approved_at, b.paid_by, b.paid_on,
	b.pay_month, b.posting_id, b.note, b.version`

func scanPayable(sc interface{ Scan(...any) error }) (Payable, error) {
	var b Payable
	var data string
	var amount int64
	var prepAt, apprAt, paidOn, month sql.NullString
	var posting sql.NullInt64
	if err := sc.Scan(&b.ID, &b.ProposalID, &b.Seq, &b.Region, &b.IDNumber, &data, &b.Item, &amount, &b.Status, &b.CreatedAt,
		&b.Payee, &b.BankAccount, &b.PreparedBy, &prepAt, &b.ApprovedBy, &apprAt, &b.PaidBy, &paidOn, &month, &posting,
		&b.Note, &b.Version); err != nil {
		return b, err
	}
	var pd proposalData
	if err := unmarshal(data, &pd); err != nil {
		return b, err
	}
	b.WorkerName, b.Amount = pd.WorkerName, money.Amount(amount)
	b.PreparedAt, b.ApprovedAt, b.PaidOn, b.PayMonth, b.PostingID = prepAt.String, apprAt.String, paidOn.String, month.String, posting.Int64
	return b, nil
}

func loadPayable(ctx context.Context, q store.Querier, id int64) (Payable, error) {
	b, err := scanPayable(q.QueryRow(ctx, `SELECT `+payableCols+` FROM benefit_payables b
		JOIN benefit_proposals p ON p.id = b.proposal_id WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, apperr.NotFoundf("一次性待遇 %d 不存在 / payable %d not found", id, id)
	}
	return b, err
}

// Payable loads one lump-sum payable. Errors: not_found.
func (s *Service) Payable(ctx context.Context, id int64) (Payable, error) {
	return loadPayable(ctx, s.DB, id)
}

// Payables lists the payables in a state ("" for all) of offices whose region code starts with
// the region's prefix ("" for all), oldest first.
func (s *Service) Payables(ctx context.Context, region, status string) ([]Payable, error) {
	scope, args := store.CodePrefix("p.region", RegionPrefix(region))
	q := `SELECT ` + payableCols + ` FROM benefit_payables b JOIN benefit_proposals p ON p.id = b.proposal_id
		WHERE ` + scope
	if status != "" {
		q += ` AND b.status = ?`
		args = append(args, status)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY b.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payable
	for rows.Next() {
		b, err := scanPayable(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// changePayable loads payable id inside a transaction, checks its version and state, lets
// change update it, and audits the change.
func (s *Service) changePayable(ctx context.Context, id int64, version int, want string,
	change func(tx *store.Tx, b Payable, at string) error) (Payable, error) {
	var out Payable
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadPayable(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return apperr.Conflictf("version", "一次性待遇 %d 已被他人修改，请刷新 / payable %d was changed by someone else; reload it", id, id)
		}
		if before.Status != want {
			return apperr.Conflictf("status", "一次性待遇当前状态为 %s，不能办理 / the payable is %s, not %s", before.Status, before.Status, want)
		}
		if err := change(tx, before, s.now()); err != nil {
			return err
		}
		if out, err = loadPayable(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, EntityPayable, id, before.masked(), out.masked())
	})
	return out, err
}

// updatePayable runs an UPDATE of benefit_payables guarded by the version read.
func updatePayable(ctx context.Context, tx *store.Tx, b Payable, set string, args ...any) error {
	res, err := tx.Exec(ctx, `UPDATE benefit_payables SET `+set+`, version = version + 1 WHERE id = ? AND version = ?`,
		append(args, b.ID, b.Version)...)
	if err != nil {
		return fmt.Errorf("caseservice: update payable: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return apperr.Conflictf("version", "一次性待遇 %d 已被他人修改，请刷新 / payable %d was changed by someone else; reload it", b.ID, b.ID)
	}
	return nil
}

// PreparePayable records the payee and bank account of payable id read at version: the
// payment officer's step. Errors: not_found; conflict (stale version, not payable); invalid
// (missing payee, malformed account).
func (s *Service) PreparePayable(ctx context.Context, actor string, id int64, version int, d PaymentDetails) (Payable, error) {
	d.Payee, d.BankAccount = strings.TrimSpace(d.Payee), strings.ReplaceAll(strings.TrimSpace(d.BankAccount), " ", "")
	if d.Payee == "" {
		return Payable{}, apperr.Invalidf("payee", "请填写收款人 / the payee is required")
	}
	if n := len(d.BankAccount); n < 8 || n > 32 || strings.IndexFunc(d.BankAccount, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
		return Payable{}, apperr.Invalidf("bank_account", "银行账号应为8至32位数字 / the bank account must be 8 to 32 digits")
	}
	return s.changePayable(ctx, id, version, PayableOpen, func(tx *store.Tx, b Payable, at string) error {
		return updatePayable(ctx, tx, b, `status = ?, payee = ?, bank_account = ?, prepared_by = ?, prepared_at = ?,
			approved_by = '', approved_at = NULL, note = ''`, PayablePrepared, d.Payee, seal.Secret(d.BankAccount), actor, at)
	})
}

// Authority reads the authority limits by role in force in region on day on (policy
// payment_authority).
func Authority(ctx context.Context, q store.Querier, region, on string) (map[string]money.Amount, error) {
	raw := map[string]string{}
	if _, err := policy.Decode(ctx, q, region, ParamPaymentAuthority, on, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]money.Amount, len(raw))
	for role, v := range raw {
		a, err := money.Parse(v)
		if err != nil {
			return nil, fmt.Errorf("caseservice: policy %s: %s: %w", ParamPaymentAuthority, role, err)
		}
		out[role] = a
	}
	return out, nil
}

// CheckAuthority tells whether a user holding roles may approve amount under the limits: one
// of the roles has a limit at least the amount, or the amount is above every limit and the
// user is a fund officer. Errors: forbidden, naming the amount and the user's limit.
func CheckAuthority(limits map[string]money.Amount, roles []string, amount money.Amount) error {
	var top, mine money.Amount
	has, fundOfficer := false, false
	for _, l := range limits {
		if l > top {
			top = l
		}
	}
	for _, r := range roles {
		if r == "fund_officer" {
			fundOfficer = true
		}
		if l, ok := limits[r]; ok {
			has = true
			if l > mine {
				mine = l
			}
		}
	}
	switch {
	case has && amount <= mine:
		return nil
	case amount > top && fundOfficer:
		return nil
	case amount > top:
		return apperr.Forbiddenf("金额 %s 元超过所有审批权限，须由基金财务审批 / %s yuan is above every authority limit: a fund officer must approve it",
			amount.Grouped(), amount.Grouped())
	case !has:
		return apperr.Forbiddenf("您没有一次性待遇审批权限 / you have no authority limit for lump-sum payments")
	}
	return apperr.Forbiddenf("金额 %s 元超过您的审批权限 %s 元 / %s yuan is above your authority limit of %s yuan",
		amount.Grouped(), mine.Grouped(), amount.Grouped(), mine.Grouped())
}

// DecidePayable approves or rejects the prepared payment of payable id read at version. The
// approver may not be the preparer (four-eyes) and must hold a role whose authority limit
// covers the amount (CheckAuthority); a rejection needs a note and sends the payable back to
// the payment officer. Errors: not_found; conflict; forbidden (preparer, authority); invalid.
func (s *Service) DecidePayable(ctx context.Context, actor string, roles []string, id int64, version int, approve bool, note string) (Payable, error) {
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return Payable{}, apperr.Invalidf("note", "退回须说明理由 / a rejection needs a note")
	}
	return s.changePayable(ctx, id, version, PayablePrepared, func(tx *store.Tx, b Payable, at string) error {
		if b.PreparedBy == actor {
			return apperr.Forbiddenf("制单人不能审批自己经办的支付 / whoever prepared a payment cannot approve it")
		}
		if !approve {
			return updatePayable(ctx, tx, b, `status = ?, note = ?`, PayableOpen, note)
		}
		limits, err := Authority(ctx, tx, b.Region, at[:10])
		if err != nil {
			return err
		}
		if err := CheckAuthority(limits, roles, b.Amount); err != nil {
			return err
		}
		return updatePayable(ctx, tx, b, `status = ?, approved_by = ?, approved_at = ?, note = ?`, PayableApproved, actor, at, note)
	})
}

// PayPayable pays the approved payable id read at version on day on, in one transaction: one
// payments row (source lumpsum:<id>, the item code, the month of on), one ledger posting of
// lump_sum expenditure for the proposal's region, the payable marked paid, the audit record.
// Errors: not_found; conflict (stale version, not approved — a second pay —, or a payment of
// the item to the person in that month already recorded); invalid (date).
func (s *Service) PayPayable(ctx context.Context, actor string, id int64, version int, on casework.Date) (Payable, error) {
	if on.IsZero() {
		return Payable{}, apperr.Invalidf("paid_on", "请填写支付日期 / the payment date is required")
	}
	day := on.String()
	return s.changePayable(ctx, id, version, PayableApproved, func(tx *store.Tx, b Payable, at string) error {
		source := fmt.Sprintf("lumpsum:%d", b.ID)
		_, err := tx.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account, source) VALUES (?, ?, ?, ?, ?, ?)`,
			b.IDNumber, b.Item, day[:7], b.Amount.Fen(), seal.Secret(b.BankAccount), source)
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("paid_on", "%s 月已有该人员的 %s 支付记录 / %s was already paid to this person in %s", day[:7], b.Item, b.Item, day[:7])
		}
		if err != nil {
			return fmt.Errorf("caseservice: payment row: %w", err)
		}
		pid, err := ledger.Post(ctx, tx, audit.Actor{Username: actor}, LedgerSourceLumpSum, fmt.Sprintf("%d:%d", b.ID, b.Version),
			fund.Expense(b.Region, day, "lump_sum", b.Amount, fmt.Sprintf("一次性待遇 %s 待遇方案 %d", b.Item, b.ProposalID)))
		if err != nil {
			return err
		}
		return updatePayable(ctx, tx, b, `status = ?, paid_by = ?, paid_on = ?, pay_month = ?, posting_id = ?`,
			PayablePaid, actor, day, day[:7], pid)
	})
}

// ReversePayable corrects the payment of payable id read at version (a bank return, a wrong
// account): the ledger posting is reversed by a new entry dated on, the payments row removed,
// and the payable goes back to payable with the reason, to be prepared and approved again.
// Errors: not_found; conflict (not paid, stale); invalid (no reason, no date).
func (s *Service) ReversePayable(ctx context.Context, actor string, id int64, version int, on casework.Date, reason string) (Payable, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Payable{}, apperr.Invalidf("reason", "冲正须说明理由 / a reversal needs a reason")
	}
	if on.IsZero() {
		return Payable{}, apperr.Invalidf("on", "请填写冲正日期 / the date is required")
	}
	return s.changePayable(ctx, id, version, PayablePaid, func(tx *store.Tx, b Payable, at string) error {
		if b.PostingID != 0 {
			if _, err := ledger.ReverseTx(ctx, tx, audit.Actor{Username: actor}, b.PostingID, on.String(),
				fmt.Sprintf("冲正一次性待遇 %d: %s", b.ID, reason)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM payments WHERE source = ? AND id_number = ? AND item = ?`,
			fmt.Sprintf("lumpsum:%d", b.ID), b.IDNumber, b.Item); err != nil {
			return err
		}
		return updatePayable(ctx, tx, b, `status = ?, paid_by = '', paid_on = NULL, pay_month = NULL, posting_id = NULL,
			approved_by = '', approved_at = NULL, note = ?`, PayableOpen, "冲正 / reversed: "+reason)
	})
}
