package benefit

import (
	"math"
	"math/big"

	"wiis/internal/money"
)

// MarshalJSON writes months as a JSON number ("19.5", "22").
func (m Months) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a number (or a numeric string) with at most two decimals.
func (m *Months) UnmarshalJSON(b []byte) error {
	var a money.Amount // the same syntax as money: digits, at most two decimals, no exponent
	if err := a.UnmarshalJSON(b); err != nil {
		return err
	}
	*m = Months(a)
	return nil
}

// String formats months without trailing zeros: 22, 19.5, 0.25.
func (m Months) String() string {
	s := money.Amount(m).String()
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// scale returns a × num / den (den > 0, num ≥ 0) rounded half-up (四舍五入), or down when down
// is set. It gives exactly money.RoundHalfUp / money.RoundDown of the exact product, in int64
// when that cannot overflow (every real case) and through big.Rat otherwise; the benchmark
// showed big.Rat allocation was most of a calculation's time.
func scale(a money.Amount, num, den int64, down bool) money.Amount {
	v := int64(a)
	if num != 0 && (v > math.MaxInt64/num || v < -math.MaxInt64/num) {
		exact := new(big.Rat).Mul(a.Rat(), big.NewRat(num, den))
		if down {
			return money.RoundDown(exact)
		}
		return money.RoundHalfUp(exact)
	}
	p := v * num
	q, r := p/den, p%den
	if r < 0 {
		r = -r
	}
	if !down && 2*r >= den {
		if p < 0 {
			q--
		} else {
			q++
		}
	}
	return money.Amount(q)
}

// percent is a × p%, rounded half-up: the one rounding of a percentage item.
func percent(a money.Amount, p int64) money.Amount { return scale(a, p, 100, false) }
