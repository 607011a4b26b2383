package payrollsvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Overpayment causes (payroll.md "Overpayments").
const (
	OverpaidDeath              = "death"
	OverpaidLostQualification  = "lost_qualification"
	OverpaidFalseCertification = "false_certification"
	OverpaidCorrection         = "correction"
)

// Receivable movement kinds (payroll_receivable_entries.kind).
const (
	EntryEstablished = "established"
	EntrySetOff      = "setoff"
	EntryRepaid      = "repaid"
	EntryWrittenOff  = "written_off"
)

// Ledger sources of the payroll's postings (fund ledger, idempotent by source and ref).
const (
	LedgerSourcePayroll     = "payroll"
	LedgerSourceOverpayment = "overpayment"
)

// UnitOf returns the fund unit that books an entitlement of region: its city (GB/T 2260
// prefix + "00"), or the national code when the region is unknown, so that nothing paid is
// left out of the ledger and the unknown region shows in the trial balance.
func UnitOf(region string) string {
	if len(region) != 6 {
		return policy.National
	}
	return region[:4] + "00"
}

// Receivable is what one person owes the fund for benefits overpaid.
type Receivable struct {
	ID          int64        `json:"id"`
	IDNumber    string       `json:"id_number"`
	Unit        string       `json:"unit"`
	Established money.Amount `json:"established"`
	Recovered   money.Amount `json:"recovered"`
	WrittenOff  money.Amount `json:"written_off"`
	Balance     money.Amount `json:"balance"`
	Version     int64        `json:"version"`
	Entries     []Entry      `json:"entries,omitempty"`
}

// Entry is one movement of a receivable.
type Entry struct {
	ID        int64        `json:"id"`
	Kind      string       `json:"kind"`
	Cause     string       `json:"cause,omitempty"`
	Item      string       `json:"item,omitempty"`
	Month     string       `json:"month,omitempty"`
	Amount    money.Amount `json:"amount"`
	Ref       string       `json:"ref,omitempty"`
	Note      string       `json:"note,omitempty"`
	CreatedBy string       `json:"created_by"`
	CreatedAt string       `json:"created_at"`
}

// DetectOverpayments finds months paid that are no longer owed — after a death recorded late,
// in a suspension or lost qualification dated back, after an end month brought forward — and
// makes each overpaid amount a receivable of the person (payroll.md "Overpayments"). Every run
// does it when it starts, so set-off applies at once; it is exported for the web layer to run
// after an import of deaths. Running it again establishes nothing new. It returns the amount
// newly established.
func (s *Service) DetectOverpayments(ctx context.Context, by string) (money.Amount, error) {
	var total money.Amount
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		total, err = s.detectAll(ctx, tx, by)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("detect overpayments: %w", err)
	}
	return total, nil
}

// overpaidCandidates lists payees with a payment for a month that a death, an unlifted
// suspension or an end month now excludes. Each branch starts from the small side (deaths,
// suspensions, ended entitlements) and reaches payments through their primary key.
const overpaidCandidates = `SELECT e.id_number FROM deaths d JOIN payroll_entitlements e ON e.id_number = d.id_number
	WHERE EXISTS (SELECT 1 FROM payments p WHERE p.id_number = e.id_number AND p.item = e.item AND p.month > substr(d.death_date, 1, 7))
UNION
SELECT e.id_number FROM payroll_suspensions s JOIN payroll_entitlements e ON e.id = s.entitlement_id
	WHERE s.lifted_at IS NULL AND EXISTS (SELECT 1 FROM payments p WHERE p.id_number = e.id_number AND p.item = e.item
		AND p.month >= s.from_month AND (s.to_month IS NULL OR p.month <= s.to_month))
UNION
SELECT e.id_number FROM payroll_entitlements e WHERE e.end_month IS NOT NULL
	AND EXISTS (SELECT 1 FROM payments p WHERE p.id_number = e.id_number AND p.item = e.item AND p.month > e.end_month)`

func (s *Service) detectAll(ctx context.Context, tx *store.Tx, by string) (money.Amount, error) {
	rows, err := tx.Query(ctx, overpaidCandidates)
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var total money.Amount
	for _, id := range ids {
		a, err := s.detectPayee(ctx, tx, id, by)
		if err != nil {
			return 0, err
		}
		total += a
	}
	return total, nil
}

