package casework

// Step is one stage of a case with its time limit: when it started, the last day on which
// finishing it is on time (Due; zero when the stage waits on a party, not on the agency), when
// it was done, and how long the clock was stopped. Steps are first-class data so the office
// views and the statistics of how long each stage took read them instead of re-deriving the
// law.
type Step struct {
	Name          string `json:"name"`
	Started       Date   `json:"started"`
	Due           Date   `json:"due"`
	Done          Date   `json:"done"`
	SuspendedOn   Date   `json:"suspended_on"`   // set while the clock is stopped
	SuspendedDays int    `json:"suspended_days"` // total of finished suspensions
}

// Open reports whether the step is not finished.
func (s Step) Open() bool { return s.Done.IsZero() }

// Took returns the days the step took on the agency's clock: from its start to its end (or to
// on, if still open), less the days it was suspended.
func (s Step) Took(on Date) int {
	end := s.Done
	if end.IsZero() {
		end = on
	}
	d := end.DaysSince(s.Started) - s.SuspendedDays
	if !s.SuspendedOn.IsZero() {
		d -= end.DaysSince(s.SuspendedOn)
	}
	return d
}

// Late reports whether a finished step was finished after its due date.
func (s Step) Late() bool { return !s.Done.IsZero() && !s.Due.IsZero() && s.Done.After(s.Due) }

// suspend stops the clock on day on.
func (s *Step) suspend(on Date) { s.SuspendedOn = on }

// resume restarts the clock: the due date moves by the days suspended. Reading of 条例 Art. 20
// ¶3 ("时限中止"): the days between the suspension and the resumption do not count, so the
// remaining time is what it was on the day of the suspension; suspended on the 1st and resumed
// on the 11th shifts the due date by 10 days.
func (s *Step) resume(on Date) {
	n := on.DaysSince(s.SuspendedOn)
	s.SuspendedDays += n
	if !s.Due.IsZero() {
		s.Due = s.Due.AddDays(n)
	}
	s.SuspendedOn = Date{}
}

// Status classifies a step's deadline on a given day for the office views.
type Status string

// The statuses. A step is due soon when its due date is at most DueSoonDays away (the due day
// itself included) and overdue from the day after its due date.
const (
	StatusNone      Status = ""          // no deadline: waiting on a party, or finished
	StatusDue       Status = "due"       // open, with time left
	StatusDueSoon   Status = "due_soon"  // open, due within the window
	StatusOverdue   Status = "overdue"   // open, past its due date
	StatusSuspended Status = "suspended" // clock stopped
)

// Classify returns the status of a due date on day on with a due-soon window of soon days.
// It is the one rule behind every view; the SQL of the office views uses the thresholds of
// Thresholds so that both agree.
func Classify(due, on Date, soon int) Status {
	if due.IsZero() {
		return StatusNone
	}
	switch {
	case on.After(due):
		return StatusOverdue
	case due.DaysSince(on) <= soon:
		return StatusDueSoon
	default:
		return StatusDue
	}
}

// Thresholds returns, for day on, the due dates bounding the statuses: a due date before
// overdueBefore is overdue; one on or before soonUntil (and not overdue) is due soon.
func Thresholds(on Date, soon int) (overdueBefore, soonUntil Date) {
	return on, on.AddDays(soon)
}

// Status returns the step's status on day on.
func (s Step) Status(on Date, soon int) Status {
	switch {
	case !s.Open():
		return StatusNone
	case !s.SuspendedOn.IsZero():
		return StatusSuspended
	}
	return Classify(s.Due, on, soon)
}

// Event is one entry of a case's history: what was done, by whom, on which day, and the state
// it moved the case from and to. The service stores it with the instant it was written.
type Event struct {
	Action string `json:"action"`
	By     string `json:"by"`
	On     Date   `json:"on"`
	From   string `json:"from"`
	To     string `json:"to"`
	Note   string `json:"note,omitempty"`
}

// Act is what every action carries: the business day it happened (a notice may be recorded
// the day after it was sent), which may not precede the case's last event. Who did it is not
// part of the action: Apply takes the actor from the caller (the signed-in user), so a form
// cannot claim to be someone else — which the four-eyes rule of write-offs relies on.
type Act struct {
	On Date `json:"on"`
}

func (a Act) check(last Date) error {
	if a.On.IsZero() {
		return invalid("on", "the date is required")
	}
	if a.On.Before(last) {
		return invalid("on", "the date %s is before the case's last step on %s", a.On, last)
	}
	return nil
}

// lastOn returns the date of the last event, the earliest date a new action may carry.
func lastOn(events []Event) Date {
	if len(events) == 0 {
		return Date{}
	}
	return events[len(events)-1].On
}

// currentStep returns a pointer to the open step, or nil.
func currentStep(steps []Step) *Step {
	if n := len(steps); n > 0 && steps[n-1].Open() {
		return &steps[n-1]
	}
	return nil
}

// finishStep closes the open step on day on, if there is one.
func finishStep(steps []Step, on Date) {
	if s := currentStep(steps); s != nil {
		s.Done = on
	}
}
