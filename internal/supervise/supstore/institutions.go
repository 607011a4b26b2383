package supstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/supervise"
)

// InstAssessment is a stored yearly assessment of an agreement institution.
type InstAssessment struct {
	ID         int64                    `json:"id"`
	Code       string                   `json:"institution_code"`
	Name       string                   `json:"institution_name"`
	Region     string                   `json:"region"`
	Year       int                      `json:"year"`
	Indicators supervise.InstIndicators `json:"indicators"`
	Score      supervise.Score          `json:"score"`
	State      string                   `json:"state"` // proposed | approved | rejected
	ProposedBy string                   `json:"proposed_by"`
	ProposedAt string                   `json:"proposed_at"`
	DecidedBy  string                   `json:"decided_by,omitempty"`
	DecidedAt  string                   `json:"decided_at,omitempty"`
	Note       string                   `json:"note,omitempty"`
	Version    int                      `json:"version"`
}

// InstRules reads the assessment rules in force in region on day on. Errors: internal when
// the policy is missing (a migration seeds the national default).
func InstRules(ctx context.Context, q store.Querier, region, on string) (supervise.InstRules, error) {
	var r supervise.InstRules
	ok, err := policy.Decode(ctx, q, region, "supervise.institution_rules", on, &r)
	if err == nil && !ok {
		err = errors.New("supstore: no supervise.institution_rules in force")
	}
	return r, err
}

// Indicators computes an institution's inputs for a year from the bills it sent (by the day
// submitted), their audited lines, the cases they belong to, and the complaints register; the
// peer cost is over every institution of the same city.
func (s *Service) Indicators(ctx context.Context, code string, year int, settleDays int) (supervise.InstIndicators, string, error) {
	var in supervise.InstIndicators
	in.SettleDays = settleDays
	var region string
	if err := s.DB.QueryRow(ctx, `SELECT region FROM medical_institutions WHERE code = ?`, code).Scan(&region); err != nil {
		return in, "", notFound(err)
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(billed), 0), COALESCE(SUM(accepted), 0), COUNT(DISTINCT determination_id)
		FROM medical_bills WHERE institution_code = ? AND submitted_at >= ? AND submitted_at < ?`, code, from, to).
		Scan(&in.Bills, &in.Billed, &in.Accepted, &in.Cases)
	if err != nil {
		return in, region, err
	}
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(l.amount), 0) FROM medical_bill_lines l JOIN medical_bills b ON b.id = l.bill_id
		WHERE b.institution_code = ? AND b.submitted_at >= ? AND b.submitted_at < ? AND l.decision = 'refuse'`, code, from, to).
		Scan(&in.Refused); err != nil {
		return in, region, err
	}
	var peerAccepted, peerCases int64
	peers, args := store.CodePrefix("i.region", prefix(region[:4]+"00"))
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(acc), 0), COALESCE(SUM(cases), 0) FROM (
		SELECT SUM(b.accepted) AS acc, COUNT(DISTINCT b.determination_id) AS cases FROM medical_bills b
		JOIN medical_institutions i ON i.code = b.institution_code
		WHERE `+peers+` AND b.submitted_at >= ? AND b.submitted_at < ? GROUP BY b.institution_code) x`,
		append(args, from, to)...).Scan(&peerAccepted, &peerCases); err != nil {
		return in, region, err
	}
	if peerCases > 0 {
		in.PeerCost = peerAccepted / peerCases
	}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM institution_complaints WHERE institution_code = ? AND substantiated = 1
		AND received_on >= ? AND received_on < ?`, code, from, to).Scan(&in.Complaints); err != nil {
		return in, region, err
	}
	rows, err := s.DB.Query(ctx, `SELECT submitted_at, settled_on FROM medical_bills WHERE institution_code = ? AND state = 'settled'
		AND settled_on IS NOT NULL AND submitted_at >= ? AND submitted_at < ?`, code, from, to)
	if err != nil {
		return in, region, err
	}
	defer rows.Close()
	for rows.Next() {
		var sub, settled string
		if err := rows.Scan(&sub, &settled); err != nil {
			return in, region, err
		}
		in.Settled++
		if len(sub) >= 10 && settled <= supervise.AddDays(sub[:10], settleDays) {
			in.OnTime++
		}
	}
	if err := rows.Err(); err != nil {
		return in, region, err
	}
	in.Derive()
	return in, region, nil
}

