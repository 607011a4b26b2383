package casework

import (
	"slices"
	"strings"
)

// AsmtKind is the kind of a disability assessment (劳动能力鉴定).
type AsmtKind string

// The kinds.
const (
	AsmtInitial  AsmtKind = "initial"      // 初次鉴定 by the city committee (条例 Art. 23)
	AsmtReassess AsmtKind = "reassessment" // 再次鉴定 by the provincial committee; final (条例 Art. 26)
	AsmtReview   AsmtKind = "review"       // 复查鉴定, a year or more after a conclusion (条例 Art. 28)
)

// AsmtState is the state of an assessment case.
type AsmtState string

// The states: received → (awaiting_materials) → ready (panel to draw) → examining →
// concluded (delivery under way) → closed; terminated closes a case without a conclusion.
const (
	AsmtReceived          AsmtState = "received"
	AsmtAwaitingMaterials AsmtState = "awaiting_materials"
	AsmtReady             AsmtState = "ready"
	AsmtExamining         AsmtState = "examining"
	AsmtConcluded         AsmtState = "concluded"
	AsmtClosed            AsmtState = "closed"
)

// Step names of an assessment.
const (
	StepAsmtReview   = "materials" // one notice of missing materials within 5 working days
	StepAsmtConclude = "conclude"  // 60 days, once extendable by 30
	StepAsmtDeliver  = "deliver"   // 20 days from the conclusion
)

// AssessmentApplication opens an assessment case.
type AssessmentApplication struct {
	Region        string        `json:"region"` // the committee's region
	Team          string        `json:"team"`
	Handler       string        `json:"handler"`
	Kind          AsmtKind      `json:"kind"`
	ApplicantKind ApplicantKind `json:"applicant_kind"` // employer, worker or relative (条例 Art. 23)
	WorkerID      string        `json:"worker_id"`
	WorkerName    string        `json:"worker_name"`
	EmployerUSCC  string        `json:"employer_uscc"`
	Hospital      string        `json:"hospital"` // treating hospital: its experts are excluded
	AppliedOn     Date          `json:"applied_on"`
	Specialties   []string      `json:"specialties"`
	PanelSize     int           `json:"panel_size"`
	// DeterminationID links the work-injury decision the application rests on.
	DeterminationID int64 `json:"determination_id"`
	// WorkInjury: that decision found a work injury or a deemed one.
	WorkInjury bool `json:"work_injury"`
	// AfterTreatment: the condition is relatively stable after treatment, or the paid
	// medical-leave period has ended (条例 Art. 21; 鉴定办法 Art. 7).
	AfterTreatment bool `json:"after_treatment"`
	// Parent is the case whose conclusion a re-assessment or review concerns.
	ParentID int64 `json:"parent_id"`
}

// SelfCare records the five daily activities of GB/T 16180-2014 for which the worker needs
// another's help; the self-care level is derived from them, never entered.
type SelfCare struct {
	Eating          bool `json:"eating"`
	TurningOver     bool `json:"turning_over"`
	Toileting       bool `json:"toileting"`
	DressingWashing bool `json:"dressing_washing"`
	Moving          bool `json:"moving"`
}

// SelfCareLevel is the self-care dependency level (条例 Art. 22).
type SelfCareLevel string

// The levels.
const (
	SelfCareNone    SelfCareLevel = ""
	SelfCareFull    SelfCareLevel = "full"    // 生活完全不能自理
	SelfCareMost    SelfCareLevel = "most"    // 生活大部分不能自理
	SelfCarePartial SelfCareLevel = "partial" // 生活部分不能自理
)

