package caseservice

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"wiis/internal/casework"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

var ctx = context.Background()

func d(s string) casework.Date  { return casework.MustDate(s) }
func at(s string) casework.Act  { return casework.Act{On: d(s)} }
func fixedNow() time.Time       { return time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC) }
func seed() casework.Seed       { return casework.Seed{42, 7} }
func svc(db *store.DB) *Service { return &Service{DB: db, Now: fixedNow, Seed: seed} }

func application(region, handler, received string) casework.Application {
	return casework.Application{Region: region, Team: "认定科", Handler: handler, ApplicantKind: casework.ApplicantEmployer,
		WorkerID: "W1", WorkerName: "李四", EmployerUSCC: "EMP", EventKind: casework.EventAccident,
		EventDate: d(received).AddDays(-5), ReceivedOn: d(received)}
}

// accepted opens a determination and takes it to acceptance on the day of receipt.
func accepted(t *testing.T, s *Service, region, handler, received string) casework.Determination {
	t.Helper()
	c, err := s.OpenDetermination(ctx, "clerk", application(region, handler, received))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range casework.RequiredMaterials(false) {
		if c, err = s.ActOnDetermination(ctx, "clerk", c.ID, c.Version, casework.ReceiveMaterial{Act: at(received), Kind: k, FileRef: "file-" + k}); err != nil {
			t.Fatal(err)
		}
	}
	if c, err = s.ActOnDetermination(ctx, handler, c.ID, c.Version, casework.Accept{Act: at(received)}); err != nil {
		t.Fatal(err)
	}
	return c
}

func closedWorkInjury(t *testing.T, s *Service) casework.Determination {
	t.Helper()
	c := accepted(t, s, "341500", "zhang", "2026-01-05")
	steps := []casework.DetAction{
		casework.Decide{Act: at("2026-01-20"), Finding: casework.OutcomeWorkInjury, Article: 14, Item: 1, Reasons: "因工受伤"},
		casework.Deliver{Act: at("2026-01-22"), Party: casework.PartyWorker, Method: "direct"},
		casework.Deliver{Act: at("2026-01-23"), Party: casework.PartyEmployer, Method: "post"},
	}
	var err error
	for _, a := range steps {
		if c, err = s.ActOnDetermination(ctx, "zhang", c.ID, c.Version, a); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestSeededLimitsNationalAndLuan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cases := []struct {
			region, on string
			decide     int
		}{
			{"320400", "2026-01-01", 60}, // Changzhou: the statute
			{"341500", "2026-01-01", 30}, // Lu'an's promise
			{"341502", "2026-01-01", 30}, // a Lu'an district inherits it
			{"341500", "2016-12-31", 60}, // before Lu'an's promise
		}
		for _, c := range cases {
			lim, err := LoadLimits(ctx, db, c.region, d(c.on))
			if err != nil {
				t.Fatal(err)
			}
			if lim.Determination.DecideDays != c.decide || lim.Determination.ReviewDays != 15 || lim.DueSoonDays != 5 ||
				lim.Assessment.ConcludeDays != 60 || lim.Advance.EmployerPayWorkdays != 5 {
				t.Errorf("%s on %s: %+v", c.region, c.on, lim)
			}
		}
		if _, err := LoadLimits(ctx, db, "341500", d("2010-01-01")); err == nil {
			t.Error("no limits before 2011: want an error, not zero days")
		}
	})
}

