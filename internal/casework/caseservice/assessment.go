package caseservice

import (
	"context"
	"encoding/json"
	"fmt"

	"wiis/internal/casework"
	"wiis/internal/store"
)

var asmtKind = kind[casework.Assessment]{
	t:       asmtTable,
	load:    loadAssessment,
	save:    saveAssessment,
	version: func(c casework.Assessment) int { return c.Version },
	limits:  func(c casework.Assessment) (string, casework.Date) { return c.Region, c.AppliedOn },
}

// OpenAssessment registers an application for a disability assessment. For an initial
// assessment a.DeterminationID must name a determination that found a work injury (the service
// reads it, the caller's WorkInjury flag is ignored); a re-assessment or review names its
// parent assessment. Errors: invalid, not_found.
func (s *Service) OpenAssessment(ctx context.Context, actor string, a casework.AssessmentApplication) (casework.Assessment, error) {
	if a.AppliedOn.IsZero() {
		return casework.Assessment{}, &casework.Error{Code: casework.CodeInvalid, Field: "applied_on", Reason: "the date of application is required"}
	}
	return open(ctx, s, asmtKind, a.Region, a.AppliedOn,
		func(tx *store.Tx, lim casework.Limits, no string) (casework.Assessment, error) {
			var parent *casework.Assessment
			if a.ParentID != 0 {
				p, err := loadAssessment(ctx, tx, a.ParentID)
				if err != nil {
					return casework.Assessment{}, err
				}
				parent = &p
				a.DeterminationID, a.WorkInjury = p.DeterminationID, p.WorkInjury
			} else if a.DeterminationID != 0 {
				d, err := loadDetermination(ctx, tx, a.DeterminationID)
				if err != nil {
					return casework.Assessment{}, err
				}
				a.WorkInjury = d.State == casework.DetClosed &&
					(d.Outcome == casework.OutcomeWorkInjury || d.Outcome == casework.OutcomeDeemed)
			} else {
				a.WorkInjury = false
			}
			c, err := casework.OpenAssessment(a, parent, actor, lim)
			c.CaseNo = no
			return c, err
		},
		func(tx *store.Tx, c casework.Assessment, at string) (int64, error) {
			cols, vals, err := asmtProjection(c)
			if err != nil {
				return 0, err
			}
			id, err := asmtTable.insert(ctx, tx, append(cols, "case_no", "kind", "parent_id", "determination_id"),
				append(vals, c.CaseNo, string(c.Kind), nullID(c.ParentID), nullID(c.DeterminationID)), at)
			if err != nil {
				return 0, err
			}
			if err := asmtTable.saveSteps(ctx, tx, id, c.Steps); err != nil {
				return 0, err
			}
			return id, asmtTable.appendEvents(ctx, tx, id, c.Events, 0, at)
		})
}

// Assessment loads an assessment case with its steps and history. Errors: not_found.
func (s *Service) Assessment(ctx context.Context, id int64) (casework.Assessment, error) {
	return loadAssessment(ctx, s.DB, id)
}

// ActOnAssessment applies one transition to assessment id read at version. Panels are drawn
// with DrawPanel, not with a RecordDraw passed in here, so that the seed is the service's.
// Errors: not_found, conflict, invalid.
func (s *Service) ActOnAssessment(ctx context.Context, actor string, id int64, version int, x casework.AsmtAction) (casework.Assessment, error) {
	if _, ok := x.(casework.RecordDraw); ok {
		return casework.Assessment{}, &casework.Error{Code: casework.CodeInvalid, Field: "action", Reason: "panels are drawn by DrawPanel"}
	}
	return act(ctx, s, asmtKind, id, version, func(_ *store.Tx, c casework.Assessment, lim casework.Limits) (casework.Assessment, error) {
		return c.Apply(x, actor, lim)
	})
}

// DrawPanel draws the case's panel from its committee's pool with a fresh seed, records the
// draw (seed, candidates, exclusions, panel) in expert_draws and moves the case to examining,
// in one transaction. Errors: not_found, conflict, invalid (e.g. too few eligible experts).
func (s *Service) DrawPanel(ctx context.Context, actor string, id int64, version int, on casework.Date) (casework.Assessment, error) {
	seed := casework.NewSeed()
	if s.Seed != nil {
		seed = s.Seed()
	}
	return act(ctx, s, asmtKind, id, version, func(tx *store.Tx, c casework.Assessment, lim casework.Limits) (casework.Assessment, error) {
		pool, err := loadPool(ctx, tx, c.Region)
		if err != nil {
			return c, err
		}
		d, err := casework.DrawPanel(pool, casework.DrawRequest{Size: c.PanelSize, Specialties: c.Specialties,
			EmployerUSCC: c.EmployerUSCC, WorkerID: c.WorkerID, Hospital: c.Hospital}, seed)
		if err != nil {
			return c, err
		}
		next, err := c.Apply(casework.RecordDraw{Act: casework.Act{On: on}, Draw: d}, actor, lim)
		if err != nil {
			return c, err
		}
		return next, insertDraw(ctx, tx, c.ID, actor, s.now(), d)
	})
}

func asmtProjection(c casework.Assessment) ([]string, []any, error) {
	body := c
	body.Steps, body.Events = nil, nil
	data, err := marshal(body)
	if err != nil {
		return nil, nil, err
	}
	step, due := dueOf(c.Steps)
	var grade, level any
	if c.Conclusion != nil {
		grade, level = c.Conclusion.Grade, string(c.Conclusion.Level)
	}
	return []string{"region", "team", "handler", "state", "step", "due_on", "worker_id", "employer_uscc",
			"applied_on", "grade", "self_care", "data"},
		[]any{c.Region, c.Team, c.Handler, string(c.State), step, due, c.WorkerID, c.EmployerUSCC,
			c.AppliedOn.String(), grade, level, data}, nil
}