// Level derives the level: all five activities = full, three or four = most, one or two =
// partial, none = none. This is our reading of GB/T 16180-2014 (casework.md); the boundaries
// at two and four items are marked UNVERIFIED in law-reference.md §3, so this one function is
// where a correction goes.
func (s SelfCare) Level() SelfCareLevel {
	n := 0
	for _, b := range []bool{s.Eating, s.TurningOver, s.Toileting, s.DressingWashing, s.Moving} {
		if b {
			n++
		}
	}
	switch {
	case n == 5:
		return SelfCareFull
	case n >= 3:
		return SelfCareMost
	case n >= 1:
		return SelfCarePartial
	}
	return SelfCareNone
}

// AsmtConclusion is the committee's conclusion (鉴定结论).
type AsmtConclusion struct {
	On       Date          `json:"on"`
	Grade    int           `json:"grade"` // 1–10, 0 = no grade (未达级)
	SelfCare SelfCare      `json:"self_care"`
	Level    SelfCareLevel `json:"level"`
	// Devices are the assistive devices confirmed (辅助器具配置确认).
	Devices []string `json:"devices"`
	// LeaveExtensionMonths confirms an extension of the paid medical-leave period (停工留薪期),
	// at most 12 months (条例 Art. 33).
	LeaveExtensionMonths int    `json:"leave_extension_months"`
	Basis                string `json:"basis"`
}

// Assessment is a disability assessment case.
type Assessment struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	CaseNo  string `json:"case_no"`
	AssessmentApplication
	State        AsmtState       `json:"state"`
	Notice       *Notice         `json:"notice,omitempty"`
	Draw         *Draw           `json:"draw,omitempty"`
	Extended     bool            `json:"extended"`
	ExtendReason string          `json:"extend_reason,omitempty"`
	Conclusion   *AsmtConclusion `json:"conclusion,omitempty"`
	DeliveredOn  Date            `json:"delivered_on"` // the parties received the conclusion
	Terminated   bool            `json:"terminated"`
	CloseReason  string          `json:"close_reason,omitempty"`
	RehabFirst   bool            `json:"rehab_first"`
	RehabReason  string          `json:"rehab_reason,omitempty"`
	Steps        []Step          `json:"steps"`
	Events       []Event         `json:"events"`
}

// Final reports whether the conclusion cannot be re-assessed: the provincial one is final.
func (a Assessment) Final() bool { return a.Kind == AsmtReassess }

// ReassessBy returns the last day to ask for a re-assessment: 15 days from the receipt of the
// conclusion (条例 Art. 26), moved off a rest day as a party's period; zero before delivery.
func (a Assessment) ReassessBy(lim Limits) Date {
	if a.DeliveredOn.IsZero() || a.Final() {
		return Date{}
	}
	return lim.Calendar.NextWorkday(a.DeliveredOn.AddDays(lim.Assessment.ReassessRequestDays))
}

// ReviewFrom returns the first day a review assessment may be asked for: one year after the
// conclusion (条例 Art. 28).
func (a Assessment) ReviewFrom(lim Limits) Date {
	if a.Conclusion == nil {
		return Date{}
	}
	return a.Conclusion.On.AddYears(lim.Assessment.ReviewAfterYears)
}

