package supui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/calendar"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/demo"
	"wiis/internal/enroll"
	"wiis/internal/medical"
	"wiis/internal/medical/medsvc"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/supervise"
	"wiis/internal/supervise/supstore"
)

func init() { demo.Register("supervision", SeedDemo) }

// DemoNow is the demo's "today"; tests fix it.
var DemoNow = time.Now

// SeedDemo adds the supervision demo on top of the city (and casework's cases when that
// demo ran first; otherwise it opens a few determinations itself): referrals in every state,
// one overdue and one followed by an enrollment; the year's targets for Lu'an and its
// districts set around what the data shows, so the ranking has winners and laggards; two
// agreement institutions assessed and waiting for the second auditor; a conference waiting
// for its conclusion and one that drove its case; scanned and generated documents in the
// archive. Each part runs once (it looks for its own rows first) and nothing happens before
// the city is loaded.
func SeedDemo(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM employers WHERE region LIKE '3415%'`).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	now := DemoNow()
	s := &supstore.Service{DB: db, Now: func() time.Time { return now }}
	day := func(back int) string { return now.AddDate(0, 0, -back).Format("2006-01-02") }
	cases, err := demoCases(ctx, db, now)
	if err != nil {
		return nil, err
	}
	for _, step := range []func() error{
		func() error { return demoReferrals(ctx, db, s, cases, day) },
		func() error { return demoTargets(ctx, db, s, now.Year()) },
		func() error { return demoInstitutions(ctx, db, s, now) },
		func() error { return demoConferences(ctx, db, s, cases, day) },
		func() error { return demoArchive(ctx, db, s, cases, day) },
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

var (
	officer   = audit.Actor{Username: "determination_officer", RemoteAddr: "demo"}
	inspector = audit.Actor{Username: "risk_investigator", RemoteAddr: "demo"}
)

// demoCase is a determination the demo works on.
type demoCase struct {
	ID       int64
	Worker   string
	Employer string
	State    string
}

// demoCases returns six determinations of Lu'an, opening and accepting the missing ones from
// the city's workers when the casework demo has not made enough.
func demoCases(ctx context.Context, db *store.DB, now time.Time) ([]demoCase, error) {
	load := func() ([]demoCase, error) {
		rows, err := db.Query(ctx, `SELECT id, worker_id, employer_uscc, state FROM determination_cases WHERE region LIKE '3415%' ORDER BY id LIMIT 6`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []demoCase
		for rows.Next() {
			var c demoCase
			if err := rows.Scan(&c.ID, &c.Worker, &c.Employer, &c.State); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	have, err := load()
	if err != nil || len(have) >= 6 {
		return have, err
	}
	rows, err := db.Query(ctx, `SELECT DISTINCT ev.id_number, ev.uscc, p.name FROM enrollment_events ev JOIN persons p ON p.id_number = ev.id_number
		JOIN employers e ON e.uscc = ev.uscc WHERE e.region LIKE '3415%' AND ev.event = 'add'`)
	if err != nil {
		return nil, err
	}
	type pw struct{ id, uscc, name string }
	var people []pw
	for rows.Next() {
		var p pw
		if err := rows.Scan(&p.id, &p.uscc, &p.name); err != nil {
			rows.Close()
			return nil, err
		}
		people = append(people, p)
	}
	rows.Close()
	// ID numbers are stored sealed: the first twelve in ID order are picked here.
	slices.SortFunc(people, func(a, b pw) int { return cmp.Or(strings.Compare(a.id, b.id), strings.Compare(a.uscc, b.uscc)) })
	people = people[:min(12, len(people))]
	cs := &caseservice.Service{DB: db, Audit: supstore.CaseAudit(officer), Now: func() time.Time { return now }}
	received := calendar.DateOf(now.AddDate(0, 0, -40))
	for i := 0; len(have)+i < 6 && i < len(people); i++ {
		p := people[i]
		c, err := cs.OpenDetermination(ctx, officer.Username, casework.Application{Region: "341502", ApplicantKind: casework.ApplicantEmployer,
			WorkerID: p.id, WorkerName: p.name, EmployerUSCC: p.uscc, EventKind: casework.EventAccident,
			EventDate: calendar.DateOf(now.AddDate(0, 0, -45)), ReceivedOn: received})
		if err != nil {
			return nil, err
		}
		for _, k := range casework.RequiredMaterials(false) {
			if c, err = cs.ActOnDetermination(ctx, officer.Username, c.ID, c.Version, casework.ReceiveMaterial{Act: casework.Act{On: received}, Kind: k, FileRef: k}); err != nil {
				return nil, err
			}
		}
		if _, err = cs.ActOnDetermination(ctx, officer.Username, c.ID, c.Version, casework.Accept{Act: casework.Act{On: received}}); err != nil {
			return nil, err
		}
	}
	return load()
}

func count(ctx context.Context, db *store.DB, q string, args ...any) (int, error) {
	var n int
	err := db.QueryRow(ctx, q, args...).Scan(&n)
	return n, err
}

func demoReferrals(ctx context.Context, db *store.DB, s *supstore.Service, cases []demoCase, day func(int) string) error {
	if n, err := count(ctx, db, `SELECT COUNT(*) FROM inspection_referrals`); err != nil || n > 0 || len(cases) < 4 {
		return err
	}
	plan := []struct {
		back  int
		steps []string
	}{
		{50, nil},                                // referred 50 days ago, no answer: overdue
		{12, []string{"receive", "investigate"}}, // under investigation, in time
		{40, []string{"receive", "result"}},      // result reported, enrollment followed
		{70, []string{"receive", "investigate", "result", "close"}},
	}
	for i, p := range plan {
		c := cases[i]
		r, err := s.Refer(ctx, officer, supervise.NewReferral{SourceKind: supervise.SourceDetermination, SourceID: c.ID,
			Inspectorate: "六安市劳动保障监察支队", Facts: "工伤认定中发现用人单位未为受伤职工参加工伤保险",
			Evidence: "劳动合同、考勤记录、工资发放记录", On: day(p.back)})
		if err != nil {
			return err
		}
		for j, st := range p.steps {
			side, by := supervise.SideInspectorate, inspector
			if st == "close" {
				side, by = supervise.SideAgency, officer
			}
			res := supervise.ResultInput{}
			if st == "result" {
				res = supervise.ResultInput{Outcome: "ordered_to_enrol", Result: "已责令限期为职工办理工伤保险参保登记并补缴"}
			}
			if r, err = s.Act(ctx, by, side, r.ID, r.Version, st, day(p.back-5*(j+1)), res); err != nil {
				return err
			}
		}
		if i == 2 {
			// The employer enrolled a worker after the referral: the follow-up the page shows.
			var other string
			if ids, _ := store.SortedStrings(ctx, db, 1, `SELECT DISTINCT id_number FROM enrollment_events WHERE uscc <> ?`, c.Employer); len(ids) > 0 {
				other = ids[0]
			}
			if other != "" {
				es := &enroll.Service{DB: db}
				base := money.Yuan(5000)
				_, err := es.Record(ctx, audit.Actor{Username: "teller", RemoteAddr: "demo"}, enroll.Person{IDNumber: other},
					enroll.Event{USCC: c.Employer, Event: "add", Month: day(20)[:7], RecordedOn: day(20), MonthlyBase: &base})
				if err != nil && apperr.CodeOf(err) == apperr.Internal {
					return err
				}
			}
		}
	}
	return nil
}

func demoTargets(ctx context.Context, db *store.DB, s *supstore.Service, year int) error {
	if n, err := count(ctx, db, `SELECT COUNT(*) FROM sup_targets WHERE year = ?`, year); err != nil || n > 0 {
		return err
	}
	rows, err := db.Query(ctx, `SELECT DISTINCT region FROM employers WHERE region LIKE '3415%' AND region <> '341500' ORDER BY region`)
	if err != nil {
		return err
	}
	var districts []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return err
		}
		districts = append(districts, r)
	}
	rows.Close()
	fund := audit.Actor{Username: "fund_officer", RemoteAddr: "demo"}
	whole := map[supervise.Indicator]int64{}
	for i, d := range districts {
		act, err := s.Actuals(ctx, year, d)
		if err != nil {
			return err
		}
		// Targets around what happened: the first districts beat them, the last fall short.
		pct := int64(90 + 10*(i%3))
		for _, ind := range supervise.Indicators {
			v := act[ind] * 100 / pct
			if ind == supervise.TimeLimitsMet {
				v = 9000
			}
			if v == 0 && ind != supervise.TimeLimitsMet {
				v = int64(1 + i%2)
				if ind.Unit() == "fen" {
					v = 1000000
				}
			}
			if err := s.SetTarget(ctx, fund, "341500", supervise.TargetInput{Year: year, Region: d, Indicator: ind, Value: v}); err != nil {
				return err
			}
			whole[ind] += v
		}
	}
	whole[supervise.TimeLimitsMet] = 9000
	for _, ind := range supervise.Indicators {
		if err := s.SetTarget(ctx, fund, "341500", supervise.TargetInput{Year: year, Region: "341500", Indicator: ind, Value: whole[ind]}); err != nil {
			return err
		}
	}
	return nil
}

func demoInstitutions(ctx context.Context, db *store.DB, s *supstore.Service, now time.Time) error {
	if n, err := count(ctx, db, `SELECT COUNT(*) FROM institution_assessments`); err != nil || n > 0 {
		return err
	}
	ms := &medsvc.Service{DB: db, Now: func() time.Time { return now }}
	last := now.Year() - 1
	for _, in := range []medical.Institution{
		{Code: "H341500001", Name: "六安市人民医院", Region: "341502"},
		{Code: "H341500002", Name: "六安市第二人民医院", Region: "341503"},
	} {
		if n, err := count(ctx, db, `SELECT COUNT(*) FROM medical_institutions WHERE code = ?`, in.Code); err != nil {
			return err
		} else if n == 0 {
			in.Agreements = []medical.Agreement{{From: calendar.MustDate(fmt.Sprintf("%d-01-01", last-1)), To: calendar.MustDate(fmt.Sprintf("%d-12-31", now.Year())),
				Level: "三级甲等", Status: medical.AgreementActive}}
			if err := ms.PutInstitution(ctx, "medical_auditor", in); err != nil {
				return err
			}
		}
	}
	auditor := audit.Actor{Username: "medical_auditor", RemoteAddr: "demo"}
	for i, c := range []string{"住院期间多收床位费", "未按规定出具费用清单", "诊疗记录与收费不符"} {
		if _, err := s.AddComplaint(ctx, auditor, "H341500002", fmt.Sprintf("%d-%02d-10", last, 3+3*i), c, true); err != nil {
			return err
		}
	}
	for _, code := range []string{"H341500001", "H341500002"} {
		if _, err := s.ProposeAssessment(ctx, auditor, code, last); err != nil {
			return err
		}
	}
	return nil
}

func demoConferences(ctx context.Context, db *store.DB, s *supstore.Service, cases []demoCase, day func(int) string) error {
	if n, err := count(ctx, db, `SELECT COUNT(*) FROM case_conferences`); err != nil || n > 0 || len(cases) < 6 {
		return err
	}
	members := []supervise.Member{{Name: "王建国", Position: "工伤认定科科长"}, {Name: "李红", Position: "政策法规科科长"},
		{Name: "陈律师", Position: "法律顾问"}, {Name: "周医生", Position: "医疗专家"}, {Name: "刘强", Position: "分管副局长"}}
	held, err := s.Convene(ctx, officer, supervise.NewConference{Entity: "determination", CaseID: cases[4].ID, Mark: "difficult",
		Question: "职工下班途中绕道接送子女时发生交通事故，是否属于“合理路线”", Materials: "事故认定书、行车轨迹、证人证言",
		Members: members, On: day(6)})
	if err != nil {
		return err
	}
	ops := []supervise.Member{{Opinion: "接送子女属日常生活所需，路线合理", Vote: "recognise"}, {Opinion: "同意", Vote: "recognise"},
		{Opinion: "参照最高法行政审判意见，可认定", Vote: "recognise"}, {Opinion: "伤情与事故相符", Vote: "recognise"},
		{Opinion: "绕行距离较长，建议补充调查", Vote: "investigate_further"}}
	if _, err := s.Hold(ctx, officer, held.ID, held.Version, day(4), "会议听取承办人汇报，审阅证据，逐一发表意见。", ops); err != nil {
		return err
	}
	c, err := s.Convene(ctx, officer, supervise.NewConference{Entity: "determination", CaseID: cases[5].ID, Mark: "major",
		Question: "劳务派遣人员在用工单位受伤，由谁承担工伤保险责任", Materials: "派遣协议、劳动合同", Members: members[:3], On: day(10)})
	if err != nil {
		return err
	}
	if c, err = s.Hold(ctx, officer, c.ID, c.Version, day(8), "与会人员一致认为由派遣单位承担工伤保险责任。",
		[]supervise.Member{{Opinion: "派遣单位为用人单位", Vote: "recognise"}, {Opinion: "同意", Vote: "recognise"}, {Opinion: "同意", Vote: "recognise"}}); err != nil {
		return err
	}
	cs := &caseservice.Service{DB: db, Audit: supstore.CaseAudit(officer)}
	_, err = s.Conclude(ctx, officer, cs, c.ID, c.Version, "recognise", "由劳务派遣单位承担工伤保险责任，予以认定工伤。", day(8))
	return err
}

func demoArchive(ctx context.Context, db *store.DB, s *supstore.Service, cases []demoCase, day func(int) string) error {
	if n, err := count(ctx, db, `SELECT COUNT(*) FROM archive_documents`); err != nil || n > 0 {
		return err
	}
	for i, c := range cases {
		for _, d := range []struct{ title, body string }{
			{"工伤认定申请表（扫描件）", "工伤认定申请表 扫描件 案件 %d"},
			{"劳动关系证明（扫描件）", "劳动合同 扫描件 案件 %d"},
		} {
			if _, err := s.File(ctx, officer, supervise.NewDocument{Entity: "determination", CaseID: c.ID, Category: supervise.CatDetermination,
				Title: d.title, Source: "scan", MIME: "text/plain; charset=utf-8", Content: fmt.Appendf(nil, d.body, c.ID), On: day(30 - i)}); err != nil {
				return err
			}
		}
	}
	_, err := s.FileIssued(ctx, officer, "341500")
	return err
}
