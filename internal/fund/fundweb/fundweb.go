// Package fundweb is the fund officer's part of the web back office (issue 8,
// fund-and-service.md): the indicator dashboard with server-drawn SVG trend charts and the
// figures behind them, the ledger (postings, manual entries with four-eyes approval,
// reversals, the trial balance), provincial pooling runs and their approval, budgets with
// execution, the prevention fee and support capacity, and the monthly and yearly reports as
// printable pages and Excel files; plus a JSON API for the main figures and the demo data of
// a province. Fund officers act; auditors read.
package fundweb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/fund"
	"wiis/internal/fund/indicator"
	"wiis/internal/fund/pooling"
	"wiis/internal/money"
	regiontree "wiis/internal/region"
	"wiis/internal/store"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Permissions: officers of the fund act; the auditor reads everything a fund officer sees.
var (
	PermRead  = auth.NewPerm("fund.read", auth.FundOfficer, auth.Auditor)
	PermWrite = auth.NewPerm("fund.write", auth.FundOfficer)
)

// Templates returns the module's page templates, so tests can check their message keys.
func Templates() fs.FS {
	sub, _ := fs.Sub(templates, "templates")
	return sub
}

func init() {
	web.Register(web.Module{Name: "fund", Templates: Templates(), Messages: messages, Install: install})
}

type handlers struct {
	db  *store.DB
	srv *web.Server
}

// render writes a page with status 200, or status when given.
func (h *handlers) render(w http.ResponseWriter, r *http.Request, page string, data any, status ...int) {
	code := http.StatusOK
	if len(status) > 0 {
		code = status[0]
	}
	h.srv.Render(w, r, code, page, data)
}

func install(s *web.Server) {
	h := &handlers{db: s.DB, srv: s}
	get := func(pattern, nav string, fn web.HandlerFunc) {
		s.Handle(web.Route{Method: "GET", Pattern: pattern, Nav: nav, Perm: PermRead, Handler: fn})
	}
	post := func(pattern string, fn web.HandlerFunc) {
		s.Handle(web.Route{Method: "POST", Pattern: pattern, Perm: PermWrite, Handler: fn})
	}
	get("/fund", "fund.nav.dashboard", h.dashboard)
	get("/fund/indicators/{key}", "", h.indicatorPage)
	get("/fund/ledger", "fund.nav.ledger", h.ledgerPage)
	post("/fund/ledger", h.ledgerPropose)
	get("/fund/ledger/{id}", "", h.postingPage)
	post("/fund/ledger/{id}/decide", h.postingDecide)
	post("/fund/ledger/{id}/reverse", h.postingReverse)
	get("/fund/trial-balance", "fund.nav.trial", h.trialPage)
	get("/fund/pooling", "fund.nav.pooling", h.poolingPage)
	post("/fund/pooling", h.poolingPropose)
	get("/fund/pooling/{id}", "", h.runPage)
	post("/fund/pooling/{id}/decide", h.runDecide)
	get("/fund/budgets", "fund.nav.budgets", h.budgetsPage)
	post("/fund/budgets", h.budgetSet)
	get("/fund/reports", "fund.nav.reports", h.reportsPage)
	get("/fund/reports/{kind}", "", h.reportPrint)
	get("/fund/reports/{kind}/xlsx", "", h.reportXLSX)
	api := func(pattern, summary string, resp any, fn web.HandlerFunc) {
		s.Handle(web.Route{Method: "GET", Pattern: pattern, Perm: PermRead, Handler: fn,
			API: &web.APIDoc{Summary: summary, Response: resp}})
	}
	api("/api/v1/fund/indicators", "指标序列 / Indicator series (?region&grain=month|year&from&to)", []indicator.Series{}, h.apiIndicators)
	api("/api/v1/fund/trial-balance", "试算平衡表 / Trial balance (?region&from&to)", TrialBalance{}, h.apiTrial)
	api("/api/v1/fund/capacity", "基金支付能力 / Support capacity (?region&month)", fund.Capacity{}, h.apiCapacity)
	api("/api/v1/fund/budgets", "预算执行 / Budget execution (?unit&year)", BudgetView{}, h.apiBudgets)
	api("/api/v1/fund/pooling/{id}", "省级调剂方案 / A pooling run", pooling.Run{}, h.apiRun)
}

// region reads ?region= (default: the user's own), which must be within the user's scope.
// Errors: invalid.
func region(r *http.Request, param string) (string, error) {
	u := web.CurrentUser(r)
	code := strings.TrimSpace(r.FormValue(param))
	if code == "" {
		return u.Region, nil
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" || !u.Sees(code) {
		return "", apperr.Invalidf(param, "fund.err.region")
	}
	return code, nil
}