// ProposeAssessment computes and records an institution's assessment for a year, replacing an
// earlier proposal not yet decided. Errors: not_found, conflict (already decided).
func (s *Service) ProposeAssessment(ctx context.Context, by audit.Actor, code string, year int) (InstAssessment, error) {
	if year < 2000 || year > 2100 {
		return InstAssessment{}, apperr.Invalidf("year", "sup.err.year")
	}
	var region string
	if err := s.DB.QueryRow(ctx, `SELECT region FROM medical_institutions WHERE code = ?`, code).Scan(&region); err != nil {
		return InstAssessment{}, notFound(err)
	}
	rules, err := InstRules(ctx, s.DB, region, fmt.Sprintf("%04d-12-31", year))
	if err != nil {
		return InstAssessment{}, err
	}
	in, _, err := s.Indicators(ctx, code, year, rules.SettleDays)
	if err != nil {
		return InstAssessment{}, err
	}
	sc, err := supervise.Assess(in, rules)
	if err != nil {
		return InstAssessment{}, err
	}
	data, _ := json.Marshal(struct {
		supervise.InstIndicators
		Score supervise.Score `json:"score"`
	}{in, sc})
	var id int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		var state string
		err := tx.QueryRow(ctx, `SELECT id, state FROM institution_assessments WHERE institution_code = ? AND year = ?`, code, year).Scan(&id, &state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRow(ctx, `INSERT INTO institution_assessments (institution_code, year, indicators, score, grade, effect, state, proposed_by, proposed_at)
				VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?) RETURNING id`, code, year, string(data), sc.Total, sc.Grade, sc.Effect, by.Username, s.stamp()).Scan(&id)
		case err != nil:
		case state != "proposed":
			return apperr.Conflictf("year", "sup.err.decided")
		default:
			_, err = tx.Exec(ctx, `UPDATE institution_assessments SET indicators = ?, score = ?, grade = ?, effect = ?, proposed_by = ?, proposed_at = ?,
				version = version + 1 WHERE id = ?`, string(data), sc.Total, sc.Grade, sc.Effect, by.Username, s.stamp(), id)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "institution_assessment.propose", "institution_assessment", id, nil, map[string]any{"code": code, "year": year, "score": sc})
	})
	if err != nil {
		return InstAssessment{}, err
	}
	return s.Assessment(ctx, id)
}

// DecideAssessment approves or rejects a proposed assessment read at version. Four-eyes: the
// proposer may not decide. Approval applies the effect to the institution's current agreement
// in the same transaction: renew extends a dated agreement by one year, terminate ends it on
// the decision day, warn leaves it as it is (the warning is the record). Errors: not_found,
// conflict (stale or decided), forbidden (the proposer).
func (s *Service) DecideAssessment(ctx context.Context, by audit.Actor, id int64, version int, approve bool, note string) (InstAssessment, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		a, err := loadAssessment(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Version != version {
			return stale()
		}
		if a.State != "proposed" {
			return apperr.Conflictf("state", "sup.err.decided")
		}
		if a.ProposedBy == by.Username {
			return apperr.Forbiddenf("sup.err.four_eyes")
		}
		state := "rejected"
		if approve {
			state = "approved"
			if err := applyEffect(ctx, tx, a.Code, a.Score.Effect, s.Today()); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE institution_assessments SET state = ?, decided_by = ?, decided_at = ?, note = ?, version = version + 1
			WHERE id = ? AND version = ?`, state, by.Username, s.stamp(), strings.TrimSpace(note), id, version); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "institution_assessment."+state, "institution_assessment", id,
			map[string]any{"state": a.State}, map[string]any{"state": state, "effect": a.Score.Effect, "note": note})
	})
	if err != nil {
		return InstAssessment{}, err
	}
	return s.Assessment(ctx, id)
}

// applyEffect changes the institution's latest active agreement for an approved effect.
func applyEffect(ctx context.Context, tx *store.Tx, code, effect, today string) error {
	var agID int64
	var to sql.NullString
	err := tx.QueryRow(ctx, `SELECT id, to_date FROM medical_agreements WHERE institution_code = ? AND status = 'active'
		ORDER BY from_date DESC, id DESC LIMIT 1`, code).Scan(&agID, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // nothing to renew or end
	}
	if err != nil {
		return err
	}
	switch effect {
	case supervise.EffectRenew:
		if to.Valid {
			t, err := time.Parse(supervise.DateLayout, to.String)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE medical_agreements SET to_date = ? WHERE id = ?`, t.AddDate(1, 0, 0).Format(supervise.DateLayout), agID)
			return err
		}
	case supervise.EffectTerminate:
		end := today
		if to.Valid && to.String < end {
			end = to.String
		}
		_, err = tx.Exec(ctx, `UPDATE medical_agreements SET status = 'terminated', to_date = ? WHERE id = ?`, end, agID)
		return err
	}
	return nil
}

