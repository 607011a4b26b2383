package benefit

import (
	"fmt"
	"strings"

	"wiis/internal/money"
)

// Result is the answer of calc-contract.md: the applied own wage and how it was found, the
// items in the contract's order, and the totals by payer and period.
type Result struct {
	// OwnWage, OwnWageRaw and OwnWageRule are nil (JSON null) when no item uses the own wage.
	OwnWage     *money.Amount `json:"own_wage"`
	OwnWageRaw  *money.Amount `json:"own_wage_raw"`
	OwnWageRule *string       `json:"own_wage_rule"` // "average", "floor", "cap" or "given"
	Items       []Item        `json:"items"`
	Totals      Totals        `json:"totals"`
}

// Item is one benefit owed. Amount is per month for a monthly item.
type Item struct {
	Code   string       `json:"code"`
	Name   string       `json:"name"`    // Chinese name (benefits.md)
	NameEn string       `json:"name_en"` // English name, for the English UI
	Payer  string       `json:"payer"`   // "fund" or "employer"
	Period string       `json:"period"`  // "once" or "monthly"
	Amount money.Amount `json:"amount"`
	// Months is how many months a time-limited monthly item runs (suspension_pay, missing_wage).
	Months *int `json:"months,omitempty"`
	// Dependent is the 0-based index into Case.Dependents of a survivor_pension.
	Dependent *int `json:"dependent,omitempty"`
	// FromMonth is the first month, counted from the accident month, a missing worker's
	// survivor pension is paid (4, Art. 41).
	FromMonth *int   `json:"from_month,omitempty"`
	Basis     string `json:"basis"`   // the article of law
	Formula   string `json:"formula"` // the figures, to check by hand
}

// Totals sums the items by payer and period; a monthly item counts once (one month's due).
type Totals struct {
	FundOnce        money.Amount `json:"fund_once"`
	EmployerOnce    money.Amount `json:"employer_once"`
	FundMonthly     money.Amount `json:"fund_monthly"`
	EmployerMonthly money.Amount `json:"employer_monthly"`
}

// Payers and periods.
const (
	PayerFund     = "fund"
	PayerEmployer = "employer"
	Once          = "once"
	Monthly       = "monthly"
)

// Own-wage rules of Result.OwnWageRule (Art. 64).
const (
	RuleAverage = "average"
	RuleFloor   = "floor"
	RuleCap     = "cap"
	RuleGiven   = "given"
)

// Item codes in the order the contract lists them; missing_wage and lump_sum_death_advance
// (Art. 41) extend it and sit beside the items they stand in for.
const (
	LumpSumDisability   = "lump_sum_disability"
	DisabilityAllowance = "disability_allowance"
	PensionGap          = "pension_gap"
	NursingCare         = "nursing_care"
	LumpSumMedical      = "lump_sum_medical"
	LumpSumEmployment   = "lump_sum_employment"
	SuspensionPay       = "suspension_pay"
	MissingWage         = "missing_wage"
	Funeral             = "funeral"
	SurvivorPension     = "survivor_pension"
	LumpSumDeath        = "lump_sum_death"
	LumpSumDeathAdvance = "lump_sum_death_advance"
)

var itemNames = map[string]string{
	LumpSumDisability:   "一次性伤残补助金",
	DisabilityAllowance: "伤残津贴",
	PensionGap:          "养老金差额",
	NursingCare:         "生活护理费",
	LumpSumMedical:      "一次性工伤医疗补助金",
	LumpSumEmployment:   "一次性伤残就业补助金",
	SuspensionPay:       "停工留薪期工资",
	MissingWage:         "下落不明期间工资",
	Funeral:             "丧葬补助金",
	SurvivorPension:     "供养亲属抚恤金",
	LumpSumDeath:        "一次性工亡补助金",
	LumpSumDeathAdvance: "预支一次性工亡补助金",
}