func TestDeterminationRoundTripsAndUsesTheRegionsPromise(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var audited []string
		s := svc(db)
		s.Audit = func(ctx context.Context, tx *store.Tx, entity, id string, before, after any) error {
			audited = append(audited, entity+"/"+id)
			return nil
		}
		c := accepted(t, s, "341502", "zhang", "2026-01-31")
		if c.CaseNo != "RD341502-2026-00001" || c.Version != 5 {
			t.Errorf("case %s version %d", c.CaseNo, c.Version)
		}
		st, _ := c.Current()
		if st.Name != casework.StepDecide || st.Due.String() != "2026-03-02" {
			t.Errorf("Lu'an decides in 30 days from Jan 31: %+v", st)
		}
		got, err := s.Determination(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Materials) != 3 || got.Materials[0].FileRef != "file-application_form" || len(got.Steps) != 2 ||
			len(got.Events) != 5 || got.Events[4].By != "zhang" || got.Events[4].Action != "accept" || got.State != casework.DetAccepted {
			t.Errorf("reloaded %+v", got)
		}
		if len(audited) != 5 || audited[0] != "determination/"+itoa(c.ID) {
			t.Errorf("every change audited in its transaction: %v", audited)
		}
		h, err := s.History(ctx, EntityDetermination, c.ID)
		if err != nil || len(h) != 5 || h[0].At != "2026-03-10T08:00:00Z" || h[0].By != "clerk" {
			t.Errorf("history %+v %v", h, err)
		}
		c2, _ := s.OpenDetermination(ctx, "clerk", application("341502", "li", "2026-02-01"))
		if c2.CaseNo != "RD341502-2026-00002" {
			t.Errorf("numbers run on: %s", c2.CaseNo)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestStaleVersionIsAConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		c := accepted(t, s, "341500", "zhang", "2026-03-02")
		// Two officers read the case at the same version; the second save must fail.
		first, err := s.ActOnDetermination(ctx, "zhang", c.ID, c.Version, casework.Suspend{Act: at("2026-03-05"), Reason: "等待法院判决"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ActOnDetermination(ctx, "wang", c.ID, c.Version, casework.Investigate{Act: at("2026-03-05"), Investigators: []string{"wang", "li"}, Record: "r"})
		if casework.CodeOf(err) != casework.CodeConflict {
			t.Errorf("stale update: %v", err)
		}
		now, _ := s.Determination(ctx, c.ID)
		if now.State != casework.DetSuspended || now.Version != first.Version || len(now.Events) != len(first.Events) {
			t.Errorf("the conflicting change left no trace: %s v%d", now.State, now.Version)
		}
		if _, err := s.ActOnDetermination(ctx, "x", 9999, 1, casework.Resume{Act: at("2026-03-06")}); casework.CodeOf(err) != casework.CodeNotFound {
			t.Errorf("missing case: %v", err)
		}
	})
}

func TestStaleUpdateIsRefusedByTheUpdateItself(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		c := accepted(t, s, "341500", "zhang", "2026-03-02")
		// Past the version check in act (as when another transaction commits in between), the
		// UPDATE's own WHERE version = ? still refuses the write.
		err := db.InTx(ctx, func(tx *store.Tx) error {
			next := c
			next.Team = "二组"
			stale := c
			stale.Version--
			return saveDetermination(ctx, tx, stale, next, "2026-03-03T00:00:00Z")
		})
		if casework.CodeOf(err) != casework.CodeConflict {
			t.Errorf("update with a stale version: %v", err)
		}
	})
}

func TestAuditFailureRollsBackTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		c := accepted(t, s, "341500", "zhang", "2026-03-02")
		s.Audit = func(context.Context, *store.Tx, string, string, any, any) error { return errors.New("audit down") }
		if _, err := s.ActOnDetermination(ctx, "zhang", c.ID, c.Version, casework.Suspend{Act: at("2026-03-05"), Reason: "r"}); err == nil {
			t.Fatal("want the audit error")
		}
		now, _ := s.Determination(ctx, c.ID)
		if now.State != casework.DetAccepted || now.Version != c.Version {
			t.Errorf("the change must roll back with its audit record: %s v%d", now.State, now.Version)
		}
	})
}

func TestRefusedTransitionChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		c := accepted(t, s, "341500", "zhang", "2026-03-02")
		_, err := s.ActOnDetermination(ctx, "zhang", c.ID, c.Version, casework.Deliver{Act: at("2026-03-05"), Party: casework.PartyWorker, Method: "direct"})
		if casework.CodeOf(err) != casework.CodeInvalid || casework.FieldOf(err) != "state" {
			t.Errorf("deliver before a decision: %v", err)
		}
		if now, _ := s.Determination(ctx, c.ID); now.Version != c.Version {
			t.Error("version moved")
		}
	})
}

