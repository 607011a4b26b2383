package benefit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"wiis/internal/money"
)

// MaxInput bounds the bytes DecodeCase reads: a case is a few kilobytes, and the public
// calculator must not be made to buffer an unbounded body.
const MaxInput = 1 << 20

// Bounds on list lengths: far above any real case, low enough that a hostile input cannot make
// one calculation expensive.
const (
	maxWageHistory = 600 // fifty years of months; only the last 12 count
	maxDependents  = 50
)

// DecodeCase reads one JSON case strictly: an unknown field anywhere is an error with its path
// (a typo must not silently drop a benefit), money is a string or number with at most two
// decimals, dates are YYYY-MM-DD, integers are integers, and nothing may follow the object.
// Type errors are *FieldError; the range and combination checks are Validate's (Calculate runs
// them), so a form can hold a half-filled case.
func DecodeCase(r io.Reader) (Case, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return Case{}, fieldErr("", "cannot read the input: "+err.Error(), "无法读取输入："+err.Error())
	}
	if len(data) > MaxInput {
		return Case{}, fieldErr("", fmt.Sprintf("input larger than %d bytes", MaxInput), fmt.Sprintf("输入超过 %d 字节", MaxInput))
	}
	if err := checkSyntax(data); err != nil {
		return Case{}, err
	}
	var c Case
	d := decoder{}
	top := d.object(data, "")
	if d.err != nil {
		return Case{}, d.err
	}
	d.known(top, "", "injury_date", "wage_history", "own_wage", "insured", "grade", "self_care",
		"employment_ended", "no_suitable_work", "retired", "basic_pension", "suspension_months",
		"original_wage", "death", "dependents", "region", "params",
		"birth_date", "retire_category", "termination_date", "death_date", "hardship")
	if v, ok := top["injury_date"]; ok {
		c.InjuryDate = d.date(v, "injury_date")
	}
	if v, ok := top["wage_history"]; ok {
		for i, w := range d.array(v, "wage_history", maxWageHistory) {
			c.WageHistory = append(c.WageHistory, d.money(w, fmt.Sprintf("wage_history[%d]", i)))
		}
	}
	c.OwnWage = d.optMoney(top, "own_wage", "own_wage")
	if v, ok := top["insured"]; ok && !isNull(v) {
		b := d.bool(v, "insured")
		c.Insured = &b
	}
	c.Grade = d.optInt(top, "grade", "grade")
	if v, ok := top["grade"]; ok && !isNull(v) && c.Grade == 0 && d.err == nil {
		d.err = gradeRangeErr() // in Go, 0 means "no grade"; in JSON an explicit 0 is out of range
	}
	c.SelfCare = d.optString(top, "self_care", "self_care")
	c.EmploymentEnded = d.optBool(top, "employment_ended", "employment_ended")
	c.NoSuitableWork = d.optBool(top, "no_suitable_work", "no_suitable_work")
	c.Retired = d.optBool(top, "retired", "retired")
	c.BasicPension = d.optMoney(top, "basic_pension", "basic_pension")
	c.SuspensionMonths = d.optInt(top, "suspension_months", "suspension_months")
	c.OriginalWage = d.optMoney(top, "original_wage", "original_wage")
	c.Death = d.optString(top, "death", "death")
	if v, ok := top["dependents"]; ok {
		for i, e := range d.array(v, "dependents", maxDependents) {
			p := fmt.Sprintf("dependents[%d]", i)
			o := d.object(e, p)
			d.known(o, p, "relation", "orphan", "lone_elderly")
			c.Dependents = append(c.Dependents, Dependent{
				Relation:    d.optString(o, "relation", p+".relation"),
				Orphan:      d.optBool(o, "orphan", p+".orphan"),
				LoneElderly: d.optBool(o, "lone_elderly", p+".lone_elderly"),
			})
		}
	}
	c.Region = d.optString(top, "region", "region")
	if v, ok := top["params"]; ok && !isNull(v) {
		c.Params = d.params(v, "params")
	}
	if v, ok := top["birth_date"]; ok && !isNull(v) {
		c.BirthDate = d.date(v, "birth_date")
	}
	c.RetireCategory = d.optString(top, "retire_category", "retire_category")
	if v, ok := top["termination_date"]; ok && !isNull(v) {
		c.TerminationDate = d.date(v, "termination_date")
	}
	if v, ok := top["death_date"]; ok && !isNull(v) {
		c.DeathDate = d.date(v, "death_date")
	}
	c.Hardship = d.optBool(top, "hardship", "hardship")
	if d.err != nil {
		return Case{}, d.err
	}
	return c, nil
}

