// Package indicator computes the decision indicators of fund-and-service.md from the data —
// insured persons and employers, coverage growth, average rate, contribution per person per
// month, benefit recipients and benefit per recipient, accident rate (overall and by
// industry class), determination and assessment times, floating-rate results, fund income,
// expenditure and balance, and support months — for a region (province, city or county, by
// the GB/T 2260 prefix) and a run of periods (months or years). Each figure is one
// set-based query plus exact arithmetic in Go; the dashboard, the API and the Excel reports
// all read these functions, so a figure is defined once.
package indicator

import (
	"context"
	"fmt"
	"math/big"
	"strconv"

	"wiis/internal/coverage"
	"wiis/internal/fund"
	"wiis/internal/money"
	"wiis/internal/store"
)

// Def describes one indicator: its key, names, the unit its figures are in, and the chart it
// is drawn on (indicators sharing a chart are drawn together).
type Def struct {
	Key   string `json:"key"`
	Zh    string `json:"zh"`
	En    string `json:"en"`
	Unit  string `json:"unit"` // persons | employers | pct | yuan | per_mille | days | months | count
	Chart string `json:"chart"`
}

// Defs lists the indicators in dashboard order.
var Defs = []Def{
	{"insured_persons", "参保人数", "Insured persons", "persons", "insured"},
	{"insured_employers", "参保单位数", "Insured employers", "employers", "employers"},
	{"coverage_growth", "参保人数同比增长", "Coverage growth (year on year)", "pct", "growth"},
	{"average_rate", "平均费率", "Average rate", "pct", "rate"},
	{"contribution_per_person", "人均月缴费", "Contribution per person per month", "yuan", "contribution"},
	{"benefit_recipients", "享受待遇人数", "Benefit recipients", "persons", "recipients"},
	{"benefit_per_recipient", "人均待遇", "Benefit per recipient", "yuan", "per_recipient"},
	{"accident_rate", "工伤发生率（‰）", "Accident rate (per mille)", "per_mille", "accidents"},
	{"determination_days", "工伤认定平均用时（天）", "Determination time (days)", "days", "times"},
	{"assessment_days", "劳动能力鉴定平均用时（天）", "Assessment time (days)", "days", "times"},
	{"float_up", "费率上浮单位数", "Employers rated up", "count", "floating"},
	{"float_base", "费率不浮动单位数", "Employers at base rate", "count", "floating"},
	{"float_down", "费率下浮单位数", "Employers rated down", "count", "floating"},
	{"fund_income", "基金收入", "Fund income", "yuan", "fund"},
	{"fund_expenditure", "基金支出", "Fund expenditure", "yuan", "fund"},
	{"fund_balance", "基金累计结余", "Fund balance", "yuan", "balance"},
	{"support_months", "可支付月数", "Support months", "months", "support"},
}

// DefOf returns the definition of key.
func DefOf(key string) (Def, bool) {
	for _, d := range Defs {
		if d.Key == key {
			return d, true
		}
	}
	return Def{}, false
}

// Period is a run of months, labelled "2024-03" (a month) or "2024" (a year).
type Period struct {
	Label    string `json:"label"`
	From, To string `json:"-"` // YYYY-MM, inclusive
}

// FirstDay and LastDay are the period's dates as YYYY-MM-DD, for date-valued columns.
func (p Period) FirstDay() string { return p.From + "-01" }

// LastDay is the last day of the period's last month.
func (p Period) LastDay() string { return lastDay(p.To) }

func lastDay(month string) string {
	m, _ := coverage.ParseMonth(month)
	return fmt.Sprintf("%04d-%02d-%02d", m.Year(), m.Num(), daysIn(m.Year(), m.Num()))
}

