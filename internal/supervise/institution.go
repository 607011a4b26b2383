package supervise

import (
	"wiis/internal/apperr"
)

// InstIndicators are the inputs of an agreement institution's yearly assessment (定点/协议机构
// 考核), all computed from the bill audit, the cases and the complaints register.
type InstIndicators struct {
	Bills       int   `json:"bills"`
	Billed      int64 `json:"billed"`        // fen billed in the year
	Refused     int64 `json:"refused"`       // fen of lines the audit refused
	RefusalBP   int64 `json:"refusal_bp"`    // Refused / Billed, basis points
	Cases       int   `json:"cases"`         // distinct determinations treated
	Accepted    int64 `json:"accepted"`      // fen accepted
	CostPerCase int64 `json:"cost_per_case"` // fen, Accepted / Cases
	PeerCost    int64 `json:"peer_cost"`     // fen per case over all institutions of the region
	CostBP      int64 `json:"cost_bp"`       // CostPerCase / PeerCost, basis points
	Complaints  int   `json:"complaints"`    // substantiated complaints in the year
	Settled     int   `json:"settled"`       // bills settled
	OnTime      int   `json:"on_time"`       // of those, settled within SettleDays of submission
	OnTimeBP    int64 `json:"on_time_bp"`
	SettleDays  int   `json:"settle_days"`
}

// GradeRule maps a minimum score to a grade and its effect on the agreement.
type GradeRule struct {
	Grade  string `json:"grade"`
	Min    int64  `json:"min"` // tenths of a point
	Effect string `json:"effect"`
}

// InstRules are the policy's weights and grades (supervise.institution_rules).
type InstRules struct {
	Weights struct {
		Refusal    int64 `json:"refusal"`
		Cost       int64 `json:"cost"`
		Complaints int64 `json:"complaints"`
		OnTime     int64 `json:"on_time"`
	} `json:"weights"`
	// RefusalZeroAt: a refusal rate at or above it (basis points) earns no refusal points.
	RefusalZeroAt int64 `json:"refusal_zero_at"`
	// CostZeroAt: a cost per case at or above this share of the peers' (basis points) earns
	// no cost points; at or below the peers' it earns them all.
	CostZeroAt int64 `json:"cost_zero_at"`
	// ComplaintPoints are deducted per substantiated complaint.
	ComplaintPoints int64       `json:"complaint_points"`
	SettleDays      int         `json:"settle_days"`
	Grades          []GradeRule `json:"grades"` // highest first
}

// Effects of an assessment on the agreement.
const (
	EffectRenew     = "renew"
	EffectWarn      = "warn"
	EffectTerminate = "terminate"
)

// Score is an institution's result: points per indicator and the total, in tenths of a point.
type Score struct {
	Refusal    int64  `json:"refusal"`
	Cost       int64  `json:"cost"`
	Complaints int64  `json:"complaints"`
	OnTime     int64  `json:"on_time"`
	Total      int64  `json:"total"`
	Grade      string `json:"grade"`
	Effect     string `json:"effect"`
}

// Derive fills the ratios of in from its counts: refusal rate, cost per case against peers,
// on-time share (each rounded down; no bills or no peers count as the best case).
func (in *InstIndicators) Derive() {
	in.RefusalBP = 0
	if in.Billed > 0 {
		in.RefusalBP = in.Refused * 10000 / in.Billed
	}
	in.CostPerCase = 0
	if in.Cases > 0 {
		in.CostPerCase = in.Accepted / int64(in.Cases)
	}
	in.CostBP = 10000
	if in.PeerCost > 0 {
		in.CostBP = in.CostPerCase * 10000 / in.PeerCost
	}
	in.OnTimeBP = 10000
	if in.Settled > 0 {
		in.OnTimeBP = int64(in.OnTime) * 10000 / int64(in.Settled)
	}
}

// Assess scores an institution under rules: each indicator earns its weight in full at its
// best and falls linearly to zero (refusal rate 0 → RefusalZeroAt; cost per case at the peers'
// → CostZeroAt; on-time share 100% → 0%), complaints lose ComplaintPoints each. Points are in
// tenths and rounded down per indicator, so the total is the sum a person can redo by hand.
func Assess(in InstIndicators, r InstRules) (Score, error) {
	if r.RefusalZeroAt <= 0 || r.CostZeroAt <= 10000 || len(r.Grades) == 0 {
		return Score{}, apperr.Invalidf("rules", "sup.err.rules")
	}
	var s Score
	w := r.Weights
	s.Refusal = max(0, w.Refusal*10*(r.RefusalZeroAt-in.RefusalBP)/r.RefusalZeroAt)
	switch {
	case in.CostBP <= 10000:
		s.Cost = w.Cost * 10
	case in.CostBP >= r.CostZeroAt:
		s.Cost = 0
	default:
		s.Cost = w.Cost * 10 * (r.CostZeroAt - in.CostBP) / (r.CostZeroAt - 10000)
	}
	s.Complaints = max(0, w.Complaints*10-int64(in.Complaints)*r.ComplaintPoints*10)
	s.OnTime = w.OnTime * 10 * in.OnTimeBP / 10000
	s.Total = s.Refusal + s.Cost + s.Complaints + s.OnTime
	for _, g := range r.Grades {
		if s.Total >= g.Min {
			s.Grade, s.Effect = g.Grade, g.Effect
			break
		}
	}
	if s.Grade == "" {
		last := r.Grades[len(r.Grades)-1]
		s.Grade, s.Effect = last.Grade, last.Effect
	}
	return s, nil
}
