package supstore

import (
	"context"
	"strconv"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/calendar"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/supervise"
)

var ctx = context.Background()

var (
	clerk     = audit.Actor{Username: "clerk", RemoteAddr: "test"}
	inspector = audit.Actor{Username: "inspector", RemoteAddr: "test"}
	second    = audit.Actor{Username: "second", RemoteAddr: "test"}
)

func at(s string) func() time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

func exec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func code(err error) apperr.Code { return apperr.CodeOf(err) }

// accepted opens W1's accident at EMP in Lu'an and accepts it: a determination under way.
func accepted(t *testing.T, db *store.DB, worker string) int64 {
	t.Helper()
	cs := &caseservice.Service{DB: db}
	c, err := cs.OpenDetermination(ctx, "clerk", casework.Application{Region: "341502", ApplicantKind: casework.ApplicantEmployer,
		WorkerID: worker, WorkerName: "李四", EmployerUSCC: "EMP", EventKind: casework.EventAccident,
		EventDate: calendar.MustDate("2026-01-10"), ReceivedOn: calendar.MustDate("2026-01-15")})
	if err != nil {
		t.Fatal(err)
	}
	on := casework.Act{On: calendar.MustDate("2026-01-15")}
	for _, k := range casework.RequiredMaterials(false) {
		if c, err = cs.ActOnDetermination(ctx, "clerk", c.ID, c.Version, casework.ReceiveMaterial{Act: on, Kind: k, FileRef: k}); err != nil {
			t.Fatal(err)
		}
	}
	if c, err = cs.ActOnDetermination(ctx, "clerk", c.ID, c.Version, casework.Accept{Act: on}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestReferralGoesFromCaseToInspectorateAndBackWithTheEnrollmentThatFollowed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &Service{DB: db, Now: at("2026-03-01 09:00")}
		exec(t, db, `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES ('EMP', '某建筑公司', '341502', 'E47', 'active')`)
		det := accepted(t, db, "W1")
		// One worker added before the referral (not counted), two after it.
		exec(t, db, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on) VALUES
			('P0', 'EMP', 'add', '2026-01', '2026-01-05'), ('P1', 'EMP', 'add', '2026-03', '2026-03-20'),
			('P2', 'EMP', 'add', '2026-04', '2026-04-02'), ('P1', 'EMP', 'base', '2026-04', '2026-04-03')`)

		n := supervise.NewReferral{SourceKind: "determination", SourceID: det, Inspectorate: "金安区劳动保障监察大队",
			Facts: "用人单位未为职工参加工伤保险", Evidence: "劳动合同、工资表", On: "2026-03-01"}
		r, err := s.Refer(ctx, clerk, n)
		if err != nil {
			t.Fatal(err)
		}
		if r.USCC != "EMP" || r.Region != "341502" || r.State != supervise.RefReferred || r.DueOn != "2026-03-31" || r.No != "YS34150220260001" {
			t.Fatalf("referral %+v", r)
		}
		if _, err := s.Refer(ctx, clerk, n); code(err) != apperr.Conflict {
			t.Errorf("second open referral of the same case: %v", err)
		}
		// The agency cannot act for the inspectorate, nor skip a step.
		if _, err := s.Act(ctx, clerk, supervise.SideAgency, r.ID, r.Version, "receive", "2026-03-02", supervise.ResultInput{}); code(err) != apperr.Forbidden {
			t.Errorf("agency receiving: %v", err)
		}
		if _, err := s.Act(ctx, clerk, supervise.SideAgency, r.ID, r.Version, "close", "2026-03-02", supervise.ResultInput{}); code(err) != apperr.Conflict {
			t.Errorf("closing before a result: %v", err)
		}
		// Overdue after the due day, on both sides' lists.
		s.Now = at("2026-04-05 09:00")
		od, err := s.Referrals(ctx, RefFilter{Region: "341500", OverdueOnly: true})
		if err != nil || len(od) != 1 || !od[0].Overdue {
			t.Fatalf("overdue list %+v %v", od, err)
		}
		if od[0].Enrolled != 2 || od[0].FirstEnrolled != "2026-03-20" {
			t.Errorf("follow-up %d from %s, want 2 from 2026-03-20", od[0].Enrolled, od[0].FirstEnrolled)
		}
		if r, err = s.Act(ctx, inspector, supervise.SideInspectorate, r.ID, r.Version, "receive", "2026-04-05", supervise.ResultInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Act(ctx, inspector, supervise.SideInspectorate, r.ID, r.Version-1, "investigate", "2026-04-05", supervise.ResultInput{}); code(err) != apperr.Conflict {
			t.Errorf("stale version: %v", err)
		}
		if r, err = s.Act(ctx, inspector, supervise.SideInspectorate, r.ID, r.Version, "investigate", "2026-04-06", supervise.ResultInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Act(ctx, inspector, supervise.SideInspectorate, r.ID, r.Version, "result", "2026-04-10", supervise.ResultInput{Outcome: "bogus", Result: "x"}); code(err) != apperr.Invalid {
			t.Errorf("unknown outcome: %v", err)
		}
		if r, err = s.Act(ctx, inspector, supervise.SideInspectorate, r.ID, r.Version, "result", "2026-04-10",
			supervise.ResultInput{Outcome: "ordered_to_enrol", Result: "责令限期补缴并参保"}); err != nil {
			t.Fatal(err)
		}
		if r.Overdue || r.ResultOn != "2026-04-10" {
			t.Errorf("after result: overdue %v result on %s", r.Overdue, r.ResultOn)
		}
		if r, err = s.Act(ctx, clerk, supervise.SideAgency, r.ID, r.Version, "close", "2026-04-11", supervise.ResultInput{}); err != nil {
			t.Fatal(err)
		}
		if r.State != supervise.RefClosed || len(r.Events) != 5 {
			t.Errorf("closed: %s with %d events", r.State, len(r.Events))
		}
		// Closed, the case may be referred again.
		if _, err := s.Refer(ctx, clerk, supervise.NewReferral{SourceKind: "determination", SourceID: det, Inspectorate: "x", Facts: "again", On: "2026-04-12"}); err != nil {
			t.Errorf("new referral after closing: %v", err)
		}
	})
}

func TestInspectorateResultsImportFromCSVLineByLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &Service{DB: db, Now: at("2026-03-01 09:00")}
		exec(t, db, `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES ('EMP', '某建筑公司', '341502', 'E47', 'active')`)
		exec(t, db, `INSERT INTO risk_alerts (rule, subject, detail, evidence, fingerprint, first_as_of, last_as_of, last_seen_at, created_at, updated_at)
			VALUES ('R05', 'EMP', '未参保', '[]', 'f', '2026-02', '2026-02', 'x', 'x', 'x')`)
		r, err := s.Refer(ctx, clerk, supervise.NewReferral{SourceKind: "alert", SourceID: 1, Inspectorate: "监察大队", Facts: "稽核发现", On: "2026-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		lines, err := s.ImportResults(ctx, inspector, "341500", [][]string{
			{"referral_no", "result_on", "outcome", "result"},
			{r.No, "2026-03-20", "penalised", "罚款"},
			{"YS-NONE", "2026-03-20", "penalised", "x"},
			{r.No, "2026-03-21", "penalised", "again"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if lines[0].Error != "" || lines[1].Error != "sup.err.not_found" || lines[2].Error != "sup.err.state" {
			t.Errorf("import lines %+v", lines)
		}
		got, _ := s.Referral(ctx, r.ID)
		if got.State != supervise.RefResult || got.Outcome != "penalised" || got.ReceivedOn != "2026-03-20" {
			t.Errorf("imported %+v", got)
		}
		if _, err := s.ImportResults(ctx, inspector, "341500", [][]string{{"no", "x"}}); code(err) != apperr.Invalid {
			t.Errorf("bad header: %v", err)
		}
	})
}

// progressFixture is the hand-computed data set of TestTargetProgressIsComputedFromTheData.
func progressFixture(t *testing.T, db *store.DB) {
	exec(t, db, `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES
		('E1', '老企业', '341502', 'C13', 'active'), ('E2', '新企业', '341502', 'C13', 'active'), ('E3', '裕安企业', '341503', 'C13', 'active')`)
	exec(t, db, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on) VALUES
		('P1', 'E1', 'add', '2025-06', '2025-06-03'),
		('P2', 'E1', 'add', '2026-02', '2026-02-03'),
		('P3', 'E1', 'add', '2026-03', '2026-03-03'), ('P3', 'E1', 'remove', '2026-05', '2026-05-03'),
		('P4', 'E2', 'add', '2026-04', '2026-04-03'),
		('P5', 'E3', 'add', '2026-01', '2026-01-03'), ('P6', 'E3', 'add', '2026-01', '2026-01-03'),
		('P7', 'E3', 'add', '2027-01', '2027-01-03')`)
	exec(t, db, `INSERT INTO projects (project_code, uscc, name, region, contract_value, start_date, end_date, rate) VALUES
		('J1', 'E1', '一号楼', '341502', 100, '2026-03-01', '2027-03-01', '0.0015'),
		('J2', 'E1', '二号楼', '341502', 100, '2026-11-30', '2027-03-01', '0.0015'),
		('J0', 'E1', '旧楼', '341502', 100, '2025-12-31', '2026-03-01', '0.0015')`)
	exec(t, db, `INSERT INTO ledger_postings (unit, posted_on, source, source_ref, status, prepared_by, created_at) VALUES
		('341500', '2026-05-01', 'prevention', '1:1', 'posted', 'x', 'x')`)
	exec(t, db, `INSERT INTO prevention_projects (region, year, name, type, provider, budget, start_on, end_on, created_by, created_at) VALUES
		('341502', 2026, '安全培训', 'training', 'P', 1000000, '2026-01-01', '2026-12-31', 'x', 'x'),
		('341503', 2026, '宣传', 'publicity', 'P', 1000000, '2026-01-01', '2026-12-31', 'x', 'x')`)
	exec(t, db, `INSERT INTO prevention_spending (project_id, unit, spent_on, amount, training, posting_id, created_by, created_at) VALUES
		(1, '341500', '2026-05-01', 60000, 1, 1, 'x', 'x'), (1, '341500', '2025-12-01', 99999, 1, 1, 'x', 'x'),
		(2, '341500', '2026-06-01', 20000, 0, 1, 'x', 'x')`)
	// Tickets: Jin'an handled four in 2026, three on time; Yu'an two, both on time; one
	// accepted in 2025 does not count.
	exec(t, db, `INSERT INTO tickets (no, item_code, subject, office, teller, accepted_at, promised_by, state, handled_at) VALUES
		('T1', 'GS0401', 'P1', '341502', 't', '2026-03-02T01:00:00Z', '2026-03-30', 'approved', '2026-03-10T01:00:00Z'),
		('T2', 'GS0401', 'P1', '341502', 't', '2026-04-02T01:00:00Z', '2026-04-30', 'approved', '2026-04-30T08:00:00Z'),
		('T3', 'GS0401', 'P1', '341502', 't', '2026-05-02T01:00:00Z', '2026-05-30', 'approved', '2026-06-02T01:00:00Z'),
		('T4', 'GS0103', 'P1', '341502', 't', '2026-06-02T01:00:00Z', '2026-06-02', 'done', '2026-06-02T01:00:00Z'),
		('T5', 'GS0103', 'P5', '341503', 't', '2026-06-02T01:00:00Z', '2026-06-02', 'done', '2026-06-02T01:00:00Z'),
		('T6', 'GS0103', 'P6', '341503', 't', '2026-06-03T01:00:00Z', '2026-06-03', 'done', '2026-06-03T01:00:00Z'),
		('T7', 'GS0401', 'P1', '341502', 't', '2025-06-02T01:00:00Z', '2025-06-02', 'approved', '2025-07-02T01:00:00Z')`)
	// Contributions: January's paid in February is on time; last October's paid in March
	// and March's paid in June are arrears.
	exec(t, db, `INSERT INTO contributions_collected (uscc, month, amount, collected_on) VALUES
		('E1', '2026-01', 70000, '2026-02-28'), ('E1', '2025-10', 50000, '2026-03-01'),
		('E2', '2026-03', 30000, '2026-06-01'), ('E3', '2025-12', 40000, '2025-12-20')`)
}

