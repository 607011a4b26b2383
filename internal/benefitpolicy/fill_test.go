package benefitpolicy_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"wiis/internal/benefit"
	"wiis/internal/benefitpolicy"
	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// fill decodes a case, fills it from db's policy and calculates it.
func fill(t *testing.T, db *store.DB, js string) (benefit.Result, error) {
	t.Helper()
	c, err := benefit.DecodeCase(strings.NewReader(js))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := benefitpolicy.Fill(context.Background(), db, &c); err != nil {
		return benefit.Result{}, err
	}
	return benefit.Calculate(c)
}

func amountOf(t *testing.T, res benefit.Result, code string) string {
	t.Helper()
	for _, it := range res.Items {
		if it.Code == code {
			return it.Amount.String()
		}
	}
	t.Fatalf("no %s in %+v", code, res.Items)
	return ""
}

// The public Weihai check of benefits.md, from the seeded policy instead of explicit params.
func TestWeihaiNursingCareTakesTheAreaAverageInForceOnTheInjuryDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, c := range []struct{ date, want string }{
			{"2017-03-01", "1442.93"}, // 4809.75 × 30%
			{"2016-12-31", "1337.35"}, // 4457.83 × 30%
			{"2017-01-01", "1442.93"},
		} {
			res, err := fill(t, db, `{"injury_date": "`+c.date+`", "self_care": "partial", "region": "371000"}`)
			if err != nil {
				t.Fatal(err)
			}
			if got := amountOf(t, res, benefit.NursingCare); got != c.want {
				t.Errorf("injured %s: nursing care %s, want %s", c.date, got, c.want)
			}
		}
		// a county of Weihai inherits the city's figure
		res, err := fill(t, db, `{"injury_date": "2017-03-01", "self_care": "full", "region": "371002"}`)
		if err != nil {
			t.Fatal(err)
		}
		if got := amountOf(t, res, benefit.NursingCare); got != "2404.88" {
			t.Errorf("county 371002: nursing care %s, want 2404.88 (4809.75 × 50%%)", got)
		}
	})
}

func TestExplicitParamsOverridePolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		res, err := fill(t, db, `{"injury_date": "2017-03-01", "self_care": "partial", "region": "371000", "params": {"area_avg_wage": "1000.00"}}`)
		if err != nil {
			t.Fatal(err)
		}
		if got := amountOf(t, res, benefit.NursingCare); got != "300.00" {
			t.Errorf("nursing care %s, want 300.00 from the explicit average", got)
		}
	})
}

func TestJiangsuCityTakesTheProvincesFixedAmountsAndAgeReduction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		res, err := fill(t, db, `{"injury_date": "2024-05-01", "region": "320400", "own_wage": "8000", "grade": 7,
			"employment_ended": true, "birth_date": "1990-01-01", "retire_category": "male"}`)
		if err != nil {
			t.Fatal(err)
		}
		if m, e := amountOf(t, res, benefit.LumpSumMedical), amountOf(t, res, benefit.LumpSumEmployment); m != "120000.00" || e != "45000.00" {
			t.Errorf("Jiangsu grade 7: medical %s, employment %s; want 120000.00 and 45000.00", m, e)
		}
		// three years before the statutory age: the medical subsidy at 40% (Jiangsu Art. 28)
		res, err = fill(t, db, `{"injury_date": "2024-05-01", "region": "320400", "own_wage": "8000", "grade": 7,
			"employment_ended": true, "birth_date": "1966-03-01", "retire_category": "male"}`)
		if err != nil {
			t.Fatal(err)
		}
		if m := amountOf(t, res, benefit.LumpSumMedical); m != "48000.00" {
			t.Errorf("medical near retirement %s, want 48000.00", m)
		}
		// a month table given explicitly is not overridden by the province's fixed amounts
		res, err = fill(t, db, `{"injury_date": "2024-05-01", "region": "320400", "own_wage": "8000", "grade": 7,
			"employment_ended": true, "birth_date": "1990-01-01", "retire_category": "male",
			"params": {"medical_subsidy_months": {"7": 1}, "subsidy_base": "own_wage"}}`)
		if err != nil {
			t.Fatal(err)
		}
		if m := amountOf(t, res, benefit.LumpSumMedical); m != "8000.00" {
			t.Errorf("explicit months: medical %s, want 8000.00", m)
		}
	})
}

