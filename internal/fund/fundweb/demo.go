package fundweb

import (
	"context"
	"fmt"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/fund"
	"wiis/internal/fund/budget"
	"wiis/internal/fund/ledger"
	"wiis/internal/fund/pooling"
	"wiis/internal/money"
	"wiis/internal/store"
)

func init() { demo.Register("fund", SeedDemo) }

// demoCity is one city of the demo province with its monthly contribution income and benefit
// expenditure and its opening balance, in yuan. Lu'an spends more than it collects (the city
// in deficit the adjustment fund covers); its opening balance is the 140.77 million yuan the
// seed document reports for 2017.
type demoCity struct {
	Unit             string
	Income, Spending int64
	Opening          int64
}

// DemoCities are the cities of the demo province (Anhui, adjustment-fund pooling).
var DemoCities = []demoCity{
	{"340100", 30_000_000, 23_000_000, 600_000_000},
	{"341500", 6_000_000, 7_100_000, 140_770_000},
	{"341200", 8_000_000, 6_600_000, 90_000_000},
	{"340800", 5_000_000, 4_100_000, 60_000_000},
}

// Seasonal swing of a month in percent, so the charts are not straight lines.
var swing = [12]int64{-6, -3, 2, 0, 1, 3, -1, 2, 4, 1, -2, 5}

// Shares of monthly spending by category, in percent; long-term benefits take the rest.
var spendShares = []struct {
	cat string
	pct int64
}{{"medical", 38}, {"lump_sum", 18}, {"rehabilitation", 5}, {"devices", 2}, {"advance", 1}, {"prevention", 2}, {"prevention_training", 4}}

// SeedDemo adds two provincial fund officers, two full years of ledger history for the demo
// cities (the two years before the current one), budgets for the last year and this one,
// and an approved pooling run for the earlier year, leaving the later year for a fund
// officer to run. Every posting is idempotent by its reference, so seeding twice changes
// nothing.
func SeedDemo(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	svc := auth.New(db)
	var logins []demo.Login
	for _, u := range []string{"fund_ah", "fund_ah2"} {
		_, err := svc.CreateUser(ctx, audit.Actor{Username: "system:demo"}, auth.NewUser{Username: u, DisplayName: "演示省级基金财务" + u[len(u)-1:],
			Password: demo.Password, Roles: []auth.Role{auth.FundOfficer}, Region: "340000"})
		if err != nil && apperr.CodeOf(err) != apperr.Conflict {
			return nil, err
		}
		logins = append(logins, demo.Login{Username: u, Password: demo.Password, Role: auth.FundOfficer})
	}
	first := time.Now().Year() - 2
	sys := audit.Actor{Username: "system:demo"}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_postings WHERE source = 'demo' AND source_ref LIKE ?`,
			fmt.Sprintf("fund:%%:%d-12:%%", first+1)).Scan(&n); err != nil || n > 0 {
			return err
		}
		for _, c := range DemoCities {
			for _, e := range demoEntries(c, first) {
				if _, err := ledger.Post(ctx, tx, sys, "demo", e.Ref, e.Posting); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range DemoCities {
		for _, y := range []int{first + 1, first + 2} {
			for acc, amount := range map[string]int64{"income:contributions": c.Income * 12 * 95 / 100,
				"expense:medical": c.Spending * 12 * 38 / 100, "expense:long_term": c.Spending * 12 * 30 / 100,
				"expense:prevention": c.Income * 12 * 2 / 100, "expense:prevention_training": c.Income * 12 * 4 / 100} {
				err := budget.Set(ctx, db, sys, budget.Line{Unit: c.Unit, Year: y, Account: acc, Amount: money.Yuan(amount)}, 0)
				if err != nil && apperr.CodeOf(err) != apperr.Conflict {
					return nil, err
				}
			}
		}
	}
	runs, err := pooling.List(ctx, db, "34", 100)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if r.Year == first && r.Status == pooling.Approved {
			return logins, nil
		}
	}
	run, err := pooling.Propose(ctx, db, audit.Actor{Username: "system:demo-a"}, "340000", first)
	if err != nil {
		return nil, err
	}
	_, err = pooling.Decide(ctx, db, audit.Actor{Username: "system:demo-b"}, run.ID, run.Version, true)
	return logins, err
}

// demoEntries are a city's postings from 1 January of first for 24 months: the opening
// balance, monthly contributions and spending by category (5% higher in the second year),
// and interest each December.
func demoEntries(c demoCity, first int) []pooling.Entry {
	key := "fund:" + c.Unit + ":"
	out := []pooling.Entry{{Ref: key + "opening", Posting: fund.Income(c.Unit, fmt.Sprintf("%d-01-01", first), "transfer_in", money.Yuan(c.Opening), "期初结余转入（演示）")}}
	for i := 0; i < 24; i++ {
		y, m := first+i/12, i%12+1
		month := fmt.Sprintf("%d-%02d", y, m)
		grow := int64(100 + 5*(i/12))
		income := c.Income * grow / 100 * (100 + swing[m-1]) / 100
		spend := c.Spending * grow / 100 * (100 - swing[(m+5)%12]) / 100
		out = append(out, pooling.Entry{Ref: key + month + ":contributions",
			Posting: fund.Income(c.Unit, month+"-25", "contributions", money.Yuan(income), month+"征缴收入")})
		rest := spend
		for _, s := range spendShares {
			a := spend * s.pct / 100
			rest -= a
			out = append(out, pooling.Entry{Ref: key + month + ":" + s.cat,
				Posting: fund.Expense(c.Unit, month+"-20", s.cat, money.Yuan(a), month+fund.AccountName("expense:"+s.cat))})
		}
		out = append(out, pooling.Entry{Ref: key + month + ":long_term",
			Posting: fund.Expense(c.Unit, month+"-20", "long_term", money.Yuan(rest), month+"定期待遇")})
		if m == 12 {
			out = append(out, pooling.Entry{Ref: key + month + ":interest",
				Posting: fund.Income(c.Unit, month+"-21", "interest", money.Yuan(c.Opening*15/1000), month+"利息收入")})
		}
	}
	return out
}