func daysIn(y, m int) int {
	switch m {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// Months returns the months of the period in order.
func (p Period) Months() []string {
	a, _ := coverage.ParseMonth(p.From)
	b, _ := coverage.ParseMonth(p.To)
	var out []string
	for m := a; m <= b; m++ {
		out = append(out, m.String())
	}
	return out
}

// Periods returns the months (grain "month") or years (grain "year") from first to last
// inclusive; first and last are "YYYY-MM" for months and "YYYY" for years. At most 120.
func Periods(grain, first, last string) ([]Period, error) {
	var out []Period
	switch grain {
	case "month":
		a, err := coverage.ParseMonth(first)
		if err != nil {
			return nil, err
		}
		b, err := coverage.ParseMonth(last)
		if err != nil {
			return nil, err
		}
		for m := a; m <= b && len(out) < 120; m++ {
			out = append(out, Period{Label: m.String(), From: m.String(), To: m.String()})
		}
	case "year":
		a, err := strconv.Atoi(first)
		if err != nil {
			return nil, fmt.Errorf("indicator: year %q", first)
		}
		b, err := strconv.Atoi(last)
		if err != nil {
			return nil, fmt.Errorf("indicator: year %q", last)
		}
		for y := a; y <= b && len(out) < 120; y++ {
			out = append(out, Period{Label: strconv.Itoa(y), From: fmt.Sprintf("%04d-01", y), To: fmt.Sprintf("%04d-12", y)})
		}
	default:
		return nil, fmt.Errorf("indicator: grain must be month or year")
	}
	return out, nil
}

// Point is one figure: Text is exact and formatted for its unit ("" when there is nothing to
// measure, e.g. no case closed in the period), Value the same number for drawing.
type Point struct {
	Period string  `json:"period"`
	Text   string  `json:"text"`
	Value  float64 `json:"value"`
}

// Series is one indicator over the periods.
type Series struct {
	Def
	Points []Point `json:"points"`
}

// covered is the SQL condition "enrollment add a covers month ?" of interchange.md (see
// package coverage): an add with month ≤ M and no remove of the pair in [add month, M − 1].
const covered = `a.event = 'add' AND a.month <= ? AND NOT EXISTS (SELECT 1 FROM enrollment_events r
	WHERE r.id_number = a.id_number AND r.uscc = a.uscc AND r.event = 'remove' AND r.month >= a.month AND r.month < ?)`

// Insured counts the distinct persons and employers of the region covered in month.
func Insured(ctx context.Context, q store.Querier, prefix, month string) (persons, employers int, err error) {
	scope, args := store.CodePrefix("e.region", prefix)
	err = q.QueryRow(ctx, `SELECT COUNT(DISTINCT a.id_number), COUNT(DISTINCT a.uscc)
		FROM enrollment_events a JOIN employers e ON e.uscc = a.uscc
		WHERE `+scope+` AND `+covered, append(args, month, month)...).Scan(&persons, &employers)
	return
}

// Contributions sums what was collected for the region's employers for months from..to.
func Contributions(ctx context.Context, q store.Querier, prefix, from, to string) (money.Amount, error) {
	var s int64
	scope, args := store.CodePrefix("e.region", prefix)
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(c.amount), 0) FROM contributions_collected c JOIN employers e ON e.uscc = c.uscc
		WHERE `+scope+` AND c.month >= ? AND c.month <= ?`, append(args, from, to)...).Scan(&s)
	return money.Amount(s), err
}

// Recipients counts the persons paid a benefit for months from..to and what they were paid.
// A person belongs to a region where they (or, for a survivor, the deceased worker) were
// enrolled with an employer.
func Recipients(ctx context.Context, q store.Querier, prefix, from, to string) (int, money.Amount, error) {
	var n int
	var s int64
	scope, args := store.CodePrefix("e.region", prefix)
	err := q.QueryRow(ctx, `SELECT COUNT(DISTINCT p.id_number), COALESCE(SUM(p.amount), 0) FROM payments p
		WHERE p.month >= ? AND p.month <= ? AND EXISTS (SELECT 1 FROM enrollment_events ev JOIN employers e ON e.uscc = ev.uscc
			WHERE `+scope+` AND (ev.id_number = p.id_number OR ev.id_number IN
				(SELECT b.worker_id_number FROM beneficiaries b WHERE b.id_number = p.id_number AND b.item = p.item)))`,
		append([]any{from, to}, args...)...).Scan(&n, &s)
	return n, money.Amount(s), err
}

// AverageRate is the mean of the approved rates in force on date over the region's employers
// that have one, as a percentage with three decimals ("0.750"), and how many employers.
func AverageRate(ctx context.Context, q store.Querier, prefix, date string) (string, int, error) {
	scope, args := store.CodePrefix("e.region", prefix)
	rows, err := q.Query(ctx, `SELECT r.rate, COUNT(*) FROM employer_rates r JOIN employers e ON e.uscc = r.uscc
		WHERE `+scope+` AND r.status = 'approved' AND r.effective_from <= ? AND NOT EXISTS (
			SELECT 1 FROM employer_rates r2 WHERE r2.uscc = r.uscc AND r2.status = 'approved' AND r2.effective_from <= ? AND r2.effective_from > r.effective_from)
		GROUP BY r.rate`, append(args, date, date)...)
	if err != nil {
		return "", 0, err
	}
	defer rows.Close()
	sum, n := new(big.Rat), 0
	for rows.Next() {
		var rate string
		var k int
		if err := rows.Scan(&rate, &k); err != nil {
			return "", 0, err
		}
		r, ok := new(big.Rat).SetString(rate)
		if !ok {
			return "", 0, fmt.Errorf("indicator: rate %q", rate)
		}
		sum.Add(sum, r.Mul(r, big.NewRat(int64(k), 1)))
		n += k
	}
	if err := rows.Err(); err != nil || n == 0 {
		return "", 0, err
	}
	return sum.Mul(sum, big.NewRat(100, int64(n))).FloatString(3), n, nil
}

// classOf is the SQL for an employer's industry class: that of its latest approved rate
// decision in force on the date bound to ?, or 0 when it has none.
const classOf = `COALESCE((SELECT r.class FROM employer_rates r WHERE r.uscc = e.uscc AND r.status = 'approved'
	AND r.effective_from <= ? ORDER BY r.effective_from DESC LIMIT 1), 0)`

// ClassRate is the accident figure of one industry class (0 = no rate decision yet).
type ClassRate struct {
	Class    int    `json:"class"`
	Label    string `json:"label"`
	Insured  int    `json:"insured"`
	Claims   int    `json:"claims"`
	PerMille string `json:"per_mille"` // claims per 1,000 insured, two decimals; "" without insured
}

// Accidents counts the work-injury claims of the period (by the date of injury) per 1,000
// persons insured at its last month, by industry class (an employer's class is that of its
// latest approved rate decision), with the total last as class −1.
func Accidents(ctx context.Context, q store.Querier, prefix string, p Period) ([]ClassRate, error) {
	byClass := map[int]*ClassRate{}
	get := func(c int) *ClassRate {
		if byClass[c] == nil {
			byClass[c] = &ClassRate{Class: c}
		}
		return byClass[c]
	}
	// classOf's date comes first, then the scope's arguments, then the period's.
	scope, in := store.CodePrefix("e.region", prefix)
	rows, err := q.Query(ctx, `SELECT cls, COUNT(DISTINCT id_number) FROM (
		SELECT a.id_number, `+classOf+` AS cls FROM enrollment_events a JOIN employers e ON e.uscc = a.uscc
		WHERE `+scope+` AND `+covered+`) x GROUP BY cls`, append(append([]any{p.LastDay()}, in...), p.To, p.To)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c, n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return nil, err
		}
		get(c).Insured = n
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT cls, COUNT(*) FROM (
		SELECT `+classOf+` AS cls FROM claims c JOIN employers e ON e.uscc = c.uscc
		WHERE `+scope+` AND SUBSTR(c.injury_at, 1, 7) >= ? AND SUBSTR(c.injury_at, 1, 7) <= ?) x GROUP BY cls`,
		append(append([]any{p.LastDay()}, in...), p.From, p.To)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c, n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return nil, err
		}
		get(c).Claims = n
	}
	rows.Close()
	total := ClassRate{Class: -1, Label: "合计"}
	var out []ClassRate
	for c := 0; c <= 8; c++ {
		r := byClass[c]
		if r == nil {
			continue
		}
		r.Label = classLabel(c)
		r.PerMille = perMille(r.Claims, r.Insured)
		total.Claims += r.Claims
		out = append(out, *r)
	}
	// A person insured by two employers of different classes counts in both classes but once
	// in the total.
	if total.Insured, _, err = Insured(ctx, q, prefix, p.To); err != nil {
		return nil, err
	}
	total.PerMille = perMille(total.Claims, total.Insured)
	return append(out, total), rows.Err()
}

