package calcui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/benefit"
	"wiis/internal/region"
	"wiis/internal/store"
	"wiis/internal/web"
)

// The calculation form names every input by its JSON path in the case (calc-contract.md), so
// a *benefit.FieldError from the one strict decoder points straight at the input to mark.
var (
	moneyFields = []string{"own_wage", "basic_pension", "original_wage"}
	intFields   = []string{"grade", "suspension_months"}
	textFields  = []string{"injury_date", "region", "self_care", "death", "birth_date",
		"retire_category", "termination_date", "death_date"}
	boolFields    = []string{"employment_ended", "no_suitable_work", "retired", "hardship"}
	paramMoney    = []string{"area_avg_wage", "min_wage", "national_income", "province_avg_wage"}
	paramTables   = []string{"medical_subsidy_months", "employment_subsidy_months", "medical_subsidy_amounts", "employment_subsidy_amounts"}
	subsidyGrades = []int{5, 6, 7, 8, 9, 10}
)

// dependentRows is how many dependants the form offers (the API takes up to 50).
const dependentRows = 5

// form is the user's input as typed, keyed by input name.
type form map[string]string

// readForm keeps the fields of the calculation form from a request.
func readForm(r *http.Request) form {
	f := form{}
	r.ParseForm() // a body that does not parse leaves the form empty, which the decoder reports
	for k, v := range r.PostForm {
		if len(v) > 0 && len(k) < 80 {
			f[k] = strings.TrimSpace(v[0])
		}
	}
	return f
}

// caseJSON assembles the case the form describes, as the API would receive it. Text that is
// not a number where a number belongs is passed on as a string, so the decoder's error names
// the field. withParams leaves out params (the public form has none).
func (f form) caseJSON(withParams bool) ([]byte, error) {
	obj := map[string]any{}
	for _, k := range textFields {
		if v := f[k]; v != "" {
			obj[k] = v
		}
	}
	for _, k := range moneyFields {
		if v := f[k]; v != "" {
			obj[k] = v
		}
	}
	for _, k := range intFields {
		if v := f[k]; v != "" {
			obj[k] = number(v)
		}
	}
	for _, k := range boolFields {
		if f[k] != "" {
			obj[k] = true
		}
	}
	if f["insured"] == "false" {
		obj["insured"] = false
	}
	if v := f["wage_history"]; v != "" {
		var hist []string
		for _, w := range strings.FieldsFunc(v, func(r rune) bool {
			return r == ',' || r == '，' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
		}) {
			hist = append(hist, w)
		}
		obj["wage_history"] = hist
	}
	if obj["death"] != nil {
		var deps []map[string]any
		for i := 0; i < dependentRows; i++ {
			p := fmt.Sprintf("dependents[%d].", i)
			if f[p+"relation"] == "" {
				continue
			}
			d := map[string]any{"relation": f[p+"relation"]}
			if f[p+"orphan"] != "" {
				d["orphan"] = true
			}
			if f[p+"lone_elderly"] != "" {
				d["lone_elderly"] = true
			}
			deps = append(deps, d)
		}
		if deps != nil {
			obj["dependents"] = deps
		}
	}
	if withParams {
		params := map[string]any{}
		for _, k := range paramMoney {
			if v := f["params."+k]; v != "" {
				params[k] = v
			}
		}
		if v := f["params.subsidy_base"]; v != "" {
			params["subsidy_base"] = v
		}
		for _, t := range paramTables {
			tab := map[string]any{}
			for _, g := range subsidyGrades {
				if v := f[fmt.Sprintf("params.%s.%d", t, g)]; v != "" {
					if strings.HasSuffix(t, "_months") {
						tab[strconv.Itoa(g)] = number(v)
					} else {
						tab[strconv.Itoa(g)] = v
					}
				}
			}
			if len(tab) > 0 {
				params[t] = tab
			}
		}
		if v := f["params.subsidy_age_reduction"]; v != "" {
			if !json.Valid([]byte(v)) {
				return nil, &benefit.FieldError{Field: "params.subsidy_age_reduction", Message: "must be JSON",
					MessageZH: "必须是 JSON"}
			}
			params["subsidy_age_reduction"] = json.RawMessage(v)
		}
		if len(params) > 0 {
			obj["params"] = params
		}
	}
	return json.Marshal(obj)
}

// number passes a number on as a JSON number and anything else as a string (the decoder then
// reports the field).
func number(s string) any {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return json.Number(s)
	}
	return s
}

// decode turns the form into a case with the decoder of the API.
func (f form) decode(withParams bool) (benefit.Case, error) {
	data, err := f.caseJSON(withParams)
	if err != nil {
		return benefit.Case{}, err
	}
	return benefit.DecodeCase(bytes.NewReader(data))
}

// setParams writes params into the form's params.* inputs (replacing what was there), in the
// same text the decoder reads back.
func (f form) setParams(p benefit.Params) error {
	for k := range f {
		if strings.HasPrefix(k, "params.") {
			delete(f, k)
		}
	}
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	for k, raw := range obj {
		switch k {
		case "subsidy_age_reduction":
			f["params."+k] = string(raw)
		case "medical_subsidy_months", "employment_subsidy_months", "medical_subsidy_amounts", "employment_subsidy_amounts":
			var tab map[string]json.RawMessage
			if err := json.Unmarshal(raw, &tab); err != nil {
				return err
			}
			for g, v := range tab {
				f["params."+k+"."+g] = scalar(v)
			}
		default:
			f["params."+k] = scalar(raw)
		}
	}
	return nil
}

// scalar is a JSON string's text or a number's digits.
func scalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// fieldErrors maps an error of the decoder or calculator to the input it concerns and a
// message in the reader's language; any other error is returned.
func fieldErrors(r *http.Request, err error) (map[string]string, string, error) {
	var fe *benefit.FieldError
	if !errors.As(err, &fe) {
		return nil, "", err
	}
	msg := fe.MessageZH
	if web.Lang(r) == web.LangEn || msg == "" {
		msg = fe.Message
	}
	input := fe.Field
	switch {
	case input == "":
		input = "_"
	case strings.HasPrefix(input, "wage_history"):
		input = "wage_history"
	case strings.HasPrefix(input, "params.subsidy_age_reduction"):
		input = "params.subsidy_age_reduction"
	case input == "dependents":
		input = "dependents[0].relation"
	}
	summary := msg
	if fe.Field != "" {
		summary = fe.Field + ": " + msg
	}
	return map[string]string{input: msg}, summary, nil
}

// regionOption is one entry of the region select.
type regionOption struct {
	Code, Label string
}

// regionOptions lists the regions of the provinces that have policy of their own (the demo
// provinces and their cities and counties), indented by level, in code order.
func regionOptions(ctx context.Context, q store.Querier, lang string) ([]regionOption, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT region FROM policy_values`)
	if err != nil {
		return nil, err
	}
	prov := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		if len(c) == 6 && c != "000000" {
			prov[c[:2]] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	regs, err := region.All(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []regionOption
	for _, g := range regs {
		if g.Level < 1 || !prov[g.Code[:2]] {
			continue
		}
		out = append(out, regionOption{Code: g.Code, Label: strings.Repeat("　", g.Level-1) + g.Label(lang) + " " + g.Code})
	}
	return out, nil
}
