package casework

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func pool() []Expert {
	specs := []string{"orthopedics", "neurology", "ophthalmology", "surgery"}
	var out []Expert
	for i := 1; i <= 12; i++ {
		e := Expert{ID: int64(i), Region: "341500", Name: fmt.Sprintf("专家%d", i), Active: true,
			Specialties: []string{specs[i%len(specs)]}}
		out = append(out, e)
	}
	out[0].Conflicts = []Conflict{{Kind: ConflictEmployer, Ref: "EMP"}}  // id 1
	out[1].Conflicts = []Conflict{{Kind: ConflictPerson, Ref: "WORKER"}} // id 2
	out[2].Conflicts = []Conflict{{Kind: ConflictHospital, Ref: "HOSP"}} // id 3
	out[3].Active = false                                                // id 4
	return out
}

var req = DrawRequest{Size: 3, Specialties: []string{"orthopedics", "neurology"}, EmployerUSCC: "EMP", WorkerID: "WORKER", Hospital: "HOSP"}

func TestDrawNeverPicksConflictedOrInactiveExpertsOverManySeeds(t *testing.T) {
	banned := []int64{1, 2, 3, 4}
	for i := uint64(0); i < 2000; i++ {
		d, err := DrawPanel(pool(), DrawRequest{Size: 5, EmployerUSCC: "EMP", WorkerID: "WORKER", Hospital: "HOSP"}, Seed{i, i * 7919})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Panel) != 5 {
			t.Fatalf("panel %v", d.Panel)
		}
		for _, id := range d.Panel {
			if slices.Contains(banned, id) {
				t.Fatalf("seed %d drew excluded expert %d", i, id)
			}
		}
		sorted := slices.Clone(d.Panel)
		slices.Sort(sorted)
		if len(slices.Compact(sorted)) != 5 {
			t.Fatalf("an expert drawn twice: %v", d.Panel)
		}
	}
}

func TestDrawExclusionsNameTheirReasons(t *testing.T) {
	_, excl := Eligible(pool(), req)
	got := map[int64]string{}
	for _, e := range excl {
		got[e.ID] = e.Reason
	}
	want := map[int64]string{1: "conflict: employer", 2: "conflict: worker", 3: "conflict: treating hospital", 4: "inactive"}
	for id, r := range want {
		if got[id] != r {
			t.Errorf("expert %d: %q, want %q", id, got[id], r)
		}
	}
}

