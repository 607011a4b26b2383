package casework

import "wiis/internal/calendar"

// Date and Calendar live in package calendar, shared with the counter's promised dates; the
// aliases keep casework's vocabulary.
type (
	// Date is a calendar day; see calendar.Date.
	Date = calendar.Date
	// Calendar says which days are working days; see calendar.Calendar.
	Calendar = calendar.Calendar
)

// DateLayout is the stored and displayed form of a Date.
const DateLayout = calendar.DateLayout

// Day, ParseDate, MustDate and DateOf are calendar's constructors under casework's names.
var (
	Day       = calendar.Day
	ParseDate = calendar.ParseDate
	MustDate  = calendar.MustDate
	DateOf    = calendar.DateOf
)
