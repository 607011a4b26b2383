package calcui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/benefit"
	"wiis/internal/policy"
	"wiis/internal/region"
	"wiis/internal/store"
	"wiis/internal/web"
)

// provinces are the provinces whose termination-subsidy tables the policy index compares
// (law-reference.md §6).
var provinces = []string{"340000", "320000", "370000", "330000"}

// policyIndexData is what policy_index.html receives.
type policyIndexData struct {
	On        string
	Regions   []regionRow
	Provinces []provinceTable
	Grades    []int
}

// regionRow is a region of the tree with how many values it sets itself.
type regionRow struct {
	Code, Name string
	Level      int
	Indent     string
	Count      int
}

// provinceTable is one province's subsidy parameters in force.
type provinceTable struct {
	Code, Name          string
	Base, Reduction     string
	Medical, Employment map[int]string // grade → "24 月" or "200000.00 元"
}

func onDate(r *http.Request) string {
	if v := r.URL.Query().Get("on"); validDate(v) {
		return v
	}
	return time.Now().Format(time.DateOnly)
}

// policyIndex is GET /policy: the region tree and the provincial subsidy tables.
func (h *handlers) policyIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := web.Lang(r)
	d := policyIndexData{On: onDate(r), Grades: subsidyGrades}
	regs, err := region.All(ctx, h.db)
	if err != nil {
		return err
	}
	counts, err := valueCounts(ctx, h.db)
	if err != nil {
		return err
	}
	for _, g := range regs {
		d.Regions = append(d.Regions, regionRow{Code: g.Code, Name: g.Label(lang), Level: g.Level,
			Indent: strings.Repeat("　　", g.Level), Count: counts[g.Code]})
	}
	names := map[string]string{}
	for _, g := range regs {
		names[g.Code] = g.Label(lang)
	}
	for _, p := range provinces {
		vals, err := policy.InForce(ctx, h.db, p, d.On)
		if err != nil {
			return err
		}
		t := provinceTable{Code: p, Name: names[p], Medical: map[int]string{}, Employment: map[int]string{}}
		if v, ok := vals["subsidy_base"]; ok {
			t.Base = scalar(v.Raw)
		}
		if v, ok := vals["subsidy_age_reduction"]; ok {
			t.Reduction = string(v.Raw)
		}
		fill := func(dst map[int]string, months, amounts string) {
			for _, key := range []string{months, amounts} {
				v, ok := vals[key]
				if !ok {
					continue
				}
				var tab map[string]json.RawMessage
				if json.Unmarshal(v.Raw, &tab) != nil {
					continue
				}
				for _, g := range subsidyGrades {
					if x, ok := tab[itoa(g)]; ok {
						if key == amounts {
							dst[g] = scalar(x) + " " + web.T(lang, "policy.yuan")
						} else {
							dst[g] = scalar(x) + " " + web.T(lang, "calc.months")
						}
					}
				}
			}
		}
		fill(t.Medical, "medical_subsidy_months", "medical_subsidy_amounts")
		fill(t.Employment, "employment_subsidy_months", "employment_subsidy_amounts")
		d.Provinces = append(d.Provinces, t)
	}
	h.s.Render(w, r, http.StatusOK, "policy_index", d)
	return nil
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// valueCounts counts the values each region sets itself.
func valueCounts(ctx context.Context, q store.Querier) (map[string]int, error) {
	rows, err := q.Query(ctx, `SELECT region, COUNT(*) FROM policy_values GROUP BY region`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// policyRegionData is what policy_region.html receives.
type policyRegionData struct {
	Region   region.Region
	Name     string
	Chain    []regionRow
	Children []regionRow
	On       string
	InForce  []policy.Value
	History  []policy.Value
	CanEdit  bool
	Keys     []string
	Saved    string
	Form     map[string]string
	Errors   map[string]string
}

// policyRegion is GET /policy/{region}: every parameter in force there on a date (with the
// region it comes from), the history of the values the region sets itself, and, for the fund
// officer of the region, the form to add a value.
func (h *handlers) policyRegion(w http.ResponseWriter, r *http.Request) error {
	d, err := h.regionData(r)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved")
	d.Form = map[string]string{"param": r.URL.Query().Get("param")}
	h.s.Render(w, r, http.StatusOK, "policy_region", d)
	return nil
}

func (h *handlers) regionData(r *http.Request) (*policyRegionData, error) {
	ctx := r.Context()
	lang := web.Lang(r)
	code := r.PathValue("region")
	regs, err := region.All(ctx, h.db)
	if err != nil {
		return nil, err
	}
	byCode := map[string]region.Region{}
	for _, g := range regs {
		byCode[g.Code] = g
	}
	g, ok := byCode[code]
	if !ok {
		return nil, apperr.NotFoundf("policy.no_region")
	}
	d := &policyRegionData{Region: g, Name: g.Label(lang), On: onDate(r), Errors: map[string]string{}}
	for _, c := range policy.Chain(code) {
		if a, ok := byCode[c]; ok && c != code {
			d.Chain = append(d.Chain, regionRow{Code: a.Code, Name: a.Label(lang), Level: a.Level})
		}
	}
	for _, c := range regs {
		if c.Parent == code {
			d.Children = append(d.Children, regionRow{Code: c.Code, Name: c.Label(lang), Level: c.Level})
		}
	}
	vals, err := policy.InForce(ctx, h.db, code, d.On)
	if err != nil {
		return nil, err
	}
	for _, v := range vals {
		d.InForce = append(d.InForce, v)
	}
	sort.Slice(d.InForce, func(i, j int) bool { return d.InForce[i].Param < d.InForce[j].Param })
	if d.History, err = regionHistory(ctx, h.db, code); err != nil {
		return nil, err
	}
	u := web.CurrentUser(r)
	d.CanEdit = PermPolicyEdit.Allows(u) && u.Sees(code)
	keys, err := policy.Params(ctx, h.db)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, k := range append(append([]string{}, benefit.ParamKeys...), keys...) {
		if !seen[k] {
			seen[k] = true
			d.Keys = append(d.Keys, k)
		}
	}
	return d, nil
}

// regionHistory lists every value region sets itself, by parameter, newest first.
func regionHistory(ctx context.Context, q store.Querier, code string) ([]policy.Value, error) {
	rows, err := q.Query(ctx, `SELECT param FROM policy_values WHERE region = ? GROUP BY param ORDER BY param`, code)
	if err != nil {
		return nil, err
	}
	var params []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return nil, err
		}
		params = append(params, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []policy.Value
	for _, p := range params {
		vs, err := policy.History(ctx, q, code, p)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

var paramKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,63}$`)

// policyPut is POST /policy/{region}: add (or, for the same date, correct) one value, audited
// with before and after in the same transaction.
func (h *handlers) policyPut(w http.ResponseWriter, r *http.Request) error {
	d, err := h.regionData(r)
	if err != nil {
		return err
	}
	if !d.CanEdit {
		return apperr.Forbiddenf("policy.out_of_scope")
	}
	f := map[string]string{}
	for _, k := range []string{"param", "effective_from", "value", "note"} {
		f[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	d.Form = f
	v := policy.Value{Region: d.Region.Code, Param: f["param"], EffectiveFrom: f["effective_from"],
		Raw: json.RawMessage(f["value"]), Note: f["note"], CreatedBy: web.CurrentUser(r).Username}
	if err := checkValue(v); err != nil {
		var fe *benefit.FieldError
		if !errors.As(err, &fe) {
			return err
		}
		msg := fe.MessageZH
		if web.Lang(r) == web.LangEn {
			msg = fe.Message
		}
		d.Errors[fe.Field] = msg
		h.s.Render(w, r, http.StatusUnprocessableEntity, "policy_region", d)
		return nil
	}
	// Store the value compactly, as the migrations do.
	var buf bytes.Buffer
	if err := json.Compact(&buf, v.Raw); err == nil {
		v.Raw = json.RawMessage(buf.Bytes())
	}
	err = h.db.InTx(r.Context(), func(tx *store.Tx) error {
		before, err := policy.Put(r.Context(), tx, v)
		if err != nil {
			return err
		}
		var b any
		if before != nil {
			b = before
		}
		_, err = audit.Append(r.Context(), tx, audit.Record{Action: "policy.put", Entity: "policy_value",
			EntityID: v.Region + "/" + v.Param + "/" + v.EffectiveFrom, Before: b, After: v}.By(web.ActorOf(r)))
		return err
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/policy/"+v.Region+"?saved="+url.QueryEscape(v.Param)+"#history", http.StatusSeeOther)
	return nil
}

// checkValue validates a new policy value: a parameter key, a date, a note, JSON; and for the
// calculator's parameters the exact shape and ranges a case's params must have, so a stored
// table is one the calculator can use. Errors are *benefit.FieldError on the form's inputs.
func checkValue(v policy.Value) error {
	fe := func(field, en, zh string) error { return &benefit.FieldError{Field: field, Message: en, MessageZH: zh} }
	if !paramKeyRE.MatchString(v.Param) {
		return fe("param", "a parameter key: lower-case letters, digits and _", "参数键：小写字母、数字和下划线")
	}
	if !validDate(v.EffectiveFrom) {
		return fe("effective_from", "must be a date YYYY-MM-DD", "必须是 YYYY-MM-DD 格式的日期")
	}
	if v.Note == "" {
		return fe("note", "say where the value comes from (the decision or publication)", "请注明依据（文件或公布来源）")
	}
	if !json.Valid(v.Raw) {
		return fe("value", "must be JSON, e.g. \"4809.75\" or {\"5\": 22}", "必须是 JSON，例如 \"4809.75\" 或 {\"5\": 22}")
	}
	for _, k := range benefit.ParamKeys {
		if k != v.Param {
			continue
		}
		obj := append(append([]byte(`{"`+k+`":`), v.Raw...), '}')
		p, err := benefit.DecodeParams(obj, "")
		if err == nil {
			err = benefit.Validate(benefit.Case{InjuryDate: v.EffectiveFrom, Params: p})
		}
		var e *benefit.FieldError
		if errors.As(err, &e) {
			return fe("value", e.Field+": "+e.Message, e.Field+"："+e.MessageZH)
		}
		return err
	}
	return nil
}
