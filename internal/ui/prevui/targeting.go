package prevui

import (
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"

	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
)

type targetingData struct {
	Region     string
	Year       int
	Employers  prevstore.Ranking
	Industries prevstore.Ranking
	Targets    int
}

// defaultYear is the last full year: the one the figures are complete for.
func defaultYear() int { return clock().Year() - 1 }

func (h *handlers) targetingInput(r *http.Request) (string, int, error) {
	reg, err := region(r)
	if err != nil {
		return "", 0, err
	}
	y, err := year(r, "year", defaultYear())
	return reg, y, err
}

// targeting ranks the employers and industries of the region for a year, with the figures
// behind each rank and the class averages they were compared with.
func (h *handlers) targeting(w http.ResponseWriter, r *http.Request) error {
	reg, y, err := h.targetingInput(r)
	if err != nil {
		return err
	}
	d := targetingData{Region: reg, Year: y}
	if d.Employers, err = prevstore.EmployerRanking(r.Context(), h.db, reg, y); err != nil {
		return err
	}
	if d.Industries, err = prevstore.IndustryRanking(r.Context(), h.db, reg, y); err != nil {
		return err
	}
	for _, e := range d.Employers.Entries {
		if e.Target {
			d.Targets++
		}
	}
	h.s.Render(w, r, http.StatusOK, "prev_targeting", d)
	return nil
}

// indicatorNames are the Chinese names of the targeting indicators, for the workbook.
var indicatorNames = map[prevention.Indicator]string{
	prevention.AccidentRateAbove: "工伤发生率高于类别平均", prevention.ODRateAbove: "职业病发生率高于类别平均",
	prevention.ExpenditureRatioAbove: "支缴率高于类别平均",
}

// targetsXLSX writes the region's prevention target list as a workbook, with the figures
// behind each rank.
func (h *handlers) targetsXLSX(w http.ResponseWriter, r *http.Request) error {
	reg, y, err := h.targetingInput(r)
	if err != nil {
		return err
	}
	ts, err := prevstore.Targets(r.Context(), h.db, reg, y)
	if err != nil {
		return err
	}
	head := []any{"排名", "统一社会信用代码", "单位名称", "地区", "行业代码", "风险类别", "参保人月", "工伤人数", "工伤发生率（‰）",
		"类别发生率（‰）", "发生率指数", "职业病例数", "职业病发生率（‰）", "待遇支出（元）", "缴费（元）", "支缴率", "类别支缴率", "高于类别的指标"}
	rows := [][]any{{fmt.Sprintf("%s %d年工伤预防重点对象", reg, y)}, {}, head}
	for _, t := range ts {
		var above string
		for i, a := range t.Above {
			if i > 0 {
				above += "；"
			}
			above += indicatorNames[a]
		}
		rows = append(rows, []any{t.Rank, t.Key, t.Name, t.Region, t.Industry, t.Class.Label(), t.PersonMonths, t.Claims,
			num(t.AccidentRate), num(t.ClassAverage.AccidentRate), num(t.AccidentIndex), t.ODCases, num(t.ODRate),
			num(t.Benefits.String()), num(t.Contributions.String()), num(t.ExpenditureRatio), num(t.ClassAverage.ExpenditureRatio), above})
	}
	return writeXLSX(w, fmt.Sprintf("prevention-targets-%s-%d.xlsx", reg, y), "预防对象", rows)
}

// writeXLSX sends one sheet of rows as a workbook; the third row is the header. An export of
// personal data would be audited with its row count (security.md); these lists hold employers
// and aggregates only, so nothing personal leaves.
func writeXLSX(w http.ResponseWriter, name, sheet string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", sheet)
	if err := appendSheet(f, sheet, rows); err != nil {
		return err
	}
	return sendXLSX(w, name, f)
}

func appendSheet(f *excelize.File, sheet string, rows [][]any) error {
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	f.SetCellStyle(sheet, "A1", "A1", bold)
	if len(rows) > 2 {
		end, _ := excelize.CoordinatesToCellName(len(rows[2]), 3)
		f.SetCellStyle(sheet, "A3", end, bold)
	}
	f.SetColWidth(sheet, "A", "Z", 14)
	return nil
}

func sendXLSX(w http.ResponseWriter, name string, f *excelize.File) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := f.WriteTo(w)
	return err
}

// num writes a figure as a number so it adds up in Excel; a blank (no figure) stays blank.
func num(s string) any {
	var v float64
	if _, err := fmt.Sscan(s, &v); err == nil && s != "" {
		return v
	}
	return s
}