var itemNamesEn = map[string]string{
	LumpSumDisability:   "Lump-sum disability subsidy",
	DisabilityAllowance: "Disability allowance",
	PensionGap:          "Pension shortfall",
	NursingCare:         "Nursing care allowance",
	LumpSumMedical:      "Lump-sum medical subsidy",
	LumpSumEmployment:   "Lump-sum employment subsidy",
	SuspensionPay:       "Wages during the suspension period",
	MissingWage:         "Wages while missing",
	Funeral:             "Funeral subsidy",
	SurvivorPension:     "Survivor pension",
	LumpSumDeath:        "Lump-sum death subsidy",
	LumpSumDeathAdvance: "Advance on the lump-sum death subsidy",
}

// ItemName returns the Chinese name of an item code, "" for an unknown code.
func ItemName(code string) string { return itemNames[code] }

// Statutory figures of the Regulations (not provincial policy, so constants): months of own
// wage for the lump-sum disability subsidy, Arts. 35–37; allowance percentages, Arts. 35–36;
// nursing percentages, Art. 34.
var (
	disabilityMonths = [11]int64{0, 27, 25, 23, 21, 18, 16, 13, 11, 9, 7}
	allowancePercent = [7]int64{0, 90, 85, 80, 75, 70, 60}
	nursingPercent   = map[string]int64{SelfCareFull: 50, SelfCareMost: 40, SelfCarePartial: 30}
	selfCareZH       = map[string]string{SelfCareFull: "完全不能自理", SelfCareMost: "大部分不能自理", SelfCarePartial: "部分不能自理"}
)

// Calculate validates c (see Validate) and computes every item due. Errors are *FieldError:
// an invalid input, or a parameter an item needs that was neither given nor filled from
// policy (e.g. `params.min_wage`). It never panics on a validated case and has no side effects.
func Calculate(c Case) (Result, error) {
	if err := Validate(c); err != nil {
		return Result{}, err
	}
	k := &calc{c: c, res: Result{Items: []Item{}}}
	var err error
	switch c.Death {
	case "":
		err = k.alive()
	case DeathMissing:
		err = k.missingWorker()
	default:
		err = k.death()
	}
	if err != nil {
		return Result{}, err
	}
	for _, it := range k.res.Items {
		switch {
		case it.Payer == PayerFund && it.Period == Once:
			k.res.Totals.FundOnce += it.Amount
		case it.Payer == PayerFund:
			k.res.Totals.FundMonthly += it.Amount
		case it.Period == Once:
			k.res.Totals.EmployerOnce += it.Amount
		default:
			k.res.Totals.EmployerMonthly += it.Amount
		}
	}
	return k.res, nil
}

// calc holds one calculation's state: the case, the own wage once found, the answer so far.
type calc struct {
	c       Case
	ownDone bool
	own     money.Amount
	res     Result
}

// add appends an item. Under Art. 62 an uninsured employer pays every item itself, at the same
// amounts, so the payer is decided here once for all items.
func (k *calc) add(code, payer, period string, amount money.Amount, basis, formula string) *Item {
	if !k.c.IsInsured() && payer == PayerFund {
		payer = PayerEmployer
		basis += "、第六十二条"
	}
	k.res.Items = append(k.res.Items, Item{Code: code, Name: itemNames[code], NameEn: itemNamesEn[code],
		Payer: payer, Period: period, Amount: amount, Basis: "工伤保险条例" + basis, Formula: formula})
	return &k.res.Items[len(k.res.Items)-1]
}

// param returns a needed parameter or the error naming it.
func (k *calc) param(v *money.Amount, key, item string) (money.Amount, error) {
	if v == nil {
		return 0, missing("params."+key, item)
	}
	return *v, nil
}

