package fund

import (
	"errors"
	"math/big"
	"testing"

	"wiis/internal/money"
)

func TestPostingsMustBalanceAndTheTrialBalanceAlwaysDoes(t *testing.T) {
	ps := []Posting{
		Income("341500", "2024-01-31", "contributions", money.Yuan(1000), "1月征缴"),
		Expense("341500", "2024-02-10", "long_term", money.Yuan(300), "2月定期待遇"),
		Expense("341200", "2024-02-10", "lump_sum", money.Yuan(50), ""),
	}
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	rev := Reverse(ps[1], "2024-02-11", "冲正")
	if err := rev.Validate(); err != nil {
		t.Fatal(err)
	}
	tb := TrialBalance(append(ps, rev))
	d, c := Totals(tb)
	if d != c {
		t.Fatalf("trial balance: debit %s credit %s", d, c)
	}
	for _, b := range tb {
		if b.Unit == "341500" && b.Account == Bank && b.Net() != money.Yuan(1000) {
			t.Fatalf("bank after reversal = %s, want 1000.00", b.Net())
		}
	}
	bad := Posting{Unit: "341500", Date: "2024-01-01", Lines: []Line{{Account: Bank, Debit: 100}, {Account: "income:interest", Credit: 99}}}
	if err := bad.Validate(); !errors.Is(err, ErrUnbalanced) {
		t.Fatalf("unbalanced posting: %v", err)
	}
	if err := (Posting{Lines: []Line{{Account: "bank", Debit: 1}, {Account: "nowhere", Credit: 1}}}).Validate(); err == nil {
		t.Fatal("unknown account accepted")
	}
}

// A worked example of the adjustment fund: three cities, a 10% share.
func TestAdjustmentFundRemitsAShareAndCoversDeficitsProportionally(t *testing.T) {
	units := []UnitFigures{
		{Unit: "A", Income: money.Yuan(1000000), Expenditure: money.Yuan(800000)},
		{Unit: "B", Income: money.Yuan(500000), Expenditure: money.Yuan(600000)}, // deficit 100,000
		{Unit: "C", Income: money.Yuan(300000), Expenditure: money.Yuan(400000)}, // deficit 100,000
	}
	r, err := Pool(Adjustment, big.NewRat(1, 10), units)
	if err != nil {
		t.Fatal(err)
	}
	// Pool = 100,000 + 50,000 + 30,000 = 180,000 < deficits 200,000: 90,000 each.
	if r.Pool != money.Yuan(180000) || r.Transfers[1].Allocate != money.Yuan(90000) || r.Transfers[2].Allocate != money.Yuan(90000) || r.Retained != 0 {
		t.Fatalf("%+v", r)
	}
	r, _ = Pool(Adjustment, big.NewRat(1, 5), units) // pool 360,000 covers both deficits
	if r.Allocated != money.Yuan(200000) || r.Retained != money.Yuan(160000) {
		t.Fatalf("%+v", r)
	}
	u, _ := Pool(Unified, nil, units)
	if u.Transfers[0].Remit != money.Yuan(200000) || u.Transfers[1].Allocate != money.Yuan(100000) {
		t.Fatalf("unified %+v", u)
	}
	// Rounding down keeps allocations within the pool.
	odd, _ := Pool(Adjustment, big.NewRat(1, 3), []UnitFigures{{Unit: "A", Income: 100}, {Unit: "B", Expenditure: 100}, {Unit: "C", Expenditure: 200}})
	if odd.Allocated > odd.Pool {
		t.Fatalf("allocated %s above pool %s", odd.Allocated, odd.Pool)
	}
}

func TestSupportCapacityRecommendsThePhasedCut(t *testing.T) {
	month := []money.Amount{}
	for i := 0; i < 12; i++ {
		month = append(month, money.Yuan(1000))
	}
	for bal, cut := range map[int64]int{17999: 0, 18000: 20, 23999: 20, 24000: 50} {
		if c := SupportCapacity(money.Yuan(bal), month); c.CutPercent != cut {
			t.Errorf("balance %d: cut %d, want %d (%s months)", bal, c.CutPercent, cut, c.Months)
		}
	}
}

func TestPreventionFeeCapAndTargets(t *testing.T) {
	// Changzhou-style targets: cap 3%, at least 1.6%, 70% on training.
	p := PreventionPosition(money.Yuan(10000000), money.Yuan(150000), money.Yuan(100000), big.NewRat(3, 1), big.NewRat(16, 10), big.NewRat(70, 1))
	if p.Cap != money.Yuan(300000) || p.MinTarget != money.Yuan(160000) || len(p.Warnings) != 2 {
		t.Fatalf("%+v", p)
	}
	p = PreventionPosition(money.Yuan(10000000), money.Yuan(310000), money.Yuan(300000), big.NewRat(3, 1), nil, nil)
	if len(p.Warnings) != 1 {
		t.Fatalf("over the cap: %+v", p)
	}
}
