package fundweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/fund"
	"wiis/internal/fund/budget"
	"wiis/internal/fund/indicator"
	"wiis/internal/web"
)

// BudgetView is a unit's year: budget execution, the prevention fee and support capacity.
type BudgetView struct {
	Unit       string                  `json:"unit"`
	Year       int                     `json:"year"`
	Execution  []budget.Execution      `json:"execution"`
	Prevention fund.Prevention         `json:"prevention"`
	Policy     budget.PreventionPolicy `json:"prevention_policy"`
	Capacity   fund.Capacity           `json:"capacity"`
}

func (h *handlers) budgetView(r *http.Request) (BudgetView, error) {
	unit, err := region(r, "unit")
	if err != nil {
		return BudgetView{}, err
	}
	v := BudgetView{Unit: unit, Year: time.Now().Year()}
	if y := r.FormValue("year"); y != "" {
		if v.Year, err = strconv.Atoi(y); err != nil || v.Year < 2000 || v.Year > 2100 {
			return v, apperr.Invalidf("year", "fund.err.year")
		}
	}
	ctx := r.Context()
	if v.Execution, err = budget.Execute(ctx, h.db, unit, v.Year, time.Now()); err != nil {
		return v, err
	}
	if v.Prevention, v.Policy, err = budget.Prevention(ctx, h.db, unit, v.Year); err != nil {
		return v, err
	}
	month := time.Now().Format("2006-01")
	if v.Year < time.Now().Year() {
		month = strconv.Itoa(v.Year) + "-12"
	}
	v.Capacity, err = indicator.Capacity(ctx, h.db, fund.UnitPrefix(unit), month)
	return v, err
}

func (h *handlers) apiBudgets(w http.ResponseWriter, r *http.Request) error {
	v, err := h.budgetView(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, v)
}

type budgetData struct {
	V        BudgetView
	Accounts []Account
	Months   []int
	CanWrite bool
	Form     map[string]string
	Errors   map[string]string
}

func (h *handlers) renderBudgets(w http.ResponseWriter, r *http.Request, status int, d budgetData) error {
	v, err := h.budgetView(r)
	if err != nil {
		return err
	}
	d.V, d.CanWrite, d.Months = v, canWrite(r), []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	for _, a := range accounts()[1:] {
		d.Accounts = append(d.Accounts, a)
	}
	if d.Form == nil {
		d.Form = map[string]string{"unit": v.Unit, "year": strconv.Itoa(v.Year), "account": "income:contributions"}
	}
	h.render(w, r, "fund_budgets", d, status)
	return nil
}

func (h *handlers) budgetsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderBudgets(w, r, http.StatusOK, budgetData{})
}

// budgetSet creates or replaces one target; the version read guards against overwriting a
// colleague's change.
func (h *handlers) budgetSet(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	form := map[string]string{}
	for _, k := range []string{"unit", "year", "account", "amount", "version"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	err := func() error {
		if len(form["unit"]) != 6 || !web.CurrentUser(r).Sees(form["unit"]) {
			return apperr.Invalidf("unit", "fund.err.region")
		}
		year, err := strconv.Atoi(form["year"])
		if err != nil {
			return apperr.Invalidf("year", "fund.err.year")
		}
		amount, err := formAmount(r, "amount")
		if err != nil {
			return err
		}
		version, _ := strconv.Atoi(form["version"])
		if form["version"] == "" {
			// Without a version read from the page, replace whatever is there now.
			h.db.QueryRow(r.Context(), `SELECT version FROM fund_budgets WHERE unit = ? AND year = ? AND account = ?`,
				form["unit"], year, form["account"]).Scan(&version)
		}
		return budget.Set(r.Context(), h.db, web.ActorOf(r), budget.Line{Unit: form["unit"], Year: year, Account: form["account"], Amount: amount}, version)
	}()
	if err != nil {
		fe, err := formError(r, err)
		if err != nil {
			return err
		}
		return h.renderBudgets(w, r, http.StatusUnprocessableEntity, budgetData{Form: form, Errors: fe})
	}
	http.Redirect(w, r, "/fund/budgets?unit="+form["unit"]+"&year="+form["year"], http.StatusSeeOther)
	return nil
}
