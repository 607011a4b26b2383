package payroll

import (
	"errors"
	"strings"
	"testing"

	"wiis/internal/money"
)

func ent(item string, amount string, start string) *Entitlement {
	return &Entitlement{IDNumber: "110105200605020012", Item: item, Start: MustMonth(start),
		Amounts: []AmountFrom{{From: MustMonth(start), Amount: money.MustParse(amount), Seq: 1}}}
}

func TestWeihai2017AdjustmentGivesThePublishedFigures(t *testing.T) {
	rule, err := ParseRule([]byte(`{"effective_month": "2017-01",
     "disability_allowance": {"by_grade": {"1": "195", "2": "185", "3": "175", "4": "165"}},
     "nursing_care": {"area_avg_wage": "4809.75"},
     "survivor_pension": {"spouse": "69", "other": "51", "orphan_or_lone_extra": "20"}}`))
	if err != nil {
		t.Fatal(err)
	}
	nursing, _ := NursingAmount(money.MustParse("4457.83"), "full")
	if nursing != money.MustParse("2228.92") {
		t.Fatalf("2015 nursing = %s, want 2228.92", nursing)
	}
	cases := []struct {
		name string
		e    Entitlement
		cur  string
		want string
	}{
		{"grade 1 allowance", Entitlement{Item: DisabilityAllowance, Grade: 1}, "4000.00", "4195.00"},
		{"full nursing care", Entitlement{Item: NursingCare, SelfCare: "full"}, "2228.92", "2404.88"},
		{"most nursing care", Entitlement{Item: NursingCare, SelfCare: "most"}, "1783.13", "1923.90"},
		{"partial nursing care", Entitlement{Item: NursingCare, SelfCare: "partial"}, "1337.35", "1442.93"},
		{"spouse", Entitlement{Item: SurvivorPension, Relation: "spouse"}, "2400.00", "2469.00"},
		{"orphan", Entitlement{Item: SurvivorPension, Relation: "child", OrphanOrLone: true}, "1800.00", "1871.00"},
	}
	for _, c := range cases {
		got, err := rule.NewAmount(&c.e, money.MustParse(c.cur))
		if err != nil || got != money.MustParse(c.want) {
			t.Errorf("%s: %s → %s (%v), want %s", c.name, c.cur, got, err, c.want)
		}
	}
}

func TestPercentRaiseRoundsHalfUp(t *testing.T) {
	rule, err := ParseRule([]byte(`{"effective_month":"2020-01","disability_allowance":{"percent":"5"}}`))
	if err != nil {
		t.Fatal(err)
	}
	// 3333.33 × 5% = 166.6665 → 166.67
	got, _ := rule.NewAmount(&Entitlement{Item: DisabilityAllowance, Grade: 3}, money.MustParse("3333.33"))
	if got != money.MustParse("3500.00") {
		t.Fatalf("got %s, want 3500.00", got)
	}
}

func TestRuleHashIgnoresSpellingButNotMeaning(t *testing.T) {
	a, _ := ParseRule([]byte(`{"effective_month":"2017-01","survivor_pension":{"spouse":"69","other":"51"}}`))
	b, _ := ParseRule([]byte(`{"survivor_pension":{"other":"51.00","spouse":69},"effective_month":"2017-01"}`))
	c, _ := ParseRule([]byte(`{"effective_month":"2017-02","survivor_pension":{"spouse":"69","other":"51"}}`))
	if a.Hash() != b.Hash() || a.Hash() == c.Hash() {
		t.Fatal("hash must identify the rule by meaning")
	}
}

