package prevstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

// Viewer is who calls a function that touches health data: the actor for the audit log and
// the roles the health-data rule (prevention.CanSeeHealthData) is checked against.
type Viewer struct {
	Actor audit.Actor
	Roles []auth.Role
}

// Hazard is a hazard an employer declared.
type Hazard struct {
	ID         int64  `json:"id"`
	USCC       string `json:"uscc"`
	Factor     string `json:"factor"`
	Detail     string `json:"detail"`
	Workers    int    `json:"workers"`
	DeclaredOn string `json:"declared_on"`
}

// DeclareHazard records a hazard an employer declares (职业病危害项目申报). It is not health
// data: it describes the workplace, not a person. Errors: invalid.
func DeclareHazard(ctx context.Context, db *store.DB, by audit.Actor, h Hazard) (int64, error) {
	if !prevention.ValidCode(prevention.HazardFactors, h.Factor) {
		return 0, apperr.Invalidf("factor", "未知危害因素 %q / unknown hazard factor", h.Factor)
	}
	if h.Workers < 0 {
		return 0, apperr.Invalidf("workers", "接触人数不能为负 / workers cannot be negative")
	}
	if _, err := parseDay("declared_on", h.DeclaredOn); err != nil {
		return 0, err
	}
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := mustEmployer(ctx, tx, "uscc", h.USCC); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO employer_hazards (uscc, factor, detail, workers, declared_on, created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			h.USCC, h.Factor, h.Detail, h.Workers, h.DeclaredOn, by.Username).Scan(&id); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "prevention.hazard.declare", Entity: "employer", EntityID: h.USCC, After: h}.By(by))
		return err
	})
	return id, err
}

// Exam is an occupational health examination of a worker (职业健康检查).
type Exam struct {
	ID          int64    `json:"id"`
	IDNumber    string   `json:"id_number"`
	USCC        string   `json:"uscc"`
	Kind        string   `json:"kind"`
	ExamOn      string   `json:"exam_on"`
	Institution string   `json:"institution"`
	Hazards     []string `json:"hazards"`
	Result      string   `json:"result"`
	Findings    string   `json:"findings"`
	// Disease is the suspected occupational disease, required when Result is "suspected".
	Disease string `json:"disease,omitempty"`
}

// RecordExam stores an examination. A "suspected" result opens a suspected occupational
// disease case flagged to the employer on the examination day (《职业病防治法》 Art. 55: the
// institution reports a suspected case and the employer arranges diagnosis). The audit record
// holds the ids and the result class, never the findings. Errors: forbidden (role), invalid.
func RecordExam(ctx context.Context, db *store.DB, v Viewer, e Exam) (int64, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return 0, err
	}
	switch {
	case e.IDNumber == "":
		return 0, apperr.Invalidf("id_number", "身份证号必填 / ID number required")
	case !prevention.ValidCode(prevention.ExamKinds, e.Kind):
		return 0, apperr.Invalidf("kind", "检查类别应为上岗前、在岗期间或离岗时 / unknown examination kind")
	case !prevention.ValidCode(prevention.ExamResults, e.Result):
		return 0, apperr.Invalidf("result", "未知检查结论 / unknown result")
	case e.Institution == "":
		return 0, apperr.Invalidf("institution", "检查机构必填 / institution required")
	case e.Result == "suspected" && e.Disease == "":
		return 0, apperr.Invalidf("disease", "疑似职业病须注明病名 / name the suspected disease")
	}
	for i, h := range e.Hazards {
		if !prevention.ValidCode(prevention.HazardFactors, h) {
			return 0, apperr.Invalidf(fmt.Sprintf("hazards[%d]", i), "未知危害因素 %q / unknown hazard factor", h)
		}
	}
	if _, err := parseDay("exam_on", e.ExamOn); err != nil {
		return 0, err
	}
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := mustEmployer(ctx, tx, "uscc", e.USCC); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO health_exams (id_number, uscc, kind, exam_on, institution, hazards, result, findings, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.IDNumber, e.USCC, e.Kind, e.ExamOn, e.Institution,
			strings.Join(e.Hazards, ","), e.Result, e.Findings, v.Actor.Username, stamp()).Scan(&id); err != nil {
			return err
		}
		after := map[string]any{"exam_id": id, "kind": e.Kind, "result": e.Result, "uscc": e.USCC}
		if e.Result == "suspected" {
			var sid int64
			if err := tx.QueryRow(ctx, `INSERT INTO suspected_od (exam_id, id_number, uscc, disease, state, flagged_on, updated_at)
				VALUES (?, ?, ?, ?, 'flagged', ?, ?) RETURNING id`, id, e.IDNumber, e.USCC, e.Disease, e.ExamOn, stamp()).Scan(&sid); err != nil {
				return err
			}
			after["suspect_id"] = sid
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "health.exam.record", Entity: "person", EntityID: e.IDNumber, After: after}.By(v.Actor))
		return err
	})
	return id, err
}

