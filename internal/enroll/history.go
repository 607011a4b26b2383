package enroll

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"wiis/internal/coverage"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/store"
)

// Coverage is one continuous insured period of a person at an employer, for history pages.
type Coverage struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name,omitempty"`
	USCC     string `json:"uscc"`
	Employer string `json:"employer,omitempty"`
	From     string `json:"from"`
	To       string `json:"to,omitempty"` // empty: open
	Category string `json:"category"`
	Base     string `json:"current_base"` // base in the last covered month
}

// History is a person's or an employer's full enrollment story on one page.
type History struct {
	Events   []Event    `json:"events"`
	Coverage []Coverage `json:"coverage"`
}

// PersonHistory returns every event of a person with every employer, and the coverage periods
// up to asOf (YYYY-MM).
func PersonHistory(ctx context.Context, q store.Querier, id, asOf string) (History, error) {
	return history(ctx, q, `e.id_number = ?`, id, asOf)
}

// EmployerHistory returns every event at an employer and the coverage of each person.
func EmployerHistory(ctx context.Context, q store.Querier, uscc, asOf string) (History, error) {
	return history(ctx, q, `e.uscc = ?`, uscc, asOf)
}

func history(ctx context.Context, q store.Querier, where, arg, asOf string) (History, error) {
	var h History
	as, err := coverage.ParseMonth(asOf)
	if err != nil {
		return h, err
	}
	rows, err := q.Query(ctx, `SELECT e.id, e.id_number, e.uscc, e.event, e.month, e.recorded_on, e.monthly_base, e.category,
			COALESCE(p.name, ''), COALESCE(m.name, '')
		FROM enrollment_events e LEFT JOIN persons p ON p.id_number = e.id_number LEFT JOIN employers m ON m.uscc = e.uscc
		WHERE `+where+` ORDER BY e.id_number, e.uscc, e.month, e.recorded_on`, arg)
	if err != nil {
		return h, err
	}
	defer rows.Close()
	type pair struct{ id, uscc string }
	events := map[pair][]coverage.Event{}
	cats := map[pair]map[string]string{} // month|recorded → category of adds
	names := map[pair][2]string{}
	var order []pair
	for rows.Next() {
		var ev Event
		var base sql.NullInt64
		var cat sql.NullString
		var pname, ename string
		if err := rows.Scan(&ev.ID, &ev.IDNumber, &ev.USCC, &ev.Event, &ev.Month, &ev.RecordedOn, &base, &cat, &pname, &ename); err != nil {
			return h, err
		}
		if base.Valid {
			a := money.Amount(base.Int64)
			ev.MonthlyBase = &a
		}
		ev.Category = cat.String
		h.Events = append(h.Events, ev)
		k := pair{ev.IDNumber, ev.USCC}
		if _, ok := events[k]; !ok {
			order = append(order, k)
			cats[k] = map[string]string{}
			names[k] = [2]string{pname, ename}
		}
		kind, _ := coverage.ParseKind(ev.Event)
		m, _ := coverage.ParseMonth(ev.Month)
		events[k] = append(events[k], coverage.Event{Kind: kind, Month: m, RecordedOn: ev.RecordedOn, Base: base.Int64, HasBase: base.Valid})
		if ev.Event == "add" {
			cats[k][ev.Month+"|"+ev.RecordedOn] = ev.Category
		}
	}
	if err := rows.Err(); err != nil {
		return h, err
	}
	for _, k := range order {
		evs := events[k]
		coverage.Sort(evs)
		for _, p := range coverage.Periods(evs, as) {
			c := Coverage{IDNumber: k.id, USCC: k.uscc, Name: names[k][0], Employer: names[k][1], From: p.From.String(),
				Category: cats[k][p.Start.Month.String()+"|"+p.Start.RecordedOn]}
			if !p.Open {
				c.To = p.To.String()
			}
			if b, ok := coverage.BaseAt(evs, p.To); ok {
				c.Base = money.Amount(b).String()
			}
			h.Coverage = append(h.Coverage, c)
		}
	}
	sort.SliceStable(h.Events, func(i, j int) bool {
		if h.Events[i].Month != h.Events[j].Month {
			return h.Events[i].Month > h.Events[j].Month
		}
		return h.Events[i].RecordedOn > h.Events[j].RecordedOn
	})
	return h, nil
}

// Hit is one search result.
type Hit struct {
	Kind  string `json:"kind"` // person | employer
	Key   string `json:"key"`  // id_number or uscc
	Name  string `json:"name"`
	Extra string `json:"extra,omitempty"`
	// Phone is the contact phone masked (138****1234): a list never carries the full number.
	Phone string `json:"phone,omitempty"`
}

