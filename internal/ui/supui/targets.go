package supui

import (
	"fmt"
	"html/template"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"wiis/internal/apperr"
	"wiis/internal/fund/fundweb"
	"wiis/internal/money"
	"wiis/internal/supervise"
	"wiis/internal/supervise/supstore"
	"wiis/internal/web"
)

// FormatValue writes an indicator figure as people read it: a count, yuan, or a percentage.
func FormatValue(ind supervise.Indicator, v int64) string {
	switch ind.Unit() {
	case "fen":
		return money.Amount(v).Grouped()
	case "bp":
		return FormatBP(v)
	}
	return strconv.FormatInt(v, 10)
}

// FormatBP writes basis points as a percentage with two decimals.
func FormatBP(v int64) string { return fmt.Sprintf("%d.%02d%%", v/100, v%100) }

// parseValue reads a target as typed: yuan for money, a percentage for a rate, a whole
// number otherwise. Errors: invalid.
func parseValue(ind supervise.Indicator, s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	switch ind.Unit() {
	case "fen":
		a, err := money.Parse(s)
		if err != nil {
			return 0, apperr.Invalidf("value", "sup.err.value")
		}
		return a.Fen(), nil
	case "bp":
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return 0, apperr.Invalidf("value", "sup.err.value")
		}
		r.Mul(r, big.NewRat(100, 1))
		if !r.IsInt() {
			return 0, apperr.Invalidf("value", "sup.err.value")
		}
		return r.Num().Int64(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, apperr.Invalidf("value", "sup.err.value")
	}
	return n, nil
}

// FigureRow is one indicator of a district, formatted.
type FigureRow struct {
	Indicator      supervise.Indicator
	Target, Actual string
	Progress       string
	Met            bool
}

// DistrictRow is one line of the ranking.
type DistrictRow struct {
	Rank    int
	Region  string
	Name    string
	Score   string
	Met     int
	Of      int
	Figures []FigureRow
}

func rows(e supervise.Evaluation) DistrictRow {
	d := DistrictRow{Rank: e.Rank, Region: e.Region, Name: e.Name, Score: FormatBP(e.Score), Met: e.Met, Of: len(e.Figures)}
	for _, f := range e.Figures {
		d.Figures = append(d.Figures, FigureRow{Indicator: f.Indicator, Target: FormatValue(f.Indicator, f.Target),
			Actual: FormatValue(f.Indicator, f.Actual), Progress: FormatBP(f.Progress), Met: f.Met})
	}
	return d
}

type targetsView struct {
	Year       int
	Region     string
	Name       string
	AsOf       string
	Whole      DistrictRow
	Districts  []DistrictRow
	Breakdown  []BreakdownRow
	Chart      template.HTML
	CanSet     bool
	Indicators []supervise.Indicator
	Children   []fundweb.Place
	Errors     map[string]string
	Form       map[string]string
}

// BreakdownRow compares a whole's target with the sum of its districts' targets.
type BreakdownRow struct {
	Indicator  supervise.Indicator
	Whole, Sum string
	Short      bool
}

func (h *handlers) evaluation(r *http.Request) (supstore.Evaluation, error) {
	year, err := supstore.ParseYear(r.FormValue("year"), clock().Year())
	if err != nil {
		return supstore.Evaluation{}, err
	}
	region, err := regionParam(r)
	if err != nil {
		return supstore.Evaluation{}, err
	}
	if supervise.IsDistrict(region) {
		region = supervise.ParentOf(region)
		if !web.CurrentUser(r).Sees(region) {
			return supstore.Evaluation{}, apperr.Invalidf("region", "sup.err.region")
		}
	}
	return h.sup.Evaluate(r.Context(), year, region)
}

func (h *handlers) targets(w http.ResponseWriter, r *http.Request) error {
	return h.showTargets(w, r, nil, nil, http.StatusOK)
}

func (h *handlers) showTargets(w http.ResponseWriter, r *http.Request, errs, form map[string]string, status int) error {
	ev, err := h.evaluation(r)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		// A bad year or region in the address: show the user's own, with the fault named.
		errs = map[string]string{"year": web.T(web.Lang(r), apperr.As(err).Message, apperr.As(err).Args...)}
		if ev, err = h.sup.Evaluate(r.Context(), clock().Year(), wholeOf(web.CurrentUser(r).Region)); err != nil {
			return err
		}
	}
	v := targetsView{Year: ev.Year, Region: ev.Region, Name: ev.Name, AsOf: ev.AsOf, Whole: rows(ev.Whole),
		CanSet:     PermTargetWrite.Allows(web.CurrentUser(r)) && !supervise.IsDistrict(web.CurrentUser(r).Region),
		Indicators: supervise.Indicators, Errors: errs, Form: form}
	if v.Form == nil {
		v.Form = map[string]string{"year": strconv.Itoa(ev.Year)}
	}
	for _, d := range ev.Districts {
		v.Districts = append(v.Districts, rows(d))
	}
	wholeTargets := map[supervise.Indicator]int64{}
	for _, f := range ev.Whole.Figures {
		wholeTargets[f.Indicator] = f.Target
	}
	for _, ind := range supervise.Indicators {
		sum, ok := ev.Breakdown[ind]
		wt, has := wholeTargets[ind]
		if !ind.Additive() || (!ok && !has) {
			continue
		}
		v.Breakdown = append(v.Breakdown, BreakdownRow{Indicator: ind, Whole: FormatValue(ind, wt), Sum: FormatValue(ind, sum), Short: has && sum < wt})
	}
	if len(ev.Districts) > 0 {
		labels := make([]string, len(ev.Districts))
		score := fundweb.Line{Name: web.T(web.Lang(r), "sup.tgt.score"), Values: make([]float64, len(ev.Districts)), OK: make([]bool, len(ev.Districts))}
		for i, d := range ev.Districts {
			labels[i] = d.Name
			score.Values[i], score.OK[i] = float64(d.Score)/100, true
		}
		v.Chart = fundweb.LineChart(web.T(web.Lang(r), "sup.tgt.chart"), labels, []fundweb.Line{score})
	}
	children, err := h.children(r, ev.Region)
	if err != nil {
		return err
	}
	v.Children = children
	h.s.Render(w, r, status, "sup_targets", v)
	return nil
}