// ownWage finds the own wage (本人工资, Art. 64) the first time an item needs it: the given
// figure, or the average of the last 12 contribution wages (fewer if insured for less) rounded
// half-up, then raised to 60% or lowered to 300% of the area's average monthly wage.
func (k *calc) ownWage(item string) (money.Amount, error) {
	if k.ownDone {
		return k.own, nil
	}
	var raw money.Amount
	rule := RuleAverage
	switch h := k.c.WageHistory; {
	case k.c.OwnWage != nil:
		raw, rule = *k.c.OwnWage, RuleGiven
	case len(h) > 0:
		raw = money.Average(h[max(0, len(h)-12):])
	default:
		return 0, fieldErr("own_wage", "own_wage or wage_history is required for "+item,
			"计算"+itemNames[item]+"需要本人工资 own_wage 或缴费工资 wage_history")
	}
	area, err := k.param(k.c.Params.AreaAvgWage, "area_avg_wage", item)
	if err != nil {
		return 0, err
	}
	own := raw
	if floor := percent(area, 60); raw < floor {
		own, rule = floor, RuleFloor
	} else if ceiling := percent(area, 300); raw > ceiling {
		own, rule = ceiling, RuleCap
	}
	k.own, k.ownDone = own, true
	k.res.OwnWage, k.res.OwnWageRaw, k.res.OwnWageRule = &own, &raw, &rule
	return own, nil
}

// alive computes the items of a living worker in the contract's order.
func (k *calc) alive() error {
	c := k.c
	if c.Grade > 0 {
		own, err := k.ownWage(LumpSumDisability)
		if err != nil {
			return err
		}
		m := disabilityMonths[c.Grade]
		k.add(LumpSumDisability, PayerFund, Once, own.Times(m), gradeArticle(c.Grade),
			fmt.Sprintf("本人工资 %s × %d 个月", own, m))
	}
	if err := k.allowance(); err != nil {
		return err
	}
	if c.SelfCare != "" {
		area, err := k.param(c.Params.AreaAvgWage, "area_avg_wage", NursingCare)
		if err != nil {
			return err
		}
		p := nursingPercent[c.SelfCare]
		k.add(NursingCare, PayerFund, Monthly, percent(area, p), "第三十四条",
			fmt.Sprintf("统筹地区上年度职工月平均工资 %s × %d%%（%s）", area, p, selfCareZH[c.SelfCare]))
	}
	if c.EmploymentEnded && c.Grade >= 5 {
		p := c.Params
		if err := k.subsidy(LumpSumMedical, PayerFund, p.MedicalSubsidyMonths, p.MedicalSubsidyAmounts, "medical", reductionOf(p, true)); err != nil {
			return err
		}
		if err := k.subsidy(LumpSumEmployment, PayerEmployer, p.EmploymentSubsidyMonths, p.EmploymentSubsidyAmounts, "employment", reductionOf(p, false)); err != nil {
			return err
		}
	}
	if c.SuspensionMonths > 0 {
		if c.OriginalWage == nil {
			return missing("original_wage", SuspensionPay)
		}
		it := k.add(SuspensionPay, PayerEmployer, Monthly, *c.OriginalWage, "第三十三条",
			fmt.Sprintf("原工资福利待遇不变：%s/月，共 %d 个月", *c.OriginalWage, c.SuspensionMonths))
		n := c.SuspensionMonths
		it.Months = &n
	}
	return nil
}

// allowance adds the disability allowance (grades 1–4 by the fund; grades 5–6 without
// suitable work by the employer), raised to the minimum wage by whoever pays it, or, for a
// retired grade 1–4 worker, the pension shortfall (Arts. 35–36).
func (k *calc) allowance() error {
	c := k.c
	payer := PayerFund
	switch {
	case c.Grade >= 1 && c.Grade <= 4:
	case (c.Grade == 5 || c.Grade == 6) && c.NoSuitableWork && !c.EmploymentEnded:
		payer = PayerEmployer
	default:
		return nil
	}
	item := DisabilityAllowance
	if c.Retired {
		item = PensionGap
	}
	own, err := k.ownWage(item)
	if err != nil {
		return err
	}
	minWage, err := k.param(c.Params.MinWage, "min_wage", item)
	if err != nil {
		return err
	}
	p := allowancePercent[c.Grade]
	amount := percent(own, p)
	formula := fmt.Sprintf("本人工资 %s × %d%% = %s", own, p, amount)
	if amount < minWage {
		formula += fmt.Sprintf("，低于当地最低工资 %s，补足至 %s", minWage, minWage)
		amount = minWage
	}
	if !c.Retired {
		k.add(DisabilityAllowance, payer, Monthly, amount, gradeArticle(c.Grade), formula)
		return nil
	}
	if c.BasicPension == nil {
		return missing("basic_pension", PensionGap)
	}
	if gap := amount - *c.BasicPension; gap > 0 {
		k.add(PensionGap, PayerFund, Monthly, gap, "第三十五条",
			fmt.Sprintf("伤残津贴 %s（%s）− 基本养老金 %s", amount, formula, *c.BasicPension))
	}
	return nil
}

