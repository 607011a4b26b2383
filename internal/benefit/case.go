// Package benefit is the work-injury benefit calculator: a pure function from an injured
// worker's situation (a Case, the input of spec/calc-contract.md) to what is owed, by whom,
// how much and why (a Result). It implements spec/benefits.md — 《工伤保险条例》 Arts. 33–41,
// 62 and 64 — with exact money (integer fen, big.Rat for ratios), each item rounded half-up
// once and the survivor cap rounded down. It imports no database and no HTTP: provincial
// figures arrive as Params, filled from the region's policy by package benefitpolicy.
//
// The three entry points, shared by `wiis calc`, POST /api/v1/calc, the calculation page,
// casework and payroll:
//
//	c, err := benefit.DecodeCase(r)  // strict JSON: unknown fields and bad types are FieldErrors
//	res, err := benefit.Calculate(c) // validates ranges, then computes; errors are FieldErrors
//	err := benefit.Validate(c)       // the range and combination checks alone (form feedback)
package benefit

import "wiis/internal/money"

// Case is one situation to calculate, field for field the input of calc-contract.md. Pointer
// fields distinguish "not given" from zero. Dates are "YYYY-MM-DD" strings, as in policy.
type Case struct {
	InjuryDate  string         `json:"injury_date"`
	WageHistory []money.Amount `json:"wage_history,omitempty"`
	OwnWage     *money.Amount  `json:"own_wage,omitempty"`
	// Insured is nil for the default (insured); false means the employer had not insured the
	// worker and pays every item itself (Art. 62).
	Insured          *bool         `json:"insured,omitempty"`
	Grade            int           `json:"grade,omitempty"` // 0: no disability grade assessed
	SelfCare         string        `json:"self_care,omitempty"`
	EmploymentEnded  bool          `json:"employment_ended,omitempty"`
	NoSuitableWork   bool          `json:"no_suitable_work,omitempty"`
	Retired          bool          `json:"retired,omitempty"`
	BasicPension     *money.Amount `json:"basic_pension,omitempty"`
	SuspensionMonths int           `json:"suspension_months,omitempty"`
	OriginalWage     *money.Amount `json:"original_wage,omitempty"`
	Death            string        `json:"death,omitempty"`
	Dependents       []Dependent   `json:"dependents,omitempty"`
	Region           string        `json:"region,omitempty"`
	Params           Params        `json:"params"`

	// The fields below extend the contract; every one is optional, so a case written to the
	// contract alone means the same as before.

	// BirthDate and RetireCategory ("male", "female_cadre", "female_worker", see package
	// retire) give the statutory retirement date that provincial reductions of the
	// termination subsidies measure against (law-reference.md §6, §8).
	BirthDate      string `json:"birth_date,omitempty"`
	RetireCategory string `json:"retire_category,omitempty"`
	// TerminationDate is the day the employment relation ended; the age reductions count the
	// years left to retirement from it. Absent: the injury date (the earliest possible day, so
	// the reduction is never larger than the law allows).
	TerminationDate string `json:"termination_date,omitempty"`
	// DeathDate chooses the national income year for the lump-sum death subsidy (the year
	// before the death, law-reference.md §5); absent: the injury date, which is right for a
	// death from the accident itself.
	DeathDate string `json:"death_date,omitempty"`
	// Hardship, with Death "missing" (Art. 41), asks for the advance of 50% of the lump-sum
	// death subsidy that the article allows when the family is in hardship.
	Hardship bool `json:"hardship,omitempty"`
}

// IsInsured reports whether the employer had insured the worker (the default).
func (c *Case) IsInsured() bool { return c.Insured == nil || *c.Insured }

// Dependent is a relative the deceased worker mainly supported (供养亲属, Art. 39).
type Dependent struct {
	Relation    string `json:"relation"`
	Orphan      bool   `json:"orphan,omitempty"`
	LoneElderly bool   `json:"lone_elderly,omitempty"`
}

