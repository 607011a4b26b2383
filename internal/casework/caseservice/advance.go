package caseservice

import (
	"context"
	"database/sql"
	"fmt"

	"wiis/internal/audit"
	"wiis/internal/casework"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/store"
)

var advKind = kind[casework.Advance]{
	t:       advTable,
	load:    loadAdvance,
	save:    saveAdvance,
	version: func(c casework.Advance) int { return c.Version },
	limits:  func(c casework.Advance) (string, casework.Date) { return c.Region, c.AppliedOn },
}

// OpenAdvance registers an application for an advance payment. a.DeterminationID must name a
// determination that found a work injury; the service reads it. Errors: invalid, not_found.
func (s *Service) OpenAdvance(ctx context.Context, actor string, a casework.AdvanceApplication) (casework.Advance, error) {
	if a.AppliedOn.IsZero() {
		return casework.Advance{}, &casework.Error{Code: casework.CodeInvalid, Field: "applied_on", Reason: "the date of application is required"}
	}
	return open(ctx, s, advKind, a.Region, a.AppliedOn,
		func(tx *store.Tx, lim casework.Limits, no string) (casework.Advance, error) {
			a.WorkInjury = false
			if a.DeterminationID != 0 {
				d, err := loadDetermination(ctx, tx, a.DeterminationID)
				if err != nil {
					return casework.Advance{}, err
				}
				a.WorkInjury = d.Outcome == casework.OutcomeWorkInjury || d.Outcome == casework.OutcomeDeemed
			}
			c, err := casework.OpenAdvance(a, actor, lim)
			c.CaseNo = no
			return c, err
		},
		func(tx *store.Tx, c casework.Advance, at string) (int64, error) {
			cols, vals, err := advProjection(c)
			if err != nil {
				return 0, err
			}
			id, err := advTable.insert(ctx, tx, append(cols, "case_no", "ground", "determination_id"),
				append(vals, c.CaseNo, string(c.Ground), nullID(c.DeterminationID)), at)
			if err != nil {
				return 0, err
			}
			c.ID = id
			return id, saveAdvChildren(ctx, tx, casework.Advance{}, c, at)
		})
}

// Advance loads an advance case with its ledger, steps and history. Errors: not_found.
func (s *Service) Advance(ctx context.Context, id int64) (casework.Advance, error) {
	return loadAdvance(ctx, s.DB, id)
}

// ActOnAdvance applies one transition (a notice, an advance, a demand, a recovery, a write-off
// or its approval) to advance id read at version. Errors: not_found, conflict, invalid.
func (s *Service) ActOnAdvance(ctx context.Context, actor string, id int64, version int, x casework.AdvAction) (casework.Advance, error) {
	return act(ctx, s, advKind, id, version, func(_ *store.Tx, c casework.Advance, lim casework.Limits) (casework.Advance, error) {
		return c.Apply(x, actor, lim)
	})
}

func advProjection(c casework.Advance) ([]string, []any, error) {
	body := c
	body.Entries, body.Steps, body.Events = nil, nil, nil
	data, err := marshal(body)
	if err != nil {
		return nil, nil, err
	}
	step, due := dueOf(c.Steps)
	return []string{"region", "team", "handler", "state", "step", "due_on", "worker_id", "employer_uscc",
			"applied_on", "balance", "data"},
		[]any{c.Region, c.Team, c.Handler, string(c.State), step, due, c.WorkerID, c.EmployerUSCC,
			c.AppliedOn.String(), c.Ledger().Balance.Fen(), data}, nil
}

func saveAdvance(ctx context.Context, tx *store.Tx, before, after casework.Advance, at string) error {
	cols, vals, err := advProjection(after)
	if err != nil {
		return err
	}
	if err := advTable.update(ctx, tx, after.ID, before.Version, cols, vals, at); err != nil {
		return err
	}
	return saveAdvChildren(ctx, tx, before, after, at)
}

