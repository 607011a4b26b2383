package casework

import (
	"slices"
	"testing"

	"wiis/internal/money"
)

func advApp(g AdvGround) AdvanceApplication {
	return AdvanceApplication{Region: "341500", Team: "待遇科", Handler: "zhao", Ground: g, WorkerID: "W",
		EmployerUSCC: "EMP", ThirdParty: "肇事司机", AppliedOn: MustDate("2026-03-02"), WorkInjury: true, DeterminationID: 1}
}

func mustV(t *testing.T, c Advance, x AdvAction) Advance {
	t.Helper()
	return mustVBy(t, c, "zhao", x)
}

func mustVBy(t *testing.T, c Advance, who string, x AdvAction) Advance {
	t.Helper()
	n, err := c.Apply(x, who, statutory())
	if err != nil {
		t.Fatalf("%s: %v", x.name(), err)
	}
	return n
}

func advanced(t *testing.T) Advance {
	c, err := OpenAdvance(advApp(GroundUninsuredEmployer), "zhao", statutory())
	if err != nil {
		t.Fatal(err)
	}
	c = mustV(t, c, NotifyEmployer{on("2026-03-04")})
	return mustV(t, c, PayAdvance{Act: on("2026-03-12"), Amount: money.Yuan(10000), Items: "医疗费"})
}

func TestAdvanceWaitsForTheEmployersTimeToPay(t *testing.T) {
	c, _ := OpenAdvance(advApp(GroundUninsuredEmployer), "zhao", statutory()) // Mon Mar 2
	if s, _ := c.Current(); s.Name != StepAdvRemind || s.Due.String() != "2026-03-05" {
		t.Errorf("reminder due 3 working days later: %+v", s)
	}
	if _, err := c.Apply(PayAdvance{Act: on("2026-03-03"), Amount: 100, Items: "x"}, "zhang", statutory()); FieldOf(err) != "state" {
		t.Errorf("no advance before the employer is reminded: %v", err)
	}
	c = mustV(t, c, NotifyEmployer{on("2026-03-04")}) // Wed → pay by Wed Mar 11
	if c.PayBy.String() != "2026-03-11" {
		t.Errorf("pay by %s", c.PayBy)
	}
	if _, err := c.Apply(PayAdvance{Act: on("2026-03-11"), Amount: 100, Items: "x"}, "zhang", statutory()); FieldOf(err) != "on" {
		t.Errorf("the employer's last day: %v", err)
	}
	paid := mustV(t, c, EmployerPaid{on("2026-03-10")})
	if paid.State != AdvClosed {
		t.Errorf("state %s", paid.State)
	}
	c = mustV(t, c, PayAdvance{Act: on("2026-03-12"), Amount: 100, Items: "医疗费"})
	if c.State != AdvAdvanced {
		t.Errorf("state %s", c.State)
	}
}

func TestThirdPartyAdvanceNeedsNoEmployerReminder(t *testing.T) {
	c, _ := OpenAdvance(advApp(GroundThirdParty), "zhao", statutory())
	if _, err := c.Apply(NotifyEmployer{on("2026-03-03")}, "zhang", statutory()); err == nil {
		t.Error("no employer reminder on a third-party ground")
	}
	c = mustV(t, c, PayAdvance{Act: on("2026-03-03"), Amount: 500, Items: "医疗费"})
	if c.Ledger().Balance != 500 {
		t.Errorf("balance %s", c.Ledger().Balance)
	}
}

