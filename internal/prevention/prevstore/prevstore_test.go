package prevstore

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/prevention"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

var (
	ctx     = context.Background()
	officer = audit.Actor{Username: "prev1"}
	staff   = Viewer{Actor: officer, Roles: []auth.Role{auth.PreventionOfficer}}
	teller  = Viewer{Actor: audit.Actor{Username: "teller1"}, Roles: []auth.Role{auth.Teller}}
)

func exec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

const (
	e1 = "91341500MA00000001"
	e2 = "91341500MA00000002"
)

// seed: two construction employers (division 47) in Lu'an's Jin'an district in 2024.
//
//	e1: P1 insured Jan–Dec, P2 Jan–Jun (removed in June) → 18 person-months; one claim of P1 in
//	    March; 1,000 yuan contributions; 500 yuan paid to P1 in May.
//	e2: P3 insured since July 2023 → 12 person-months; no claim; 1,000 yuan contributions.
//
// By hand: e1 1 × 12000 ÷ 18 = 666.67 per 1,000, ratio 0.50; e2 0.00 and 0.00; the class
// 1 × 12000 ÷ 30 = 400.00, ratio 500 ÷ 2000 = 0.25. So e1 is a target on accidents and
// expenditure, e2 is not.
func seed(t *testing.T, db *store.DB) {
	for _, e := range []string{e1, e2} {
		exec(t, db, `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, ?, '341502', '4710', 'active')`, e, "单位"+e[len(e)-1:])
	}
	for _, ev := range [][]string{
		{"P1", e1, "add", "2024-01"}, {"P2", e1, "add", "2024-01"}, {"P2", e1, "remove", "2024-06"}, {"P3", e2, "add", "2023-07"},
	} {
		exec(t, db, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES (?, ?, ?, ?, '2024-01-05', 500000)`, ev[0], ev[1], ev[2], ev[3])
	}
	exec(t, db, `INSERT INTO claims (claim_no, id_number, uscc, injury_at) VALUES ('C1', 'P1', ?, '2024-03-10T09:30')`, e1)
	exec(t, db, `INSERT INTO payments (id_number, item, month, amount) VALUES ('P1', 'medical', '2024-05', 50000)`)
	exec(t, db, `INSERT INTO contributions_collected (uscc, month, amount, collected_on) VALUES (?, '2024-01', 100000, '2024-02-15'), (?, '2024-01', 100000, '2024-02-15')`, e1, e2)
}

func TestTargetingRanksEmployersFromTheStoredData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		r, err := EmployerRanking(ctx, db, "341500", 2024)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Entries) != 2 || r.Entries[0].Key != e1 {
			t.Fatalf("entries: %+v", r.Entries)
		}
		a, b := r.Entries[0], r.Entries[1]
		if a.PersonMonths != 18 || a.Claims != 1 || a.Benefits != money.Yuan(500) || a.Contributions != money.Yuan(1000) {
			t.Errorf("e1 figures: %+v", a.Figures)
		}
		if a.AccidentRate != "666.67" || a.ExpenditureRatio != "0.50" || a.ClassAverage.AccidentRate != "400.00" || a.ClassAverage.ExpenditureRatio != "0.25" {
			t.Errorf("e1 rates: %s %s vs %s %s", a.AccidentRate, a.ExpenditureRatio, a.ClassAverage.AccidentRate, a.ClassAverage.ExpenditureRatio)
		}
		if !a.Target || !slices.Equal(a.Above, []prevention.Indicator{prevention.AccidentRateAbove, prevention.ExpenditureRatioAbove}) {
			t.Errorf("e1 above: %v", a.Above)
		}
		if b.PersonMonths != 12 || b.AccidentRate != "0.00" || b.Target {
			t.Errorf("e2: %+v", b)
		}
		ts, err := Targets(ctx, db, "341500", 2024)
		if err != nil || len(ts) != 1 || ts[0].Key != e1 {
			t.Fatalf("targets: %v %v", ts, err)
		}
		ind, err := IndustryRanking(ctx, db, "340000", 2024)
		if err != nil || len(ind.Entries) != 1 || ind.Entries[0].Key != "47" || ind.Entries[0].PersonMonths != 30 || ind.Entries[0].AccidentRate != "400.00" {
			t.Fatalf("industries: %+v %v", ind.Entries, err)
		}
		if other, _ := EmployerRanking(ctx, db, "320400", 2024); len(other.Entries) != 0 {
			t.Errorf("another region sees these employers: %v", other.Entries)
		}
	})
}

func TestPreventionSpendingPostsToTheLedgerWithinTheCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		// Last year's contribution income of the unit 341500: 1,000,000 yuan → cap 30,000.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := ledger.Post(ctx, tx, officer, "collection", "t:2024", fund.Income("341500", "2024-06-30", "contributions", money.Yuan(1000000), "2024征缴"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		id, err := CreateProject(ctx, db, officer, prevention.Project{Region: "341502", Year: 2025, Name: "建筑施工安全培训", Type: "training",
			Provider: "六安安培中心", Budget: money.Yuan(40000), StartOn: "2025-03-01", EndOn: "2025-05-31", Targets: []string{e1}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Spend(ctx, db, officer, id, "2025-03-10", money.Yuan(20000), ""); err != nil {
			t.Fatal(err)
		}
		s, err := Spend(ctx, db, officer, id, "2025-04-10", money.Yuan(10000), "")
		if err != nil || s.Flagged || s.Position.Spent != money.Yuan(30000) || s.Position.Cap != money.Yuan(30000) {
			t.Fatalf("at the cap: %+v %v", s, err)
		}
		_, err = Spend(ctx, db, officer, id, "2025-04-11", 1, "")
		if e := apperr.As(err); e.Code != apperr.Invalid || e.Field != "amount" {
			t.Fatalf("one fen over the cap: %v", err)
		}
		bs, err := ledger.TrialBalance(ctx, db, "341500", "2025-01-01", "2025-12-31")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.Account == "expense:prevention" && b.Net() != money.Yuan(30000) {
				t.Errorf("ledger prevention expenditure %s, want 30000.00 (the refused spending must not post)", b.Net())
			}
		}
		// A province that lets projects run over the cap pending approval: flagged, posted.
		raw, _ := json.Marshal(prevention.FeePolicy{CapPct: "3", OverCap: "flag"})
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := policy.Put(ctx, tx, policy.Value{Region: "340000", Param: "prevention_fee", EffectiveFrom: "2025-01-01", Raw: raw, CreatedBy: "t", CreatedAt: "2025-01-01T00:00:00Z"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s, err = Spend(ctx, db, officer, id, "2025-05-10", money.Yuan(5000), "")
		if err != nil || !s.Flagged || len(s.Position.Warnings) == 0 {
			t.Fatalf("flag policy: %+v %v", s, err)
		}
		if _, err := Spend(ctx, db, officer, id, "2025-05-11", money.Yuan(5000)+1, ""); apperr.As(err).Field != "amount" {
			t.Fatalf("over the project budget: %v", err)
		}
		pos, err := FeePosition(ctx, db, "341502", 2025)
		if err != nil || pos.Spent != money.Yuan(35000) || pos.Training != money.Yuan(35000) || pos.LastYearIncome != money.Yuan(1000000) {
			t.Fatalf("position: %+v %v", pos, err)
		}
		p, err := GetProject(ctx, db, id)
		if err != nil || p.Spent != money.Yuan(35000) || !slices.Equal(p.Targets, []string{e1}) {
			t.Fatalf("project: %+v %v", p, err)
		}
		if err := RecordResults(ctx, db, officer, id, p.Version, 120, 118, "120人完成培训"); err != nil {
			t.Fatal(err)
		}
		if err := RecordResults(ctx, db, officer, id, p.Version, 1, 1, "stale"); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale version: %v", err)
		}
		if _, err := CreateProject(ctx, db, officer, prevention.Project{Region: "341502", Year: 2025, Name: "x", Type: "publicity", Provider: "y",
			Budget: 1, StartOn: "2025-01-01", EndOn: "2025-01-02", Targets: []string{"nobody"}}); apperr.As(err).Field != "targets" {
			t.Fatalf("unknown target: %v", err)
		}
		// The trained employer's rate before (2024-03..2025-02) and after (2025-06..2025-12).
		ba, err := ProjectBeforeAfter(ctx, db, id, "2025-12")
		if err != nil || len(ba.Rows) != 1 || ba.Rows[0].Before.Claims != 1 || ba.Rows[0].After.Claims != 0 || ba.Rows[0].After.To != "2025-12" {
			t.Fatalf("before/after: %+v %v", ba, err)
		}
		eff, err := PreventionEffect(ctx, db, "341500", 2025, 2026, "region")
		if err != nil {
			t.Fatal(err)
		}
		var reached2026 bool
		for _, pt := range eff {
			if pt.Year == 2026 && pt.Reached && pt.Employers == 1 {
				reached2026 = true
			}
			if pt.Year == 2025 && pt.Reached {
				t.Errorf("2025: a project starting in 2025 does not count as reached yet: %+v", pt)
			}
		}
		if !reached2026 {
			t.Errorf("2026 has no reached group: %+v", eff)
		}
	})
}

func TestSurveillanceFlagsFollowsUpAndLinksTheDetermination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		if _, err := DeclareHazard(ctx, db, officer, Hazard{USCC: e2, Factor: "dust", Detail: "矽尘", Workers: 40, DeclaredOn: "2024-01-10"}); err != nil {
			t.Fatal(err)
		}
		exam := Exam{IDNumber: "P3", USCC: e2, Kind: "on_the_job", ExamOn: "2024-04-01", Institution: "六安市职业病防治院",
			Hazards: []string{"dust"}, Result: "suspected", Findings: "双肺小阴影", Disease: "尘肺病"}
		if _, err := RecordExam(ctx, db, teller, exam); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("a teller may not record health data: %v", err)
		}
		if _, err := RecordExam(ctx, db, staff, exam); err != nil {
			t.Fatal(err)
		}
		if _, err := Exams(ctx, db, teller, "P3"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("a teller may not read exams: %v", err)
		}
		ex, err := Exams(ctx, db, Viewer{Roles: []auth.Role{auth.DeterminationOfficer}}, "P3")
		if err != nil || len(ex) != 1 || ex[0].Disease != "尘肺病" || ex[0].Findings != "双肺小阴影" {
			t.Fatalf("exams: %+v %v", ex, err)
		}
		sus, err := Suspects(ctx, db, staff, e2)
		if err != nil || len(sus) != 1 || sus[0].State != "flagged" {
			t.Fatalf("suspects: %+v %v", sus, err)
		}
		s := sus[0]
		s, err = FollowUpSuspect(ctx, db, staff, s.ID, s.Version, FollowUp{To: "diagnosing", On: "2024-04-10", Measure: "调离粉尘岗位"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := FollowUpSuspect(ctx, db, staff, s.ID, s.Version, FollowUp{To: "confirmed", On: "2024-08-01"}); apperr.As(err).Field != "claim_no" {
			t.Fatalf("confirmation without a claim: %v", err)
		}
		exec(t, db, `INSERT INTO claims (claim_no, id_number, uscc, injury_at) VALUES ('C2', 'P3', ?, '2024-08-01T00:00')`, e2)
		if _, err := FollowUpSuspect(ctx, db, staff, s.ID, s.Version-1, FollowUp{To: "confirmed", On: "2024-08-01", ClaimNo: "C2"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale version: %v", err)
		}
		if s, err = FollowUpSuspect(ctx, db, staff, s.ID, s.Version, FollowUp{To: "confirmed", On: "2024-08-01", ClaimNo: "C2"}); err != nil || s.ClaimNo != "C2" {
			t.Fatalf("confirm: %+v %v", s, err)
		}
		if _, err := FollowUpSuspect(ctx, db, staff, s.ID, s.Version, FollowUp{To: "excluded", On: "2024-09-01"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("a confirmed case cannot be excluded: %v", err)
		}
		r, err := EmployerRanking(ctx, db, "341500", 2024)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Entries {
			if e.Key == e2 && (e.ODCases != 1 || e.Claims != 1) {
				t.Errorf("e2 has one occupational-disease case: %+v", e.Figures)
			}
		}
		if _, err := AddFileEntry(ctx, db, officer, FileEntry{USCC: e2, Kind: "visit", On: "2024-05-01", Summary: "入企指导防尘措施"}); err != nil {
			t.Fatal(err)
		}
		f, err := GetEmployerFile(ctx, db, e2)
		if err != nil || len(f.Hazards) != 1 || len(f.Entries) != 1 || len(f.Accidents) != 1 || !f.Accidents[0].OD || f.OpenSuspects != 0 {
			t.Fatalf("file: %+v %v", f, err)
		}
	})
}

func TestRehabilitationCaseStoredWithOptimisticLocking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		if err := SaveInstitution(ctx, db, officer, Institution{Code: "R1", Name: "六安康复医院", Region: "341500", Capacity: 80}); err != nil {
			t.Fatal(err)
		}
		open := prevention.RehabCase{Region: "341502", WorkerID: "P1", Employer: e1, ClaimNo: "C1", Origin: "screening", Screening: "determination",
			Injury: "右腕骨折术后", OpenedOn: "2024-04-01"}
		if _, err := OpenRehab(ctx, db, teller, open); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("teller: %v", err)
		}
		c, err := OpenRehab(ctx, db, staff, open)
		if err != nil || c.State != prevention.Proposed {
			t.Fatalf("open: %+v %v", c, err)
		}
		steps := []prevention.RehabStep{
			{Action: prevention.ActApply, On: "2024-04-02"},
			{Action: prevention.ActAssessValue, On: "2024-04-05", HasValue: true, Note: "有康复价值"},
			{Action: prevention.ActApprove, On: "2024-04-06", Institution: "R1"},
			{Action: prevention.ActStart, On: "2024-04-08", Plan: prevention.Plan{Mode: "inpatient", Items: []string{"PT", "OT"}, Days: 30}},
			{Action: prevention.ActProgress, On: "2024-04-20", Note: "握力改善"},
			{Action: prevention.ActExtend, On: "2024-05-05", Days: 14, Note: "功能未达标"},
			{Action: prevention.ActEvaluateEffect, On: "2024-05-20", Scale: "Barthel", ScoreBefore: 55, ScoreAfter: 90},
			{Action: prevention.ActReturnToWork, On: "2024-06-01", Return: "other_job", ReturnedOn: "2024-06-01", Adjustments: "调至质检岗"},
		}
		for _, st := range steps {
			n, err := StepRehab(ctx, db, staff, c.ID, c.Version, st)
			if err != nil {
				t.Fatalf("%s: %v", st.Action, err)
			}
			if _, err := StepRehab(ctx, db, staff, c.ID, c.Version, prevention.RehabStep{Action: prevention.ActWithdraw, On: st.On}); apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("after %s the old version must conflict: %v", st.Action, err)
			}
			c = n
		}
		got, evs, err := GetRehab(ctx, db, staff, c.ID)
		if err != nil || got.State != prevention.Closed || got.Plan.EndOn != "2024-05-21" || *got.ScoreAfter != 90 || len(evs) != len(steps)+1 || got.Version != int64(len(steps)+1) {
			t.Fatalf("case: %+v events %d %v", got, len(evs), err)
		}
		if _, err := StepRehab(ctx, db, staff, c.ID, c.Version, prevention.RehabStep{Action: prevention.ActProgress, On: "2024-07-01", Note: "x"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("a closed case takes no step: %v", err)
		}
		list, err := ListRehab(ctx, db, staff, "341500", "closed")
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
		rtw, err := ReturnToWork(ctx, db, "340000", 2024, 2024, "industry")
		if err != nil || len(rtw) != 1 || rtw[0].Group != "47" || rtw[0].OtherJob != 1 || rtw[0].Share != "100.0" {
			t.Fatalf("return to work: %+v %v", rtw, err)
		}
	})
}

func TestCommitteeMembersMeetingsAndDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m1, err := AddMember(ctx, db, officer, Member{Region: "341500", Name: "张三", Department: "市人社局", FromOn: "2024-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := AddMember(ctx, db, officer, Member{Region: "341500", Name: "李四", Department: "市应急管理局", FromOn: "2023-01-01", ToOn: "2023-12-31"}); err != nil {
			t.Fatal(err)
		}
		if _, err := RecordMeeting(ctx, db, officer, Meeting{Region: "341500", HeldOn: "2024-03-01", Topic: "年度重点行业", Attendees: []int64{m1},
			Exchanged: "建筑业事故上升", Decisions: []Decision{{Decision: "开展建筑业培训", Responsible: "市人社局"}, {Decision: "矿山体检", DueOn: "2024-09-30"}}}); err != nil {
			t.Fatal(err)
		}
		c, err := GetCommittee(ctx, db, "341500", "2024-06-01")
		if err != nil || len(c.Members) != 1 || len(c.Meetings) != 1 || len(c.Meetings[0].Decisions) != 2 || c.Meetings[0].Attendees[0] != m1 {
			t.Fatalf("committee: %+v %v", c, err)
		}
	})
}
