package benefit

import (
	"fmt"
	"sort"

	"wiis/internal/money"
	"wiis/internal/retire"
)

// Validate checks the ranges and combinations of calc-contract.md and returns the first
// violation as a *FieldError. Combinations that contradict each other are errors rather than
// silently ignored, because a caseworker who ticks a box expects it to matter. Parameters an
// item needs are checked by Calculate, which knows which items are due.
func Validate(c Case) error {
	if c.InjuryDate == "" {
		return fieldErr("injury_date", "injury_date is required", "必须填写受伤日期 injury_date")
	}
	for _, d := range []struct{ path, v string }{
		{"injury_date", c.InjuryDate}, {"birth_date", c.BirthDate},
		{"termination_date", c.TerminationDate}, {"death_date", c.DeathDate},
	} {
		if d.v != "" && !validDate(d.v) {
			return fieldErr(d.path, "must be a date YYYY-MM-DD", "必须是 YYYY-MM-DD 格式的日期")
		}
	}
	for i, w := range c.WageHistory {
		if err := nonNegative(fmt.Sprintf("wage_history[%d]", i), w); err != nil {
			return err
		}
	}
	if len(c.WageHistory) > maxWageHistory {
		return fieldErr("wage_history", fmt.Sprintf("at most %d entries", maxWageHistory), fmt.Sprintf("最多 %d 项", maxWageHistory))
	}
	if c.OwnWage != nil && len(c.WageHistory) > 0 {
		return fieldErr("own_wage", "give either wage_history or own_wage, not both", "wage_history 与 own_wage 只能填写其一")
	}
	for _, m := range []struct {
		path string
		v    *money.Amount
	}{{"own_wage", c.OwnWage}, {"basic_pension", c.BasicPension}, {"original_wage", c.OriginalWage}} {
		if m.v != nil {
			if err := nonNegative(m.path, *m.v); err != nil {
				return err
			}
		}
	}
	if c.Grade < 0 || c.Grade > 10 {
		return gradeRangeErr()
	}
	if err := oneOf("self_care", c.SelfCare, SelfCareFull, SelfCareMost, SelfCarePartial); err != nil {
		return err
	}
	if err := oneOf("death", c.Death, DeathWork, DeathAfterDisability, DeathMissing); err != nil {
		return err
	}
	if c.SuspensionMonths < 0 || c.SuspensionMonths > 24 {
		return fieldErr("suspension_months", "suspension_months must be an integer from 0 to 24 (12, extendable by at most 12, Art. 33)",
			"停工留薪期 suspension_months 必须是 0 至 24 的整数（一般不超过12个月，延长不超过12个月，条例第三十三条）")
	}
	if err := oneOf("retire_category", c.RetireCategory, string(retire.Male), string(retire.FemaleCadre), string(retire.FemaleWorker)); err != nil {
		return err
	}
	if c.Region != "" && !isRegionCode(c.Region) {
		return fieldErr("region", "region must be a six-digit GB/T 2260 code", "region 必须是六位 GB/T 2260 行政区划代码")
	}
	if err := validateDeath(c); err != nil {
		return err
	}
	if c.Death == "" {
		if err := validateDisability(c); err != nil {
			return err
		}
	}
	return validateParams(c.Params, "params")
}

func validateDeath(c Case) error {
	if c.Death == "" && len(c.Dependents) > 0 {
		return fieldErr("dependents", "dependents are only paid after a death (give death)", "供养亲属抚恤金仅在死亡时支付（请填写 death）")
	}
	if c.Hardship && c.Death != DeathMissing {
		return fieldErr("hardship", "hardship applies only to a missing worker (death \"missing\", Art. 41)", "hardship 仅适用于下落不明（death 为 \"missing\"，条例第四十一条）")
	}
	if c.Death == DeathAfterDisability && (c.Grade < 1 || c.Grade > 4) {
		return fieldErr("grade", "death \"after_disability\" applies to a grade 1–4 worker (Art. 39 ¶3)", "停工留薪期满后死亡（after_disability）仅适用于一至四级伤残职工（条例第三十九条第三款）")
	}
	if len(c.Dependents) > maxDependents {
		return fieldErr("dependents", fmt.Sprintf("at most %d entries", maxDependents), fmt.Sprintf("最多 %d 项", maxDependents))
	}
	for i, d := range c.Dependents {
		p := fmt.Sprintf("dependents[%d].relation", i)
		if d.Relation == "" {
			return fieldErr(p, "relation is required: one of "+quote(relations), "必须填写亲属关系 relation")
		}
		if err := oneOf(p, d.Relation, relations...); err != nil {
			return err
		}
	}
	return nil
}

