package supstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/supervise"
)

// Referral is a stored inspection referral with what followed it.
type Referral struct {
	ID           int64              `json:"id"`
	No           string             `json:"referral_no"`
	Region       string             `json:"region"`
	USCC         string             `json:"uscc"`
	EmployerName string             `json:"employer_name"`
	SourceKind   string             `json:"source_kind"`
	SourceID     int64              `json:"source_id"`
	Inspectorate string             `json:"inspectorate"`
	Facts        string             `json:"facts"`
	Evidence     string             `json:"evidence"`
	State        supervise.RefState `json:"state"`
	ReferredOn   string             `json:"referred_on"`
	DueOn        string             `json:"due_on"`
	ReceivedOn   string             `json:"received_on,omitempty"`
	ResultOn     string             `json:"result_on,omitempty"`
	Outcome      string             `json:"outcome,omitempty"`
	Result       string             `json:"result,omitempty"`
	ClosedOn     string             `json:"closed_on,omitempty"`
	CreatedBy    string             `json:"created_by"`
	Version      int                `json:"version"`
	Overdue      bool               `json:"overdue"`
	// Enrolled is what followed in enrollment: workers the employer added on or after the
	// referral day (enrollment_events), and the first such day.
	Enrolled      int        `json:"enrolled"`
	FirstEnrolled string     `json:"first_enrolled,omitempty"`
	Events        []RefEvent `json:"events,omitempty"`
}

