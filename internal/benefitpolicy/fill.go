// Package benefitpolicy fills a benefit.Case's missing params from the policy of its region
// (calc-contract.md: "the server fills missing params from that region's policy in force on
// injury_date"). It is the one place the calculator meets the database, so package benefit
// stays pure. Policy values are stored under the params' own keys and JSON shapes
// (benefit.ParamKeys; seeded by migration 00030) and decoded by the same strict code as a
// case's params, so a figure means the same typed in or published.
package benefitpolicy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"wiis/internal/benefit"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Fill sets every parameter c.Params lacks from the policy in force in c.Region (or its city,
// province, nation) on c.InjuryDate; explicit params win. national_income is looked up on the
// death date when one is given (the income of the year before the death, law-reference.md §5).
// A subsidy's months and fixed amounts go together: if the case gives either for a subsidy,
// neither is taken from policy, so an explicit table is never overridden by a stored one.
//
// Without a region, or with an injury date Validate will reject, Fill does nothing. An unknown
// or malformed region is a *benefit.FieldError on `region`; a database failure or a stored
// value that does not decode is a plain error (the operator's problem, not the caller's).
// A parameter found nowhere stays nil: Calculate names it if an item needs it.
func Fill(ctx context.Context, q store.Querier, c *benefit.Case) error {
	if c.Region == "" || !validDate(c.InjuryDate) {
		return nil
	}
	if err := checkRegion(ctx, q, c.Region); err != nil {
		return err
	}
	// Work in the params' JSON form: what the case gives is the base, found policy values are
	// added under the keys it lacks, and the one strict decoder reads the result.
	explicit, err := json.Marshal(c.Params)
	if err != nil {
		return err
	}
	obj := map[string]json.RawMessage{}
	if err := json.Unmarshal(explicit, &obj); err != nil {
		return err
	}
	given := func(key string) bool { _, ok := obj[key]; return ok }
	added := false
	for _, key := range benefit.ParamKeys {
		if given(key) || given(pairOf[key]) {
			continue
		}
		on := c.InjuryDate
		if key == "national_income" && validDate(c.DeathDate) {
			on = c.DeathDate
		}
		v, ok, err := policy.Get(ctx, q, c.Region, key, on)
		if err != nil {
			return err
		}
		if ok {
			obj[key], added = v.Raw, true
		}
	}
	if !added {
		return nil
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	p, err := benefit.DecodeParams(data, "policy")
	if err != nil {
		return fmt.Errorf("benefitpolicy: stored policy of %s does not decode: %w", c.Region, err)
	}
	c.Params = p
	return nil
}

// pairOf links a subsidy's months and fixed amounts, which are filled together or not at all.
var pairOf = map[string]string{
	"medical_subsidy_months":     "medical_subsidy_amounts",
	"medical_subsidy_amounts":    "medical_subsidy_months",
	"employment_subsidy_months":  "employment_subsidy_amounts",
	"employment_subsidy_amounts": "employment_subsidy_months",
}

// checkRegion rejects a region code the regions table does not know: a typo must not fall
// through to the national defaults and quietly drop the provincial subsidies.
func checkRegion(ctx context.Context, q store.Querier, region string) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, region).Scan(&n); err != nil {
		return fmt.Errorf("benefitpolicy: region %s: %w", region, err)
	}
	if n == 0 {
		return &benefit.FieldError{Field: "region", Message: "unknown region code " + region,
			MessageZH: "未知的行政区划代码 " + region}
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
