package caseservice

import (
	"context"
	"database/sql"
	"fmt"

	"wiis/internal/casework"
	"wiis/internal/store"
)

var detKind = kind[casework.Determination]{
	t:       detTable,
	load:    loadDetermination,
	save:    saveDetermination,
	version: func(c casework.Determination) int { return c.Version },
	limits:  func(c casework.Determination) (string, casework.Date) { return c.Region, c.ReceivedOn },
}

// OpenDetermination registers an application for an injury determination received on
// a.ReceivedOn, numbers it (RD<region>-<year>-<n>) and starts its review clock. Errors: invalid.
func (s *Service) OpenDetermination(ctx context.Context, actor string, a casework.Application) (casework.Determination, error) {
	if a.ReceivedOn.IsZero() {
		return casework.Determination{}, &casework.Error{Code: casework.CodeInvalid, Field: "received_on", Reason: "the date of receipt is required"}
	}
	return open(ctx, s, detKind, a.Region, a.ReceivedOn,
		func(_ *store.Tx, lim casework.Limits, no string) (casework.Determination, error) {
			c, err := casework.OpenDetermination(a, actor, lim)
			c.CaseNo = no
			return c, err
		},
		func(tx *store.Tx, c casework.Determination, at string) (int64, error) {
			cols, vals, err := detProjection(c)
			if err != nil {
				return 0, err
			}
			id, err := detTable.insert(ctx, tx, append(cols, "case_no"), append(vals, c.CaseNo), at)
			if err != nil {
				return 0, err
			}
			c.ID = id
			return id, saveDetChildren(ctx, tx, casework.Determination{}, c, at)
		})
}

// Determination loads a case with its materials, steps and history. Errors: not_found.
func (s *Service) Determination(ctx context.Context, id int64) (casework.Determination, error) {
	return loadDetermination(ctx, s.DB, id)
}

// ActOnDetermination applies one transition to case id, which the caller read at version, as
// actor, and returns the saved case (at version+1). Errors: not_found; conflict when the case
// has moved on since the caller read it; invalid when the transition is refused.
func (s *Service) ActOnDetermination(ctx context.Context, actor string, id int64, version int, a casework.DetAction) (casework.Determination, error) {
	return act(ctx, s, detKind, id, version, func(_ *store.Tx, c casework.Determination, lim casework.Limits) (casework.Determination, error) {
		return c.Apply(a, actor, lim)
	})
}

func detProjection(c casework.Determination) ([]string, []any, error) {
	body := c
	body.Materials, body.Steps, body.Events = nil, nil, nil
	data, err := marshal(body)
	if err != nil {
		return nil, nil, err
	}
	step, due := dueOf(c.Steps)
	return []string{"region", "team", "handler", "state", "outcome", "step", "due_on", "worker_id",
			"employer_uscc", "claim_no", "received_on", "closed_on", "data"},
		[]any{c.Region, c.Team, c.Handler, string(c.State), string(c.Outcome), step, due, c.WorkerID,
			c.EmployerUSCC, c.ClaimNo, c.ReceivedOn.String(), NullDate(c.ClosedOn), data}, nil
}

func saveDetermination(ctx context.Context, tx *store.Tx, before, after casework.Determination, at string) error {
	cols, vals, err := detProjection(after)
	if err != nil {
		return err
	}
	if err := detTable.update(ctx, tx, after.ID, before.Version, cols, vals, at); err != nil {
		return err
	}
	return saveDetChildren(ctx, tx, before, after, at)
}

func saveDetChildren(ctx context.Context, tx *store.Tx, before, after casework.Determination, at string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM determination_materials WHERE case_id = ?`, after.ID); err != nil {
		return err
	}
	for i, m := range after.Materials {
		if _, err := tx.Exec(ctx, `INSERT INTO determination_materials (case_id, seq, kind, required, requested_on, received_on, file_ref, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, after.ID, i+1, m.Kind, boolInt(m.Required), NullDate(m.RequestedOn),
			NullDate(m.ReceivedOn), m.FileRef, m.Note); err != nil {
			return fmt.Errorf("caseservice: save materials: %w", err)
		}
	}
	if err := detTable.saveSteps(ctx, tx, after.ID, after.Steps); err != nil {
		return err
	}
	return detTable.appendEvents(ctx, tx, after.ID, after.Events, len(before.Events), at)
}

func loadDetermination(ctx context.Context, q store.Querier, id int64) (casework.Determination, error) {
	var c casework.Determination
	v, err := detTable.loadRow(ctx, q, id, &c)
	if err != nil {
		return c, err
	}
	c.ID, c.Version = id, v
	rows, err := q.Query(ctx, `SELECT kind, required, requested_on, received_on, file_ref, note
		FROM determination_materials WHERE case_id = ? ORDER BY seq`, id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var m casework.Material
		var req int
		var requested, received sql.NullString
		if err := rows.Scan(&m.Kind, &req, &requested, &received, &m.FileRef, &m.Note); err != nil {
			return c, err
		}
		m.Required = req == 1
		if m.RequestedOn, err = ParseNullDate(requested); err != nil {
			return c, err
		}
		if m.ReceivedOn, err = ParseNullDate(received); err != nil {
			return c, err
		}
		c.Materials = append(c.Materials, m)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if c.Steps, err = detTable.loadSteps(ctx, q, id); err != nil {
		return c, err
	}
	c.Events, err = detTable.loadEvents(ctx, q, id)
	return c, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