// subsidy adds one of the two termination subsidies (Arts. 36–37): the province's fixed amount
// for the grade if it has one, otherwise its months × the base it names; then the province's
// reduction near the statutory retirement age, if any; rounded half-up once at the end.
func (k *calc) subsidy(code, payer string, months map[int]Months, amounts map[int]money.Amount, kind string, red *ReductionRule) error {
	g := k.c.Grade
	// amount = value × num / den, rounded once at the end: a fixed amount (× 1), or the base ×
	// months (held in hundredths), then × the age-reduction percentage.
	var value money.Amount
	var num, den int64 = 1, 1
	var formula string
	if a, ok := amounts[g]; ok {
		value = a
		formula = fmt.Sprintf("省定标准 %d 级 %s", g, a)
	} else if m, ok := months[g]; ok {
		base, name, err := k.subsidyBase(code)
		if err != nil {
			return err
		}
		value, num, den = base, int64(m), 100
		formula = fmt.Sprintf("%s %s × %s 个月", name, base, m)
	} else {
		field := "params." + kind + "_subsidy_months"
		return fieldErr(field, fmt.Sprintf("%s has no entry for grade %d (nor %s_subsidy_amounts)", field, g, kind),
			fmt.Sprintf("计算%s需要 %s 中 %d 级的月数（或 %s_subsidy_amounts）", itemNames[code], field, g, kind))
	}
	if red != nil {
		pct, why, err := k.agePercent(red, code)
		if err != nil {
			return err
		}
		if pct != 100 {
			num, den = num*int64(pct), den*100
			formula += fmt.Sprintf(" × %d%%（%s）", pct, why)
		}
	}
	article := "第三十七条"
	if g <= 6 {
		article = "第三十六条"
	}
	k.add(code, payer, Once, scale(value, num, den, false), article+"及省级实施办法", formula)
	return nil
}

// subsidyBase returns what the subsidy months multiply and its Chinese name.
func (k *calc) subsidyBase(code string) (money.Amount, string, error) {
	p := k.c.Params
	switch p.SubsidyBase {
	case BaseOwnWage:
		own, err := k.ownWage(code)
		return own, "本人工资", err
	case BaseAreaAvgWage:
		a, err := k.param(p.AreaAvgWage, "area_avg_wage", code)
		return a, "统筹地区上年度职工月平均工资", err
	case BaseProvinceAvgWage:
		a, err := k.param(p.ProvinceAvgWage, "province_avg_wage", code)
		return a, "全省上年度职工月平均工资", err
	}
	return 0, "", missing("params.subsidy_base", code)
}

// death computes the items due on a death (Art. 39): funeral and survivor pensions always,
// the lump-sum death subsidy only for a death from the work injury; nothing else.
func (k *calc) death() error {
	area, err := k.param(k.c.Params.AreaAvgWage, "area_avg_wage", Funeral)
	if err != nil {
		return err
	}
	k.add(Funeral, PayerFund, Once, area.Times(6), "第三十九条",
		fmt.Sprintf("统筹地区上年度职工月平均工资 %s × 6 个月", area))
	if err := k.survivors(nil); err != nil {
		return err
	}
	if k.c.Death == DeathWork {
		income, err := k.param(k.c.Params.NationalIncome, "national_income", LumpSumDeath)
		if err != nil {
			return err
		}
		k.add(LumpSumDeath, PayerFund, Once, income.Times(20), "第三十九条",
			fmt.Sprintf("上一年度全国城镇居民人均可支配收入 %s × 20", income))
	}
	return nil
}

