package benefit

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"wiis/internal/money"
)

// scale is the int64 fast path of money.RoundHalfUp / RoundDown: it must agree with them
// everywhere, including the half-fen boundary, negative amounts and the big.Rat fallback.
func TestScaleAgreesWithMoneyRounding(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(a money.Amount, num, den int64) {
		exact := new(big.Rat).Mul(a.Rat(), big.NewRat(num, den))
		if got, want := scale(a, num, den, false), money.RoundHalfUp(exact); got != want {
			t.Fatalf("scale(%d, %d, %d) half-up = %d, want %d", a, num, den, got, want)
		}
		if got, want := scale(a, num, den, true), money.RoundDown(exact); got != want {
			t.Fatalf("scale(%d, %d, %d) down = %d, want %d", a, num, den, got, want)
		}
	}
	check(5, 50, 100)                            // 0.025 → 0.03 half-up, 0.02 down
	check(-5, 50, 100)                           // away from zero
	check(money.Amount(math.MaxInt64/3), 7, 100) // overflows int64: the big.Rat path
	for i := 0; i < 100000; i++ {
		a := money.Amount(r.Int64N(1e12) - 5e11)
		check(a, r.Int64N(10000), 1+r.Int64N(10000))
	}
}