func classLabel(c int) string {
	r := []string{"未定类", "一类", "二类", "三类", "四类", "五类", "六类", "七类", "八类"}
	if c < 0 || c >= len(r) {
		return "未定类"
	}
	return r[c]
}

func perMille(claims, insured int) string {
	if insured == 0 {
		return ""
	}
	return big.NewRat(int64(claims)*1000, int64(insured)).FloatString(2)
}

// daysBetween is the SQL for the whole days from date column a to date column b.
func daysBetween(e store.Engine, a, b string) string {
	if e == store.Postgres {
		return fmt.Sprintf("(CAST(%s AS DATE) - CAST(%s AS DATE))", b, a)
	}
	return fmt.Sprintf("CAST(julianday(%s) - julianday(%s) AS INTEGER)", b, a)
}

func avgDays(total, n int64) string {
	if n == 0 {
		return ""
	}
	return big.NewRat(total, n).FloatString(1)
}

// DeterminationDays is the average calendar days from receipt to closing of the region's
// determination cases closed in the period (one decimal; "" when none closed), and how many.
func DeterminationDays(ctx context.Context, db *store.DB, prefix string, p Period) (string, int64, error) {
	var total, n int64
	scope, args := store.CodePrefix("region", prefix)
	err := db.QueryRow(ctx, `SELECT COALESCE(SUM(`+daysBetween(db.Engine, "received_on", "closed_on")+`), 0), COUNT(*)
		FROM determination_cases WHERE `+scope+` AND closed_on >= ? AND closed_on <= ?`,
		append(args, p.FirstDay(), p.LastDay())...).Scan(&total, &n)
	return avgDays(total, n), n, err
}

