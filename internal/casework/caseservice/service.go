// Package caseservice stores the cases of internal/casework and offers the services the web
// layer and the CLI call (spec/casework.md): open a case, load it, apply one transition — load,
// check the version, apply, save and audit in ONE transaction — draw an expert panel, and the
// office views of what is due, due soon and overdue.
//
// Every method that changes data takes the actor (the signed-in user's name) and calls the
// Service's Audit hook inside the same transaction, so the audit record commits or rolls back
// with the change. Error codes (casework.Code): invalid for a refused transition or bad input,
// conflict when the version the caller read is stale, not_found for a missing case; anything
// else is an internal failure. Transitions and new cases return them as *apperr.Error (the
// shared type; casework.AppErr), with the *casework.Error as the cause.
package caseservice

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wiis/internal/casework"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// AuditHook appends an audit record in the transaction of the change: entity and id name the
// case, before and after are its values (before is nil when the case is created). It has the
// shape internal/audit's Append can be adapted to.
type AuditHook func(ctx context.Context, tx *store.Tx, entity, id string, before, after any) error

// Service is the casework service over one database.
type Service struct {
	DB    *store.DB
	Audit AuditHook        // nil: no audit (tests, migrations)
	Now   func() time.Time // the clock for event instants; nil: time.Now
	// Seed gives the seed of an expert draw; nil: casework.NewSeed (crypto/rand). Tests fix it.
	Seed func() casework.Seed
}

// The entity names used in events, steps and audit records.
const (
	EntityDetermination = "determination"
	EntityAssessment    = "assessment"
	EntityAdvance       = "advance"
	EntityExpert        = "expert"
)

