package fundweb

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"wiis/internal/apperr"
	"wiis/internal/fund"
	"wiis/internal/fund/budget"
	"wiis/internal/fund/indicator"
	"wiis/internal/money"
	"wiis/internal/store"
)

// Report is a monthly (月报) or yearly (年报) report of a region: the indicators for the
// period and a comparison period, the fund's income and expenditure by category, support
// capacity and the accident rate by industry class. The printable page and the Excel file
// are both drawn from it.
type Report struct {
	Kind       string                  `json:"kind"` // monthly | yearly
	Title      string                  `json:"title"`
	Region     Place                   `json:"region"`
	Period     string                  `json:"period"`
	Columns    []string                `json:"columns"`
	Indicators []ReportRow             `json:"indicators"`
	Accounts   []ReportRow             `json:"accounts"`
	Capacity   fund.Capacity           `json:"capacity"`
	Accidents  []indicator.ClassRate   `json:"accidents"`
	Generated  string                  `json:"generated"`
	Prevention fund.Prevention         `json:"prevention"`
	Policy     budget.PreventionPolicy `json:"-"`
}

// ReportRow is one line of a report table.
type ReportRow struct {
	Name   string   `json:"name"`
	Unit   string   `json:"unit"`
	Values []string `json:"values"`
}

// BuildReport computes a report. Monthly: the month and the year to date; yearly: the year
// and the year before.
func BuildReport(ctx context.Context, db *store.DB, kind string, reg Place, period string) (Report, error) {
	rep := Report{Kind: kind, Region: reg, Period: period, Generated: time.Now().Format("2006-01-02 15:04")}
	var periods []indicator.Period
	switch kind {
	case "monthly":
		t, err := time.Parse("2006-01", period)
		if err != nil {
			return rep, apperr.Invalidf("period", "fund.err.period")
		}
		ytd := indicator.Period{Label: fmt.Sprintf("%d年1-%d月", t.Year(), int(t.Month())), From: t.Format("2006") + "-01", To: period}
		periods = []indicator.Period{{Label: period, From: period, To: period}, ytd}
		rep.Title = fmt.Sprintf("%s工伤保险基金月报（%d年%d月）", reg.Name, t.Year(), int(t.Month()))
	case "yearly":
		y, err := strconv.Atoi(period)
		if err != nil || y < 2000 || y > 2100 {
			return rep, apperr.Invalidf("period", "fund.err.period")
		}
		periods, _ = indicator.Periods("year", strconv.Itoa(y-1), period)
		periods[0], periods[1] = periods[1], periods[0]
		rep.Title = fmt.Sprintf("%s工伤保险基金年报（%d年度）", reg.Name, y)
	default:
		return rep, apperr.NotFoundf("fund.err.not_found")
	}
	for _, p := range periods {
		rep.Columns = append(rep.Columns, p.Label)
	}
	series, err := indicator.Compute(ctx, db, reg.Code, periods)
	if err != nil {
		return rep, err
	}
	for _, s := range series {
		row := ReportRow{Name: s.Zh, Unit: s.Unit}
		for _, p := range s.Points {
			row.Values = append(row.Values, p.Text)
		}
		rep.Indicators = append(rep.Indicators, row)
	}
	prefix := fund.UnitPrefix(reg.Code)
	var totals []map[string]money.Amount
	for _, p := range periods {
		t, err := budget.AccountTotals(ctx, db, prefix, p.FirstDay(), p.LastDay())
		if err != nil {
			return rep, err
		}
		totals = append(totals, t)
	}
	for _, a := range accounts()[1:] {
		row := ReportRow{Name: a.Name, Unit: "yuan"}
		seen := false
		for _, t := range totals {
			v, ok := t[a.Code]
			seen = seen || ok
			row.Values = append(row.Values, v.String())
		}
		if seen {
			rep.Accounts = append(rep.Accounts, row)
		}
	}
	last := periods[0]
	if rep.Capacity, err = indicator.Capacity(ctx, db, prefix, last.To); err != nil {
		return rep, err
	}
	if rep.Accidents, err = indicator.Accidents(ctx, db, prefix, last); err != nil {
		return rep, err
	}
	year, _ := strconv.Atoi(last.To[:4])
	rep.Prevention, rep.Policy, err = budget.Prevention(ctx, db, reg.Code, year)
	return rep, err
}

