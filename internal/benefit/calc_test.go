package benefit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"wiis/internal/benefit"
	"wiis/internal/benefit/benefittest"
	"wiis/internal/money"
)

// run decodes and calculates, and renders the answer as the CLI and API do.
func run(in []byte) ([]byte, int) {
	c, err := benefit.DecodeCase(bytes.NewReader(in))
	if err == nil {
		var res benefit.Result
		if res, err = benefit.Calculate(c); err == nil {
			b, _ := json.Marshal(res)
			return b, 0
		}
	}
	b, _ := json.Marshal(map[string]any{"error": err})
	return b, 2
}

func TestSharedCasesThroughThePackage(t *testing.T) {
	for _, c := range benefittest.Shared(t) {
		t.Run(c.Name, func(t *testing.T) {
			out, code := run(c.Input)
			benefittest.Check(t, c, out, code)
		})
	}
}

// calc is a test helper: a case from JSON text, calculated, failing the test on error.
func calc(t *testing.T, js string) benefit.Result {
	t.Helper()
	c, err := benefit.DecodeCase(strings.NewReader(js))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	res, err := benefit.Calculate(c)
	if err != nil {
		t.Fatalf("calculate: %v", err)
	}
	return res
}

// fieldOf returns the error's field, failing unless it is a *FieldError.
func fieldOf(t *testing.T, js string) string {
	t.Helper()
	c, err := benefit.DecodeCase(strings.NewReader(js))
	if err == nil {
		_, err = benefit.Calculate(c)
	}
	var fe *benefit.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("want a FieldError, got %v", err)
	}
	if fe.MessageZH == "" || fe.Message == "" {
		t.Errorf("%s: messages must be given in both languages: %+v", js, fe)
	}
	return fe.Field
}

func item(res benefit.Result, code string) *benefit.Item {
	for i := range res.Items {
		if res.Items[i].Code == code {
			return &res.Items[i]
		}
	}
	return nil
}

const params = `"params": {"area_avg_wage": "7236.00", "min_wage": "2060.00", "national_income": 51821,
	"medical_subsidy_months": {"5": 22, "6": 18, "7": 13, "8": 10, "9": 7, "10": 4},
	"employment_subsidy_months": {"5": 22, "6": 18, "7": 13, "8": 10, "9": 7, "10": 4},
	"subsidy_base": "area_avg_wage"}`

func TestMinimumWageTopUpIsPaidByTheEmployerForGrade6WithoutSuitableWork(t *testing.T) {
	res := calc(t, `{"injury_date": "2024-01-01", "own_wage": "4341.60", "grade": 6, "no_suitable_work": true,
		"params": {"area_avg_wage": "7236.00", "min_wage": "2700.00"}}`)
	a := item(res, benefit.DisabilityAllowance)
	if a == nil || a.Payer != benefit.PayerEmployer || a.Amount.String() != "2700.00" {
		t.Fatalf("allowance = %+v, want 2700.00 (4341.60 × 60%% = 2604.96 raised to the minimum wage) by the employer", a)
	}
	if res.Totals.EmployerMonthly.String() != "2700.00" {
		t.Errorf("employer monthly total = %s", res.Totals.EmployerMonthly)
	}
}

func TestNoPensionGapWhenThePensionCoversTheAllowance(t *testing.T) {
	res := calc(t, `{"injury_date": "2020-08-08", "own_wage": "6000", "grade": 4, "retired": true, "basic_pension": "4500.00", `+params+`}`)
	if item(res, benefit.PensionGap) != nil || item(res, benefit.DisabilityAllowance) != nil {
		t.Fatalf("6000 × 75%% = 4500 is covered by a pension of 4500: no gap, no allowance; got %+v", res.Items)
	}
}

func TestDeathAfterDisabilityHasNoLumpSumDeathAndEndsOtherItems(t *testing.T) {
	res := calc(t, `{"injury_date": "2020-01-01", "own_wage": "6000", "grade": 2, "self_care": "full",
		"death": "after_disability", "dependents": [{"relation": "spouse"}], `+params+`}`)
	var codes []string
	for _, it := range res.Items {
		codes = append(codes, it.Code)
	}
	if strings.Join(codes, ",") != "funeral,survivor_pension" {
		t.Fatalf("items = %v, want funeral and survivor_pension only (Art. 39 ¶3)", codes)
	}
}