const asmtCols = `a.id, a.institution_code, COALESCE(i.name, ''), COALESCE(i.region, ''), a.year, a.indicators, a.state,
	a.proposed_by, a.proposed_at, a.decided_by, a.decided_at, a.note, a.version`

func scanAssessment(sc interface{ Scan(...any) error }) (InstAssessment, error) {
	var a InstAssessment
	var data string
	var decided sql.NullString
	if err := sc.Scan(&a.ID, &a.Code, &a.Name, &a.Region, &a.Year, &data, &a.State, &a.ProposedBy, &a.ProposedAt,
		&a.DecidedBy, &decided, &a.Note, &a.Version); err != nil {
		return a, err
	}
	a.DecidedAt = decided.String
	var d struct {
		supervise.InstIndicators
		Score supervise.Score `json:"score"`
	}
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return a, err
	}
	a.Indicators, a.Score = d.InstIndicators, d.Score
	return a, nil
}

func loadAssessment(ctx context.Context, q store.Querier, id int64) (InstAssessment, error) {
	a, err := scanAssessment(q.QueryRow(ctx, `SELECT `+asmtCols+` FROM institution_assessments a
		LEFT JOIN medical_institutions i ON i.code = a.institution_code WHERE a.id = ?`, id))
	return a, notFound(err)
}

// Assessment loads one assessment. Errors: not_found.
func (s *Service) Assessment(ctx context.Context, id int64) (InstAssessment, error) {
	return loadAssessment(ctx, s.DB, id)
}

// Assessments lists a year's assessments of the institutions under region, best first.
func (s *Service) Assessments(ctx context.Context, region string, year int) ([]InstAssessment, error) {
	scope, args := store.CodePrefix("i.region", prefix(region))
	rows, err := s.DB.Query(ctx, `SELECT `+asmtCols+` FROM institution_assessments a
		JOIN medical_institutions i ON i.code = a.institution_code WHERE `+scope+` AND a.year = ?
		ORDER BY a.score DESC, a.institution_code`, append(args, year)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InstAssessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Institution is an agreement institution as the assessment page lists it.
type Institution struct {
	Code, Name, Region string
	Agreement          string // status of the latest agreement
	AgreementTo        string
}

// Institutions lists the institutions under region with their latest agreement.
func (s *Service) Institutions(ctx context.Context, region string) ([]Institution, error) {
	scope, args := store.CodePrefix("i.region", prefix(region))
	rows, err := s.DB.Query(ctx, `SELECT i.code, i.name, i.region,
		COALESCE((SELECT status FROM medical_agreements a WHERE a.institution_code = i.code ORDER BY from_date DESC, id DESC LIMIT 1), ''),
		COALESCE((SELECT to_date FROM medical_agreements a WHERE a.institution_code = i.code ORDER BY from_date DESC, id DESC LIMIT 1), '')
		FROM medical_institutions i WHERE `+scope+` ORDER BY i.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Institution
	for rows.Next() {
		var in Institution
		if err := rows.Scan(&in.Code, &in.Name, &in.Region, &in.Agreement, &in.AgreementTo); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// AddComplaint records a complaint against an institution. Errors: invalid, not_found.
func (s *Service) AddComplaint(ctx context.Context, by audit.Actor, code, on, summary string, substantiated bool) (int64, error) {
	if _, err := supervise.ParseDate("on", on); err != nil {
		return 0, err
	}
	if strings.TrimSpace(summary) == "" {
		return 0, apperr.Invalidf("summary", "sup.err.required")
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM medical_institutions WHERE code = ?`, code).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.NotFoundf("sup.err.not_found")
		}
		sub := 0
		if substantiated {
			sub = 1
		}
		if err := tx.QueryRow(ctx, `INSERT INTO institution_complaints (institution_code, received_on, summary, substantiated, recorded_by)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, code, on, strings.TrimSpace(summary), sub, by.Username).Scan(&id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "institution_complaint.create", "institution_complaint", id, nil,
			map[string]any{"code": code, "on": on, "summary": summary, "substantiated": substantiated})
	})
	return id, err
}