// Place is a region with its name, for breadcrumbs and drill-down links.
type Place struct{ Code, Name string }

func (h *handlers) place(ctx context.Context, code string) Place {
	return Place{Code: code, Name: regiontree.Name(ctx, h.db, code, "zh")}
}

// crumbs are the region's ancestors the user may see, then the region; children are the
// regions directly under it.
func (h *handlers) crumbs(ctx context.Context, u *auth.User, code string) (crumbs, children []Place, err error) {
	chain := []string{}
	if len(code) == 6 {
		prov, city := code[:2]+"0000", code[:4]+"00"
		chain = append(chain, prov)
		if city != prov {
			chain = append(chain, city)
		}
		if code != city {
			chain = append(chain, code)
		}
	}
	for _, c := range chain {
		if u.Sees(c) {
			crumbs = append(crumbs, h.place(ctx, c))
		}
	}
	kids, err := regiontree.Children(ctx, h.db, code)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range kids {
		children = append(children, Place{Code: k.Code, Name: k.Name})
	}
	return crumbs, children, nil
}

// Range is the dashboard's choice of region and periods.
type Range struct {
	Region   string
	Grain    string
	From, To string
	Periods  []indicator.Period
}

// readRange reads region, grain and from/to, defaulting to the 24 months (or 3 years) up to
// the latest month with ledger postings for the region (or the current month).
func (h *handlers) readRange(r *http.Request) (Range, error) {
	var rg Range
	var err error
	if rg.Region, err = region(r, "region"); err != nil {
		return rg, err
	}
	rg.Grain = r.FormValue("grain")
	if rg.Grain != "year" {
		rg.Grain = "month"
	}
	var last sql.NullString
	units, args := store.CodePrefix("unit", fund.UnitPrefix(rg.Region))
	if err := h.db.QueryRow(r.Context(), `SELECT MAX(posted_on) FROM ledger_postings WHERE status = 'posted' AND `+units,
		args...).Scan(&last); err != nil {
		return rg, err
	}
	end := time.Now().Format("2006-01")
	if last.Valid && len(last.String) >= 7 {
		end = last.String[:7]
	}
	endT, _ := time.Parse("2006-01", end)
	rg.From, rg.To = r.FormValue("from"), r.FormValue("to")
	if rg.Grain == "year" {
		if rg.To == "" {
			rg.To = end[:4]
		}
		if rg.From == "" {
			rg.From = strconv.Itoa(endT.Year() - 2)
		}
	} else {
		if rg.To == "" {
			rg.To = end
		}
		if rg.From == "" {
			rg.From = endT.AddDate(0, -23, 0).Format("2006-01")
		}
	}
	rg.Periods, err = indicator.Periods(rg.Grain, rg.From, rg.To)
	if err != nil || len(rg.Periods) == 0 {
		return rg, apperr.Invalidf("from", "fund.err.period")
	}
	return rg, nil
}

func (rg Range) Query() string {
	return fmt.Sprintf("region=%s&grain=%s&from=%s&to=%s", rg.Region, rg.Grain, rg.From, rg.To)
}

// name picks the indicator's name in the request's language.
func name(r *http.Request, d indicator.Def) string {
	if web.Lang(r) == web.LangEn {
		return d.En
	}
	return d.Zh
}

// Chart is one drawn chart with the indicators on it.
type Chart struct {
	Key   string
	Title string
	SVG   any
	Keys  []string
}

type dashData struct {
	Range    Range
	Crumbs   []Place
	Children []Place
	Charts   []Chart
	Labels   []string
	Rows     []tableRow
	Capacity fund.Capacity
	Accident []indicator.ClassRate
	Query    string
}

type tableRow struct {
	Key, Name, Unit string
	Values          []string
}

