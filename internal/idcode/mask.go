package idcode

import "strings"

// MaskID masks a resident ID number for lists (security.md: "masked in lists
// (3415**********123X)"): the first four and the last four characters stay, the rest become
// asterisks. Shorter strings are masked whole but for their last character.
func MaskID(s string) string {
	n := len(s)
	switch {
	case n == 0:
		return ""
	case n <= 8:
		return strings.Repeat("*", n-1) + s[n-1:]
	}
	return s[:4] + strings.Repeat("*", n-8) + s[n-4:]
}