func TestDeathWithoutDependentsLeavesOwnWageNull(t *testing.T) {
	res := calc(t, `{"injury_date": "2024-06-18", "death": "work", `+params+`}`)
	if res.OwnWage != nil || res.OwnWageRule != nil || len(res.Items) != 2 {
		t.Fatalf("no item uses the own wage: want it null and funeral + lump_sum_death; got %+v", res)
	}
}

func TestSurvivorCapRoundsDownAndTotalNeverExceedsOwnWage(t *testing.T) {
	// 4341.65 × 30% = 1302.495 → 1302.50 twice, + 40% 1736.66 = 4341.66 > 4341.65: rounding alone
	// would breach the cap, so the cap rule (round down) applies.
	res := calc(t, `{"injury_date": "2024-06-18", "own_wage": "4341.65", "death": "work",
		"dependents": [{"relation": "spouse"}, {"relation": "child"}, {"relation": "parent"}], `+params+`}`)
	var sum money.Amount
	for _, it := range res.Items {
		if it.Code == benefit.SurvivorPension {
			sum += it.Amount
		}
	}
	if sum > *res.OwnWage {
		t.Fatalf("survivor total %s exceeds own wage %s", sum, res.OwnWage)
	}
}

func TestOnlyTheLast12WagesCountAndFewerAreAveraged(t *testing.T) {
	res := calc(t, `{"injury_date": "2024-01-01", "grade": 10, "wage_history": [99999, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5001], `+params+`}`)
	if res.OwnWageRaw.String() != "5000.08" || *res.OwnWageRule != benefit.RuleAverage {
		t.Fatalf("raw = %s (%s), want 5000.08: the oldest month is the 13th and does not count", res.OwnWageRaw, *res.OwnWageRule)
	}
	res = calc(t, `{"injury_date": "2024-01-01", "grade": 10, "wage_history": ["5000.00", "5000.01"], `+params+`}`)
	if res.OwnWageRaw.String() != "5000.01" {
		t.Fatalf("raw = %s, want 5000.01 (5000.005 rounded half-up)", res.OwnWageRaw)
	}
}

func TestJiangsuFixedAmountsWinOverMonths(t *testing.T) {
	res := calc(t, `{"injury_date": "2024-01-01", "own_wage": "6000", "grade": 7, "employment_ended": true,
		"params": {"area_avg_wage": "7236.00", "medical_subsidy_months": {"7": 13}, "subsidy_base": "area_avg_wage",
		"medical_subsidy_amounts": {"7": "120000.00"}, "employment_subsidy_amounts": {"7": 45000}}}`)
	if m := item(res, benefit.LumpSumMedical); m.Amount.String() != "120000.00" {
		t.Fatalf("medical = %s, want the fixed 120000.00", m.Amount)
	}
	if e := item(res, benefit.LumpSumEmployment); e.Amount.String() != "45000.00" || e.Payer != benefit.PayerEmployer {
		t.Fatalf("employment = %+v", e)
	}
}

func TestSubsidyMonthsMayBeFractionalAndOwnWageBased(t *testing.T) {
	res := calc(t, `{"injury_date": "2024-01-01", "own_wage": "6000.01", "grade": 7, "employment_ended": true,
		"params": {"area_avg_wage": "7236.00", "medical_subsidy_months": {"7": 19.5}, "employment_subsidy_months": {"7": "13"},
		"subsidy_base": "own_wage"}}`)
	if m := item(res, benefit.LumpSumMedical); m.Amount.String() != "117000.20" {
		t.Fatalf("medical = %s, want 6000.01 × 19.5 = 117000.195 → 117000.20", m.Amount)
	}
}