func addPool(t *testing.T, s *Service) []casework.Expert {
	t.Helper()
	var out []casework.Expert
	for i, spec := range []string{"orthopedics", "orthopedics", "neurology", "neurology", "surgery", "surgery"} {
		e := casework.Expert{Region: "341500", Name: "专家" + spec, Specialties: []string{spec}, Active: true}
		if i == 0 {
			e.Conflicts = []casework.Conflict{{Kind: casework.ConflictEmployer, Ref: "EMP"}}
		}
		if i == 2 {
			e.Conflicts = []casework.Conflict{{Kind: casework.ConflictPerson, Ref: "W1"}}
		}
		e, err := s.AddExpert(ctx, "secretary", e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestAssessmentDrawIsRecordedAndReplays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		det := closedWorkInjury(t, s)
		experts := addPool(t, s)
		pool, err := s.Experts(ctx, "341500")
		if err != nil || len(pool) != 6 || len(pool[0].Conflicts) != 1 {
			t.Fatalf("pool %+v %v", pool, err)
		}
		a, err := s.OpenAssessment(ctx, "secretary", casework.AssessmentApplication{Region: "341500", Team: "鉴定科", Handler: "li",
			Kind: casework.AsmtInitial, ApplicantKind: casework.ApplicantWorker, WorkerID: "W1", EmployerUSCC: "EMP",
			AppliedOn: d("2026-03-02"), PanelSize: 3, Specialties: []string{"orthopedics", "neurology", "surgery"}, DeterminationID: det.ID, AfterTreatment: true})
		if err != nil {
			t.Fatal(err)
		}
		if a, err = s.ActOnAssessment(ctx, "li", a.ID, a.Version, casework.ConfirmMaterials{Act: at("2026-03-03")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActOnAssessment(ctx, "li", a.ID, a.Version, casework.RecordDraw{Act: at("2026-03-04")}); casework.FieldOf(err) != "action" {
			t.Errorf("a draw cannot be passed in: %v", err)
		}
		a, err = s.DrawPanel(ctx, "li", a.ID, a.Version, d("2026-03-04"))
		if err != nil {
			t.Fatal(err)
		}
		if a.State != casework.AsmtExamining || a.Draw == nil || len(a.Draw.Panel) != 3 {
			t.Fatalf("after the draw: %s %+v", a.State, a.Draw)
		}
		for _, id := range a.Draw.Panel {
			if id == experts[0].ID || id == experts[2].ID {
				t.Errorf("conflicted expert %d drawn", id)
			}
		}
		draws, err := s.Draws(ctx, a.ID)
		if err != nil || len(draws) != 1 {
			t.Fatalf("draws %v %v", draws, err)
		}
		rec := draws[0]
		if rec.Seed != seed() || rec.Actor != "li" || len(rec.Excluded) != 2 || len(rec.Candidates) != 4 {
			t.Errorf("recorded draw %+v", rec)
		}
		replayed, err := rec.Replay()
		if err != nil || !slices.Equal(replayed, rec.Panel) || !slices.Equal(rec.Panel, a.Draw.Panel) {
			t.Errorf("replay %v, recorded %v, case %v", replayed, rec.Panel, a.Draw.Panel)
		}
	})
}

func TestTooFewExpertsRecordsNoDraw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		det := closedWorkInjury(t, s)
		addPool(t, s)
		a, err := s.OpenAssessment(ctx, "secretary", casework.AssessmentApplication{Region: "341500", Kind: casework.AsmtInitial,
			ApplicantKind: casework.ApplicantEmployer, WorkerID: "W1", EmployerUSCC: "EMP", AppliedOn: d("2026-03-02"),
			PanelSize: 5, DeterminationID: det.ID, AfterTreatment: true})
		if err != nil {
			t.Fatal(err)
		}
		a, _ = s.ActOnAssessment(ctx, "li", a.ID, a.Version, casework.ConfirmMaterials{Act: at("2026-03-03")})
		if _, err := s.DrawPanel(ctx, "li", a.ID, a.Version, d("2026-03-04")); casework.FieldOf(err) != "experts" {
			t.Errorf("4 eligible for 5 seats: %v", err)
		}
		if draws, _ := s.Draws(ctx, a.ID); len(draws) != 0 {
			t.Error("a failed draw leaves no record")
		}
	})
}

func TestAssessmentNeedsAWorkInjuryDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		open := accepted(t, s, "341500", "zhang", "2026-01-05") // not yet decided
		_, err := s.OpenAssessment(ctx, "secretary", casework.AssessmentApplication{Region: "341500", Kind: casework.AsmtInitial,
			ApplicantKind: casework.ApplicantWorker, WorkerID: "W1", AppliedOn: d("2026-03-02"), PanelSize: 3,
			DeterminationID: open.ID, WorkInjury: true, AfterTreatment: true})
		if casework.FieldOf(err) != "determination_id" {
			t.Errorf("the caller's flag is not trusted: %v", err)
		}
	})
}