func (h *handlers) report(r *http.Request) (Report, error) {
	kind := r.PathValue("kind")
	if kind != "monthly" && kind != "yearly" {
		return Report{}, apperr.NotFoundf("fund.err.not_found")
	}
	reg, err := region(r, "region")
	if err != nil {
		return Report{}, err
	}
	period := r.FormValue("period")
	if period == "" {
		last := time.Now().AddDate(0, -1, 0)
		period = last.Format("2006-01")
		if kind == "yearly" {
			period = strconv.Itoa(time.Now().Year() - 1)
		}
	}
	return BuildReport(r.Context(), h.db, kind, h.place(r.Context(), reg), period)
}

func (h *handlers) reportsPage(w http.ResponseWriter, r *http.Request) error {
	reg, err := region(r, "region")
	if err != nil {
		return err
	}
	now := time.Now()
	h.render(w, r, "fund_reports", map[string]any{"Region": h.place(r.Context(), reg),
		"Month": now.AddDate(0, -1, 0).Format("2006-01"), "Year": strconv.Itoa(now.Year() - 1)})
	return nil
}

func (h *handlers) reportPrint(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	h.render(w, r, "fund_report", rep)
	return nil
}

func (h *handlers) reportXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.report(r)
	if err != nil {
		return err
	}
	f, err := ReportXLSX(rep)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="fund-%s-%s-%s.xlsx"`, rep.Kind, rep.Region.Code, rep.Period))
	_, err = f.WriteTo(w)
	return err
}

// unitNames are the Chinese units of indicator figures for reports.
var unitNames = map[string]string{"persons": "人", "employers": "户", "pct": "%", "yuan": "元", "per_mille": "‰",
	"days": "天", "months": "月", "count": "户"}

// ReportXLSX writes a report as a workbook: one sheet of indicators, one of income and
// expenditure by category, one of the accident rate by class, with the title and the
// capacity figure on the first sheet.
func ReportXLSX(rep Report) (*excelize.File, error) {
	f := excelize.NewFile()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	write := func(sheet string, rows [][]any) error {
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &row); err != nil {
				return err
			}
		}
		f.SetColWidth(sheet, "A", "A", 28)
		f.SetColWidth(sheet, "B", "E", 16)
		return nil
	}
	sheet := "指标"
	f.SetSheetName("Sheet1", sheet)
	head := []any{"指标", "单位"}
	for _, c := range rep.Columns {
		head = append(head, c)
	}
	rows := [][]any{{rep.Title}, {"地区", rep.Region.Name + "（" + rep.Region.Code + "）", "生成时间", rep.Generated}, {}, head}
	for _, ir := range rep.Indicators {
		row := []any{ir.Name, unitNames[ir.Unit]}
		for _, v := range ir.Values {
			row = append(row, cellValue(v))
		}
		rows = append(rows, row)
	}
	rows = append(rows, []any{}, []any{"累计结余", cellValue(rep.Capacity.Balance.String())},
		[]any{"近12个月月均支出", cellValue(rep.Capacity.MonthlyAverage.String())},
		[]any{"可支付月数", cellValue(rep.Capacity.Months)}, []any{"降费建议", rep.Capacity.Recommendation})
	if err := write(sheet, rows); err != nil {
		return nil, err
	}
	f.SetCellStyle(sheet, "A1", "A1", bold)
	f.SetCellStyle(sheet, "A4", "E4", bold)

	f.NewSheet("收支")
	head = []any{"科目", "单位"}
	for _, c := range rep.Columns {
		head = append(head, c)
	}
	rows = [][]any{head}
	for _, ar := range rep.Accounts {
		row := []any{ar.Name, "元"}
		for _, v := range ar.Values {
			row = append(row, cellValue(v))
		}
		rows = append(rows, row)
	}
	rows = append(rows, []any{}, []any{"工伤预防费上限", cellValue(rep.Prevention.Cap.String())},
		[]any{"工伤预防费支出", cellValue(rep.Prevention.Spent.String())}, []any{"其中培训", cellValue(rep.Prevention.Training.String())})
	for _, wmsg := range rep.Prevention.Warnings {
		rows = append(rows, []any{"提示", wmsg})
	}
	if err := write("收支", rows); err != nil {
		return nil, err
	}
	f.SetCellStyle("收支", "A1", "E1", bold)

	f.NewSheet("工伤发生率")
	rows = [][]any{{"行业风险类别", "参保人数", "工伤人数", "发生率（‰）"}}
	for _, a := range rep.Accidents {
		rows = append(rows, []any{a.Label, a.Insured, a.Claims, cellValue(a.PerMille)})
	}
	if err := write("工伤发生率", rows); err != nil {
		return nil, err
	}
	f.SetCellStyle("工伤发生率", "A1", "D1", bold)
	return f, nil
}

// cellValue writes figures as numbers so they add up in Excel, and anything else as text.
func cellValue(s string) any {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return v
	}
	return s
}