// OpenAssessment registers an application. parent is the concluded case a re-assessment or a
// review concerns (nil for an initial assessment). The materials review is due in 5 working
// days (鉴定办法 Art. 9).
func OpenAssessment(a AssessmentApplication, parent *Assessment, by string, lim Limits) (Assessment, error) {
	switch a.ApplicantKind {
	case ApplicantEmployer, ApplicantWorker, ApplicantRelative:
	default:
		return Assessment{}, invalid("applicant_kind", "the employer, the worker or a close relative applies (条例 Art. 23)")
	}
	switch {
	case a.Region == "":
		return Assessment{}, invalid("region", "the committee's region is required")
	case a.WorkerID == "":
		return Assessment{}, invalid("worker_id", "the worker is required")
	case a.AppliedOn.IsZero():
		return Assessment{}, invalid("applied_on", "the date of application is required")
	case a.PanelSize != 3 && a.PanelSize != 5:
		return Assessment{}, invalid("panel_size", "a panel has 3 or 5 experts (条例 Art. 25)")
	}
	switch a.Kind {
	case AsmtInitial:
		if !a.WorkInjury {
			return Assessment{}, invalid("determination_id", "an assessment needs a decision finding a work injury (条例 Art. 23)")
		}
		if !a.AfterTreatment {
			return Assessment{}, invalid("after_treatment", "apply after treatment, when the condition is stable or the paid leave ended (条例 Art. 21)")
		}
	case AsmtReassess:
		if err := checkParent(parent); err != nil {
			return Assessment{}, err
		}
		if parent.Final() {
			return Assessment{}, invalid("parent_id", "the provincial conclusion is final (条例 Art. 26)")
		}
		if by := parent.ReassessBy(lim); a.AppliedOn.After(by) {
			return Assessment{}, invalid("applied_on", "a re-assessment is asked for within 15 days of receiving the conclusion, by %s", by)
		}
	case AsmtReview:
		if err := checkParent(parent); err != nil {
			return Assessment{}, err
		}
		if from := parent.ReviewFrom(lim); a.AppliedOn.Before(from) {
			return Assessment{}, invalid("applied_on", "a review may be asked for from %s, a year after the conclusion (条例 Art. 28)", from)
		}
	default:
		return Assessment{}, invalid("kind", "must be initial, reassessment or review")
	}
	if parent != nil {
		a.ParentID = parent.ID
	}
	c := Assessment{AssessmentApplication: a, State: AsmtReceived}
	c.Steps = []Step{{Name: StepAsmtReview, Started: a.AppliedOn,
		Due: lim.Calendar.AddWorkdays(a.AppliedOn, lim.Assessment.MaterialsNoticeWorkdays)}}
	c.Events = []Event{{Action: "apply", By: by, On: a.AppliedOn, To: string(AsmtReceived)}}
	return c, nil
}

func checkParent(p *Assessment) error {
	if p == nil || p.Conclusion == nil || p.State != AsmtClosed {
		return invalid("parent_id", "needs a concluded and delivered assessment")
	}
	return nil
}

// AsmtAction is a transition of an assessment case.
type AsmtAction interface {
	act() Act
	name() string
	applyAsmt(c *Assessment, by string, lim Limits) error
}

// Apply performs action x on a copy of c and returns the new case or an *Error.
func (c Assessment) Apply(x AsmtAction, by string, lim Limits) (Assessment, error) {
	n := c
	n.Steps, n.Events = slices.Clone(c.Steps), slices.Clone(c.Events)
	if err := x.act().check(lastOn(c.Events)); err != nil {
		return c, err
	}
	from := n.State
	if err := x.applyAsmt(&n, by, lim); err != nil {
		return c, err
	}
	n.Events = append(n.Events, Event{Action: x.name(), By: by, On: x.act().On,
		From: string(from), To: string(n.State), Note: noteOf(x)})
	return n, nil
}

// Current returns the open step, if any.
func (c Assessment) Current() (Step, bool) {
	if s := currentStep(c.Steps); s != nil {
		return *s, true
	}
	return Step{}, false
}

func asmtWrongState(action string, s AsmtState) error {
	return invalid("state", "cannot %s an assessment that is %s", action, s)
}

// AsmtNoticeMissing sends the one written notice of every missing material (鉴定办法 Art. 9).
type AsmtNoticeMissing struct {
	Act
	Missing []string `json:"missing"`
}

func (AsmtNoticeMissing) name() string { return "notice_missing" }
func (x AsmtNoticeMissing) act() Act   { return x.Act }
func (x AsmtNoticeMissing) applyAsmt(c *Assessment, _ string, _ Limits) error {
	if c.Notice != nil {
		return invalid("notice", "the notice of missing materials was already sent on %s; the law allows one", c.Notice.On)
	}
	if c.State != AsmtReceived {
		return asmtWrongState("send a notice of missing materials for", c.State)
	}
	if len(x.Missing) == 0 {
		return invalid("missing", "list every missing material")
	}
	c.Notice = &Notice{On: x.On, Missing: slices.Clone(x.Missing)}
	finishStep(c.Steps, x.On)
	c.State = AsmtAwaitingMaterials
	return nil
}