// Search finds persons and employers, at most limit of each: the teller's one search box.
// Persons are found by their whole ID number (exact only: stored ID numbers are to become
// deterministic ciphertext, which keeps equality and loses prefixes) or by the beginning of
// their name (a teller types a name or its first characters), in name order from an index on
// both engines, so a million persons cost one index range. Employers are found by credit code
// (whole or its beginning, a range of the key) or by name (see below; the substring scan uses
// the engine's plain substring function, a third of the cost of LIKE on SQLite).
func Search(ctx context.Context, q store.Querier, term string, limit int) ([]Hit, error) {
	term = strings.TrimSpace(term)
	if term == "" {
		return nil, nil
	}
	up := strings.ToUpper(term)
	var out []Hit
	// Each lookup runs only for a term that could find something by it (each is a round trip
	// on PostgreSQL): an ID number for a term of its shape (every stored one is valid, and
	// sealed, so nothing else could equal it), names for a term that is not a whole ID
	// number, credit codes for a term of their alphabet.
	shaped := idcode.HasIDShape(up)
	wholeID := shaped && idcode.ValidateID(up) == nil
	var byID Hit
	if shaped {
		err := q.QueryRow(ctx, `SELECT id_number, name, phone FROM persons WHERE id_number = ?`, up).Scan(&byID.Key, &byID.Name, &byID.Phone)
		switch {
		case err == nil:
			byID.Kind, byID.Phone = "person", privacy.MaskPhone(byID.Phone)
			out = append(out, byID)
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	if !wholeID {
		c := store.CollateC(store.EngineOf(q))
		rows, err := q.Query(ctx, `SELECT id_number, name, phone FROM persons WHERE name `+c+` >= ? AND name `+c+` < ?
		ORDER BY name `+c+`, id_number LIMIT ?`, term, prefixEnd(term), limit)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h Hit
			if err := rows.Scan(&h.Key, &h.Name, &h.Phone); err != nil {
				rows.Close()
				return nil, err
			}
			if h.Key == byID.Key || len(out) >= limit {
				continue
			}
			h.Kind, h.Phone = "person", privacy.MaskPhone(h.Phone)
			out = append(out, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// Employers by credit code (a range of the key) and by name: a term of two or more
	// characters anywhere in the name (a scan of the employers, which are far fewer than
	// persons), a term of one character or a whole ID number only at the beginning of the name
	// (an index range), since a one-character substring of every employer's name is no search
	// and an ID number is not in one. Each is its own query, so each keeps its own plan (an OR
	// of the two, with ORDER BY name, made SQLite walk the whole name index); the scan returns
	// its matches unordered, and the hits are ordered here, by code point like the index.
	c0 := store.CollateC(store.EngineOf(q))
	byName, nameArgs := `name `+c0+` >= ? AND name `+c0+` < ? ORDER BY name `+c0+` LIMIT ?`, []any{term, prefixEnd(term), limit}
	if utf8.RuneCountInString(term) >= 2 && !wholeID {
		byName, nameArgs = store.Contains(store.EngineOf(q), "name"), []any{term}
	}
	type lookup struct {
		cond string
		args []any
	}
	lookups := []lookup{{byName, nameArgs}}
	if idcode.CouldBeUSCCPrefix(up) {
		lookups = append([]lookup{{`uscc >= ? AND uscc < ? ORDER BY uscc LIMIT ?`, []any{up, prefixEnd(up), limit}}}, lookups...)
	}
	seen := map[string]bool{}
	var emps []Hit
	for _, where := range lookups {
		rows, err := q.Query(ctx, `SELECT uscc, name, region, phone FROM employers WHERE `+where.cond, where.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h Hit
			if err := rows.Scan(&h.Key, &h.Name, &h.Extra, &h.Phone); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[h.Key] {
				seen[h.Key] = true
				h.Kind, h.Phone = "employer", privacy.MaskPhone(h.Phone)
				emps = append(emps, h)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(emps, func(i, j int) bool { return emps[i].Name < emps[j].Name })
	return append(out, emps[:min(len(emps), limit)]...), nil
}

// prefixEnd is the least string above every string that begins with p, in code-point order:
// p with its last character replaced by the next one (surrogates are not characters).
func prefixEnd(p string) string {
	r, size := utf8.DecodeLastRuneInString(p)
	switch {
	case r == utf8.MaxRune:
		return p + string(utf8.MaxRune) // a noncharacter no name holds
	case r == 0xD7FF:
		r = 0xE000
	default:
		r++
	}
	return p[:len(p)-size] + string(r)
}

// CoveredInMonth returns the persons an employer covers in month m with their applied
// category and base: the input of the monthly assessment.
func CoveredInMonth(ctx context.Context, q store.Querier, uscc, month string) ([]Coverage, error) {
	h, err := EmployerHistory(ctx, q, uscc, month)
	if err != nil {
		return nil, err
	}
	m, _ := coverage.ParseMonth(month)
	byPair := map[string][]coverage.Event{}
	for _, ev := range h.Events {
		kind, _ := coverage.ParseKind(ev.Event)
		em, _ := coverage.ParseMonth(ev.Month)
		e := coverage.Event{Kind: kind, Month: em, RecordedOn: ev.RecordedOn}
		if ev.MonthlyBase != nil {
			e.Base, e.HasBase = int64(*ev.MonthlyBase), true
		}
		byPair[ev.IDNumber] = append(byPair[ev.IDNumber], e)
	}
	var out []Coverage
	for _, c := range h.Coverage {
		f, _ := coverage.ParseMonth(c.From)
		to := m
		if c.To != "" {
			to, _ = coverage.ParseMonth(c.To)
		}
		if f > m || to < m {
			continue
		}
		evs := byPair[c.IDNumber]
		coverage.Sort(evs)
		if b, ok := coverage.BaseAt(evs, m); ok {
			c.Base = money.Amount(b).String()
		}
		out = append(out, c)
	}
	return out, nil
}