// missingWorker implements Art. 41 as this package reads it into the contract (death
// "missing"): the employer keeps paying the wage for the 3 months from the accident month
// (missing_wage, from original_wage); the fund pays the survivor pensions from the 4th month;
// with hardship, the fund advances 50% of the lump-sum death subsidy. No funeral subsidy: the
// worker is not known to be dead. A court's declaration of death is a death ("work").
func (k *calc) missingWorker() error {
	if k.c.OriginalWage == nil {
		return missing("original_wage", MissingWage)
	}
	three := 3
	k.add(MissingWage, PayerEmployer, Monthly, *k.c.OriginalWage, "第四十一条",
		fmt.Sprintf("从事故发生当月起 3 个月内照发工资 %s/月", *k.c.OriginalWage)).Months = &three
	fourth := 4
	if err := k.survivors(&fourth); err != nil {
		return err
	}
	if k.c.Hardship {
		income, err := k.param(k.c.Params.NationalIncome, "national_income", LumpSumDeathAdvance)
		if err != nil {
			return err
		}
		k.add(LumpSumDeathAdvance, PayerFund, Once, income.Times(10), "第四十一条",
			fmt.Sprintf("上一年度全国城镇居民人均可支配收入 %s × 20 × 50%%", income))
	}
	return nil
}

// survivors adds one survivor pension per dependent (Art. 39): 40% of own wage for the
// spouse, 30% for each other dependent, +10 points for an orphan or a lone elderly person.
// Each is rounded half-up; if their total would exceed the own wage, each is instead the own
// wage × its share of the percentages (own × p_i / Σp, exact), rounded down, so the total
// never exceeds the cap. The rounded total decides, so that rounding alone cannot breach it.
func (k *calc) survivors(fromMonth *int) error {
	if len(k.c.Dependents) == 0 {
		return nil
	}
	own, err := k.ownWage(SurvivorPension)
	if err != nil {
		return err
	}
	pcts := make([]int64, len(k.c.Dependents))
	var sumPct int64
	var total money.Amount
	for i, d := range k.c.Dependents {
		p := int64(30)
		if d.Relation == "spouse" {
			p = 40
		}
		if d.Orphan || d.LoneElderly {
			p += 10
		}
		pcts[i] = p
		sumPct += p
		total += percent(own, p)
	}
	capped := total > own
	for i, p := range pcts {
		amount := percent(own, p)
		formula := fmt.Sprintf("本人工资 %s × %d%%", own, p)
		if capped {
			amount = scale(own, p, sumPct, true)
			formula += fmt.Sprintf(" ÷ %d%%（各项比例合计 %d%%，抚恤金之和不得高于本人工资，按比例核减，向下取整到分）", sumPct, sumPct)
		}
		if extra := dependentNote(k.c.Dependents[i]); extra != "" {
			formula += "；" + extra
		}
		it := k.add(SurvivorPension, PayerFund, Monthly, amount, "第三十九条", formula)
		idx := i
		it.Dependent, it.FromMonth = &idx, fromMonth
		if fromMonth != nil {
			it.Basis = strings.Replace(it.Basis, "第三十九条", "第四十一条、第三十九条", 1)
		}
	}
	return nil
}

func dependentNote(d Dependent) string {
	switch {
	case d.Orphan:
		return "孤儿加发10%"
	case d.LoneElderly:
		return "孤寡老人加发10%"
	}
	return ""
}

// gradeArticle names the article that sets a grade's benefits.
func gradeArticle(g int) string {
	switch {
	case g <= 4:
		return "第三十五条"
	case g <= 6:
		return "第三十六条"
	}
	return "第三十七条"
}
