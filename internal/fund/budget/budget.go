// Package budget keeps the fund's yearly budget per accounting unit and ledger account and
// reads its execution month by month from the ledger (fund-and-service.md, Budget: Zhenjiang
// 2022 collected 112.38% of its income target), with warnings when spending runs ahead of
// time or the budget, or income falls behind. It also gives the prevention-fee position
// against the cap and local targets (policy "prevention_fee", law-reference.md §9) and the
// support capacity with its rate-cut recommendation (law-reference.md §4), both from the
// ledger.
package budget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Line is one budget target.
type Line struct {
	Unit    string       `json:"unit"`
	Year    int          `json:"year"`
	Account string       `json:"account"`
	Amount  money.Amount `json:"amount"`
	SetBy   string       `json:"set_by"`
	SetAt   string       `json:"set_at"`
	Version int          `json:"version"`
}

// Set stores a target, creating it (version 0) or replacing it (the version read). Errors:
// invalid (unknown account, negative amount, bad year), conflict (stale version).
func Set(ctx context.Context, db *store.DB, by audit.Actor, l Line, version int) error {
	if !fund.ValidAccount(l.Account) || l.Account == fund.Bank {
		return apperr.Invalidf("account", "科目应为收入或支出类别 / account must be an income or expense category")
	}
	if l.Amount < 0 {
		return apperr.Invalidf("amount", "预算金额不能为负 / the amount cannot be negative")
	}
	if l.Year < 2000 || l.Year > 2100 {
		return apperr.Invalidf("year", "年度应在2000至2100之间 / year must be 2000–2100")
	}
	if len(l.Unit) != 6 {
		return apperr.Invalidf("unit", "单位应为6位区划代码 / unit is a 6-digit region code")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		var old int64
		var v int
		err := tx.QueryRow(ctx, `SELECT amount, version FROM fund_budgets WHERE unit = ? AND year = ? AND account = ?`, l.Unit, l.Year, l.Account).Scan(&old, &v)
		now := audit.FormatTime(time.Now())
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if version != 0 {
				return apperr.Conflictf("version", "预算已被删除或不存在 / the target no longer exists; reload")
			}
			_, err = tx.Exec(ctx, `INSERT INTO fund_budgets (unit, year, account, amount, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)`,
				l.Unit, l.Year, l.Account, int64(l.Amount), by.Username, now)
		case err != nil:
			return err
		default:
			if version != v {
				return apperr.Conflictf("version", "预算已被他人修改，请刷新 / changed by someone else; reload")
			}
			_, err = tx.Exec(ctx, `UPDATE fund_budgets SET amount = ?, set_by = ?, set_at = ?, version = version + 1
				WHERE unit = ? AND year = ? AND account = ? AND version = ?`, int64(l.Amount), by.Username, now, l.Unit, l.Year, l.Account, v)
		}
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "budget.set", Entity: "fund_budget",
			EntityID: fmt.Sprintf("%s:%d:%s", l.Unit, l.Year, l.Account),
			Before:   map[string]string{"amount": money.Amount(old).String()}, After: map[string]string{"amount": l.Amount.String()}}.By(by))
		return err
	})
}

