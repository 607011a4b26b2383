package supervise

import (
	"slices"
	"sort"

	"wiis/internal/apperr"
)

// Indicator is a yearly target's measure (任务分解、考核).
type Indicator string

// The indicators. Each is computed from the data (supstore.Actuals), never typed in:
//   - insured_persons: distinct persons covered in the year's last month (or the as-of month
//     of a running year) by employers of the district;
//   - new_employers: employers of the district whose first enrollment month falls in the year;
//   - projects_insured: construction projects of the district starting in the year;
//   - prevention_spending: fen spent on prevention projects of the district in the year;
//   - time_limits_met: basis points of counter tickets handled in the year within the
//     promised time (counter.Measure);
//   - arrears_collected: fen of contributions collected in the year for months whose due day
//     (the end of the following month) had passed when collected.
const (
	InsuredPersons     Indicator = "insured_persons"
	NewEmployers       Indicator = "new_employers"
	ProjectsInsured    Indicator = "projects_insured"
	PreventionSpending Indicator = "prevention_spending"
	TimeLimitsMet      Indicator = "time_limits_met"
	ArrearsCollected   Indicator = "arrears_collected"
)

// Indicators lists every indicator in display order.
var Indicators = []Indicator{InsuredPersons, NewEmployers, ProjectsInsured, PreventionSpending, TimeLimitsMet, ArrearsCollected}

// Unit says how an indicator's figures read: a count, money in fen, or basis points.
func (i Indicator) Unit() string {
	switch i {
	case PreventionSpending, ArrearsCollected:
		return "fen"
	case TimeLimitsMet:
		return "bp"
	}
	return "count"
}

// Valid reports whether i is a known indicator.
func (i Indicator) Valid() bool { return slices.Contains(Indicators, i) }

// Additive reports whether district targets add up to the whole's (a rate does not).
func (i Indicator) Additive() bool { return i.Unit() != "bp" }

// ProgressBP is actual over target in basis points (10000 = met), rounded down; a zero
// target counts as met.
func ProgressBP(actual, target int64) int64 {
	if target <= 0 {
		return 10000
	}
	return actual * 10000 / target
}

// Figure is one indicator of one district: target, actual and progress.
type Figure struct {
	Indicator Indicator `json:"indicator"`
	Target    int64     `json:"target"`
	Actual    int64     `json:"actual"`
	Progress  int64     `json:"progress_bp"`
	Met       bool      `json:"met"`
}

// Evaluation is one district's evaluation for a year.
type Evaluation struct {
	Region  string   `json:"region"`
	Name    string   `json:"name"`
	Figures []Figure `json:"figures"`
	// Score is the mean progress over the indicators with a target, each capped at 100% so
	// overshooting one target cannot make up for missing another; basis points.
	Score int64 `json:"score_bp"`
	Met   int   `json:"met"`
	Rank  int   `json:"rank"`
}

// Evaluate builds a district's figures from its targets and actuals; indicators without a
// target are left out of the score.
func Evaluate(region, name string, targets, actuals map[Indicator]int64) Evaluation {
	e := Evaluation{Region: region, Name: name}
	var sum int64
	n := 0
	for _, ind := range Indicators {
		t, ok := targets[ind]
		if !ok {
			continue
		}
		a := actuals[ind]
		p := ProgressBP(a, t)
		f := Figure{Indicator: ind, Target: t, Actual: a, Progress: p, Met: p >= 10000}
		e.Figures = append(e.Figures, f)
		sum += min(p, 10000)
		n++
		if f.Met {
			e.Met++
		}
	}
	if n > 0 {
		e.Score = sum / int64(n)
	}
	return e
}

// Rank orders evaluations by score (then targets met, then region code, so ties are stable)
// and numbers them; equal scores and counts share a rank.
func Rank(es []Evaluation) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Score != es[j].Score {
			return es[i].Score > es[j].Score
		}
		if es[i].Met != es[j].Met {
			return es[i].Met > es[j].Met
		}
		return es[i].Region < es[j].Region
	})
	for i := range es {
		if i > 0 && es[i].Score == es[i-1].Score && es[i].Met == es[i-1].Met {
			es[i].Rank = es[i-1].Rank
		} else {
			es[i].Rank = i + 1
		}
	}
}

// TargetInput sets one target.
type TargetInput struct {
	Year      int       `json:"year"`
	Region    string    `json:"region"`
	Indicator Indicator `json:"indicator"`
	Value     int64     `json:"value"`
}

// Validate checks a target. Errors: invalid.
func (t TargetInput) Validate() error {
	if t.Year < 2000 || t.Year > 2100 {
		return apperr.Invalidf("year", "sup.err.year")
	}
	if len(t.Region) != 6 {
		return apperr.Invalidf("region", "sup.err.region")
	}
	if !t.Indicator.Valid() {
		return apperr.Invalidf("indicator", "sup.err.indicator")
	}
	if t.Value < 0 || (t.Indicator.Unit() == "bp" && t.Value > 10000) {
		return apperr.Invalidf("value", "sup.err.value")
	}
	return nil
}

// IsDistrict reports whether a GB/T 2260 code is a county-level region (not a province or a
// city whole), the level targets are broken down to.
func IsDistrict(code string) bool {
	return len(code) == 6 && code[4:] != "00"
}

// ParentOf returns the region a district's target breaks down from: its city.
func ParentOf(code string) string {
	if IsDistrict(code) {
		return code[:4] + "00"
	}
	if len(code) == 6 && code[2:] != "0000" {
		return code[:2] + "0000"
	}
	return ""
}
