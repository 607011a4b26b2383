package prevstore

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"wiis/internal/apperr"
	"wiis/internal/coverage"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

// RateWindow is an accident rate over a window of months.
type RateWindow struct {
	From         string `json:"from"` // YYYY-MM
	To           string `json:"to"`
	PersonMonths int64  `json:"person_months"`
	Claims       int64  `json:"claims"`
	Rate         string `json:"rate"` // per 1,000 average covered persons; "" without coverage
}

func window(f prevention.Figures, from, to coverage.Month) RateWindow {
	r := RateWindow{From: from.String(), To: to.String(), PersonMonths: f.PersonMonths, Claims: f.Claims}
	if a := f.AccidentRate(); a != nil {
		r.Rate = a.FloatString(2)
	}
	return r
}

// BeforeAfterRow is one trained employer's accident rate before and after a project.
type BeforeAfterRow struct {
	USCC   string     `json:"uscc"`
	Name   string     `json:"name"`
	Before RateWindow `json:"before"`
	After  RateWindow `json:"after"`
}

// BeforeAfter is a project's before/after view: each employer it reached (targets and the
// employers of its participants) and all of them pooled.
type BeforeAfter struct {
	ProjectID int64            `json:"project_id"`
	Rows      []BeforeAfterRow `json:"rows"`
	Pooled    BeforeAfterRow   `json:"pooled"`
}