func TestRuleValidationNamesTheField(t *testing.T) {
	cases := map[string]string{
		`{"effective_month":"2017-13","nursing_care":{"area_avg_wage":"1"}}`:                    "effective_month",
		`{"nursing_care":{"area_avg_wage":"1"}}`:                                                "effective_month",
		`{"effective_month":"2017-01","bonus":{}}`:                                              "bonus",
		`{"effective_month":"2017-01","disability_allowance":{"by_grade":{"5":"10"}}}`:          "disability_allowance.by_grade.5",
		`{"effective_month":"2017-01","disability_allowance":{"by_grade":{"1":"abc"}}}`:         "disability_allowance.by_grade.1",
		`{"effective_month":"2017-01","disability_allowance":{"percent":"-3"}}`:                 "disability_allowance.percent",
		`{"effective_month":"2017-01","disability_allowance":{"percent":"5","by_grade":{}}}`:    "disability_allowance.by_grade",
		`{"effective_month":"2017-01","nursing_care":{"area_avg_wage":"1.234"}}`:                "nursing_care.area_avg_wage",
		`{"effective_month":"2017-01","nursing_care":{"area":"1"}}`:                             "nursing_care.area",
		`{"effective_month":"2017-01","survivor_pension":{"spouse":"-1"}}`:                      "survivor_pension.spouse",
		`{"effective_month":"2017-01","survivor_pension":{"cousin":"1"}}`:                       "survivor_pension.cousin",
		`{"effective_month":"2017-01"}`:                                                         "disability_allowance",
		`[1]`:                                                                                   "rule",
		`{"effective_month":"2017-01","survivor_pension":{"spouse":"1"},"effective_month":"x"}`: "effective_month",
	}
	for in, field := range cases {
		_, err := ParseRule([]byte(in))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: got %v, want an error on %s", in, err, field)
		}
	}
}

func TestDeathMonthIsPaidAndTheMonthAfterIsNot(t *testing.T) {
	e := ent(DisabilityAllowance, "3600", "2024-01")
	p := Person{DeathMonth: MustMonth("2024-05")}
	if err := Payable(e, p, MustMonth("2024-05")); err != nil {
		t.Fatalf("death month: %v", err)
	}
	if err := Payable(e, p, MustMonth("2024-06")); !errors.Is(err, ErrDead) {
		t.Fatalf("month after death: %v", err)
	}
}

func TestStartAndEndMonthsBoundThePayment(t *testing.T) {
	e := ent(NursingCare, "1000", "2024-03")
	e.End = MustMonth("2024-06")
	for m, want := range map[string]error{"2024-02": ErrNotStarted, "2024-03": nil, "2024-06": nil, "2024-07": ErrEnded} {
		if err := Payable(e, Person{}, MustMonth(m)); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", m, err, want)
		}
	}
}

func TestChildSurvivorIsPaidUntilTheMonthWhoseFirstDayFindsThem18(t *testing.T) {
	e := ent(SurvivorPension, "1800", "2020-01")
	e.Relation = "child"
	// Born 2006-05-02: 17 on 2024-05-01, 18 on 2024-06-01.
	p := Person{Birth: BirthFromID("110105200605020012")}
	if err := Payable(e, p, MustMonth("2024-05")); err != nil {
		t.Fatalf("May: %v", err)
	}
	if err := Payable(e, p, MustMonth("2024-06")); !errors.Is(err, ErrAdult) {
		t.Fatalf("June: %v", err)
	}
	// Born on the first of a month: 18 on that first day, so that month is not paid.
	p1 := Person{Birth: BirthFromID("110105200605010017")}
	if err := Payable(e, p1, MustMonth("2024-05")); !errors.Is(err, ErrAdult) {
		t.Fatalf("born 1 May, May 2024: %v", err)
	}
	e.UnableToWork = true
	if err := Payable(e, p, MustMonth("2030-01")); err != nil {
		t.Fatalf("unable to work: %v", err)
	}
	// A spouse is not limited by age.
	s := ent(SurvivorPension, "2000", "2020-01")
	s.Relation = "spouse"
	if err := Payable(s, p, MustMonth("2030-01")); err != nil {
		t.Fatalf("spouse: %v", err)
	}
}