func TestRecoveryLedgerBalances(t *testing.T) {
	c := advanced(t)
	c = mustV(t, c, PayAdvance{Act: on("2026-03-20"), Amount: money.Yuan(2000), Items: "住院伙食补助"})
	c = mustV(t, c, Demand{Act: on("2026-04-01"), Amount: money.Yuan(12000), Note: "追偿通知书"})
	c = mustV(t, c, Recover{Act: on("2026-05-01"), Amount: money.Yuan(7000)})
	c = mustVBy(t, c, "zhao", ProposeWriteOff{Act: on("2026-06-01"), Amount: money.Yuan(1000), Reason: "破产清算"})
	l := c.Ledger()
	if l.Advanced != money.Yuan(12000) || l.Recovered != money.Yuan(7000) || l.Pending != money.Yuan(1000) || l.Balance != money.Yuan(5000) {
		t.Errorf("a pending write-off does not count: %+v", l)
	}
	if _, err := c.Apply(ApproveWriteOff{Act: on("2026-06-02"), Seq: 5}, "zhao", statutory()); FieldOf(err) != "by" {
		t.Errorf("the proposer cannot approve: %v", err)
	}
	c = mustVBy(t, c, "qian", ApproveWriteOff{Act: on("2026-06-02"), Seq: 5})
	if l := c.Ledger(); l.Balance != money.Yuan(4000) || l.Balance != l.Advanced-l.Recovered-l.WrittenOff {
		t.Errorf("balance = advanced − recovered − written off: %+v", l)
	}
	if _, err := c.Apply(ApproveWriteOff{Act: on("2026-06-03"), Seq: 5}, "sun", statutory()); FieldOf(err) != "seq" {
		t.Errorf("approving twice: %v", err)
	}
	if _, err := c.Apply(Recover{Act: on("2026-07-01"), Amount: money.Yuan(4000) + 1}, "zhang", statutory()); FieldOf(err) != "amount" {
		t.Errorf("recovering more than owed: %v", err)
	}
	if _, err := c.Apply(Demand{Act: on("2026-07-01"), Amount: money.Yuan(5000)}, "zhang", statutory()); FieldOf(err) != "amount" {
		t.Errorf("demanding more than owed: %v", err)
	}
	c = mustV(t, c, Recover{Act: on("2026-07-01"), Amount: money.Yuan(4000)})
	if c.State != AdvSettled || c.Ledger().Balance != 0 {
		t.Errorf("fully recovered settles: %s %s", c.State, c.Ledger().Balance)
	}
	if _, err := c.Apply(Recover{Act: on("2026-07-02"), Amount: 1}, "zhang", statutory()); err == nil {
		t.Error("nothing more to recover after settlement")
	}
	kinds := []EntryKind{}
	for _, e := range c.Entries {
		kinds = append(kinds, e.Kind)
	}
	want := []EntryKind{EntryAdvance, EntryAdvance, EntryDemand, EntryRecovery, EntryWriteOff, EntryRecovery}
	if !slices.Equal(kinds, want) {
		t.Errorf("ledger lines %v", kinds)
	}
}

func TestPendingWriteOffsCannotExceedTheBalance(t *testing.T) {
	c := advanced(t)
	c = mustVBy(t, c, "zhao", ProposeWriteOff{Act: on("2026-04-01"), Amount: money.Yuan(6000), Reason: "r"})
	if _, err := c.Apply(ProposeWriteOff{Act: on("2026-04-01"), Amount: money.Yuan(4001), Reason: "r"}, "zhao", statutory()); FieldOf(err) != "amount" {
		t.Errorf("write-offs over the balance: %v", err)
	}
	if _, err := c.Apply(Recover{Act: on("2026-04-02"), Amount: money.Yuan(4001)}, "zhang", statutory()); FieldOf(err) != "amount" {
		t.Errorf("a recovery that would leave the pending write-off above the balance: %v", err)
	}
}

func TestLedgerAmountsMustBePositive(t *testing.T) {
	c := advanced(t)
	for name, x := range map[string]AdvAction{
		"advance":  PayAdvance{Act: on("2026-04-01"), Amount: 0, Items: "x"},
		"demand":   Demand{Act: on("2026-04-01"), Amount: -1},
		"recover":  Recover{Act: on("2026-04-01"), Amount: -100},
		"writeoff": ProposeWriteOff{Act: on("2026-04-01"), Amount: 0, Reason: "r"},
	} {
		if _, err := c.Apply(x, "zhang", statutory()); FieldOf(err) != "amount" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestOpenAdvanceRules(t *testing.T) {
	for field, mut := range map[string]func(*AdvanceApplication){
		"ground":           func(a *AdvanceApplication) { a.Ground = "" },
		"determination_id": func(a *AdvanceApplication) { a.WorkInjury = false },
		"third_party":      func(a *AdvanceApplication) { a.Ground, a.ThirdParty = GroundThirdParty, "" },
		"employer_uscc":    func(a *AdvanceApplication) { a.EmployerUSCC = "" },
	} {
		a := advApp(GroundUninsuredEmployer)
		mut(&a)
		if _, err := OpenAdvance(a, "zhao", statutory()); FieldOf(err) != field {
			t.Errorf("want %s: %v", field, err)
		}
	}
}

func TestRejectClosesBeforeAnyAdvance(t *testing.T) {
	c, _ := OpenAdvance(advApp(GroundUninsuredEmployer), "zhao", statutory())
	if _, err := c.Apply(RejectAdvance{Act: on("2026-03-03")}, "zhang", statutory()); FieldOf(err) != "reason" {
		t.Errorf("reasons: %v", err)
	}
	c = mustV(t, c, RejectAdvance{Act: on("2026-03-03"), Reason: "用人单位已参保"})
	if c.State != AdvClosed {
		t.Errorf("state %s", c.State)
	}
	if _, err := advanced(t).Apply(RejectAdvance{Act: on("2026-04-03"), Reason: "r"}, "zhang", statutory()); FieldOf(err) != "state" {
		t.Errorf("no rejection after an advance: %v", err)
	}
}
