package medical

import (
	"strings"

	"wiis/internal/money"
)

// Decision is what the audit decides about a line.
type Decision string

// The decisions. A partly paid line (above the price limit) is accepted with the accepted
// amount below the billed one and the reason saying why.
const (
	Accept Decision = "accept"
	Refuse Decision = "refuse"
	Review Decision = "review" // doubtful: to the medical auditor's queue
)

// Reason is the code of why a line was refused, cut or sent to review. The codes are stable
// (they are stored and counted); ReasonText gives the Chinese shown to hospitals and workers.
type Reason string

// The reasons, in the order the audit checks them.
const (
	NotAgreementInstitution Reason = "not_agreement_institution"
	EmergencyNonAgreement   Reason = "emergency_non_agreement"
	OutsideAgreement        Reason = "outside_agreement_period"
	BeforeInjury            Reason = "before_injury"
	OutsideTreatment        Reason = "outside_treatment_period"
	BadQuantity             Reason = "invalid_quantity"
	AmountMismatch          Reason = "amount_mismatch"
	NotInCatalogue          Reason = "not_in_catalogue"
	NotInForce              Reason = "catalogue_not_in_force"
	DeviceNotConfirmed      Reason = "device_not_confirmed"
	Duplicate               Reason = "duplicate_line"
	Unrelated               Reason = "unrelated_diagnosis"
	DiagnosisDoubtful       Reason = "diagnosis_doubtful"
	NoDiagnosis             Reason = "diagnosis_missing"
	QuantityImplausible     Reason = "quantity_implausible"
	RestrictedUse           Reason = "restricted_use"
	OverPriceLimit          Reason = "over_price_limit"
	TravelNotApproved       Reason = "travel_not_approved"
	OutsideRehabPlan        Reason = "outside_rehab_plan"
	OutsideRehabPeriod      Reason = "outside_rehab_period"
)

// ReasonText is the Chinese text of each reason.
var ReasonText = map[Reason]string{
	NotAgreementInstitution: "非工伤保险协议机构，费用不予支付（条例第三十条）",
	EmergencyNonAgreement:   "急诊在非协议机构就医，需人工审核急救情形（条例第三十条）",
	OutsideAgreement:        "就医日期不在服务协议有效期内",
	BeforeInjury:            "费用发生日期早于受伤（确诊）日期",
	OutsideTreatment:        "费用发生日期不在工伤医疗期内",
	BadQuantity:             "数量或金额无效",
	AmountMismatch:          "金额与数量、单价不符",
	NotInCatalogue:          "不在工伤保险目录内",
	NotInForce:              "目录项目在就医日期未生效或已失效",
	DeviceNotConfirmed:      "辅助器具未经劳动能力鉴定委员会确认（条例第三十二条）",
	Duplicate:               "重复收费",
	Unrelated:               "诊断与认定的工伤无关，按基本医疗保险办法处理（条例第三十条）",
	DiagnosisDoubtful:       "诊断与认定的工伤是否相关存疑，需人工审核",
	NoDiagnosis:             "未填写诊断，需人工审核",
	QuantityImplausible:     "数量异常，需人工审核",
	RestrictedUse:           "限定支付范围项目，需人工审核适应症",
	OverPriceLimit:          "超过目录限价，超出部分不予支付",
	TravelNotApproved:       "统筹地区以外就医未经经办机构同意（条例第三十条）",
	OutsideRehabPlan:        "不在批准的康复计划项目内",
	OutsideRehabPeriod:      "康复日期不在批准的康复计划期内（计划开始前或结束后）",
}

// Text returns the Chinese text of the reason ("" for none).
func (r Reason) Text() string { return ReasonText[r] }

