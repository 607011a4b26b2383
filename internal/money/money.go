// Package money holds exact amounts of yuan as integer fen and the rounding rules of the
// specification (benefits.md: round each item half-up to 0.01 yuan once; the survivor cap rounds
// down). Floating point never touches an amount: parsing, ratios and formatting are integer or
// big.Rat arithmetic.
package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Amount is a sum of money in fen (0.01 yuan).
type Amount int64

// Yuan returns an amount of whole yuan.
func Yuan(y int64) Amount { return Amount(y * 100) }

// ErrSyntax reports a money string that is not yuan with at most two decimals.
var ErrSyntax = errors.New("must be an amount in yuan with at most two decimals, e.g. 6000.00")

// ErrRange reports a money value too large to hold.
var ErrRange = errors.New("amount out of range")

// maxYuanDigits bounds the integer part so that products of amounts and percentages stay far
// inside int64 (10^13 yuan is more than any fund holds).
const maxYuanDigits = 13

// Parse reads "6000", "6000.5", "6000.50", "-12.30" (a leading + is allowed). Thousands
// separators, exponents and more than two decimals are rejected: an import must not guess.
func Parse(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrSyntax
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || len(intPart) > maxYuanDigits || len(frac) > 2 || (hasDot && frac == "") {
		if len(intPart) > maxYuanDigits {
			return 0, ErrRange
		}
		return 0, ErrSyntax
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return 0, ErrSyntax
	}
	y, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return 0, ErrSyntax
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	v := y*100 + f
	if neg {
		v = -v
	}
	return Amount(v), nil
}

// MustParse is Parse for constants in code and tests; it panics on a malformed literal.
func MustParse(s string) Amount {
	a, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("money.MustParse(%q): %v", s, err))
	}
	return a
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats with exactly two decimals and no separators: "6000.00", "-0.05".
func (a Amount) String() string {
	v := int64(a)
	sign := ""
	if v < 0 {
		sign = "-"
		if v == math.MinInt64 {
			return "-92233720368547758.08"
		}
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Grouped formats with thousands separators for people: "1,036,420.00".
func (a Amount) Grouped() string {
	s := a.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + "." + frac
}

// Fen returns the amount as an integer number of fen.
func (a Amount) Fen() int64 { return int64(a) }

// MarshalJSON writes the amount as a string with two decimals, as the contracts require.
func (a Amount) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// UnmarshalJSON accepts a JSON string ("6000.00") or a JSON number (6000.5). A number is read
// from its literal text, never through float64, so 0.1 stays exactly 0.10.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return ErrSyntax
		}
		s = str
	} else if s == "null" {
		return ErrSyntax
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Rat returns the amount in yuan as an exact rational.
func (a Amount) Rat() *big.Rat { return new(big.Rat).SetFrac64(int64(a), 100) }

// RoundHalfUp converts an exact number of yuan to fen, rounding half away from zero
// (四舍五入), the rounding the Regulations' figures use.
func RoundHalfUp(yuan *big.Rat) Amount { return roundFen(yuan, true) }

// RoundDown converts an exact number of yuan to fen, truncating toward zero; the survivor cap
// uses it so that a scaled total never exceeds the cap.
func RoundDown(yuan *big.Rat) Amount { return roundFen(yuan, false) }

func roundFen(yuan *big.Rat, halfUp bool) Amount {
	fen := new(big.Rat).Mul(yuan, big.NewRat(100, 1))
	num := new(big.Int).Set(fen.Num())
	den := fen.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if halfUp && new(big.Int).Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	if !q.IsInt64() {
		panic("money: amount out of int64 range")
	}
	return Amount(q.Int64())
}

// MulRat multiplies by an exact factor and rounds half-up to the fen.
func (a Amount) MulRat(f *big.Rat) Amount { return RoundHalfUp(new(big.Rat).Mul(a.Rat(), f)) }

// Percent multiplies by p/100 (p may be fractional, as a rational) and rounds half-up.
func (a Amount) Percent(p int64) Amount { return a.MulRat(big.NewRat(p, 100)) }

// Times multiplies by a whole number; no rounding is involved.
func (a Amount) Times(n int64) Amount { return a * Amount(n) }

// Sum adds amounts.
func Sum(as ...Amount) Amount {
	var t Amount
	for _, a := range as {
		t += a
	}
	return t
}

// Average divides the total of amounts by their count and rounds half-up; zero for none.
func Average(as []Amount) Amount {
	if len(as) == 0 {
		return 0
	}
	return RoundHalfUp(new(big.Rat).SetFrac(big.NewInt(int64(Sum(as...))), big.NewInt(int64(len(as))*100)))
}

// ParseRate reads a decimal fraction such as "0.0015" or a percentage such as "0.15%" into an
// exact rational. It is used for contribution rates, which carry more than two decimals.
func ParseRate(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	if s == "" || strings.ContainsAny(s, "eE/") {
		return nil, errors.New("must be a decimal rate such as 0.0015 or 0.15%")
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, errors.New("must be a decimal rate such as 0.0015 or 0.15%")
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, nil
}
