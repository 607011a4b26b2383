package payroll

import (
	"fmt"
	"time"
)

// Certification channels (payroll.md "Eligibility certification").
const (
	ChannelDataComparison = "data_comparison" // death, hospital, residence, prison records the region receives
	ChannelSelfService    = "self_service"    // online or phone, matched by the region's identity service
	ChannelCounter        = "counter"         // at any counter
	ChannelHomeVisit      = "home_visit"      // for those who cannot move
)

// ValidChannel reports whether c is one of the certification channels.
func ValidChannel(c string) bool {
	switch c {
	case ChannelDataComparison, ChannelSelfService, ChannelCounter, ChannelHomeVisit:
		return true
	}
	return false
}

// Certification cycles.
const (
	CycleAnniversary = "anniversary" // due a year after the last certification
	CycleFixedMonth  = "fixed_month" // due in the policy's month of the following calendar year
)

// CertificationParam is the policy key of a region's certification policy. It is seeded only
// by demo data: where no region policy is in force, certification is off (payroll.md).
const CertificationParam = "certification"

// CertificationPolicy is a region's certification rule.
type CertificationPolicy struct {
	// From is the date (YYYY-MM-DD) certification is switched on; empty means the date the
	// policy value takes effect.
	From        string `json:"from,omitempty"`
	GraceMonths int    `json:"grace_months"`
	Cycle       string `json:"cycle"`
	Month       int    `json:"month,omitempty"`       // 1–12, for fixed_month
	NoticeDays  int    `json:"notice_days,omitempty"` // "due soon" window; 30 when unset
}

// Validate checks the policy; the error names the field.
func (p CertificationPolicy) Validate() error {
	if _, err := time.Parse(time.DateOnly, p.From); err != nil {
		return fmt.Errorf("certification.from: must be a date YYYY-MM-DD, got %q", p.From)
	}
	if p.GraceMonths < 0 || p.GraceMonths > 24 {
		return fmt.Errorf("certification.grace_months: must be 0–24, got %d", p.GraceMonths)
	}
	switch p.Cycle {
	case CycleAnniversary:
	case CycleFixedMonth:
		if p.Month < 1 || p.Month > 12 {
			return fmt.Errorf("certification.month: must be 1–12 for fixed_month, got %d", p.Month)
		}
	default:
		return fmt.Errorf("certification.cycle: must be anniversary or fixed_month, got %q", p.Cycle)
	}
	if p.NoticeDays < 0 {
		return fmt.Errorf("certification.notice_days: must not be negative")
	}
	return nil
}

func (p CertificationPolicy) from() time.Time {
	t, _ := time.Parse(time.DateOnly, p.From)
	return t
}

// AddMonths adds n calendar months to a date, clamping to the end of a shorter month
// (31 January + 1 month is 28 or 29 February, not 3 March).
func AddMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(t.Day(), last), 0, 0, 0, 0, time.UTC)
}

// NextDue returns the date by which a beneficiary must certify (again). start is the month
// their earliest open entitlement started, last their latest valid certification (zero when
// never).
//
// Reading of payroll.md: the first certification falls due a year after the later of the
// entitlement's start and the date certification was switched on; each later one a year after
// the previous. With fixed_month "a year after" is read in calendar years, as regions with a
// certification month run it: a base date in year Y makes the person due on the first day of
// the policy's month in year Y+1.
func (p CertificationPolicy) NextDue(start Month, last time.Time) time.Time {
	base := start.FirstDay()
	if f := p.from(); f.After(base) {
		base = f
	}
	if last.After(base) {
		base = last
	}
	if p.Cycle == CycleFixedMonth {
		return time.Date(base.Year()+1, time.Month(p.Month), 1, 0, 0, 0, 0, time.UTC)
	}
	return AddMonths(base, 12)
}

// GraceEnds returns the first day on which a beneficiary due on `due` and still not certified
// is suspended: the due date plus the grace months.
func (p CertificationPolicy) GraceEnds(due time.Time) time.Time {
	return AddMonths(due, p.GraceMonths)
}

// SuspendFrom returns the first month whose payment is withheld: the first month beginning on
// or after the end of the grace period (a month already begun when the grace ran out is
// still paid, as it was payable on its first day).
func (p CertificationPolicy) SuspendFrom(due time.Time) Month {
	end := p.GraceEnds(due)
	m := MonthOf(end.Year(), end.Month())
	if end.Day() > 1 {
		m++
	}
	return m
}

// Certification statuses of a beneficiary on a date.
const (
	StatusCurrent = "current"  // certified, next due beyond the notice window
	StatusDueSoon = "due_soon" // due within the notice window: notify
	StatusDue     = "due"      // past the due date, within the grace period
	StatusOverdue = "overdue"  // grace period over: suspended from the payroll
)

// Status classifies a beneficiary due on `due` as of `on`.
func (p CertificationPolicy) Status(due, on time.Time) string {
	notice := p.NoticeDays
	if notice == 0 {
		notice = 30
	}
	switch {
	case !on.Before(p.GraceEnds(due)):
		return StatusOverdue
	case !on.Before(due):
		return StatusDue
	case !on.Before(due.AddDate(0, 0, -notice)):
		return StatusDueSoon
	}
	return StatusCurrent
}