// validateDisability checks the flags that only mean something for some grades.
func validateDisability(c Case) error {
	if c.EmploymentEnded && (c.Grade < 5) {
		return fieldErr("employment_ended", "employment_ended applies to grades 5–10 (Arts. 36–37); grades 1–4 keep the employment relation",
			"employment_ended 仅适用于五至十级（条例第三十六、三十七条）；一至四级保留劳动关系")
	}
	if c.NoSuitableWork && (c.Grade < 5 || c.Grade > 6) {
		return fieldErr("no_suitable_work", "no_suitable_work applies to grades 5–6 (Art. 36)", "no_suitable_work 仅适用于五、六级（条例第三十六条）")
	}
	if c.NoSuitableWork && c.EmploymentEnded {
		return fieldErr("no_suitable_work", "no_suitable_work means the worker is still employed; it cannot go with employment_ended",
			"no_suitable_work 指仍在职，不能与 employment_ended 同时为 true")
	}
	if c.Retired && (c.Grade < 1 || c.Grade > 4) {
		return fieldErr("retired", "retired applies to grades 1–4 (Art. 35)", "retired 仅适用于一至四级（条例第三十五条）")
	}
	return nil
}

func validateParams(p Params, path string) error {
	for _, m := range []struct {
		key string
		v   *money.Amount
	}{{"area_avg_wage", p.AreaAvgWage}, {"min_wage", p.MinWage}, {"national_income", p.NationalIncome}, {"province_avg_wage", p.ProvinceAvgWage}} {
		if m.v != nil {
			if err := nonNegative(join(path, m.key), *m.v); err != nil {
				return err
			}
		}
	}
	for _, t := range []struct {
		key string
		m   map[int]money.Amount
	}{{"medical_subsidy_amounts", p.MedicalSubsidyAmounts}, {"employment_subsidy_amounts", p.EmploymentSubsidyAmounts}} {
		for _, g := range sortedGrades(t.m) {
			if err := gradeKey(path, t.key, g); err != nil {
				return err
			}
			if err := nonNegative(fmt.Sprintf("%s.%s.%d", path, t.key, g), t.m[g]); err != nil {
				return err
			}
		}
	}
	for _, t := range []struct {
		key string
		m   map[int]Months
	}{{"medical_subsidy_months", p.MedicalSubsidyMonths}, {"employment_subsidy_months", p.EmploymentSubsidyMonths}} {
		for _, g := range sortedGrades(t.m) {
			if err := gradeKey(path, t.key, g); err != nil {
				return err
			}
			if t.m[g] < 0 {
				return fieldErr(fmt.Sprintf("%s.%s.%d", path, t.key, g), "must not be negative", "不得为负数")
			}
		}
	}
	if err := oneOf(join(path, "subsidy_base"), p.SubsidyBase, BaseOwnWage, BaseAreaAvgWage, BaseProvinceAvgWage); err != nil {
		return err
	}
	if r := p.SubsidyAgeReduction; r != nil {
		if err := validateRule(r.Medical, join(path, "subsidy_age_reduction.medical")); err != nil {
			return err
		}
		if err := validateRule(r.Employment, join(path, "subsidy_age_reduction.employment")); err != nil {
			return err
		}
	}
	return nil
}

// validateRule requires tiers in increasing years, percentages 0–100.
func validateRule(r *ReductionRule, path string) error {
	if r == nil {
		return nil
	}
	if r.AtRetirementPercent < 0 || r.AtRetirementPercent > 100 {
		return fieldErr(path+".at_retirement_percent", "must be a percentage from 0 to 100", "必须是 0 至 100 的百分比")
	}
	prev := 0
	for i, t := range r.Tiers {
		p := fmt.Sprintf("%s.tiers[%d]", path, i)
		if t.BelowYears <= prev || t.BelowYears > 50 {
			return fieldErr(p+".below_years", "below_years must increase from tier to tier, from 1 to 50", "below_years 必须逐级递增，取值 1 至 50")
		}
		if t.Percent < 0 || t.Percent > 100 {
			return fieldErr(p+".percent", "must be a percentage from 0 to 100", "必须是 0 至 100 的百分比")
		}
		prev = t.BelowYears
	}
	return nil
}

func gradeKey(path, key string, g int) error {
	if g < 5 || g > 10 {
		return badGradeKey(fmt.Sprintf("%s.%s.%d", path, key, g))
	}
	return nil
}

// badGradeKey reports a month or amount table keyed by something other than grades 5–10: the
// termination subsidies exist only for those grades (Arts. 36–37).
func badGradeKey(path string) *FieldError {
	return fieldErr(path, "keys must be the grades 5 to 10", "键必须是伤残等级 5 至 10")
}

func gradeRangeErr() error {
	return fieldErr("grade", "grade must be an integer from 1 to 10", "伤残等级 grade 必须是 1 至 10 的整数")
}

func nonNegative(path string, a money.Amount) error {
	if a < 0 {
		return fieldErr(path, "must not be negative", "不得为负数")
	}
	return nil
}

// oneOf accepts "" (not given) or one of the allowed values.
func oneOf(path, v string, allowed ...string) error {
	if v == "" || contains(allowed, v) {
		return nil
	}
	return fieldErr(path, fmt.Sprintf("must be one of %s", quote(allowed)), fmt.Sprintf("必须是 %s 之一", quote(allowed)))
}

func isRegionCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func sortedGrades[V any](m map[int]V) []int {
	gs := make([]int, 0, len(m))
	for g := range m {
		gs = append(gs, g)
	}
	sort.Ints(gs)
	return gs
}