// RefEvent is one step in a referral's history.
type RefEvent struct {
	Seq    int    `json:"seq"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	From   string `json:"from"`
	To     string `json:"to"`
	On     string `json:"on"`
	Note   string `json:"note"`
}

// source finds the employer and office of a referral's source case or alert. An alert names
// its subject; the employer must be given when the subject is not an employer. Errors:
// not_found, invalid.
func source(ctx context.Context, q store.Querier, kind string, id int64, uscc string) (string, string, error) {
	var region, found string
	var err error
	switch kind {
	case supervise.SourceDetermination:
		err = q.QueryRow(ctx, `SELECT region, employer_uscc FROM determination_cases WHERE id = ?`, id).Scan(&region, &found)
	case supervise.SourceAssessment:
		err = q.QueryRow(ctx, `SELECT region, employer_uscc FROM assessment_cases WHERE id = ?`, id).Scan(&region, &found)
	case supervise.SourceAdvance:
		err = q.QueryRow(ctx, `SELECT region, employer_uscc FROM advance_cases WHERE id = ?`, id).Scan(&region, &found)
	case supervise.SourceAlert:
		var subject string
		err = q.QueryRow(ctx, `SELECT subject FROM risk_alerts WHERE id = ?`, id).Scan(&subject)
		if err == nil {
			err = q.QueryRow(ctx, `SELECT uscc, region FROM employers WHERE uscc = ?`, subject).Scan(&found, &region)
			if errors.Is(err, sql.ErrNoRows) && uscc != "" {
				err = q.QueryRow(ctx, `SELECT uscc, region FROM employers WHERE uscc = ?`, uscc).Scan(&found, &region)
			}
			if errors.Is(err, sql.ErrNoRows) {
				return "", "", apperr.Invalidf("uscc", "sup.err.employer")
			}
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.Invalidf("source_id", "sup.err.source_missing")
	}
	if err != nil {
		return "", "", err
	}
	if uscc != "" && kind != supervise.SourceAlert && uscc != found {
		return "", "", apperr.Invalidf("uscc", "sup.err.employer")
	}
	if found == "" {
		return "", "", apperr.Invalidf("uscc", "sup.err.employer")
	}
	return found, region, nil
}

// ReferralDays reads the inspectorate's days to report in region on day (policy
// supervise.referral_days).
func ReferralDays(ctx context.Context, q store.Querier, region, on string) (int, error) {
	days := 30
	if _, err := policy.Decode(ctx, q, region, "supervise.referral_days", on, &days); err != nil {
		return 0, err
	}
	return days, nil
}

// Refer records a referral of the source's employer to the inspectorate. Errors: invalid,
// not_found, conflict (an open referral of the same source and employer exists).
func (s *Service) Refer(ctx context.Context, by audit.Actor, n supervise.NewReferral) (Referral, error) {
	if err := n.Validate(); err != nil {
		return Referral{}, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		uscc, region, err := source(ctx, tx, n.SourceKind, n.SourceID, strings.TrimSpace(n.USCC))
		if err != nil {
			return err
		}
		days, err := ReferralDays(ctx, tx, region, n.On)
		if err != nil {
			return err
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM inspection_referrals WHERE region = ? AND referred_on LIKE ?`,
			region, n.On[:4]+"%").Scan(&seq); err != nil {
			return err
		}
		no := fmt.Sprintf("YS%s%s%04d", region, n.On[:4], seq+1)
		at := s.stamp()
		err = tx.QueryRow(ctx, `INSERT INTO inspection_referrals (referral_no, region, uscc, source_kind, source_id,
			inspectorate, facts, evidence, state, referred_on, due_on, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			no, region, uscc, n.SourceKind, n.SourceID, strings.TrimSpace(n.Inspectorate), strings.TrimSpace(n.Facts),
			strings.TrimSpace(n.Evidence), supervise.RefReferred, n.On, supervise.AddDays(n.On, days), by.Username, at, at).Scan(&id)
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("source_id", "sup.err.referral_open")
		}
		if err != nil {
			return err
		}
		if err := addRefEvent(ctx, tx, id, at, by.Username, "refer", "", supervise.RefReferred, n.On, n.Facts); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "referral.create", "inspection_referral", id, nil, n)
	})
	if err != nil {
		return Referral{}, err
	}
	return s.Referral(ctx, id)
}

func addRefEvent(ctx context.Context, tx *store.Tx, id int64, at, actor, action string, from, to supervise.RefState, on, note string) error {
	_, err := tx.Exec(ctx, `INSERT INTO inspection_referral_events (referral_id, seq, at, actor, action, from_state, to_state, on_date, note)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM inspection_referral_events WHERE referral_id = ?), ?, ?, ?, ?, ?, ?, ?)`,
		id, id, at, actor, action, string(from), string(to), on, note)
	return err
}

// Act applies one step (receive, investigate, result, close) to referral id read at version
// on day on; res is needed for "result". side is the caller's side: the inspectorate's steps
// are refused to the agency and the other way round. Errors: not_found, conflict (a stale
// version, or a step not allowed in the state), forbidden (the other side's step), invalid.
func (s *Service) Act(ctx context.Context, by audit.Actor, side supervise.Side, id int64, version int, action, on string, res supervise.ResultInput) (Referral, error) {
	a, err := supervise.FindRefAction(action)
	if err != nil {
		return Referral{}, err
	}
	if a.Side != side {
		return Referral{}, apperr.Forbiddenf("sup.err.side")
	}
	if _, err := supervise.ParseDate("on", on); err != nil {
		return Referral{}, err
	}
	if a.Name == "result" {
		res.On = on
		if err := res.Validate(); err != nil {
			return Referral{}, err
		}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadReferral(ctx, tx, id, on)
		if err != nil {
			return err
		}
		if before.Version != version {
			return stale()
		}
		if !a.Allowed(before.State) {
			return apperr.Conflictf("state", "sup.err.state")
		}
		if on < before.ReferredOn {
			return apperr.Invalidf("on", "sup.err.before_referral")
		}
		set, args := "", []any{}
		note := ""
		switch a.Name {
		case "receive":
			set, args = "received_on = ?", []any{on}
		case "investigate":
			set, args = "received_on = COALESCE(received_on, ?)", []any{on}
		case "result":
			set, args = "result_on = ?, outcome = ?, result = ?", []any{on, res.Outcome, strings.TrimSpace(res.Result)}
			note = res.Outcome + "：" + res.Result
		case "close":
			set, args = "closed_on = ?", []any{on}
		}
		at := s.stamp()
		args = append([]any{a.To, at}, args...)
		args = append(args, id, version)
		r, err := tx.Exec(ctx, `UPDATE inspection_referrals SET state = ?, updated_at = ?, version = version + 1, `+set+
			` WHERE id = ? AND version = ?`, args...)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return stale()
		}
		if err := addRefEvent(ctx, tx, id, at, by.Username, a.Name, before.State, a.To, on, note); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "referral."+a.Name, "inspection_referral", id,
			map[string]any{"state": before.State}, map[string]any{"state": a.To, "on": on, "result": res})
	})
	if err != nil {
		return Referral{}, err
	}
	return s.Referral(ctx, id)
}

const refCols = `r.id, r.referral_no, r.region, r.uscc, COALESCE(e.name, ''), r.source_kind, r.source_id, r.inspectorate,
	r.facts, r.evidence, r.state, r.referred_on, r.due_on, r.received_on, r.result_on, r.outcome, r.result, r.closed_on,
	r.created_by, r.version`

func scanReferral(sc interface{ Scan(...any) error }, today string) (Referral, error) {
	var r Referral
	var recv, res, closed sql.NullString
	err := sc.Scan(&r.ID, &r.No, &r.Region, &r.USCC, &r.EmployerName, &r.SourceKind, &r.SourceID, &r.Inspectorate,
		&r.Facts, &r.Evidence, &r.State, &r.ReferredOn, &r.DueOn, &recv, &res, &r.Outcome, &r.Result, &closed,
		&r.CreatedBy, &r.Version)
	r.ReceivedOn, r.ResultOn, r.ClosedOn = nullStr(recv), nullStr(res), nullStr(closed)
	r.Overdue = supervise.Overdue(r.State, r.DueOn, today)
	return r, err
}

func loadReferral(ctx context.Context, q store.Querier, id int64, today string) (Referral, error) {
	r, err := scanReferral(q.QueryRow(ctx, `SELECT `+refCols+` FROM inspection_referrals r
		LEFT JOIN employers e ON e.uscc = r.uscc WHERE r.id = ?`, id), today)
	return r, notFound(err)
}

// Referral loads a referral with its history and the enrollment that followed. Errors:
// not_found.
func (s *Service) Referral(ctx context.Context, id int64) (Referral, error) {
	r, err := loadReferral(ctx, s.DB, id, s.Today())
	if err != nil {
		return r, err
	}
	if err := s.followUp(ctx, []*Referral{&r}); err != nil {
		return r, err
	}
	rows, err := s.DB.Query(ctx, `SELECT seq, at, actor, action, from_state, to_state, on_date, note
		FROM inspection_referral_events WHERE referral_id = ? ORDER BY seq`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var e RefEvent
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.From, &e.To, &e.On, &e.Note); err != nil {
			return r, err
		}
		r.Events = append(r.Events, e)
	}
	return r, rows.Err()
}

// followUp fills what enrollment followed each referral: the workers its employer added with
// a recording day on or after the referral day. One query for the whole list.
func (s *Service) followUp(ctx context.Context, rs []*Referral) error {
	if len(rs) == 0 {
		return nil
	}
	args := make([]any, len(rs))
	for i, r := range rs {
		args[i] = r.ID
	}
	rows, err := s.DB.Query(ctx, `SELECT r.id, COUNT(DISTINCT ev.id_number), MIN(ev.recorded_on)
		FROM inspection_referrals r JOIN enrollment_events ev ON ev.uscc = r.uscc AND ev.event = 'add' AND ev.recorded_on >= r.referred_on
		WHERE r.id IN (`+store.Placeholders(len(rs))+`) GROUP BY r.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	by := map[int64]*Referral{}
	for _, r := range rs {
		by[r.ID] = r
	}
	for rows.Next() {
		var id int64
		var n int
		var first sql.NullString
		if err := rows.Scan(&id, &n, &first); err != nil {
			return err
		}
		by[id].Enrolled, by[id].FirstEnrolled = n, first.String
	}
	return rows.Err()
}