// DecodeParams reads a params object (or a policy value set assembled as one) with the same
// strict rules as DecodeCase; path prefixes the field names in errors.
func DecodeParams(data []byte, path string) (Params, error) {
	if err := checkSyntax(data); err != nil {
		return Params{}, err
	}
	d := decoder{}
	p := d.params(data, path)
	if d.err != nil {
		return Params{}, d.err
	}
	return p, nil
}

// checkSyntax rejects input that is not exactly one JSON value, before any field is read.
func checkSyntax(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return fieldErr("", "not valid JSON: "+err.Error(), "不是有效的 JSON："+err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fieldErr("", "unexpected data after the JSON object", "JSON 对象之后有多余内容")
	}
	return nil
}

// decoder reads typed fields out of raw JSON and keeps the first error, so the field code reads
// as a plain list of assignments.
type decoder struct{ err error }

func (d *decoder) fail(path, en, zh string) {
	if d.err == nil {
		d.err = fieldErr(path, en, zh)
	}
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

func (d *decoder) object(v json.RawMessage, path string) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if t := bytes.TrimSpace(v); len(t) == 0 || t[0] != '{' || json.Unmarshal(t, &m) != nil {
		d.fail(path, "must be a JSON object", "必须是 JSON 对象")
		return nil
	}
	return m
}

