package prevui

import (
	"fmt"
	"html/template"
	"math/big"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"wiis/internal/apperr"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/ui/chart"
	"wiis/internal/web"
)

type yearRate struct {
	Year                      int
	Reached, Others           string // accident rates per 1,000, "" without coverage
	ReachedEmployers, OthersE int
	Closed, Back              int
	Share                     string
}

type figuresData struct {
	Region     string
	From, To   int
	By         string
	Effect     []prevstore.EffectPoint
	Returns    []prevstore.ReturnPoint
	Years      []yearRate
	RateChart  template.HTML
	ShareChart template.HTML
}

func (h *handlers) loadFigures(r *http.Request) (figuresData, error) {
	var d figuresData
	var err error
	if d.Region, err = region(r); err != nil {
		return d, err
	}
	now := clock().Year()
	if d.To, err = year(r, "to", now); err != nil {
		return d, err
	}
	if d.From, err = year(r, "from", d.To-3); err != nil {
		return d, err
	}
	if d.From > d.To || d.To-d.From > 20 {
		return d, apperr.Invalidf("from", "pv.err.years")
	}
	d.By = r.FormValue("by")
	if d.By == "" {
		d.By = "region"
	}
	if d.Effect, err = prevstore.PreventionEffect(r.Context(), h.db, d.Region, d.From, d.To, d.By); err != nil {
		return d, err
	}
	if d.Returns, err = prevstore.ReturnToWork(r.Context(), h.db, d.Region, d.From, d.To, d.By); err != nil {
		return d, err
	}
	// Pool the groups by year for the charts: the rate of all reached employers against all
	// the others, and the share of all closed cases back at work.
	type acc struct{ pm, claims [2]int64 }
	pool := map[int]*acc{}
	yr := map[int]*yearRate{}
	for y := d.From; y <= d.To; y++ {
		pool[y] = &acc{}
		yr[y] = &yearRate{Year: y}
	}
	for _, p := range d.Effect {
		i := 0
		if p.Reached {
			i = 1
			yr[p.Year].ReachedEmployers += p.Employers
		} else {
			yr[p.Year].OthersE += p.Employers
		}
		pool[p.Year].pm[i] += p.PersonMonths
		pool[p.Year].claims[i] += p.Claims
	}
	for _, p := range d.Returns {
		yr[p.Year].Closed += p.Closed
		yr[p.Year].Back += p.SameJob + p.OtherJob
	}
	labels := []string{}
	lines := []chart.Line{{Name: web.T(web.Lang(r), "pv.fig.reached")}, {Name: web.T(web.Lang(r), "pv.fig.others")}}
	share := []chart.Line{{Name: web.T(web.Lang(r), "pv.fig.share")}}
	for y := d.From; y <= d.To; y++ {
		a, row := pool[y], yr[y]
		labels = append(labels, strconv.Itoa(y))
		for i, dst := range []*string{&row.Others, &row.Reached} {
			li := &lines[1-i]
			if a.pm[i] > 0 {
				rate := new(big.Rat).SetFrac64(a.claims[i]*12000, a.pm[i])
				*dst = rate.FloatString(2)
				f, _ := rate.Float64()
				li.Values, li.OK = append(li.Values, f), append(li.OK, true)
			} else {
				li.Values, li.OK = append(li.Values, 0), append(li.OK, false)
			}
		}
		if row.Closed > 0 {
			s := new(big.Rat).SetFrac64(int64(100*row.Back), int64(row.Closed))
			row.Share = s.FloatString(1)
			f, _ := s.Float64()
			share[0].Values, share[0].OK = append(share[0].Values, f), append(share[0].OK, true)
		} else {
			share[0].Values, share[0].OK = append(share[0].Values, 0), append(share[0].OK, false)
		}
		d.Years = append(d.Years, *row)
	}
	d.RateChart = chart.LineChart(web.T(web.Lang(r), "pv.fig.rate_chart"), labels, lines)
	d.ShareChart = chart.LineChart(web.T(web.Lang(r), "pv.fig.share_chart"), labels, share)
	return d, nil
}

// figures is the leaders' page: accident rates where prevention money went against elsewhere
// and the share of rehabilitated workers back at work, by year, by region or industry, as
// SVG charts and tables.
func (h *handlers) figures(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadFigures(r)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "prev_figures", d)
	return nil
}

// figuresXLSX writes the same figures as a workbook: the yearly summary, the accident rates
// by group and the return to work by group.
func (h *handlers) figuresXLSX(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadFigures(r)
	if err != nil {
		return err
	}
	group := map[string]string{"region": "地区", "industry": "行业大类"}[d.By]
	title := fmt.Sprintf("%s %d—%d年工伤预防与康复成效", d.Region, d.From, d.To)
	sum := [][]any{{title}, {}, {"年度", "预防覆盖单位数", "其工伤发生率（‰）", "其他单位数", "其他单位工伤发生率（‰）", "康复结案数", "返岗人数", "返岗率（%）"}}
	for _, y := range d.Years {
		sum = append(sum, []any{y.Year, y.ReachedEmployers, num(y.Reached), y.OthersE, num(y.Others), y.Closed, y.Back, num(y.Share)})
	}
	eff := [][]any{{title}, {}, {"年度", group, "是否预防覆盖", "单位数", "参保人月", "工伤人数", "工伤发生率（‰）"}}
	for _, p := range d.Effect {
		eff = append(eff, []any{p.Year, p.Group, map[bool]string{true: "是", false: "否"}[p.Reached], p.Employers, p.PersonMonths, p.Claims, num(p.Rate)})
	}
	ret := [][]any{{title}, {}, {"年度", group, "结案数", "原岗位", "调整岗位", "未返岗", "返岗率（%）"}}
	for _, p := range d.Returns {
		ret = append(ret, []any{p.Year, p.Group, p.Closed, p.SameJob, p.OtherJob, p.None, num(p.Share)})
	}
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "汇总")
	for _, s := range []struct {
		name string
		rows [][]any
	}{{"汇总", sum}, {"工伤发生率", eff}, {"返岗", ret}} {
		if err := appendSheet(f, s.name, s.rows); err != nil {
			return err
		}
	}
	return sendXLSX(w, fmt.Sprintf("prevention-figures-%s-%d-%d.xlsx", d.Region, d.From, d.To), f)
}
