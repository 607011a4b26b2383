package benefit

import (
	"fmt"
	"time"

	"wiis/internal/retire"
)

// reductionOf picks the province's rule for the medical or the employment subsidy.
func reductionOf(p Params, medical bool) *ReductionRule {
	if p.SubsidyAgeReduction == nil {
		return nil
	}
	if medical {
		return p.SubsidyAgeReduction.Medical
	}
	return p.SubsidyAgeReduction.Employment
}

// agePercent returns the percentage of a termination subsidy paid under rule, and why.
//
// Reading of "距法定退休年龄不足N年" (law-reference.md §6): the time from the termination date
// (the injury date if not given) to the day the worker reaches the statutory retirement age —
// the individual age after the 2025 reform (package retire), reached on the birthday in the
// retirement month — is less than N years. A worker who has reached that age gets
// AtRetirementPercent. The birth date and category are needed only when a rule applies, and
// are then an error if missing: guessing an age would over- or under-pay.
func (k *calc) agePercent(rule *ReductionRule, code string) (int, string, error) {
	if k.c.BirthDate == "" {
		return 0, "", missing("birth_date", code)
	}
	if k.c.RetireCategory == "" {
		return 0, "", missing("retire_category", code)
	}
	birth, _ := time.Parse(time.DateOnly, k.c.BirthDate) // validated
	age, err := retire.Reform2025.StatutoryAge(birth, retire.Category(k.c.RetireCategory))
	if err != nil {
		return 0, "", fieldErr("retire_category", err.Error(), "未知的退休类别")
	}
	retireDay := birth.AddDate(0, age.InMonths(), 0)
	term := k.c.TerminationDate
	if term == "" {
		term = k.c.InjuryDate
	}
	end, _ := time.Parse(time.DateOnly, term)
	if !end.Before(retireDay) {
		return rule.AtRetirementPercent, fmt.Sprintf("解除劳动关系时已达法定退休年龄 %s（%s）", age, retireDay.Format(time.DateOnly)), nil
	}
	for _, t := range rule.Tiers {
		if end.AddDate(t.BelowYears, 0, 0).After(retireDay) {
			return t.Percent, fmt.Sprintf("距法定退休年龄 %s（%s）不足 %d 年", age, retireDay.Format(time.DateOnly), t.BelowYears), nil
		}
	}
	return 100, "", nil
}
