package payroll

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"wiis/internal/money"
)

// FieldError is invalid input naming the field (a JSON path such as
// "disability_allowance.by_grade.5") and the reason, so the edge can say what is wrong where.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Rule is a periodic adjustment of long-term benefits (待遇调整, Art. 40; payroll.md). Nil
// sections leave their item unchanged.
type Rule struct {
	EffectiveMonth Month
	Disability     *DisabilityRule
	Nursing        *NursingRule
	Survivor       *SurvivorRule
}

// DisabilityRule raises disability allowances either by a fixed monthly amount per grade
// (ByGrade; a grade not listed is unchanged) or by a percentage of the allowance (Percent).
type DisabilityRule struct {
	ByGrade map[int]money.Amount
	Percent *big.Rat // e.g. 5 for 5%
}

// NursingRule recomputes nursing care from a new pooling-area average monthly wage.
type NursingRule struct {
	AreaAvgWage money.Amount
}

// SurvivorRule raises survivor pensions by fixed amounts: Spouse for a spouse, Other for every
// other dependent, and OrphanOrLoneExtra on top for an orphan or a lone elderly person. The
// Weihai 2017 figures (an orphan's 1,800.00 → 1,871.00 with other 51 and extra 20) show the
// extra is added to the relation's increase, not instead of it.
type SurvivorRule struct {
	Spouse, Other, OrphanOrLoneExtra money.Amount
}

// NursingPercent is the share of the area average wage by self-care dependency (Art. 34).
var NursingPercent = map[string]int64{"full": 50, "most": 40, "partial": 30}

// NursingAmount is nursing care at a self-care level from an area average monthly wage,
// rounded half-up to 0.01 (benefits.md).
func NursingAmount(areaAvgWage money.Amount, selfCare string) (money.Amount, error) {
	p, ok := NursingPercent[selfCare]
	if !ok {
		return 0, &FieldError{"self_care", fmt.Sprintf("must be full, most or partial, got %q", selfCare)}
	}
	return areaAvgWage.Percent(p), nil
}

// Applies reports whether the rule adjusts the entitlement: its item has a section, and it is
// open in the effective month ("The rule applies to every entitlement open in its effective
// month, from that month").
func (r *Rule) Applies(e *Entitlement) bool {
	if !e.OpenIn(r.EffectiveMonth) {
		return false
	}
	switch e.Item {
	case DisabilityAllowance:
		return r.Disability != nil
	case NursingCare:
		return r.Nursing != nil
	case SurvivorPension:
		return r.Survivor != nil
	}
	return false
}

// NewAmount returns the adjusted amount for an entitlement whose amount in force in the
// effective month is cur. pension_gap is not adjusted by the rule: it follows from the basic
// pension, which the pension scheme adjusts, and is recomputed by the calculator.
func (r *Rule) NewAmount(e *Entitlement, cur money.Amount) (money.Amount, error) {
	switch {
	case e.Item == DisabilityAllowance && r.Disability != nil:
		if r.Disability.Percent != nil {
			return cur + cur.MulRat(new(big.Rat).Quo(r.Disability.Percent, big.NewRat(100, 1))), nil
		}
		return cur + r.Disability.ByGrade[e.Grade], nil
	case e.Item == NursingCare && r.Nursing != nil:
		return NursingAmount(r.Nursing.AreaAvgWage, e.SelfCare)
	case e.Item == SurvivorPension && r.Survivor != nil:
		inc := r.Survivor.Other
		if e.Relation == "spouse" {
			inc = r.Survivor.Spouse
		}
		if e.OrphanOrLone {
			inc += r.Survivor.OrphanOrLoneExtra
		}
		return cur + inc, nil
	}
	return cur, nil
}

// Hash identifies the rule by its meaning (not its spelling: key order, "195" vs "195.00"),
// so applying the same rule twice is recognised and does nothing the second time.
func (r *Rule) Hash() string {
	sum := sha256.Sum256(r.Canonical())
	return hex.EncodeToString(sum[:])
}

