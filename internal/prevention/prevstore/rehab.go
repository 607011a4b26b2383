package prevstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

// Institution is a rehabilitation agreement institution (康复协议机构).
type Institution struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Region   string `json:"region"`
	Private  bool   `json:"private"`
	Capacity int    `json:"capacity"`
}

// SaveInstitution adds or updates an agreement institution. Errors: invalid.
func SaveInstitution(ctx context.Context, db *store.DB, by audit.Actor, in Institution) error {
	if in.Code == "" || in.Name == "" || in.Region == "" {
		return apperr.Invalidf("code", "机构编码、名称、地区必填 / code, name and region are required")
	}
	if in.Capacity < 0 {
		return apperr.Invalidf("capacity", "容量不能为负 / capacity cannot be negative")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO rehab_institutions (code, name, region, private, capacity) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, region = excluded.region, private = excluded.private, capacity = excluded.capacity`,
			in.Code, in.Name, in.Region, boolInt(in.Private), in.Capacity); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "rehab.institution.save", Entity: "rehab_institution", EntityID: in.Code, After: in}.By(by))
		return err
	})
}

// RehabEvent is one recorded act on a case.
type RehabEvent struct {
	Seq   int    `json:"seq"`
	On    string `json:"on"`
	Act   string `json:"action"`
	From  string `json:"from"`
	To    string `json:"to"`
	Note  string `json:"note"`
	Actor string `json:"actor"`
}

// OpenRehab opens a rehabilitation case: a screening proposal from a determination or an
// assessment ("rehabilitation first", state proposed) or an application (state applied).
// Errors: forbidden (health data), invalid.
func OpenRehab(ctx context.Context, db *store.DB, v Viewer, c prevention.RehabCase) (prevention.RehabCase, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return c, err
	}
	c, err := prevention.NewRehabCase(c)
	if err != nil {
		return c, err
	}
	c.Version = 1
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := mustEmployer(ctx, tx, "employer", c.Employer); err != nil {
			return err
		}
		data, _ := json.Marshal(c)
		if err := tx.QueryRow(ctx, `INSERT INTO rehab_cases (region, worker_id, employer_uscc, claim_no, state, opened_on, data, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.Region, c.WorkerID, c.Employer, c.ClaimNo, string(c.State), c.OpenedOn,
			string(data), stamp(), stamp()).Scan(&c.ID); err != nil {
			return err
		}
		return rehabEvent(ctx, tx, v, c.ID, 1, c.OpenedOn, "open", "", string(c.State), c.Origin)
	})
	return c, err
}

func rehabEvent(ctx context.Context, tx *store.Tx, v Viewer, id int64, seq int, on, act, from, to, note string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO rehab_events (case_id, seq, on_date, action, from_state, to_state, note, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, seq, on, act, from, to, note, v.Actor.Username, stamp()); err != nil {
		return err
	}
	// The audit record says what happened to which case, not the medical content.
	_, err := audit.Append(ctx, tx, audit.Record{Action: "rehab." + act, Entity: "rehab_case", EntityID: fmt.Sprint(id),
		Before: map[string]string{"state": from}, After: map[string]string{"state": to}}.By(v.Actor))
	return err
}

func loadRehab(ctx context.Context, q store.Querier, id int64) (prevention.RehabCase, error) {
	var c prevention.RehabCase
	var data string
	var version int64
	err := q.QueryRow(ctx, `SELECT data, version FROM rehab_cases WHERE id = ?`, id).Scan(&data, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFoundf("康复案件 %d 不存在 / rehabilitation case %d not found", id, id)
	}
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		return c, apperr.Wrap(err, "rehab case data")
	}
	c.ID, c.Version = id, version
	return c, nil
}

// StepRehab applies one act to a case if the caller read version: load, check the version,
// apply the state machine, save, record the event and audit, in one transaction. Errors:
// forbidden, not_found, conflict (illegal in the state, or a stale version: someone else
// acted first and nothing was changed), invalid.
func StepRehab(ctx context.Context, db *store.DB, v Viewer, id, version int64, step prevention.RehabStep) (prevention.RehabCase, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return prevention.RehabCase{}, err
	}
	var out prevention.RehabCase
	err := db.InTx(ctx, func(tx *store.Tx) error {
		c, err := loadRehab(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return apperr.Conflictf("version", "康复案件已被他人修改，请刷新 / changed by someone else; reload")
		}
		if step.Action == prevention.ActApprove {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM rehab_institutions WHERE code = ?`, step.Institution).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalidf("institution", "康复协议机构 %s 不存在 / no such agreement institution", step.Institution)
			}
		}
		n, err := c.Apply(step)
		if err != nil {
			return err
		}
		n.Version = c.Version + 1
		data, _ := json.Marshal(n)
		res, err := tx.Exec(ctx, `UPDATE rehab_cases SET state = ?, institution = ?, closed_on = ?, return_to_work = ?, returned_on = ?,
			data = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(n.State), n.Institution, nullable(n.ClosedOn), n.Return, nullable(n.ReturnedOn), string(data), stamp(), id, version)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return apperr.Conflictf("version", "康复案件已被他人修改，请刷新 / changed by someone else; reload")
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM rehab_events WHERE case_id = ?`, id).Scan(&seq); err != nil {
			return err
		}
		if err := rehabEvent(ctx, tx, v, id, seq, step.On, string(step.Action), string(c.State), string(n.State), step.Note); err != nil {
			return err
		}
		out = n
		return nil
	})
	return out, err
}

// GetRehab returns a case with its events. Errors: forbidden, not_found.
func GetRehab(ctx context.Context, q store.Querier, v Viewer, id int64) (prevention.RehabCase, []RehabEvent, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return prevention.RehabCase{}, nil, err
	}
	c, err := loadRehab(ctx, q, id)
	if err != nil {
		return c, nil, err
	}
	rows, err := q.Query(ctx, `SELECT seq, on_date, action, from_state, to_state, note, actor FROM rehab_events WHERE case_id = ? ORDER BY seq`, id)
	if err != nil {
		return c, nil, err
	}
	defer rows.Close()
	var evs []RehabEvent
	for rows.Next() {
		var e RehabEvent
		if err := rows.Scan(&e.Seq, &e.On, &e.Act, &e.From, &e.To, &e.Note, &e.Actor); err != nil {
			return c, nil, err
		}
		evs = append(evs, e)
	}
	return c, evs, rows.Err()
}

// RehabSummary is a case in a list.
type RehabSummary struct {
	ID          int64  `json:"id"`
	Region      string `json:"region"`
	WorkerID    string `json:"worker_id"`
	Employer    string `json:"employer"`
	State       string `json:"state"`
	Institution string `json:"institution"`
	OpenedOn    string `json:"opened_on"`
	Version     int64  `json:"version"`
}

// ListRehab lists the cases of region, optionally of one state, oldest first. Being in
// rehabilitation is itself health data, so the list is behind the rule too. Errors: forbidden.
func ListRehab(ctx context.Context, q store.Querier, v Viewer, region, state string) ([]RehabSummary, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return nil, err
	}
	scope, args := store.CodePrefix("region", scopePrefix(region))
	rows, err := q.Query(ctx, `SELECT id, region, worker_id, employer_uscc, state, institution, opened_on, version FROM rehab_cases
		WHERE `+scope+` AND (? = '' OR state = ?) ORDER BY opened_on, id`, append(args, state, state)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RehabSummary
	for rows.Next() {
		var s RehabSummary
		if err := rows.Scan(&s.ID, &s.Region, &s.WorkerID, &s.Employer, &s.State, &s.Institution, &s.OpenedOn, &s.Version); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
