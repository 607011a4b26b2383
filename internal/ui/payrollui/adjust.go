package payrollui

import (
	"errors"
	"net/http"

	"wiis/internal/apperr"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/web"
)

// adjustData is what the adjustment page shows.
type adjustData struct {
	Rule       string
	Report     *payrollsvc.AdjustReport
	AnnualCost money.Amount // monthly cost × 12
	FirstYear  money.Amount // back pay plus a year of the increase: what the rule costs the fund
	Applied    bool
	Past       []adjustmentRow
	Errors     map[string]string
	Example    string
}

// ruleInvalid is the message key of a rule that does not parse (a variable: go vet takes a
// constant first argument of web.T for a format string).
var ruleInvalid = "payroll.rule_invalid"

// example is the Weihai rule of payroll.md, offered as a starting point.
const example = `{"effective_month": "2017-01",
 "disability_allowance": {"by_grade": {"1": "195", "2": "185", "3": "175", "4": "165"}},
 "nursing_care": {"area_avg_wage": "4809.75"},
 "survivor_pension": {"spouse": "69", "other": "51", "orphan_or_lone_extra": "20"}}`

func (h *handlers) adjustPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderAdjust(w, r, http.StatusOK, adjustData{})
}

func (h *handlers) renderAdjust(w http.ResponseWriter, r *http.Request, status int, d adjustData) error {
	var err error
	if d.Past, err = adjustments(r.Context(), h.db); err != nil {
		return err
	}
	d.Example = example
	h.s.Render(w, r, status, "payroll_adjust", d)
	return nil
}

// adjust previews (action=preview) or applies (action=apply) an adjustment rule uploaded as
// rule.json or pasted. The preview does the whole work in a transaction and rolls it back, so
// it is exactly what applying does (payrollsvc.Adjust).
func (h *handlers) adjust(w http.ResponseWriter, r *http.Request) error {
	data, err := upload(r, "file", "rule")
	d := adjustData{Rule: string(data)}
	if err != nil {
		d.Rule = r.PostFormValue("rule")
		return h.renderAdjust(w, r, http.StatusUnprocessableEntity, adjustData{Rule: d.Rule,
			Errors: map[string]string{"rule": web.T(web.Lang(r), "payroll.rule_missing")}})
	}
	rule, err := payroll.ParseRule(data)
	if err != nil {
		var fe *payroll.FieldError
		msg := err.Error()
		if errors.As(err, &fe) {
			msg = fe.Field + ": " + fe.Reason
		}
		d.Errors = map[string]string{"rule": web.T(web.Lang(r), ruleInvalid, msg)}
		return h.renderAdjust(w, r, http.StatusUnprocessableEntity, d)
	}
	preview := r.PostFormValue("action") != "apply"
	rep, err := h.svc(r).Adjust(r.Context(), rule, web.CurrentUser(r).Username, preview)
	if err != nil {
		e := appErr(err)
		if apperr.CodeOf(e) == apperr.Invalid {
			d.Errors = map[string]string{"rule": web.T(web.Lang(r), apperr.As(e).Message, apperr.As(e).Args...)}
			return h.renderAdjust(w, r, http.StatusUnprocessableEntity, d)
		}
		return e
	}
	d.Report, d.Applied = rep, !preview
	d.AnnualCost = rep.MonthlyCost.Times(12)
	d.FirstYear = d.AnnualCost + rep.BackPay
	return h.renderAdjust(w, r, http.StatusOK, d)
}
