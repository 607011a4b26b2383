// Package fund is the work-injury insurance fund's book-keeping and the decision figures
// built on it (spec/fund-and-service.md, law-reference.md §9–10), in plain Go: double-entry
// postings that must balance, reversing corrections, the trial balance, provincial pooling
// (统收统支 and 调剂金: what each city remits and receives), support capacity in months with
// the phased rate-cut recommendation, and the prevention-fee cap and targets.
package fund

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"wiis/internal/money"
)

// Account names. The fund's money is "bank"; income and expenditure accounts carry the
// categories of the spec; pooling transfers between a city and its province use the
// remittance accounts.
const (
	Bank = "bank"
)

// Income and expenditure categories (fund-and-service.md, Ledger).
var (
	IncomeCategories = []Category{
		{"contributions", "征缴收入"}, {"interest", "利息收入"}, {"fiscal_subsidy", "财政补贴"},
		{"transfer_in", "转移收入"}, {"allocation_in", "上级调剂收入"}, {"remittance_in", "下级上解调剂金"}, {"recovery", "追偿收入"}, {"overpayment_recovered", "多发待遇追回"},
	}
	ExpenseCategories = []Category{
		{"medical", "医疗费"}, {"rehabilitation", "康复费"}, {"devices", "辅助器具费"}, {"lump_sum", "一次性待遇"},
		{"long_term", "定期待遇"}, {"prevention", "工伤预防费"}, {"prevention_training", "工伤预防费（培训）"}, {"advance", "先行支付"}, {"transfer_out", "转移支出"},
		{"remittance_out", "上解调剂金"}, {"allocation_out", "下拨调剂金"},
	}
	// PoolingAccounts move money between a city and its province; they are not the fund's
	// own income or spending, so fund figures (income, expenditure, support capacity) leave
	// them out while the bank balance keeps them.
	PoolingAccounts = []string{"income:allocation_in", "income:remittance_in", "expense:remittance_out", "expense:allocation_out"}
)

// Category is one income or expenditure category with its Chinese name.
type Category struct{ Code, Name string }

// Kind tells whether an account is income, expenditure or the bank.
func Kind(account string) string {
	switch {
	case account == Bank:
		return "asset"
	case strings.HasPrefix(account, "income:"):
		return "income"
	case strings.HasPrefix(account, "expense:"):
		return "expense"
	}
	return "other"
}

// ValidAccount reports whether account is the bank or a known category account.
func ValidAccount(account string) bool {
	if account == Bank {
		return true
	}
	for _, c := range IncomeCategories {
		if account == "income:"+c.Code {
			return true
		}
	}
	for _, c := range ExpenseCategories {
		if account == "expense:"+c.Code {
			return true
		}
	}
	return false
}

// Line is one side of a posting: an amount debited or credited to an account.
type Line struct {
	Account string       `json:"account"`
	Debit   money.Amount `json:"debit"`
	Credit  money.Amount `json:"credit"`
}

// Posting is a balanced set of lines for one pooling unit on one date.
type Posting struct {
	Unit  string `json:"unit"` // region code of the accounting unit
	Date  string `json:"date"` // YYYY-MM-DD
	Memo  string `json:"memo"`
	Lines []Line `json:"lines"`
}

// ErrUnbalanced reports a posting whose debits and credits differ.
var ErrUnbalanced = errors.New("fund: debits and credits differ")

// Validate checks that a posting balances, names known accounts, and has no negative or
// two-sided lines.
func (p Posting) Validate() error {
	if len(p.Lines) < 2 {
		return fmt.Errorf("fund: a posting needs at least two lines")
	}
	var d, c money.Amount
	for i, l := range p.Lines {
		if !ValidAccount(l.Account) {
			return fmt.Errorf("fund: lines[%d].account: unknown account %q", i, l.Account)
		}
		if l.Debit < 0 || l.Credit < 0 || (l.Debit > 0) == (l.Credit > 0) {
			return fmt.Errorf("fund: lines[%d]: exactly one of debit and credit must be positive", i)
		}
		d += l.Debit
		c += l.Credit
	}
	if d != c {
		return fmt.Errorf("%w: debit %s, credit %s", ErrUnbalanced, d, c)
	}
	return nil
}

// Income builds the posting of money received: bank debited, the income category credited.
func Income(unit, date, category string, amount money.Amount, memo string) Posting {
	return Posting{Unit: unit, Date: date, Memo: memo, Lines: []Line{
		{Account: Bank, Debit: amount}, {Account: "income:" + category, Credit: amount}}}
}

// Expense builds the posting of money paid out: the expense category debited, bank credited.
func Expense(unit, date, category string, amount money.Amount, memo string) Posting {
	return Posting{Unit: unit, Date: date, Memo: memo, Lines: []Line{
		{Account: "expense:" + category, Debit: amount}, {Account: Bank, Credit: amount}}}
}

