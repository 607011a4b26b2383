// Package phone validates and normalises the Chinese contact phone numbers wiis stores for
// persons and employers (security.md: phone numbers are personal data, encrypted at rest and
// masked in lists). It is plain Go: forms, the API and any import call Normalize or Check, so
// the rule exists once. A number is either a mobile (11 digits, 1[3-9]…) or a landline: an
// area code (010 and 02x have three digits, every other one four, starting 03–09), a local
// number of 7 or 8 digits not starting with 0 or 1, and an optional extension of 1–6 digits.
//
// The canonical forms are "13800001234", "0564-3312345" and "010-12345678-123", so a value
// normalises to itself, equal numbers compare equal (they are sealed deterministically) and
// privacy.MaskPhone shows a mobile as 138****1234 and a landline by its last four characters.
package phone

import (
	"fmt"
	"strings"

	"wiis/internal/apperr"
)

// Reason names the rule a number broke, so callers and tests can tell failures apart.
type Reason string

// The rules a number can break.
const (
	ReasonLength    Reason = "length"    // too long, or a mobile without 11 digits
	ReasonCharset   Reason = "charset"   // a character no phone number holds
	ReasonCountry   Reason = "country"   // an international prefix other than +86
	ReasonMobile    Reason = "mobile"    // 1 then a digit other than 3–9
	ReasonArea      Reason = "area"      // an area code that does not exist or is split wrongly
	ReasonLocal     Reason = "local"     // the local number is not 7–8 digits starting 2–9
	ReasonExtension Reason = "extension" // an extension that is not 1–6 digits, or on a mobile
)

// Error is a number that is not a phone number: the rule it broke and a bilingual reason.
type Error struct {
	Reason Reason
	Msg    string
}

// Error returns the bilingual reason ("中文 / English", as the domain's other validators do).
func (e *Error) Error() string { return e.Msg }

func fail(r Reason, format string, args ...any) error {
	return &Error{Reason: r, Msg: fmt.Sprintf(format, args...)}
}

// maxInput bounds what is looked at: no phone number, however written, is longer, and a
// hostile megabyte is refused before any work.
const maxInput = 40

// Check normalises s for the form or API field named field: the canonical number, "" for an
// empty input (no number), or an invalid apperr naming field and the reason.
func Check(field, s string) (string, error) {
	n, err := Normalize(s)
	if err != nil {
		return "", apperr.Invalidf(field, "%s", err.Error())
	}
	return n, nil
}

// Normalize returns the canonical form of a phone number written the ways people write them:
// spaces, '-', parentheses around the area code, full-width digits, a +86/0086 prefix (dropped;
// a landline written after it without its leading 0 gets it back), an extension after 转, ext,
// x or a last '-' group when the number is complete without it. An empty or blank s gives ""
// and no error: whether a number is required is the caller's rule. Errors are *Error.
func Normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > maxInput {
		return "", fail(ReasonLength, "电话号码过长 / the phone number is too long (at most %d characters)", maxInput)
	}
	main, ext, err := splitExtension(fold(s))
	if err != nil {
		return "", err
	}
	groups, intl, err := digitGroups(main)
	if err != nil {
		return "", err
	}
	if intl {
		if !strings.HasPrefix(strings.Join(groups, ""), "86") {
			return "", fail(ReasonCountry, "仅接受中国大陆号码（+86） / only numbers of mainland China (+86) are accepted")
		}
		groups = dropDigits(groups, 2)
		if d := strings.Join(groups, ""); d != "" && d[0] != '0' && !isMobile(d) {
			groups[0] = "0" + groups[0] // +86 10 12345678: the trunk 0 is dropped after the country code
		}
	} else if d := strings.Join(groups, ""); len(d) == 13 && strings.HasPrefix(d, "861") {
		groups = dropDigits(groups, 2) // 86 before a mobile
	}
	digits := strings.Join(groups, "")
	switch {
	case digits == "":
		return "", fail(ReasonCharset, "电话号码应由数字组成 / a phone number is made of digits")
	case digits[0] == '1':
		if ext != "" {
			return "", fail(ReasonExtension, "手机号码没有分机号 / a mobile number has no extension")
		}
		return mobile(digits)
	case digits[0] == '0':
		switch {
		case ext != "":
		case len(groups) == 3 && len(groups[2]) <= 6:
			// area-local-extension, the canonical form: a third group after a complete
			// number is its extension (0564-3312345-8), else a split local number (0571-888-8888).
			if _, err := landline(groups[0]+groups[1], groups[:2]); err == nil {
				digits, groups, ext = groups[0]+groups[1], groups[:2], groups[2]
			}
		case len(groups) == 2 && len(groups[1]) <= 6:
			// 01062345678-123: a last group is the extension when the number is complete
			// without it and not with it.
			if _, err := landline(digits, groups); err != nil {
				if _, err := landline(groups[0], groups[:1]); err == nil {
					digits, groups, ext = groups[0], groups[:1], groups[1]
				}
			}
		}
		n, err := landline(digits, groups)
		if err != nil {
			return "", err
		}
		if ext != "" {
			n += "-" + ext
		}
		return n, nil
	}
	return "", fail(ReasonLocal, "固定电话须带区号（如0564-3312345），手机号以1开头 / a landline needs its area code (0564-3312345); a mobile starts with 1")
}