// Canonical returns the rule as JSON in one spelling (sorted keys, amounts with two decimals),
// as it is stored with the adjustment and hashed.
func (r *Rule) Canonical() []byte {
	m := map[string]any{"effective_month": r.EffectiveMonth.String()}
	if d := r.Disability; d != nil {
		s := map[string]any{}
		if d.Percent != nil {
			s["percent"] = d.Percent.RatString()
		} else {
			g := map[string]string{}
			for k, v := range d.ByGrade {
				g[strconv.Itoa(k)] = v.String()
			}
			s["by_grade"] = g
		}
		m[DisabilityAllowance] = s
	}
	if n := r.Nursing; n != nil {
		m[NursingCare] = map[string]string{"area_avg_wage": n.AreaAvgWage.String()}
	}
	if s := r.Survivor; s != nil {
		m[SurvivorPension] = map[string]string{"spouse": s.Spouse.String(), "other": s.Other.String(),
			"orphan_or_lone_extra": s.OrphanOrLoneExtra.String()}
	}
	b, _ := json.Marshal(m) // maps marshal with sorted keys: canonical
	return b
}

// ParseRule reads the rule file of `wiis payroll adjust` strictly: every key must be known,
// every value well-formed, and at least one item section present. Errors are *FieldError.
func ParseRule(data []byte) (*Rule, error) {
	top, err := object(data, "")
	if err != nil {
		return nil, err
	}
	r := &Rule{}
	for _, k := range sortedKeys(top) {
		v := top[k]
		switch k {
		case "effective_month":
			s, err := str(v, k)
			if err != nil {
				return nil, err
			}
			if r.EffectiveMonth, err = ParseMonth(s); err != nil {
				return nil, &FieldError{k, err.Error()}
			}
		case DisabilityAllowance:
			if r.Disability, err = parseDisability(v); err != nil {
				return nil, err
			}
		case NursingCare:
			if r.Nursing, err = parseNursing(v); err != nil {
				return nil, err
			}
		case SurvivorPension:
			if r.Survivor, err = parseSurvivor(v); err != nil {
				return nil, err
			}
		default:
			return nil, &FieldError{k, "unknown field"}
		}
	}
	if r.EffectiveMonth == 0 {
		return nil, &FieldError{"effective_month", "required"}
	}
	if r.Disability == nil && r.Nursing == nil && r.Survivor == nil {
		return nil, &FieldError{"disability_allowance", "the rule adjusts nothing: give at least one of disability_allowance, nursing_care, survivor_pension"}
	}
	return r, nil
}

func parseDisability(v json.RawMessage) (*DisabilityRule, error) {
	const f = DisabilityAllowance
	obj, err := object(v, f)
	if err != nil {
		return nil, err
	}
	d := &DisabilityRule{}
	for _, k := range sortedKeys(obj) {
		path := f + "." + k
		switch k {
		case "by_grade":
			g, err := object(obj[k], path)
			if err != nil {
				return nil, err
			}
			d.ByGrade = map[int]money.Amount{}
			for _, gk := range sortedKeys(g) {
				gp := path + "." + gk
				n, err := strconv.Atoi(gk)
				if err != nil || n < 1 || n > 4 || strconv.Itoa(n) != gk {
					return nil, &FieldError{gp, "grade must be 1, 2, 3 or 4 (the fund pays allowances of grades 1–4)"}
				}
				if d.ByGrade[n], err = increment(g[gk], gp); err != nil {
					return nil, err
				}
			}
			if len(d.ByGrade) == 0 {
				return nil, &FieldError{path, "must list at least one grade"}
			}
		case "percent":
			s, err := str(obj[k], path)
			if err != nil {
				return nil, err
			}
			p, ok := parseDecimal(s)
			if !ok || p.Sign() <= 0 || p.Cmp(big.NewRat(100, 1)) > 0 {
				return nil, &FieldError{path, fmt.Sprintf("must be a percentage above 0 and at most 100, such as \"5\", got %q", s)}
			}
			d.Percent = p
		default:
			return nil, &FieldError{path, "unknown field"}
		}
	}
	switch {
	case d.ByGrade != nil && d.Percent != nil:
		return nil, &FieldError{f, "give by_grade or percent, not both"}
	case d.ByGrade == nil && d.Percent == nil:
		return nil, &FieldError{f, "needs by_grade or percent"}
	}
	return d, nil
}