// Anhui: the employment subsidy is reduced near retirement; the reduction counts from the
// termination date to the worker's individual statutory age after the 2025 reform.
func TestAgeReductionUsesTheReformedRetirementAge(t *testing.T) {
	red := `"subsidy_age_reduction": {"employment": {"tiers": [{"below_years": 1, "percent": 30}, {"below_years": 2, "percent": 60},
		{"below_years": 3, "percent": 70}, {"below_years": 4, "percent": 80}, {"below_years": 5, "percent": 90}], "at_retirement_percent": 0}}`
	p := `"params": {"area_avg_wage": "6000.00", "medical_subsidy_months": {"7": 10}, "employment_subsidy_months": {"7": 20}, "subsidy_base": "area_avg_wage", ` + red + `}`
	cases := []struct{ birth, term, want string }{
		// man born 1966-03-01: originally due 2026-03, 14 months after 2025-01 → 14/4+1 = 4
		// months later: 60 years 4 months, reached on 2026-07-01.
		{"1966-03-01", "2025-09-01", "36000.00"}, // 10 months left: 30%
		{"1966-03-01", "2024-07-02", "72000.00"}, // 1 year 11 months 29 days: 60%
		{"1966-03-01", "2024-07-01", "84000.00"}, // exactly 2 years: not "fewer than 2", 70%
		{"1966-03-01", "2026-07-01", "0.00"},     // reached the statutory age
		{"1970-03-01", "2024-08-01", "120000.00"},
	}
	for _, c := range cases {
		res := calc(t, `{"injury_date": "2024-01-01", "own_wage": "6000", "grade": 7, "employment_ended": true,
			"birth_date": "`+c.birth+`", "retire_category": "male", "termination_date": "`+c.term+`", `+p+`}`)
		if e := item(res, benefit.LumpSumEmployment); e.Amount.String() != c.want {
			t.Errorf("born %s, terminated %s: employment = %s (%s), want %s", c.birth, c.term, e.Amount, e.Formula, c.want)
		}
		if m := item(res, benefit.LumpSumMedical); m.Amount.String() != "60000.00" {
			t.Errorf("the medical subsidy has no reduction in this rule: %s", m.Amount)
		}
	}
	if f := fieldOf(t, `{"injury_date": "2024-01-01", "own_wage": "6000", "grade": 7, "employment_ended": true, `+p+`}`); f != "birth_date" {
		t.Errorf("a reduction without a birth date: field %s, want birth_date", f)
	}
}

func TestMissingWorkerGetsThreeMonthsWagesThenSurvivorPensionsAndAnAdvance(t *testing.T) {
	res := calc(t, `{"injury_date": "2024-03-01", "own_wage": "6000", "original_wage": "6500", "death": "missing", "hardship": true,
		"dependents": [{"relation": "spouse"}], `+params+`}`)
	w := item(res, benefit.MissingWage)
	s := item(res, benefit.SurvivorPension)
	a := item(res, benefit.LumpSumDeathAdvance)
	if w == nil || *w.Months != 3 || w.Payer != benefit.PayerEmployer || w.Amount.String() != "6500.00" {
		t.Fatalf("missing_wage = %+v", w)
	}
	if s == nil || *s.FromMonth != 4 || s.Amount.String() != "2400.00" {
		t.Fatalf("survivor_pension = %+v", s)
	}
	if a == nil || a.Amount.String() != "518210.00" || item(res, benefit.Funeral) != nil {
		t.Fatalf("advance = %+v, want 50%% of 1036420.00 and no funeral", a)
	}
}

