// Package coverage is the one definition of enrollment coverage of spec/interchange.md: when a
// person is covered (参保) by an employer in a month, and the person's contribution base in that
// month. It is plain Go over the events of one (person, employer) pair, so risk rules, the
// contribution assessment and anything else that asks "was this person insured here then?"
// share one answer. Callers fetch the events (in bulk, ordered by person and employer) and
// hand each pair's events here.
package coverage

import (
	"fmt"
	"sort"
)

// Month is a calendar month as a count of months since January of year 0, so month
// arithmetic (M − 1, twelve consecutive months) is integer arithmetic.
type Month int

// ParseMonth reads "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("coverage: month %q: want YYYY-MM", s)
	}
	y, m := 0, 0
	for i, c := range []byte(s) {
		if i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("coverage: month %q: want YYYY-MM", s)
		}
		if i < 4 {
			y = y*10 + int(c-'0')
		} else {
			m = m*10 + int(c-'0')
		}
	}
	if m < 1 || m > 12 {
		return 0, fmt.Errorf("coverage: month %q: month out of range", s)
	}
	return Month(y*12 + m - 1), nil
}

// MonthOf returns the month of a date or date-time text ("YYYY-MM-DD…").
func MonthOf(date string) (Month, error) {
	if len(date) < 7 {
		return 0, fmt.Errorf("coverage: date %q: want YYYY-MM-DD", date)
	}
	return ParseMonth(date[:7])
}

// Year returns the calendar year.
func (m Month) Year() int { return int(m) / 12 }

// Num returns the month of the year, 1–12.
func (m Month) Num() int { return int(m)%12 + 1 }

// String formats the month as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), m.Num()) }

// Kind is the kind of an enrollment event.
type Kind uint8

// The event kinds of interchange.md.
const (
	Add    Kind = iota + 1 // 增员: insured from Month
	Remove                 // 减员: Month is the last insured month
	Base                   // the base changes from Month
)

// ParseKind reads "add", "remove" or "base".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "add":
		return Add, nil
	case "remove":
		return Remove, nil
	case "base":
		return Base, nil
	}
	return 0, fmt.Errorf("coverage: unknown event %q", s)
}

// String returns the interchange name of the kind.
func (k Kind) String() string {
	switch k {
	case Add:
		return "add"
	case Remove:
		return "remove"
	case Base:
		return "base"
	}
	return "?"
}

// Event is one enrollment event of a (person, employer) pair.
type Event struct {
	Kind       Kind
	Month      Month
	RecordedOn string // YYYY-MM-DD: the day the agency recorded it
	Base       int64  // monthly base in fen, when HasBase
	HasBase    bool
}

// Period is one continuous coverage: it begins with the add Start (the earliest add, by month
// then recording day, of the run) and covers the months From..To inclusive.
type Period struct {
	From, To Month
	Start    Event
	// Open means no remove ends it: it runs to the as-of month (To is then the as-of month).
	Open bool
}

// Contains reports whether the period covers month m.
func (p Period) Contains(m Month) bool { return p.From <= m && m <= p.To }

// Sort orders a pair's events by month, then kind (add, remove, base), then recording day:
// the order Periods and BaseAt expect. Callers that stream events ORDER BY month, event,
// recorded_on already have this order ("add" < "base" < "remove" as text does not matter:
// Periods reads adds and removes separately).
func Sort(events []Event) {
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if a.Month != b.Month {
			return a.Month < b.Month
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.RecordedOn < b.RecordedOn
	})
}

// Periods returns the coverage periods of one (person, employer) pair up to the as-of month,
// in order, from the pair's events sorted by Sort.
//
// interchange.md: the person is covered in M when an add has month ≤ M and no remove has a
// month in [that add's month, M − 1]; an open coverage runs to the as-of month. So each add
// covers its month up to the first remove at or after it; overlapping add intervals (a second
// add while covered) are one period begun by the first add, while an add right after a
// remove begins a new period. Months after asOf are not covered: they are not yet known.
func Periods(events []Event, asOf Month) []Period {
	var out []Period
	var cur *Period
	ri := 0 // first remove not yet behind the current add
	var removes []Month
	for _, e := range events {
		if e.Kind == Remove {
			removes = append(removes, e.Month) // already in month order
		}
	}
	for _, e := range events {
		if e.Kind != Add || e.Month > asOf {
			continue
		}
		if cur != nil && (cur.Open || e.Month <= cur.To) {
			continue // already covered: this add does not begin a coverage
		}
		for ri < len(removes) && removes[ri] < e.Month {
			ri++
		}
		p := Period{From: e.Month, To: asOf, Start: e, Open: true}
		if ri < len(removes) {
			p.Open = false
			p.To = min(removes[ri], asOf)
		}
		out = append(out, p)
		cur = &out[len(out)-1]
	}
	return out
}

// At returns the period covering month m, if any.
func At(periods []Period, m Month) (Period, bool) {
	for _, p := range periods {
		if p.Contains(m) {
			return p, true
		}
		if p.From > m {
			break
		}
	}
	return Period{}, false
}

// Covered reports whether the periods cover month m.
func Covered(periods []Period, m Month) bool {
	_, ok := At(periods, m)
	return ok
}

// BaseAt returns the person's base in month m: that of the latest add or base event with month
// ≤ m (interchange.md), from events sorted by Sort. Events without a base are skipped. Among
// events of the same month the one recorded last wins, since it is the newer statement.
func BaseAt(events []Event, m Month) (base int64, ok bool) {
	Bases(events, []Period{{From: m, To: m}}, func(_ Month, b int64, found bool) { base, ok = b, found })
	return base, ok
}

// Bases calls fn for every covered month of the periods, in order, with the base in that month
// (ok false when no event gives one), walking the events once: batch work that needs every
// covered month would rescan the events if it called BaseAt per month. It gives the same
// answer as BaseAt.
func Bases(events []Event, periods []Period, fn func(m Month, base int64, ok bool)) {
	var (
		base      int64
		found     bool
		bestMonth Month
		bestRec   string
		i         int
	)
	for _, p := range periods {
		for m := p.From; m <= p.To; m++ {
			for ; i < len(events) && events[i].Month <= m; i++ {
				e := events[i]
				if (e.Kind != Add && e.Kind != Base) || !e.HasBase {
					continue
				}
				if !found || e.Month > bestMonth || (e.Month == bestMonth && e.RecordedOn >= bestRec) {
					base, found, bestMonth, bestRec = e.Base, true, e.Month, e.RecordedOn
				}
			}
			fn(m, base, found)
		}
	}
}