// Exams returns a worker's examinations, oldest first. Errors: forbidden.
func Exams(ctx context.Context, q store.Querier, v Viewer, idNumber string) ([]Exam, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT e.id, e.id_number, e.uscc, e.kind, e.exam_on, e.institution, e.hazards, e.result, e.findings, COALESCE(s.disease, '')
		FROM health_exams e LEFT JOIN suspected_od s ON s.exam_id = e.id WHERE e.id_number = ? ORDER BY e.exam_on, e.id`, idNumber)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exam
	for rows.Next() {
		var e Exam
		var hz string
		if err := rows.Scan(&e.ID, &e.IDNumber, &e.USCC, &e.Kind, &e.ExamOn, &e.Institution, &hz, &e.Result, &e.Findings, &e.Disease); err != nil {
			return nil, err
		}
		if hz != "" {
			e.Hazards = strings.Split(hz, ",")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Suspect is a suspected occupational-disease case and its follow-up.
type Suspect struct {
	ID        int64  `json:"id"`
	ExamID    int64  `json:"exam_id"`
	IDNumber  string `json:"id_number"`
	USCC      string `json:"uscc"`
	Disease   string `json:"disease"`
	State     string `json:"state"`
	FlaggedOn string `json:"flagged_on"`
	Measure   string `json:"measure"`
	ClaimNo   string `json:"claim_no,omitempty"`
	Version   int64  `json:"version"`
}

const suspectCols = `id, exam_id, id_number, uscc, disease, state, flagged_on, measure, COALESCE(claim_no, ''), version`

func scanSuspect(s interface{ Scan(...any) error }) (Suspect, error) {
	var x Suspect
	err := s.Scan(&x.ID, &x.ExamID, &x.IDNumber, &x.USCC, &x.Disease, &x.State, &x.FlaggedOn, &x.Measure, &x.ClaimNo, &x.Version)
	return x, err
}

// Suspects returns an employer's suspected cases (open ones first), for the follow-up list and
// the notice to the employer. Errors: forbidden.
func Suspects(ctx context.Context, q store.Querier, v Viewer, uscc string) ([]Suspect, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+suspectCols+` FROM suspected_od WHERE uscc = ?
		ORDER BY CASE WHEN state IN ('flagged', 'diagnosing') THEN 0 ELSE 1 END, flagged_on, id`, uscc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Suspect
	for rows.Next() {
		s, err := scanSuspect(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FollowUp is one step of a suspected case's follow-up.
type FollowUp struct {
	To      string `json:"to"` // diagnosing | excluded | confirmed
	On      string `json:"on"`
	Note    string `json:"note"`
	Measure string `json:"measure"` // what the employer did (e.g. kept out of underground work)
	// ClaimNo links a confirmed case to the claim of its occupational-disease determination;
	// required with To "confirmed", and the claim becomes an occupational-disease case
	// (od_claims) diagnosed On.
	ClaimNo string `json:"claim_no"`
}

// FollowUpSuspect moves a suspected case if the caller read version. Errors: forbidden,
// not_found, conflict (illegal move or stale version), invalid.
func FollowUpSuspect(ctx context.Context, db *store.DB, v Viewer, id, version int64, f FollowUp) (Suspect, error) {
	if err := prevention.RequireHealthData(v.Roles); err != nil {
		return Suspect{}, err
	}
	if _, err := parseDay("on", f.On); err != nil {
		return Suspect{}, err
	}
	if f.To == "confirmed" && f.ClaimNo == "" {
		return Suspect{}, apperr.Invalidf("claim_no", "确诊须关联职业病认定的工伤案件 / a confirmed case links to its determination's claim")
	}
	var out Suspect
	err := db.InTx(ctx, func(tx *store.Tx) error {
		s, err := scanSuspect(tx.QueryRow(ctx, `SELECT `+suspectCols+` FROM suspected_od WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("疑似职业病 %d 不存在 / suspected case %d not found", id, id)
		}
		if err != nil {
			return err
		}
		if s.Version != version {
			return apperr.Conflictf("version", "已被他人修改，请刷新 / changed by someone else; reload")
		}
		if !prevention.CanFollowUp(s.State, f.To) {
			return apperr.Conflictf("to", "不能从 %s 转为 %s / cannot move from %s to %s", s.State, f.To, s.State, f.To)
		}
		if f.To == "confirmed" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM claims WHERE claim_no = ? AND id_number = ?`, f.ClaimNo, s.IDNumber).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalidf("claim_no", "该职工无此工伤案件 %s / no such claim of this worker", f.ClaimNo)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO od_claims (claim_no, disease, diagnosed_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (claim_no) DO NOTHING`, f.ClaimNo, s.Disease, f.On, v.Actor.Username, stamp()); err != nil {
				return err
			}
		}
		measure := s.Measure
		if f.Measure != "" {
			measure = f.Measure
		}
		res, err := tx.Exec(ctx, `UPDATE suspected_od SET state = ?, measure = ?, claim_no = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			f.To, measure, nullable(f.ClaimNo), stamp(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflictf("version", "已被他人修改，请刷新 / changed by someone else; reload")
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM suspected_od_followups WHERE suspect_id = ?`, id).Scan(&seq); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO suspected_od_followups (suspect_id, seq, on_date, from_state, to_state, note, actor) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, seq, f.On, s.State, f.To, f.Note, v.Actor.Username); err != nil {
			return err
		}
		if _, err := audit.Append(ctx, tx, audit.Record{Action: "health.suspect.follow_up", Entity: "suspected_od", EntityID: fmt.Sprint(id),
			Before: map[string]string{"state": s.State}, After: map[string]string{"state": f.To, "claim_no": f.ClaimNo}}.By(v.Actor)); err != nil {
			return err
		}
		out = s
		out.State, out.Measure, out.ClaimNo, out.Version = f.To, measure, f.ClaimNo, s.Version+1
		return nil
	})
	return out, err
}
