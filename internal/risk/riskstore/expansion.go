package riskstore

import (
	"context"
	"database/sql"
	"sort"

	"wiis/internal/contrib/contribstore"
	"wiis/internal/money"
	"wiis/internal/store"
)

// Target is one expansion target (扩面对象, issue 7 item 4): an employer R07 found withholding
// income tax for persons it does not cover, with those persons and the coverage it would add.
type Target struct {
	USCC      string
	Name      string // from the market registry
	Region    string
	AlertID   int64
	Status    string // the R07 alert's workflow state
	Outcome   string
	Enrolled  bool // the employer is registered with us (under-insured) or not (uninsured)
	Persons   []TargetPerson
	LastMonth string // latest tax month without coverage
	// Rate is the employer's contribution rate in force (contribstore.EmployerRate) when it is
	// registered with us and a rate policy applies; empty otherwise.
	Rate string
	// BaseFloor is the region's base floor for LastMonth (contribstore.Bounds): the estimate's
	// base per person, since the tax data carries no wage. Zero when no area wage is set.
	BaseFloor money.Amount
	// EstMonthly estimates the monthly contribution the coverage would add: persons × base
	// floor × rate, rounded half up; zero when the rate or floor is unknown.
	EstMonthly money.Amount
}

// TargetPerson is a person an expansion target withholds tax for without covering them.
type TargetPerson struct {
	IDNumber string
	Name     string
	Months   []string // tax months without coverage, ascending
}

// ExpansionTargets lists the R07 employers, from their alerts not closed and those closed as
// confirmed (the inspectorate still has to act), with the persons concerned and the coverage
// figures. on (YYYY-MM-DD) is the date of the rate and bounds used for the estimate.
func ExpansionTargets(ctx context.Context, q store.Querier, on string) ([]Target, error) {
	alerts, err := queryStored(ctx, q, `SELECT `+alertCols+` FROM risk_alerts WHERE rule = 'R07'
		AND (status <> 'closed' OR outcome = 'confirmed') ORDER BY subject, id`)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	var out []Target
	for _, a := range alerts {
		if len(out) > 0 && out[len(out)-1].USCC == a.Subject {
			continue // an open alert and an older confirmed one: list the employer once
		}
		t := Target{USCC: a.Subject, AlertID: a.ID, Status: a.Status, Outcome: a.Outcome}
		err := q.QueryRow(ctx, `SELECT name, region FROM market_registry WHERE uscc = ?`, a.Subject).Scan(&t.Name, &t.Region)
		if err != nil && err != sql.ErrNoRows {
			return nil, err
		}
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM employers WHERE uscc = ?`, a.Subject).Scan(&n); err != nil {
			return nil, err
		}
		t.Enrolled = n > 0
		byID := map[string]*TargetPerson{}
		for _, e := range a.Evidence {
			id := e.Row["id_number"]
			if e.Table != "tax_withholding" || id == "" {
				continue
			}
			p := byID[id]
			if p == nil {
				p = &TargetPerson{IDNumber: id}
				byID[id] = p
			}
			p.Months = append(p.Months, e.Row["month"])
			t.LastMonth = max(t.LastMonth, e.Row["month"])
		}
		for _, p := range byID {
			sort.Strings(p.Months)
			if _, ok := names[p.IDNumber]; !ok {
				var name string
				if err := q.QueryRow(ctx, `SELECT name FROM persons WHERE id_number = ?`, p.IDNumber).Scan(&name); err != nil && err != sql.ErrNoRows {
					return nil, err
				}
				names[p.IDNumber] = name
			}
			p.Name = names[p.IDNumber]
			t.Persons = append(t.Persons, *p)
		}
		sort.Slice(t.Persons, func(i, j int) bool { return t.Persons[i].IDNumber < t.Persons[j].IDNumber })
		if err := estimate(ctx, q, &t, on); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// estimate fills the rate, the base floor and the estimated monthly contribution of t where
// the policy allows; a missing rate or wage policy leaves them empty rather than failing.
func estimate(ctx context.Context, q store.Querier, t *Target, on string) error {
	if t.Region != "" && t.LastMonth != "" {
		b, err := contribstore.Bounds(ctx, q, t.Region, t.LastMonth)
		if err != nil {
			return err
		}
		t.BaseFloor = b.Floor
	}
	if !t.Enrolled {
		return nil
	}
	ri, err := contribstore.EmployerRate(ctx, q, t.USCC, on)
	if err != nil {
		return nil // no rate policy for it: the figure stays unknown
	}
	t.Rate = ri.Rate.Percent()
	if t.BaseFloor > 0 {
		t.EstMonthly = t.BaseFloor.Times(int64(len(t.Persons))).MulRat(ri.Rate.Rat())
	}
	return nil
}

// ExpansionPersons counts the persons of all targets: the coverage the list would add.
func ExpansionPersons(ts []Target) int {
	n := 0
	for _, t := range ts {
		n += len(t.Persons)
	}
	return n
}