// Reverse returns the posting that cancels p: the same lines with debit and credit swapped.
// Nothing is edited in place; a correction is a reversal and a new posting.
func Reverse(p Posting, date, memo string) Posting {
	r := Posting{Unit: p.Unit, Date: date, Memo: memo}
	for _, l := range p.Lines {
		r.Lines = append(r.Lines, Line{Account: l.Account, Debit: l.Credit, Credit: l.Debit})
	}
	return r
}

// Balance is one account's totals in a trial balance.
type Balance struct {
	Unit    string       `json:"unit"`
	Account string       `json:"account"`
	Debit   money.Amount `json:"debit"`
	Credit  money.Amount `json:"credit"`
}

// Net is debit − credit.
func (b Balance) Net() money.Amount { return b.Debit - b.Credit }

// TrialBalance sums lines by unit and account. Its debit and credit totals are equal whenever
// every posting balanced; Totals reports both so a screen can show they agree.
func TrialBalance(postings []Posting) []Balance {
	m := map[[2]string]*Balance{}
	for _, p := range postings {
		for _, l := range p.Lines {
			k := [2]string{p.Unit, l.Account}
			b := m[k]
			if b == nil {
				b = &Balance{Unit: p.Unit, Account: l.Account}
				m[k] = b
			}
			b.Debit += l.Debit
			b.Credit += l.Credit
		}
	}
	out := make([]Balance, 0, len(m))
	for _, b := range m {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Unit != out[j].Unit {
			return out[i].Unit < out[j].Unit
		}
		return out[i].Account < out[j].Account
	})
	return out
}

// Totals returns the debit and credit totals of a trial balance.
func Totals(bs []Balance) (debit, credit money.Amount) {
	for _, b := range bs {
		debit += b.Debit
		credit += b.Credit
	}
	return
}

// UnitFigures is one accounting unit's year for pooling.
type UnitFigures struct {
	Unit        string       `json:"unit"`
	Income      money.Amount `json:"income"`      // contribution income of the year
	Expenditure money.Amount `json:"expenditure"` // benefit expenditure of the year
}

// PoolingMode is a province's choice (policy "pooling_mode").
type PoolingMode string

// The two modes of 人社部发〔2017〕60号.
const (
	Unified    PoolingMode = "unified"    // 统收统支
	Adjustment PoolingMode = "adjustment" // 调剂金
)

// Transfer is what one unit remits to or receives from the province.
type Transfer struct {
	Unit     string       `json:"unit"`
	Remit    money.Amount `json:"remit"`
	Allocate money.Amount `json:"allocate"`
	Deficit  money.Amount `json:"deficit"`
}

// PoolingResult is a year's pooling: each unit's transfers and the province's pool.
type PoolingResult struct {
	Mode      PoolingMode  `json:"mode"`
	Transfers []Transfer   `json:"transfers"`
	Pool      money.Amount `json:"pool"`      // total remitted
	Allocated money.Amount `json:"allocated"` // total allocated
	Retained  money.Amount `json:"retained"`  // kept at the province
}

// Pool computes remittances and allocations. Unified: each unit sends its surplus up and
// receives its deficit (one fund, cities as accounting units). Adjustment: each unit remits
// share × its contribution income; the pool covers the units' deficits (expenditure above
// income), in full when it can, otherwise in proportion to the deficits, rounded down to the
// fen so the allocations never exceed the pool; what is left stays at the province.
func Pool(mode PoolingMode, share *big.Rat, units []UnitFigures) (PoolingResult, error) {
	res := PoolingResult{Mode: mode}
	var totalDeficit money.Amount
	for _, u := range units {
		t := Transfer{Unit: u.Unit}
		if u.Expenditure > u.Income {
			t.Deficit = u.Expenditure - u.Income
			totalDeficit += t.Deficit
		}
		switch mode {
		case Unified:
			if u.Income > u.Expenditure {
				t.Remit = u.Income - u.Expenditure
			}
		case Adjustment:
			if share == nil || share.Sign() < 0 || share.Cmp(big.NewRat(1, 1)) > 0 {
				return res, fmt.Errorf("fund: remittance share must be between 0 and 1")
			}
			t.Remit = u.Income.MulRat(share)
		default:
			return res, fmt.Errorf("fund: unknown pooling mode %q", mode)
		}
		res.Pool += t.Remit
		res.Transfers = append(res.Transfers, t)
	}
	for i := range res.Transfers {
		t := &res.Transfers[i]
		if t.Deficit == 0 {
			continue
		}
		if mode == Unified || res.Pool >= totalDeficit {
			t.Allocate = t.Deficit
		} else {
			t.Allocate = money.RoundDown(new(big.Rat).Mul(res.Pool.Rat(), big.NewRat(int64(t.Deficit), int64(totalDeficit))))
		}
		res.Allocated += t.Allocate
	}
	res.Retained = res.Pool - res.Allocated
	return res, nil
}

