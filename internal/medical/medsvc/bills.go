package medsvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/calendar"
	"wiis/internal/casework/caseservice"
	"wiis/internal/medical"
	"wiis/internal/money"
	"wiis/internal/store"
)

// Channels a bill arrives by.
const (
	ChannelDirect        = "direct"        // 联网结算: the hospital posts the bill; the worker pays nothing
	ChannelReimbursement = "reimbursement" // 手工报销: the worker or employer applies with the receipts
)

// Bill states.
const (
	BillReviewing = "reviewing" // doubtful lines wait for the medical auditor
	BillSettled   = "settled"   // every line decided; the accepted total is posted
)

// KindSubsidy marks the food and travel lines a bill carries besides its catalogue lines.
const KindSubsidy = "subsidy"

// Stay is an inpatient stay, for the food subsidy.
type Stay struct {
	Admitted   calendar.Date `json:"admitted"`
	Discharged calendar.Date `json:"discharged"`
}

// BillInput is a bill as a hospital posts it or a reimbursement application states it.
type BillInput struct {
	BillNo          string          `json:"bill_no"` // the hospital's settlement number, unique
	Channel         string          `json:"channel"`
	InstitutionCode string          `json:"institution_code"`
	DeterminationID int64           `json:"determination_id"`
	Diagnosis       string          `json:"diagnosis"` // ICD-10
	Emergency       bool            `json:"emergency"`
	Lines           []medical.Line  `json:"lines"`
	Stay            *Stay           `json:"stay,omitempty"`
	Travel          *medical.Travel `json:"travel,omitempty"`
	// RehabCaseID links the bill to a rehabilitation case (issue 11): its lines are audited
	// against the case's approved plan as well, and it is posted as rehabilitation.
	RehabCaseID int64 `json:"rehab_case_id,omitempty"`
}

// BillLine is a stored line with its audit and review (the result's line_no repeats the
// line's no).
type BillLine struct {
	medical.Line
	medical.Result
	Formula    string `json:"formula,omitempty"`
	ReviewedBy string `json:"reviewed_by,omitempty"`
	ReviewNote string `json:"review_note,omitempty"`
}

// Bill is a stored bill.
type Bill struct {
	ID              int64        `json:"id"`
	Version         int          `json:"version"`
	BillNo          string       `json:"bill_no"`
	Channel         string       `json:"channel"`
	InstitutionCode string       `json:"institution_code"`
	DeterminationID int64        `json:"determination_id"`
	WorkerID        string       `json:"worker_id"`
	Region          string       `json:"region"`
	State           string       `json:"state"`
	Billed          money.Amount `json:"billed"`
	Accepted        money.Amount `json:"accepted"`
	SettledOn       string       `json:"settled_on,omitempty"`
	PostingID       int64        `json:"posting_id,omitempty"`
	RehabCaseID     int64        `json:"rehab_case_id,omitempty"`
	Lines           []BillLine   `json:"lines"`
}

