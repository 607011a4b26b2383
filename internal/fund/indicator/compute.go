package indicator

import (
	"context"
	"math/big"
	"strconv"

	"wiis/internal/coverage"
	"wiis/internal/fund"
	"wiis/internal/money"
	"wiis/internal/store"
)

// Compute returns every indicator of Defs for a region over the periods. Stock figures
// (insured, average rate, balance, support months) are taken at each period's last month;
// flows (contributions, benefits, claims, cases, rate decisions, fund income and
// expenditure) are summed over it; coverage growth compares the last month with the same
// month a year before.
func Compute(ctx context.Context, db *store.DB, region string, periods []Period) ([]Series, error) {
	prefix := fund.UnitPrefix(region)
	insured := map[string][2]int{}
	insuredAt := func(month string) ([2]int, error) {
		if v, ok := insured[month]; ok {
			return v, nil
		}
		p, e, err := Insured(ctx, db, prefix, month)
		insured[month] = [2]int{p, e}
		return insured[month], err
	}
	out := make([]Series, len(Defs))
	idx := map[string]int{}
	for i, d := range Defs {
		out[i] = Series{Def: d}
		idx[d.Key] = i
	}
	add := func(key, period, text string) {
		v, _ := strconv.ParseFloat(text, 64)
		s := &out[idx[key]]
		s.Points = append(s.Points, Point{Period: period, Text: text, Value: v})
	}
	for _, p := range periods {
		end, err := insuredAt(p.To)
		if err != nil {
			return nil, err
		}
		add("insured_persons", p.Label, strconv.Itoa(end[0]))
		add("insured_employers", p.Label, strconv.Itoa(end[1]))
		m, _ := coverage.ParseMonth(p.To)
		before, err := insuredAt((m - 12).String())
		if err != nil {
			return nil, err
		}
		add("coverage_growth", p.Label, growth(end[0], before[0]))
		rate, _, err := AverageRate(ctx, db, prefix, p.LastDay())
		if err != nil {
			return nil, err
		}
		add("average_rate", p.Label, rate)
		personMonths := 0
		for _, mm := range p.Months() {
			v, err := insuredAt(mm)
			if err != nil {
				return nil, err
			}
			personMonths += v[0]
		}
		contrib, err := Contributions(ctx, db, prefix, p.From, p.To)
		if err != nil {
			return nil, err
		}
		add("contribution_per_person", p.Label, divide(contrib, personMonths))
		n, paid, err := Recipients(ctx, db, prefix, p.From, p.To)
		if err != nil {
			return nil, err
		}
		add("benefit_recipients", p.Label, strconv.Itoa(n))
		add("benefit_per_recipient", p.Label, divide(paid, n))
		acc, err := Accidents(ctx, db, prefix, p)
		if err != nil {
			return nil, err
		}
		add("accident_rate", p.Label, acc[len(acc)-1].PerMille)
		det, _, err := DeterminationDays(ctx, db, prefix, p)
		if err != nil {
			return nil, err
		}
		add("determination_days", p.Label, det)
		asm, _, err := AssessmentDays(ctx, db, prefix, p)
		if err != nil {
			return nil, err
		}
		add("assessment_days", p.Label, asm)
		up, base, down, err := Floating(ctx, db, prefix, p)
		if err != nil {
			return nil, err
		}
		add("float_up", p.Label, strconv.Itoa(up))
		add("float_base", p.Label, strconv.Itoa(base))
		add("float_down", p.Label, strconv.Itoa(down))
		in, outgo, err := FundFlows(ctx, db, prefix, p.FirstDay(), p.LastDay())
		if err != nil {
			return nil, err
		}
		add("fund_income", p.Label, in.String())
		add("fund_expenditure", p.Label, outgo.String())
		bal, err := Balance(ctx, db, prefix, p.LastDay())
		if err != nil {
			return nil, err
		}
		add("fund_balance", p.Label, bal.String())
		c, err := Capacity(ctx, db, prefix, p.To)
		if err != nil {
			return nil, err
		}
		months := c.Months
		if months == "—" {
			months = ""
		}
		add("support_months", p.Label, months)
	}
	return out, nil
}

// growth is (now − before) ÷ before in percent with two decimals, "" when before is zero.
func growth(now, before int) string {
	if before == 0 {
		return ""
	}
	return big.NewRat(int64(now-before)*100, int64(before)).FloatString(2)
}

// divide is an amount divided by a count, in yuan with two decimals rounded half up, "" for
// a zero count.
func divide(a money.Amount, n int) string {
	if n == 0 {
		return ""
	}
	return money.RoundHalfUp(new(big.Rat).Quo(a.Rat(), big.NewRat(int64(n), 1))).String()
}