func TestTargetProgressIsComputedFromTheData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &Service{DB: db, Now: at("2027-01-15 09:00")}
		progressFixture(t, db)
		got, err := s.Actuals(ctx, 2026, "341502")
		if err != nil {
			t.Fatal(err)
		}
		// By hand: covered in December 2026 at Jin'an employers: P1, P2, P4 (P3 removed in
		// May) = 3; new employers: E2 (E1 first enrolled 2025) = 1; projects starting 2026:
		// J1, J2 = 2; prevention spent in 2026: 600.00; tickets on time 3 of 4 = 75.00%;
		// arrears collected 500.00 + 300.00.
		want := map[supervise.Indicator]int64{supervise.InsuredPersons: 3, supervise.NewEmployers: 1, supervise.ProjectsInsured: 2,
			supervise.PreventionSpending: 60000, supervise.TimeLimitsMet: 7500, supervise.ArrearsCollected: 80000}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("Jin'an %s = %d, want %d", k, got[k], v)
			}
		}
		city := "341500"
		for _, tg := range []supervise.TargetInput{

			tgt(city, supervise.InsuredPersons, 6),
			tgt("341502", supervise.InsuredPersons, 4), tgt("341502", supervise.NewEmployers, 1),
			tgt("341502", supervise.PreventionSpending, 100000), tgt("341502", supervise.TimeLimitsMet, 9000),
			tgt("341502", supervise.ArrearsCollected, 100000),
			tgt("341503", supervise.InsuredPersons, 2), tgt("341503", supervise.NewEmployers, 2),
			tgt("341503", supervise.TimeLimitsMet, 9000),
		} {
			if err := s.SetTarget(ctx, clerk, "341500", tg); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetTarget(ctx, clerk, "341502", tgt("341502", supervise.NewEmployers, 9)); code(err) != apperr.Forbidden {
			t.Errorf("a district setting its own target: %v", err)
		}
		ev, err := s.Evaluate(ctx, 2026, city)
		if err != nil {
			t.Fatal(err)
		}
		// Jin'an: 3/4 = 7500, 1/1 = 10000, 600/1000 = 6000, 7500/9000 = 8333, 800/1000 = 8000:
		// score (7500 + 10000 + 6000 + 8333 + 8000) / 5 = 7966.
		// Yu'an: 2/2 = 10000, 1/2 = 5000, 10000/9000 = 11111 capped 10000: score 8333.
		if len(ev.Districts) != 2 || ev.Districts[0].Region != "341503" || ev.Districts[0].Score != 8333 || ev.Districts[0].Rank != 1 ||
			ev.Districts[1].Score != 7966 || ev.Districts[1].Rank != 2 {
			t.Fatalf("ranking %+v", ev.Districts)
		}
		if ev.Whole.Figures[0].Actual != 5 || ev.Whole.Figures[0].Progress != 8333 || ev.Breakdown[supervise.InsuredPersons] != 6 {
			t.Errorf("city whole %+v breakdown %v", ev.Whole, ev.Breakdown)
		}
	})
}