// SubmitBill receives a bill by either channel, audits every line (medical.AuditBill) against
// the institution's agreements, the catalogues and the recognised injury, adds the food
// subsidy and approved travel at the area's standards, and stores it — all in one transaction.
// A bill without doubtful lines is settled at once (its accepted total posted to the ledger as
// `medical`); one with doubtful lines waits in the medical auditor's queue. This is the
// function the hospitals' direct-settlement API calls.
//
// Errors: invalid (bad channel, no lines, not a recognised work injury, no standards for a
// subsidy); not_found (determination); conflict (the bill number was used).
func (s *Service) SubmitBill(ctx context.Context, actor string, in BillInput) (Bill, error) {
	if in.Channel != ChannelDirect && in.Channel != ChannelReimbursement {
		return Bill{}, apperr.Invalidf("channel", "结算方式应为 direct 或 reimbursement")
	}
	if in.BillNo == "" || in.InstitutionCode == "" || (len(in.Lines) == 0 && in.Stay == nil && in.Travel == nil) {
		return Bill{}, apperr.Invalidf("lines", "单据号、机构和明细必填 / bill number, institution and lines are required")
	}
	var out Bill
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		det, err := workInjury(ctx, tx, in.DeterminationID)
		if err != nil {
			return err
		}
		inst, known, err := loadInstitution(ctx, tx, in.InstitutionCode)
		if err != nil {
			return err
		}
		inj, err := injuryOf(ctx, tx, det)
		if err != nil {
			return err
		}
		cat, err := catalogueFor(ctx, tx, in.Lines)
		if err != nil {
			return err
		}
		seen, err := seenKeys(ctx, tx, det.WorkerID, in.InstitutionCode, in.Lines)
		if err != nil {
			return err
		}
		for i := range in.Lines {
			in.Lines[i].No = i + 1
		}
		results := medical.AuditBill(medical.BillContext{Institution: inst, Known: known, Emergency: in.Emergency,
			Injury: inj, Catalogue: cat, Diagnosis: in.Diagnosis, Seen: seen}, in.Lines)
		if in.RehabCaseID != 0 {
			plan, err := rehabPlan(ctx, tx, in.RehabCaseID, det.WorkerID, in.InstitutionCode)
			if err != nil {
				return err
			}
			auditRehab(plan, in.Lines, results)
		}
		lines := make([]BillLine, len(in.Lines))
		for i, l := range in.Lines {
			lines[i] = BillLine{Line: l, Result: results[i]}
		}
		today := calendar.DateOf(s.now())
		subs, err := s.subsidies(ctx, tx, det.Region, today, in)
		if err != nil {
			return err
		}
		for _, sb := range subs {
			n := len(lines) + 1
			lines = append(lines, BillLine{Line: medical.Line{No: n, Kind: KindSubsidy, Code: sb.Code, On: today,
				Qty: 1000, UnitPrice: sb.Amount, Amount: sb.Amount}, Formula: sb.Formula,
				Result: medical.Result{No: n, Decision: sb.Decision, Reason: sb.Reason, Text: sb.Text, Billed: sb.Amount, Accepted: sb.Amount}})
			if sb.Decision == medical.Refuse {
				lines[n-1].Result.Accepted = 0
			}
		}
		b := Bill{BillNo: in.BillNo, Channel: in.Channel, InstitutionCode: in.InstitutionCode, DeterminationID: det.ID,
			WorkerID: det.WorkerID, Region: det.Region, State: BillReviewing, Lines: lines, RehabCaseID: in.RehabCaseID}
		b.total()
		if b.ID, err = insertBill(ctx, tx, b, in, actor, s.stamp()); err != nil {
			return err
		}
		if err := s.settleIfDone(ctx, tx, actor, b.ID, today); err != nil {
			return err
		}
		if out, err = loadBill(ctx, tx, b.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, "medical_bill", strconv.FormatInt(b.ID, 10), nil, out)
	})
	return out, err
}

func (s *Service) subsidies(ctx context.Context, tx *store.Tx, region string, on calendar.Date, in BillInput) ([]medical.Subsidy, error) {
	if in.Stay == nil && in.Travel == nil {
		return nil, nil
	}
	std, err := standards(ctx, tx, region, on)
	if err != nil {
		return nil, err
	}
	var out []medical.Subsidy
	if in.Stay != nil {
		if in.Stay.Discharged.Before(in.Stay.Admitted) {
			return nil, apperr.Invalidf("stay", "出院日期早于入院日期 / discharged before admitted")
		}
		out = append(out, medical.FoodSubsidy(std, in.Stay.Admitted, in.Stay.Discharged))
	}
	if in.Travel != nil {
		out = append(out, medical.TravelSubsidies(std, *in.Travel)...)
	}
	return out, nil
}

// total sums what was billed and what is accepted (refused lines add nothing; lines in
// review add nothing until accepted).
func (b *Bill) total() {
	b.Billed, b.Accepted = 0, 0
	for _, l := range b.Lines {
		b.Billed += l.Amount
		if l.Decision == medical.Accept {
			b.Accepted += l.Result.Accepted
		}
	}
}

// seenKeys returns the duplicate keys of the worker's earlier lines at the institution that
// were paid or are waiting for review.
func seenKeys(ctx context.Context, q store.Querier, worker, institution string, lines []medical.Line) (map[string]bool, error) {
	seen := map[string]bool{}
	if len(lines) == 0 {
		return seen, nil
	}
	args := []any{worker}
	for _, l := range lines {
		args = append(args, medical.DupKey(institution, l))
	}
	rows, err := q.Query(ctx, `SELECT l.dup_key FROM medical_bill_lines l JOIN medical_bills b ON b.id = l.bill_id
		WHERE b.worker_id = ? AND l.decision <> 'refuse' AND l.dup_key IN (`+store.Placeholders(len(lines))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		seen[k] = true
	}
	return seen, rows.Err()
}

