// Package contrib holds the contribution rules of spec/contributions.md as plain Go: the eight
// industry risk classes and their base rates, the yearly floating-rate evaluation, the monthly
// assessment of what an employer owes, the reconciliation with what the tax authority
// collected (with the statutory late fee), and the one-time premium of a project-insured
// construction site. Every figure that varies by place or year (base rates, reductions, float
// thresholds, due days) arrives as a value from policy; nothing here is a local constant.
package contrib

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"wiis/internal/money"
)

// Class is an industry risk class, 1 (I) to 8 (VIII) (人社部发〔2015〕71号).
type Class int

// Roman returns the class as the notice writes it: "一类" style in Chinese is Label; this is "I".
func (c Class) Roman() string {
	r := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII"}
	if c < 1 || c > 8 {
		return "?"
	}
	return r[c]
}

// Label returns the Chinese name of the class, e.g. "三类".
func (c Class) Label() string {
	r := []string{"", "一类", "二类", "三类", "四类", "五类", "六类", "七类", "八类"}
	if c < 1 || c > 8 {
		return "未分类"
	}
	return r[c]
}

// Rate is an exact contribution rate (a fraction of payroll, e.g. 0.007).
type Rate struct{ r *big.Rat }

// ParseRate reads "0.007" or "0.7%".
func ParseRate(s string) (Rate, error) {
	r, err := money.ParseRate(s)
	if err != nil {
		return Rate{}, err
	}
	if r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
		return Rate{}, errors.New("rate must be between 0 and 1")
	}
	return Rate{r}, nil
}