// Params are the figures the Regulations leave to the pooling area, province or nation. In a
// contract case they are given explicitly; benefitpolicy fills the missing ones from the
// region's policy, stored in the same JSON shapes.
type Params struct {
	AreaAvgWage    *money.Amount `json:"area_avg_wage,omitempty"`
	MinWage        *money.Amount `json:"min_wage,omitempty"`
	NationalIncome *money.Amount `json:"national_income,omitempty"`
	// Month tables and fixed amounts are keyed by grade 5–10; an amount given for a grade wins
	// over months (Jiangsu pays fixed yuan, calc-contract.md).
	MedicalSubsidyMonths     map[int]Months       `json:"medical_subsidy_months,omitempty"`
	EmploymentSubsidyMonths  map[int]Months       `json:"employment_subsidy_months,omitempty"`
	MedicalSubsidyAmounts    map[int]money.Amount `json:"medical_subsidy_amounts,omitempty"`
	EmploymentSubsidyAmounts map[int]money.Amount `json:"employment_subsidy_amounts,omitempty"`
	// SubsidyBase is what the subsidy months multiply: "own_wage", "area_avg_wage", or (an
	// extension for Zhejiang, whose base is the province-wide average) "province_avg_wage".
	SubsidyBase string `json:"subsidy_base,omitempty"`
	// ProvinceAvgWage is the previous year's province-wide average monthly wage (extension).
	ProvinceAvgWage *money.Amount `json:"province_avg_wage,omitempty"`
	// SubsidyAgeReduction is the province's reduction of the termination subsidies near the
	// statutory retirement age (extension); nil: no reduction.
	SubsidyAgeReduction *AgeReduction `json:"subsidy_age_reduction,omitempty"`
}

// ParamKeys are the keys of params, which are also the policy parameter keys a region's policy
// stores them under (see package benefitpolicy and migration 00030).
var ParamKeys = []string{"area_avg_wage", "min_wage", "national_income", "medical_subsidy_months",
	"employment_subsidy_months", "medical_subsidy_amounts", "employment_subsidy_amounts",
	"subsidy_base", "province_avg_wage", "subsidy_age_reduction"}

// Subsidy-base values of Params.SubsidyBase.
const (
	BaseOwnWage         = "own_wage"
	BaseAreaAvgWage     = "area_avg_wage"
	BaseProvinceAvgWage = "province_avg_wage"
)

// AgeReduction is the policy parameter `subsidy_age_reduction`: for each termination subsidy
// a province reduces, the tiers of years left to the statutory retirement age. A subsidy
// without a rule is paid in full.
//
//	{"employment": {"tiers": [{"below_years": 1, "percent": 30}, ..., {"below_years": 5, "percent": 90}],
//	                "at_retirement_percent": 0}}
type AgeReduction struct {
	Medical    *ReductionRule `json:"medical,omitempty"`
	Employment *ReductionRule `json:"employment,omitempty"`
}

// ReductionRule scales one subsidy by the time left to retirement at termination: the first
// tier (smallest BelowYears) whose BelowYears exceeds the years left gives the percent paid;
// once the statutory age is reached, AtRetirementPercent applies (0: nothing is paid).
type ReductionRule struct {
	Tiers               []ReductionTier `json:"tiers"`
	AtRetirementPercent int             `json:"at_retirement_percent"`
}

// ReductionTier is "fewer than BelowYears years left → Percent % of the full subsidy".
type ReductionTier struct {
	BelowYears int `json:"below_years"`
	Percent    int `json:"percent"`
}

// Months is a number of months with at most two decimals, held in hundredths so that
// Shandong's 19.5 months for occupational disease stays exact.
type Months int64

// Self-care levels (Art. 22, 34).
const (
	SelfCareFull    = "full"
	SelfCareMost    = "most"
	SelfCarePartial = "partial"
)

// Death kinds. DeathMissing (Art. 41) extends the contract; see calcMissing.
const (
	DeathWork            = "work"
	DeathAfterDisability = "after_disability"
	DeathMissing         = "missing"
)

// relations lists the dependants' relations of 劳动和社会保障部令第18号.
var relations = []string{"spouse", "child", "parent", "grandparent", "grandchild", "sibling"}
