package casework

import (
	"testing"
)

// statutory returns the national defaults seeded by migration 00041, for the domain tests.
func statutory() Limits {
	return Limits{
		Determination: DeterminationLimits{EmployerApplyDays: 30, WorkerApplyYears: 1, ReviewDays: 15,
			AcceptAfterSupDays: 15, DecideDays: 60, DecideClearDays: 15, DeliverDays: 20},
		Assessment: AssessmentLimits{MaterialsNoticeWorkdays: 5, ConcludeDays: 60, ExtensionDays: 30,
			DeliverDays: 20, ReassessRequestDays: 15, ReviewAfterYears: 1},
		Advance:     AdvanceLimits{ReminderWorkdays: 3, EmployerPayWorkdays: 5},
		DueSoonDays: 5,
	}
}

func TestCalendarDayArithmeticAcrossMonthEnds(t *testing.T) {
	cases := []struct {
		name string
		got  Date
		want string
	}{
		{"15 days from Jan 31 is Feb 15", MustDate("2026-01-31").AddDays(15), "2026-02-15"},
		{"15 days from Feb 20 in a common year is Mar 7", MustDate("2026-02-20").AddDays(15), "2026-03-07"},
		{"15 days from Feb 20 in a leap year is Mar 6", MustDate("2028-02-20").AddDays(15), "2028-03-06"},
		{"60 days from Jan 10 across a common February is Mar 11", MustDate("2026-01-10").AddDays(60), "2026-03-11"},
		{"60 days from Jan 10 across a leap February is Mar 10", MustDate("2028-01-10").AddDays(60), "2028-03-10"},
		{"20 days from Dec 20 crosses the year", MustDate("2026-12-20").AddDays(20), "2027-01-09"},
		{"one month from Jan 31 ends on the last day of February", MustDate("2026-01-31").AddMonths(1), "2026-02-28"},
		{"one month from Jan 31 in a leap year ends on Feb 29", MustDate("2028-01-31").AddMonths(1), "2028-02-29"},
		{"one year from Feb 29 ends on Feb 28", MustDate("2028-02-29").AddYears(1), "2029-02-28"},
		{"one year from Mar 31 is Mar 31", MustDate("2026-03-31").AddYears(1), "2027-03-31"},
		{"13 months from Jan 31 is Feb 28 of the next year", MustDate("2026-01-31").AddMonths(13), "2027-02-28"},
	}
	for _, c := range cases {
		if c.got.String() != c.want {
			t.Errorf("%s: got %s", c.name, c.got)
		}
	}
}

func TestWorkdaysSkipWeekendsAndHolidaysButCountMakeUpDays(t *testing.T) {
	cal := Calendar{
		Holidays: []Date{MustDate("2026-10-01"), MustDate("2026-10-02"), MustDate("2026-10-05")},
		Workdays: []Date{MustDate("2026-10-10")}, // a Saturday worked in exchange
	}
	cases := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"5 working days from a Monday is the next Monday", "2026-03-02", 5, "2026-03-09"},
		{"3 working days from a Friday is Wednesday", "2026-03-06", 3, "2026-03-11"},
		{"holidays are skipped", "2026-09-30", 1, "2026-10-06"},
		{"a make-up Saturday counts", "2026-10-09", 1, "2026-10-10"},
	}
	for _, c := range cases {
		if got := cal.AddWorkdays(MustDate(c.from), c.n); got.String() != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if got := cal.NextWorkday(MustDate("2026-10-03")); got.String() != "2026-10-06" {
		t.Errorf("a period ending on a holiday Saturday moves to Tuesday after the Monday holiday: got %s", got)
	}
	if got := (Calendar{}).NextWorkday(MustDate("2026-03-04")); got.String() != "2026-03-04" {
		t.Errorf("a working day stays: got %s", got)
	}
}

func TestClassifyDueSoonIncludesTheDueDayAndOverdueStartsTheDayAfter(t *testing.T) {
	due := MustDate("2026-03-20")
	cases := []struct {
		on   string
		want Status
	}{
		{"2026-03-01", StatusDue},
		{"2026-03-14", StatusDue},
		{"2026-03-15", StatusDueSoon},
		{"2026-03-20", StatusDueSoon},
		{"2026-03-21", StatusOverdue},
	}
	for _, c := range cases {
		if got := Classify(due, MustDate(c.on), 5); got != c.want {
			t.Errorf("due %s on %s: got %q, want %q", due, c.on, got, c.want)
		}
	}
	if got := Classify(Date{}, due, 5); got != StatusNone {
		t.Errorf("no due date: got %q", got)
	}
	over, soon := Thresholds(MustDate("2026-03-15"), 5)
	if over.String() != "2026-03-15" || soon.String() != "2026-03-20" {
		t.Errorf("thresholds: %s %s", over, soon)
	}
}

func TestStepTookExcludesSuspendedDays(t *testing.T) {
	s := Step{Name: StepDecide, Started: MustDate("2026-03-01"), Due: MustDate("2026-04-30")}
	s.suspend(MustDate("2026-03-11"))
	if got := s.Took(MustDate("2026-03-15")); got != 10 {
		t.Errorf("while suspended the clock stands at 10 days, got %d", got)
	}
	if got := s.Status(MustDate("2026-06-01"), 5); got != StatusSuspended {
		t.Errorf("a suspended step is never overdue, got %q", got)
	}
	s.resume(MustDate("2026-03-21"))
	if s.Due.String() != "2026-05-10" {
		t.Errorf("suspension of 10 days shifts the due date by 10: got %s", s.Due)
	}
	s.Done = MustDate("2026-04-10")
	if got := s.Took(Date{}); got != 30 {
		t.Errorf("took %d days, want 30 (40 elapsed − 10 suspended)", got)
	}
}
