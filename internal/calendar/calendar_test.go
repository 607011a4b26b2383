package calendar

import "testing"

// FuzzParseDate: date fields of web forms and interchange files never panic, and a date that
// parses prints back as the same text.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-01", "2024-02-29", "2025-02-29", "", "0000-01-01", "9999-12-31", "2025-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil || s == "" {
			return
		}
		if d.String() != s {
			t.Fatalf("%q parsed as %v, prints %q", s, d, d.String())
		}
	})
}
