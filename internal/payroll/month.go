// Package payroll is the domain of long-term benefit payment (spec/payroll.md): entitlements
// with effective-dated amounts, the rule that decides whether a month is payable, back pay, and
// the Art. 40 adjustment rule. It is plain Go: it takes values and returns values, and knows
// nothing of SQL, so every legal rule here is testable by the table. Storage, the monthly run
// and the four-eyes workflow live in internal/payrollsvc.
package payroll

import (
	"fmt"
	"time"
)

// Month is a calendar month as a count of months since year 0 (year*12 + month-1), so months
// compare and add as integers. The zero value means "none" (no end, no death).
type Month int

// MonthOf returns the month of a year and a calendar month (1–12).
func MonthOf(year int, m time.Month) Month { return Month(year*12 + int(m) - 1) }

// ParseMonth reads "YYYY-MM". It is hand-written rather than time.Parse because the monthly
// run parses several months per entitlement, millions of times.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' || !digits(s[:4]) || !digits(s[5:]) {
		return 0, fmt.Errorf("must be a month YYYY-MM, got %q", s)
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	mo := int(s[5]-'0')*10 + int(s[6]-'0')
	if y < 1 || mo < 1 || mo > 12 {
		return 0, fmt.Errorf("must be a month YYYY-MM, got %q", s)
	}
	return MonthOf(y, time.Month(mo)), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustMonth is ParseMonth for literals in code and tests; it panics on a malformed month.
func MustMonth(s string) Month {
	m, err := ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Year returns the calendar year.
func (m Month) Year() int { return int(m) / 12 }

// Calendar returns the calendar month (January = 1).
func (m Month) Calendar() time.Month { return time.Month(int(m)%12 + 1) }

// FirstDay returns the first day of the month (UTC midnight).
func (m Month) FirstDay() time.Time {
	return time.Date(m.Year(), m.Calendar(), 1, 0, 0, 0, 0, time.UTC)
}

// String formats "YYYY-MM"; the zero Month formats as "".
func (m Month) String() string {
	if m == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Calendar()))
}

// DateMonth returns the month of a date "YYYY-MM-DD" (a death date, for instance).
func DateMonth(s string) (Month, error) {
	if len(s) != 10 || s[7] != '-' || !digits(s[8:]) {
		return 0, fmt.Errorf("must be a date YYYY-MM-DD, got %q", s)
	}
	return ParseMonth(s[:7])
}