func TestSuspensionStopsAndLiftingPaysBackAcrossAYearEnd(t *testing.T) {
	e := ent(DisabilityAllowance, "3000", "2023-01")
	e.Suspensions = []Suspension{{From: MustMonth("2023-11")}}
	if err := Payable(e, Person{}, MustMonth("2024-02")); !errors.Is(err, ErrSuspended) {
		t.Fatalf("suspended: %v", err)
	}
	// Paid Jan–Oct 2023; Nov 2023–Feb 2024 suspended; lifted before the March 2024 run.
	paid := map[Month]money.Amount{}
	for m := MustMonth("2023-01"); m <= MustMonth("2023-10"); m++ {
		paid[m] = money.MustParse("3000")
	}
	e.Suspensions[0].Lifted = true
	total, parts := BackPay([]*Entitlement{e}, Person{}, MustMonth("2023-11"), MustMonth("2024-03"), paid)
	if total != money.MustParse("12000") || len(parts) != 4 || parts[0].Month != MustMonth("2023-11") || parts[3].Month != MustMonth("2024-02") {
		t.Fatalf("back pay %s %v, want 12000.00 over Nov–Feb", total, parts)
	}
	// A suspension that ends without being lifted forfeits its months.
	e.Suspensions[0] = Suspension{From: MustMonth("2023-11"), To: MustMonth("2024-01")}
	if err := Payable(e, Person{}, MustMonth("2024-02")); err != nil {
		t.Fatalf("after an ended suspension: %v", err)
	}
	if total, _ := BackPay([]*Entitlement{e}, Person{}, MustMonth("2023-11"), MustMonth("2024-03"), paid); total != 0 {
		t.Fatalf("ended suspension paid back %s", total)
	}
}

func TestAdjustmentBackPayCountsEarlierBackPay(t *testing.T) {
	// Weihai: effective January, paid Jan–Aug at 4,000.00; the September run pays 8 × 195.
	e := ent(DisabilityAllowance, "4000", "2010-01")
	e.Grade = 1
	e.Amounts = append(e.Amounts, AmountFrom{From: MustMonth("2017-01"), Amount: money.MustParse("4195"), Seq: 2})
	paid := map[Month]money.Amount{}
	for m := MustMonth("2017-01"); m <= MustMonth("2017-08"); m++ {
		paid[m] = money.MustParse("4000")
	}
	total, parts := BackPay([]*Entitlement{e}, Person{}, MustMonth("2017-01"), MustMonth("2017-09"), paid)
	if total != money.MustParse("1560") || len(parts) != 8 {
		t.Fatalf("back pay %s, want 1560.00", total)
	}
	// Once that back pay is attributed to its months, a second pass owes nothing.
	for _, p := range parts {
		paid[p.Month] += p.Amount
	}
	if total, _ := BackPay([]*Entitlement{e}, Person{}, MustMonth("2017-01"), MustMonth("2017-09"), paid); total != 0 {
		t.Fatalf("second back pay %s", total)
	}
	// Months never paid are not back pay; they belong to their own run.
	if total, _ := BackPay([]*Entitlement{e}, Person{}, MustMonth("2017-01"), MustMonth("2017-09"), nil); total != 0 {
		t.Fatalf("unpaid months paid back: %s", total)
	}
}

func TestLineAmountSumsTwoEntitlementsAndSubtractsBackPaid(t *testing.T) {
	a := ent(SurvivorPension, "1000", "2020-01")
	b := ent(SurvivorPension, "500", "2021-01")
	a.Relation, b.Relation = "parent", "parent"
	if got := LineAmount([]*Entitlement{a, b}, Person{}, MustMonth("2021-01"), money.MustParse("100")); got != money.MustParse("1400") {
		t.Fatalf("got %s", got)
	}
}

func TestMonthParsing(t *testing.T) {
	if _, err := ParseMonth("2024-5"); err == nil || !strings.Contains(err.Error(), "YYYY-MM") {
		t.Fatal("2024-5 accepted")
	}
	if MustMonth("2024-12")+1 != MustMonth("2025-01") || MustMonth("2025-01").String() != "2025-01" {
		t.Fatal("month arithmetic")
	}
}