// detectPayee establishes what is overpaid to one payee, item by item, over every month paid.
func (s *Service) detectPayee(ctx context.Context, tx *store.Tx, idNumber, by string) (money.Amount, error) {
	ents, err := readEnts(ctx, tx, entSelect+`WHERE e.id_number = ? ORDER BY e.item, e.worker_id_number`, idNumber)
	if err != nil || len(ents) == 0 {
		return 0, err
	}
	var total money.Amount
	unit := UnitOf(ents[0].e.Region)
	for i := 0; i < len(ents); {
		j := i + 1
		for j < len(ents) && ents[j].e.Item == ents[i].e.Item {
			j++
		}
		rows := ents[i:j]
		i = j
		group := make([]*payroll.Entitlement, len(rows))
		from := rows[0].e.Start
		for k := range rows {
			if err := complete(ctx, tx, &rows[k], 0, true); err != nil {
				return 0, err
			}
			group[k] = &rows[k].e
			from = min(from, rows[k].e.Start)
		}
		item := rows[0].e.Item
		var last sql.NullString
		if err := tx.QueryRow(ctx, `SELECT MAX(month) FROM payments WHERE id_number = ? AND item = ?`, idNumber, item).Scan(&last); err != nil {
			return 0, err
		}
		if !last.Valid {
			continue
		}
		to, err := payroll.ParseMonth(last.String)
		if err != nil {
			return 0, err
		}
		paid, err := paidSince(ctx, tx, idNumber, item, from, to+1)
		if err != nil {
			return 0, err
		}
		p := rows[0].person()
		sum, parts := payroll.Overpaid(group, p, from, to, paid)
		if sum == 0 {
			continue
		}
		var entries []Entry
		for _, pt := range parts {
			entries = append(entries, Entry{Kind: EntryEstablished, Cause: causeOf(group, p, pt.Month), Item: item,
				Month: pt.Month.String(), Amount: pt.Amount})
		}
		if _, err := s.addEntries(ctx, tx, idNumber, unit, by, entries); err != nil {
			return 0, err
		}
		total += sum
	}
	return total, nil
}

// causeOf says why month m of a payee's item is (partly) not owed any more.
func causeOf(group []*payroll.Entitlement, p payroll.Person, m payroll.Month) string {
	for _, e := range group {
		switch err := payroll.Payable(e, p, m); {
		case err == nil:
			continue
		case errors.Is(err, payroll.ErrDead):
			return OverpaidDeath
		case errors.Is(err, payroll.ErrSuspended):
			for _, s := range e.Suspensions {
				if s.Covers(m) && s.Cause == CauseFalseCertification {
					return OverpaidFalseCertification
				}
			}
			return OverpaidLostQualification
		default:
			return OverpaidLostQualification
		}
	}
	return OverpaidCorrection
}

// addEntries records movements of a person's receivable (creating it on the first) and keeps
// its running totals; it returns the receivable id.
func (s *Service) addEntries(ctx context.Context, tx *store.Tx, idNumber, unit, by string, entries []Entry) (int64, error) {
	now := s.now()
	if _, err := tx.Exec(ctx, `INSERT INTO payroll_receivables (id_number, unit, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id_number) DO NOTHING`, idNumber, unit, now, now); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRow(ctx, `SELECT id FROM payroll_receivables WHERE id_number = ?`, idNumber).Scan(&id); err != nil {
		return 0, err
	}
	var est, rec, wo money.Amount
	for _, e := range entries {
		if e.Amount <= 0 {
			return 0, fmt.Errorf("amount: must be positive: %w", ErrInvalid)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO payroll_receivable_entries (receivable_id, id_number, kind, cause, item, month,
				amount, ref, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, idNumber, e.Kind, e.Cause, e.Item, e.Month, int64(e.Amount), e.Ref, e.Note, by, now); err != nil {
			return 0, err
		}
		switch e.Kind {
		case EntryEstablished:
			est += e.Amount
		case EntrySetOff, EntryRepaid:
			rec += e.Amount
		case EntryWrittenOff:
			wo += e.Amount
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE payroll_receivables SET established = established + ?, recovered = recovered + ?,
		written_off = written_off + ?, balance = balance + ? - ? - ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		int64(est), int64(rec), int64(wo), int64(est), int64(rec), int64(wo), now, id); err != nil {
		return 0, err
	}
	if len(entries) > 0 && entries[0].Kind == EntryEstablished {
		return id, s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.overpayment.establish", Entity: "payroll_receivable",
			EntityID: fmt.Sprint(id), After: map[string]any{"id_number": idNumber, "amount": est, "entries": entries}})
	}
	return id, nil
}