// Capacity is the fund's support capacity and the rate-cut recommendation it implies.
type Capacity struct {
	Balance        money.Amount `json:"balance"`
	MonthlyAverage money.Amount `json:"monthly_average"`
	Months         string       `json:"months"` // one decimal
	CutPercent     int          `json:"cut_percent"`
	Recommendation string       `json:"recommendation"`
}

// SupportCapacity is balance ÷ average monthly expenditure of the last 12 months, and the
// phased cut of law-reference.md §4 (18–23 months → −20%, 24 or more → −50%).
func SupportCapacity(balance money.Amount, last12 []money.Amount) Capacity {
	c := Capacity{Balance: balance, MonthlyAverage: money.Average(last12)}
	if c.MonthlyAverage <= 0 {
		c.Months = "—"
		c.Recommendation = "近12个月无支出，无法计算支付能力 / no expenditure in the last 12 months"
		return c
	}
	months := new(big.Rat).SetFrac64(int64(balance), int64(c.MonthlyAverage))
	c.Months = months.FloatString(1)
	whole := new(big.Int).Quo(months.Num(), months.Denom()).Int64()
	switch {
	case whole >= 24:
		c.CutPercent = 50
		c.Recommendation = "累计结余可支付24个月以上，可阶段性降低费率50% / 24 months or more: a 50% cut"
	case whole >= 18:
		c.CutPercent = 20
		c.Recommendation = "累计结余可支付18–23个月，可阶段性降低费率20% / 18–23 months: a 20% cut"
	default:
		c.Recommendation = "支付能力不足18个月，不宜降费 / under 18 months: no cut"
	}
	return c
}

// Prevention is the prevention-fee position of a unit in a year.
type Prevention struct {
	LastYearIncome money.Amount `json:"last_year_income"`
	Cap            money.Amount `json:"cap"`
	Spent          money.Amount `json:"spent"`
	Training       money.Amount `json:"training"`
	MinTarget      money.Amount `json:"min_target"`
	Warnings       []string     `json:"warnings"`
}

// PreventionPosition checks spending against the cap (capPct of last year's contribution
// income; 3% nationally, raisable by policy) and the local targets (minPct of it spent, and
// trainingPct of the spending on training), returning warnings in Chinese.
func PreventionPosition(lastYearIncome, spent, training money.Amount, capPct, minPct, trainingPct *big.Rat) Prevention {
	pct := func(r *big.Rat) *big.Rat { return new(big.Rat).Quo(r, big.NewRat(100, 1)) }
	p := Prevention{LastYearIncome: lastYearIncome, Spent: spent, Training: training, Cap: lastYearIncome.MulRat(pct(capPct))}
	if spent > p.Cap {
		p.Warnings = append(p.Warnings, fmt.Sprintf("预防费支出 %s 超过上限 %s", spent.Grouped(), p.Cap.Grouped()))
	}
	if minPct != nil && minPct.Sign() > 0 {
		p.MinTarget = lastYearIncome.MulRat(pct(minPct))
		if spent < p.MinTarget {
			p.Warnings = append(p.Warnings, fmt.Sprintf("预防费支出 %s 未达到目标 %s", spent.Grouped(), p.MinTarget.Grouped()))
		}
	}
	if trainingPct != nil && trainingPct.Sign() > 0 && spent > 0 {
		if new(big.Rat).SetFrac64(int64(training), int64(spent)).Cmp(pct(trainingPct)) < 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("培训支出占比低于 %s%%", trainingPct.FloatString(0)))
		}
	}
	return p
}

// AccountName returns the Chinese name of an account ("银行存款" for the bank), or the code
// itself when unknown, so screens and reports never show a bare code.
func AccountName(account string) string {
	if account == Bank {
		return "银行存款"
	}
	for _, c := range IncomeCategories {
		if account == "income:"+c.Code {
			return c.Name
		}
	}
	for _, c := range ExpenseCategories {
		if account == "expense:"+c.Code {
			return c.Name
		}
	}
	return account
}

// IsPooling reports whether account is one of PoolingAccounts.
func IsPooling(account string) bool {
	for _, a := range PoolingAccounts {
		if a == account {
			return true
		}
	}
	return false
}

// UnitPrefix turns a region code into the prefix of the codes under it (GB/T 2260 encodes the
// tree in the digits): a province "340000" → "34", a city "341500" → "3415", a county stays
// whole. Ledger queries use it with store.CodePrefix to add up a region's units.
func UnitPrefix(region string) string {
	switch {
	case len(region) != 6:
		return region
	case region[2:] == "0000":
		return region[:2]
	case region[4:] == "00":
		return region[:4]
	}
	return region
}

// Percent formats part ÷ whole × 100 with two decimals ("112.38"), or "—" when whole is zero.
func Percent(part, whole money.Amount) string {
	if whole == 0 {
		return "—"
	}
	return new(big.Rat).SetFrac64(int64(part)*100, int64(whole)).FloatString(2)
}