func TestInstitutionAssessmentNeedsASecondPersonAndActsOnTheAgreement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &Service{DB: db, Now: at("2027-01-20 09:00")}
		d1, d2 := accepted(t, db, "W1"), accepted(t, db, "W2")
		exec(t, db, `INSERT INTO medical_institutions (code, name, region, updated_at) VALUES ('H1', '甲医院', '341502', 'x'), ('H2', '乙医院', '341503', 'x')`)
		exec(t, db, `INSERT INTO medical_agreements (institution_code, from_date, to_date, status) VALUES ('H1', '2025-01-01', '2026-12-31', 'active'), ('H2', '2025-01-01', NULL, 'active')`)
		// H1: two bills for two cases, billed 1,000.00 + 1,000.00, 100.00 refused, accepted
		// 1,900.00; one settled in 10 days, one in 40. H2: one case costing 1,000.00.
		exec(t, db, `INSERT INTO medical_bills (bill_no, channel, institution_code, determination_id, worker_id, region, state, billed, accepted, submitted_by, submitted_at, settled_on) VALUES
			('B1', 'direct', 'H1', ?, 'W1', '341502', 'settled', 100000, 90000, 'h', '2026-03-01T01:00:00Z', '2026-03-11'),
			('B2', 'direct', 'H1', ?, 'W2', '341502', 'settled', 100000, 100000, 'h', '2026-04-01T01:00:00Z', '2026-05-11'),
			('B3', 'direct', 'H2', ?, 'W1', '341503', 'settled', 100000, 100000, 'h', '2026-04-01T01:00:00Z', '2026-04-05')`, d1, d2, d1)
		exec(t, db, `INSERT INTO medical_bill_lines (bill_id, line_no, kind, code, on_date, qty, unit_price, amount, decision, accepted) VALUES
			(1, 1, 'drug', 'X', '2026-02-01', 1000, 90000, 90000, 'accept', 90000), (1, 2, 'drug', 'Z', '2026-02-01', 1000, 10000, 10000, 'refuse', 0)`)
		if _, err := s.AddComplaint(ctx, clerk, "H1", "2026-06-01", "服务态度差", true); err != nil {
			t.Fatal(err)
		}
		a, err := s.ProposeAssessment(ctx, clerk, "H1", 2026)
		if err != nil {
			t.Fatal(err)
		}
		in := a.Indicators
		// Refusal 100/2000 = 500 bp; cost 950.00 per case against peers (1,900 + 1,000) / 3 =
		// 966.66 → 9827 bp (at or under the peers: full points); one complaint; 1 of 2 on time.
		if in.RefusalBP != 500 || in.CostPerCase != 95000 || in.PeerCost != 96666 || in.CostBP != 9827 || in.Complaints != 1 || in.OnTimeBP != 5000 {
			t.Fatalf("indicators %+v", in)
		}
		// Points: refusal 300 × 1500/2000 = 225; cost 300; complaints 200 − 50 = 150; on time
		// 200 × 0.5 = 100; total 775 → B, renew.
		if a.Score.Total != 775 || a.Score.Grade != "B" || a.Score.Effect != supervise.EffectRenew || a.State != "proposed" {
			t.Fatalf("score %+v", a.Score)
		}
		if _, err := s.DecideAssessment(ctx, clerk, a.ID, a.Version, true, ""); code(err) != apperr.Forbidden {
			t.Errorf("proposer approving: %v", err)
		}
		if a, err = s.DecideAssessment(ctx, second, a.ID, a.Version, true, "同意"); err != nil || a.State != "approved" {
			t.Fatal(a.State, err)
		}
		var to string
		db.QueryRow(ctx, `SELECT to_date FROM medical_agreements WHERE institution_code = 'H1'`).Scan(&to)
		if to != "2027-12-31" {
			t.Errorf("renewed agreement ends %s, want 2027-12-31", to)
		}
		if _, err := s.ProposeAssessment(ctx, clerk, "H1", 2026); code(err) != apperr.Conflict {
			t.Errorf("re-proposing a decided assessment: %v", err)
		}
	})
}

