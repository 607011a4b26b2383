package prevui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/money"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/store"
)

func init() { demo.Register("prevention", SeedDemo) }

// demoMark starts the name of every demo project; its presence means the seeder ran.
const demoMark = "（演示）"

// SeedDemo adds a prevention year to the demo city: the committee with two meetings, four
// projects (two last year with spending, participants and results, two this year) with their
// spending posted to the ledger within the cap, employer files and declared hazards for the
// targets, examinations with suspected cases at each follow-up stage, three rehabilitation
// institutions, and rehabilitation cases in every state. It needs the city (it does nothing
// without employers) and runs once: a demo project in the city means it has run.
func SeedDemo(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM prevention_projects WHERE region LIKE '3415%' AND name LIKE ?`, demoMark+"%").Scan(&n); err != nil || n > 0 {
		return nil, err
	}
	now := demo.Now()
	last := now.Year() - 1
	targets, err := demoTargets(ctx, db, last)
	if err != nil || len(targets) == 0 {
		return nil, err
	}
	s := &seeder{ctx: ctx, db: db, by: audit.Actor{Username: "system:demo", RemoteAddr: "demo"}, now: now}
	s.v = prevstore.Viewer{Actor: s.by, Roles: []auth.Role{auth.PreventionOfficer}}
	for _, step := range []func([]string) error{s.committee, s.projects, s.files, s.health, s.rehab} {
		if err := step(targets); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

type seeder struct {
	ctx context.Context
	db  *store.DB
	by  audit.Actor
	v   prevstore.Viewer
	now time.Time
}

// day is a date of year y, month m, day d as text.
func day(y, m, d int) string {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// demoTargets are last year's prevention targets of the city, or its first employers when
// the ranking names none, at most eight.
func demoTargets(ctx context.Context, db *store.DB, year int) ([]string, error) {
	ts, err := prevstore.Targets(ctx, db, demo.Region, year)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range ts {
		if len(out) < 8 {
			out = append(out, t.Key)
		}
	}
	if len(out) == 0 {
		return column(ctx, db, `SELECT uscc FROM employers WHERE region LIKE '3415%' ORDER BY uscc LIMIT 8`)
	}
	return out, nil
}

func column(ctx context.Context, db *store.DB, q string, args ...any) ([]string, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (s *seeder) committee([]string) error {
	y := s.now.Year() - 1
	var ids []int64
	for _, m := range [][3]string{{"王建国", "市人力资源和社会保障局", "主任"}, {"李敏", "市财政局", "委员"},
		{"陈卫东", "市卫生健康委员会", "委员"}, {"刘强", "市应急管理局", "委员"}, {"赵静", "市总工会", "委员"}} {
		id, err := prevstore.AddMember(s.ctx, s.db, s.by, prevstore.Member{Region: demo.Region, Name: m[0], Department: m[1], Position: m[2], FromOn: day(y, 1, 1)})
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if _, err := prevstore.RecordMeeting(s.ctx, s.db, s.by, prevstore.Meeting{Region: demo.Region, HeldOn: day(y, 2, 20), Topic: "年度工伤预防工作计划",
		Attendees: ids, Exchanged: "上年建筑业、矿山工伤发生率高于类别平均；粉尘作业体检覆盖不足",
		Decisions: []prevstore.Decision{{Decision: "开展建筑施工安全培训", Responsible: "市人力资源和社会保障局", DueOn: day(y, 6, 30)},
			{Decision: "新入矿工上岗前职业健康检查全覆盖", Responsible: "市卫生健康委员会", DueOn: day(y, 12, 31)}}}); err != nil {
		return err
	}
	_, err := prevstore.RecordMeeting(s.ctx, s.db, s.by, prevstore.Meeting{Region: demo.Region, HeldOn: day(y+1, 2, 25), Topic: "预防项目成效与本年度安排",
		Attendees: ids[:4], Exchanged: "培训覆盖单位工伤发生率下降；疑似尘肺病例已调离井下",
		Decisions: []prevstore.Decision{{Decision: "将体验式培训推广至危化行业", Responsible: "市应急管理局"}}})
	return err
}

// projects creates two projects last year and two this year; each spends what the cap leaves
// room for (at most half its budget), so the demo never passes the cap.
func (s *seeder) projects(targets []string) error {
	y := s.now.Year()
	type proj struct {
		name, typ, provider string
		year, month         int
		budget              int64
		targets             []string
	}
	half := (len(targets) + 1) / 2
	list := []proj{
		{"建筑施工安全生产培训", "training", "六安市安全培训中心", y - 1, 3, 400000, targets[:half]},
		{"矿山粉尘防治体验式培训", "experience", "皖西职业安全体验馆", y - 1, 5, 300000, targets[half:]},
		{"工伤预防宣传月", "publicity", "六安日报社", y, 4, 150000, nil},
		{"重点企业体检式诊断服务", "checkup", "安徽安科安全咨询公司", y, 3, 250000, targets},
	}
	for i, p := range list {
		start := day(p.year, p.month, 1)
		end := day(p.year, p.month+2, 28)
		id, err := prevstore.CreateProject(s.ctx, s.db, s.by, prevention.Project{Region: demo.Region, Year: p.year, Name: demoMark + p.name, Type: p.typ,
			Provider: p.provider, Procured: fmt.Sprintf("LAZC-%d-%03d", p.year, i+1), Budget: money.Yuan(p.budget), StartOn: start, EndOn: end,
			Targets: p.targets, Objective: "降低目标单位工伤发生率"})
		if err != nil {
			return err
		}
		spendOn := day(p.year, p.month+1, 10)
		if spendOn > s.now.Format(time.DateOnly) {
			spendOn = s.now.Format(time.DateOnly)
		}
		if pos, err := prevstore.FeePosition(s.ctx, s.db, demo.Region, p.year); err == nil {
			amount := min(money.Yuan(p.budget/2), (pos.Cap-pos.Spent)/3)
			if amount > 0 {
				if _, err := prevstore.Spend(s.ctx, s.db, s.by, id, spendOn, amount, ""); err != nil && apperr.CodeOf(err) != apperr.Invalid {
					return err
				}
			}
		}
		if p.year == y || len(p.targets) == 0 {
			continue
		}
		workers, err := store.SortedStrings(s.ctx, s.db, 12, `SELECT DISTINCT id_number || '|' || uscc FROM enrollment_events WHERE uscc = ?`, p.targets[0])
		if err != nil {
			return err
		}
		var ps []prevstore.Participant
		for k, w := range workers {
			id, uscc, _ := strings.Cut(w, "|")
			ps = append(ps, prevstore.Participant{IDNumber: id, USCC: uscc, Certificate: fmt.Sprintf("GSYF-%d-%04d", p.year, k+1)})
		}
		if len(ps) > 0 {
			if err := prevstore.AddParticipants(s.ctx, s.db, s.by, id, ps); err != nil {
				return err
			}
		}
		if err := prevstore.RecordResults(s.ctx, s.db, s.by, id, 1, len(ps)*10, len(ps)*9, "完成培训，考核合格率90%"); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) files(targets []string) error {
	y := s.now.Year() - 1
	factors := []string{"dust", "physical_noise", "chemical", "physical_heat"}
	for i, u := range targets {
		if _, err := prevstore.DeclareHazard(s.ctx, s.db, s.by, prevstore.Hazard{USCC: u, Factor: factors[i%len(factors)],
			Detail: []string{"矽尘", "机械噪声", "苯系物", "高温作业"}[i%4], Workers: 20 + 7*i, DeclaredOn: day(y, 1, 15)}); err != nil {
			return err
		}
		for _, e := range []prevstore.FileEntry{
			{USCC: u, Kind: "plan", On: day(y, 2, 1), Summary: "制定一企一策预防方案：高处作业防护、粉尘治理"},
			{USCC: u, Kind: "visit", On: day(y, 4, 12), Summary: "走访生产现场，检查防护用品配备"},
			{USCC: u, Kind: "guidance", On: day(y, 9, 3), Summary: "指导完善安全操作规程和班前教育"},
		} {
			if _, err := prevstore.AddFileEntry(s.ctx, s.db, s.by, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// health records examinations of the first target's workers: most normal, some for
// re-examination, three suspected cases followed to diagnosing, excluded and confirmed (when
// the worker has a claim to link).
func (s *seeder) health(targets []string) error {
	y := s.now.Year() - 1
	workers, err := store.SortedStrings(s.ctx, s.db, 24, `SELECT DISTINCT id_number FROM enrollment_events WHERE uscc = ?`, targets[0])
	if err != nil {
		return err
	}
	kinds := []string{"pre_employment", "on_the_job", "on_the_job", "leaving"}
	var suspects []int
	for i, w := range workers {
		e := prevstore.Exam{IDNumber: w, USCC: targets[0], Kind: kinds[i%4], ExamOn: day(y, 3, 1+i%27), Institution: "六安市职业病防治院",
			Hazards: []string{"dust", "physical_noise"}, Result: "normal", Findings: "未见明显异常"}
		switch {
		case i%8 == 3 && len(suspects) < 3:
			e.Result, e.Findings, e.Disease = "suspected", "胸片示双肺小阴影", "尘肺病"
			suspects = append(suspects, i)
		case i%5 == 4:
			e.Result, e.Findings = "abnormal", "听力下降，建议复查"
		case i%11 == 10:
			e.Result, e.Findings = "contraindication", "高血压，不宜高温作业"
		}
		if _, err := prevstore.RecordExam(s.ctx, s.db, s.v, e); err != nil {
			return err
		}
	}
	ss, err := prevstore.Suspects(s.ctx, s.db, s.v, targets[0])
	if err != nil {
		return err
	}
	for i, sp := range ss {
		f := prevstore.FollowUp{To: "diagnosing", On: day(y, 4, 10), Measure: "调离粉尘作业岗位"}
		switch i {
		case 1:
			f.To = "excluded"
		case 2:
			claims, err := column(s.ctx, s.db, `SELECT claim_no FROM claims WHERE id_number = ? ORDER BY claim_no LIMIT 1`, sp.IDNumber)
			if err != nil {
				return err
			}
			if len(claims) == 0 {
				continue
			}
			f.To, f.ClaimNo = "confirmed", claims[0]
		}
		if _, err := prevstore.FollowUpSuspect(s.ctx, s.db, s.v, sp.ID, sp.Version, f); err != nil {
			return err
		}
	}
	return nil
}

// rehab adds three institutions and a case in every state, walked there by StepRehab;
// closed cases end in each return-to-work outcome, last year and this.
func (s *seeder) rehab([]string) error {
	for _, in := range []prevstore.Institution{{Code: "KF341501", Name: "六安市工伤康复医院", Region: "341502", Capacity: 120},
		{Code: "KF341502", Name: "金安区康复中心", Region: "341502", Capacity: 40, Private: true},
		{Code: "KF341503", Name: "裕安区人民医院康复科", Region: "341503", Capacity: 30}} {
		if err := prevstore.SaveInstitution(s.ctx, s.db, s.by, in); err != nil {
			return err
		}
	}
	claims, err := column(s.ctx, s.db, `SELECT c.claim_no || ' ' || c.id_number || ' ' || c.uscc || ' ' || m.region FROM claims c JOIN employers m ON m.uscc = c.uscc
		WHERE m.region LIKE '3415%' ORDER BY c.injury_at DESC, c.claim_no LIMIT 16`)
	if err != nil || len(claims) == 0 {
		return err
	}
	y := s.now.Year() - 1
	path := []prevention.RehabStep{
		{Action: prevention.ActApply},
		{Action: prevention.ActAssessValue, HasValue: true, Note: "具有康复价值"},
		{Action: prevention.ActApprove, Institution: "KF341501"},
		{Action: prevention.ActStart, Plan: prevention.Plan{Mode: "inpatient", Items: []string{"KF-PT01", "KF-OT02"}, Days: 45}},
		{Action: prevention.ActProgress, Note: "关节活动度改善"},
		{Action: prevention.ActExtend, Days: 15, Note: "功能恢复未达预期，延长康复"},
		{Action: prevention.ActEvaluateEffect, Scale: "Barthel", ScoreBefore: 40, ScoreAfter: 85},
		{Action: prevention.ActReturnToWork},
	}
	// Each case: how far along the path it goes, then how it ends.
	type plan struct {
		steps int
		end   prevention.RehabAction
		rtw   string
		year  int
	}
	plans := []plan{{0, "", "", y + 1}, {1, "", "", y + 1}, {2, "", "", y + 1}, {3, "", "", y + 1}, {5, "", "", y},
		{7, "", "", y}, {8, "", "same_job", y}, {8, "", "other_job", y}, {8, "", "none", y}, {8, "", "same_job", y + 1},
		{0, prevention.ActDecline, "", y}, {1, prevention.ActReject, "", y}, {4, prevention.ActWithdraw, "", y}}
	for i, p := range plans {
		var no, worker, uscc, reg string
		fmt.Sscanf(claims[i%len(claims)], "%s %s %s %s", &no, &worker, &uscc, &reg)
		month := 1 + i%5
		if p.year > y {
			month = 1
		}
		c, err := prevstore.OpenRehab(s.ctx, s.db, s.v, prevention.RehabCase{Region: reg, WorkerID: worker, Employer: uscc, ClaimNo: no,
			Origin: "screening", Screening: []string{"determination", "assessment"}[i%2], Injury: "工伤后肢体功能障碍", OpenedOn: day(p.year, month, 3)})
		if err != nil {
			return err
		}
		on := time.Date(p.year, time.Month(month), 5, 0, 0, 0, 0, time.UTC)
		act := func(st prevention.RehabStep) error {
			on = on.AddDate(0, 0, 12)
			if max := s.now.AddDate(0, 0, -1); on.After(max) {
				on = max
			}
			st.On = on.Format(time.DateOnly)
			if st.Action == prevention.ActReturnToWork && st.Return != "none" {
				st.ReturnedOn = st.On
			}
			c, err = prevstore.StepRehab(s.ctx, s.db, s.v, c.ID, c.Version, st)
			return err
		}
		for k := 0; k < p.steps; k++ {
			st := path[k]
			if st.Action == prevention.ActReturnToWork {
				st.Return, st.Adjustments = p.rtw, map[string]string{"other_job": "调整至辅助岗位"}[p.rtw]
			}
			if err := act(st); err != nil {
				return err
			}
		}
		if p.end != "" {
			if err := act(prevention.RehabStep{Action: p.end, Note: "演示"}); err != nil {
				return err
			}
		}
	}
	return nil
}
