package casework

import (
	"reflect"
	"testing"
)

func app(kind ApplicantKind, event, received string) Application {
	return Application{Region: "341500", Team: "认定一组", Handler: "zhang", ApplicantKind: kind,
		WorkerID: "34150019800101001X", WorkerName: "李四", EmployerUSCC: "91341500MA2N000001",
		EventKind: EventAccident, EventDate: MustDate(event), ReceivedOn: MustDate(received)}
}

func must(t *testing.T, c Determination, a DetAction) Determination {
	t.Helper()
	n, err := c.Apply(a, "zhang", statutory())
	if err != nil {
		t.Fatalf("%s: %v", a.name(), err)
	}
	return n
}

func on(s string) Act { return Act{On: MustDate(s)} }

func received(t *testing.T) Determination {
	t.Helper()
	c, err := OpenDetermination(app(ApplicantEmployer, "2026-03-01", "2026-03-10"), "zhang", statutory())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func complete(t *testing.T) Determination {
	c := received(t)
	for _, k := range RequiredMaterials(false) {
		c = must(t, c, ReceiveMaterial{Act: on("2026-03-10"), Kind: k, FileRef: "f-" + k})
	}
	return c
}

// determinationIn returns a case in each state, reached by legal transitions.
func determinationIn(t *testing.T, s DetState) Determination {
	t.Helper()
	switch s {
	case DetReceived:
		return complete(t)
	case DetAwaitingMaterials:
		return must(t, received(t), NoticeMissing{on("2026-03-12")})
	case DetAccepted:
		return must(t, complete(t), Accept{Act: on("2026-03-15")})
	case DetInvestigating:
		return must(t, determinationIn(t, DetAccepted), Investigate{Act: on("2026-03-20"), Investigators: []string{"zhang", "wang"}, Record: "现场勘查"})
	case DetSuspended:
		return must(t, determinationIn(t, DetAccepted), Suspend{Act: on("2026-03-20"), Reason: "等待交警事故责任认定"})
	case DetDecided:
		return must(t, determinationIn(t, DetAccepted), Decide{Act: on("2026-04-01"), Finding: OutcomeWorkInjury, Article: 14, Item: 1, Reasons: "工作时间工作场所因工作原因受伤"})
	case DetClosed:
		c := determinationIn(t, DetDecided)
		c = must(t, c, Deliver{Act: on("2026-04-05"), Party: PartyWorker, Method: "direct"})
		return must(t, c, Deliver{Act: on("2026-04-06"), Party: PartyEmployer, Method: "post"})
	}
	t.Fatalf("no builder for %s", s)
	return Determination{}
}

func TestDeterminationTransitionsAllowedOnlyFromTheirStates(t *testing.T) {
	d := "2026-04-10"
	actions := map[string]DetAction{
		"request_material": RequestMaterial{Act: on(d), Kind: MatWitnessStatement},
		"receive_material": ReceiveMaterial{Act: on(d), Kind: MatPhotos, FileRef: "p1"},
		"notice_missing":   NoticeMissing{on(d)},
		"accept":           Accept{Act: on(d)},
		"refuse":           Refuse{Act: on(d), Reason: "不属于本部门管辖"},
		"withdraw":         Withdraw{Act: on(d), Reason: "申请人撤回"},
		"investigate":      Investigate{Act: on(d), Investigators: []string{"zhang", "wang"}, Record: "询问笔录"},
		"suspend":          Suspend{Act: on(d), Reason: "等待法院判决"},
		"resume":           Resume{on(d)},
		"decide":           Decide{Act: on(d), Finding: OutcomeDeemed, Article: 15, Item: 1, Reasons: "突发疾病48小时内死亡"},
		"deliver":          Deliver{Act: on(d), Party: PartyWorker, Method: "direct"},
	}
	allowed := map[DetState][]string{
		// notice_missing on a complete case fails for "nothing is missing", so it is not
		// listed for received here; it is checked with an incomplete case below.
		DetReceived:          {"request_material", "receive_material", "accept", "refuse", "withdraw"},
		DetAwaitingMaterials: {"receive_material", "refuse", "withdraw"},
		DetAccepted:          {"receive_material", "withdraw", "investigate", "suspend", "decide"},
		DetInvestigating:     {"receive_material", "withdraw", "investigate", "suspend", "decide"},
		DetSuspended:         {"withdraw", "resume"},
		DetDecided:           {"deliver"},
		DetClosed:            {},
	}
	wantTo := map[string]DetState{"accept": DetAccepted, "refuse": DetClosed, "withdraw": DetClosed,
		"investigate": DetInvestigating, "suspend": DetSuspended, "decide": DetDecided}
	for state, ok := range allowed {
		for name, a := range actions {
			c := determinationIn(t, state)
			n, err := c.Apply(a, "zhang", statutory())
			legal := contains(ok, name)
			switch {
			case legal && err != nil:
				t.Errorf("%s from %s should be allowed: %v", name, state, err)
			case !legal && err == nil:
				t.Errorf("%s from %s should be refused, went to %s", name, state, n.State)
			case !legal && CodeOf(err) != CodeInvalid:
				t.Errorf("%s from %s: want an invalid error, got %v", name, state, err)
			case legal && wantTo[name] != "" && n.State != wantTo[name]:
				t.Errorf("%s from %s went to %s, want %s", name, state, n.State, wantTo[name])
			case !legal && !reflect.DeepEqual(n, c):
				t.Errorf("%s from %s: a refused transition must return the case unchanged", name, state)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestApplyNeverChangesTheCaseItWasGiven(t *testing.T) {
	c := received(t)
	before := c.clone()
	_ = must(t, c, ReceiveMaterial{Act: on("2026-03-10"), Kind: MatApplicationForm, FileRef: "f"})
	if !reflect.DeepEqual(c, before) {
		t.Error("Apply changed its input")
	}
}

func TestApplicationLimits(t *testing.T) {
	cases := []struct {
		name                 string
		kind                 ApplicantKind
		event, received      string
		extended             string
		tolled               int
		wantLate, wantOutOfT bool
	}{
		{"employer on day 30 is in time", ApplicantEmployer, "2026-03-02", "2026-04-01", "", 0, false, false},
		{"employer on day 31 is late and bears the cost", ApplicantEmployer, "2026-03-02", "2026-04-02", "", 0, true, false},
		{"employer's day 30 on a Saturday moves to Monday", ApplicantEmployer, "2026-03-05", "2026-04-06", "", 0, false, false},
		{"employer within an approved extension is in time", ApplicantEmployer, "2026-03-02", "2026-04-20", "2026-04-30", 0, false, false},
		{"employer after a year is late but not barred", ApplicantEmployer, "2025-03-02", "2026-04-20", "", 0, true, false},
		{"worker within 30 days: the employer is not yet late", ApplicantWorker, "2026-03-02", "2026-03-20", "", 0, false, false},
		{"worker after the employer's 30 days: the employer bears the cost", ApplicantWorker, "2026-03-02", "2026-06-01", "", 0, true, false},
		{"relative on the anniversary is in time", ApplicantRelative, "2025-03-02", "2026-03-02", "", 0, true, false},
		{"union a day after the year is out of time", ApplicantUnion, "2025-03-03", "2026-03-04", "", 0, true, true},
		{"worker a year after Feb 29 ends Feb 28", ApplicantWorker, "2028-02-29", "2029-03-01", "", 0, true, true},
		{"tolled days extend the worker's year", ApplicantWorker, "2025-03-03", "2026-03-20", "", 20, true, false},
	}
	for _, c := range cases {
		a := app(c.kind, c.event, c.received)
		if c.extended != "" {
			a.EmployerExtendedTo = MustDate(c.extended)
		}
		if c.tolled > 0 {
			a.TolledDays, a.TollingReason = c.tolled, "劳动仲裁"
		}
		d, err := OpenDetermination(a, "zhang", statutory())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if d.EmployerLate != c.wantLate || d.OutOfTime != c.wantOutOfT {
			t.Errorf("%s: late=%v outOfTime=%v, want %v %v", c.name, d.EmployerLate, d.OutOfTime, c.wantLate, c.wantOutOfT)
		}
		if d.EmployerLate && (d.EmployerBearsFrom != a.EventDate || d.EmployerBearsTo != a.ReceivedOn) {
			t.Errorf("%s: the employer bears from the event to the application, got %s–%s", c.name, d.EmployerBearsFrom, d.EmployerBearsTo)
		}
	}
}

func TestOpenDeterminationRejectsBadApplications(t *testing.T) {
	cases := map[string]func(*Application){
		"applicant_kind": func(a *Application) { a.ApplicantKind = "neighbour" },
		"event_kind":     func(a *Application) { a.EventKind = "" },
		"region":         func(a *Application) { a.Region = "" },
		"worker_id":      func(a *Application) { a.WorkerID = "" },
		"employer_uscc":  func(a *Application) { a.EmployerUSCC = "" },
		"received_on":    func(a *Application) { a.ReceivedOn = MustDate("2026-02-01") },
		"tolling_reason": func(a *Application) { a.TolledDays = 5 },
	}
	for field, mut := range cases {
		a := app(ApplicantWorker, "2026-03-01", "2026-03-10")
		mut(&a)
		if _, err := OpenDetermination(a, "zhang", statutory()); FieldOf(err) != field {
			t.Errorf("want an error on %s, got %v", field, err)
		}
	}
}

func TestOutOfTimeApplicationCanOnlyBeRefused(t *testing.T) {
	c, _ := OpenDetermination(app(ApplicantWorker, "2024-01-10", "2026-03-10"), "zhang", statutory())
	for _, k := range RequiredMaterials(false) {
		c = must(t, c, ReceiveMaterial{Act: on("2026-03-10"), Kind: k, FileRef: k})
	}
	if _, err := c.Apply(Accept{Act: on("2026-03-11")}, "zhang", statutory()); FieldOf(err) != "received_on" {
		t.Errorf("accepting an out-of-time application: %v", err)
	}
	c = must(t, c, Refuse{Act: on("2026-03-11"), Reason: "超过申请时限"})
	if c.Outcome != OutcomeRefused {
		t.Errorf("outcome %s", c.Outcome)
	}
}

func TestReviewIsDueFifteenDaysFromReceipt(t *testing.T) {
	c, _ := OpenDetermination(app(ApplicantEmployer, "2026-01-20", "2026-01-31"), "zhang", statutory())
	if s, _ := c.Current(); s.Name != StepReview || s.Due.String() != "2026-02-15" {
		t.Errorf("review step %+v: 15 days from Jan 31 is Feb 15", s)
	}
	if !reflect.DeepEqual(c.Missing(), []string{MatApplicationForm, MatEmploymentProof, MatDiagnosis}) {
		t.Errorf("the three required materials are missing at first: %v", c.Missing())
	}
}

func TestDeathCaseRequiresTheDeathCertificate(t *testing.T) {
	a := app(ApplicantRelative, "2026-03-01", "2026-03-10")
	a.Death = true
	c, _ := OpenDetermination(a, "zhang", statutory())
	if m := c.Missing(); len(m) != 4 || m[3] != MatDeathCertificate {
		t.Errorf("missing %v", m)
	}
}

func TestOneNoticeListsAllMissingMaterialsAndSupplementRestartsTheReview(t *testing.T) {
	c := received(t)
	c = must(t, c, ReceiveMaterial{Act: on("2026-03-10"), Kind: MatApplicationForm, FileRef: "form"})
	c = must(t, c, RequestMaterial{Act: on("2026-03-11"), Kind: MatWitnessStatement})
	c = must(t, c, NoticeMissing{on("2026-03-12")})
	want := []string{MatEmploymentProof, MatDiagnosis, MatWitnessStatement}
	if !reflect.DeepEqual(c.Notice.Missing, want) {
		t.Errorf("the notice lists %v, want every missing material %v", c.Notice.Missing, want)
	}
	if _, err := c.Apply(NoticeMissing{on("2026-03-13")}, "zhang", statutory()); FieldOf(err) != "notice" {
		t.Errorf("a second notice must be refused: %v", err)
	}
	if _, err := c.Apply(RequestMaterial{Act: on("2026-03-13"), Kind: MatPhotos}, "zhang", statutory()); err == nil {
		t.Error("nothing may be requested after the notice")
	}
	if _, err := c.Apply(Accept{Act: on("2026-03-13")}, "zhang", statutory()); err == nil {
		t.Error("cannot accept while materials are awaited")
	}
	c = must(t, c, ReceiveMaterial{Act: on("2026-04-01"), Kind: MatEmploymentProof, FileRef: "contract"})
	c = must(t, c, ReceiveMaterial{Act: on("2026-04-20"), Kind: MatDiagnosis, FileRef: "dx"})
	if c.State != DetAwaitingMaterials {
		t.Errorf("still waiting for the witness statement, got %s", c.State)
	}
	c = must(t, c, ReceiveMaterial{Act: on("2026-05-02"), Kind: MatWitnessStatement, FileRef: "w"})
	s, _ := c.Current()
	if c.State != DetReceived || s.Name != StepReview || s.Due.String() != "2026-05-17" {
		t.Errorf("after the full supplement the review runs 15 days from it: %s %+v", c.State, s)
	}
	steps := c.Steps
	if steps[0].Done.String() != "2026-03-12" || steps[1].Name != StepSupply || !steps[1].Due.IsZero() {
		t.Errorf("steps: %+v", steps)
	}
}

func TestNoticeRefusedWhenNothingIsMissing(t *testing.T) {
	if _, err := complete(t).Apply(NoticeMissing{on("2026-03-11")}, "zhang", statutory()); FieldOf(err) != "materials" {
		t.Errorf("got %v", err)
	}
}

func TestAcceptRefusedWhileRequiredMaterialsAreMissing(t *testing.T) {
	_, err := received(t).Apply(Accept{Act: on("2026-03-11")}, "zhang", statutory())
	if FieldOf(err) != "materials" {
		t.Errorf("got %v", err)
	}
}

func TestDecisionDueSixtyOrFifteenDaysFromAcceptance(t *testing.T) {
	for _, c := range []struct {
		clear bool
		lim   func(*Limits)
		want  string
	}{
		{false, nil, "2026-03-11"}, // 60 days from Jan 10 across February
		{true, nil, "2026-01-25"},  // clear-cut: 15 days
		{false, func(l *Limits) { l.Determination.DecideDays = 30 }, "2026-02-09"}, // Lu'an promises 30
	} {
		lim := statutory()
		if c.lim != nil {
			c.lim(&lim)
		}
		d, _ := OpenDetermination(app(ApplicantEmployer, "2026-01-02", "2026-01-05"), "zhang", lim)
		for _, k := range RequiredMaterials(false) {
			d, _ = d.Apply(ReceiveMaterial{Act: on("2026-01-05"), Kind: k, FileRef: k}, "zhang", lim)
		}
		d, err := d.Apply(Accept{Act: on("2026-01-10"), ClearCut: c.clear}, "zhang", lim)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := d.Current(); s.Name != StepDecide || s.Due.String() != c.want {
			t.Errorf("clear=%v: decide step %+v, want due %s", c.clear, s, c.want)
		}
	}
}

func TestSuspensionShiftsTheDecisionDueDate(t *testing.T) {
	c := determinationIn(t, DetAccepted) // accepted Mar 15: due May 14
	if s, _ := c.Current(); s.Due.String() != "2026-05-14" {
		t.Fatalf("due %s", s.Due)
	}
	c = must(t, c, Suspend{Act: on("2026-04-01"), Reason: "等待工伤事故责任认定"})
	if s, _ := c.Current(); s.Status(MustDate("2026-06-30"), 5) != StatusSuspended {
		t.Error("a suspended case is not overdue")
	}
	c = must(t, c, Resume{on("2026-04-11")})
	s, _ := c.Current()
	if c.State != DetAccepted || s.Due.String() != "2026-05-24" {
		t.Errorf("10 days suspended shift the due date by 10: %s due %s", c.State, s.Due)
	}
	c = must(t, c, Investigate{Act: on("2026-04-12"), Investigators: []string{"a", "b"}, Record: "r"})
	c = must(t, c, Suspend{Act: on("2026-04-20"), Reason: "等待法院判决"})
	c = must(t, c, Resume{on("2026-04-25")})
	s, _ = c.Current()
	if c.State != DetInvestigating || s.Due.String() != "2026-05-29" || s.SuspendedDays != 15 {
		t.Errorf("a second suspension adds up and resumes where it was: %s %+v", c.State, s)
	}
	c = must(t, c, Decide{Act: on("2026-05-20"), Finding: OutcomeNotWorkInjury, Article: 16, Item: 2, Reasons: "醉酒"})
	if got := c.Steps[len(c.Steps)-2]; got.Took(Date{}) != 51 || got.Late() {
		t.Errorf("the decision took %d agency days (66 elapsed − 15 suspended), late=%v", got.Took(Date{}), got.Late())
	}
}

func TestDecisionNeedsAValidArticleItemAndReasons(t *testing.T) {
	cases := []struct {
		name  string
		d     Decide
		field string
	}{
		{"Art. 14 item 7 is valid", Decide{Finding: OutcomeWorkInjury, Article: 14, Item: 7, Reasons: "r"}, ""},
		{"Art. 14 has no item 8", Decide{Finding: OutcomeWorkInjury, Article: 14, Item: 8, Reasons: "r"}, "item"},
		{"Art. 14 item 0 is invalid", Decide{Finding: OutcomeWorkInjury, Article: 14, Reasons: "r"}, "item"},
		{"Art. 15 item 3 is valid", Decide{Finding: OutcomeDeemed, Article: 15, Item: 3, Reasons: "r"}, ""},
		{"Art. 15 has no item 4", Decide{Finding: OutcomeDeemed, Article: 15, Item: 4, Reasons: "r"}, "item"},
		{"a work injury is not under Art. 15", Decide{Finding: OutcomeWorkInjury, Article: 15, Item: 1, Reasons: "r"}, "article"},
		{"Art. 16 item 3 excludes", Decide{Finding: OutcomeNotWorkInjury, Article: 16, Item: 3, Reasons: "r"}, ""},
		{"neither Art. 14 nor 15", Decide{Finding: OutcomeNotWorkInjury, Article: 0, Reasons: "r"}, ""},
		{"neither, with an item, is invalid", Decide{Finding: OutcomeNotWorkInjury, Article: 0, Item: 2, Reasons: "r"}, "item"},
		{"reasons are required", Decide{Finding: OutcomeWorkInjury, Article: 14, Item: 1}, "reasons"},
		{"refused is not a finding", Decide{Finding: OutcomeRefused, Article: 14, Item: 1, Reasons: "r"}, "finding"},
	}
	for _, c := range cases {
		c.d.Act = on("2026-04-01")
		n, err := determinationIn(t, DetAccepted).Apply(c.d, "zhang", statutory())
		if FieldOf(err) != c.field {
			t.Errorf("%s: got %v", c.name, err)
		}
		if c.field == "" {
			if s, _ := n.Current(); s.Name != StepDeliver || s.Due.String() != "2026-04-21" {
				t.Errorf("%s: delivery due 20 days after the decision, got %+v", c.name, s)
			}
		}
	}
}

func TestDeliveryToEveryPartyClosesTheCase(t *testing.T) {
	c := determinationIn(t, DetDecided)
	c = must(t, c, Deliver{Act: on("2026-04-05"), Party: PartyWorker, Method: "direct"})
	if c.State != DetDecided {
		t.Errorf("one party served is not all: %s", c.State)
	}
	if _, err := c.Apply(Deliver{Act: on("2026-04-06"), Party: PartyWorker, Method: "post"}, "zhang", statutory()); FieldOf(err) != "party" {
		t.Errorf("serving the worker twice: %v", err)
	}
	if _, err := c.Apply(Deliver{Act: on("2026-04-06"), Party: PartyUnion, Method: "post"}, "zhang", statutory()); FieldOf(err) != "party" {
		t.Errorf("the union did not apply: %v", err)
	}
	c = must(t, c, Deliver{Act: on("2026-04-30"), Party: PartyEmployer, Method: "post"})
	last := c.Steps[len(c.Steps)-1]
	if c.State != DetClosed || c.ClosedOn.String() != "2026-04-30" || !last.Late() {
		t.Errorf("closed %s on %s; delivery due %s was late=%v", c.State, c.ClosedOn, last.Due, last.Late())
	}
}

func TestUnionApplicantIsServedToo(t *testing.T) {
	c, _ := OpenDetermination(app(ApplicantUnion, "2026-03-01", "2026-03-10"), "z", statutory())
	if got := c.PartiesToServe(); len(got) != 3 || got[2] != PartyUnion {
		t.Errorf("parties %v", got)
	}
}

func TestOccupationalDiseaseIsNotReinvestigated(t *testing.T) {
	c := determinationIn(t, DetAccepted)
	c.EventKind = EventOccupationalDisease
	_, err := c.Apply(Investigate{Act: on("2026-03-20"), Investigators: []string{"a"}, Record: "r"}, "zhang", statutory())
	if FieldOf(err) != "event_kind" {
		t.Errorf("got %v", err)
	}
}

func TestActionDatesMayNotGoBackwards(t *testing.T) {
	_, err := determinationIn(t, DetAccepted).Apply(Decide{Act: on("2026-03-01"), Finding: OutcomeWorkInjury, Article: 14, Item: 1, Reasons: "r"}, "zhang", statutory())
	if FieldOf(err) != "on" {
		t.Errorf("got %v", err)
	}
	_, err = determinationIn(t, DetAccepted).Apply(Resume{}, "zhang", statutory())
	if FieldOf(err) != "on" {
		t.Errorf("a missing date: %v", err)
	}
}

func TestEveryTransitionIsRecordedWithActorAndStates(t *testing.T) {
	c := determinationIn(t, DetClosed)
	var got []string
	for _, e := range c.Events {
		got = append(got, e.Action+":"+e.From+">"+e.To)
		if e.By == "" || e.On.IsZero() {
			t.Errorf("event without actor or date: %+v", e)
		}
	}
	want := []string{"apply:>received", "receive_material:received>received", "receive_material:received>received",
		"receive_material:received>received", "accept:received>accepted", "decide:accepted>decided",
		"deliver:decided>decided", "deliver:decided>closed"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("history %v", got)
	}
}

func TestRehabScreeningFlagsWithoutChangingState(t *testing.T) {
	c := must(t, determinationIn(t, DetAccepted), ScreenRehab{Act: on("2026-03-16"), Refer: true, Reason: "脊髓损伤"})
	if !c.RehabFirst || c.State != DetAccepted {
		t.Errorf("flag %v state %s", c.RehabFirst, c.State)
	}
	if _, err := c.Apply(ScreenRehab{Act: on("2026-03-16"), Refer: true}, "zhang", statutory()); FieldOf(err) != "reason" {
		t.Errorf("a referral needs its reason: %v", err)
	}
}