func TestRecoveryLedgerStoredAndBalanced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		det := closedWorkInjury(t, s)
		c, err := s.OpenAdvance(ctx, "zhao", casework.AdvanceApplication{Region: "341500", Handler: "zhao", Ground: casework.GroundUninsuredEmployer,
			WorkerID: "W1", EmployerUSCC: "EMP", AppliedOn: d("2026-03-02"), DeterminationID: det.ID, Reason: "用人单位拒绝支付"})
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			who string
			x   casework.AdvAction
		}{
			{"zhao", casework.NotifyEmployer{Act: at("2026-03-03")}},
			{"zhao", casework.PayAdvance{Act: at("2026-03-11"), Amount: money.Yuan(8000), Items: "医疗费"}},
			{"zhao", casework.Demand{Act: at("2026-03-20"), Amount: money.Yuan(8000)}},
			{"zhao", casework.Recover{Act: at("2026-04-20"), Amount: money.Yuan(5000)}},
			{"zhao", casework.ProposeWriteOff{Act: at("2026-05-20"), Amount: money.Yuan(1000), Reason: "部分无法追回"}},
			{"qian", casework.ApproveWriteOff{Act: at("2026-05-21"), Seq: 4}},
		}
		for _, st := range steps {
			if c, err = s.ActOnAdvance(ctx, st.who, c.ID, c.Version, st.x); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Advance(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		l := got.Ledger()
		if l.Balance != money.Yuan(2000) || l.WrittenOff != money.Yuan(1000) || got.Entries[3].ApprovedBy != "qian" {
			t.Errorf("ledger %+v entries %+v", l, got.Entries)
		}
		var balance int64
		if err := db.QueryRow(ctx, `SELECT balance FROM advance_cases WHERE id = ?`, c.ID).Scan(&balance); err != nil || balance != 200000 {
			t.Errorf("stored balance %d %v", balance, err)
		}
		if _, err := s.ActOnAdvance(ctx, "zhao", c.ID, got.Version, casework.Recover{Act: at("2026-06-01"), Amount: money.Yuan(2001)}); casework.FieldOf(err) != "amount" {
			t.Errorf("over-recovery: %v", err)
		}
		// The advance paid and the money recovered are posted to the fund ledger; demands and
		// write-offs move no money.
		for _, w := range []struct {
			source, account string
			fen             int64
		}{{LedgerSourceAdvance, "expense:advance", 800000}, {LedgerSourceRecovery, "income:recovery", 500000}} {
			if n := count(t, db, `SELECT COUNT(*) FROM ledger_postings p JOIN ledger_lines l ON l.posting_id = p.id
				WHERE p.source = ? AND p.unit = '341500' AND l.account = ? AND l.debit + l.credit = ?`, w.source, w.account, w.fen); n != 1 {
				t.Errorf("%s: %d postings", w.source, n)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM ledger_postings`); n != 2 {
			t.Errorf("%d postings", n)
		}
	})
}

func TestOfficeViewsClassifyDueSoonAndOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		// Lu'an: decide in 30 days. Accepted Feb 1 → due Mar 3; Feb 20 → Mar 22; Mar 1 → Mar 31.
		accepted(t, s, "341502", "zhang", "2026-02-01")
		accepted(t, s, "341502", "zhang", "2026-02-20")
		accepted(t, s, "341503", "wang", "2026-03-01")
		// Changzhou (statute, 60 days): Jan 10 → Mar 11; outside Lu'an's view.
		accepted(t, s, "320400", "zhou", "2026-01-10")
		sus := accepted(t, s, "341502", "wang", "2026-02-01")
		if _, err := s.ActOnDetermination(ctx, "wang", sus.ID, sus.Version, casework.Suspend{Act: at("2026-02-10"), Reason: "r"}); err != nil {
			t.Fatal(err)
		}
		on := d("2026-03-18")
		items, err := s.Deadlines(ctx, Filter{Region: "341500"}, on)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Handler+":"+it.Due.String()+":"+string(it.Status))
		}
		want := []string{"zhang:2026-03-03:overdue", "zhang:2026-03-22:due_soon", "wang:2026-03-31:due"}
		if !slices.Equal(got, want) {
			t.Errorf("Lu'an's view on %s: %v, want %v", on, got, want)
		}
		if items, _ := s.Deadlines(ctx, Filter{Region: "341500", Handler: "wang"}, on); len(items) != 1 {
			t.Errorf("a handler's view: %v", items)
		}
		counts, err := s.DeadlineCounts(ctx, Filter{}, on, ByHandler)
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := []DeadlineCount{{"wang", 1, 0, 0}, {"zhang", 0, 1, 1}, {"zhou", 0, 0, 1}}
		if !slices.Equal(counts, wantCounts) {
			t.Errorf("counts %+v, want %+v", counts, wantCounts)
		}
		offices, _ := s.DeadlineCounts(ctx, Filter{Region: "340000"}, on, ByOffice)
		if len(offices) != 2 || offices[0].Key != "341502" || offices[1].Key != "341503" {
			t.Errorf("by office: %+v", offices)
		}
		if _, err := s.DeadlineCounts(ctx, Filter{}, on, "x; DROP TABLE"); casework.CodeOf(err) != casework.CodeInvalid {
			t.Errorf("a bad grouping: %v", err)
		}
	})
}