// ProjectBeforeAfter compares the accident rates of a project's employers in the 12 months
// before the project's start month with the 12 months after its end month, cut at asOf
// (YYYY-MM, the last month with data) so months not yet lived are not counted as accident-free.
// Errors: not_found, invalid (asOf).
func ProjectBeforeAfter(ctx context.Context, q store.Querier, projectID int64, asOf string) (BeforeAfter, error) {
	out := BeforeAfter{ProjectID: projectID}
	p, err := GetProject(ctx, q, projectID)
	if err != nil {
		return out, err
	}
	last, err := coverage.ParseMonth(asOf)
	if err != nil {
		return out, apperr.Invalidf("as_of", "月份格式应为 YYYY-MM / month must be YYYY-MM")
	}
	start, _ := coverage.MonthOf(p.StartOn)
	end, _ := coverage.MonthOf(p.EndOn)
	bFrom, bTo := start-12, start-1
	aFrom, aTo := end+1, min(end+12, last)
	reached := map[string]bool{}
	for _, u := range p.Targets {
		reached[u] = true
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT uscc FROM prevention_participants WHERE project_id = ?`, projectID)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return out, err
		}
		reached[u] = true
	}
	rows.Close()
	// Reached employers may lie outside the project's region; the panel covers the province.
	pan, err := loadPanel(ctx, q, scopePrefix(p.Region[:2]+"0000"), bFrom, max(aTo, bTo))
	if err != nil {
		return out, err
	}
	var pb, pa prevention.Figures
	for u := range reached {
		s := pan.emps[u]
		if s == nil {
			continue
		}
		b, a := s.figures(pan, bFrom, bTo), s.figures(pan, aFrom, aTo)
		pb.Add(b)
		pa.Add(a)
		out.Rows = append(out.Rows, BeforeAfterRow{USCC: u, Name: s.Name, Before: window(b, bFrom, bTo), After: window(a, aFrom, aTo)})
	}
	sort.Slice(out.Rows, func(i, j int) bool { return out.Rows[i].USCC < out.Rows[j].USCC })
	out.Pooled = BeforeAfterRow{Name: "合计 / all", Before: window(pb, bFrom, bTo), After: window(pa, aFrom, aTo)}
	return out, nil
}

// EffectPoint is one point of the "where prevention money went" series: the accident rate in
// a year of the employers of a group that prevention projects had reached, or had not.
type EffectPoint struct {
	Year         int    `json:"year"`
	Group        string `json:"group"` // region code or industry division
	Reached      bool   `json:"reached"`
	Employers    int    `json:"employers"`
	PersonMonths int64  `json:"person_months"`
	Claims       int64  `json:"claims"`
	Rate         string `json:"rate"`
}

// PreventionEffect returns, per year from..to and per group ("region": the employer's region
// code; "industry": its GB/T 4754 division), the accident rate of employers reached by
// prevention money versus the others.
//
// Reading of "where prevention money went": an employer counts as reached in year Y when it
// was a target or sent participants to a project with spending posted that started before Y,
// so the rate measured in Y follows the money rather than coinciding with it. Errors: invalid.
func PreventionEffect(ctx context.Context, q store.Querier, region string, from, to int, by string) ([]EffectPoint, error) {
	if err := validYear(from); err != nil {
		return nil, err
	}
	if err := validYear(to); err != nil || to < from {
		return nil, apperr.Invalidf("to", "结束年度应不早于开始年度 / to must not be before from")
	}
	if by != "region" && by != "industry" {
		return nil, apperr.Invalidf("by", "分组应为 region 或 industry / group by region or industry")
	}
	reachedFrom := map[string]string{} // employer → the earliest start of a funded project that reached it
	rows, err := q.Query(ctx, `SELECT r.uscc, MIN(p.start_on) FROM prevention_projects p
		JOIN (SELECT project_id, uscc FROM prevention_project_targets UNION SELECT project_id, uscc FROM prevention_participants) r ON r.project_id = p.id
		WHERE EXISTS (SELECT 1 FROM prevention_spending s WHERE s.project_id = p.id) GROUP BY r.uscc`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u, s string
		if err := rows.Scan(&u, &s); err != nil {
			rows.Close()
			return nil, err
		}
		reachedFrom[u] = s
	}
	rows.Close()
	fm, _ := yearMonths(from)
	_, tm := yearMonths(to)
	pan, err := loadPanel(ctx, q, scopePrefix(region), fm, tm)
	if err != nil {
		return nil, err
	}
	type key struct {
		year    int
		group   string
		reached bool
	}
	acc := map[key]*EffectPoint{}
	for y := from; y <= to; y++ {
		yf, yt := yearMonths(y)
		for u, s := range pan.emps {
			g := s.Region
			if by == "industry" && len(s.Industry) >= 2 {
				g = s.Industry[:2]
			}
			start, ok := reachedFrom[u]
			k := key{y, g, ok && start < fmt.Sprintf("%d-01-01", y)}
			pt := acc[k]
			if pt == nil {
				pt = &EffectPoint{Year: y, Group: g, Reached: k.reached}
				acc[k] = pt
			}
			f := s.figures(pan, yf, yt)
			pt.Employers++
			pt.PersonMonths += f.PersonMonths
			pt.Claims += f.Claims
		}
	}
	out := make([]EffectPoint, 0, len(acc))
	for _, pt := range acc {
		pt.Rate = window(prevention.Figures{PersonMonths: pt.PersonMonths, Claims: pt.Claims}, 0, 0).Rate
		out = append(out, *pt)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return !a.Reached && b.Reached
	})
	return out, nil
}

// ReturnPoint is the return-to-work result of the rehabilitation cases closed in a year in a
// group.
type ReturnPoint struct {
	Year     int    `json:"year"`
	Group    string `json:"group"`
	Closed   int    `json:"closed"`
	SameJob  int    `json:"same_job"`
	OtherJob int    `json:"other_job"`
	None     int    `json:"none"`
	Share    string `json:"share"` // (same + other) ÷ closed, as a percentage with one decimal
}

// ReturnToWork returns, per year the cases closed and per group ("region": the case's region;
// "industry": the employer's division), how many rehabilitated workers went back to work.
// Only closed cases count: a case still in rehabilitation has no outcome yet. Errors: invalid.
func ReturnToWork(ctx context.Context, q store.Querier, region string, from, to int, by string) ([]ReturnPoint, error) {
	if err := validYear(from); err != nil {
		return nil, err
	}
	if err := validYear(to); err != nil || to < from {
		return nil, apperr.Invalidf("to", "结束年度应不早于开始年度 / to must not be before from")
	}
	group := "c.region"
	switch by {
	case "region":
	case "industry":
		group = "SUBSTR(m.industry_code, 1, 2)"
	default:
		return nil, apperr.Invalidf("by", "分组应为 region 或 industry / group by region or industry")
	}
	scope, args := store.CodePrefix("c.region", scopePrefix(region))
	rows, err := q.Query(ctx, `SELECT SUBSTR(c.closed_on, 1, 4), `+group+`, c.return_to_work, COUNT(*)
		FROM rehab_cases c JOIN employers m ON m.uscc = c.employer_uscc
		WHERE c.state = 'closed' AND `+scope+` AND c.closed_on >= ? AND c.closed_on <= ?
		GROUP BY SUBSTR(c.closed_on, 1, 4), `+group+`, c.return_to_work`,
		append(args, fmt.Sprintf("%d-01-01", from), fmt.Sprintf("%d-12-31", to))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	acc := map[[2]string]*ReturnPoint{}
	var keys [][2]string
	for rows.Next() {
		var y, g, outcome string
		var n int
		if err := rows.Scan(&y, &g, &outcome, &n); err != nil {
			return nil, err
		}
		k := [2]string{y, g}
		pt := acc[k]
		if pt == nil {
			pt = &ReturnPoint{Group: g}
			fmt.Sscan(y, &pt.Year)
			acc[k] = pt
			keys = append(keys, k)
		}
		pt.Closed += n
		switch outcome {
		case "same_job":
			pt.SameJob += n
		case "other_job":
			pt.OtherJob += n
		default:
			pt.None += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	out := make([]ReturnPoint, len(keys))
	for i, k := range keys {
		pt := acc[k]
		pt.Share = new(big.Rat).SetFrac64(int64(100*(pt.SameJob+pt.OtherJob)), int64(pt.Closed)).FloatString(1)
		out[i] = *pt
	}
	return out, nil
}
