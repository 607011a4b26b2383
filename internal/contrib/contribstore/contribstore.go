// Package contribstore reads what the contribution rules of package contrib need from the
// database — the employer's class and rate in force, the persons it covers in a month, what
// the tax authority collected, its claims and benefit payments — and stores the results
// (floating-rate proposals, collections). The rules themselves stay in contrib.
package contribstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/contrib"
	"wiis/internal/coverage"
	"wiis/internal/enroll"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// RateInfo is an employer's rate in force on a date and how it was arrived at.
type RateInfo struct {
	Class     contrib.Class `json:"class"`
	BaseRate  contrib.Rate  `json:"base_rate"`
	Float     string        `json:"float_factor"`
	Reduction string        `json:"reduction_percent"`
	Rate      contrib.Rate  `json:"rate"`
	Source    string        `json:"source"` // "approved float decision of DATE" or "base rate"
}

// ClassOf returns the risk class of an industry code in region on date: the national annex
// table with the region's overrides (policy "industry_class_overrides").
func ClassOf(ctx context.Context, q store.Querier, industry, region, on string) (contrib.Class, error) {
	div, err := idcode.Division(industry)
	if err != nil {
		return 0, apperr.Invalidf("industry_code", "%s", err.Error())
	}
	var overrides map[string]int
	if _, err := policy.Decode(ctx, q, region, "industry_class_overrides", on, &overrides); err != nil {
		return 0, err
	}
	if c, ok := overrides[fmt.Sprintf("%02d", div)]; ok {
		return contrib.Class(c), nil
	}
	if c, ok := overrides[fmt.Sprint(div)]; ok {
		return contrib.Class(c), nil
	}
	c, ok := idcode.DefaultRiskClasses()[div]
	if !ok {
		return 0, apperr.Invalidf("industry_code", "行业门类 %02d 无风险类别 / division %02d has no risk class", div, div)
	}
	return contrib.Class(c), nil
}

// EmployerRate returns the rate in force for an employer on date (YYYY-MM-DD): the latest
// approved floating decision, else the base rate of its class; times the area's phased
// reduction in force.
func EmployerRate(ctx context.Context, q store.Querier, uscc, on string) (RateInfo, error) {
	var ri RateInfo
	emp, err := enroll.GetEmployer(ctx, q, uscc)
	if err != nil {
		return ri, err
	}
	if ri.Class, err = ClassOf(ctx, q, emp.IndustryCode, emp.Region, on); err != nil {
		return ri, err
	}
	var rates contrib.BaseRates
	ok, err := policy.Decode(ctx, q, emp.Region, "base_rates", on, &rates)
	if err != nil {
		return ri, err
	}
	if !ok || rates[ri.Class].Rat().Sign() == 0 {
		return ri, apperr.Invalidf("base_rates", "地区 %s 在 %s 无基准费率政策 / no base rate policy in force", emp.Region, on)
	}
	ri.BaseRate = rates[ri.Class]
	factor := big.NewRat(1, 1)
	ri.Source = "base"
	var f, from string
	err = q.QueryRow(ctx, `SELECT float_factor, effective_from FROM employer_rates
		WHERE uscc = ? AND status = 'approved' AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1`, uscc, on).Scan(&f, &from)
	switch {
	case err == nil:
		factor.SetString(f)
		ri.Source = "float:" + from
	case !errors.Is(err, sql.ErrNoRows):
		return ri, err
	}
	ri.Float = factor.FloatString(2)
	var red contrib.Reduction
	if _, err := policy.Decode(ctx, q, emp.Region, "rate_reduction", on, &red); err != nil {
		return ri, err
	}
	ri.Reduction = red.Percent
	if ri.Rate, err = contrib.EffectiveRate(ri.BaseRate, factor, red); err != nil {
		return ri, err
	}
	return ri, nil
}

