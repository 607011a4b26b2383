package casework

// Policy parameter keys (internal/policy) holding the time limits of casework. National
// defaults are seeded by migration 00041 from the statutes; a region overrides a whole key
// (policy resolution picks the most specific region's value), so a city promising a shorter
// decision repeats the determination object with its own numbers.
const (
	ParamDeterminationLimits = "casework.determination.limits" // DeterminationLimits
	ParamAssessmentLimits    = "casework.assessment.limits"    // AssessmentLimits
	ParamAdvanceLimits       = "casework.advance.limits"       // AdvanceLimits
	ParamDueSoonDays         = "casework.due_soon_days"        // int: window of "due soon"
	ParamCalendar            = "calendar.workdays"             // Calendar: holidays and make-up days
)

// DeterminationLimits are the time limits of an injury determination, in calendar days unless
// the name says otherwise. Readings (law-reference.md §1–2): 条例 Art. 17 and 20 and 认定办法
// Art. 8 and 22 say "日", not "工作日", so they are calendar days (the 2003 办法's "15个工作日"
// was replaced in 2011); counting starts the day after the event (民法典 Art. 201).
type DeterminationLimits struct {
	EmployerApplyDays  int `json:"employer_apply_days"`   // 条例 17 ¶1: 30 from accident or diagnosis
	WorkerApplyYears   int `json:"worker_apply_years"`    // 条例 17 ¶2: 1 year
	ReviewDays         int `json:"review_days"`           // 认定办法 8: review materials within 15
	AcceptAfterSupDays int `json:"accept_after_sup_days"` // 认定办法 8: decide acceptance 15 after full supplement
	DecideDays         int `json:"decide_days"`           // 条例 20 ¶1: 60 from acceptance (Lu'an promises 30)
	DecideClearDays    int `json:"decide_clear_days"`     // 条例 20 ¶2: 15 for clear facts, rights and duties
	DeliverDays        int `json:"deliver_days"`          // 认定办法 22: 20 from the decision
	AccidentReportHrs  int `json:"accident_report_hours"` // local: project sites report within 48 h (Lu'an); 0 = no rule
}

// AssessmentLimits are the time limits of a disability assessment (条例 Art. 25–29;
// 鉴定办法 Art. 9, 15).
type AssessmentLimits struct {
	MaterialsNoticeWorkdays int `json:"materials_notice_workdays"` // 鉴定办法 9: one notice within 5 working days
	ConcludeDays            int `json:"conclude_days"`             // 条例 25: 60
	ExtensionDays           int `json:"extension_days"`            // 条例 25: may extend by 30
	DeliverDays             int `json:"deliver_days"`              // 鉴定办法 15: 20
	ReassessRequestDays     int `json:"reassess_request_days"`     // 条例 26: 15 from receipt
	ReviewAfterYears        int `json:"review_after_years"`        // 条例 28: 1 year after the conclusion
}

// AdvanceLimits are the time limits of an advance payment (先行支付暂行办法 Art. 5, 7), in
// working days as that instrument says.
type AdvanceLimits struct {
	ReminderWorkdays    int `json:"reminder_workdays"`     // remind the employer within 3 working days
	EmployerPayWorkdays int `json:"employer_pay_workdays"` // the employer pays within 5 working days
}

// Limits is everything the deadline rules read from policy for one region on one date.
type Limits struct {
	Determination DeterminationLimits
	Assessment    AssessmentLimits
	Advance       AdvanceLimits
	DueSoonDays   int
	Calendar      Calendar
}