func TestErrorsNameTheJSONPath(t *testing.T) {
	cases := []struct{ in, field string }{
		{`{"injury_date": "2024-01-01", "grade": 11}`, "grade"},
		{`{"injury_date": "2024-01-01", "grade": 0}`, "grade"},
		{`{"injury_date": "2024-01-01", "grade": 5.5}`, "grade"},
		{`{"injury_date": "2024-01-01", "grade": "5"}`, "grade"},
		{`{"injury_date": "2024-1-1"}`, "injury_date"},
		{`{"injury_date": "2024-02-30"}`, "injury_date"},
		{`{"grade": 5}`, "injury_date"},
		{`{"injury_date": "2024-01-01", "gradee": 5}`, "gradee"},
		{`{"injury_date": "2024-01-01", "death": "work", "dependents": [{"relation": "spouse"}, {"relation": "child"}, {"relation": "cousin"}], ` + params + `}`, "dependents[2].relation"},
		{`{"injury_date": "2024-01-01", "death": "work", "dependents": [{"relation": "spouse", "orphan": "yes"}]}`, "dependents[0].orphan"},
		{`{"injury_date": "2024-01-01", "death": "work", "dependents": [{"relaton": "spouse"}]}`, "dependents[0].relaton"},
		{`{"injury_date": "2024-01-01", "own_wage": "1.234", "grade": 5}`, "own_wage"},
		{`{"injury_date": "2024-01-01", "own_wage": "-1", "grade": 5}`, "own_wage"},
		{`{"injury_date": "2024-01-01", "wage_history": [1, "x"]}`, "wage_history[1]"},
		{`{"injury_date": "2024-01-01", "own_wage": 1, "wage_history": [1]}`, "own_wage"},
		{`{"injury_date": "2024-01-01", "grade": 3, "own_wage": 5000, "params": {"area_avg_wage": "7236.00"}}`, "params.min_wage"},
		{`{"injury_date": "2024-01-01", "grade": 3, "params": {"area_avg_wage": "7236.00", "min_wage": 1}}`, "own_wage"},
		{`{"injury_date": "2024-01-01", "grade": 3, "own_wage": 5000}`, "params.area_avg_wage"},
		{`{"injury_date": "2024-01-01", "self_care": "some"}`, "self_care"},
		{`{"injury_date": "2024-01-01", "suspension_months": 25, "original_wage": 1}`, "suspension_months"},
		{`{"injury_date": "2024-01-01", "suspension_months": 2}`, "original_wage"},
		{`{"injury_date": "2024-01-01", "params": {"min_wge": 1}}`, "params.min_wge"},
		{`{"injury_date": "2024-01-01", "params": {"medical_subsidy_months": {"4": 3}}}`, "params.medical_subsidy_months.4"},
		{`{"injury_date": "2024-01-01", "params": {"subsidy_base": "salary"}}`, "params.subsidy_base"},
		{`{"injury_date": "2024-01-01", "own_wage": 5000, "grade": 8, "employment_ended": true, "params": {"area_avg_wage": "7236.00", "subsidy_base": "area_avg_wage", "medical_subsidy_months": {"5": 1}}}`, "params.medical_subsidy_months"},
		{`{"injury_date": "2024-01-01", "own_wage": 5000, "grade": 8, "employment_ended": true, "params": {"area_avg_wage": "7236.00", "medical_subsidy_months": {"8": 1}}}`, "params.subsidy_base"},
		{`{"injury_date": "2024-01-01", "grade": 3, "employment_ended": true}`, "employment_ended"},
		{`{"injury_date": "2024-01-01", "grade": 7, "no_suitable_work": true}`, "no_suitable_work"},
		{`{"injury_date": "2024-01-01", "grade": 7, "retired": true}`, "retired"},
		{`{"injury_date": "2024-01-01", "dependents": [{"relation": "spouse"}]}`, "dependents"},
		{`{"injury_date": "2024-01-01", "death": "after_disability", "grade": 5}`, "grade"},
		{`{"injury_date": "2024-01-01", "death": "work", "params": {"area_avg_wage": 1}}`, "params.national_income"},
		{`{"injury_date": "2024-01-01", "region": "34150"}`, "region"},
		{`{"injury_date": "2024-01-01"} {}`, ""},
		{`[1]`, ""},
		{`{"injury_date": "2024-01-01", "params": {"subsidy_age_reduction": {"employment": {"tiers": [{"below_years": 2, "percent": 50}, {"below_years": 1, "percent": 60}]}}}}`, "params.subsidy_age_reduction.employment.tiers[1].below_years"},
	}
	for _, c := range cases {
		if got := fieldOf(t, c.in); got != c.field {
			t.Errorf("%s\n  field %q, want %q", c.in, got, c.field)
		}
	}
}

func TestMoneyAsNumberOrStringGivesTheSameAnswer(t *testing.T) {
	a := calc(t, `{"injury_date": "2024-01-01", "own_wage": 6000.5, "grade": 9, "params": {"area_avg_wage": 7236}}`)
	b := calc(t, `{"injury_date": "2024-01-01", "own_wage": "6000.50", "grade": 9, "params": {"area_avg_wage": "7236.00"}}`)
	if a.Items[0].Amount != b.Items[0].Amount || a.Items[0].Amount.String() != "54004.50" {
		t.Fatalf("%s vs %s", a.Items[0].Amount, b.Items[0].Amount)
	}
}

func TestEveryItemCarriesNameBasisAndFormula(t *testing.T) {
	for _, c := range benefittest.Shared(t) {
		out, code := run(c.Input)
		if code != 0 {
			continue
		}
		var res benefit.Result
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatal(err)
		}
		for _, it := range res.Items {
			if it.Name != benefit.ItemName(it.Code) || !strings.HasPrefix(it.Basis, "工伤保险条例第") || it.Formula == "" {
				t.Errorf("%s: %+v", c.Name, it)
			}
		}
	}
}
