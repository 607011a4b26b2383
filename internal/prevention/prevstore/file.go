package prevstore

import (
	"context"
	"fmt"
	"slices"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/enroll"
	"wiis/internal/store"
)

// FileKinds are the dated entries of an employer prevention file: its prevention plan,
// visits and inspections, the guidance given, and tailored courses (Zhenjiang's
// self-prevention enterprises).
var FileKinds = []string{"plan", "visit", "inspection", "guidance", "course"}

// FileEntry is one dated entry of an employer's prevention file.
type FileEntry struct {
	ID        int64  `json:"id"`
	USCC      string `json:"uscc"`
	Kind      string `json:"kind"`
	On        string `json:"on"`
	Summary   string `json:"summary"`
	CreatedBy string `json:"created_by"`
}

// AddFileEntry adds an entry to an employer's prevention file. Errors: invalid.
func AddFileEntry(ctx context.Context, db *store.DB, by audit.Actor, e FileEntry) (int64, error) {
	if !slices.Contains(FileKinds, e.Kind) {
		return 0, apperr.Invalidf("kind", "未知档案类别 %q / unknown entry kind", e.Kind)
	}
	if e.Summary == "" {
		return 0, apperr.Invalidf("summary", "内容必填 / summary is required")
	}
	if _, err := parseDay("on", e.On); err != nil {
		return 0, err
	}
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := mustEmployer(ctx, tx, "uscc", e.USCC); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO employer_file_entries (uscc, kind, on_date, summary, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			e.USCC, e.Kind, e.On, e.Summary, by.Username, stamp()).Scan(&id); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "prevention.file." + e.Kind, Entity: "employer", EntityID: e.USCC, After: e}.By(by))
		return err
	})
	return id, err
}

// Training is one project that reached the employer: as a target, through its workers, or both.
type Training struct {
	ProjectID    int64  `json:"project_id"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	StartOn      string `json:"start_on"`
	EndOn        string `json:"end_on"`
	Targeted     bool   `json:"targeted"`
	Participants int    `json:"participants"` // workers of this employer who took part
}

// Accident is one claim of the employer. OD says whether it is an occupational-disease case,
// without the disease: the file carries no health data.
type Accident struct {
	ClaimNo  string `json:"claim_no"`
	InjuryAt string `json:"injury_at"`
	OD       bool   `json:"od"`
}

// EmployerFile is the one-page prevention file of an employer (一企一策、一企一档).
type EmployerFile struct {
	Employer  enroll.Employer `json:"employer"`
	Hazards   []Hazard        `json:"hazards"`
	Entries   []FileEntry     `json:"entries"` // plan, visits, inspections, guidance, courses: newest first
	Training  []Training      `json:"training"`
	Accidents []Accident      `json:"accidents"`
	// OpenSuspects counts suspected occupational-disease cases still being followed up: a
	// number, not the cases, so the file shows no health data to any role.
	OpenSuspects int `json:"open_suspects"`
}

// GetEmployerFile assembles an employer's prevention file. Errors: not_found.
func GetEmployerFile(ctx context.Context, q store.Querier, uscc string) (EmployerFile, error) {
	var f EmployerFile
	var err error
	if f.Employer, err = enroll.GetEmployer(ctx, q, uscc); err != nil {
		return f, err
	}
	each := func(query string, scan func(sc func(...any) error) error, args ...any) error {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("prevstore: employer file: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err = each(`SELECT id, uscc, factor, detail, workers, declared_on FROM employer_hazards WHERE uscc = ? ORDER BY declared_on DESC, id DESC`,
		func(sc func(...any) error) error {
			var h Hazard
			err := sc(&h.ID, &h.USCC, &h.Factor, &h.Detail, &h.Workers, &h.DeclaredOn)
			f.Hazards = append(f.Hazards, h)
			return err
		}, uscc)
	if err != nil {
		return f, err
	}
	err = each(`SELECT id, uscc, kind, on_date, summary, created_by FROM employer_file_entries WHERE uscc = ? ORDER BY on_date DESC, id DESC`,
		func(sc func(...any) error) error {
			var e FileEntry
			err := sc(&e.ID, &e.USCC, &e.Kind, &e.On, &e.Summary, &e.CreatedBy)
			f.Entries = append(f.Entries, e)
			return err
		}, uscc)
	if err != nil {
		return f, err
	}
	err = each(`SELECT p.id, p.name, p.type, p.start_on, p.end_on,
			(SELECT COUNT(*) FROM prevention_project_targets t WHERE t.project_id = p.id AND t.uscc = ?),
			(SELECT COUNT(*) FROM prevention_participants x WHERE x.project_id = p.id AND x.uscc = ?)
		FROM prevention_projects p
		WHERE p.id IN (SELECT project_id FROM prevention_project_targets WHERE uscc = ?
			UNION SELECT project_id FROM prevention_participants WHERE uscc = ?)
		ORDER BY p.start_on DESC, p.id DESC`,
		func(sc func(...any) error) error {
			var t Training
			var targeted int
			err := sc(&t.ProjectID, &t.Name, &t.Type, &t.StartOn, &t.EndOn, &targeted, &t.Participants)
			t.Targeted = targeted > 0
			f.Training = append(f.Training, t)
			return err
		}, uscc, uscc, uscc, uscc)
	if err != nil {
		return f, err
	}
	err = each(`SELECT c.claim_no, c.injury_at, CASE WHEN o.claim_no IS NULL THEN 0 ELSE 1 END FROM claims c LEFT JOIN od_claims o ON o.claim_no = c.claim_no
		WHERE c.uscc = ? ORDER BY c.injury_at DESC`,
		func(sc func(...any) error) error {
			var a Accident
			var od int
			err := sc(&a.ClaimNo, &a.InjuryAt, &od)
			a.OD = od == 1
			f.Accidents = append(f.Accidents, a)
			return err
		}, uscc)
	if err != nil {
		return f, err
	}
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM suspected_od WHERE uscc = ? AND state IN ('flagged', 'diagnosing')`, uscc).Scan(&f.OpenSuspects)
	return f, err
}