// dropDigits removes the first n digits of groups, dropping groups left empty; at least one
// (possibly empty) group remains.
func dropDigits(groups []string, n int) []string {
	for n > 0 && len(groups) > 0 {
		k := min(n, len(groups[0]))
		groups[0], n = groups[0][k:], n-k
		if groups[0] == "" {
			groups = groups[1:]
		}
	}
	if len(groups) == 0 {
		return []string{""}
	}
	return groups
}

// fold turns the full-width digits and signs a Chinese input method types into ASCII.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '－' || r == '—' || r == '–':
			return '-'
		case r == '＋':
			return '+'
		case r == '（':
			return '('
		case r == '）':
			return ')'
		case r == '\u3000' || r == '\t':
			return ' '
		}
		return r
	}, s)
}

// splitExtension cuts an extension written after 转, ext or x; it must be 1–6 digits.
func splitExtension(s string) (main, ext string, err error) {
	lower := strings.Map(func(r rune) rune { // ASCII only, so byte offsets stay those of s
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
	for _, m := range []string{"转", "ext.", "ext", "x"} {
		i := strings.Index(lower, m)
		if i < 0 {
			continue
		}
		main, ext = s[:i], strings.TrimSpace(s[i+len(m):])
		if ext == "" || len(ext) > 6 || strings.Trim(ext, "0123456789") != "" {
			return "", "", fail(ReasonExtension, "分机号应为1至6位数字 / the extension must be 1 to 6 digits")
		}
		return main, ext, nil
	}
	return s, "", nil
}

// digitGroups splits s at its separators (space, '-', parentheses) into runs of digits, and
// reports a leading '+' or 00 (an international prefix, removed here). Any other character
// is refused.
func digitGroups(s string) (groups []string, intl bool, err error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "+") {
		intl, s = true, s[1:]
	}
	var cur strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			cur.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')':
			if cur.Len() > 0 {
				groups = append(groups, cur.String())
				cur.Reset()
			}
		case r == '+':
			return nil, false, fail(ReasonCharset, "“+”只能写在国家代码前 / '+' may only start the number, before the country code")
		default:
			return nil, false, fail(ReasonCharset, "电话号码含有无效字符 %q / the phone number holds an invalid character %q", r, r)
		}
	}
	if cur.Len() > 0 {
		groups = append(groups, cur.String())
	}
	if len(groups) == 0 {
		return []string{""}, intl, nil
	}
	if !intl && strings.HasPrefix(groups[0], "00") {
		intl, groups[0] = true, groups[0][2:]
	}
	return groups, intl, nil
}

func isMobile(d string) bool { return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' }

// mobile checks an 11-digit mobile number (1[3-9] and nine digits).
func mobile(d string) (string, error) {
	if len(d) != 11 {
		return "", fail(ReasonLength, "手机号码应为11位数字 / a mobile number has 11 digits, not %d", len(d))
	}
	if !isMobile(d) {
		return "", fail(ReasonMobile, "手机号码应以13至19开头 / a mobile number starts with 13 to 19")
	}
	return d, nil
}

// areaLength is the length of the area code that starts d: 010 and 02x have three digits,
// 03xx–09xx four; anything else is no area code (0 when there is none).
func areaLength(d string) int {
	switch {
	case len(d) < 3:
		return 0
	case d[:3] == "010" || d[1] == '2':
		return 3
	case d[1] >= '3' && d[1] <= '9' && len(d) >= 4:
		return 4
	}
	return 0
}

// landline checks area code and local number; when the user separated the area code, the
// split must fall where the area code ends.
func landline(d string, groups []string) (string, error) {
	a := areaLength(d)
	if a == 0 {
		return "", fail(ReasonArea, "区号无效（010、02X为3位，其余为4位） / not an area code (010 and 02x have 3 digits, the others 4)")
	}
	if len(groups) > 1 && len(groups[0]) != a {
		return "", fail(ReasonArea, "区号应为%s / the area code is %s", d[:a], d[:a])
	}
	local := d[a:]
	if len(local) < 7 || len(local) > 8 || local[0] == '0' || local[0] == '1' {
		return "", fail(ReasonLocal, "区号后的电话号码应为7至8位、不以0或1开头 / the number after the area code has 7 or 8 digits, not starting with 0 or 1")
	}
	return d[:a] + "-" + local, nil
}