func (h *handlers) children(r *http.Request, region string) ([]fundweb.Place, error) {
	rows, err := h.s.DB.Query(r.Context(), `SELECT code, name FROM regions WHERE parent = ? ORDER BY code`, region)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fundweb.Place
	for rows.Next() {
		var p fundweb.Place
		if err := rows.Scan(&p.Code, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (h *handlers) targetSet(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	form := map[string]string{}
	for _, k := range []string{"year", "target_region", "indicator", "value"} {
		form[k] = r.FormValue(k)
	}
	year, err := supstore.ParseYear(r.FormValue("year"), 0)
	ind := supervise.Indicator(r.FormValue("indicator"))
	var val int64
	if err == nil {
		if !ind.Valid() {
			err = apperr.Invalidf("indicator", "sup.err.indicator")
		} else {
			val, err = parseValue(ind, r.FormValue("value"))
		}
	}
	region := strings.TrimSpace(r.FormValue("target_region"))
	if err == nil && !u.Sees(region) {
		err = apperr.Invalidf("target_region", "sup.err.region")
	}
	if err == nil {
		err = h.sup.SetTarget(r.Context(), web.ActorOf(r), u.Region, supervise.TargetInput{Year: year, Region: region, Indicator: ind, Value: val})
	}
	if err != nil {
		fe, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		if m, ok := fe["region"]; ok {
			fe["target_region"] = m
		}
		return h.showTargets(w, r, fe, form, http.StatusUnprocessableEntity)
	}
	return redirect(w, r, fmt.Sprintf("/supervise/targets?year=%d&region=%s", year, wholeOf(region)))
}

type reportView struct {
	Year     int
	AsOf     string
	Whole    string
	District DistrictRow
	Count    int
}

// targetReport is the printable evaluation report of one district (?district=), or of the
// first in the ranking.
func (h *handlers) targetReport(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.evaluation(r)
	if err != nil {
		return err
	}
	if len(ev.Districts) == 0 {
		return apperr.NotFoundf("sup.err.no_targets")
	}
	d := ev.Districts[0]
	for _, x := range ev.Districts {
		if x.Region == r.FormValue("district") {
			d = x
		}
	}
	h.s.Render(w, r, http.StatusOK, "sup_target_report", reportView{Year: ev.Year, AsOf: ev.AsOf, Whole: ev.Name, District: rows(d), Count: len(ev.Districts)})
	return nil
}

// targetXLSX exports the ranking and every district's figures as a workbook.
func (h *handlers) targetXLSX(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.evaluation(r)
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	f := excelize.NewFile()
	defer f.Close()
	sheet := web.T(lang, "sup.tgt.ranking")
	f.SetSheetName("Sheet1", sheet)
	put := func(sheet string, rowsOut [][]any) error {
		for i, row := range rowsOut {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &row); err != nil {
				return err
			}
		}
		return f.SetColWidth(sheet, "A", "G", 18)
	}
	out := [][]any{{fmt.Sprintf("%s %d %s", ev.Name, ev.Year, web.T(lang, "sup.tgt.title")), web.T(lang, "sup.tgt.as_of"), ev.AsOf}, {},
		{web.T(lang, "sup.col.rank"), web.T(lang, "sup.col.region"), web.T(lang, "sup.col.name"), web.T(lang, "sup.tgt.score"), web.T(lang, "sup.tgt.met")}}
	for _, d := range ev.Districts {
		out = append(out, []any{d.Rank, d.Region, d.Name, float64(d.Score) / 100, fmt.Sprintf("%d/%d", d.Met, len(d.Figures))})
	}
	if err := put(sheet, out); err != nil {
		return err
	}
	det := web.T(lang, "sup.tgt.figures")
	if _, err := f.NewSheet(det); err != nil {
		return err
	}
	out = [][]any{{web.T(lang, "sup.col.region"), web.T(lang, "sup.col.name"), web.T(lang, "sup.col.indicator"),
		web.T(lang, "sup.col.target"), web.T(lang, "sup.col.actual"), web.T(lang, "sup.col.progress")}}
	for _, d := range append([]supervise.Evaluation{ev.Whole}, ev.Districts...) {
		for _, fg := range d.Figures {
			out = append(out, []any{d.Region, d.Name, msg(lang, "sup.ind."+string(fg.Indicator)),
				FormatValue(fg.Indicator, fg.Target), FormatValue(fg.Indicator, fg.Actual), float64(fg.Progress) / 100})
		}
	}
	if err := put(det, out); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="targets-%s-%d.xlsx"`, ev.Region, ev.Year))
	_, err = f.WriteTo(w)
	return err
}

func (h *handlers) apiEvaluation(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.evaluation(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, ev)
}

// wholeOf is the region whose evaluation shows a target: a district's city, or the whole
// itself.
func wholeOf(region string) string {
	if supervise.IsDistrict(region) {
		return supervise.ParentOf(region)
	}
	return region
}