// RefFilter selects referrals; zero fields match everything.
type RefFilter struct {
	Region      string // an office; its prefix selects the codes under it
	State       string
	OverdueOnly bool
	USCC        string
	SourceKind  string
	SourceID    int64
	Limit       int
}

// Referrals lists referrals newest first with their follow-up.
func (s *Service) Referrals(ctx context.Context, f RefFilter) ([]Referral, error) {
	today := s.Today()
	where, args := []string{"1 = 1"}, []any{}
	if f.Region != "" {
		scope, in := store.CodePrefix("r.region", prefix(f.Region))
		where, args = append(where, scope), append(args, in...)
	}
	if f.State != "" {
		where, args = append(where, "r.state = ?"), append(args, f.State)
	}
	if f.OverdueOnly {
		where, args = append(where, "r.state IN ('referred', 'received', 'investigating') AND r.due_on < ?"), append(args, today)
	}
	if f.USCC != "" {
		where, args = append(where, "r.uscc = ?"), append(args, f.USCC)
	}
	if f.SourceKind != "" {
		where, args = append(where, "r.source_kind = ? AND r.source_id = ?"), append(args, f.SourceKind, f.SourceID)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	rows, err := s.DB.Query(ctx, `SELECT `+refCols+` FROM inspection_referrals r LEFT JOIN employers e ON e.uscc = r.uscc
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.referred_on DESC, r.id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Referral
	for rows.Next() {
		r, err := scanReferral(rows, today)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*Referral, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, s.followUp(ctx, ptrs)
}

// ImportLine is one line of an imported result file and what became of it.
type ImportLine struct {
	Line  int    `json:"line"`
	No    string `json:"referral_no"`
	Error string `json:"error,omitempty"` // a message key
	Args  []any  `json:"-"`
}

// ImportResults applies the inspectorate's results from a CSV file with the header
// referral_no,result_on,outcome,result (UTF-8). Each line is its own transaction, so a bad
// line is reported and the others still land; a referral still "referred" is received on the
// result day first. Only referrals in scope (office prefix) are touched. Errors: invalid (the
// header).
func (s *Service) ImportResults(ctx context.Context, by audit.Actor, scope string, rows [][]string) ([]ImportLine, error) {
	if len(rows) == 0 || len(rows[0]) < 4 || strings.TrimPrefix(strings.TrimSpace(rows[0][0]), "\ufeff") != "referral_no" {
		return nil, apperr.Invalidf("file", "sup.err.csv_header")
	}
	var out []ImportLine
	for i, row := range rows[1:] {
		l := ImportLine{Line: i + 2}
		if len(row) < 4 {
			l.Error = "sup.err.csv_line"
			out = append(out, l)
			continue
		}
		l.No = strings.TrimSpace(row[0])
		var id int64
		var region string
		err := s.DB.QueryRow(ctx, `SELECT id, region FROM inspection_referrals WHERE referral_no = ?`, l.No).Scan(&id, &region)
		if err == nil && !strings.HasPrefix(region, prefix(scope)) {
			err = sql.ErrNoRows
		}
		if err == nil {
			err = s.importOne(ctx, by, id, supervise.ResultInput{On: strings.TrimSpace(row[1]), Outcome: strings.TrimSpace(row[2]), Result: strings.TrimSpace(row[3])})
		}
		if err != nil {
			e := apperr.As(notFound(err))
			if e.Code == apperr.Internal {
				return out, err
			}
			l.Error, l.Args = e.Message, e.Args
		}
		out = append(out, l)
	}
	return out, nil
}

func (s *Service) importOne(ctx context.Context, by audit.Actor, id int64, res supervise.ResultInput) error {
	r, err := s.Referral(ctx, id)
	if err != nil {
		return err
	}
	if err := res.Validate(); err != nil {
		return err
	}
	if r.State == supervise.RefReferred {
		if r, err = s.Act(ctx, by, supervise.SideInspectorate, id, r.Version, "receive", res.On, supervise.ResultInput{}); err != nil {
			return err
		}
	}
	_, err = s.Act(ctx, by, supervise.SideInspectorate, id, r.Version, "result", res.On, res)
	return err
}