func TestConferenceConclusionDrivesTheDetermination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &Service{DB: db, Now: at("2026-02-01 09:00")}
		det := accepted(t, db, "W1")
		members := []supervise.Member{{Name: "王科长", Position: "认定科"}, {Name: "李主任", Position: "法规科"}, {Name: "赵律师", Position: "法律顾问"}}
		n := supervise.NewConference{Entity: "determination", CaseID: det, Mark: "difficult", Question: "上下班途中是否合理路线", Members: members[:2], On: "2026-02-01"}
		if _, err := s.Convene(ctx, clerk, n); code(err) != apperr.Invalid {
			t.Errorf("two members: %v", err)
		}
		n.Members = members
		c, err := s.Convene(ctx, clerk, n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Convene(ctx, clerk, n); code(err) != apperr.Conflict {
			t.Errorf("second open conference: %v", err)
		}
		ops := []supervise.Member{{Opinion: "属合理路线", Vote: "recognise"}, {Opinion: "同意", Vote: "recognise"}, {Opinion: "", Vote: "not_recognise"}}
		if _, err := s.Hold(ctx, clerk, c.ID, c.Version, "2026-02-03", "会议纪要", ops); code(err) != apperr.Invalid {
			t.Errorf("a member without an opinion: %v", err)
		}
		ops[2].Opinion = "证据不足"
		if c, err = s.Hold(ctx, clerk, c.ID, c.Version, "2026-02-03", "会议纪要", ops); err != nil {
			t.Fatal(err)
		}
		cs := &caseservice.Service{DB: db, Audit: CaseAudit(clerk)}
		if _, err := s.Conclude(ctx, clerk, cs, c.ID, c.Version, "not_recognise", "不予认定", "2026-02-03"); code(err) != apperr.Invalid {
			t.Errorf("a minority conclusion: %v", err)
		}
		if c, err = s.Conclude(ctx, clerk, cs, c.ID, c.Version, "recognise", "认定为工伤", "2026-02-03"); err != nil {
			t.Fatal(err)
		}
		if c.State != supervise.ConfConcluded || c.Applied != "investigation" {
			t.Fatalf("conference %s applied %q", c.State, c.Applied)
		}
		d, _ := cs.Determination(ctx, det)
		if d.State != casework.DetInvestigating || len(d.Investigations) != 1 || len(d.Investigations[0].Investigators) != 3 {
			t.Errorf("case after conclusion: %s %+v", d.State, d.Investigations)
		}
		list, _ := s.Conferences(ctx, ConfFilter{Region: "341500", Worker: "W1"})
		if len(list) != 1 || list[0].Conclusion != "认定为工伤" {
			t.Errorf("conferences of W1 %+v", list)
		}
	})
}