// AssessmentDays is the average calendar days from application to conclusion of the region's
// work-capacity assessments concluded in the period ("" when none), and how many.
func AssessmentDays(ctx context.Context, db *store.DB, prefix string, p Period) (string, int64, error) {
	var total, n int64
	scope, args := store.CodePrefix("a.region", prefix)
	err := db.QueryRow(ctx, `SELECT COALESCE(SUM(`+daysBetween(db.Engine, "a.applied_on", "c.on_date")+`), 0), COUNT(*)
		FROM assessment_cases a JOIN (SELECT case_id, MIN(on_date) AS on_date FROM casework_events
			WHERE entity = 'assessment' AND to_state = 'concluded' GROUP BY case_id) c ON c.case_id = a.id
		WHERE `+scope+` AND c.on_date >= ? AND c.on_date <= ?`,
		append(args, p.FirstDay(), p.LastDay())...).Scan(&total, &n)
	return avgDays(total, n), n, err
}

// Floating counts the approved rate decisions taking effect in the period by direction of
// the floating factor: above, at, or below the base rate.
func Floating(ctx context.Context, q store.Querier, prefix string, p Period) (up, base, down int, err error) {
	scope, args := store.CodePrefix("e.region", prefix)
	rows, err := q.Query(ctx, `SELECT r.float_factor, COUNT(*) FROM employer_rates r JOIN employers e ON e.uscc = r.uscc
		WHERE `+scope+` AND r.status = 'approved' AND r.effective_from >= ? AND r.effective_from <= ?
		GROUP BY r.float_factor`, append(args, p.FirstDay(), p.LastDay())...)
	if err != nil {
		return
	}
	defer rows.Close()
	one := big.NewRat(1, 1)
	for rows.Next() {
		var f string
		var n int
		if err = rows.Scan(&f, &n); err != nil {
			return
		}
		r, ok := new(big.Rat).SetString(f)
		if !ok {
			return 0, 0, 0, fmt.Errorf("indicator: float factor %q", f)
		}
		switch r.Cmp(one) {
		case 1:
			up += n
		case 0:
			base += n
		default:
			down += n
		}
	}
	err = rows.Err()
	return
}

