package supstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/counter/counterstore"
	"wiis/internal/coverage"
	"wiis/internal/store"
	"wiis/internal/supervise"
)

// Target is a stored yearly target.
type Target struct {
	Year      int                 `json:"year"`
	Region    string              `json:"region"`
	Indicator supervise.Indicator `json:"indicator"`
	Value     int64               `json:"value"`
	Parent    string              `json:"parent"`
	SetBy     string              `json:"set_by"`
	SetAt     string              `json:"set_at"`
}

// SetTarget stores a target of a city (or province) whole or of one of its districts; the
// setter's own region must be a province or a city (targets are set from above and broken
// down, never set by the district for itself). Errors: invalid, forbidden.
func (s *Service) SetTarget(ctx context.Context, by audit.Actor, setterRegion string, t supervise.TargetInput) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if supervise.IsDistrict(setterRegion) {
		return apperr.Forbiddenf("sup.err.setter")
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, t.Region).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalidf("region", "sup.err.region")
	}
	parent := ""
	if supervise.IsDistrict(t.Region) {
		parent = supervise.ParentOf(t.Region)
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var before *Target
		var old Target
		err := tx.QueryRow(ctx, `SELECT value, set_by FROM sup_targets WHERE year = ? AND region = ? AND indicator = ?`,
			t.Year, t.Region, t.Indicator).Scan(&old.Value, &old.SetBy)
		if err == nil {
			before = &old
		} else if err != sql.ErrNoRows {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO sup_targets (year, region, indicator, value, parent, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (year, region, indicator) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`,
			t.Year, t.Region, string(t.Indicator), t.Value, parent, by.Username, s.stamp())
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{At: s.now(), Action: "target.set", Entity: "sup_target",
			EntityID: fmt.Sprintf("%d/%s/%s", t.Year, t.Region, t.Indicator), Before: before, After: t}.By(by))
		return err
	})
}

// Targets lists the targets of a year for a region and the districts under it.
func (s *Service) Targets(ctx context.Context, year int, region string) ([]Target, error) {
	scope, args := store.CodePrefix("region", prefix(region))
	rows, err := s.DB.Query(ctx, `SELECT year, region, indicator, value, parent, set_by, set_at FROM sup_targets
		WHERE year = ? AND `+scope+` ORDER BY region, indicator`, append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.Year, &t.Region, &t.Indicator, &t.Value, &t.Parent, &t.SetBy, &t.SetAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// asOfMonth is the month a year's stock figures are read at: December for a past year, the
// current month for the running one.
func asOfMonth(year int, now time.Time) string {
	if year < now.Year() {
		return fmt.Sprintf("%04d-12", year)
	}
	return now.Format("2006-01")
}

// Actuals computes every indicator of a region for a year from the data, as of now (a
// running year counts what has happened so far). region may be a district or a whole; its
// prefix selects the codes under it.
func (s *Service) Actuals(ctx context.Context, year int, region string) (map[supervise.Indicator]int64, error) {
	now := s.now()
	p := prefix(region)
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	out := map[supervise.Indicator]int64{}

	insured, err := insuredPersons(ctx, s.DB, p, asOfMonth(year, now))
	if err != nil {
		return nil, err
	}
	out[supervise.InsuredPersons] = insured

	var n int64
	scope, args := store.CodePrefix("e.region", p)
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT ev.uscc FROM enrollment_events ev JOIN employers e ON e.uscc = ev.uscc
		WHERE `+scope+` AND ev.event = 'add' GROUP BY ev.uscc HAVING MIN(ev.month) >= ? AND MIN(ev.month) <= ?) x`,
		append(args, from[:7], to[:7])...).Scan(&n); err != nil {
		return nil, err
	}
	out[supervise.NewEmployers] = n

	scope, args = store.CodePrefix("region", p)
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM projects WHERE `+scope+` AND start_date >= ? AND start_date <= ?`,
		append(args, from, to)...).Scan(&n); err != nil {
		return nil, err
	}
	out[supervise.ProjectsInsured] = n

	scope, args = store.CodePrefix("pr.region", p)
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(sp.amount), 0) FROM prevention_spending sp
		JOIN prevention_projects pr ON pr.id = sp.project_id WHERE `+scope+` AND sp.spent_on >= ? AND sp.spent_on <= ?`,
		append(args, from, to)...).Scan(&n); err != nil {
		return nil, err
	}
	out[supervise.PreventionSpending] = n

	f0, _ := time.Parse(supervise.DateLayout, from)
	f1 := f0.AddDate(1, 0, 0) // Figures' end is exclusive
	fig, err := counterstore.Figures(ctx, s.DB, p, f0, f1, now)
	if err != nil {
		return nil, err
	}
	out[supervise.TimeLimitsMet] = supervise.ProgressBP(int64(fig.OnTime), int64(fig.Handled))
	if fig.Handled == 0 {
		out[supervise.TimeLimitsMet] = 0
	}

	arrears, err := arrearsCollected(ctx, s.DB, p, from, to)
	if err != nil {
		return nil, err
	}
	out[supervise.ArrearsCollected] = arrears
	return out, nil
}