func saveAssessment(ctx context.Context, tx *store.Tx, before, after casework.Assessment, at string) error {
	cols, vals, err := asmtProjection(after)
	if err != nil {
		return err
	}
	if err := asmtTable.update(ctx, tx, after.ID, before.Version, cols, vals, at); err != nil {
		return err
	}
	if err := asmtTable.saveSteps(ctx, tx, after.ID, after.Steps); err != nil {
		return err
	}
	return asmtTable.appendEvents(ctx, tx, after.ID, after.Events, len(before.Events), at)
}

func loadAssessment(ctx context.Context, q store.Querier, id int64) (casework.Assessment, error) {
	var c casework.Assessment
	v, err := asmtTable.loadRow(ctx, q, id, &c)
	if err != nil {
		return c, err
	}
	c.ID, c.Version = id, v
	if c.Steps, err = asmtTable.loadSteps(ctx, q, id); err != nil {
		return c, err
	}
	c.Events, err = asmtTable.loadEvents(ctx, q, id)
	return c, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AddExpert adds an expert with its conflicts to a committee's pool. Errors: invalid.
func (s *Service) AddExpert(ctx context.Context, actor string, e casework.Expert) (casework.Expert, error) {
	if e.Region == "" || e.Name == "" || len(e.Specialties) == 0 {
		return e, &casework.Error{Code: casework.CodeInvalid, Field: "expert", Reason: "an expert needs a committee region, a name and a specialty"}
	}
	specs, err := json.Marshal(e.Specialties)
	if err != nil {
		return e, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO experts (region, name, specialties, active) VALUES (?, ?, ?, ?) RETURNING id`,
			e.Region, e.Name, string(specs), boolInt(e.Active)).Scan(&e.ID); err != nil {
			return fmt.Errorf("caseservice: add expert: %w", err)
		}
		for _, c := range e.Conflicts {
			if _, err := tx.Exec(ctx, `INSERT INTO expert_conflicts (expert_id, kind, ref) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`, e.ID, c.Kind, c.Ref); err != nil {
				return fmt.Errorf("caseservice: add conflict: %w", err)
			}
		}
		return s.audit(ctx, tx, EntityExpert, e.ID, nil, e)
	})
	return e, err
}

// Experts returns a committee's pool with each expert's conflicts, in ID order.
func (s *Service) Experts(ctx context.Context, region string) ([]casework.Expert, error) {
	return loadPool(ctx, s.DB, region)
}

func loadPool(ctx context.Context, q store.Querier, region string) ([]casework.Expert, error) {
	rows, err := q.Query(ctx, `SELECT id, region, name, specialties, active FROM experts WHERE region = ? ORDER BY id`, region)
	if err != nil {
		return nil, err
	}
	var pool []casework.Expert
	idx := map[int64]int{}
	for rows.Next() {
		var e casework.Expert
		var specs string
		var active int
		if err := rows.Scan(&e.ID, &e.Region, &e.Name, &specs, &active); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(specs), &e.Specialties); err != nil {
			rows.Close()
			return nil, err
		}
		e.Active = active == 1
		idx[e.ID] = len(pool)
		pool = append(pool, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	crows, err := q.Query(ctx, `SELECT c.expert_id, c.kind, c.ref FROM expert_conflicts c
		JOIN experts e ON e.id = c.expert_id WHERE e.region = ? ORDER BY c.expert_id, c.kind, c.ref`, region)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var c casework.Conflict
		if err := crows.Scan(&id, &c.Kind, &c.Ref); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			pool[i].Conflicts = append(pool[i].Conflicts, c)
		}
	}
	return pool, crows.Err()
}

// StoredDraw is a recorded draw with who made it and when.
type StoredDraw struct {
	ID           int64  `json:"id"`
	AssessmentID int64  `json:"assessment_id"`
	DrawnAt      string `json:"drawn_at"`
	Actor        string `json:"actor"`
	casework.Draw
}

// Draws lists the draws recorded for an assessment, oldest first; an auditor replays each
// with its Replay method and compares the panel.
func (s *Service) Draws(ctx context.Context, assessmentID int64) ([]StoredDraw, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, assessment_id, drawn_at, actor, seed, size, specialties, candidates, excluded, panel
		FROM expert_draws WHERE assessment_id = ? ORDER BY id`, assessmentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredDraw
	for rows.Next() {
		var d StoredDraw
		var seed, specs, cands, excl, panel string
		if err := rows.Scan(&d.ID, &d.AssessmentID, &d.DrawnAt, &d.Actor, &seed, &d.Size, &specs, &cands, &excl, &panel); err != nil {
			return nil, err
		}
		if d.Seed, err = casework.ParseSeed(seed); err != nil {
			return nil, err
		}
		for _, p := range []struct {
			s   string
			dst any
		}{{specs, &d.Specialties}, {cands, &d.Candidates}, {excl, &d.Excluded}, {panel, &d.Panel}} {
			if err := json.Unmarshal([]byte(p.s), p.dst); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func insertDraw(ctx context.Context, tx *store.Tx, assessmentID int64, actor, at string, d casework.Draw) error {
	var js [4]string
	for i, v := range []any{d.Specialties, d.Candidates, d.Excluded, d.Panel} {
		s, err := marshal(v)
		if err != nil {
			return err
		}
		js[i] = s
	}
	_, err := tx.Exec(ctx, `INSERT INTO expert_draws (assessment_id, drawn_at, actor, seed, size, specialties, candidates, excluded, panel)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, assessmentID, at, actor, d.Seed.String(), d.Size, js[0], js[1], js[2], js[3])
	if err != nil {
		return fmt.Errorf("caseservice: record draw: %w", err)
	}
	return nil
}
