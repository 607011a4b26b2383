package benefit_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"wiis/internal/benefit"
	"wiis/internal/benefit/benefittest"
	"wiis/internal/money"
	"wiis/internal/sharedtest"
)

// randomCase draws a valid case: any grade, self-care level, death kind, dependants and flags
// the contract allows together, with wages from 0 to 100,000 yuan.
func randomCase(r *rand.Rand) benefit.Case {
	amt := func(maxYuan int64) *money.Amount { a := money.Amount(r.Int64N(maxYuan * 100)); return &a }
	c := benefit.Case{InjuryDate: "2024-05-01", Params: benefit.Params{
		AreaAvgWage: amt(20000), MinWage: amt(4000), NationalIncome: amt(80000), SubsidyBase: benefit.BaseAreaAvgWage,
		MedicalSubsidyMonths:    map[int]benefit.Months{5: 2400, 6: 1800, 7: 1000, 8: 800, 9: 600, 10: 400},
		EmploymentSubsidyMonths: map[int]benefit.Months{5: 4000, 6: 3400, 7: 2000, 8: 1500, 9: 1000, 10: 500},
	}}
	if r.IntN(2) == 0 {
		c.OwnWage = amt(100000)
	} else {
		for range 1 + r.IntN(15) {
			c.WageHistory = append(c.WageHistory, *amt(100000))
		}
	}
	if r.IntN(4) == 0 {
		f := false
		c.Insured = &f
	}
	c.Grade = r.IntN(11)
	c.SelfCare = []string{"", "full", "most", "partial"}[r.IntN(4)]
	switch {
	case c.Grade >= 1 && c.Grade <= 4 && r.IntN(3) == 0:
		c.Retired, c.BasicPension = true, amt(20000)
	case c.Grade >= 5 && r.IntN(2) == 0:
		c.EmploymentEnded = true
	case c.Grade == 5 || c.Grade == 6:
		c.NoSuitableWork = r.IntN(2) == 0
	}
	if r.IntN(3) == 0 {
		c.SuspensionMonths, c.OriginalWage = r.IntN(25), amt(50000)
	}
	if r.IntN(3) == 0 {
		c.Death = benefit.DeathWork
		if c.Grade >= 1 && c.Grade <= 4 && r.IntN(2) == 0 {
			c.Death = benefit.DeathAfterDisability
		}
		for range r.IntN(7) {
			c.Dependents = append(c.Dependents, benefit.Dependent{
				Relation: []string{"spouse", "child", "parent", "grandparent", "grandchild", "sibling"}[r.IntN(6)],
				Orphan:   r.IntN(3) == 0, LoneElderly: r.IntN(4) == 0})
		}
	}
	return c
}

// forRandomCases runs check on n random valid cases from a fixed seed (reproducible failures).
func forRandomCases(t *testing.T, n int, check func(t *testing.T, c benefit.Case, res benefit.Result)) {
	r := rand.New(rand.NewPCG(2024, 39))
	for i := 0; i < n; i++ {
		c := randomCase(r)
		res, err := benefit.Calculate(c)
		if err != nil {
			b, _ := json.Marshal(c)
			t.Fatalf("valid case rejected: %v\n%s", err, b)
		}
		check(t, c, res)
		if t.Failed() {
			b, _ := json.Marshal(c)
			t.Fatalf("case %d: %s", i, b)
		}
	}
}

func TestPropertyOwnWageWithin60And300PercentOfAreaAverage(t *testing.T) {
	forRandomCases(t, 5000, func(t *testing.T, c benefit.Case, res benefit.Result) {
		if res.OwnWage == nil {
			return
		}
		area := *c.Params.AreaAvgWage
		if *res.OwnWage < area.Percent(60) || *res.OwnWage > area.Percent(300) {
			t.Errorf("own wage %s outside [%s, %s]", res.OwnWage, area.Percent(60), area.Percent(300))
		}
		if *res.OwnWageRule != benefit.RuleFloor && *res.OwnWageRule != benefit.RuleCap && *res.OwnWage != *res.OwnWageRaw {
			t.Errorf("rule %s but own %s != raw %s", *res.OwnWageRule, res.OwnWage, res.OwnWageRaw)
		}
	})
}

func TestPropertySurvivorTotalNeverExceedsOwnWage(t *testing.T) {
	forRandomCases(t, 5000, func(t *testing.T, c benefit.Case, res benefit.Result) {
		var sum money.Amount
		for _, it := range res.Items {
			if it.Code == benefit.SurvivorPension {
				sum += it.Amount
			}
		}
		if sum > 0 && sum > *res.OwnWage {
			t.Errorf("survivor total %s > own wage %s", sum, res.OwnWage)
		}
	})
}