func TestAnhuiEmploymentSubsidyIsReducedNearRetirement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		res, err := fill(t, db, `{"injury_date": "2024-05-01", "region": "341500", "own_wage": "6000", "grade": 7,
			"employment_ended": true, "birth_date": "1966-03-01", "retire_category": "male", "termination_date": "2025-09-01"}`)
		if err != nil {
			t.Fatal(err)
		}
		// Lu'an 2024 demo average 6250.00: medical 10 months, employment 20 months × 30% (< 1 year left)
		if m, e := amountOf(t, res, benefit.LumpSumMedical), amountOf(t, res, benefit.LumpSumEmployment); m != "62500.00" || e != "37500.00" {
			t.Errorf("medical %s, employment %s", m, e)
		}
	})
}

func TestNationalIncomeFollowsTheDeathDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		res, err := fill(t, db, `{"injury_date": "2023-12-20", "death_date": "2024-01-05", "death": "work", "region": "371000"}`)
		if err != nil {
			t.Fatal(err)
		}
		if got := amountOf(t, res, benefit.LumpSumDeath); got != "1036420.00" {
			t.Errorf("death in 2024: %s, want 20 × 51821 (2023 income)", got)
		}
	})
}

func TestAParameterFoundNowhereIsAnErrorNamingIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// Zhejiang's subsidies multiply the province-wide average, which is not seeded
		_, err := fill(t, db, `{"injury_date": "2024-05-01", "region": "330000", "own_wage": "6000", "grade": 9, "employment_ended": true,
			"birth_date": "1990-01-01", "retire_category": "male", "params": {"area_avg_wage": "7000"}}`)
		var fe *benefit.FieldError
		if !errors.As(err, &fe) || fe.Field != "params.province_avg_wage" {
			t.Errorf("got %v, want an error naming params.province_avg_wage", err)
		}
		_, err = fill(t, db, `{"injury_date": "2014-05-01", "region": "371000", "own_wage": "6000", "grade": 3}`)
		if !errors.As(err, &fe) || fe.Field != "params.area_avg_wage" {
			t.Errorf("got %v, want an error naming params.area_avg_wage (no Weihai average before 2016)", err)
		}
		_, err = fill(t, db, `{"injury_date": "2024-05-01", "region": "999999", "self_care": "full"}`)
		if !errors.As(err, &fe) || fe.Field != "region" {
			t.Errorf("unknown region: got %v", err)
		}
	})
}

// Every seeded value must decode with the calculator's own strict params decoder, so a seed
// typo fails here rather than in a caseworker's calculation.
func TestSeededPolicyDecodesAsParams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, region := range []string{"340000", "320000", "370000", "330000", "341500", "320400", "321100", "371000"} {
			vals, err := policy.InForce(ctx, db, region, "2024-06-01")
			if err != nil {
				t.Fatal(err)
			}
			obj := map[string]json.RawMessage{}
			for _, k := range benefit.ParamKeys {
				if v, ok := vals[k]; ok {
					obj[k] = v.Raw
				}
			}
			b, _ := json.Marshal(obj)
			p, err := benefit.DecodeParams(b, "policy")
			if err != nil {
				t.Errorf("%s: %v", region, err)
				continue
			}
			c := benefit.Case{InjuryDate: "2024-06-01", Params: p}
			if err := benefit.Validate(c); err != nil {
				t.Errorf("%s: %v", region, err)
			}
			if p.MedicalSubsidyMonths == nil && p.MedicalSubsidyAmounts == nil {
				t.Errorf("%s: no medical subsidy table in force", region)
			}
		}
	})
}