func (h *handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	rg, err := h.readRange(r)
	if err != nil {
		return err
	}
	series, err := indicator.Compute(r.Context(), h.db, rg.Region, rg.Periods)
	if err != nil {
		return err
	}
	d := dashData{Range: rg, Query: rg.Query()}
	if d.Crumbs, d.Children, err = h.crumbs(r.Context(), web.CurrentUser(r), rg.Region); err != nil {
		return err
	}
	for _, p := range rg.Periods {
		d.Labels = append(d.Labels, p.Label)
	}
	byChart := map[string]*Chart{}
	var order []string
	for _, s := range series {
		c := byChart[s.Chart]
		if c == nil {
			c = &Chart{Key: s.Key}
			byChart[s.Chart] = c
			order = append(order, s.Chart)
		}
		c.Keys = append(c.Keys, s.Key)
		row := tableRow{Key: s.Key, Name: name(r, s.Def), Unit: s.Unit}
		for _, p := range s.Points {
			row.Values = append(row.Values, p.Text)
		}
		d.Rows = append(d.Rows, row)
	}
	for _, k := range order {
		c := byChart[k]
		var lines []Line
		var names []string
		for _, key := range c.Keys {
			for _, s := range series {
				if s.Key == key {
					lines = append(lines, lineOf(name(r, s.Def), s.Points))
					names = append(names, name(r, s.Def))
				}
			}
		}
		c.Title = strings.Join(names, " / ")
		c.SVG = LineChart(c.Title, d.Labels, lines)
		d.Charts = append(d.Charts, *c)
	}
	last := rg.Periods[len(rg.Periods)-1]
	if d.Capacity, err = indicator.Capacity(r.Context(), h.db, fund.UnitPrefix(rg.Region), last.To); err != nil {
		return err
	}
	if d.Accident, err = indicator.Accidents(r.Context(), h.db, fund.UnitPrefix(rg.Region), last); err != nil {
		return err
	}
	h.render(w, r, "fund_dashboard", d)
	return nil
}

func lineOf(name string, pts []indicator.Point) Line {
	l := Line{Name: name}
	for _, p := range pts {
		l.Values = append(l.Values, p.Value)
		l.OK = append(l.OK, p.Text != "")
	}
	return l
}

type indicatorData struct {
	Range  Range
	Def    indicator.Def
	Name   string
	Chart  any
	Points []indicator.Point
	Query  string
}

func (h *handlers) indicatorPage(w http.ResponseWriter, r *http.Request) error {
	def, ok := indicator.DefOf(r.PathValue("key"))
	if !ok {
		return apperr.NotFoundf("fund.err.no_indicator")
	}
	rg, err := h.readRange(r)
	if err != nil {
		return err
	}
	series, err := indicator.Compute(r.Context(), h.db, rg.Region, rg.Periods)
	if err != nil {
		return err
	}
	d := indicatorData{Range: rg, Def: def, Name: name(r, def), Query: rg.Query()}
	var labels []string
	for _, s := range series {
		if s.Key == def.Key {
			d.Points = s.Points
		}
	}
	for _, p := range d.Points {
		labels = append(labels, p.Period)
	}
	d.Chart = LineChart(d.Name, labels, []Line{lineOf(d.Name, d.Points)})
	h.render(w, r, "fund_indicator", d)
	return nil
}

func (h *handlers) apiIndicators(w http.ResponseWriter, r *http.Request) error {
	rg, err := h.readRange(r)
	if err != nil {
		return err
	}
	series, err := indicator.Compute(r.Context(), h.db, rg.Region, rg.Periods)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, series)
}

func (h *handlers) apiCapacity(w http.ResponseWriter, r *http.Request) error {
	rg, err := h.readRange(r)
	if err != nil {
		return err
	}
	month := r.FormValue("month")
	if month == "" {
		month = rg.Periods[len(rg.Periods)-1].To
	}
	if _, err := time.Parse("2006-01", month); err != nil {
		return apperr.Invalidf("month", "fund.err.period")
	}
	c, err := indicator.Capacity(r.Context(), h.db, fund.UnitPrefix(rg.Region), month)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, c)
}

func (h *handlers) apiRun(w http.ResponseWriter, r *http.Request) error {
	run, err := h.scopedRun(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, run)
}

// scopedRun loads the run of the path's id; runs of a province the user has no part of do
// not exist for them. Errors: invalid, not_found.
func (h *handlers) scopedRun(r *http.Request) (pooling.Run, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return pooling.Run{}, apperr.Invalidf("id", "fund.err.id")
	}
	run, err := pooling.Get(r.Context(), h.db, id)
	if err != nil {
		return run, err
	}
	if !strings.HasPrefix(web.CurrentUser(r).Region, run.Province[:2]) {
		return run, apperr.NotFoundf("fund.err.not_found")
	}
	return run, nil
}

// formAmount reads a yuan amount from a form field. Errors: invalid.
func formAmount(r *http.Request, field string) (money.Amount, error) {
	a, err := money.Parse(strings.TrimSpace(r.PostFormValue(field)))
	if err != nil || a <= 0 {
		return 0, apperr.Invalidf(field, "fund.err.amount")
	}
	return a, nil
}

// formError keeps the user's input and shows the error next to its field when err is an
// invalid-input error; other errors go to Fail.
func formError(r *http.Request, err error) (map[string]string, error) {
	fe, err := web.FieldErrors(r, err)
	if err != nil && (apperr.CodeOf(err) == apperr.Conflict || apperr.CodeOf(err) == apperr.Forbidden) {
		e := apperr.As(err)
		return map[string]string{"_": web.T(web.Lang(r), e.Message, e.Args...)}, nil
	}
	return fe, err
}
