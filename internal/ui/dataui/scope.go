package dataui

import (
	"context"
	"fmt"
	"strings"

	"wiis/internal/interchange"
	"wiis/internal/store"
)

// scoped is an interchange.Writer that passes on only the rows within a region scope and
// counts them. A layout with a region column is filtered by it; one with a uscc by the
// employer's region (an employer we do not know — tax and market data name such — by the
// registration region its credit code carries in characters 3–8, GB 32100); a layout keyed by
// persons (persons, deaths, payments, beneficiaries) by the persons insured by or claiming
// against an employer in scope, as the counter scopes persons. The filter runs in Go over the
// streamed export, so the SQL stays that of interchange.Export; the sets it holds are the
// scope's employers and persons (a city's: thousands to a few hundred thousand keys).
type scoped struct {
	w      interchange.Writer
	prefix string
	col    int             // the column to test
	kind   string          // "region", "uscc" or "person"
	emp    map[string]bool // usccs in scope (for "uscc"), known usccs out of scope are absent
	known  map[string]bool // every known uscc
	people map[string]bool
	Rows   int
}

func newScoped(ctx context.Context, q store.Querier, l *interchange.Layout, w interchange.Writer, prefix string) (*scoped, error) {
	s := &scoped{w: w, prefix: prefix}
	if prefix == "" {
		return s, nil
	}
	switch {
	case l.Index("region") >= 0:
		s.kind, s.col = "region", l.Index("region")
	case l.Index("uscc") >= 0:
		s.kind, s.col = "uscc", l.Index("uscc")
		s.emp, s.known = map[string]bool{}, map[string]bool{}
		rows, err := q.Query(ctx, `SELECT uscc, region FROM employers`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var u, reg string
			if err := rows.Scan(&u, &reg); err != nil {
				return nil, err
			}
			s.known[u] = true
			if strings.HasPrefix(reg, prefix) {
				s.emp[u] = true
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	default:
		col := "id_number"
		if l.Name == "beneficiaries" {
			col = "worker_id_number"
		}
		s.kind, s.col = "person", l.Index(col)
		if s.col < 0 {
			return nil, fmt.Errorf("dataui: layout %s has no scope column", l.Name)
		}
		s.people = map[string]bool{}
		scope, args := store.CodePrefix("m.region", prefix)
		rows, err := q.Query(ctx, `SELECT e.id_number FROM enrollment_events e JOIN employers m ON m.uscc = e.uscc WHERE `+scope+`
			UNION SELECT c.id_number FROM claims c JOIN employers m ON m.uscc = c.uscc WHERE `+scope, append(args, args...)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			s.people[id] = true
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *scoped) in(r interchange.Row) bool {
	if s.prefix == "" {
		return true
	}
	v, _ := r[s.col].(string)
	switch s.kind {
	case "region":
		return strings.HasPrefix(v, s.prefix)
	case "uscc":
		if s.known[v] {
			return s.emp[v]
		}
		return len(v) == 18 && strings.HasPrefix(v[2:8], s.prefix)
	default:
		return s.people[v]
	}
}

// Write passes r on when it is in scope.
func (s *scoped) Write(r interchange.Row) error {
	if !s.in(r) {
		return nil
	}
	s.Rows++
	return s.w.Write(r)
}

// Close closes the underlying writer.
func (s *scoped) Close() error { return s.w.Close() }