// Line is one line of a bill.
type Line struct {
	No        int          `json:"no"`
	Kind      Kind         `json:"kind"`
	Code      string       `json:"code"`
	Name      string       `json:"name"`
	On        Date         `json:"on"`
	Qty       Qty          `json:"qty"`
	UnitPrice money.Amount `json:"unit_price"`
	Amount    money.Amount `json:"amount"`
	// Diagnosis is the ICD-10 code the line treats; empty: the bill's diagnosis.
	Diagnosis string `json:"diagnosis,omitempty"`
}

// Injury is what a bill is audited against: the recognised work injury.
type Injury struct {
	Date Date `json:"date"` // the accident or the diagnosis of the disease
	// Diagnoses are the ICD-10 codes of the recognised injury.
	Diagnoses []string `json:"diagnoses"`
	// TreatmentUntil ends the treatment period; zero: open. Reading: casework.md asks that the
	// date be "within an open treatment period"; a period closes when the agency records its
	// end (e.g. after the assessment, unless further treatment is confirmed, 条例 Art. 33 ¶3).
	TreatmentUntil Date `json:"treatment_until"`
	// Devices are the catalogue codes of the assistive devices the committee confirmed.
	Devices []string `json:"devices"`
}

// BillContext is everything a bill's lines are audited against.
type BillContext struct {
	Institution Institution
	// Known is false when the institution is not in the register at all.
	Known     bool
	Emergency bool // the bill is for emergency care (情况紧急时可以先到就近的医疗机构急救)
	Injury    Injury
	Catalogue Catalogue
	Diagnosis string // the bill's diagnosis (ICD-10)
	// Seen holds the duplicate keys (DupKey) of lines already paid or pending for the worker.
	Seen map[string]bool
}

// Result is the audit of one line.
type Result struct {
	No       int          `json:"line_no"`
	Decision Decision     `json:"decision"`
	Reason   Reason       `json:"reason,omitempty"`
	Text     string       `json:"text,omitempty"`
	Billed   money.Amount `json:"billed"`
	// Accepted is what the fund pays (for a review line: what it would pay if accepted).
	Accepted money.Amount `json:"accepted"`
}

// DupKey identifies a charge for the duplicate check: the same institution, item, day,
// quantity and unit price is the same charge billed twice.
func DupKey(institution string, l Line) string {
	return strings.Join([]string{institution, string(l.Kind), l.Code, l.On.String(), l.Qty.String(), l.UnitPrice.String()}, "|")
}

// AuditBill audits every line of a bill in order; a line identical to an earlier line of the
// same bill is a duplicate of it. bc.Seen is not modified.
func AuditBill(bc BillContext, lines []Line) []Result {
	seen := make(map[string]bool, len(bc.Seen)+len(lines))
	for k := range bc.Seen {
		seen[k] = true
	}
	bc.Seen = seen
	out := make([]Result, len(lines))
	for i, l := range lines {
		out[i] = AuditLine(bc, l)
		if out[i].Decision != Refuse || out[i].Reason != Duplicate {
			seen[DupKey(bc.Institution.Code, l)] = true
		}
	}
	return out
}