// Bounds returns the base floor and ceiling in region for month (policy base_bounds as
// percentages of area_avg_wage); zero bounds when the area wage is not set.
func Bounds(ctx context.Context, q store.Querier, region, month string) (contrib.Bounds, error) {
	on := month + "-01"
	var avg money.Amount
	ok, err := policy.Decode(ctx, q, region, "area_avg_wage", on, &avg)
	if err != nil || !ok {
		return contrib.Bounds{}, err
	}
	var b struct {
		Floor   string `json:"floor_pct"`
		Ceiling string `json:"ceiling_pct"`
	}
	if ok, err := policy.Decode(ctx, q, region, "base_bounds", on, &b); err != nil || !ok {
		return contrib.Bounds{}, err
	}
	pct := func(s string) money.Amount {
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return 0
		}
		return avg.MulRat(r.Quo(r, big.NewRat(100, 1)))
	}
	return contrib.Bounds{Floor: pct(b.Floor), Ceiling: pct(b.Ceiling)}, nil
}

// Assess computes what an employer owes for month (YYYY-MM).
func Assess(ctx context.Context, q store.Querier, uscc, month string) (contrib.Assessment, []enroll.Coverage, RateInfo, error) {
	if _, err := coverage.ParseMonth(month); err != nil {
		return contrib.Assessment{}, nil, RateInfo{}, apperr.Invalidf("month", "月份格式应为 YYYY-MM / month must be YYYY-MM")
	}
	ri, err := EmployerRate(ctx, q, uscc, month+"-01")
	if err != nil {
		return contrib.Assessment{}, nil, ri, err
	}
	emp, err := enroll.GetEmployer(ctx, q, uscc)
	if err != nil {
		return contrib.Assessment{}, nil, ri, err
	}
	bounds, err := Bounds(ctx, q, emp.Region, month)
	if err != nil {
		return contrib.Assessment{}, nil, ri, err
	}
	var civil *contrib.Rate
	var cr contrib.Rate
	if ok, err := policy.Decode(ctx, q, emp.Region, "civil_servant_rate", month+"-01", &cr); err != nil {
		return contrib.Assessment{}, nil, ri, err
	} else if ok {
		civil = &cr
	}
	covered, err := enroll.CoveredInMonth(ctx, q, uscc, month)
	if err != nil {
		return contrib.Assessment{}, nil, ri, err
	}
	persons := make([]contrib.Covered, 0, len(covered))
	for _, c := range covered {
		b, _ := money.Parse(c.Base)
		persons = append(persons, contrib.Covered{IDNumber: c.IDNumber, Category: c.Category, Base: b})
	}
	return contrib.Assess(month, persons, ri.Rate, bounds, civil), covered, ri, nil
}

// StatementLine is one month of an employer statement.
type StatementLine struct {
	Assessment     contrib.Assessment     `json:"assessment"`
	Reconciliation contrib.Reconciliation `json:"reconciliation"`
}

// DueDay is the day contributions for a month fall due: the last day of that month (the
// common practice of monthly collection; an area that collects by the 15th of the next month
// would set it as policy — our reading, as the spec leaves it open).
func DueDay(month string) (time.Time, error) {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return t, err
	}
	return t.AddDate(0, 1, -1), nil
}