func (s *Service) now() string {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func (s *Service) audit(ctx context.Context, tx *store.Tx, entity string, id int64, before, after any) error {
	if s.Audit == nil {
		return nil
	}
	return s.Audit(ctx, tx, entity, strconv.FormatInt(id, 10), before, after)
}

// LoadLimits reads the casework time limits in force in region on day on. The rules in force
// on the day an application was received govern the whole case, so a later change of a
// city's promise does not move the deadlines of cases already running.
func LoadLimits(ctx context.Context, q store.Querier, region string, on casework.Date) (casework.Limits, error) {
	var lim casework.Limits
	d := on.String()
	for _, p := range []struct {
		key string
		dst any
	}{
		{casework.ParamDeterminationLimits, &lim.Determination},
		{casework.ParamAssessmentLimits, &lim.Assessment},
		{casework.ParamAdvanceLimits, &lim.Advance},
		{casework.ParamDueSoonDays, &lim.DueSoonDays},
	} {
		found, err := policy.Decode(ctx, q, region, p.key, d, p.dst)
		if err != nil {
			return lim, err
		}
		if !found {
			return lim, fmt.Errorf("caseservice: no policy %s in force in %s on %s", p.key, region, d)
		}
	}
	// The holiday calendar is optional: without it only weekends are rest days.
	if _, err := policy.Decode(ctx, q, region, casework.ParamCalendar, d, &lim.Calendar); err != nil {
		return lim, err
	}
	return lim, nil
}

// nextCaseNo issues the next number of a kind in a region and year: RD341500-2026-00001.
func nextCaseNo(ctx context.Context, tx *store.Tx, prefix, region string, on casework.Date) (string, error) {
	year, n, err := nextSeq(ctx, tx, prefix, region, on)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%s-%d-%05d", prefix, region, year, n), nil
}

// nextSeq takes the next number of a counter (a case kind or a document kind) in a region and
// the year of on; the upsert makes concurrent issuers queue on the row instead of colliding.
func nextSeq(ctx context.Context, tx *store.Tx, counter, region string, on casework.Date) (year, n int, err error) {
	year, _ = strconv.Atoi(on.String()[:4])
	err = tx.QueryRow(ctx, `INSERT INTO casework_counters (prefix, region, year, last) VALUES (?, ?, ?, 1)
		ON CONFLICT (prefix, region, year) DO UPDATE SET last = casework_counters.last + 1
		RETURNING last`, counter, region, year).Scan(&n)
	if err != nil {
		return 0, 0, fmt.Errorf("caseservice: number %s: %w", counter, err)
	}
	return year, n, nil
}

// NullDate stores the zero Date as NULL (shared by the medical storage).
func NullDate(d casework.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// ParseNullDate reads a nullable date column: NULL is the zero Date.
func ParseNullDate(ns sql.NullString) (casework.Date, error) {
	if !ns.Valid {
		return casework.Date{}, nil
	}
	return casework.ParseDate(ns.String)
}

// dueOf returns the open step's name and the due date the office views sort by: NULL while the
// clock is stopped or when the step waits on a party.
func dueOf(steps []casework.Step) (string, any) {
	if n := len(steps); n > 0 && steps[n-1].Open() {
		st := steps[n-1]
		if !st.SuspendedOn.IsZero() {
			return st.Name, nil
		}
		return st.Name, NullDate(st.Due)
	}
	return "", nil
}

// table describes where one kind of case is stored.
type table struct {
	name, entity, prefix string
}

var (
	detTable  = table{"determination_cases", EntityDetermination, "RD"}
	asmtTable = table{"assessment_cases", EntityAssessment, "JD"}
	advTable  = table{"advance_cases", EntityAdvance, "XF"}
)

// insert writes a new case row from its projection and returns its id.
func (t table) insert(ctx context.Context, tx *store.Tx, cols []string, vals []any, at string) (int64, error) {
	cols = append(cols, "version", "created_at", "updated_at")
	vals = append(vals, 1, at, at)
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO `+t.name+` (`+strings.Join(cols, ", ")+`) VALUES (`+
		store.Placeholders(len(vals))+`) RETURNING id`, vals...).Scan(&id)
	if err != nil {
		if store.IsUniqueViolation(err) {
			return 0, &casework.Error{Code: casework.CodeConflict, Field: "case_no", Reason: "duplicate case number"}
		}
		return 0, fmt.Errorf("caseservice: insert %s: %w", t.entity, err)
	}
	return id, nil
}

// update rewrites a case row if it is still at version; otherwise someone else saved first
// and the caller gets a conflict. The check is in the UPDATE itself, so two concurrent
// transactions cannot both pass it.
func (t table) update(ctx context.Context, tx *store.Tx, id int64, version int, cols []string, vals []any, at string) error {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = ?"
	}
	vals = append(vals, at, id, version)
	res, err := tx.Exec(ctx, `UPDATE `+t.name+` SET `+strings.Join(set, ", ")+`, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, vals...)
	if err != nil {
		return fmt.Errorf("caseservice: update %s: %w", t.entity, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return casework.ErrConflict(t.entity, id)
	}
	return nil
}

// loadRow reads a case's data JSON into dst and returns its version.
func (t table) loadRow(ctx context.Context, q store.Querier, id int64, dst any) (int, error) {
	var data string
	var version int
	err := q.QueryRow(ctx, `SELECT data, version FROM `+t.name+` WHERE id = ?`, id).Scan(&data, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, casework.ErrNotFound(t.entity, id)
	}
	if err != nil {
		return 0, fmt.Errorf("caseservice: load %s %d: %w", t.entity, id, err)
	}
	if err := json.Unmarshal([]byte(data), dst); err != nil {
		return 0, fmt.Errorf("caseservice: decode %s %d: %w", t.entity, id, err)
	}
	return version, nil
}

// saveSteps replaces the steps of a case (a handful of rows; a resumption changes the open
// step's due date in place).
func (t table) saveSteps(ctx context.Context, tx *store.Tx, id int64, steps []casework.Step) error {
	if _, err := tx.Exec(ctx, `DELETE FROM casework_steps WHERE entity = ? AND case_id = ?`, t.entity, id); err != nil {
		return err
	}
	for i, st := range steps {
		if _, err := tx.Exec(ctx, `INSERT INTO casework_steps (entity, case_id, seq, name, started_on, due_on, done_on, suspended_on, suspended_days)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.entity, id, i+1, st.Name, st.Started.String(),
			NullDate(st.Due), NullDate(st.Done), NullDate(st.SuspendedOn), st.SuspendedDays); err != nil {
			return fmt.Errorf("caseservice: save steps: %w", err)
		}
	}
	return nil
}

func (t table) loadSteps(ctx context.Context, q store.Querier, id int64) ([]casework.Step, error) {
	rows, err := q.Query(ctx, `SELECT name, started_on, due_on, done_on, suspended_on, suspended_days
		FROM casework_steps WHERE entity = ? AND case_id = ? ORDER BY seq`, t.entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.Step
	for rows.Next() {
		var st casework.Step
		var started string
		var due, done, susp sql.NullString
		if err := rows.Scan(&st.Name, &started, &due, &done, &susp, &st.SuspendedDays); err != nil {
			return nil, err
		}
		var errs [4]error
		st.Started, errs[0] = casework.ParseDate(started)
		st.Due, errs[1] = ParseNullDate(due)
		st.Done, errs[2] = ParseNullDate(done)
		st.SuspendedOn, errs[3] = ParseNullDate(susp)
		if err := errors.Join(errs[:]...); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// appendEvents inserts the events after the first `from`: history is only ever appended.
func (t table) appendEvents(ctx context.Context, tx *store.Tx, id int64, events []casework.Event, from int, at string) error {
	for i := from; i < len(events); i++ {
		e := events[i]
		if _, err := tx.Exec(ctx, `INSERT INTO casework_events (entity, case_id, seq, at, actor, action, on_date, from_state, to_state, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.entity, id, i+1, at, e.By, e.Action, e.On.String(), e.From, e.To, e.Note); err != nil {
			return fmt.Errorf("caseservice: append event: %w", err)
		}
	}
	return nil
}

func (t table) loadEvents(ctx context.Context, q store.Querier, id int64) ([]casework.Event, error) {
	stored, err := loadStoredEvents(ctx, q, t.entity, id)
	out := make([]casework.Event, len(stored))
	for i, e := range stored {
		out[i] = e.Event
	}
	return out, err
}

// History lists the events of a case with the instant each was written, for the case page and
// the auditor.
func (s *Service) History(ctx context.Context, entity string, id int64) ([]StoredEvent, error) {
	return loadStoredEvents(ctx, s.DB, entity, id)
}

func loadStoredEvents(ctx context.Context, q store.Querier, entity string, id int64) ([]StoredEvent, error) {
	rows, err := q.Query(ctx, `SELECT seq, at, actor, action, on_date, from_state, to_state, note
		FROM casework_events WHERE entity = ? AND case_id = ? ORDER BY seq`, entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredEvent
	for rows.Next() {
		var e StoredEvent
		var on string
		if err := rows.Scan(&e.Seq, &e.At, &e.By, &e.Action, &on, &e.From, &e.To, &e.Note); err != nil {
			return nil, err
		}
		if e.On, err = casework.ParseDate(on); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// StoredEvent is an event with its sequence number and the instant it was written.
type StoredEvent struct {
	Seq int    `json:"seq"`
	At  string `json:"at"`
	casework.Event
}

// kind ties the generic load-apply-save of one kind of case together.
type kind[C any] struct {
	t       table
	load    func(ctx context.Context, q store.Querier, id int64) (C, error)
	save    func(ctx context.Context, tx *store.Tx, before, after C, at string) error
	version func(C) int
	limits  func(C) (string, casework.Date)
}

// act loads case id, checks the caller read the current version, applies step, saves and
// audits, all in one transaction.
func act[C any](ctx context.Context, s *Service, k kind[C], id int64, version int, step func(*store.Tx, C, casework.Limits) (C, error)) (C, error) {
	var out C
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := k.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if k.version(before) != version {
			return casework.ErrConflict(k.t.entity, id)
		}
		region, on := k.limits(before)
		lim, err := LoadLimits(ctx, tx, region, on)
		if err != nil {
			return err
		}
		after, err := step(tx, before, lim)
		if err != nil {
			return err
		}
		if err := k.save(ctx, tx, before, after, s.now()); err != nil {
			return err
		}
		if out, err = k.load(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, k.t.entity, id, before, out)
	})
	return out, casework.AppErr(err)
}

// open inserts a new case built by build and audits it, in one transaction.
func open[C any](ctx context.Context, s *Service, k kind[C], region string, on casework.Date,
	build func(tx *store.Tx, lim casework.Limits, caseNo string) (C, error), insert func(tx *store.Tx, c C, at string) (int64, error)) (C, error) {
	var out C
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		lim, err := LoadLimits(ctx, tx, region, on)
		if err != nil {
			return err
		}
		no, err := nextCaseNo(ctx, tx, k.t.prefix, region, on)
		if err != nil {
			return err
		}
		c, err := build(tx, lim, no)
		if err != nil {
			return err
		}
		id, err := insert(tx, c, s.now())
		if err != nil {
			return err
		}
		if out, err = k.load(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, k.t.entity, id, nil, out)
	})
	return out, casework.AppErr(err)
}

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func unmarshal(s string, dst any) error {
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		return fmt.Errorf("caseservice: decode: %w", err)
	}
	return nil
}
