package idcode

import "strings"

// Mask hides the middle of an ID number, bank account or phone number for lists
// (security.md: 3415**********123X): the first four and the last four characters stay, the
// rest become stars; values of eight characters or fewer keep only their last two.
func Mask(s string) string {
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 8:
		keep := min(2, len(r)-1)
		return strings.Repeat("*", len(r)-keep) + string(r[len(r)-keep:])
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}
