package calcui

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"wiis/internal/benefit"
	"wiis/internal/benefitpolicy"
	"wiis/internal/policy"
	"wiis/internal/web"
)

// calcData is what calc.html (both forms) and calc_notice.html receive.
type calcData struct {
	Staff        bool
	Action       string
	Form         form
	Errors       map[string]string
	ErrorSummary string
	Regions      []regionOption
	RegionName   string
	Deps         []depRow
	Lists        lists
	Grades       []int
	GradeList    []int
	Sources      []source
	Loaded       bool // the params were just (re)loaded from policy
	Result       *resultView
}

// source tells where a filled-in parameter comes from.
type source struct {
	Param, Value, Region, From, Note string
}

// resultView is a Result with its labels in the reader's language.
type resultView struct {
	OwnWage, OwnWageRaw, OwnWageRule string
	Items                            []itemView
	Totals                           benefit.Totals
}

type itemView struct {
	benefit.Item
	Label               string
	NMonths, NFromMonth int
}

// depRow is one dependant row of the form: its index and its number for people.
type depRow struct{ I, N int }

// lists are the choices of the form's selects, in order.
type lists struct {
	SelfCare, Death, Relation, RetireCategory, SubsidyBase, ParamMoney, ParamTables []string
}

var formLists = lists{
	SelfCare:       []string{"full", "most", "partial"},
	Death:          []string{"work", "after_disability", "missing"},
	Relation:       []string{"spouse", "child", "parent", "grandparent", "grandchild", "sibling"},
	RetireCategory: []string{"male", "female_cadre", "female_worker"},
	SubsidyBase:    []string{"own_wage", "area_avg_wage", "province_avg_wage"},
	ParamMoney:     paramMoney,
	ParamTables:    paramTables,
}

func newResultView(res benefit.Result, lang string) *resultView {
	v := &resultView{Totals: res.Totals}
	if res.OwnWage != nil {
		v.OwnWage = res.OwnWage.String()
	}
	if res.OwnWageRaw != nil {
		v.OwnWageRaw = res.OwnWageRaw.String()
	}
	if res.OwnWageRule != nil {
		v.OwnWageRule = *res.OwnWageRule
	}
	for _, it := range res.Items {
		label := it.Name
		if lang == web.LangEn && it.NameEn != "" {
			label = it.NameEn
		}
		if it.Dependent != nil {
			label = fmt.Sprintf("%s (%d)", label, *it.Dependent+1)
		}
		iv := itemView{Item: it, Label: label}
		if it.Months != nil {
			iv.NMonths = *it.Months
		}
		if it.FromMonth != nil {
			iv.NFromMonth = *it.FromMonth
		}
		v.Items = append(v.Items, iv)
	}
	return v
}

func (h *handlers) newData(ctx context.Context, r *http.Request, staff bool, f form) (*calcData, error) {
	d := &calcData{Staff: staff, Action: "/calc", Form: f, Errors: map[string]string{},
		Grades: subsidyGrades, Lists: formLists, GradeList: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	if staff {
		d.Action = "/benefits/calc"
	}
	for i := 0; i < dependentRows; i++ {
		d.Deps = append(d.Deps, depRow{I: i, N: i + 1})
	}
	regs, err := regionOptions(ctx, h.db, web.Lang(r))
	if err != nil {
		return nil, err
	}
	d.Regions = regs
	for _, g := range regs {
		if g.Code == f["region"] {
			d.RegionName = g.Label
		}
	}
	return d, nil
}

// publicPage is GET /calc: the empty public calculator.
func (h *handlers) publicPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.newData(r.Context(), r, false, form{"insured": "true"})
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "calc", d)
	return nil
}

// publicSubmit is POST /calc: calculate with the region's policy, never explicit params.
func (h *handlers) publicSubmit(w http.ResponseWriter, r *http.Request) error {
	f := readForm(r)
	d, err := h.newData(r.Context(), r, false, f)
	if err != nil {
		return err
	}
	if ok, _ := h.limit.Allow(clientOf(r)); !ok {
		d.ErrorSummary = fmt.Sprintf(web.T(web.Lang(r), "calc.rate_limited"), RatePerMinute)
		h.s.Render(w, r, http.StatusTooManyRequests, "calc", d)
		return nil
	}
	status, err := h.calculate(r, d, false)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "calc", d)
	return nil
}