func TestArchiveKeepsDocumentsForTheirPeriodAndDetectsAlteration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := &Service{DB: db, Now: at("2026-02-01 09:00")}
		det := accepted(t, db, "W1")
		content := []byte("%PDF-1.4 认定决定书")
		d, err := s.File(ctx, clerk, supervise.NewDocument{Entity: "determination", CaseID: det, Category: supervise.CatDetermination,
			Title: "认定工伤决定书", Source: "scan", MIME: "application/pdf", Content: content, On: "2026-02-01"})
		if err != nil {
			t.Fatal(err)
		}
		if d.RetainYears != 50 || d.RetainUntil != "2076-02-01" || d.SHA256 != supervise.Hash(content) || d.CaseNo == "" || d.WorkerID != "W1" {
			t.Fatalf("filed %+v", d)
		}
		big := make([]byte, supervise.MaxDocumentBytes+1)
		if _, err := s.File(ctx, clerk, supervise.NewDocument{Entity: "determination", CaseID: det, Category: supervise.CatDetermination,
			Title: "x", Source: "upload", Content: big, On: "2026-02-01"}); code(err) != apperr.Invalid {
			t.Errorf("oversized document: %v", err)
		}
		_, got, err := s.Read(ctx, second, d.ID, "复核")
		if err != nil || string(got) != string(content) {
			t.Fatal(err)
		}
		reads, _ := s.Reads(ctx, d.ID)
		if len(reads) != 1 || reads[0].Reader != "second" {
			t.Errorf("reads %+v", reads)
		}
		var audited int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'archive.read' AND entity_id = ?`, strconv.FormatInt(d.ID, 10)).Scan(&audited)
		if audited != 1 {
			t.Errorf("read audited %d times", audited)
		}
		// Deleting before the end of the period is refused.
		s.Now = at("2076-01-31 09:00")
		if err := s.Dispose(ctx, clerk, d.ID); code(err) != apperr.Conflict {
			t.Errorf("dispose a day early: %v", err)
		}
		// An altered document is found.
		if bad, n, err := s.Verify(ctx, "341500"); err != nil || n != 1 || len(bad) != 0 {
			t.Fatalf("intact archive: %v %d %v", bad, n, err)
		}
		exec(t, db, `UPDATE archive_documents SET content = ? WHERE id = ?`, []byte("%PDF-1.4 不予认定"), d.ID)
		bad, _, err := s.Verify(ctx, "341500")
		if err != nil || len(bad) != 1 || bad[0].ID != d.ID || bad[0].Actual == d.SHA256 {
			t.Fatalf("altered document not found: %+v %v", bad, err)
		}
		// Once the period has ended it may go; the record stays.
		s.Now = at("2076-02-01 09:00")
		if err := s.Dispose(ctx, clerk, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Read(ctx, clerk, d.ID, ""); code(err) != apperr.NotFound {
			t.Errorf("reading a disposed document: %v", err)
		}
		rep, err := s.Retention(ctx, "341500")
		if err != nil || len(rep) != 1 || rep[0].Disposed != 1 || rep[0].UntilYear != "2076" {
			t.Errorf("retention %+v %v", rep, err)
		}
	})
}

func tgt(region string, ind supervise.Indicator, v int64) supervise.TargetInput {
	return supervise.TargetInput{Year: 2026, Region: region, Indicator: ind, Value: v}
}