func TestPropertyTotalsEqualTheSumOfItems(t *testing.T) {
	forRandomCases(t, 5000, func(t *testing.T, c benefit.Case, res benefit.Result) {
		var sum money.Amount
		for _, it := range res.Items {
			sum += it.Amount
			if !c.IsInsured() && it.Payer != benefit.PayerEmployer {
				t.Errorf("uninsured employer, but %s is paid by %s (Art. 62)", it.Code, it.Payer)
			}
		}
		tt := res.Totals
		if tt.FundOnce+tt.EmployerOnce+tt.FundMonthly+tt.EmployerMonthly != sum {
			t.Errorf("totals %+v do not add up to %s", tt, sum)
		}
	})
}

func TestPropertyLumpSumDisabilityGrowsWithSeverity(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 2000; i++ {
		c := randomCase(r)
		c.Death, c.Dependents, c.EmploymentEnded, c.NoSuitableWork, c.Retired = "", nil, false, false, false
		prev := money.Amount(-1)
		for g := 10; g >= 1; g-- {
			c.Grade = g
			res, err := benefit.Calculate(c)
			if err != nil {
				t.Fatal(err)
			}
			a := res.Items[0].Amount
			if res.Items[0].Code != benefit.LumpSumDisability || a < prev || (a == prev && a != 0) {
				t.Fatalf("grade %d: %s after %s for the lighter grade (own wage %v)", g, a, prev, res.OwnWage)
			}
			prev = a
		}
	}
}

func TestPropertyUninsuredEmployerOwesTheSameAmounts(t *testing.T) {
	forRandomCases(t, 2000, func(t *testing.T, c benefit.Case, res benefit.Result) {
		f := false
		c.Insured = &f
		un, err := benefit.Calculate(c)
		if err != nil || len(un.Items) != len(res.Items) {
			t.Fatalf("%v", err)
		}
		for i := range un.Items {
			if un.Items[i].Amount != res.Items[i].Amount || un.Items[i].Payer != benefit.PayerEmployer {
				t.Errorf("%s: %+v vs insured %+v", un.Items[i].Code, un.Items[i], res.Items[i])
			}
		}
	})
}

// FuzzCalcJSON feeds arbitrary bytes to the decoder and the calculator: neither may panic, and
// every answer must be consistent (totals add up) and render as JSON.
func FuzzCalcJSON(f *testing.F) {
	if sharedtest.Find("calc") != "" {
		for _, c := range benefittest.Shared(f) {
			f.Add(c.Input)
		}
	}
	f.Add([]byte(`{"injury_date": "2024-01-01", "grade": 7, "employment_ended": true, "birth_date": "1966-03-01", "retire_category": "female_worker",
		"own_wage": 1, "params": {"area_avg_wage": 1, "subsidy_base": "own_wage", "medical_subsidy_months": {"7": 0.5}, "employment_subsidy_amounts": {"7": 3},
		"subsidy_age_reduction": {"medical": {"tiers": [{"below_years": 5, "percent": 50}], "at_retirement_percent": 0}}}}`))
	f.Add([]byte(`{"injury_date": "2024-01-01", "death": "missing", "hardship": true, "original_wage": 1, "own_wage": 9999999999999.99,
		"dependents": [{"relation": "child", "orphan": true}], "params": {"area_avg_wage": 9999999999999.99, "national_income": 9999999999999.99}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := benefit.DecodeCase(bytes.NewReader(in))
		if err != nil {
			return
		}
		res, err := benefit.Calculate(c)
		if err != nil {
			return
		}
		var sum money.Amount
		for _, it := range res.Items {
			sum += it.Amount
		}
		tt := res.Totals
		if tt.FundOnce+tt.EmployerOnce+tt.FundMonthly+tt.EmployerMonthly != sum {
			t.Fatalf("totals do not add up: %+v", res)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkCalculate measures decode + calculate of a realistic case and reports
// calculations per second and the ratio to decoding the same JSON into a generic value — a
// raw baseline taken in the same run, so the figure travels.
func BenchmarkCalculate(b *testing.B) {
	b.ReportAllocs()
	calc, raw, err := benefit.Measure(b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/calc.Seconds(), "calcs/s")
	b.ReportMetric(calc.Seconds()/raw.Seconds(), "x_raw_json_decode")
}

// BenchmarkCalculateOnly is the engine alone on a decoded case, as payroll calls it.
func BenchmarkCalculateOnly(b *testing.B) {
	c, err := benefit.DecodeCase(bytes.NewReader([]byte(`{"injury_date": "2024-03-15", "own_wage": "6000", "grade": 5,
		"employment_ended": true, "self_care": "partial", ` + params + `}`)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := benefit.Calculate(c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calcs/s")
}
