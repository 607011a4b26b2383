package supstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/calendar"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/store"
	"wiis/internal/supervise"
)

// Conference is a stored case conference.
type Conference struct {
	ID         int64               `json:"id"`
	Entity     string              `json:"entity"`
	CaseID     int64               `json:"case_id"`
	CaseNo     string              `json:"case_no"`
	WorkerID   string              `json:"worker_id"`
	Region     string              `json:"region"`
	Mark       string              `json:"mark"`
	Question   string              `json:"question"`
	Materials  string              `json:"materials"`
	State      supervise.ConfState `json:"state"`
	ConvenedBy string              `json:"convened_by"`
	ConvenedOn string              `json:"convened_on"`
	HeldOn     string              `json:"held_on,omitempty"`
	Minutes    string              `json:"minutes,omitempty"`
	Conclusion string              `json:"conclusion,omitempty"`
	Decision   string              `json:"decision,omitempty"`
	// Applied says what the conclusion did to the case: "investigation" when it was recorded
	// on the determination through casework's investigate action, otherwise "recorded" (the
	// conclusion is kept here and shown with the case).
	Applied string             `json:"applied,omitempty"`
	Members []supervise.Member `json:"members"`
	Version int                `json:"version"`
}

// caseOf reads a case's number, worker and office. Errors: invalid (no such case).
func caseOf(ctx context.Context, q store.Querier, entity string, id int64) (no, worker, region string, err error) {
	table := map[string]string{supervise.SourceDetermination: "determination_cases",
		supervise.SourceAssessment: "assessment_cases", supervise.SourceAdvance: "advance_cases"}[entity]
	if table == "" {
		return "", "", "", apperr.Invalidf("entity", "sup.err.source")
	}
	err = q.QueryRow(ctx, `SELECT case_no, worker_id, region FROM `+table+` WHERE id = ?`, id).Scan(&no, &worker, &region)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", apperr.Invalidf("case_id", "sup.err.source_missing")
	}
	return no, worker, region, err
}

// Convene marks a case major or difficult and convenes a conference on it with its members.
// Errors: invalid, conflict (an open conference on the case exists).
func (s *Service) Convene(ctx context.Context, by audit.Actor, n supervise.NewConference) (Conference, error) {
	if err := n.Validate(); err != nil {
		return Conference{}, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		no, worker, region, err := caseOf(ctx, tx, n.Entity, n.CaseID)
		if err != nil {
			return err
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM case_conferences WHERE entity = ? AND case_id = ? AND state <> 'concluded'`,
			n.Entity, n.CaseID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return apperr.Conflictf("case_id", "sup.err.conference_open")
		}
		at := s.stamp()
		if err := tx.QueryRow(ctx, `INSERT INTO case_conferences (entity, case_id, case_no, worker_id, region, mark, question, materials,
			state, convened_by, convened_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'convened', ?, ?, ?, ?) RETURNING id`,
			n.Entity, n.CaseID, no, worker, region, n.Mark, strings.TrimSpace(n.Question), strings.TrimSpace(n.Materials),
			by.Username, n.On, at, at).Scan(&id); err != nil {
			return err
		}
		for i, m := range n.Members {
			if _, err := tx.Exec(ctx, `INSERT INTO conference_members (conference_id, seq, name, position) VALUES (?, ?, ?, ?)`,
				id, i+1, strings.TrimSpace(m.Name), strings.TrimSpace(m.Position)); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, by, "conference.convene", "case_conference", id, nil, n)
	})
	if err != nil {
		return Conference{}, err
	}
	return s.Conference(ctx, id)
}

// Hold records the meeting: the day, the minutes and each member's opinion and vote, given in
// member order. Errors: not_found, conflict (stale), invalid.
func (s *Service) Hold(ctx context.Context, by audit.Actor, id int64, version int, on, minutes string, opinions []supervise.Member) (Conference, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		c, err := loadConference(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return stale()
		}
		if len(opinions) != len(c.Members) {
			return apperr.Invalidf("opinion", "sup.err.opinion", "")
		}
		for i := range c.Members {
			c.Members[i].Opinion, c.Members[i].Vote = strings.TrimSpace(opinions[i].Opinion), opinions[i].Vote
		}
		if err := supervise.Hold(c.State, on, minutes, c.Members); err != nil {
			return err
		}
		if on < c.ConvenedOn {
			return apperr.Invalidf("held_on", "sup.err.before_convened")
		}
		for i, m := range c.Members {
			if _, err := tx.Exec(ctx, `UPDATE conference_members SET opinion = ?, vote = ? WHERE conference_id = ? AND seq = ?`,
				m.Opinion, m.Vote, id, i+1); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE case_conferences SET state = 'held', held_on = ?, minutes = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, on, strings.TrimSpace(minutes), s.stamp(), id, version); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "conference.hold", "case_conference", id, nil, map[string]any{"held_on": on, "minutes": minutes, "members": c.Members})
	})
	if err != nil {
		return Conference{}, err
	}
	return s.Conference(ctx, id)
}

// Conclude records the collective conclusion and lets it drive the case: on a determination
// accepted or under investigation, casework's investigate action records the conference
// (members as investigators, the conclusion as the record), so the decision that follows
// rests on it and the case history shows it. Any other case keeps the conclusion here, shown
// with the case. The casework action commits first (it is casework's own transaction); if it
// is refused, the conclusion is still recorded and Applied says so. Errors: not_found,
// conflict (stale), invalid.
func (s *Service) Conclude(ctx context.Context, by audit.Actor, cs *caseservice.Service, id int64, version int, decision, conclusion, on string) (Conference, error) {
	c, err := s.Conference(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Version != version {
		return c, stale()
	}
	if err := supervise.Conclude(c.State, decision, conclusion, c.Members); err != nil {
		return c, err
	}
	day, err := calendar.ParseDate(on)
	if err != nil {
		return c, apperr.Invalidf("on", "sup.err.date")
	}
	applied := "recorded"
	if c.Entity == supervise.SourceDetermination && cs != nil {
		det, err := cs.Determination(ctx, c.CaseID)
		if err != nil {
			return c, err
		}
		if det.State == casework.DetAccepted || det.State == casework.DetInvestigating {
			names := make([]string, len(c.Members))
			for i, m := range c.Members {
				names[i] = m.Name
			}
			_, err := cs.ActOnDetermination(ctx, by.Username, c.CaseID, det.Version, casework.Investigate{
				Act: casework.Act{On: day}, Investigators: names,
				Record: "重大疑难案件会商结论 / case conference conclusion: " + strings.TrimSpace(conclusion)})
			if err == nil {
				applied = "investigation"
			} else if apperr.CodeOf(err) == apperr.Internal {
				return c, err
			}
		}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.Exec(ctx, `UPDATE case_conferences SET state = 'concluded', decision = ?, conclusion = ?, applied = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, decision, strings.TrimSpace(conclusion), applied, s.stamp(), id, version)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return stale()
		}
		return s.audit(ctx, tx, by, "conference.conclude", "case_conference", id, map[string]any{"state": c.State},
			map[string]any{"decision": decision, "conclusion": conclusion, "applied": applied})
	})
	if err != nil {
		return c, err
	}
	return s.Conference(ctx, id)
}