// known reports the first unknown key (in sorted order, so the answer is stable).
func (d *decoder) known(m map[string]json.RawMessage, path string, keys ...string) {
	var unknown []string
	for k := range m {
		if !contains(keys, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		d.fail(join(path, unknown[0]), "unknown field", "未知字段")
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *decoder) array(v json.RawMessage, path string, max int) []json.RawMessage {
	if isNull(v) {
		return nil
	}
	var a []json.RawMessage
	if t := bytes.TrimSpace(v); len(t) == 0 || t[0] != '[' || json.Unmarshal(t, &a) != nil {
		d.fail(path, "must be a JSON array", "必须是 JSON 数组")
		return nil
	}
	if len(a) > max {
		d.fail(path, fmt.Sprintf("at most %d entries", max), fmt.Sprintf("最多 %d 项", max))
		return nil
	}
	return a
}

func (d *decoder) money(v json.RawMessage, path string) money.Amount {
	var a money.Amount
	if err := a.UnmarshalJSON(v); err != nil {
		d.fail(path, "must be an amount in yuan with at most two decimals, e.g. \"6000.00\"",
			"必须是以元为单位、最多两位小数的金额，例如 \"6000.00\"")
	}
	return a
}

func (d *decoder) optMoney(m map[string]json.RawMessage, key, path string) *money.Amount {
	v, ok := m[key]
	if !ok || isNull(v) {
		return nil
	}
	a := d.money(v, path)
	return &a
}

func (d *decoder) int(v json.RawMessage, path string) int {
	n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
	if err != nil {
		d.fail(path, "must be an integer", "必须是整数")
	}
	return n
}

func (d *decoder) optInt(m map[string]json.RawMessage, key, path string) int {
	v, ok := m[key]
	if !ok || isNull(v) {
		return 0
	}
	return d.int(v, path)
}

func (d *decoder) bool(v json.RawMessage, path string) bool {
	switch string(bytes.TrimSpace(v)) {
	case "true":
		return true
	case "false":
		return false
	}
	d.fail(path, "must be true or false", "必须是 true 或 false")
	return false
}

func (d *decoder) optBool(m map[string]json.RawMessage, key, path string) bool {
	v, ok := m[key]
	if !ok || isNull(v) {
		return false
	}
	return d.bool(v, path)
}

func (d *decoder) string(v json.RawMessage, path string) string {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		d.fail(path, "must be a string", "必须是字符串")
	}
	return s
}

func (d *decoder) optString(m map[string]json.RawMessage, key, path string) string {
	v, ok := m[key]
	if !ok || isNull(v) {
		return ""
	}
	return d.string(v, path)
}

func (d *decoder) date(v json.RawMessage, path string) string {
	s := d.string(v, path)
	if d.err == nil && !validDate(s) {
		d.fail(path, "must be a date YYYY-MM-DD", "必须是 YYYY-MM-DD 格式的日期")
	}
	return s
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// params reads the params object; the same code reads policy values (benefitpolicy), so a
// figure means the same whether a caseworker typed it or the province published it.
func (d *decoder) params(v json.RawMessage, path string) Params {
	var p Params
	m := d.object(v, path)
	d.known(m, path, ParamKeys...)
	p.AreaAvgWage = d.optMoney(m, "area_avg_wage", join(path, "area_avg_wage"))
	p.MinWage = d.optMoney(m, "min_wage", join(path, "min_wage"))
	p.NationalIncome = d.optMoney(m, "national_income", join(path, "national_income"))
	p.ProvinceAvgWage = d.optMoney(m, "province_avg_wage", join(path, "province_avg_wage"))
	p.MedicalSubsidyMonths = d.monthTable(m, "medical_subsidy_months", path)
	p.EmploymentSubsidyMonths = d.monthTable(m, "employment_subsidy_months", path)
	p.MedicalSubsidyAmounts = d.amountTable(m, "medical_subsidy_amounts", path)
	p.EmploymentSubsidyAmounts = d.amountTable(m, "employment_subsidy_amounts", path)
	p.SubsidyBase = d.optString(m, "subsidy_base", join(path, "subsidy_base"))
	if r, ok := m["subsidy_age_reduction"]; ok && !isNull(r) {
		p.SubsidyAgeReduction = d.ageReduction(r, join(path, "subsidy_age_reduction"))
	}
	return p
}

// gradeTable reads an object keyed by grade "5".."10" and calls set for each entry.
func (d *decoder) gradeTable(m map[string]json.RawMessage, key, path string, set func(grade int, v json.RawMessage, path string)) {
	v, ok := m[key]
	if !ok || isNull(v) {
		return
	}
	p := join(path, key)
	o := d.object(v, p)
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, err := strconv.Atoi(k)
		if err != nil || strconv.Itoa(g) != k || g < 5 || g > 10 {
			if d.err == nil {
				d.err = badGradeKey(p + "." + k)
			}
			return
		}
		set(g, o[k], p+"."+k)
	}
}

func (d *decoder) monthTable(m map[string]json.RawMessage, key, path string) map[int]Months {
	var out map[int]Months
	d.gradeTable(m, key, path, func(g int, v json.RawMessage, p string) {
		var mo Months
		if err := mo.UnmarshalJSON(v); err != nil || mo < 0 {
			d.fail(p, "must be a non-negative number of months with at most two decimals", "必须是非负月数，最多两位小数")
			return
		}
		if out == nil {
			out = map[int]Months{}
		}
		out[g] = mo
	})
	return out
}

func (d *decoder) amountTable(m map[string]json.RawMessage, key, path string) map[int]money.Amount {
	var out map[int]money.Amount
	d.gradeTable(m, key, path, func(g int, v json.RawMessage, p string) {
		a := d.money(v, p)
		if out == nil {
			out = map[int]money.Amount{}
		}
		out[g] = a
	})
	return out
}

func (d *decoder) ageReduction(v json.RawMessage, path string) *AgeReduction {
	m := d.object(v, path)
	d.known(m, path, "medical", "employment")
	r := &AgeReduction{}
	rule := func(key string) *ReductionRule {
		v, ok := m[key]
		if !ok || isNull(v) {
			return nil
		}
		p := join(path, key)
		o := d.object(v, p)
		d.known(o, p, "tiers", "at_retirement_percent")
		rr := &ReductionRule{AtRetirementPercent: d.optInt(o, "at_retirement_percent", p+".at_retirement_percent")}
		if t, ok := o["tiers"]; ok {
			for i, e := range d.array(t, p+".tiers", 20) {
				tp := fmt.Sprintf("%s.tiers[%d]", p, i)
				to := d.object(e, tp)
				d.known(to, tp, "below_years", "percent")
				rr.Tiers = append(rr.Tiers, ReductionTier{
					BelowYears: d.optInt(to, "below_years", tp+".below_years"),
					Percent:    d.optInt(to, "percent", tp+".percent"),
				})
			}
		}
		return rr
	}
	r.Medical = rule("medical")
	r.Employment = rule("employment")
	return r
}

// quote formats a list of allowed values for messages: "full", "most" or "partial".
func quote(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