// ConfirmMaterials records that the materials are complete and starts the 60-day clock. Our
// reading of 条例 Art. 25 with 鉴定办法 Art. 9: the 60 days run from the receipt of the
// application when it was complete, and from the receipt of the full supplement after a notice
// (as 认定办法 Art. 8 says expressly for determinations).
type ConfirmMaterials struct{ Act }

func (ConfirmMaterials) name() string { return "confirm_materials" }
func (x ConfirmMaterials) act() Act   { return x.Act }
func (x ConfirmMaterials) applyAsmt(c *Assessment, _ string, lim Limits) error {
	start := x.On
	switch c.State {
	case AsmtReceived:
		start = c.AppliedOn
	case AsmtAwaitingMaterials:
	default:
		return asmtWrongState("confirm the materials of", c.State)
	}
	finishStep(c.Steps, x.On)
	c.Steps = append(c.Steps, Step{Name: StepAsmtConclude, Started: start, Due: start.AddDays(lim.Assessment.ConcludeDays)})
	c.State = AsmtReady
	return nil
}

// RecordDraw records the panel drawn for the case (made by DrawPanel from the pool). The draw
// must match the case's panel size and replay to the same panel.
type RecordDraw struct {
	Act
	Draw Draw `json:"draw"`
}

func (RecordDraw) name() string { return "draw" }
func (x RecordDraw) act() Act   { return x.Act }
func (x RecordDraw) note() string {
	return "seed " + x.Draw.Seed.String()
}
func (x RecordDraw) applyAsmt(c *Assessment, _ string, _ Limits) error {
	if c.State != AsmtReady {
		return asmtWrongState("draw a panel for", c.State)
	}
	if x.Draw.Size != c.PanelSize {
		return invalid("size", "the case needs a panel of %d", c.PanelSize)
	}
	p, err := x.Draw.Replay()
	if err != nil {
		return err
	}
	if !slices.Equal(p, x.Draw.Panel) {
		return invalid("draw", "the panel does not replay from its seed")
	}
	d := x.Draw
	c.Draw, c.State = &d, AsmtExamining
	return nil
}

// Extend extends the conclusion limit once by 30 days for a complex case (条例 Art. 25), before
// the limit has run out.
type Extend struct {
	Act
	Reason string `json:"reason"`
}

func (Extend) name() string   { return "extend" }
func (x Extend) act() Act     { return x.Act }
func (x Extend) note() string { return x.Reason }
func (x Extend) applyAsmt(c *Assessment, _ string, lim Limits) error {
	if c.State != AsmtReady && c.State != AsmtExamining {
		return asmtWrongState("extend", c.State)
	}
	if c.Extended {
		return invalid("extended", "the limit may be extended once")
	}
	if strings.TrimSpace(x.Reason) == "" {
		return invalid("reason", "an extension needs its reason")
	}
	s := currentStep(c.Steps)
	if x.On.After(s.Due) {
		return invalid("on", "the limit ran out on %s; it can no longer be extended", s.Due)
	}
	s.Due = s.Due.AddDays(lim.Assessment.ExtensionDays)
	c.Extended, c.ExtendReason = true, x.Reason
	return nil
}

// Conclude records the conclusion; delivery is due in 20 days (鉴定办法 Art. 15).
type Conclude struct {
	Act
	Grade                int      `json:"grade"`
	SelfCare             SelfCare `json:"self_care"`
	Devices              []string `json:"devices"`
	LeaveExtensionMonths int      `json:"leave_extension_months"`
	Basis                string   `json:"basis"`
}

