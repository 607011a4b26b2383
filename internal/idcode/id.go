package idcode

import (
	"errors"
	"fmt"
	"time"
)

// Sex is encoded by the parity of an ID number's 17th digit.
type Sex byte

// The two values of Sex.
const (
	Female Sex = 'F' // even 17th digit
	Male   Sex = 'M' // odd 17th digit
)

// String returns "male" or "female".
func (s Sex) String() string {
	if s == Male {
		return "male"
	}
	return "female"
}

// idWeights are 2^(18-i) mod 11 for positions 1..17 (ISO 7064 MOD 11-2).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar computes the GB 11643-1999 check character of the first 17 digits of an ID
// number. It returns 0 when s does not start with 17 ASCII digits.
func IDCheckChar(s string) byte {
	if len(s) < 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// now is the clock for the "birth date not in the future" rule; tests replace it.
var now = time.Now

// ValidateID checks a resident ID number: 18 characters, 17 digits then a digit or an
// uppercase X, a GB/T 2260-shaped address code, a birth date that exists and is not in the
// future, and the ISO 7064 MOD 11-2 check character. Fifteen-digit first-generation numbers
// are rejected: they expired in 2013 and carry no check character.
func ValidateID(s string) error {
	if len(s) != 18 {
		return fail(RuleLength, "长度应为18位 must be 18 characters, got %d", len(s))
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return fail(RuleCharset, "第%d位应为数字 character %d must be a digit", i+1, i+1)
		}
	}
	if c := s[17]; !(c >= '0' && c <= '9' || c == 'X') {
		if c == 'x' {
			return fail(RuleCharset, "校验码须为大写X check character must be an uppercase X")
		}
		return fail(RuleCharset, "第18位应为数字或X character 18 must be a digit or X")
	}
	if err := ValidateRegion(s[:6]); err != nil {
		return fail(RuleRegion, "地址码无效 address code %s: %v", s[:6], err)
	}
	if _, err := birthDate(s); err != nil {
		return err
	}
	if want := IDCheckChar(s); want != s[17] {
		return fail(RuleCheck, "校验码错误 check character should be %c", want)
	}
	return nil
}

func birthDate(s string) (time.Time, error) {
	y := atoi(s[6:10])
	m := atoi(s[10:12])
	d := atoi(s[12:14])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1800 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fail(RuleBirthDate, "出生日期不存在 birth date %s does not exist", s[6:14])
	}
	n := now()
	if t.After(time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, fail(RuleBirthDate, "出生日期在未来 birth date %s is in the future", s[6:14])
	}
	return t, nil
}

// atoi reads a short run of ASCII digits the caller has already checked.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// BirthDate returns the birth date (UTC midnight) of a valid ID number.
func BirthDate(s string) (time.Time, error) {
	if err := ValidateID(s); err != nil {
		return time.Time{}, err
	}
	return birthDate(s)
}

// SexOf returns the sex encoded in a valid ID number (odd 17th digit male, even female).
func SexOf(s string) (Sex, error) {
	if err := ValidateID(s); err != nil {
		return 0, err
	}
	if (s[16]-'0')%2 == 1 {
		return Male, nil
	}
	return Female, nil
}

// GenerateID builds a valid ID number for demo and test data: region is a six-digit GB/T
// 2260 code, seq a sequence number 0–499 whose parity is then set by sex (odd male), and the
// check character is computed. It panics on a malformed region or an out-of-range seq, since
// generators are called with constants.
func GenerateID(birth time.Time, region string, seq int, sex Sex) string {
	if err := ValidateRegion(region); err != nil {
		panic("idcode.GenerateID: " + err.Error())
	}
	if seq < 0 || seq > 499 {
		panic(fmt.Sprintf("idcode.GenerateID: seq %d out of 0..499", seq))
	}
	n := seq * 2 // even: female
	if sex == Male {
		n++
	}
	s := fmt.Sprintf("%s%04d%02d%02d%03d", region, birth.Year(), int(birth.Month()), birth.Day(), n)
	return s + string(IDCheckChar(s))
}

// HasIDShape reports whether s has the shape of an 18-character ID number (17 digits and a
// digit or X), whatever its check character: a search term without it is not looked up
// among the ID numbers. The shape is ValidateID's: s passes its length and character rules.
func HasIDShape(s string) bool {
	var e *Error
	return !errors.As(ValidateID(s), &e) || e.Rule != RuleLength && e.Rule != RuleCharset
}

// IDAt reports whether a resident ID number stands at s[i]: 18 characters with no letter or
// digit either side that pass every GB 11643 check, check character included. A mistyped
// number is not one. Sealing and masking find ID numbers inside any text with it. The digit
// scan comes first because almost all text fails it at once.
func IDAt(s string, i int) bool {
	if i < 0 || i+18 > len(s) || i > 0 && isAlnum(s[i-1]) {
		return false
	}
	for k := i; k < i+17; k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	if c := s[i+17]; !(c >= '0' && c <= '9' || c == 'X') {
		return false
	}
	if i+18 < len(s) && isAlnum(s[i+18]) {
		return false
	}
	cand := s[i : i+18]
	return IDCheckChar(cand) == cand[17] && ValidateID(cand) == nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