// AuditLine applies the audit rules of casework.md to one line; the first rule that fails
// decides. Refusals come before reviews, so a human is never asked about a line the rules
// already refuse; the price limit is applied last and also to lines sent to review, so the
// reviewer sees the amount the fund would pay.
func AuditLine(bc BillContext, l Line) Result {
	r := Result{No: l.No, Billed: l.Amount, Decision: Accept, Accepted: l.Amount}
	refuse := func(why Reason) Result {
		r.Decision, r.Reason, r.Text, r.Accepted = Refuse, why, why.Text(), 0
		return r
	}
	var review Reason
	// 条例 Art. 30: treatment at agreement institutions; the nearest hospital in an emergency.
	switch _, ok := bc.Institution.AgreementOn(l.On); {
	case ok:
	case !bc.Known || len(bc.Institution.Agreements) == 0:
		if !bc.Emergency {
			return refuse(NotAgreementInstitution)
		}
		review = EmergencyNonAgreement
	default:
		if !bc.Emergency {
			return refuse(OutsideAgreement)
		}
		review = EmergencyNonAgreement
	}
	switch {
	case l.On.Before(bc.Injury.Date):
		return refuse(BeforeInjury)
	case !bc.Injury.TreatmentUntil.IsZero() && l.On.After(bc.Injury.TreatmentUntil):
		return refuse(OutsideTreatment)
	case l.Qty <= 0 || l.Amount <= 0 || l.UnitPrice < 0:
		return refuse(BadQuantity)
	case diff(l.Qty.Times(l.UnitPrice), l.Amount) > 1:
		// One fen of tolerance: hospitals round each line themselves.
		return refuse(AmountMismatch)
	}
	item, listed, inForce := bc.Catalogue.Lookup(l.Kind, l.Code, l.On)
	switch {
	case !listed:
		return refuse(NotInCatalogue)
	case !inForce:
		return refuse(NotInForce)
	case l.Kind == KindDevice && !contains(bc.Injury.Devices, l.Code):
		return refuse(DeviceNotConfirmed)
	case bc.Seen[DupKey(bc.Institution.Code, l)]:
		return refuse(Duplicate)
	}
	diag := l.Diagnosis
	if diag == "" {
		diag = bc.Diagnosis
	}
	switch Relation(diag, bc.Injury.Diagnoses) {
	case Unrelated:
		return refuse(Unrelated)
	case DiagnosisDoubtful, NoDiagnosis:
		review = firstOf(review, Relation(diag, bc.Injury.Diagnoses))
	}
	if item.MaxQuantity > 0 && l.Qty > item.MaxQuantity {
		review = firstOf(review, QuantityImplausible)
	}
	if item.Restricted {
		review = firstOf(review, RestrictedUse)
	}
	if item.PriceLimit > 0 && l.UnitPrice > item.PriceLimit {
		r.Accepted = l.Qty.Times(item.PriceLimit)
		r.Reason, r.Text = OverPriceLimit, OverPriceLimit.Text()
	}
	if review != "" {
		r.Decision, r.Reason, r.Text = Review, review, review.Text()
	}
	return r
}

func firstOf(a, b Reason) Reason {
	if a != "" {
		return a
	}
	return b
}

func diff(a, b money.Amount) money.Amount {
	if a > b {
		return a - b
	}
	return b - a
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Relation says how an ICD-10 diagnosis relates to the recognised injury's diagnoses: ""
// (related: the same three-character category, e.g. S82.2 and S82.0), DiagnosisDoubtful (the
// same chapter, a different category: a complication or a neighbouring injury a doctor must
// judge), Unrelated (another chapter: an illness not caused by the injury, which 条例 Art. 30
// ¶4 sends to basic medical insurance) or NoDiagnosis.
//
// Reading: the spec asks only that "the diagnosis is related to the accepted injury". We
// refuse automatically only across ICD-10 chapters, where no relation is plausible, and send
// every closer call to a human. Chapters are taken from the first letter, with S–T (injury,
// poisoning), A–B (infectious) and C–D (neoplasms, blood) joined as the ICD-10 joins them.
func Relation(diag string, injury []string) Reason {
	diag = normICD(diag)
	if diag == "" {
		return NoDiagnosis
	}
	if len(injury) == 0 {
		return DiagnosisDoubtful
	}
	same := false
	for _, inj := range injury {
		inj = normICD(inj)
		if inj == "" {
			continue
		}
		if category(diag) == category(inj) {
			return ""
		}
		if chapter(diag) == chapter(inj) {
			same = true
		}
	}
	if same {
		return DiagnosisDoubtful
	}
	return Unrelated
}

func normICD(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func category(code string) string {
	if len(code) > 3 {
		return code[:3]
	}
	return code
}

func chapter(code string) string {
	switch c := code[0]; c {
	case 'T':
		return "S"
	case 'B':
		return "A"
	case 'D':
		return "C"
	default:
		return string(c)
	}
}