func parseNursing(v json.RawMessage) (*NursingRule, error) {
	const f = NursingCare
	obj, err := object(v, f)
	if err != nil {
		return nil, err
	}
	n := &NursingRule{}
	for _, k := range sortedKeys(obj) {
		path := f + "." + k
		if k != "area_avg_wage" {
			return nil, &FieldError{path, "unknown field"}
		}
		if n.AreaAvgWage, err = increment(obj[k], path); err != nil {
			return nil, err
		}
		if n.AreaAvgWage == 0 {
			return nil, &FieldError{path, "must be above 0"}
		}
	}
	if _, ok := obj["area_avg_wage"]; !ok {
		return nil, &FieldError{f + ".area_avg_wage", "required"}
	}
	return n, nil
}

func parseSurvivor(v json.RawMessage) (*SurvivorRule, error) {
	const f = SurvivorPension
	obj, err := object(v, f)
	if err != nil {
		return nil, err
	}
	s := &SurvivorRule{}
	for _, k := range sortedKeys(obj) {
		path := f + "." + k
		var dst *money.Amount
		switch k {
		case "spouse":
			dst = &s.Spouse
		case "other":
			dst = &s.Other
		case "orphan_or_lone_extra":
			dst = &s.OrphanOrLoneExtra
		default:
			return nil, &FieldError{path, "unknown field"}
		}
		if *dst, err = increment(obj[k], path); err != nil {
			return nil, err
		}
	}
	if len(obj) == 0 {
		return nil, &FieldError{f, "needs at least one of spouse, other, orphan_or_lone_extra"}
	}
	return s, nil
}

// object decodes a JSON object, keeping each value raw; duplicate keys are refused because a
// rule that says two things must not be guessed at.
func object(v json.RawMessage, field string) (map[string]json.RawMessage, error) {
	name := field
	if name == "" {
		name = "rule"
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return nil, &FieldError{name, "must be a JSON object"}
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, &FieldError{name, "malformed JSON: " + err.Error()}
		}
		k := kt.(string)
		path := k
		if field != "" {
			path = field + "." + k
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, &FieldError{path, "malformed JSON: " + err.Error()}
		}
		if _, dup := out[k]; dup {
			return nil, &FieldError{path, "given twice"}
		}
		out[k] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, &FieldError{name, "malformed JSON: " + err.Error()}
	}
	if field == "" {
		if _, err := dec.Token(); err == nil {
			return nil, &FieldError{name, "unexpected data after the JSON object"}
		}
	}
	return out, nil
}

func str(v json.RawMessage, field string) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", &FieldError{field, "must be a string"}
	}
	return s, nil
}

// increment reads a non-negative amount of yuan given as a string ("195") or a JSON number.
func increment(v json.RawMessage, field string) (money.Amount, error) {
	var a money.Amount
	if err := a.UnmarshalJSON(v); err != nil {
		return 0, &FieldError{field, "must be an amount in yuan with at most two decimals, such as \"195\" or \"4809.75\""}
	}
	if a < 0 {
		return 0, &FieldError{field, "must not be negative (an adjustment raises benefits)"}
	}
	return a, nil
}

func parseDecimal(s string) (*big.Rat, bool) {
	if s == "" || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 ||
		strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

func sortedKeys(m map[string]json.RawMessage) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