// GetReceivable returns a person's receivable with its movements; ErrNotFound when none.
func (s *Service) GetReceivable(ctx context.Context, idNumber string) (*Receivable, error) {
	r, err := getReceivable(ctx, s.DB, `id_number = ?`, idNumber)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, kind, cause, item, month, amount, ref, note, created_by, created_at
		FROM payroll_receivable_entries WHERE receivable_id = ? ORDER BY id`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		var a int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Cause, &e.Item, &e.Month, &a, &e.Ref, &e.Note, &e.CreatedBy, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.Amount = money.Amount(a)
		r.Entries = append(r.Entries, e)
	}
	return r, rows.Err()
}

const receivableCols = `SELECT id, id_number, unit, established, recovered, written_off, balance, version FROM payroll_receivables `

func scanReceivable(sc interface{ Scan(...any) error }) (*Receivable, error) {
	var r Receivable
	var est, rec, wo, bal int64
	if err := sc.Scan(&r.ID, &r.IDNumber, &r.Unit, &est, &rec, &wo, &bal, &r.Version); err != nil {
		return nil, err
	}
	r.Established, r.Recovered, r.WrittenOff, r.Balance = money.Amount(est), money.Amount(rec), money.Amount(wo), money.Amount(bal)
	return &r, nil
}

func getReceivable(ctx context.Context, q store.Querier, where string, arg any) (*Receivable, error) {
	r, err := scanReceivable(q.QueryRow(ctx, receivableCols+`WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("receivable %v: %w", arg, ErrNotFound)
	}
	return r, err
}

// receivableCovering reads a receivable whose balance covers amount (ErrInvalid otherwise).
func receivableCovering(ctx context.Context, tx *store.Tx, id int64, amount money.Amount) (*Receivable, error) {
	r, err := getReceivable(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if amount > r.Balance {
		return nil, fmt.Errorf("amount: %s exceeds the balance %s: %w", amount, r.Balance, ErrInvalid)
	}
	return r, nil
}

// OpenReceivables lists receivables with a balance still owed, by ID number.
func (s *Service) OpenReceivables(ctx context.Context) ([]Receivable, error) {
	rows, err := s.DB.Query(ctx, receivableCols+`WHERE balance > 0 ORDER BY id_number`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Receivable
	for rows.Next() {
		r, err := scanReceivable(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// Demand is a demand for repayment sent to the payee or, after their death, their estate.
type Demand struct {
	ID           int64        `json:"id"`
	ReceivableID int64        `json:"receivable_id"`
	Addressee    string       `json:"addressee"` // payee | estate
	Name         string       `json:"name"`
	Amount       money.Amount `json:"amount"`
	DueOn        string       `json:"due_on"`
	IssuedBy     string       `json:"issued_by,omitempty"`
	IssuedAt     string       `json:"issued_at,omitempty"`
}

// IssueDemand records a demand for the receivable's balance, payable by dueOn. The addressee
// is the estate when a death is recorded for the person, the payee otherwise.
//
// Reading: payroll.md demands from "the estate or the payee"; 《民法典》 Art. 1161 makes heirs
// answer for the deceased's debts up to the estate, so after a death the demand goes to the
// estate (its administrator or heirs, named in name). Errors: ErrNotFound, ErrConflict
// (nothing owed), ErrInvalid (due date).
func (s *Service) IssueDemand(ctx context.Context, receivableID int64, name, dueOn, by string) (*Demand, error) {
	if _, err := time.Parse(time.DateOnly, dueOn); err != nil {
		return nil, fmt.Errorf("due_on: must be a date YYYY-MM-DD: %w", ErrInvalid)
	}
	d := &Demand{ReceivableID: receivableID, Name: name, DueOn: dueOn, Addressee: "payee", IssuedBy: by, IssuedAt: s.now()}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := getReceivable(ctx, tx, `id = ?`, receivableID)
		if err != nil {
			return err
		}
		if r.Balance <= 0 {
			return fmt.Errorf("nothing owed: %w", ErrConflict)
		}
		var dead int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deaths WHERE id_number = ?`, r.IDNumber).Scan(&dead); err != nil {
			return err
		}
		if dead > 0 {
			d.Addressee = "estate"
		}
		d.Amount = r.Balance
		if err := tx.QueryRow(ctx, `INSERT INTO payroll_demands (receivable_id, addressee, name, amount, due_on, issued_by, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, receivableID, d.Addressee, name, int64(d.Amount), dueOn, by, d.IssuedAt).Scan(&d.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.overpayment.demand", Entity: "payroll_receivable",
			EntityID: fmt.Sprint(receivableID), After: d})
	})
	if err != nil {
		return nil, fmt.Errorf("demand on receivable %d: %w", receivableID, err)
	}
	return d, nil
}

// RecordRepayment records money repaid on a receivable (after a demand) on date, with the
// bank's reference, and posts it to the fund ledger of the receivable's unit as
// income:overpayment_recovered. The same reference twice is refused (ErrConflict), so a
// repayment is never booked twice. Errors: ErrInvalid (amount not positive or above the
// balance, date), ErrNotFound.
func (s *Service) RecordRepayment(ctx context.Context, receivableID int64, amount money.Amount, date, ref, by string) error {
	if amount <= 0 {
		return fmt.Errorf("amount: must be positive: %w", ErrInvalid)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return fmt.Errorf("date: must be a date YYYY-MM-DD: %w", ErrInvalid)
	}
	if ref == "" {
		return fmt.Errorf("ref: required: %w", ErrInvalid)
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := receivableCovering(ctx, tx, receivableID, amount)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM payroll_receivable_entries WHERE kind = ? AND ref = ?`, EntryRepaid, ref).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("ref: repayment %s already recorded: %w", ref, ErrConflict)
		}
		if _, err := s.addEntries(ctx, tx, r.IDNumber, r.Unit, by, []Entry{{Kind: EntryRepaid, Amount: amount, Ref: ref, Month: date}}); err != nil {
			return err
		}
		if _, err := ledger.Post(ctx, tx, audit.Actor{Username: by}, LedgerSourceOverpayment, "repaid:"+ref,
			fund.Income(r.Unit, date, "overpayment_recovered", amount, "多发待遇追回 "+r.IDNumber)); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.overpayment.repaid", Entity: "payroll_receivable",
			EntityID: fmt.Sprint(receivableID), After: map[string]any{"amount": amount, "ref": ref, "date": date}})
	})
	if err != nil {
		return fmt.Errorf("repayment on receivable %d: %w", receivableID, err)
	}
	return nil
}

// ProposeWriteOff proposes writing off amount of a receivable (uncollectable: the estate
// has nothing, the payee cannot be found); it takes effect only when a second person approves
// it (DecideWriteOff). Errors: ErrInvalid, ErrNotFound.
func (s *Service) ProposeWriteOff(ctx context.Context, receivableID int64, amount money.Amount, reason, by string) (int64, error) {
	if amount <= 0 {
		return 0, fmt.Errorf("amount: must be positive: %w", ErrInvalid)
	}
	if reason == "" {
		return 0, fmt.Errorf("reason: required: %w", ErrInvalid)
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := receivableCovering(ctx, tx, receivableID, amount); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO payroll_writeoffs (receivable_id, amount, reason, status, proposed_by, proposed_at)
			VALUES (?, ?, ?, 'pending', ?, ?) RETURNING id`, receivableID, int64(amount), reason, by, s.now()).Scan(&id); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.writeoff.propose", Entity: "payroll_writeoff",
			EntityID: fmt.Sprint(id), After: map[string]any{"receivable": receivableID, "amount": amount, "reason": reason}})
	})
	if err != nil {
		return 0, fmt.Errorf("propose write-off on receivable %d: %w", receivableID, err)
	}
	return id, nil
}