func (Conclude) name() string { return "conclude" }
func (x Conclude) act() Act   { return x.Act }
func (x Conclude) applyAsmt(c *Assessment, _ string, lim Limits) error {
	if c.State != AsmtExamining {
		return asmtWrongState("conclude", c.State)
	}
	switch {
	case x.Grade < 0 || x.Grade > 10:
		return invalid("grade", "a grade is 1–10, or 0 for none")
	case x.LeaveExtensionMonths < 0 || x.LeaveExtensionMonths > 12:
		return invalid("leave_extension_months", "the paid leave extends by at most 12 months (条例 Art. 33)")
	case strings.TrimSpace(x.Basis) == "":
		return invalid("basis", "the conclusion states its basis (鉴定办法 Art. 14)")
	}
	finishStep(c.Steps, x.On)
	c.Steps = append(c.Steps, Step{Name: StepAsmtDeliver, Started: x.On, Due: x.On.AddDays(lim.Assessment.DeliverDays)})
	c.Conclusion = &AsmtConclusion{On: x.On, Grade: x.Grade, SelfCare: x.SelfCare, Level: x.SelfCare.Level(),
		Devices: slices.Clone(x.Devices), LeaveExtensionMonths: x.LeaveExtensionMonths, Basis: x.Basis}
	c.State = AsmtConcluded
	return nil
}

// DeliverConclusion records that the parties received the conclusion; the re-assessment window
// runs from this day.
type DeliverConclusion struct{ Act }

func (DeliverConclusion) name() string { return "deliver" }
func (x DeliverConclusion) act() Act   { return x.Act }
func (x DeliverConclusion) applyAsmt(c *Assessment, _ string, _ Limits) error {
	if c.State != AsmtConcluded {
		return asmtWrongState("deliver", c.State)
	}
	finishStep(c.Steps, x.On)
	c.DeliveredOn, c.State = x.On, AsmtClosed
	return nil
}

// Terminate ends the case without a conclusion (the worker did not attend or refused the
// examinations without good reason — 当次鉴定终止, a local practice marked UNVERIFIED in
// law-reference.md §3), with the reason.
type Terminate struct {
	Act
	Reason string `json:"reason"`
}

func (Terminate) name() string   { return "terminate" }
func (x Terminate) act() Act     { return x.Act }
func (x Terminate) note() string { return x.Reason }
func (x Terminate) applyAsmt(c *Assessment, _ string, _ Limits) error {
	if !slices.Contains([]AsmtState{AsmtReceived, AsmtAwaitingMaterials, AsmtReady, AsmtExamining}, c.State) {
		return asmtWrongState("terminate", c.State)
	}
	if strings.TrimSpace(x.Reason) == "" {
		return invalid("reason", "say why the assessment ends")
	}
	finishStep(c.Steps, x.On)
	c.Terminated, c.CloseReason, c.State = true, x.Reason, AsmtClosed
	return nil
}

// AsmtScreenRehab records the "rehabilitation first" screening at assessment: referred cases
// go to a rehabilitation expert before the panel is drawn, so it is allowed only until then.
type AsmtScreenRehab struct {
	Act
	Refer  bool   `json:"refer"`
	Reason string `json:"reason"`
}

func (AsmtScreenRehab) name() string   { return "screen_rehab" }
func (x AsmtScreenRehab) act() Act     { return x.Act }
func (x AsmtScreenRehab) note() string { return x.Reason }
func (x AsmtScreenRehab) applyAsmt(c *Assessment, _ string, _ Limits) error {
	if !slices.Contains([]AsmtState{AsmtReceived, AsmtAwaitingMaterials, AsmtReady}, c.State) {
		return asmtWrongState("screen for rehabilitation", c.State)
	}
	if x.Refer && strings.TrimSpace(x.Reason) == "" {
		return invalid("reason", "a referral needs its reason")
	}
	c.RehabFirst, c.RehabReason = x.Refer, x.Reason
	return nil
}
