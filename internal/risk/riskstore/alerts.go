package riskstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"wiis/internal/coverage"
	"wiis/internal/risk"
	"wiis/internal/store"
)

// Workflow states of a stored alert.
const (
	StatusOpen          = "open"
	StatusAssigned      = "assigned"
	StatusInvestigating = "investigating"
	StatusClosed        = "closed"
)

// Outcomes of a closed alert (risk-rules.md: confirmed fraud / error corrected / false alarm).
const (
	OutcomeConfirmed  = "confirmed"
	OutcomeCorrected  = "corrected"
	OutcomeFalseAlarm = "false_alarm"
)

// Errors of the workflow functions; the web layer maps them to its error codes (not found,
// conflict, invalid).
var (
	ErrNotFound = errors.New("risk alert not found")
	// ErrConflict: the alert changed since the caller read it (its version moved on).
	ErrConflict = errors.New("risk alert changed by someone else")
	// ErrInvalid: the change is not allowed in the alert's state, or an argument is bad.
	ErrInvalid = errors.New("invalid risk alert change")
)

// StatusName returns the Chinese name of a status.
func StatusName(s string) string {
	return map[string]string{StatusOpen: "待处理", StatusAssigned: "已分派", StatusInvestigating: "调查中", StatusClosed: "已关闭"}[s]
}

// OutcomeName returns the Chinese name of an outcome ("" when none).
func OutcomeName(o string) string {
	return map[string]string{OutcomeConfirmed: "确认违规", OutcomeCorrected: "已纠正", OutcomeFalseAlarm: "误报"}[o]
}

// Stored is an alert as kept for the workflow.
type Stored struct {
	ID                   int64
	Rule, Subject        string
	Detail               string
	Evidence             []risk.Evidence
	Fingerprint          string
	Status, Assignee     string
	Outcome              string
	FirstAsOf, LastAsOf  string
	LastSeenAt           string
	CreatedAt, UpdatedAt string
	ClosedAt             string
	Version              int64
	Notes                []Note
}

// Note is an investigator's note on an alert.
type Note struct {
	ID        int64
	Author    string
	Body      string
	CreatedAt string
}

// SaveSummary counts what Save did with the alerts of one scan.
type SaveSummary struct {
	New         int // stored as new open alerts
	AlreadyOpen int // an alert for the (rule, subject) was already open (not closed)
	Refreshed   int // of those, how many had new evidence, now stored on the open alert
	Suppressed  int // closed before with the same evidence as false alarm or confirmed: not raised again
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// Save stores the alerts of a scan for the workflow, in one transaction:
//
//   - an alert whose (rule, subject) is already open (any state but closed) is not duplicated;
//     the open alert records that it was seen again, and takes the new evidence if it changed
//     (its version moves on, so an investigator editing a stale copy is told);
//   - an alert whose evidence is exactly that of an alert closed as a false alarm, or closed as
//     confirmed (already dealt with), is not raised again; new evidence raises it. An alert
//     closed as corrected is raised again when it still fires: the correction did not take;
//   - otherwise it is stored as a new open alert.
//
// Save reads the open and closed alerts once into maps (no query per alert); a unique index
// on the not-closed (rule, subject) guards against two scans racing.
func Save(ctx context.Context, db *store.DB, asOf coverage.Month, alerts []risk.Alert, now time.Time) (SaveSummary, error) {
	var sum SaveSummary
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		sum, err = SaveTx(ctx, tx, asOf, alerts, now)
		return err
	})
	if err != nil {
		return SaveSummary{}, fmt.Errorf("riskstore: save alerts: %w", err)
	}
	return sum, nil
}

