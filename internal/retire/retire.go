// Package retire computes the statutory retirement age (法定退休年龄): the baseline of
// 国发〔1978〕104号 (men 60, women cadres 55, women workers 50) and the gradual raise of the
// 2024 NPC Standing Committee decision in force from 2025-01-01 (law-reference.md §8):
// men and women-55 retire one month later for every four months of original retirement date
// from January 2025, up to 36 months (to 63 and 58); women-50 one month for every two months,
// up to 60 months (to 55). Risk rule R06 and the provincial "near retirement" subsidy
// reductions use it. The schedule is a value, so a correction is data, not new code.
package retire

import (
	"fmt"
	"time"
)

// Category is the original retirement category of a worker.
type Category string

// The three original categories.
const (
	Male         Category = "male"          // 男职工, originally 60
	FemaleCadre  Category = "female_cadre"  // 原法定退休年龄55周岁的女职工
	FemaleWorker Category = "female_worker" // 原法定退休年龄50周岁的女职工
)

// ForSex returns the category used when only the sex is known: spec/risk-rules.md says to use
// 50 for women when there is no post information.
func ForSex(male bool) Category {
	if male {
		return Male
	}
	return FemaleWorker
}

// Rule is the reform for one category: original age, and one month of delay per Step months
// of original retirement date from Start, capped at Cap months.
type Rule struct {
	OriginalYears int
	Step          int
	Cap           int
}

// Schedule is the reform: its start month and each category's rule.
type Schedule struct {
	Start time.Time // first day of the first month affected
	Rules map[Category]Rule
}

// Reform2025 is the national schedule of 《国务院关于渐进式延迟法定退休年龄的办法》.
var Reform2025 = Schedule{
	Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	Rules: map[Category]Rule{
		Male:         {OriginalYears: 60, Step: 4, Cap: 36},
		FemaleCadre:  {OriginalYears: 55, Step: 4, Cap: 36},
		FemaleWorker: {OriginalYears: 50, Step: 2, Cap: 60},
	},
}

func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

func fromIndex(i int) time.Time { return time.Date(i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC) }

// Age is the statutory retirement age for someone born in birth's month: whole years and
// extra months (e.g. 60 years 3 months).
type Age struct {
	Years  int
	Months int
}

// InMonths returns the age as a number of months.
func (a Age) InMonths() int { return a.Years*12 + a.Months }

// String formats the age in Chinese, e.g. "60岁3个月".
func (a Age) String() string {
	if a.Months == 0 {
		return fmt.Sprintf("%d岁", a.Years)
	}
	return fmt.Sprintf("%d岁%d个月", a.Years, a.Months)
}

// StatutoryAge returns the retirement age for a worker born in birth's month in category c.
func (s Schedule) StatutoryAge(birth time.Time, c Category) (Age, error) {
	r, ok := s.Rules[c]
	if !ok {
		return Age{}, fmt.Errorf("retire: unknown category %q", c)
	}
	orig := monthIndex(birth) + r.OriginalYears*12
	delay := 0
	if n := orig - monthIndex(s.Start); n >= 0 {
		delay = min(n/r.Step+1, r.Cap)
	}
	total := r.OriginalYears*12 + delay
	return Age{Years: total / 12, Months: total % 12}, nil
}

// RetirementMonth returns the first day of the month in which the worker reaches the
// statutory retirement age (the month benefits tied to retirement change).
func (s Schedule) RetirementMonth(birth time.Time, c Category) (time.Time, error) {
	a, err := s.StatutoryAge(birth, c)
	if err != nil {
		return time.Time{}, err
	}
	return fromIndex(monthIndex(birth) + a.InMonths()), nil
}

// CompletedYears returns a person's age in completed years on day (周岁).
func CompletedYears(birth, day time.Time) int {
	y := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		y--
	}
	return y
}