// FundFlows sums the region's ledger income and expenditure between two dates, leaving out
// transfers between a city and its province (fund.PoolingAccounts): the fund's own flows.
func FundFlows(ctx context.Context, q store.Querier, prefix, from, to string) (income, expense money.Amount, err error) {
	units, args := store.CodePrefix("p.unit", prefix)
	rows, err := q.Query(ctx, `SELECT l.account, SUM(l.debit), SUM(l.credit)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.posted_on >= ? AND p.posted_on <= ? AND l.account <> 'bank'
		GROUP BY l.account`, append(args, from, to)...)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var acc string
		var d, c int64
		if err = rows.Scan(&acc, &d, &c); err != nil {
			return
		}
		if fund.IsPooling(acc) {
			continue
		}
		switch fund.Kind(acc) {
		case "income":
			income += money.Amount(c - d)
		case "expense":
			expense += money.Amount(d - c)
		}
	}
	err = rows.Err()
	return
}

// Balance is the region's bank balance at the end of date: everything received less
// everything paid, pooling transfers included.
func Balance(ctx context.Context, q store.Querier, prefix, date string) (money.Amount, error) {
	var s int64
	units, args := store.CodePrefix("p.unit", prefix)
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(l.debit - l.credit), 0)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.posted_on <= ? AND l.account = 'bank'`, append(args, date)...).Scan(&s)
	return money.Amount(s), err
}

// Capacity is the region's support capacity at the end of month: the balance then, divided by
// the average monthly expenditure (pooling transfers left out) of the 12 months ending with
// it, with the phased rate-cut recommendation (fund.SupportCapacity).
func Capacity(ctx context.Context, q store.Querier, prefix, month string) (fund.Capacity, error) {
	m, err := coverage.ParseMonth(month)
	if err != nil {
		return fund.Capacity{}, err
	}
	bal, err := Balance(ctx, q, prefix, lastDay(month))
	if err != nil {
		return fund.Capacity{}, err
	}
	units, args := store.CodePrefix("p.unit", prefix)
	rows, err := q.Query(ctx, `SELECT SUBSTR(p.posted_on, 1, 7), l.account, SUM(l.debit), SUM(l.credit)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.posted_on >= ? AND p.posted_on <= ? AND l.account LIKE 'expense:%'
		GROUP BY SUBSTR(p.posted_on, 1, 7), l.account`, append(args, (m-11).String()+"-01", lastDay(month))...)
	if err != nil {
		return fund.Capacity{}, err
	}
	defer rows.Close()
	byMonth := map[string]money.Amount{}
	for rows.Next() {
		var mm, acc string
		var d, c int64
		if err := rows.Scan(&mm, &acc, &d, &c); err != nil {
			return fund.Capacity{}, err
		}
		if !fund.IsPooling(acc) {
			byMonth[mm] += money.Amount(d - c)
		}
	}
	if err := rows.Err(); err != nil {
		return fund.Capacity{}, err
	}
	last12 := make([]money.Amount, 12)
	for i := range last12 {
		last12[i] = byMonth[(m - 11 + coverage.Month(i)).String()]
	}
	return fund.SupportCapacity(bal, last12), nil
}
