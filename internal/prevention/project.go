package prevention

import (
	"math/big"
	"slices"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/fund"
	"wiis/internal/money"
)

// ProjectTypes are the kinds of prevention project the seeds name (prevention-rehab.md).
var ProjectTypes = []Code{
	{"publicity", "宣传"}, {"training", "培训"}, {"experience", "体验式培训"},
	{"checkup", "体检式诊断服务"}, {"supply_chain", "供应链协同"},
}

// trainingTypes are the project types whose spending counts toward the training share.
//
// Reading: 人社部规〔2017〕13号 Art. 4 allows two uses, publicity and training. "Experience"
// projects (体验式) are training done in a simulated workplace, so they count as training;
// "check-up" (体检式: an expert diagnosis of an employer's hazards with advice) and
// supply-chain collaboration teach nobody a course, so they do not.
var trainingTypes = []string{"training", "experience"}

// IsTraining reports whether spending on a project of type t counts as training.
func IsTraining(t string) bool { return slices.Contains(trainingTypes, t) }

// Project is a prevention project (工伤预防项目) as the officer enters it.
type Project struct {
	Region    string       `json:"region"`
	Year      int          `json:"year"`
	Name      string       `json:"name"`
	Type      string       `json:"type"`
	Provider  string       `json:"provider"`    // organiser or service provider
	Procured  string       `json:"procurement"` // public procurement reference (政府采购)
	Budget    money.Amount `json:"budget"`
	StartOn   string       `json:"start_on"`
	EndOn     string       `json:"end_on"`
	Targets   []string     `json:"targets"` // employer USCCs
	Objective string       `json:"objective"`
}

// Validate checks a project's fields, naming the first bad one.
func (p Project) Validate() error {
	switch {
	case p.Name == "":
		return apperr.Invalidf("name", "项目名称必填 / name is required")
	case !ValidCode(ProjectTypes, p.Type):
		return apperr.Invalidf("type", "未知项目类型 %q / unknown project type", p.Type)
	case p.Provider == "":
		return apperr.Invalidf("provider", "承办机构必填 / provider is required")
	case p.Budget <= 0:
		return apperr.Invalidf("budget", "预算必须大于零 / budget must be positive")
	}
	s, err := time.Parse(time.DateOnly, p.StartOn)
	if err != nil {
		return apperr.Invalidf("start_on", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	e, err := time.Parse(time.DateOnly, p.EndOn)
	if err != nil {
		return apperr.Invalidf("end_on", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	if e.Before(s) {
		return apperr.Invalidf("end_on", "结束日期早于开始日期 / end before start")
	}
	if p.Year != s.Year() {
		return apperr.Invalidf("year", "项目年度应与开始日期一致 / the year must be the start date's year")
	}
	return nil
}

// FeePolicy is the policy parameter "prevention_fee" of a region: percentages of last year's
// contribution income (the cap, the local minimum, the training share of spending) and what to
// do with a spending that would pass the cap.
type FeePolicy struct {
	CapPct      string `json:"cap_pct"`
	MinPct      string `json:"min_pct"`
	TrainingPct string `json:"training_pct"`
	// OverCap is "refuse" (the default) or "flag". Reading of Art. 5 ("原则上不得超过 3%",
	// raisable with provincial approval): the cap binds unless a province has decided
	// otherwise, so a region without the key refuses; a province that approved a raise sets
	// cap_pct, and one that lets projects run over pending approval sets "flag", which posts
	// the spending and marks it for review.
	OverCap string `json:"over_cap"`
}

func pct(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	return r
}

// Spend is one prevention spending checked against the cap and targets.
type Spend struct {
	Position fund.Prevention `json:"position"` // the unit's position after the spending
	Flagged  bool            `json:"flagged"`  // posted over the cap under an over_cap "flag" policy
}

// CheckSpend decides whether amount may be spent on prevention by a unit that had
// lastYearIncome of contributions and has spent spent (training of it on training) this year.
// Over the cap it returns an invalid error for "amount" under a refuse policy, or the spending
// flagged under a flag policy. The cap and target arithmetic is fund.PreventionPosition.
func CheckSpend(pol FeePolicy, lastYearIncome, spent, training, amount money.Amount, isTraining bool) (Spend, error) {
	if amount <= 0 {
		return Spend{}, apperr.Invalidf("amount", "金额必须大于零 / amount must be positive")
	}
	after := spent + amount
	if isTraining {
		training += amount
	}
	pos, err := Position(pol, FeeFigures{LastYearIncome: lastYearIncome, Spent: after, Training: training})
	if err != nil {
		return Spend{}, err
	}
	if after <= pos.Cap {
		return Spend{Position: pos}, nil
	}
	if pol.OverCap == "flag" {
		return Spend{Position: pos, Flagged: true}, nil
	}
	return Spend{Position: pos}, apperr.Invalidf("amount", "支出后预防费合计 %s 将超过上限 %s（上年征缴收入 %s 的 %s%%）/ would exceed the prevention fee cap",
		after.Grouped(), pos.Cap.Grouped(), lastYearIncome.Grouped(), pol.CapPct)
}

// FeeFigures are a unit's inputs to its prevention position in a year.
type FeeFigures struct {
	LastYearIncome money.Amount `json:"last_year_income"` // contribution income of the previous year
	Spent          money.Amount `json:"spent"`            // prevention expenditure so far this year
	Training       money.Amount `json:"training"`         // the training part of it
}

// Position is the unit's prevention position under pol: cap, minimum target and warnings.
// Errors: invalid when no cap is in force.
func Position(pol FeePolicy, f FeeFigures) (fund.Prevention, error) {
	capPct := pct(pol.CapPct)
	if capPct == nil {
		return fund.Prevention{}, apperr.Invalidf("prevention_fee", "未设置工伤预防费上限比例 / no prevention fee cap in force")
	}
	return fund.PreventionPosition(f.LastYearIncome, f.Spent, f.Training, capPct, pct(pol.MinPct), pct(pol.TrainingPct)), nil
}