func TestDrawCoversEverySpecialtyAsked(t *testing.T) {
	byID := map[int64][]string{}
	for _, e := range pool() {
		byID[e.ID] = e.Specialties
	}
	for i := uint64(0); i < 500; i++ {
		d, err := DrawPanel(pool(), req, Seed{i, 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range req.Specialties {
			if !slices.ContainsFunc(d.Panel, func(id int64) bool { return slices.Contains(byID[id], s) }) {
				t.Fatalf("seed %d: panel %v lacks %s", i, d.Panel, s)
			}
		}
		for _, id := range d.Panel {
			if !slices.Contains(req.Specialties, byID[id][0]) {
				t.Fatalf("expert %d has no needed specialty", id)
			}
		}
	}
}

func TestDrawReplaysFromTheStoredSeed(t *testing.T) {
	seed := NewSeed()
	d, err := DrawPanel(pool(), DrawRequest{Size: 3}, seed)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := ParseSeed(seed.String())
	if err != nil || s2 != seed {
		t.Fatalf("seed round trip %v %v", s2, err)
	}
	again, _ := DrawPanel(pool(), DrawRequest{Size: 3}, s2)
	if !reflect.DeepEqual(d, again) {
		t.Errorf("same seed, different draw: %v %v", d.Panel, again.Panel)
	}
	// The record alone replays, even if the pool has since changed.
	rec := Draw{Seed: d.Seed, Size: d.Size, Candidates: d.Candidates}
	if p, _ := rec.Replay(); !slices.Equal(p, d.Panel) {
		t.Errorf("replay %v, drawn %v", p, d.Panel)
	}
	var differ bool
	for i := uint64(0); i < 20 && !differ; i++ {
		o, _ := DrawPanel(pool(), DrawRequest{Size: 3}, Seed{i, 99})
		differ = !slices.Equal(o.Panel, d.Panel)
	}
	if !differ {
		t.Error("different seeds always give the same panel: not random")
	}
}

func TestDrawErrors(t *testing.T) {
	cases := []struct {
		name  string
		pool  []Expert
		req   DrawRequest
		field string
	}{
		{"a panel of 4 is not allowed", pool(), DrawRequest{Size: 4}, "size"},
		{"fewer eligible experts than seats", pool()[:6], DrawRequest{Size: 5, EmployerUSCC: "EMP", WorkerID: "WORKER", Hospital: "HOSP"}, "experts"},
		{"more specialties than seats", pool(), DrawRequest{Size: 3, Specialties: []string{"a", "b", "c", "d"}}, "specialties"},
		{"a specialty no eligible expert has", pool(), DrawRequest{Size: 3, Specialties: []string{"neurology", "dermatology"}}, "specialties"},
	}
	for _, c := range cases {
		if _, err := DrawPanel(c.pool, c.req, Seed{1, 2}); FieldOf(err) != c.field {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
}

func TestSelfCareLevelFromTheFiveActivities(t *testing.T) {
	cases := []struct {
		s    SelfCare
		want SelfCareLevel
	}{
		{SelfCare{}, SelfCareNone},
		{SelfCare{Eating: true}, SelfCarePartial},
		{SelfCare{Eating: true, Moving: true}, SelfCarePartial},
		{SelfCare{Eating: true, Moving: true, Toileting: true}, SelfCareMost},
		{SelfCare{Eating: true, Moving: true, Toileting: true, TurningOver: true}, SelfCareMost},
		{SelfCare{true, true, true, true, true}, SelfCareFull},
	}
	for _, c := range cases {
		if got := c.s.Level(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}

func asmtApp() AssessmentApplication {
	return AssessmentApplication{Region: "341500", Team: "鉴定科", Handler: "li", Kind: AsmtInitial,
		ApplicantKind: ApplicantWorker, WorkerID: "WORKER", EmployerUSCC: "EMP", Hospital: "HOSP",
		AppliedOn: MustDate("2026-03-02"), PanelSize: 3, WorkInjury: true, AfterTreatment: true, DeterminationID: 1}
}

func mustA(t *testing.T, c Assessment, x AsmtAction) Assessment {
	t.Helper()
	n, err := c.Apply(x, "zhang", statutory())
	if err != nil {
		t.Fatalf("%s: %v", x.name(), err)
	}
	return n
}

func assessmentIn(t *testing.T, s AsmtState) Assessment {
	t.Helper()
	c, err := OpenAssessment(asmtApp(), nil, "li", statutory())
	if err != nil {
		t.Fatal(err)
	}
	if s == AsmtReceived {
		return c
	}
	if s == AsmtAwaitingMaterials {
		return mustA(t, c, AsmtNoticeMissing{Act: on("2026-03-05"), Missing: []string{"病历"}})
	}
	c = mustA(t, c, ConfirmMaterials{on("2026-03-04")})
	if s == AsmtReady {
		return c
	}
	d, err := DrawPanel(pool(), DrawRequest{Size: 3, EmployerUSCC: "EMP"}, Seed{5, 6})
	if err != nil {
		t.Fatal(err)
	}
	c = mustA(t, c, RecordDraw{Act: on("2026-03-06"), Draw: d})
	if s == AsmtExamining {
		return c
	}
	c = mustA(t, c, Conclude{Act: on("2026-04-01"), Grade: 8, Basis: "GB/T 16180-2014 5.8"})
	if s == AsmtConcluded {
		return c
	}
	return mustA(t, c, DeliverConclusion{on("2026-04-10")})
}

func TestAssessmentTransitionsAllowedOnlyFromTheirStates(t *testing.T) {
	d := "2026-04-20"
	draw, _ := DrawPanel(pool(), DrawRequest{Size: 3}, Seed{1, 1})
	actions := map[string]AsmtAction{
		"notice_missing":    AsmtNoticeMissing{Act: on(d), Missing: []string{"x"}},
		"confirm_materials": ConfirmMaterials{on(d)},
		"draw":              RecordDraw{Act: on(d), Draw: draw},
		"extend":            Extend{Act: on("2026-04-30"), Reason: "多部位损伤"},
		"conclude":          Conclude{Act: on(d), Grade: 0, Basis: "未达级"},
		"deliver":           DeliverConclusion{on(d)},
		"terminate":         Terminate{Act: on(d), Reason: "无正当理由不参加鉴定"},
		"screen_rehab":      AsmtScreenRehab{Act: on(d), Refer: true, Reason: "康复价值"},
	}
	allowed := map[AsmtState][]string{
		AsmtReceived:          {"notice_missing", "confirm_materials", "terminate", "screen_rehab"},
		AsmtAwaitingMaterials: {"confirm_materials", "terminate", "screen_rehab"},
		AsmtReady:             {"draw", "extend", "terminate", "screen_rehab"},
		AsmtExamining:         {"extend", "conclude", "terminate"},
		AsmtConcluded:         {"deliver"},
		AsmtClosed:            {},
	}
	for state, ok := range allowed {
		for name, x := range actions {
			c := assessmentIn(t, state)
			_, err := c.Apply(x, "zhang", statutory())
			if legal := slices.Contains(ok, name); legal != (err == nil) {
				t.Errorf("%s from %s: legal=%v, err=%v", name, state, legal, err)
			}
		}
	}
}

func TestAssessmentDeadlines(t *testing.T) {
	c, _ := OpenAssessment(asmtApp(), nil, "li", statutory()) // Monday Mar 2
	if s, _ := c.Current(); s.Due.String() != "2026-03-09" {
		t.Errorf("materials notice due 5 working days later: %s", s.Due)
	}
	complete := mustA(t, c, ConfirmMaterials{on("2026-03-04")})
	if s, _ := complete.Current(); s.Started.String() != "2026-03-02" || s.Due.String() != "2026-05-01" {
		t.Errorf("complete at receipt: 60 days from the application, got %+v", s)
	}
	late := mustA(t, c, AsmtNoticeMissing{Act: on("2026-03-05"), Missing: []string{"病历"}})
	late = mustA(t, late, ConfirmMaterials{on("2026-03-20")})
	if s, _ := late.Current(); s.Due.String() != "2026-05-19" {
		t.Errorf("after a notice: 60 days from the full supplement, got %s", s.Due)
	}
	ext := mustA(t, complete, Extend{Act: on("2026-04-30"), Reason: "复杂"})
	if s, _ := ext.Current(); s.Due.String() != "2026-05-31" {
		t.Errorf("extension adds 30 days: %s", s.Due)
	}
	if _, err := ext.Apply(Extend{Act: on("2026-05-02"), Reason: "again"}, "zhang", statutory()); FieldOf(err) != "extended" {
		t.Errorf("a second extension: %v", err)
	}
	if _, err := complete.Apply(Extend{Act: on("2026-05-02"), Reason: "late"}, "zhang", statutory()); FieldOf(err) != "on" {
		t.Errorf("extension after the limit ran out: %v", err)
	}
	concluded := assessmentIn(t, AsmtConcluded)
	if s, _ := concluded.Current(); s.Due.String() != "2026-04-21" {
		t.Errorf("delivery 20 days after the conclusion: %s", s.Due)
	}
}

func TestConclusionRules(t *testing.T) {
	ex := assessmentIn(t, AsmtExamining)
	cases := []struct {
		name  string
		c     Conclude
		field string
	}{
		{"grade 1 with full dependency", Conclude{Grade: 1, SelfCare: SelfCare{true, true, true, true, true}, Basis: "b"}, ""},
		{"no grade", Conclude{Grade: 0, Basis: "b"}, ""},
		{"grade 11 does not exist", Conclude{Grade: 11, Basis: "b"}, "grade"},
		{"leave extension over 12 months", Conclude{Grade: 5, LeaveExtensionMonths: 13, Basis: "b"}, "leave_extension_months"},
		{"a basis is required", Conclude{Grade: 5}, "basis"},
	}
	for _, c := range cases {
		c.c.Act = on("2026-04-01")
		n, err := ex.Apply(c.c, "zhang", statutory())
		if FieldOf(err) != c.field {
			t.Errorf("%s: %v", c.name, err)
		}
		if c.field == "" && n.Conclusion.Level != c.c.SelfCare.Level() {
			t.Errorf("%s: the level is derived", c.name)
		}
	}
}

func TestRecordDrawMustReplay(t *testing.T) {
	d, _ := DrawPanel(pool(), DrawRequest{Size: 3}, Seed{3, 4})
	d.Panel[0], d.Panel[1] = d.Panel[1], d.Panel[0]
	if _, err := assessmentIn(t, AsmtReady).Apply(RecordDraw{Act: on("2026-03-06"), Draw: d}, "zhang", statutory()); FieldOf(err) != "draw" {
		t.Errorf("a tampered panel: %v", err)
	}
	d5, _ := DrawPanel(pool(), DrawRequest{Size: 5}, Seed{3, 4})
	if _, err := assessmentIn(t, AsmtReady).Apply(RecordDraw{Act: on("2026-03-06"), Draw: d5}, "zhang", statutory()); FieldOf(err) != "size" {
		t.Errorf("a panel of the wrong size: %v", err)
	}
}

func TestReassessmentWithinFifteenDaysAndFinal(t *testing.T) {
	parent := assessmentIn(t, AsmtClosed) // delivered Fri Apr 10 → Apr 25 is a Saturday → Apr 27
	parent.ID = 7
	a := asmtApp()
	a.Kind = AsmtReassess
	a.Region = "340000"
	for _, c := range []struct {
		applied string
		ok      bool
	}{{"2026-04-25", true}, {"2026-04-27", true}, {"2026-04-28", false}} {
		a.AppliedOn = MustDate(c.applied)
		re, err := OpenAssessment(a, &parent, "prov", statutory())
		if (err == nil) != c.ok {
			t.Errorf("re-assessment on %s: %v", c.applied, err)
		}
		if err == nil && (!re.Final() || re.ParentID != 7) {
			t.Errorf("the provincial re-assessment is final and linked")
		}
	}
	a.AppliedOn = MustDate("2026-04-20")
	re, _ := OpenAssessment(a, &parent, "prov", statutory())
	re.State, re.Conclusion = AsmtClosed, &AsmtConclusion{On: MustDate("2026-05-01")}
	re.DeliveredOn = MustDate("2026-05-02")
	if _, err := OpenAssessment(a, &re, "prov", statutory()); FieldOf(err) != "parent_id" {
		t.Errorf("no re-assessment of a final conclusion: %v", err)
	}
	if _, err := OpenAssessment(a, nil, "prov", statutory()); FieldOf(err) != "parent_id" {
		t.Errorf("a re-assessment needs its parent: %v", err)
	}
}

func TestReviewOnlyAYearAfterTheConclusion(t *testing.T) {
	parent := assessmentIn(t, AsmtClosed) // concluded Apr 1 2026
	a := asmtApp()
	a.Kind = AsmtReview
	a.AppliedOn = MustDate("2027-03-31")
	if _, err := OpenAssessment(a, &parent, "li", statutory()); FieldOf(err) != "applied_on" {
		t.Errorf("a day early: %v", err)
	}
	a.AppliedOn = MustDate("2027-04-01")
	if _, err := OpenAssessment(a, &parent, "li", statutory()); err != nil {
		t.Errorf("on the anniversary: %v", err)
	}
}

func TestInitialAssessmentNeedsAWorkInjuryAndTreatment(t *testing.T) {
	for field, mut := range map[string]func(*AssessmentApplication){
		"determination_id": func(a *AssessmentApplication) { a.WorkInjury = false },
		"after_treatment":  func(a *AssessmentApplication) { a.AfterTreatment = false },
		"panel_size":       func(a *AssessmentApplication) { a.PanelSize = 4 },
		"applicant_kind":   func(a *AssessmentApplication) { a.ApplicantKind = ApplicantUnion },
		"kind":             func(a *AssessmentApplication) { a.Kind = "other" },
	} {
		a := asmtApp()
		mut(&a)
		if _, err := OpenAssessment(a, nil, "li", statutory()); FieldOf(err) != field {
			t.Errorf("want %s, got %v", field, err)
		}
	}
}
