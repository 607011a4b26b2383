// Package prevstore stores and reads what package prevention decides (spec/prevention-rehab.md):
// the targeting figures, computed set-based from enrollment, claims, payments and collections;
// the prevention committee; projects and their spending, posted to the fund ledger within the
// prevention-fee cap; employer prevention files; occupational health surveillance, behind the
// health-data rule; rehabilitation cases with optimistic locking; and the series leaders read.
// Every change writes its audit record in the same transaction. The web layer calls these
// functions; each says which apperr codes it returns.
package prevstore

import (
	"context"
	"fmt"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/contrib"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/coverage"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/prevention"
	"wiis/internal/store"
)

// employerInfo is what a ranking shows of an employer.
type employerInfo struct {
	USCC, Name, Region, Industry string
}

// series are one employer's monthly figures over a panel's months.
type series struct {
	employerInfo
	head, claims, od, benefits, contrib []int64
}

// panel holds every employer of a region with monthly figures from From for N months, loaded
// with one set-based query per source (no per-employer loop over the database): the covered
// headcount from the enrollment events through package coverage, claims by injury month,
// occupational-disease cases by diagnosis month, benefit payments by payment month to the
// persons of the employer's claims, and collected contributions by the month they are for.
type panel struct {
	from coverage.Month
	n    int
	emps map[string]*series
}

func (p *panel) idx(m coverage.Month) (int, bool) {
	i := int(m - p.from)
	return i, i >= 0 && i < p.n
}

// figures sums one employer's months [from, to] (clamped to the panel).
func (s *series) figures(p *panel, from, to coverage.Month) prevention.Figures {
	f := prevention.Figures{Key: s.USCC, Name: s.Name, Region: s.Region, Industry: s.Industry}
	for m := max(from, p.from); m <= to; m++ {
		i, ok := p.idx(m)
		if !ok {
			break
		}
		f.PersonMonths += s.head[i]
		f.Claims += s.claims[i]
		f.ODCases += s.od[i]
		f.Benefits += money.Amount(s.benefits[i])
		f.Contributions += money.Amount(s.contrib[i])
	}
	return f
}

// nextMonth is the month after m, for half-open date ranges on text dates.
func nextMonth(m coverage.Month) string { return (m + 1).String() }