// Statement lists assessment and reconciliation for each month from..to at asOf.
func Statement(ctx context.Context, q store.Querier, uscc, from, to string, asOf time.Time) ([]StatementLine, error) {
	f, err := coverage.ParseMonth(from)
	if err != nil {
		return nil, apperr.Invalidf("from", "月份格式应为 YYYY-MM / month must be YYYY-MM")
	}
	t, err := coverage.ParseMonth(to)
	if err != nil {
		return nil, apperr.Invalidf("to", "月份格式应为 YYYY-MM / month must be YYYY-MM")
	}
	var out []StatementLine
	for m := f; m <= t; m++ {
		a, _, _, err := Assess(ctx, q, uscc, m.String())
		if err != nil {
			return nil, err
		}
		var paid int64
		if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM contributions_collected WHERE uscc = ? AND month = ?`, uscc, m.String()).Scan(&paid); err != nil {
			return nil, err
		}
		due, _ := DueDay(m.String())
		rec := contrib.Reconcile(a.Due, money.Amount(paid), dayNumber(due), dayNumber(asOf))
		out = append(out, StatementLine{Assessment: a, Reconciliation: rec})
	}
	return out, nil
}

func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// RecordCollection stores an amount the tax authority collected for an employer's month and
// posts it to the fund ledger. A collection already recorded for the same employer, month and
// day is refused as a conflict.
func RecordCollection(ctx context.Context, db *store.DB, by audit.Actor, uscc, month string, amount money.Amount, on string) error {
	_, err := collect(ctx, db, by, uscc, month, amount, on, false)
	return err
}

// ImportCollection is RecordCollection for a row of an import file: the same collection again
// (same employer, month, day and amount) is not an error but reports stored = false, so a file
// imports idempotently. A stored collection with another amount is a conflict on "amount": the
// money is in the ledger, and a correction is a reversal there, not an overwrite.
func ImportCollection(ctx context.Context, db *store.DB, by audit.Actor, uscc, month string, amount money.Amount, on string) (stored bool, err error) {
	return collect(ctx, db, by, uscc, month, amount, on, true)
}

func collect(ctx context.Context, db *store.DB, by audit.Actor, uscc, month string, amount money.Amount, on string, sameIsUnchanged bool) (bool, error) {
	if _, err := coverage.ParseMonth(month); err != nil {
		return false, apperr.Invalidf("month", "月份格式应为 YYYY-MM / month must be YYYY-MM")
	}
	if _, err := time.Parse("2006-01-02", on); err != nil {
		return false, apperr.Invalidf("collected_on", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	if amount <= 0 {
		return false, apperr.Invalidf("amount", "金额必须大于零 / amount must be positive")
	}
	stored := false
	err := db.InTx(ctx, func(tx *store.Tx) error {
		emp, err := enroll.GetEmployer(ctx, tx, uscc)
		if err != nil {
			return err
		}
		var have int64
		err = tx.QueryRow(ctx, `SELECT amount FROM contributions_collected WHERE uscc = ? AND month = ? AND collected_on = ?`, uscc, month, on).Scan(&have)
		switch {
		case err == nil && sameIsUnchanged && money.Amount(have) == amount:
			return nil
		case err == nil && sameIsUnchanged:
			return apperr.Conflictf("amount", "该笔征缴已登记为 %s 元，更正须在基金账务中冲销 / already recorded as %s; correct it by a ledger reversal",
				money.Amount(have).String(), money.Amount(have).String())
		case err == nil:
			return apperr.Conflictf("collected_on", "该笔征缴已登记 / this collection is already recorded")
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		// The money enters the fund of the employer's city (the accounting unit) the same day.
		unit := emp.Region[:4] + "00"
		if _, err := ledger.Post(ctx, tx, by, "collection", uscc+":"+month+":"+on,
			fund.Income(unit, on, "contributions", amount, "征缴收入 "+emp.Name+" "+month)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO contributions_collected (uscc, month, amount, collected_on) VALUES (?, ?, ?, ?)`, uscc, month, int64(amount), on)
		if err != nil {
			return err
		}
		stored = true
		_, err = audit.Append(ctx, tx, audit.Record{Action: "contribution.collected", Entity: "employer", EntityID: uscc,
			After: map[string]string{"month": month, "amount": amount.String(), "collected_on": on}}.By(by))
		return err
	})
	return stored && err == nil, err
}