// SaveTx is Save inside the caller's transaction, so the caller can append the audit record
// of the scan in the same transaction (ScanAndStore does).
func SaveTx(ctx context.Context, tx *store.Tx, asOf coverage.Month, alerts []risk.Alert, now time.Time) (SaveSummary, error) {
	sum := SaveSummary{}
	err := func() error {
		type active struct {
			id int64
			fp string
		}
		open := map[string]active{}
		done := map[string]bool{} // rule, subject, fingerprint of closed alerts not to raise again
		err := each(ctx, tx, `SELECT id, rule, subject, fingerprint, status, outcome FROM risk_alerts
			WHERE status <> 'closed' OR outcome IN ('false_alarm', 'confirmed')`, func(r *sql.Rows) error {
			var id int64
			var rule, subject, fp, status string
			var outcome sql.NullString
			if err := r.Scan(&id, &rule, &subject, &fp, &status, &outcome); err != nil {
				return err
			}
			if status == StatusClosed {
				done[rule+"\x00"+subject+"\x00"+fp] = true
			} else {
				open[rule+"\x00"+subject] = active{id, fp}
			}
			return nil
		})
		if err != nil {
			return err
		}
		ts := stamp(now)
		for _, a := range alerts {
			fp := a.Fingerprint()
			key := a.Rule + "\x00" + a.Subject
			if o, ok := open[key]; ok {
				sum.AlreadyOpen++
				if o.fp == fp {
					_, err = tx.Exec(ctx, `UPDATE risk_alerts SET last_as_of = ?, last_seen_at = ? WHERE id = ?`,
						asOf.String(), ts, o.id)
				} else {
					sum.Refreshed++
					ev, _ := json.Marshal(a.Evidence)
					_, err = tx.Exec(ctx, `UPDATE risk_alerts SET detail = ?, evidence = ?, fingerprint = ?,
						last_as_of = ?, last_seen_at = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
						a.Detail, string(ev), fp, asOf.String(), ts, ts, o.id)
				}
				if err != nil {
					return err
				}
				continue
			}
			if done[key+"\x00"+fp] {
				sum.Suppressed++
				continue
			}
			ev, err := json.Marshal(a.Evidence)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO risk_alerts (rule, subject, detail, evidence, fingerprint, status,
				first_as_of, last_as_of, last_seen_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`,
				a.Rule, a.Subject, a.Detail, string(ev), fp, asOf.String(), asOf.String(), ts, ts, ts); err != nil {
				if store.IsUniqueViolation(err) {
					return fmt.Errorf("riskstore: %s %s: %w (another scan stored it meanwhile)", a.Rule, a.Subject, ErrConflict)
				}
				return err
			}
			sum.New++
		}
		return nil
	}()
	return sum, err
}

// Filter selects stored alerts for List. An empty Status lists the alerts not closed.
type Filter struct {
	Status   string
	Rule     string
	Assignee string
	Limit    int // 0: 1000
	Offset   int // rows to skip, for paging
}

// where returns the SQL condition and arguments of f. Errors: ErrInvalid for an unknown status.
func (f Filter) where() (string, []any, error) {
	where, args := "status <> 'closed'", []any{}
	if f.Status != "" {
		if StatusName(f.Status) == "" {
			return "", nil, fmt.Errorf("%w: status %q", ErrInvalid, f.Status)
		}
		where, args = "status = ?", append(args, f.Status)
	}
	if f.Rule != "" {
		where += " AND rule = ?"
		args = append(args, f.Rule)
	}
	if f.Assignee != "" {
		where += " AND assignee = ?"
		args = append(args, f.Assignee)
	}
	return where, args, nil
}

// Count returns how many stored alerts match f (Limit and Offset aside), for paging.
// Errors: ErrInvalid for an unknown status.
func Count(ctx context.Context, q store.Querier, f Filter) (int, error) {
	where, args, err := f.where()
	if err != nil {
		return 0, err
	}
	var n int
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM risk_alerts WHERE `+where, args...).Scan(&n)
	return n, err
}

const alertCols = `id, rule, subject, detail, evidence, fingerprint, status, assignee, outcome,
	first_as_of, last_as_of, last_seen_at, created_at, updated_at, closed_at, version`

func scanStored(r interface{ Scan(...any) error }) (Stored, error) {
	var a Stored
	var ev string
	var assignee, outcome, closed sql.NullString
	err := r.Scan(&a.ID, &a.Rule, &a.Subject, &a.Detail, &ev, &a.Fingerprint, &a.Status, &assignee, &outcome,
		&a.FirstAsOf, &a.LastAsOf, &a.LastSeenAt, &a.CreatedAt, &a.UpdatedAt, &closed, &a.Version)
	if err != nil {
		return a, err
	}
	a.Assignee, a.Outcome, a.ClosedAt = assignee.String, outcome.String, closed.String
	if err := json.Unmarshal([]byte(ev), &a.Evidence); err != nil {
		return a, fmt.Errorf("riskstore: alert %d evidence: %w", a.ID, err)
	}
	return a, nil
}

// List returns stored alerts matching f, by rule then subject (without notes).
// Errors: ErrInvalid for an unknown status.
func List(ctx context.Context, q store.Querier, f Filter) ([]Stored, error) {
	where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	return queryStored(ctx, q, `SELECT `+alertCols+` FROM risk_alerts WHERE `+where+
		fmt.Sprintf(` ORDER BY rule, subject, id LIMIT %d OFFSET %d`, limit, max(f.Offset, 0)), args...)
}

// queryStored runs a SELECT of alertCols and reads every alert it returns.
func queryStored(ctx context.Context, q store.Querier, query string, args ...any) ([]Stored, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		a, err := scanStored(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Get returns one stored alert with its notes. Errors: ErrNotFound.
func Get(ctx context.Context, q store.Querier, id int64) (Stored, error) {
	a, err := scanStored(q.QueryRow(ctx, `SELECT `+alertCols+` FROM risk_alerts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("riskstore: alert %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, err
	}
	err = each(ctx, q, fmt.Sprintf(`SELECT id, author, body, created_at FROM risk_alert_notes WHERE alert_id = %d ORDER BY id`, id),
		func(r *sql.Rows) error {
			var n Note
			if err := r.Scan(&n.ID, &n.Author, &n.Body, &n.CreatedAt); err != nil {
				return err
			}
			a.Notes = append(a.Notes, n)
			return nil
		})
	return a, err
}

// transition moves alert id at version from one of the states in from to the new state with
// the extra assignments, bumping the version. The caller's tx lets it append the audit record
// (internal/audit) of the change in the same transaction.
func transition(ctx context.Context, tx *store.Tx, id, version int64, from []string, set string, args []any, now time.Time) error {
	var status string
	var cur int64
	err := tx.QueryRow(ctx, `SELECT status, version FROM risk_alerts WHERE id = ?`, id).Scan(&status, &cur)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("riskstore: alert %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if cur != version {
		return fmt.Errorf("riskstore: alert %d is at version %d, not %d: %w", id, cur, version, ErrConflict)
	}
	allowed := false
	for _, s := range from {
		allowed = allowed || s == status
	}
	if !allowed {
		return fmt.Errorf("%w: alert %d is %s", ErrInvalid, id, status)
	}
	res, err := tx.Exec(ctx, `UPDATE risk_alerts SET `+set+`, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, append(args, stamp(now), id, version)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("riskstore: alert %d: %w", id, ErrConflict)
	}
	return nil
}

// Assign gives the alert (open, assigned or investigating) to an investigator; an alert under
// investigation goes back to assigned with its new investigator. version is the version the
// caller read. Errors: ErrNotFound, ErrConflict, ErrInvalid (closed, or empty assignee).
func Assign(ctx context.Context, tx *store.Tx, id, version int64, assignee string, now time.Time) error {
	if assignee == "" {
		return fmt.Errorf("%w: assignee is required", ErrInvalid)
	}
	return transition(ctx, tx, id, version, []string{StatusOpen, StatusAssigned, StatusInvestigating},
		"status = 'assigned', assignee = ?", []any{assignee}, now)
}

// StartInvestigation marks an assigned alert as under investigation.
// Errors: ErrNotFound, ErrConflict, ErrInvalid (not assigned).
func StartInvestigation(ctx context.Context, tx *store.Tx, id, version int64, now time.Time) error {
	return transition(ctx, tx, id, version, []string{StatusAssigned}, "status = 'investigating'", nil, now)
}

// AddNote appends an investigator's note and returns its id. Notes do not change the alert's
// state or version: two investigators may note at once. Errors: ErrNotFound, ErrInvalid
// (empty note or author).
func AddNote(ctx context.Context, tx *store.Tx, id int64, author, body string, now time.Time) (int64, error) {
	if author == "" || body == "" {
		return 0, fmt.Errorf("%w: a note needs an author and a text", ErrInvalid)
	}
	var exists int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM risk_alerts WHERE id = ?`, id).Scan(&exists); err != nil {
		return 0, err
	}
	if exists == 0 {
		return 0, fmt.Errorf("riskstore: alert %d: %w", id, ErrNotFound)
	}
	var nid int64
	err := tx.QueryRow(ctx, `INSERT INTO risk_alert_notes (alert_id, author, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		id, author, body, stamp(now)).Scan(&nid)
	return nid, err
}

// Close closes an alert that is not yet closed with an outcome. A false alarm (or confirmed
// case) is remembered by its evidence fingerprint: later scans do not raise it again while the
// evidence is the same. Errors: ErrNotFound, ErrConflict, ErrInvalid (already closed, or an
// unknown outcome).
func Close(ctx context.Context, tx *store.Tx, id, version int64, outcome string, now time.Time) error {
	if OutcomeName(outcome) == "" {
		return fmt.Errorf("%w: outcome %q", ErrInvalid, outcome)
	}
	return transition(ctx, tx, id, version, []string{StatusOpen, StatusAssigned, StatusInvestigating},
		"status = 'closed', outcome = ?, closed_at = ?", []any{outcome, stamp(now)}, now)
}