// List returns a unit's targets for a year, by account.
func List(ctx context.Context, q store.Querier, unit string, year int) ([]Line, error) {
	rows, err := q.Query(ctx, `SELECT unit, year, account, amount, set_by, set_at, version FROM fund_budgets
		WHERE unit = ? AND year = ? ORDER BY account`, unit, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		var a int64
		if err := rows.Scan(&l.Unit, &l.Year, &l.Account, &a, &l.SetBy, &l.SetAt, &l.Version); err != nil {
			return nil, err
		}
		l.Amount = money.Amount(a)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Execution is a target with its execution: the cumulative actual at the end of each month
// and the share of the target reached.
type Execution struct {
	Line
	Name     string           `json:"name"`
	Monthly  [12]money.Amount `json:"monthly"`    // actual in each month
	Cumul    [12]money.Amount `json:"cumulative"` // actual to the end of each month
	Actual   money.Amount     `json:"actual"`
	Share    string           `json:"share"`    // percent of target, two decimals
	Expected string           `json:"expected"` // percent of the year elapsed
	Warnings []string         `json:"warnings"`
}

// Execute reads the execution of every target of a unit in a year, as of a date: the unit's
// own postings and those of the units under it (a city's counties). Warnings: spending above
// the target, spending more than 10 points ahead of the time elapsed, income more than 10
// points behind it.
func Execute(ctx context.Context, q store.Querier, unit string, year int, asOf time.Time) ([]Execution, error) {
	lines, err := List(ctx, q, unit, year)
	if err != nil || len(lines) == 0 {
		return nil, err
	}
	units, args := store.CodePrefix("p.unit", fund.UnitPrefix(unit))
	rows, err := q.Query(ctx, `SELECT l.account, SUBSTR(p.posted_on, 6, 2), SUM(l.debit), SUM(l.credit)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.posted_on >= ? AND p.posted_on <= ?
		GROUP BY l.account, SUBSTR(p.posted_on, 6, 2)`, append(args, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	actual := map[string]*[12]money.Amount{}
	for rows.Next() {
		var acc, mm string
		var d, c int64
		if err := rows.Scan(&acc, &mm, &d, &c); err != nil {
			return nil, err
		}
		m, _ := strconv.Atoi(mm)
		if m < 1 || m > 12 {
			continue
		}
		if actual[acc] == nil {
			actual[acc] = &[12]money.Amount{}
		}
		if fund.Kind(acc) == "income" {
			actual[acc][m-1] += money.Amount(c - d)
		} else {
			actual[acc][m-1] += money.Amount(d - c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	elapsed := 12
	switch {
	case asOf.Year() < year:
		elapsed = 0
	case asOf.Year() == year:
		elapsed = int(asOf.Month())
	}
	expected := big.NewRat(int64(elapsed)*100, 12)
	out := make([]Execution, 0, len(lines))
	for _, l := range lines {
		e := Execution{Line: l, Name: fund.AccountName(l.Account), Expected: expected.FloatString(2)}
		if a := actual[l.Account]; a != nil {
			e.Monthly = *a
		}
		var run money.Amount
		for i, v := range e.Monthly {
			run += v
			e.Cumul[i] = run
		}
		e.Actual = run
		e.Share = fund.Percent(e.Actual, l.Amount)
		e.Warnings = warnings(fund.Kind(l.Account), e.Actual, l.Amount, expected)
		out = append(out, e)
	}
	return out, nil
}

// warnings compares execution with the target and the share of the year elapsed.
func warnings(kind string, actual, target money.Amount, expected *big.Rat) []string {
	if target <= 0 {
		return nil
	}
	share := new(big.Rat).SetFrac64(int64(actual)*100, int64(target))
	ten := big.NewRat(10, 1)
	var w []string
	switch kind {
	case "expense":
		if actual > target {
			w = append(w, "支出超出预算 / spending above the budget")
		} else if share.Cmp(new(big.Rat).Add(expected, ten)) > 0 {
			w = append(w, "支出进度快于时间进度10个百分点以上 / spending more than 10 points ahead of time")
		}
	case "income":
		if share.Cmp(new(big.Rat).Sub(expected, ten)) < 0 {
			w = append(w, "收入进度慢于时间进度10个百分点以上 / income more than 10 points behind time")
		}
	}
	return w
}

// PreventionPolicy is the value of the policy parameter "prevention_fee": the cap and the
// optional local targets, in percent.
type PreventionPolicy struct {
	CapPct      string `json:"cap_pct"`
	MinPct      string `json:"min_pct"`
	TrainingPct string `json:"training_pct"`
}

// Prevention is the prevention-fee position of a unit in a year: last year's contribution
// income, this year's prevention spending (training separately, account
// prevention_training), against the policy in force at the year's end.
func Prevention(ctx context.Context, q store.Querier, unit string, year int) (fund.Prevention, PreventionPolicy, error) {
	var pol PreventionPolicy
	if _, err := policy.Decode(ctx, q, unit, "prevention_fee", fmt.Sprintf("%d-12-31", year), &pol); err != nil {
		return fund.Prevention{}, pol, err
	}
	if pol.CapPct == "" {
		pol.CapPct = "3"
	}
	sums, err := AccountTotals(ctx, q, fund.UnitPrefix(unit), fmt.Sprintf("%d-01-01", year-1), fmt.Sprintf("%d-12-31", year-1))
	if err != nil {
		return fund.Prevention{}, pol, err
	}
	last := sums["income:contributions"]
	sums, err = AccountTotals(ctx, q, fund.UnitPrefix(unit), fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))
	if err != nil {
		return fund.Prevention{}, pol, err
	}
	training := sums["expense:prevention_training"]
	spent := sums["expense:prevention"] + training
	rat := func(s string) *big.Rat {
		if s == "" {
			return nil
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return nil
		}
		return r
	}
	capPct := rat(pol.CapPct)
	if capPct == nil {
		return fund.Prevention{}, pol, fmt.Errorf("budget: prevention_fee cap_pct %q is not a number", pol.CapPct)
	}
	return fund.PreventionPosition(last, spent, training, capPct, rat(pol.MinPct), rat(pol.TrainingPct)), pol, nil
}

// AccountTotals returns the net posted amount of every income and expense account of the
// units under prefix between two dates: income as credit − debit, expense as debit − credit.
func AccountTotals(ctx context.Context, q store.Querier, prefix, from, to string) (map[string]money.Amount, error) {
	units, args := store.CodePrefix("p.unit", prefix)
	rows, err := q.Query(ctx, `SELECT l.account, SUM(l.debit), SUM(l.credit)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.posted_on >= ? AND p.posted_on <= ?
		GROUP BY l.account`, append(args, from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]money.Amount{}
	for rows.Next() {
		var acc string
		var d, c int64
		if err := rows.Scan(&acc, &d, &c); err != nil {
			return nil, err
		}
		if fund.Kind(acc) == "income" {
			out[acc] = money.Amount(c - d)
		} else {
			out[acc] = money.Amount(d - c)
		}
	}
	return out, rows.Err()
}
