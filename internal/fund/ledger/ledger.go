// Package ledger stores the fund's postings (package fund's rules) and reads them back: the
// automatic postings every module makes when money moves, manual entries with four-eyes
// approval, reversals, and the trial balance per unit and period.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/money"
	"wiis/internal/store"
)

// Stored is a posting as stored, with its identity and state.
type Stored struct {
	fund.Posting
	ID         int64  `json:"id"`
	Source     string `json:"source"`
	SourceRef  string `json:"source_ref"`
	Status     string `json:"status"`
	ReversalOf int64  `json:"reversal_of,omitempty"`
	PreparedBy string `json:"prepared_by"`
	ApprovedBy string `json:"approved_by,omitempty"`
	Version    int    `json:"version"`
}

// Post stores an automatic posting inside the caller's transaction (so it commits with the
// payment or collection it records). It is idempotent: a second call with the same source
// and ref returns the first posting's id and changes nothing.
func Post(ctx context.Context, tx *store.Tx, by audit.Actor, source, ref string, p fund.Posting) (int64, error) {
	return insert(ctx, tx, by, source, ref, p, "posted", 0)
}

func insert(ctx context.Context, tx *store.Tx, by audit.Actor, source, ref string, p fund.Posting, status string, reversalOf int64) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, apperr.Invalidf("lines", "%s", err.Error())
	}
	if _, err := time.Parse("2006-01-02", p.Date); err != nil {
		return 0, apperr.Invalidf("date", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM ledger_postings WHERE source = ? AND source_ref = ?`, source, ref).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	var rev any
	if reversalOf != 0 {
		rev = reversalOf
	}
	err = tx.QueryRow(ctx, `INSERT INTO ledger_postings (unit, posted_on, memo, source, source_ref, status, reversal_of, prepared_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Unit, p.Date, p.Memo, source, ref, status, rev, by.Username, audit.FormatTime(time.Now())).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("ledger: post: %w", err)
	}
	for i, l := range p.Lines {
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_lines (posting_id, line_no, account, debit, credit) VALUES (?, ?, ?, ?, ?)`,
			id, i+1, l.Account, int64(l.Debit), int64(l.Credit)); err != nil {
			return 0, fmt.Errorf("ledger: line: %w", err)
		}
	}
	_, err = audit.Append(ctx, tx, audit.Record{Action: "ledger." + status, Entity: "ledger_posting", EntityID: fmt.Sprint(id),
		After: map[string]any{"source": source, "ref": ref, "posting": p}}.By(by))
	return id, err
}

// Propose stores a manual entry (interest, subsidies, transfers) awaiting approval.
func Propose(ctx context.Context, db *store.DB, by audit.Actor, p fund.Posting) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = insert(ctx, tx, by, "manual", fmt.Sprintf("%s:%d", by.Username, time.Now().UnixNano()), p, "pending", 0)
		return err
	})
	return id, err
}

// Decide approves or rejects a pending manual entry; the preparer may not decide their own
// (four-eyes). Errors: not_found, forbidden, conflict (not pending, or a stale version).
func Decide(ctx context.Context, db *store.DB, by audit.Actor, id int64, version int, approve bool) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		var status, preparer string
		var v int
		err := tx.QueryRow(ctx, `SELECT status, prepared_by, version FROM ledger_postings WHERE id = ?`, id).Scan(&status, &preparer, &v)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("记账凭证 %d 不存在 / posting %d not found", id, id)
		}
		if err != nil {
			return err
		}
		if status != "pending" {
			return apperr.Conflictf("status", "凭证已处理 / the posting is already %s", status)
		}
		if version != 0 && version != v {
			return apperr.Conflictf("version", "凭证已被他人修改 / changed by someone else; reload")
		}
		if preparer == by.Username {
			return apperr.Forbiddenf("制单人不能审核自己的凭证 / the preparer cannot approve their own entry")
		}
		next := "rejected"
		if approve {
			next = "posted"
		}
		res, err := tx.Exec(ctx, `UPDATE ledger_postings SET status = ?, approved_by = ?, version = version + 1 WHERE id = ? AND version = ?`, next, by.Username, id, v)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflictf("version", "凭证已被他人修改 / changed by someone else; reload")
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "ledger." + next, Entity: "ledger_posting", EntityID: fmt.Sprint(id),
			Before: map[string]string{"status": status}, After: map[string]string{"status": next}}.By(by))
		return err
	})
}

// Reverse posts the reversal of a posted entry (a correction never edits the original).
func Reverse(ctx context.Context, db *store.DB, by audit.Actor, id int64, date, memo string) (int64, error) {
	var rid int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rid, err = ReverseTx(ctx, tx, by, id, date, memo)
		return err
	})
	return rid, err
}

// ReverseTx is Reverse inside the caller's transaction, so the reversal commits with the
// correction it records (a returned payment reopened). Reversing an entry twice returns the
// first reversal. Errors: not_found, conflict (not posted).
func ReverseTx(ctx context.Context, tx *store.Tx, by audit.Actor, id int64, date, memo string) (int64, error) {
	p, err := get(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if p.Status != "posted" {
		return 0, apperr.Conflictf("status", "只能冲正已记账的凭证 / only posted entries can be reversed")
	}
	return insert(ctx, tx, by, "reversal", fmt.Sprint(id), fund.Reverse(p.Posting, date, memo), "posted", id)
}

// Get returns one posting with its lines.
func Get(ctx context.Context, q store.Querier, id int64) (Stored, error) { return get(ctx, q, id) }

func get(ctx context.Context, q store.Querier, id int64) (Stored, error) {
	var s Stored
	var rev sql.NullInt64
	var appr sql.NullString
	err := q.QueryRow(ctx, `SELECT id, unit, posted_on, memo, source, source_ref, status, reversal_of, prepared_by, approved_by, version
		FROM ledger_postings WHERE id = ?`, id).Scan(&s.ID, &s.Unit, &s.Date, &s.Memo, &s.Source, &s.SourceRef, &s.Status, &rev, &s.PreparedBy, &appr, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return s, apperr.NotFoundf("记账凭证 %d 不存在 / posting %d not found", id, id)
	}
	if err != nil {
		return s, err
	}
	s.ReversalOf, s.ApprovedBy = rev.Int64, appr.String
	rows, err := q.Query(ctx, `SELECT account, debit, credit FROM ledger_lines WHERE posting_id = ? ORDER BY line_no`, id)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var l fund.Line
		var d, c int64
		if err := rows.Scan(&l.Account, &d, &c); err != nil {
			return s, err
		}
		l.Debit, l.Credit = money.Amount(d), money.Amount(c)
		s.Lines = append(s.Lines, l)
	}
	return s, rows.Err()
}

// TrialBalance sums the posted lines of units whose code starts with unitPrefix (a province
// "34", a city "3415", or "" for all) between two dates inclusive.
func TrialBalance(ctx context.Context, q store.Querier, unitPrefix, from, to string) ([]fund.Balance, error) {
	units, args := store.CodePrefix("p.unit", unitPrefix)
	rows, err := q.Query(ctx, `SELECT p.unit, l.account, SUM(l.debit), SUM(l.credit)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.posted_on >= ? AND p.posted_on <= ?
		GROUP BY p.unit, l.account ORDER BY p.unit, l.account`, append(args, from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fund.Balance
	for rows.Next() {
		var b fund.Balance
		var d, c int64
		if err := rows.Scan(&b.Unit, &b.Account, &d, &c); err != nil {
			return nil, err
		}
		b.Debit, b.Credit = money.Amount(d), money.Amount(c)
		out = append(out, b)
	}
	return out, rows.Err()
}

// MonthlyNet returns, per month (YYYY-MM) between two dates, the posted totals of accounts of
// a kind ("income" or "expense") for units under unitPrefix: the series behind fund charts
// and the support-capacity figure.
func MonthlyNet(ctx context.Context, q store.Querier, unitPrefix, kind, from, to string) (map[string]money.Amount, error) {
	units, args := store.CodePrefix("p.unit", unitPrefix)
	rows, err := q.Query(ctx, `SELECT SUBSTR(p.posted_on, 1, 7), SUM(l.debit), SUM(l.credit)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.posted_on >= ? AND p.posted_on <= ? AND l.account LIKE ?
		GROUP BY SUBSTR(p.posted_on, 1, 7)`, append(args, from, to, kind+":%")...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]money.Amount{}
	for rows.Next() {
		var m string
		var d, c int64
		if err := rows.Scan(&m, &d, &c); err != nil {
			return nil, err
		}
		if kind == "income" {
			out[m] = money.Amount(c - d)
		} else {
			out[m] = money.Amount(d - c)
		}
	}
	return out, rows.Err()
}

// Filter selects postings for List: units under a code prefix, a status ("" for any), and a
// date range (either end may be empty).
type Filter struct {
	UnitPrefix string
	Status     string
	From, To   string
	Limit      int
}

// List returns the postings matching f, newest first, each with its lines.
func List(ctx context.Context, q store.Querier, f Filter) ([]Stored, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if f.To == "" {
		f.To = "9999-12-31"
	}
	units, args := store.CodePrefix("unit", f.UnitPrefix)
	ids, err := store.IDs(ctx, q, `SELECT id FROM ledger_postings WHERE `+units+` AND (status = ? OR ? = '')
		AND posted_on >= ? AND posted_on <= ? ORDER BY posted_on DESC, id DESC LIMIT ?`,
		append(args, f.Status, f.Status, f.From, f.To, f.Limit)...)
	if err != nil {
		return nil, err
	}
	out := make([]Stored, 0, len(ids))
	for _, id := range ids {
		s, err := get(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Amount is the posting's total debit (equal to its total credit).
func (s Stored) Amount() money.Amount {
	var d money.Amount
	for _, l := range s.Lines {
		d += l.Debit
	}
	return d
}