// MustRate is ParseRate for literals in code and tests.
func MustRate(s string) Rate {
	r, err := ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

// Rat returns the rate as an exact rational (zero when unset).
func (r Rate) Rat() *big.Rat {
	if r.r == nil {
		return new(big.Rat)
	}
	return new(big.Rat).Set(r.r)
}

// Times multiplies two rates (a base rate by a floating factor).
func (r Rate) Times(f *big.Rat) Rate { return Rate{new(big.Rat).Mul(r.Rat(), f)} }

// Percent formats the rate as a percentage with up to four decimals, e.g. "0.56%".
func (r Rate) Percent() string {
	p := new(big.Rat).Mul(r.Rat(), big.NewRat(100, 1))
	s := strings.TrimRight(strings.TrimRight(p.FloatString(4), "0"), ".")
	return s + "%"
}

// String formats the rate as a decimal fraction, e.g. "0.0056".
func (r Rate) String() string {
	s := strings.TrimRight(strings.TrimRight(r.Rat().FloatString(8), "0"), ".")
	if s == "" {
		return "0"
	}
	return s
}

// MarshalJSON writes the rate as a decimal string.
func (r Rate) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// UnmarshalJSON reads a decimal string ("0.002") or number literal.
func (r *Rate) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// BaseRates maps each class to its base rate: the policy parameter "base_rates", JSON
// {"1": "0.002", ..., "8": "0.019"}.
type BaseRates map[Class]Rate

// UnmarshalJSON reads the class keys as strings.
func (b *BaseRates) UnmarshalJSON(data []byte) error {
	var raw map[string]Rate
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := BaseRates{}
	for k, v := range raw {
		n, err := strconv.Atoi(k)
		if err != nil || n < 1 || n > 8 {
			return fmt.Errorf("base_rates: class %q must be 1–8", k)
		}
		out[Class(n)] = v
	}
	*b = out
	return nil
}

// Tiers returns the floating tiers allowed for a class (71号): class I may only float up to
// 120% or 150%; classes II–VIII may also float down to 80% or 50%.
func Tiers(c Class) []*big.Rat {
	up := []*big.Rat{big.NewRat(1, 1), big.NewRat(6, 5), big.NewRat(3, 2)}
	if c == 1 {
		return up
	}
	return append([]*big.Rat{big.NewRat(1, 2), big.NewRat(4, 5)}, up...)
}

// nearestTier snaps a factor to the allowed tier of the class closest to it (ties go to the
// higher tier, the cautious side for the fund).
func nearestTier(c Class, f *big.Rat) *big.Rat {
	var best *big.Rat
	var bestD *big.Rat
	for _, t := range Tiers(c) {
		d := new(big.Rat).Sub(t, f)
		d.Abs(d)
		if best == nil || d.Cmp(bestD) < 0 || (d.Cmp(bestD) == 0 && t.Cmp(best) > 0) {
			best, bestD = t, d
		}
	}
	return best
}

// FloatRule is the region's floating-rate policy (parameter "float_rule"). Bands are tried in
// order; the first whose conditions hold gives the factor, snapped to the class's tiers.
// The shape follows the 支缴率 scheme quoted in law-reference.md §4 and can express Putian's
// and similar schemes; an accident-count scheme like Ordos's uses MinAccidents bounds.
type FloatRule struct {
	WindowYears     int         `json:"window_years"`      // years of history read, 1–3
	MinYearsInsured int         `json:"min_years_insured"` // fewer years insured: base rate
	NoFloatClasses  []Class     `json:"no_float_classes"`  // classes kept at the base rate
	Bands           []FloatBand `json:"bands"`
}

// FloatBand is one condition → factor line of a FloatRule. Empty bounds do not constrain.
type FloatBand struct {
	Accidents    string `json:"accidents"`     // "none", "some" or "" (any)
	MaxRatio     string `json:"max_ratio"`     // expenditure ÷ contributions at most this (e.g. "1.20")
	MinAccidents int    `json:"min_accidents"` // at least this many accidents in the window
	Factor       string `json:"factor"`        // multiple of the base rate, e.g. "0.8"
	Reason       string `json:"reason"`        // shown to the employer
}

// FloatInput is an employer's record over the evaluation window.
type FloatInput struct {
	Class         Class
	YearsInsured  int
	Contributions money.Amount // contributions it paid in the window
	Expenditure   money.Amount // fund benefits paid for its workers in the window
	Accidents     int          // recognised work injuries in the window
	AvgInsured    int          // average insured headcount, for the accident rate
}

// FloatResult is the outcome with the figures that led to it, stored and shown to the
// employer before it takes effect.
type FloatResult struct {
	Factor       *big.Rat `json:"-"`
	FactorText   string   `json:"factor"`
	Ratio        string   `json:"ratio"`         // 支缴率 as a percentage, "" when no contributions
	AccidentRate string   `json:"accident_rate"` // accidents per 1,000 insured
	Band         int      `json:"band"`          // index of the band applied, -1 none
	Reason       string   `json:"reason"`
}

// EvaluateFloat applies the rule to one employer's figures.
func EvaluateFloat(rule FloatRule, in FloatInput) (FloatResult, error) {
	res := FloatResult{Factor: big.NewRat(1, 1), Band: -1}
	if in.Contributions > 0 {
		ratio := new(big.Rat).SetFrac64(int64(in.Expenditure), int64(in.Contributions))
		res.Ratio = new(big.Rat).Mul(ratio, big.NewRat(100, 1)).FloatString(2) + "%"
	}
	if in.AvgInsured > 0 {
		res.AccidentRate = new(big.Rat).SetFrac64(int64(in.Accidents)*1000, int64(in.AvgInsured)).FloatString(2) + "‰"
	}
	finish := func(reason string) (FloatResult, error) {
		res.Reason = reason
		res.FactorText = strings.TrimRight(strings.TrimRight(res.Factor.FloatString(2), "0"), ".")
		return res, nil
	}
	if in.Class < 1 || in.Class > 8 {
		return res, fmt.Errorf("class must be 1–8, got %d", in.Class)
	}
	if in.YearsInsured < rule.MinYearsInsured {
		return finish(fmt.Sprintf("参保不满%d年，执行基准费率", rule.MinYearsInsured))
	}
	for _, c := range rule.NoFloatClasses {
		if c == in.Class {
			return finish(in.Class.Label() + "行业不浮动，执行基准费率")
		}
	}
	for i, b := range rule.Bands {
		if b.Accidents == "none" && in.Accidents > 0 || b.Accidents == "some" && in.Accidents == 0 {
			continue
		}
		if in.Accidents < b.MinAccidents {
			continue
		}
		if b.MaxRatio != "" {
			max, ok := new(big.Rat).SetString(b.MaxRatio)
			if !ok {
				return res, fmt.Errorf("float_rule.bands[%d].max_ratio: not a number", i)
			}
			if in.Contributions == 0 {
				if in.Expenditure > 0 {
					continue // any expenditure against nothing paid exceeds every bound
				}
			} else if new(big.Rat).SetFrac64(int64(in.Expenditure), int64(in.Contributions)).Cmp(max) > 0 {
				continue
			}
		}
		f, ok := new(big.Rat).SetString(b.Factor)
		if !ok {
			return res, fmt.Errorf("float_rule.bands[%d].factor: not a number", i)
		}
		res.Factor = nearestTier(in.Class, f)
		res.Band = i
		return finish(b.Reason)
	}
	return finish("无适用档次，执行基准费率")
}

// Reduction is a phased national rate cut in force (law-reference.md §4): the parameter
// "rate_reduction", JSON {"percent": "20"}, set by the pooling area for the period it applies.
type Reduction struct {
	Percent string `json:"percent"`
}

// Factor returns 1 − percent/100.
func (r Reduction) Factor() (*big.Rat, error) {
	if r.Percent == "" {
		return big.NewRat(1, 1), nil
	}
	p, ok := new(big.Rat).SetString(r.Percent)
	if !ok || p.Sign() < 0 || p.Cmp(big.NewRat(100, 1)) > 0 {
		return nil, fmt.Errorf("rate_reduction.percent must be 0–100, got %q", r.Percent)
	}
	return new(big.Rat).Sub(big.NewRat(1, 1), new(big.Rat).Quo(p, big.NewRat(100, 1))), nil
}

// EffectiveRate is base rate × floating factor × (1 − reduction).
func EffectiveRate(base Rate, float *big.Rat, red Reduction) (Rate, error) {
	rf, err := red.Factor()
	if err != nil {
		return Rate{}, err
	}
	if float == nil {
		float = big.NewRat(1, 1)
	}
	return base.Times(float).Times(rf), nil
}

// Covered is one insured person in one month, with the base the assessment applies.
type Covered struct {
	IDNumber string
	Category string
	Base     money.Amount
}

// Bounds are the base floor and ceiling of the area (commonly 60% and 300% of the average
// wage; parameters "base_floor" and "base_ceiling").
type Bounds struct {
	Floor, Ceiling money.Amount
}

// Clamp applies the floor and ceiling to a declared base; zero bounds do not constrain.
func (b Bounds) Clamp(base money.Amount) money.Amount {
	if b.Floor > 0 && base < b.Floor {
		return b.Floor
	}
	if b.Ceiling > 0 && base > b.Ceiling {
		return b.Ceiling
	}
	return base
}

// Assessment is what one employer owes for one month.
type Assessment struct {
	Month    string       `json:"month"`
	Persons  int          `json:"persons"`
	Payroll  money.Amount `json:"payroll"` // sum of applied bases
	Rate     Rate         `json:"rate"`
	Due      money.Amount `json:"due"`
	Excluded int          `json:"excluded"` // project-insured persons, paid by the project premium
}

// Assess computes the month's contribution: the sum of bases (each within the bounds) times
// the employer's rate, rounded half-up once on the total (Art. 10: 工资总额 × 费率). Persons
// in the `project` category are covered by their project's one-time premium and excluded.
// Civil servants pay the flat rate given, when one is given.
func Assess(month string, persons []Covered, rate Rate, bounds Bounds, civilServantRate *Rate) Assessment {
	a := Assessment{Month: month, Rate: rate}
	total := new(big.Rat)
	for _, p := range persons {
		if p.Category == "project" {
			a.Excluded++
			continue
		}
		base := bounds.Clamp(p.Base)
		a.Persons++
		a.Payroll += base
		r := rate
		if p.Category == "civil_servant" && civilServantRate != nil {
			r = *civilServantRate
		}
		total.Add(total, new(big.Rat).Mul(base.Rat(), r.Rat()))
	}
	a.Due = money.RoundHalfUp(total)
	return a
}

// LateFeePerDay is the statutory late fee, 0.05% a day (社会保险法 Art. 86: 按日加收万分之五).
var LateFeePerDay = big.NewRat(5, 10000)

// Reconciliation compares what was due with what was collected.
type Reconciliation struct {
	Due      money.Amount `json:"due"`
	Paid     money.Amount `json:"paid"`
	Arrears  money.Amount `json:"arrears"` // unpaid part, zero when paid in full
	Status   string       `json:"status"`  // paid | underpaid | unpaid | overpaid
	DaysLate int          `json:"days_late"`
	LateFee  money.Amount `json:"late_fee"`
}

// Reconcile classifies a month and computes the late fee on the arrears for the days from
// the day after the due date to asOf (both given as day numbers, e.g. from time.Time.Unix()/86400).
func Reconcile(due, paid money.Amount, dueDay, asOfDay int) Reconciliation {
	r := Reconciliation{Due: due, Paid: paid}
	switch {
	case paid == due:
		r.Status = "paid"
	case paid > due:
		r.Status = "overpaid"
	case paid == 0:
		r.Status = "unpaid"
	default:
		r.Status = "underpaid"
	}
	if paid < due {
		r.Arrears = due - paid
		if asOfDay > dueDay {
			r.DaysLate = asOfDay - dueDay
			r.LateFee = r.Arrears.MulRat(new(big.Rat).Mul(LateFeePerDay, big.NewRat(int64(r.DaysLate), 1)))
		}
	}
	return r
}

// ProjectPremium is the one-time premium of a project-insured construction site: contract
// value × the project rate, rounded half-up (contributions.md, "同舟计划").
func ProjectPremium(contractValue money.Amount, rate Rate) money.Amount {
	return contractValue.MulRat(rate.Rat())
}

// SortedClasses returns the classes of a BaseRates in order, for display.
func (b BaseRates) SortedClasses() []Class {
	out := make([]Class, 0, len(b))
	for c := range b {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
