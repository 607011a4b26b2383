package contrib

import (
	"encoding/json"
	"math/big"
	"testing"

	"wiis/internal/money"
)

// The 支缴率 scheme of law-reference.md §4, as the demo cities' float_rule.
var zhijiaoRule = FloatRule{
	WindowYears: 1, MinYearsInsured: 1, NoFloatClasses: []Class{1, 2},
	Bands: []FloatBand{
		{Accidents: "none", MaxRatio: "1.20", Factor: "0.8", Reason: "上年无新发工伤且支缴率≤120%，下浮至80%"},
		{Accidents: "none", Factor: "1", Reason: "上年无新发工伤，支缴率>120%，执行基准费率"},
		{Accidents: "some", MaxRatio: "1.20", Factor: "1", Reason: "上年有新发工伤，支缴率≤120%，执行基准费率"},
		{Accidents: "some", MaxRatio: "3.00", Factor: "1.2", Reason: "上年有新发工伤，支缴率120%–300%，上浮至120%"},
		{Accidents: "some", Factor: "1.5", Reason: "上年有新发工伤，支缴率>300%，上浮至150%"},
	},
}

func TestFloatingRateFollowsTheBandsAndTheClassTiers(t *testing.T) {
	cases := []struct {
		name string
		in   FloatInput
		want string
	}{
		{"no injury, low ratio floats down", FloatInput{Class: 3, YearsInsured: 3, Contributions: money.Yuan(100000), Expenditure: money.Yuan(50000)}, "0.8"},
		{"no injury at exactly 120% floats down", FloatInput{Class: 3, YearsInsured: 3, Contributions: money.Yuan(100000), Expenditure: money.Yuan(120000)}, "0.8"},
		{"no injury above 120% stays", FloatInput{Class: 3, YearsInsured: 3, Contributions: money.Yuan(100000), Expenditure: money.Yuan(120001)}, "1"},
		{"injury, 250% floats up one tier", FloatInput{Class: 6, YearsInsured: 2, Contributions: money.Yuan(100000), Expenditure: money.Yuan(250000), Accidents: 1}, "1.2"},
		{"injury, above 300% floats up two tiers", FloatInput{Class: 6, YearsInsured: 2, Contributions: money.Yuan(100000), Expenditure: money.Yuan(300001), Accidents: 2}, "1.5"},
		{"first year insured stays at base", FloatInput{Class: 6, YearsInsured: 0, Contributions: money.Yuan(100), Expenditure: money.Yuan(1000), Accidents: 2}, "1"},
		{"class I does not float under this rule", FloatInput{Class: 1, YearsInsured: 5, Contributions: money.Yuan(100)}, "1"},
		{"expenditure with nothing paid is above every bound", FloatInput{Class: 4, YearsInsured: 5, Expenditure: money.Yuan(10), Accidents: 1}, "1.5"},
	}
	for _, c := range cases {
		got, err := EvaluateFloat(zhijiaoRule, c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.FactorText != c.want {
			t.Errorf("%s: factor %s (%s), want %s", c.name, got.FactorText, got.Reason, c.want)
		}
	}
}

func TestClassOneCannotFloatBelowItsBaseRate(t *testing.T) {
	rule := FloatRule{Bands: []FloatBand{{Factor: "0.5"}}}
	got, _ := EvaluateFloat(rule, FloatInput{Class: 1, YearsInsured: 3})
	if got.FactorText != "1" {
		t.Fatalf("class I floated to %s; 71号 allows only 100/120/150%%", got.FactorText)
	}
	got, _ = EvaluateFloat(rule, FloatInput{Class: 2, YearsInsured: 3})
	if got.FactorText != "0.5" {
		t.Fatalf("class II: %s, want 0.5", got.FactorText)
	}
}

func TestAssessmentIsPayrollTimesRateRoundedOnce(t *testing.T) {
	rate, _ := EffectiveRate(MustRate("0.007"), big.NewRat(4, 5), Reduction{Percent: "20"}) // 0.7% × 80% × 80% = 0.448%
	if rate.Percent() != "0.448%" {
		t.Fatalf("rate %s", rate.Percent())
	}
	persons := []Covered{
		{IDNumber: "a", Category: "regular", Base: money.MustParse("3000.00")},
		{IDNumber: "b", Category: "regular", Base: money.MustParse("50000.00")}, // above the ceiling
		{IDNumber: "c", Category: "project", Base: money.MustParse("6000.00")},  // paid by the project
		{IDNumber: "d", Category: "intern", Base: money.MustParse("1000.00")},   // below the floor
	}
	a := Assess("2024-05", persons, rate, Bounds{Floor: money.MustParse("4341.60"), Ceiling: money.MustParse("21708.00")}, nil)
	// payroll = 4341.60 + 21708.00 + 4341.60 = 30391.20; × 0.00448 = 136.152576 → 136.15
	if a.Persons != 3 || a.Excluded != 1 || a.Payroll.String() != "30391.20" || a.Due.String() != "136.15" {
		t.Fatalf("assessment %+v", a)
	}
}

func TestCivilServantsPayTheFlatRate(t *testing.T) {
	flat := MustRate("0.002")
	a := Assess("2024-05", []Covered{{Category: "civil_servant", Base: money.Yuan(10000)}, {Category: "regular", Base: money.Yuan(10000)}}, MustRate("0.01"), Bounds{}, &flat)
	if a.Due.String() != "120.00" {
		t.Fatalf("due %s, want 20.00 + 100.00", a.Due)
	}
}

func TestLateFeeIsFiveTenThousandthsADayOnTheArrears(t *testing.T) {
	r := Reconcile(money.Yuan(1000), money.Yuan(400), 100, 130)
	if r.Status != "underpaid" || r.Arrears.String() != "600.00" || r.DaysLate != 30 || r.LateFee.String() != "9.00" {
		t.Fatalf("%+v", r)
	}
	if r := Reconcile(money.Yuan(1000), money.Yuan(1000), 100, 130); r.Status != "paid" || r.LateFee != 0 {
		t.Fatalf("%+v", r)
	}
	if r := Reconcile(money.Yuan(1000), 0, 100, 100); r.Status != "unpaid" || r.LateFee != 0 {
		t.Fatalf("no fee on the due day itself: %+v", r)
	}
}

// Lu'an 2017: 0.15% of contract value (contributions.md).
func TestProjectPremiumIsContractValueTimesRate(t *testing.T) {
	if p := ProjectPremium(money.MustParse("23400000.00"), MustRate("0.0015")); p.String() != "35100.00" {
		t.Fatalf("premium %s", p)
	}
}

func TestBaseRatesDecodeFromPolicyJSON(t *testing.T) {
	var b BaseRates
	if err := json.Unmarshal([]byte(`{"1":"0.002","8":"0.019"}`), &b); err != nil {
		t.Fatal(err)
	}
	if b[8].Percent() != "1.9%" || len(b.SortedClasses()) != 2 {
		t.Fatalf("%v", b)
	}
	if err := json.Unmarshal([]byte(`{"9":"0.1"}`), &b); err == nil {
		t.Fatal("class 9 accepted")
	}
}
