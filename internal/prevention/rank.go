// Package prevention holds the rules of spec/prevention-rehab.md as plain Go: ranking employers
// and industries for prevention targeting against their risk class, prevention projects and the
// prevention-fee cap (law-reference.md §9, fund-and-service.md), occupational health
// surveillance and who may see its results (security.md), the rehabilitation case state
// machine, and the figures leaders read. It imports no database/sql; package prevstore feeds it
// rows and stores what it decides.
package prevention

import (
	"math/big"
	"sort"

	"wiis/internal/contrib"
	"wiis/internal/money"
)

// Figures are the plain values behind one employer's (or one industry's) rank for a period.
//
// Reading of "accident rate" (spec: claims per 1,000 covered persons in a year): the covered
// persons are the average monthly headcount, person-months ÷ 12, the way 千人工伤发生率 is
// computed from the average number insured; a worker insured for half the year counts half.
type Figures struct {
	Key           string        `json:"key"`  // employer USCC, or the two-digit GB/T 4754 division of an industry
	Name          string        `json:"name"` // employer or industry name
	Region        string        `json:"region"`
	Industry      string        `json:"industry"` // GB/T 4754 code of the employer (or the division itself)
	Class         contrib.Class `json:"class"`    // the risk class the comparison is made within
	PersonMonths  int64         `json:"person_months"`
	Claims        int64         `json:"claims"`   // work-injury claims with the injury in the period
	ODCases       int64         `json:"od_cases"` // occupational-disease cases diagnosed in the period
	Benefits      money.Amount  `json:"benefits"` // benefit payments to the employer's injured workers
	Contributions money.Amount  `json:"contributions"`
}

// Add accumulates o into f (the key, name and class of f stay): industry and class totals are
// sums of employer figures.
func (f *Figures) Add(o Figures) {
	f.PersonMonths += o.PersonMonths
	f.Claims += o.Claims
	f.ODCases += o.ODCases
	f.Benefits += o.Benefits
	f.Contributions += o.Contributions
}

// perThousand is n per 1,000 average covered persons: n × 1000 × 12 ÷ person-months; nil when
// nobody was covered (a rate of nothing is not zero).
func perThousand(n, personMonths int64) *big.Rat {
	if personMonths <= 0 {
		return nil
	}
	return new(big.Rat).SetFrac(big.NewInt(n*12000), big.NewInt(personMonths))
}

// AccidentRate is claims per 1,000 average covered persons; nil with no coverage.
func (f Figures) AccidentRate() *big.Rat { return perThousand(f.Claims, f.PersonMonths) }

// ODRate is occupational-disease cases per 1,000 average covered persons; nil with no coverage.
// Cases are compared as a rate, not a count, so a large employer is not a target for its size.
func (f Figures) ODRate() *big.Rat { return perThousand(f.ODCases, f.PersonMonths) }

// ExpenditureRatio is benefits ÷ contributions (支缴率); nil when nothing was contributed.
func (f Figures) ExpenditureRatio() *big.Rat {
	if f.Contributions <= 0 {
		return nil
	}
	return new(big.Rat).SetFrac64(int64(f.Benefits), int64(f.Contributions))
}

// Indicator names one of the three targeting indicators of the spec.
type Indicator string

// The indicators, in the order they weigh in the ranking.
const (
	AccidentRateAbove     Indicator = "accident_rate"
	ODRateAbove           Indicator = "od_rate"
	ExpenditureRatioAbove Indicator = "expenditure_ratio"
)

// ClassAverage is a risk class's pooled figures: the sums over every ranked member, so the
// average is the class's own rate (total claims over total coverage), not a mean of rates that
// a two-person employer would swing.
type ClassAverage struct {
	Figures
	AccidentRate     string `json:"accident_rate"`
	ODRate           string `json:"od_rate"`
	ExpenditureRatio string `json:"expenditure_ratio"`
}