// ProposeFloat evaluates an employer's floating rate for the year starting on effective
// (YYYY-01-01) from the window of years before it, and stores the proposal with its figures
// for review. Contributions are what was collected; expenditure the benefit payments to the
// persons of its claims; accidents its claims, all within the window.
func ProposeFloat(ctx context.Context, db *store.DB, by audit.Actor, uscc, effective string) (contrib.FloatResult, error) {
	var res contrib.FloatResult
	eff, err := time.Parse("2006-01-02", effective)
	if err != nil {
		return res, apperr.Invalidf("effective_from", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	emp, err := enroll.GetEmployer(ctx, db, uscc)
	if err != nil {
		return res, err
	}
	var rule contrib.FloatRule
	ok, err := policy.Decode(ctx, db, emp.Region, "float_rule", effective, &rule)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, apperr.Invalidf("float_rule", "地区 %s 未设置浮动费率办法 / no floating-rate rule in force", emp.Region)
	}
	years := max(1, min(3, rule.WindowYears))
	from := eff.AddDate(-years, 0, 0)
	fromM, toM := from.Format("2006-01"), eff.AddDate(0, -1, 0).Format("2006-01")
	in := contrib.FloatInput{}
	if in.Class, err = ClassOf(ctx, db, emp.IndustryCode, emp.Region, effective); err != nil {
		return res, err
	}
	if reg, err := time.Parse("2006-01-02", emp.RegisteredOn); err == nil {
		in.YearsInsured = int(eff.Sub(reg).Hours() / 24 / 365)
	}
	var contribs, expend int64
	if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM contributions_collected WHERE uscc = ? AND month >= ? AND month <= ?`,
		uscc, fromM, toM).Scan(&contribs); err != nil {
		return res, err
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM claims WHERE uscc = ? AND injury_at >= ? AND injury_at < ?`,
		uscc, from.Format("2006-01-02"), effective).Scan(&in.Accidents); err != nil {
		return res, err
	}
	if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(p.amount), 0) FROM payments p
		WHERE p.month >= ? AND p.month <= ? AND p.id_number IN (SELECT id_number FROM claims WHERE uscc = ?)`,
		fromM, toM, uscc).Scan(&expend); err != nil {
		return res, err
	}
	in.Contributions, in.Expenditure = money.Amount(contribs), money.Amount(expend)
	if res, err = contrib.EvaluateFloat(rule, in); err != nil {
		return res, err
	}
	ri, err := EmployerRate(ctx, db, uscc, effective)
	if err != nil {
		return res, err
	}
	var red contrib.Reduction
	policy.Decode(ctx, db, emp.Region, "rate_reduction", effective, &red)
	rate, err := contrib.EffectiveRate(ri.BaseRate, res.Factor, red)
	if err != nil {
		return res, err
	}
	figures, _ := json.Marshal(map[string]any{"input": map[string]any{"class": in.Class, "years_insured": in.YearsInsured,
		"contributions": in.Contributions, "expenditure": in.Expenditure, "accidents": in.Accidents, "window": fromM + "/" + toM}, "result": res})
	err = db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO employer_rates (uscc, effective_from, class, base_rate, float_factor, rate, figures, status, proposed_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?)
			ON CONFLICT (uscc, effective_from) DO UPDATE SET class = excluded.class, base_rate = excluded.base_rate,
				float_factor = excluded.float_factor, rate = excluded.rate, figures = excluded.figures, proposed_by = excluded.proposed_by,
				status = 'proposed', approved_by = NULL, version = employer_rates.version + 1`,
			uscc, effective, int(in.Class), ri.BaseRate.String(), res.Factor.FloatString(2), rate.String(), string(figures), by.Username, audit.FormatTime(time.Now()))
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "rate.float.propose", Entity: "employer", EntityID: uscc, After: json.RawMessage(figures)}.By(by))
		return err
	})
	return res, err
}

// DecideFloat approves or rejects a proposed floating rate; the approver must not be the
// proposer (four-eyes). Errors: not_found, forbidden (same person), conflict (not proposed).
func DecideFloat(ctx context.Context, db *store.DB, by audit.Actor, uscc, effective string, approve bool) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		var status, proposer string
		err := tx.QueryRow(ctx, `SELECT status, proposed_by FROM employer_rates WHERE uscc = ? AND effective_from = ?`, uscc, effective).Scan(&status, &proposer)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("无该浮动费率方案 / no such floating-rate proposal")
		}
		if err != nil {
			return err
		}
		if status != "proposed" {
			return apperr.Conflictf("status", "该方案已处理 / already decided (%s)", status)
		}
		if proposer == by.Username {
			return apperr.Forbiddenf("提出人不能审批自己的方案 / the proposer cannot approve their own proposal")
		}
		newStatus := "rejected"
		if approve {
			newStatus = "approved"
		}
		if _, err := tx.Exec(ctx, `UPDATE employer_rates SET status = ?, approved_by = ?, version = version + 1 WHERE uscc = ? AND effective_from = ?`,
			newStatus, by.Username, uscc, effective); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "rate.float." + newStatus, Entity: "employer", EntityID: uscc,
			Before: map[string]string{"status": status}, After: map[string]string{"status": newStatus, "effective_from": effective}}.By(by))
		return err
	})
}
