// Package calendar holds calendar days and working days: the arithmetic of every time limit in
// wiis (determination and assessment deadlines, the counter's promised dates), so a rule such
// as "the period ends on the last day of a month without the matching day" exists once. The
// holiday calendar is policy data (key "calendar.workdays"), published yearly.
package calendar

import (
	"encoding/json"
	"errors"
	"time"
)

// Date is a calendar day. Time limits in the law are counted in days at the agency's
// location, so a Date carries no time of day and no zone (held as UTC midnight).
type Date struct{ t time.Time }

// DateLayout is the stored and displayed form of a Date (migrations/README.md).
const DateLayout = "2006-01-02"

// Day returns the date y-m-d; out-of-range days normalise as time.Date does.
func Day(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate reads YYYY-MM-DD; the empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, err
	}
	if t.IsZero() {
		// 0001-01-01 is the zero Date, which means "no date": refuse it rather than turn a
		// typed date silently into none (found by FuzzParseDate).
		return Date{}, errors.New("0001-01-01 is not a date wiis stores")
	}
	return Date{t}, nil
}

// MustDate is ParseDate for literals in tests and seeds; it panics on a malformed date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic("calendar.MustDate(" + s + "): " + err.Error())
	}
	return d
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date { return Day(t.Year(), t.Month(), t.Day()) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is YYYY-MM-DD, or "" for the zero Date (so a NULL column round-trips).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(DateLayout)
}

// AddDays returns the date n calendar days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// AddMonths returns the corresponding day n months later. Where that month has no such day
// the period ends on its last day (民法典 Art. 202: "没有对应日的，月末日为期间的最后一日"), so
// Jan 31 + 1 month is Feb 28 (or 29), not Go's normalised Mar 3.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return Day(first.Year(), first.Month(), day)
}

// AddYears is AddMonths(12n): Feb 29 + 1 year is Feb 28.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// DaysSince returns the number of calendar days from e to d (d − e).
func (d Date) DaysSince(e Date) int { return int(d.t.Sub(e.t).Hours() / 24) }

// Equal reports whether d and e are the same day.
func (d Date) Equal(e Date) bool { return d.t.Equal(e.t) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Time returns the day as midnight UTC.
func (d Date) Time() time.Time { return d.t }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// MarshalJSON writes "YYYY-MM-DD" (or "" for the zero Date).
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD" or "".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Calendar says which days are working days (工作日). Saturdays and Sundays are rest days
// except the make-up working days (调休上班) listed in Workdays; Holidays lists the statutory
// holidays that fall on weekdays. Both lists are policy (key ParamCalendar), published each
// year by the State Council; without them only weekends are skipped.
type Calendar struct {
	Holidays []Date `json:"holidays"`
	Workdays []Date `json:"workdays"`
}

// IsWorkday reports whether d is a working day.
func (c Calendar) IsWorkday(d Date) bool {
	for _, w := range c.Workdays {
		if w.Equal(d) {
			return true
		}
	}
	for _, h := range c.Holidays {
		if h.Equal(d) {
			return false
		}
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the n-th working day after d: the day of receipt is not counted, as
// with calendar days (民法典 Art. 201: the period starts on the next day).
func (c Calendar) AddWorkdays(d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// NextWorkday returns d itself if it is a working day, else the first working day after it.
// A period the law gives a citizen that ends on a rest day ends on the next working day
// (民法典 Art. 203); periods the agency owes itself are not moved (see Deadline rules).
func (c Calendar) NextWorkday(d Date) Date {
	for !c.IsWorkday(d) {
		d = d.AddDays(1)
	}
	return d
}

// Shanghai is the agencies' time zone (China Standard Time): days, months and receipts are
// counted there while instants are stored in UTC. It falls back to a fixed UTC+8 zone where the
// system has no zone database, which for China (no daylight saving) is the same clock.
var Shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()