// DecideWriteOff approves or rejects a pending write-off as by, who must not have proposed it
// (security.md: whoever prepared a write-off cannot approve it). An approved write-off
// reduces the balance. No money moves, so nothing is posted to the cash-based fund ledger:
// the overpaid months stay booked as long-term expense, and the write-off is kept in the
// receivable's movements and the audit log. Errors: ErrFourEyes, ErrNotFound, ErrConflict
// (decided already, or the balance fell below the amount meanwhile).
func (s *Service) DecideWriteOff(ctx context.Context, writeOffID int64, approve bool, by string) error {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var recID, amount int64
		var reason, status, proposer string
		err := tx.QueryRow(ctx, `SELECT receivable_id, amount, reason, status, proposed_by FROM payroll_writeoffs WHERE id = ?`,
			writeOffID).Scan(&recID, &amount, &reason, &status, &proposer)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if proposer == by {
			return ErrFourEyes
		}
		next := "rejected"
		if approve {
			next = "approved"
		}
		res, err := tx.Exec(ctx, `UPDATE payroll_writeoffs SET status = ?, decided_by = ?, decided_at = ?, version = version + 1
			WHERE id = ? AND status = 'pending'`, next, by, s.now(), writeOffID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("write-off is %s: %w", status, ErrConflict)
		}
		if approve {
			r, err := getReceivable(ctx, tx, `id = ?`, recID)
			if err != nil {
				return err
			}
			if money.Amount(amount) > r.Balance {
				return fmt.Errorf("balance %s is below the write-off: %w", r.Balance, ErrConflict)
			}
			if _, err := s.addEntries(ctx, tx, r.IDNumber, r.Unit, by, []Entry{{Kind: EntryWrittenOff, Amount: money.Amount(amount),
				Ref: fmt.Sprintf("writeoff:%d", writeOffID), Note: reason}}); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.writeoff." + next, Entity: "payroll_writeoff",
			EntityID: fmt.Sprint(writeOffID), Before: map[string]string{"status": "pending"}, After: map[string]string{"status": next}})
	})
	if err != nil {
		return fmt.Errorf("decide write-off %d: %w", writeOffID, err)
	}
	return nil
}