// Ranked is one entry of a ranking with the figures behind it, the class average it was
// compared with and the indicators on which it stands above that average.
type Ranked struct {
	Rank int `json:"rank"`
	Figures
	AccidentRate     string       `json:"accident_rate"`     // per 1,000, two decimals; "" when no coverage
	AccidentIndex    string       `json:"accident_index"`    // rate ÷ class rate, two decimals; "" when either is undefined or the class has none
	ODRate           string       `json:"od_rate"`           // per 1,000, two decimals
	ExpenditureRatio string       `json:"expenditure_ratio"` // two decimals; "" with no contributions
	ClassAverage     ClassAverage `json:"class_average"`
	Above            []Indicator  `json:"above"`
	// Target is true when the entry stands above its class on at least one indicator
	// (prevention-rehab.md: "... stand above their industry class's average are prevention
	// targets").
	Target bool `json:"target"`

	index *big.Rat
}

// Rank compares each entry with its risk class's pooled average and orders them: targets
// first; then more indicators above the class before fewer; then the accident index (the rate
// relative to the class) highest first; then occupational-disease cases; then the expenditure
// ratio; then the key, so the order is total and the same on every run.
//
// An indicator with no value (no coverage, no contributions) is never "above": the data to
// say so is missing, and the figures show the blank. It returns the ranked entries and the
// class averages in class order.
func Rank(entries []Figures) ([]Ranked, []ClassAverage) {
	classes := map[contrib.Class]*Figures{}
	for _, e := range entries {
		c := classes[e.Class]
		if c == nil {
			c = &Figures{Key: e.Class.Label(), Name: e.Class.Label(), Class: e.Class}
			classes[e.Class] = c
		}
		c.Add(e)
	}
	avgs := map[contrib.Class]ClassAverage{}
	var avgList []ClassAverage
	for cl, f := range classes {
		a := ClassAverage{Figures: *f, AccidentRate: ratString(f.AccidentRate()), ODRate: ratString(f.ODRate()),
			ExpenditureRatio: ratString(f.ExpenditureRatio())}
		avgs[cl] = a
		avgList = append(avgList, a)
	}
	sort.Slice(avgList, func(i, j int) bool { return avgList[i].Class < avgList[j].Class })

	out := make([]Ranked, len(entries))
	for i, e := range entries {
		c := classes[e.Class]
		r := Ranked{Figures: e, ClassAverage: avgs[e.Class], AccidentRate: ratString(e.AccidentRate()),
			ODRate: ratString(e.ODRate()), ExpenditureRatio: ratString(e.ExpenditureRatio())}
		if above(e.AccidentRate(), c.AccidentRate()) {
			r.Above = append(r.Above, AccidentRateAbove)
		}
		if above(e.ODRate(), c.ODRate()) {
			r.Above = append(r.Above, ODRateAbove)
		}
		if above(e.ExpenditureRatio(), c.ExpenditureRatio()) {
			r.Above = append(r.Above, ExpenditureRatioAbove)
		}
		r.Target = len(r.Above) > 0
		if er, cr := e.AccidentRate(), c.AccidentRate(); er != nil && cr != nil && cr.Sign() > 0 {
			r.index = new(big.Rat).Quo(er, cr)
			r.AccidentIndex = r.index.FloatString(2)
		}
		out[i] = r
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Target != b.Target {
			return a.Target
		}
		if len(a.Above) != len(b.Above) {
			return len(a.Above) > len(b.Above)
		}
		if c := cmpNil(a.index, b.index); c != 0 {
			return c > 0
		}
		if a.ODCases != b.ODCases {
			return a.ODCases > b.ODCases
		}
		if c := cmpNil(a.Figures.ExpenditureRatio(), b.Figures.ExpenditureRatio()); c != 0 {
			return c > 0
		}
		return a.Key < b.Key
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out, avgList
}

// above reports v > avg, both known.
func above(v, avg *big.Rat) bool { return v != nil && avg != nil && v.Cmp(avg) > 0 }

// cmpNil compares two possibly undefined values; undefined sorts below any value.
func cmpNil(a, b *big.Rat) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Cmp(b)
}

// ratString renders a rate with two decimals, "" when undefined.
func ratString(r *big.Rat) string {
	if r == nil {
		return ""
	}
	return r.FloatString(2)
}
