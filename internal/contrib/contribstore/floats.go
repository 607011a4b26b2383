package contribstore

import (
	"context"
	"encoding/json"
	"strings"

	"wiis/internal/store"
)

// FloatProposal is one stored floating-rate evaluation with the figures that led to it, as
// reviewers and the employer see it.
type FloatProposal struct {
	USCC          string `json:"uscc"`
	Employer      string `json:"employer"`
	Region        string `json:"region"`
	EffectiveFrom string `json:"effective_from"`
	Class         int    `json:"class"`
	BaseRate      string `json:"base_rate"`
	Factor        string `json:"float_factor"`
	Rate          string `json:"rate"`
	Status        string `json:"status"` // proposed | approved | rejected
	ProposedBy    string `json:"proposed_by"`
	ApprovedBy    string `json:"approved_by,omitempty"`
	Version       int    `json:"version"`
	// Figures of the evaluation (stored by ProposeFloat).
	Contributions string `json:"contributions"`
	Expenditure   string `json:"expenditure"`
	Accidents     int    `json:"accidents"`
	YearsInsured  int    `json:"years_insured"`
	Window        string `json:"window"`
	Ratio         string `json:"ratio"`
	Reason        string `json:"reason"`
}

// FloatFilter selects floating-rate proposals.
type FloatFilter struct {
	USCC         string
	RegionPrefix string // employers whose region starts with it; "" all
	Effective    string // YYYY-MM-DD, "" any
	Status       string
	Limit        int
}

// FloatProposals lists floating-rate evaluations, newest year first, then by employer.
func FloatProposals(ctx context.Context, q store.Querier, f FloatFilter) ([]FloatProposal, error) {
	scope, args := store.CodePrefix("e.region", f.RegionPrefix)
	where := []string{scope}
	if f.USCC != "" {
		where, args = append(where, "r.uscc = ?"), append(args, f.USCC)
	}
	if f.Effective != "" {
		where, args = append(where, "r.effective_from = ?"), append(args, f.Effective)
	}
	if f.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, f.Status)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := q.Query(ctx, `SELECT r.uscc, e.name, e.region, r.effective_from, r.class, r.base_rate, r.float_factor, r.rate,
			r.status, r.proposed_by, COALESCE(r.approved_by, ''), r.version, r.figures
		FROM employer_rates r JOIN employers e ON e.uscc = r.uscc
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.effective_from DESC, e.name, r.uscc LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FloatProposal
	for rows.Next() {
		var p FloatProposal
		var figures string
		if err := rows.Scan(&p.USCC, &p.Employer, &p.Region, &p.EffectiveFrom, &p.Class, &p.BaseRate, &p.Factor, &p.Rate,
			&p.Status, &p.ProposedBy, &p.ApprovedBy, &p.Version, &figures); err != nil {
			return nil, err
		}
		var fig struct {
			Input struct {
				YearsInsured  int             `json:"years_insured"`
				Contributions json.RawMessage `json:"contributions"`
				Expenditure   json.RawMessage `json:"expenditure"`
				Accidents     int             `json:"accidents"`
				Window        string          `json:"window"`
			} `json:"input"`
			Result struct {
				Ratio  string `json:"ratio"`
				Reason string `json:"reason"`
			} `json:"result"`
		}
		if json.Unmarshal([]byte(figures), &fig) == nil {
			p.YearsInsured, p.Accidents, p.Window = fig.Input.YearsInsured, fig.Input.Accidents, fig.Input.Window
			p.Contributions = strings.Trim(string(fig.Input.Contributions), `"`)
			p.Expenditure = strings.Trim(string(fig.Input.Expenditure), `"`)
			p.Ratio, p.Reason = fig.Result.Ratio, fig.Result.Reason
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ActiveEmployers lists the credit codes of the active employers whose region starts with
// prefix: the population of a yearly floating-rate run.
func ActiveEmployers(ctx context.Context, q store.Querier, prefix string) ([]string, error) {
	scope, args := store.CodePrefix("region", prefix)
	rows, err := q.Query(ctx, `SELECT uscc FROM employers WHERE status = 'active' AND `+scope+` ORDER BY uscc`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
