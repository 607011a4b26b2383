// Package supervise holds the rules of the administrative work around the cases (issue 13):
// inspection referrals to the labour inspectorate and their states, yearly targets by district
// and the evaluation that ranks districts, the yearly assessment of agreement institutions,
// case conferences on major or difficult cases, and the electronic archive's retention and
// integrity rules. It is plain Go: values in, values out. Storage and services are in
// internal/supervise/supstore; pages in internal/ui/supui.
//
// Errors are *apperr.Error values naming the field and a message key of the supui catalogue,
// so the web layer turns them into Chinese or English.
package supervise

import (
	"time"

	"wiis/internal/apperr"
)

// DateLayout is the stored form of a business date.
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date for field; an empty or malformed value is invalid.
func ParseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, apperr.Invalidf(field, "sup.err.date")
	}
	return t, nil
}

// AddDays returns the date n calendar days after d (both YYYY-MM-DD); d must be valid.
func AddDays(d string, n int) string {
	t, _ := time.Parse(DateLayout, d)
	return t.AddDate(0, 0, n).Format(DateLayout)
}