// calculate runs the form's case through decode, policy fill and the calculator, setting the
// result or the field errors; it returns the status to answer with.
func (h *handlers) calculate(r *http.Request, d *calcData, withParams bool) (int, error) {
	c, err := d.Form.decode(withParams)
	if err == nil && c.Region == "" && !withParams {
		err = &benefit.FieldError{Field: "region", Message: "choose the region", MessageZH: "请选择地区"}
	}
	if err == nil {
		err = benefitpolicy.Fill(r.Context(), h.db, &c)
	}
	var res benefit.Result
	if err == nil {
		res, err = benefit.Calculate(c)
	}
	if err != nil {
		if err := d.setError(r, err); err != nil {
			return 0, err
		}
		return http.StatusUnprocessableEntity, nil
	}
	d.Result = newResultView(res, web.Lang(r))
	return http.StatusOK, nil
}

// staffPage is GET /benefits/calc: the caseworkers' form; with ?region=&injury_date= the
// region's parameters in force on that date are filled in.
func (h *handlers) staffPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := form{"insured": "true"}
	for _, k := range []string{"region", "injury_date"} {
		if v := q.Get(k); v != "" && len(v) < 20 {
			f[k] = v
		}
	}
	d, err := h.newData(r.Context(), r, true, f)
	if err != nil {
		return err
	}
	return h.renderLoaded(w, r, d)
}

// renderLoaded fills the form's params from policy and shows the form.
func (h *handlers) renderLoaded(w http.ResponseWriter, r *http.Request, d *calcData) error {
	if err := h.loadParams(r, d); err != nil {
		return err
	}
	status := http.StatusOK
	if len(d.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.s.Render(w, r, status, "calc", d)
	return nil
}

// staffSubmit is POST /benefits/calc. The button pressed decides: "load" (re)fills the
// parameters from policy, "notice" calculates and shows the printable benefit notice, anything
// else calculates on the page.
func (h *handlers) staffSubmit(w http.ResponseWriter, r *http.Request) error {
	f := readForm(r)
	d, err := h.newData(r.Context(), r, true, f)
	if err != nil {
		return err
	}
	action := f["action"]
	delete(f, "action")
	delete(f, "csrf")
	if action == "load" {
		for k := range f {
			if len(k) > 7 && k[:7] == "params." {
				delete(f, k)
			}
		}
		return h.renderLoaded(w, r, d)
	}
	if err := h.sources(r, d); err != nil {
		return err
	}
	status, err := h.calculate(r, d, true)
	if err != nil {
		return err
	}
	if action == "notice" && d.Result != nil {
		h.s.Render(w, r, status, "calc_notice", d)
		return nil
	}
	h.s.Render(w, r, status, "calc", d)
	return nil
}

// loadParams fills the form's params from the region's policy in force on the injury date
// (the death date for national income, as Fill does). Without both, it does nothing.
func (h *handlers) loadParams(r *http.Request, d *calcData) error {
	f := d.Form
	if f["region"] == "" || f["injury_date"] == "" {
		return nil
	}
	c := benefit.Case{Region: f["region"], InjuryDate: f["injury_date"], DeathDate: f["death_date"]}
	if err := benefit.Validate(benefit.Case{InjuryDate: c.InjuryDate, Region: c.Region}); err != nil {
		return d.setError(r, err)
	}
	if err := benefitpolicy.Fill(r.Context(), h.db, &c); err != nil {
		return d.setError(r, err)
	}
	if err := f.setParams(c.Params); err != nil {
		return err
	}
	d.Loaded = true
	return h.sources(r, d)
}

// sources lists the calculator parameters in force for the form's region and date, with the
// region and decision they come from.
func (h *handlers) sources(r *http.Request, d *calcData) error {
	f := d.Form
	if f["region"] == "" || !validDate(f["injury_date"]) || len(f["region"]) != 6 {
		return nil
	}
	vals, err := policy.InForce(r.Context(), h.db, f["region"], f["injury_date"])
	if err != nil {
		return err
	}
	d.Sources = nil
	for _, k := range benefit.ParamKeys {
		if v, ok := vals[k]; ok {
			d.Sources = append(d.Sources, source{Param: k, Value: string(v.Raw), Region: v.Region, From: v.EffectiveFrom, Note: v.Note})
		}
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// setError shows a *benefit.FieldError on the form; any other error is returned.
func (d *calcData) setError(r *http.Request, err error) error {
	fe, summary, err := fieldErrors(r, err)
	if err != nil {
		return err
	}
	d.Errors, d.ErrorSummary = fe, summary
	return nil
}