// loadPanel reads the figures of the employers whose region starts with prefix for the months
// from..to. Months after to are never counted as covered: coverage runs to `to` at most.
func loadPanel(ctx context.Context, q store.Querier, prefix string, from, to coverage.Month) (*panel, error) {
	p := &panel{from: from, n: int(to-from) + 1, emps: map[string]*series{}}
	if p.n <= 0 {
		return p, nil
	}
	scope, in := store.CodePrefix("m.region", prefix)
	// scoped is the arguments of a query scoped by scope: its own, then rest (a fresh slice
	// each time, as the queries below share in).
	scoped := func(rest ...any) []any { return append(append([]any{}, in...), rest...) }
	rows, err := q.Query(ctx, `SELECT m.uscc, m.name, m.region, m.industry_code FROM employers m WHERE `+scope, in...)
	if err != nil {
		return nil, fmt.Errorf("prevstore: employers: %w", err)
	}
	for rows.Next() {
		s := &series{head: make([]int64, p.n), claims: make([]int64, p.n), od: make([]int64, p.n),
			benefits: make([]int64, p.n), contrib: make([]int64, p.n)}
		if err := rows.Scan(&s.USCC, &s.Name, &s.Region, &s.Industry); err != nil {
			rows.Close()
			return nil, err
		}
		p.emps[s.USCC] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := p.loadHeadcount(ctx, q, prefix, to); err != nil {
		return nil, err
	}
	// Claims by injury month; injury_at is local "YYYY-MM-DDTHH:MM", so text bounds on months work.
	lo, hi := from.String(), nextMonth(to)
	monthly := []struct {
		dst  func(*series) []int64
		sql  string
		args []any
	}{
		{func(s *series) []int64 { return s.claims }, `SELECT c.uscc, SUBSTR(c.injury_at, 1, 7), COUNT(*) FROM claims c
			JOIN employers m ON m.uscc = c.uscc WHERE ` + scope + ` AND c.injury_at >= ? AND c.injury_at < ?
			GROUP BY c.uscc, SUBSTR(c.injury_at, 1, 7)`, scoped(lo, hi)},
		{func(s *series) []int64 { return s.od }, `SELECT c.uscc, SUBSTR(o.diagnosed_on, 1, 7), COUNT(*) FROM od_claims o
			JOIN claims c ON c.claim_no = o.claim_no JOIN employers m ON m.uscc = c.uscc
			WHERE ` + scope + ` AND o.diagnosed_on >= ? AND o.diagnosed_on < ?
			GROUP BY c.uscc, SUBSTR(o.diagnosed_on, 1, 7)`, scoped(lo, hi)},
		// Reading: a worker with claims at two employers has each employer charged with all of
		// the worker's benefits, as contribstore.ProposeFloat does for the floating rate.
		{func(s *series) []int64 { return s.benefits }, `SELECT w.uscc, p.month, SUM(p.amount) FROM payments p
			JOIN (SELECT DISTINCT c.id_number, c.uscc FROM claims c JOIN employers m ON m.uscc = c.uscc WHERE ` + scope + `) w
			ON w.id_number = p.id_number WHERE p.month >= ? AND p.month <= ? GROUP BY w.uscc, p.month`, scoped(lo, to.String())},
		{func(s *series) []int64 { return s.contrib }, `SELECT k.uscc, k.month, SUM(k.amount) FROM contributions_collected k
			JOIN employers m ON m.uscc = k.uscc WHERE ` + scope + ` AND k.month >= ? AND k.month <= ?
			GROUP BY k.uscc, k.month`, scoped(lo, to.String())},
	}
	for _, src := range monthly {
		if err := p.loadMonthly(ctx, q, src.sql, src.args, src.dst); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *panel) loadMonthly(ctx context.Context, q store.Querier, query string, args []any, dst func(*series) []int64) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("prevstore: panel: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uscc, month string
		var n int64
		if err := rows.Scan(&uscc, &month, &n); err != nil {
			return err
		}
		m, err := coverage.ParseMonth(month)
		if err != nil {
			continue // a malformed imported date is not counted; the import report names it
		}
		s := p.emps[uscc]
		if i, ok := p.idx(m); ok && s != nil {
			dst(s)[i] += n
		}
	}
	return rows.Err()
}

// loadHeadcount streams the enrollment events of the employers whose region starts with
// prefix ordered by pair and adds each pair's covered months (coverage.Periods, the one
// definition of coverage) to its employer.
func (p *panel) loadHeadcount(ctx context.Context, q store.Querier, prefix string, to coverage.Month) error {
	scope, args := store.CodePrefix("m.region", prefix)
	rows, err := q.Query(ctx, `SELECT e.uscc, e.id_number, e.event, e.month, e.recorded_on FROM enrollment_events e
		JOIN employers m ON m.uscc = e.uscc WHERE `+scope+` AND e.month <= ? AND e.event <> 'base'
		ORDER BY e.uscc, e.id_number, e.month, e.recorded_on`, append(args, to.String())...)
	if err != nil {
		return fmt.Errorf("prevstore: enrollment: %w", err)
	}
	defer rows.Close()
	var curUSCC, curID string
	var events []coverage.Event
	flush := func() {
		s := p.emps[curUSCC]
		if s == nil || len(events) == 0 {
			return
		}
		for _, per := range coverage.Periods(events, to) {
			for m := max(per.From, p.from); m <= per.To; m++ {
				if i, ok := p.idx(m); ok {
					s.head[i]++
				}
			}
		}
	}
	for rows.Next() {
		var uscc, id, ev, month, rec string
		if err := rows.Scan(&uscc, &id, &ev, &month, &rec); err != nil {
			return err
		}
		if uscc != curUSCC || id != curID {
			flush()
			curUSCC, curID, events = uscc, id, events[:0]
		}
		k, err := coverage.ParseKind(ev)
		if err != nil {
			continue
		}
		m, err := coverage.ParseMonth(month)
		if err != nil {
			continue
		}
		events = append(events, coverage.Event{Kind: k, Month: m, RecordedOn: rec})
	}
	flush()
	return rows.Err()
}

// classCache finds risk classes once per (division, region) on a date.
type classCache struct {
	q   store.Querier
	on  string
	got map[string]contrib.Class
}

func (c *classCache) class(ctx context.Context, industry, region string) (contrib.Class, error) {
	div, err := idcode.Division(industry)
	if err != nil {
		return 0, nil // an employer without a valid industry code is ranked as unclassified
	}
	key := fmt.Sprintf("%02d|%s", div, region)
	if cl, ok := c.got[key]; ok {
		return cl, nil
	}
	cl, err := contribstore.ClassOf(ctx, c.q, fmt.Sprintf("%02d", div), region, c.on)
	if err != nil && apperr.As(err).Field != "industry_code" {
		return 0, err
	}
	c.got[key] = cl
	return cl, nil
}

// yearMonths returns January and December of year.
func yearMonths(year int) (coverage.Month, coverage.Month) {
	from := coverage.Month(year * 12)
	return from, from + 11
}

func validYear(year int) error {
	if year < 2000 || year > 2100 {
		return apperr.Invalidf("year", "年度应在2000至2100之间 / year must be 2000–2100")
	}
	return nil
}

// scopePrefix is the code prefix of a region (auth.ScopePrefix), the one definition of
// "inside this region".
func scopePrefix(region string) string { return auth.ScopePrefix(region) }

// cityUnit is the fund's accounting unit of a region: its city, as contribstore posts
// contributions.
func cityUnit(region string) string {
	if len(region) < 4 {
		return region
	}
	return region[:4] + "00"
}