func insertBill(ctx context.Context, tx *store.Tx, b Bill, in BillInput, actor, at string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO medical_bills (bill_no, channel, institution_code, determination_id, worker_id, region,
			diagnosis, emergency, state, billed, accepted, submitted_by, submitted_at, rehab_case_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, b.BillNo, b.Channel, b.InstitutionCode, b.DeterminationID,
		b.WorkerID, b.Region, in.Diagnosis, boolInt(in.Emergency), b.State, int64(b.Billed), int64(b.Accepted), actor, at,
		nullID(b.RehabCaseID)).Scan(&id)
	if store.IsUniqueViolation(err) {
		return 0, apperr.Conflictf("bill_no", "单据号 %s 已提交 / bill %s was already submitted", b.BillNo, b.BillNo)
	}
	if err != nil {
		return 0, fmt.Errorf("medsvc: insert bill: %w", err)
	}
	for _, l := range b.Lines {
		dup := ""
		if l.Kind != KindSubsidy {
			dup = medical.DupKey(b.InstitutionCode, l.Line)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO medical_bill_lines (bill_id, line_no, kind, code, name, on_date, qty, unit_price,
				amount, diagnosis, decision, reason, reason_text, formula, accepted, dup_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, l.Line.No, string(l.Kind), l.Code, l.Name, l.On.String(),
			int64(l.Qty), int64(l.UnitPrice), int64(l.Amount), l.Diagnosis, string(l.Decision), string(l.Reason), l.Text,
			l.Formula, int64(l.Result.Accepted), dup); err != nil {
			return 0, fmt.Errorf("medsvc: insert line: %w", err)
		}
	}
	return id, nil
}

// Bill loads a bill with its lines. Errors: not_found.
func (s *Service) Bill(ctx context.Context, id int64) (Bill, error) { return loadBill(ctx, s.DB, id) }

func loadBill(ctx context.Context, q store.Querier, id int64) (Bill, error) {
	b := Bill{ID: id}
	var billed, accepted int64
	var settled sql.NullString
	var posting, rehab sql.NullInt64
	err := q.QueryRow(ctx, `SELECT version, bill_no, channel, institution_code, determination_id, worker_id, region, state,
			billed, accepted, settled_on, posting_id, rehab_case_id FROM medical_bills WHERE id = ?`, id).Scan(&b.Version, &b.BillNo, &b.Channel,
		&b.InstitutionCode, &b.DeterminationID, &b.WorkerID, &b.Region, &b.State, &billed, &accepted, &settled, &posting, &rehab)
	if errors.Is(err, sql.ErrNoRows) {
		return b, apperr.NotFoundf("医疗费单据 %d 不存在 / bill %d not found", id, id)
	}
	if err != nil {
		return b, err
	}
	b.Billed, b.Accepted, b.SettledOn, b.PostingID = money.Amount(billed), money.Amount(accepted), settled.String, posting.Int64
	b.RehabCaseID = rehab.Int64
	rows, err := q.Query(ctx, `SELECT line_no, kind, code, name, on_date, qty, unit_price, amount, diagnosis, decision, reason,
			reason_text, formula, accepted, reviewed_by, review_note FROM medical_bill_lines WHERE bill_id = ? ORDER BY line_no`, id)
	if err != nil {
		return b, err
	}
	defer rows.Close()
	for rows.Next() {
		var l BillLine
		var kind, on, decision, reason string
		var qty, price, amount, acc int64
		if err := rows.Scan(&l.Line.No, &kind, &l.Code, &l.Name, &on, &qty, &price, &amount, &l.Diagnosis, &decision, &reason,
			&l.Text, &l.Formula, &acc, &l.ReviewedBy, &l.ReviewNote); err != nil {
			return b, err
		}
		if l.On, err = calendar.ParseDate(on); err != nil {
			return b, err
		}
		l.Kind, l.Qty, l.UnitPrice, l.Amount = medical.Kind(kind), medical.Qty(qty), money.Amount(price), money.Amount(amount)
		l.Result.No, l.Decision, l.Reason, l.Billed, l.Result.Accepted = l.Line.No, medical.Decision(decision), medical.Reason(reason), l.Amount, money.Amount(acc)
		b.Lines = append(b.Lines, l)
	}
	return b, rows.Err()
}

// settleIfDone settles a bill whose lines are all decided: state settled, the accepted total
// recomputed and posted to the ledger in the same transaction.
func (s *Service) settleIfDone(ctx context.Context, tx *store.Tx, actor string, id int64, on calendar.Date) error {
	b, err := loadBill(ctx, tx, id)
	if err != nil {
		return err
	}
	for _, l := range b.Lines {
		if l.Decision == medical.Review {
			return nil
		}
	}
	b.total()
	posting, err := postSettlement(ctx, tx, actor, b, on)
	if err != nil {
		return err
	}
	var pid any
	if posting != 0 {
		pid = posting
	}
	_, err = tx.Exec(ctx, `UPDATE medical_bills SET state = ?, accepted = ?, settled_on = ?, posting_id = ?, version = version + 1
		WHERE id = ?`, BillSettled, int64(b.Accepted), on.String(), pid, id)
	return err
}

// QueueLine is a doubtful line waiting for the medical auditor.
type QueueLine struct {
	BillID      int64        `json:"bill_id"`
	BillVersion int          `json:"bill_version"`
	BillNo      string       `json:"bill_no"`
	WorkerID    string       `json:"worker_id"`
	Institution string       `json:"institution_code"`
	LineNo      int          `json:"line_no"`
	Code        string       `json:"code"`
	Name        string       `json:"name"`
	On          string       `json:"on"`
	Amount      money.Amount `json:"amount"`
	Proposed    money.Amount `json:"proposed"` // what the fund pays if accepted (price limit applied)
	Reason      string       `json:"reason"`
	Text        string       `json:"text"`
}

// ReviewQueue lists the doubtful lines of bills in regions under region ("" for all), oldest
// bill first: the medical auditor's queue.
func (s *Service) ReviewQueue(ctx context.Context, region string) ([]QueueLine, error) {
	scope, args := store.CodePrefix("b.region", caseservice.RegionPrefix(region))
	rows, err := s.DB.Query(ctx, `SELECT b.id, b.version, b.bill_no, b.worker_id, b.institution_code, l.line_no, l.code, l.name,
			l.on_date, l.amount, l.accepted, l.reason, l.reason_text
		FROM medical_bill_lines l JOIN medical_bills b ON b.id = l.bill_id
		WHERE l.decision = 'review' AND `+scope+` ORDER BY b.id, l.line_no`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueLine
	for rows.Next() {
		var q QueueLine
		var amount, proposed int64
		if err := rows.Scan(&q.BillID, &q.BillVersion, &q.BillNo, &q.WorkerID, &q.Institution, &q.LineNo, &q.Code, &q.Name,
			&q.On, &amount, &proposed, &q.Reason, &q.Text); err != nil {
			return nil, err
		}
		q.Amount, q.Proposed = money.Amount(amount), money.Amount(proposed)
		out = append(out, q)
	}
	return out, rows.Err()
}

// DecideLine records the medical auditor's decision on a doubtful line of bill id read at
// version: accept (paying the proposed amount, or less when amount is given) or refuse, with
// a note either way. When it was the last doubtful line the bill settles in the same
// transaction. Errors: not_found; conflict (stale version); invalid (no note, the line is not
// in review, an amount above the proposed one).
func (s *Service) DecideLine(ctx context.Context, actor string, id int64, version, lineNo int, accept bool, amount *money.Amount, note string) (Bill, error) {
	if strings.TrimSpace(note) == "" {
		return Bill{}, apperr.Invalidf("note", "审核意见必填 / the auditor's note is required")
	}
	var out Bill
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadBill(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return apperr.Conflictf("version", "单据已被他人修改 / the bill was changed by someone else; reload it")
		}
		var line *BillLine
		for i := range before.Lines {
			if before.Lines[i].Line.No == lineNo {
				line = &before.Lines[i]
			}
		}
		if line == nil || line.Decision != medical.Review {
			return apperr.Invalidf("line_no", "第 %d 行不在待审状态 / line %d is not awaiting review", lineNo, lineNo)
		}
		decision, acc := medical.Refuse, money.Amount(0)
		if accept {
			decision, acc = medical.Accept, line.Result.Accepted
			if amount != nil {
				if *amount < 0 || *amount > acc {
					return apperr.Invalidf("amount", "核定金额应在 0 至 %s 之间 / between 0 and the proposed amount", acc)
				}
				acc = *amount
			}
		}
		res, err := tx.Exec(ctx, `UPDATE medical_bills SET version = version + 1 WHERE id = ? AND version = ?`, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflictf("version", "单据已被他人修改 / the bill was changed by someone else; reload it")
		}
		if _, err := tx.Exec(ctx, `UPDATE medical_bill_lines SET decision = ?, accepted = ?, reviewed_by = ?, reviewed_at = ?,
			review_note = ? WHERE bill_id = ? AND line_no = ?`, string(decision), int64(acc), actor, s.stamp(), note, id, lineNo); err != nil {
			return err
		}
		if err := s.settleIfDone(ctx, tx, actor, id, calendar.DateOf(s.now())); err != nil {
			return err
		}
		if out, err = loadBill(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, "medical_bill", strconv.FormatInt(id, 10), before, out)
	})
	return out, err
}