// saveAdvChildren inserts the new ledger lines and records approvals on proposed write-offs;
// a ledger line is otherwise never changed.
func saveAdvChildren(ctx context.Context, tx *store.Tx, before, after casework.Advance, at string) error {
	for i, e := range after.Entries {
		if i < len(before.Entries) {
			if b := before.Entries[i]; b.ApprovedBy == "" && e.ApprovedBy != "" {
				if _, err := tx.Exec(ctx, `UPDATE recovery_entries SET approved_by = ?, approved_on = ?
					WHERE advance_id = ? AND seq = ? AND approved_by = ''`, e.ApprovedBy, e.ApprovedOn.String(), after.ID, e.Seq); err != nil {
					return fmt.Errorf("caseservice: approve entry: %w", err)
				}
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_entries (advance_id, seq, kind, on_date, amount, by_user, note, approved_by, approved_on)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, after.ID, e.Seq, string(e.Kind), e.On.String(), e.Amount.Fen(), e.By, e.Note,
			e.ApprovedBy, NullDate(e.ApprovedOn)); err != nil {
			return fmt.Errorf("caseservice: ledger entry: %w", err)
		}
		if err := postAdvEntry(ctx, tx, after, e); err != nil {
			return err
		}
	}
	if err := advTable.saveSteps(ctx, tx, after.ID, after.Steps); err != nil {
		return err
	}
	return advTable.appendEvents(ctx, tx, after.ID, after.Events, len(before.Events), at)
}

func loadAdvance(ctx context.Context, q store.Querier, id int64) (casework.Advance, error) {
	var c casework.Advance
	v, err := advTable.loadRow(ctx, q, id, &c)
	if err != nil {
		return c, err
	}
	c.ID, c.Version = id, v
	rows, err := q.Query(ctx, `SELECT seq, kind, on_date, amount, by_user, note, approved_by, approved_on
		FROM recovery_entries WHERE advance_id = ? ORDER BY seq`, id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var e casework.Entry
		var kind, on string
		var fen int64
		var approved sql.NullString
		if err := rows.Scan(&e.Seq, &kind, &on, &fen, &e.By, &e.Note, &e.ApprovedBy, &approved); err != nil {
			return c, err
		}
		e.Kind, e.Amount = casework.EntryKind(kind), money.Amount(fen)
		if e.On, err = casework.ParseDate(on); err != nil {
			return c, err
		}
		if e.ApprovedOn, err = ParseNullDate(approved); err != nil {
			return c, err
		}
		c.Entries = append(c.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if c.Steps, err = advTable.loadSteps(ctx, q, id); err != nil {
		return c, err
	}
	c.Events, err = advTable.loadEvents(ctx, q, id)
	return c, err
}

// The fund ledger's sources for advance payments and what is recovered of them.
const (
	LedgerSourceAdvance  = "advance"
	LedgerSourceRecovery = "recovery"
)

// postAdvEntry posts an advance paid (expense:advance) or money recovered (income:recovery)
// to the fund ledger in the transaction that records it; demands and write-offs move no money.
func postAdvEntry(ctx context.Context, tx *store.Tx, c casework.Advance, e casework.Entry) error {
	if e.Amount <= 0 {
		return nil
	}
	ref := fmt.Sprintf("%d:%d", c.ID, e.Seq)
	var p fund.Posting
	var source string
	switch e.Kind {
	case casework.EntryAdvance:
		source, p = LedgerSourceAdvance, fund.Expense(c.Region, e.On.String(), "advance", e.Amount, "先行支付 "+c.CaseNo)
	case casework.EntryRecovery:
		source, p = LedgerSourceRecovery, fund.Income(c.Region, e.On.String(), "recovery", e.Amount, "先行支付追偿 "+c.CaseNo)
	default:
		return nil
	}
	_, err := ledger.Post(ctx, tx, audit.Actor{Username: e.By}, source, ref, p)
	return err
}