// insuredPersons counts the distinct persons covered in month asOf by employers under the
// region prefix p, by the coverage rule of interchange.md (coverage.Periods), one pass over
// the region's events ordered by pair.
func insuredPersons(ctx context.Context, q store.Querier, p, asOf string) (int64, error) {
	m, err := coverage.ParseMonth(asOf)
	if err != nil {
		return 0, err
	}
	scope, args := store.CodePrefix("e.region", p)
	rows, err := q.Query(ctx, `SELECT ev.id_number, ev.uscc, ev.event, ev.month, ev.recorded_on FROM enrollment_events ev
		JOIN employers e ON e.uscc = ev.uscc WHERE `+scope+` AND ev.month <= ? AND ev.event <> 'base'
		ORDER BY ev.id_number, ev.uscc, ev.month, ev.recorded_on`, append(args, asOf)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	covered := map[string]bool{}
	var curID, curU string
	var evs []coverage.Event
	flush := func() {
		if len(evs) > 0 {
			coverage.Sort(evs)
			if coverage.Covered(coverage.Periods(evs, m), m) {
				covered[curID] = true
			}
		}
		evs = evs[:0]
	}
	for rows.Next() {
		var id, u, kind, month, rec string
		if err := rows.Scan(&id, &u, &kind, &month, &rec); err != nil {
			return 0, err
		}
		if id != curID || u != curU {
			flush()
			curID, curU = id, u
		}
		k, err := coverage.ParseKind(kind)
		if err != nil {
			return 0, err
		}
		mm, err := coverage.ParseMonth(month)
		if err != nil {
			return 0, err
		}
		evs = append(evs, coverage.Event{Kind: k, Month: mm, RecordedOn: rec})
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	flush()
	return int64(len(covered)), nil
}

// arrearsCollected adds up contributions collected in [from, to] by employers under the region
// prefix p for a month whose due day — the last day of the following month — had passed when
// they were collected.
func arrearsCollected(ctx context.Context, q store.Querier, p, from, to string) (int64, error) {
	scope, args := store.CodePrefix("e.region", p)
	rows, err := q.Query(ctx, `SELECT c.month, c.collected_on, c.amount FROM contributions_collected c
		JOIN employers e ON e.uscc = c.uscc WHERE `+scope+` AND c.collected_on >= ? AND c.collected_on <= ?`, append(args, from, to)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var sum int64
	for rows.Next() {
		var month, on string
		var amt int64
		if err := rows.Scan(&month, &on, &amt); err != nil {
			return 0, err
		}
		if on > DueDay(month) {
			sum += amt
		}
	}
	return sum, rows.Err()
}

// DueDay is the last day a month's contribution may be paid without falling into arrears:
// the end of the following month. An unreadable month is never in arrears.
func DueDay(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return "9999-12-31"
	}
	return t.AddDate(0, 2, -1).Format(supervise.DateLayout)
}

// Evaluation is a year's evaluation of the districts under a region.
type Evaluation struct {
	Year      int                    `json:"year"`
	Region    string                 `json:"region"`
	Name      string                 `json:"name"`
	AsOf      string                 `json:"as_of"`
	Whole     supervise.Evaluation   `json:"whole"`
	Districts []supervise.Evaluation `json:"districts"`
	// Breakdown is, per additive indicator, the sum of the district targets, to show whether
	// the breakdown covers the whole's target.
	Breakdown map[supervise.Indicator]int64 `json:"breakdown"`
}

// Evaluate computes the progress of every district under region with a target in year, ranks
// them, and the whole's progress. Errors: invalid (region is a district).
func (s *Service) Evaluate(ctx context.Context, year int, region string) (Evaluation, error) {
	if supervise.IsDistrict(region) || len(region) != 6 {
		return Evaluation{}, apperr.Invalidf("region", "sup.err.region")
	}
	ts, err := s.Targets(ctx, year, region)
	if err != nil {
		return Evaluation{}, err
	}
	ev := Evaluation{Year: year, Region: region, Name: regionName(ctx, s.DB, region), AsOf: asOfMonth(year, s.now()),
		Breakdown: map[supervise.Indicator]int64{}}
	byRegion := map[string]map[supervise.Indicator]int64{}
	var order []string
	for _, t := range ts {
		if byRegion[t.Region] == nil {
			byRegion[t.Region] = map[supervise.Indicator]int64{}
			order = append(order, t.Region)
		}
		byRegion[t.Region][t.Indicator] = t.Value
		if t.Parent == region {
			ev.Breakdown[t.Indicator] += t.Value
		}
	}
	for _, code := range order {
		act, err := s.Actuals(ctx, year, code)
		if err != nil {
			return ev, err
		}
		e := supervise.Evaluate(code, regionName(ctx, s.DB, code), byRegion[code], act)
		if code == region {
			ev.Whole = e
		} else if supervise.ParentOf(code) == region {
			ev.Districts = append(ev.Districts, e)
		}
	}
	if ev.Whole.Region == "" {
		act, err := s.Actuals(ctx, year, region)
		if err != nil {
			return ev, err
		}
		ev.Whole = supervise.Evaluate(region, ev.Name, map[supervise.Indicator]int64{}, act)
	}
	supervise.Rank(ev.Districts)
	return ev, nil
}

func regionName(ctx context.Context, q store.Querier, code string) string {
	name := code
	q.QueryRow(ctx, `SELECT name FROM regions WHERE code = ?`, code).Scan(&name)
	return name
}

// ParseYear reads a year field, defaulting to def. Errors: invalid.
func ParseYear(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, apperr.Invalidf("year", "sup.err.year")
	}
	return y, nil
}