// CaseAudit is the audit hook conference conclusions give casework, so its transition is
// audited like any other.
func CaseAudit(by audit.Actor) caseservice.AuditHook {
	return func(ctx context.Context, tx *store.Tx, entity, id string, before, after any) error {
		_, err := audit.Append(ctx, tx, audit.Record{Action: entity + ".update", Entity: entity, EntityID: id, Before: before, After: after}.By(by))
		return err
	}
}

const confCols = `id, entity, case_id, case_no, worker_id, region, mark, question, materials, state, convened_by, convened_on,
	held_on, minutes, conclusion, decision, applied, version`

func scanConference(sc interface{ Scan(...any) error }) (Conference, error) {
	var c Conference
	var held sql.NullString
	err := sc.Scan(&c.ID, &c.Entity, &c.CaseID, &c.CaseNo, &c.WorkerID, &c.Region, &c.Mark, &c.Question, &c.Materials, &c.State,
		&c.ConvenedBy, &c.ConvenedOn, &held, &c.Minutes, &c.Conclusion, &c.Decision, &c.Applied, &c.Version)
	c.HeldOn = held.String
	return c, err
}

func loadConference(ctx context.Context, q store.Querier, id int64) (Conference, error) {
	c, err := scanConference(q.QueryRow(ctx, `SELECT `+confCols+` FROM case_conferences WHERE id = ?`, id))
	if err != nil {
		return c, notFound(err)
	}
	rows, err := q.Query(ctx, `SELECT name, position, opinion, vote FROM conference_members WHERE conference_id = ? ORDER BY seq`, id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var m supervise.Member
		if err := rows.Scan(&m.Name, &m.Position, &m.Opinion, &m.Vote); err != nil {
			return c, err
		}
		c.Members = append(c.Members, m)
	}
	return c, rows.Err()
}

// Conference loads a conference with its members. Errors: not_found.
func (s *Service) Conference(ctx context.Context, id int64) (Conference, error) {
	return loadConference(ctx, s.DB, id)
}

// ConfFilter selects conferences; zero fields match everything.
type ConfFilter struct {
	Region string
	Worker string
	Entity string
	CaseID int64
	State  string
}

// Conferences lists conferences newest first (without members).
func (s *Service) Conferences(ctx context.Context, f ConfFilter) ([]Conference, error) {
	scope, args := store.CodePrefix("region", prefix(f.Region))
	where := []string{scope}
	if f.Worker != "" {
		where, args = append(where, "worker_id = ?"), append(args, f.Worker)
	}
	if f.Entity != "" {
		where, args = append(where, "entity = ? AND case_id = ?"), append(args, f.Entity, f.CaseID)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+confCols+` FROM case_conferences WHERE `+strings.Join(where, " AND ")+
		` ORDER BY convened_on DESC, id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Conference
	for rows.Next() {
		c, err := scanConference(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
