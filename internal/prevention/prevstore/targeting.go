package prevstore

import (
	"context"
	"fmt"
	"sort"

	"wiis/internal/contrib"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

// Ranking is a targeting ranking with the class averages its entries were compared with.
type Ranking struct {
	Region  string                    `json:"region"`
	Year    int                       `json:"year"`
	Entries []prevention.Ranked       `json:"entries"`
	Classes []prevention.ClassAverage `json:"classes"`
}

// employerFigures returns the year's figures of every employer in region, each with its risk
// class on 31 December of the year.
func employerFigures(ctx context.Context, q store.Querier, region string, year int) ([]prevention.Figures, error) {
	if err := validYear(year); err != nil {
		return nil, err
	}
	from, to := yearMonths(year)
	p, err := loadPanel(ctx, q, scopePrefix(region), from, to)
	if err != nil {
		return nil, err
	}
	cc := &classCache{q: q, on: fmt.Sprintf("%d-12-31", year), got: map[string]contrib.Class{}}
	out := make([]prevention.Figures, 0, len(p.emps))
	for _, s := range p.emps {
		f := s.figures(p, from, to)
		if f.Class, err = cc.class(ctx, s.Industry, s.Region); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// EmployerRanking ranks the employers of region (a province, city or county code) for year
// by accident rate, occupational-disease rate and expenditure ratio against their risk
// class's average, with the figures behind each rank. Errors: invalid (year).
func EmployerRanking(ctx context.Context, q store.Querier, region string, year int) (Ranking, error) {
	fs, err := employerFigures(ctx, q, region, year)
	if err != nil {
		return Ranking{}, err
	}
	r := Ranking{Region: region, Year: year}
	r.Entries, r.Classes = prevention.Rank(fs)
	return r, nil
}

// IndustryRanking ranks the industries (GB/T 4754 divisions) of region for year the same way:
// each division's employers summed, compared with its risk class's average. Errors: invalid.
func IndustryRanking(ctx context.Context, q store.Querier, region string, year int) (Ranking, error) {
	fs, err := employerFigures(ctx, q, region, year)
	if err != nil {
		return Ranking{}, err
	}
	byDiv := map[string]*prevention.Figures{}
	for _, f := range fs {
		div := "??"
		if len(f.Industry) >= 2 {
			div = f.Industry[:2]
		}
		d := byDiv[div]
		if d == nil {
			d = &prevention.Figures{Key: div, Name: "行业大类 " + div, Region: region, Industry: div, Class: f.Class}
			byDiv[div] = d
		}
		d.Add(f)
	}
	ind := make([]prevention.Figures, 0, len(byDiv))
	for _, d := range byDiv {
		ind = append(ind, *d)
	}
	sort.Slice(ind, func(i, j int) bool { return ind[i].Key < ind[j].Key })
	r := Ranking{Region: region, Year: year}
	r.Entries, r.Classes = prevention.Rank(ind)
	return r, nil
}

// Targets is the list of prevention targets of region for year: the employers of the ranking
// that stand above their class on at least one indicator, in rank order. Errors: invalid.
func Targets(ctx context.Context, q store.Querier, region string, year int) ([]prevention.Ranked, error) {
	r, err := EmployerRanking(ctx, q, region, year)
	if err != nil {
		return nil, err
	}
	var out []prevention.Ranked
	for _, e := range r.Entries {
		if e.Target {
			out = append(out, e)
		}
	}
	return out, nil
}
