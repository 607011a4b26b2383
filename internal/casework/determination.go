package casework

import (
	"slices"
	"strings"
)

// DetState is the state of an injury determination case (工伤认定).
type DetState string

// The states of a determination. The flow (casework.md, 条例 Art. 17–20, 认定办法 Art. 8–22):
// received → (awaiting_materials → received) → accepted → (investigating) ⇄ suspended →
// decided → closed; refusal and withdrawal close the case before a decision.
const (
	DetReceived          DetState = "received"           // application in, materials under review
	DetAwaitingMaterials DetState = "awaiting_materials" // the one written notice of missing materials sent
	DetAccepted          DetState = "accepted"           // 受理: the decision clock runs
	DetInvestigating     DetState = "investigating"      // 调查核实 under way
	DetSuspended         DetState = "suspended"          // 中止: waiting on a judicial or administrative conclusion
	DetDecided           DetState = "decided"            // decision made, delivery under way
	DetClosed            DetState = "closed"             // delivered to every party, refused or withdrawn
)

// Outcome is how a determination ended.
type Outcome string

// The outcomes.
const (
	OutcomeWorkInjury    Outcome = "work_injury"        // 认定工伤 (Art. 14)
	OutcomeDeemed        Outcome = "deemed_work_injury" // 视同工伤 (Art. 15)
	OutcomeNotWorkInjury Outcome = "not_work_injury"    // 不予认定 (Art. 16, or neither 14 nor 15)
	OutcomeRefused       Outcome = "refused"            // 不予受理
	OutcomeWithdrawn     Outcome = "withdrawn"          // 撤回申请
)

// ApplicantKind says who applied; it decides the application time limit (条例 Art. 17).
type ApplicantKind string

// The applicants.
const (
	ApplicantEmployer ApplicantKind = "employer"
	ApplicantWorker   ApplicantKind = "worker"
	ApplicantRelative ApplicantKind = "relative" // 近亲属
	ApplicantUnion    ApplicantKind = "union"    // 工会组织
)

// EventKind is what started the clock: an accident, or the diagnosis or appraisal of an
// occupational disease.
type EventKind string

// The event kinds.
const (
	EventAccident            EventKind = "accident"
	EventOccupationalDisease EventKind = "occupational_disease"
)

// Material kinds. The first three are required of every application (条例 Art. 18); a death
// adds the death certificate; the others are requested case by case.
const (
	MatApplicationForm   = "application_form"   // 工伤认定申请表
	MatEmploymentProof   = "employment_proof"   // 劳动关系证明 (including de-facto)
	MatDiagnosis         = "diagnosis"          // 医疗诊断证明 / 职业病诊断证明书或鉴定书
	MatDeathCertificate  = "death_certificate"  // 死亡证明
	MatWitnessStatement  = "witness_statement"  // 证人证言
	MatSurveillanceVideo = "surveillance_video" // 监控视频
	MatPhotos            = "photos"             // 现场照片
	MatAttendanceRecord  = "attendance_record"  // 考勤记录
	MatOther             = "other"              // described in the note
)

// RequiredMaterials returns the kinds every application of this sort must include.
func RequiredMaterials(death bool) []string {
	req := []string{MatApplicationForm, MatEmploymentProof, MatDiagnosis}
	if death {
		req = append(req, MatDeathCertificate)
	}
	return req
}

var requestable = []string{MatWitnessStatement, MatSurveillanceVideo, MatPhotos, MatAttendanceRecord, MatOther}

// Material is one line of the checklist: a kind that is required or was requested, and, once
// received, the uploaded file. Several files of one kind are several lines.
type Material struct {
	Kind        string `json:"kind"`
	Required    bool   `json:"required"`
	RequestedOn Date   `json:"requested_on"`
	ReceivedOn  Date   `json:"received_on"`
	FileRef     string `json:"file_ref"`
	Note        string `json:"note,omitempty"`
}

// Application is what opens a determination case.
type Application struct {
	Region         string        `json:"region"` // the office (GB/T 2260) whose policy applies
	Team           string        `json:"team"`
	Handler        string        `json:"handler"`
	ApplicantKind  ApplicantKind `json:"applicant_kind"`
	ApplicantName  string        `json:"applicant_name"`
	WorkerID       string        `json:"worker_id"`     // ID number (persons.id_number)
	WorkerName     string        `json:"worker_name"`   //
	EmployerUSCC   string        `json:"employer_uscc"` // employers.uscc
	ClaimNo        string        `json:"claim_no,omitempty"`
	AccidentReport string        `json:"accident_report,omitempty"` // the 事故快报 the case started from
	EventKind      EventKind     `json:"event_kind"`
	EventDate      Date          `json:"event_date"` // accident, or diagnosis / appraisal of the disease
	Death          bool          `json:"death"`
	ReceivedOn     Date          `json:"received_on"`
	// EmployerExtendedTo is the end of an extension of the employer's 30 days approved by the
	// agency for special circumstances (条例 Art. 17 ¶1).
	EmployerExtendedTo Date `json:"employer_extended_to"`
	// TolledDays are days of delay not attributable to the worker (法释〔2014〕9号 Art. 7: force
	// majeure, detention, the employer's cause, pending labour arbitration), added to the year.
	TolledDays    int    `json:"tolled_days"`
	TollingReason string `json:"tolling_reason,omitempty"`
}

// Notice is the one written notice of all missing materials (条例 Art. 18 ¶3).
type Notice struct {
	On      Date     `json:"on"`
	Missing []string `json:"missing"`
}

// Investigation is one record of 调查核实 (认定办法 Art. 11).
type Investigation struct {
	On            Date     `json:"on"`
	Investigators []string `json:"investigators"`
	Record        string   `json:"record"`
}

// Decision is the determination decision (认定决定).
type Decision struct {
	On      Date    `json:"on"`
	Finding Outcome `json:"finding"`
	Article int     `json:"article"` // 14, 15, 16; 0 when not a work injury for not meeting Art. 14 or 15
	Item    int     `json:"item"`    // the numbered case of the article
	Reasons string  `json:"reasons"`
}

// Party receives the decision.
type Party string

// The parties to deliver to (认定办法 Art. 22: the worker or close relatives and the employer;
// an applying union is served too, as the applicant).
const (
	PartyWorker   Party = "worker"
	PartyEmployer Party = "employer"
	PartyUnion    Party = "union"
)

// Delivery is the service of the decision on one party (送达).
type Delivery struct {
	Party  Party  `json:"party"`
	On     Date   `json:"on"`
	Method string `json:"method"` // direct, post, electronic, public notice … (civil procedure rules)
}

// Determination is an injury determination case.
type Determination struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	CaseNo  string `json:"case_no"`
	Application
	State   DetState `json:"state"`
	Outcome Outcome  `json:"outcome"`
	// OutOfTime: a worker-side application after the year (plus tolling); it can only be
	// refused. An employer's late application is not barred; the employer bears the cost.
	OutOfTime bool `json:"out_of_time"`
	// EmployerLate: the employer did not apply within its 30 days (plus approved extension),
	// so it bears the benefits arising from the event until the application (条例 Art. 17 ¶4).
	EmployerLate      bool            `json:"employer_late"`
	EmployerBearsFrom Date            `json:"employer_bears_from"`
	EmployerBearsTo   Date            `json:"employer_bears_to"`
	Materials         []Material      `json:"materials"`
	Notice            *Notice         `json:"notice,omitempty"`
	AcceptedOn        Date            `json:"accepted_on"`
	ClearCut          bool            `json:"clear_cut"`
	Investigations    []Investigation `json:"investigations"`
	SuspendedFrom     DetState        `json:"suspended_from,omitempty"`
	SuspendReason     string          `json:"suspend_reason,omitempty"`
	Decision          *Decision       `json:"decision,omitempty"`
	Deliveries        []Delivery      `json:"deliveries"`
	ClosedOn          Date            `json:"closed_on"`
	CloseReason       string          `json:"close_reason,omitempty"`
	RehabFirst        bool            `json:"rehab_first"`
	RehabReason       string          `json:"rehab_reason,omitempty"`
	Steps             []Step          `json:"steps"`
	Events            []Event         `json:"events"`
}

// Step names of a determination.
const (
	StepReview  = "review"  // 审核材料: 15 days from receipt (or from the full supplement)
	StepSupply  = "supply"  // the applicant supplies the missing materials: no agency deadline
	StepDecide  = "decide"  // 认定: 60 (or 15) days from acceptance, suspensions excluded
	StepDeliver = "deliver" // 送达: 20 days from the decision
)

// EmployerApplyBy returns the last day of the employer's application period: 30 days after the
// event, or the approved extension, moved off a rest day (it is a party's period).
func EmployerApplyBy(a Application, lim DeterminationLimits, cal Calendar) Date {
	by := a.EventDate.AddDays(lim.EmployerApplyDays)
	if a.EmployerExtendedTo.After(by) {
		by = a.EmployerExtendedTo
	}
	return cal.NextWorkday(by)
}

// WorkerApplyBy returns the last day for the worker, close relatives or the union: one year
// after the event (a Feb 29 event ends on Feb 28), plus tolled days, moved off a rest day.
func WorkerApplyBy(a Application, lim DeterminationLimits, cal Calendar) Date {
	return cal.NextWorkday(a.EventDate.AddYears(lim.WorkerApplyYears).AddDays(a.TolledDays))
}

// OpenDetermination registers an application received on a.ReceivedOn: it checks who may apply,
// computes the application-limit consequences, lays out the checklist of required materials
// and starts the 15-day review. Errors are Invalid with the field at fault.
func OpenDetermination(a Application, by string, lim Limits) (Determination, error) {
	switch a.ApplicantKind {
	case ApplicantEmployer, ApplicantWorker, ApplicantRelative, ApplicantUnion:
	default:
		return Determination{}, invalid("applicant_kind", "must be employer, worker, relative or union")
	}
	switch a.EventKind {
	case EventAccident, EventOccupationalDisease:
	default:
		return Determination{}, invalid("event_kind", "must be accident or occupational_disease")
	}
	switch {
	case a.Region == "":
		return Determination{}, invalid("region", "the office's region is required")
	case a.WorkerID == "":
		return Determination{}, invalid("worker_id", "the worker is required")
	case a.EmployerUSCC == "":
		return Determination{}, invalid("employer_uscc", "the employer is required")
	case a.EventDate.IsZero():
		return Determination{}, invalid("event_date", "the date of the accident or diagnosis is required")
	case a.ReceivedOn.IsZero():
		return Determination{}, invalid("received_on", "the date of receipt is required")
	case a.ReceivedOn.Before(a.EventDate):
		return Determination{}, invalid("received_on", "the application cannot precede the event")
	case a.TolledDays < 0:
		return Determination{}, invalid("tolled_days", "cannot be negative")
	case a.TolledDays > 0 && strings.TrimSpace(a.TollingReason) == "":
		return Determination{}, invalid("tolling_reason", "tolled days need the reason (法释〔2014〕9号 Art. 7)")
	}
	c := Determination{Application: a, State: DetReceived}
	dl := lim.Determination
	if a.ReceivedOn.After(EmployerApplyBy(a, dl, lim.Calendar)) {
		c.EmployerLate = true
		c.EmployerBearsFrom, c.EmployerBearsTo = a.EventDate, a.ReceivedOn
	}
	if a.ApplicantKind != ApplicantEmployer && a.ReceivedOn.After(WorkerApplyBy(a, dl, lim.Calendar)) {
		c.OutOfTime = true
	}
	for _, k := range RequiredMaterials(a.Death) {
		c.Materials = append(c.Materials, Material{Kind: k, Required: true})
	}
	c.Steps = []Step{{Name: StepReview, Started: a.ReceivedOn, Due: a.ReceivedOn.AddDays(dl.ReviewDays)}}
	c.Events = []Event{{Action: "apply", By: by, On: a.ReceivedOn, To: string(DetReceived)}}
	return c, nil
}

// Missing returns the kinds required or requested and not yet received, in checklist order.
func (c Determination) Missing() []string {
	var out []string
	for _, m := range c.Materials {
		if (m.Required || !m.RequestedOn.IsZero()) && !c.received(m.Kind) && !slices.Contains(out, m.Kind) {
			out = append(out, m.Kind)
		}
	}
	return out
}

func (c Determination) received(kind string) bool {
	for _, m := range c.Materials {
		if m.Kind == kind && !m.ReceivedOn.IsZero() {
			return true
		}
	}
	return false
}

// Current returns the open step, if any.
func (c Determination) Current() (Step, bool) {
	if s := currentStep(c.Steps); s != nil {
		return *s, true
	}
	return Step{}, false
}

// DetAction is a transition of a determination case.
type DetAction interface {
	act() Act
	name() string
	apply(c *Determination, by string, lim Limits) error
}

// Apply performs action a on a copy of c and returns the new case, or an *Error naming the
// field and the reason when the action is not allowed in c's state or its input is invalid.
// c itself is never changed.
func (c Determination) Apply(a DetAction, by string, lim Limits) (Determination, error) {
	n := c.clone()
	if err := a.act().check(lastOn(c.Events)); err != nil {
		return c, err
	}
	from := n.State
	if err := a.apply(&n, by, lim); err != nil {
		return c, err
	}
	n.Events = append(n.Events, Event{Action: a.name(), By: by, On: a.act().On,
		From: string(from), To: string(n.State), Note: noteOf(a)})
	return n, nil
}

func (c Determination) clone() Determination {
	n := c
	n.Materials = slices.Clone(c.Materials)
	n.Investigations = slices.Clone(c.Investigations)
	n.Deliveries = slices.Clone(c.Deliveries)
	n.Steps = slices.Clone(c.Steps)
	n.Events = slices.Clone(c.Events)
	if c.Notice != nil {
		nt := *c.Notice
		n.Notice = &nt
	}
	if c.Decision != nil {
		d := *c.Decision
		n.Decision = &d
	}
	return n
}

// noted is implemented by actions whose reason or record belongs in the history.
type noted interface{ note() string }

func noteOf(a any) string {
	if n, ok := a.(noted); ok {
		return n.note()
	}
	return ""
}

func wrongState(action string, s DetState) error {
	return invalid("state", "cannot %s a case that is %s", action, s)
}

func inState(s DetState, allowed ...DetState) bool { return slices.Contains(allowed, s) }

// RequestMaterial adds a case-specific material (witness statement, video …) to the checklist.
// It is allowed only during the first review: the notice must list everything at once, so
// nothing may be asked for after it (条例 Art. 18 ¶3 "一次性").
type RequestMaterial struct {
	Act
	Kind string `json:"kind"`
	Note string `json:"note"`
}

func (RequestMaterial) name() string { return "request_material" }
func (a RequestMaterial) act() Act   { return a.Act }
func (a RequestMaterial) apply(c *Determination, _ string, _ Limits) error {
	if c.State != DetReceived || c.Notice != nil {
		return invalid("state", "materials can be requested only before the one notice of missing materials")
	}
	if !slices.Contains(requestable, a.Kind) {
		return invalid("kind", "%q is not a material that can be requested", a.Kind)
	}
	if a.Kind == MatOther && strings.TrimSpace(a.Note) == "" {
		return invalid("note", "say what other material is needed")
	}
	c.Materials = append(c.Materials, Material{Kind: a.Kind, RequestedOn: a.On, Note: a.Note})
	return nil
}

// ReceiveMaterial records an uploaded file of a kind. While the case awaits materials, the
// file that completes the checklist restarts the review: the agency then has 15 days from the
// full supplement to accept or refuse (认定办法 Art. 8). Evidence may also arrive during the
// investigation.
type ReceiveMaterial struct {
	Act
	Kind    string `json:"kind"`
	FileRef string `json:"file_ref"`
	Note    string `json:"note"`
}

func (ReceiveMaterial) name() string { return "receive_material" }
func (a ReceiveMaterial) act() Act   { return a.Act }
func (a ReceiveMaterial) apply(c *Determination, _ string, lim Limits) error {
	if !inState(c.State, DetReceived, DetAwaitingMaterials, DetAccepted, DetInvestigating) {
		return wrongState("receive materials for", c.State)
	}
	if !slices.Contains(RequiredMaterials(true), a.Kind) && !slices.Contains(requestable, a.Kind) {
		return invalid("kind", "unknown material kind %q", a.Kind)
	}
	if strings.TrimSpace(a.FileRef) == "" {
		return invalid("file_ref", "the uploaded file is required")
	}
	placed := false
	for i := range c.Materials {
		if m := &c.Materials[i]; m.Kind == a.Kind && m.ReceivedOn.IsZero() {
			m.ReceivedOn, m.FileRef = a.On, a.FileRef
			if a.Note != "" {
				m.Note = a.Note
			}
			placed = true
			break
		}
	}
	if !placed {
		c.Materials = append(c.Materials, Material{Kind: a.Kind, ReceivedOn: a.On, FileRef: a.FileRef, Note: a.Note})
	}
	if c.State == DetAwaitingMaterials && len(c.Missing()) == 0 {
		finishStep(c.Steps, a.On)
		c.Steps = append(c.Steps, Step{Name: StepReview, Started: a.On, Due: a.On.AddDays(lim.Determination.AcceptAfterSupDays)})
		c.State = DetReceived
	}
	return nil
}

// NoticeMissing sends the one written notice listing every missing material. A second notice
// is refused, and so is a notice when nothing is missing.
type NoticeMissing struct{ Act }

func (NoticeMissing) name() string { return "notice_missing" }
func (a NoticeMissing) act() Act   { return a.Act }
func (a NoticeMissing) apply(c *Determination, _ string, _ Limits) error {
	if c.Notice != nil {
		return invalid("notice", "the notice of missing materials was already sent on %s; the law allows one", c.Notice.On)
	}
	if c.State != DetReceived {
		return wrongState("send a notice of missing materials for", c.State)
	}
	missing := c.Missing()
	if len(missing) == 0 {
		return invalid("materials", "nothing is missing")
	}
	c.Notice = &Notice{On: a.On, Missing: missing}
	finishStep(c.Steps, a.On)
	c.Steps = append(c.Steps, Step{Name: StepSupply, Started: a.On})
	c.State = DetAwaitingMaterials
	return nil
}

// Accept accepts the application (受理) and starts the decision clock: 60 days, or 15 when the
// facts, rights and duties are clear (条例 Art. 20), from the day of acceptance.
type Accept struct {
	Act
	ClearCut bool `json:"clear_cut"`
}

func (Accept) name() string { return "accept" }
func (a Accept) act() Act   { return a.Act }
func (a Accept) apply(c *Determination, _ string, lim Limits) error {
	if c.State != DetReceived {
		return wrongState("accept", c.State)
	}
	if c.OutOfTime {
		return invalid("received_on", "the application came after the one-year limit; it can only be refused")
	}
	if m := c.Missing(); len(m) > 0 {
		return invalid("materials", "missing: %s", strings.Join(m, ", "))
	}
	days := lim.Determination.DecideDays
	if a.ClearCut {
		days = lim.Determination.DecideClearDays
	}
	finishStep(c.Steps, a.On)
	c.Steps = append(c.Steps, Step{Name: StepDecide, Started: a.On, Due: a.On.AddDays(days)})
	c.AcceptedOn, c.ClearCut, c.State = a.On, a.ClearCut, DetAccepted
	return nil
}

// Refuse refuses to accept the application (不予受理), with the reason written on the notice.
type Refuse struct {
	Act
	Reason string `json:"reason"`
}

func (Refuse) name() string   { return "refuse" }
func (a Refuse) act() Act     { return a.Act }
func (a Refuse) note() string { return a.Reason }
func (a Refuse) apply(c *Determination, _ string, _ Limits) error {
	if !inState(c.State, DetReceived, DetAwaitingMaterials) {
		return wrongState("refuse", c.State)
	}
	if strings.TrimSpace(a.Reason) == "" {
		return invalid("reason", "a refusal needs its reason")
	}
	c.close(a.On, OutcomeRefused, a.Reason)
	return nil
}

// Withdraw closes the case at the applicant's request before the decision.
type Withdraw struct {
	Act
	Reason string `json:"reason"`
}

func (Withdraw) name() string   { return "withdraw" }
func (a Withdraw) act() Act     { return a.Act }
func (a Withdraw) note() string { return a.Reason }
func (a Withdraw) apply(c *Determination, _ string, _ Limits) error {
	if !inState(c.State, DetReceived, DetAwaitingMaterials, DetAccepted, DetInvestigating, DetSuspended) {
		return wrongState("withdraw", c.State)
	}
	c.close(a.On, OutcomeWithdrawn, a.Reason)
	return nil
}

func (c *Determination) close(on Date, o Outcome, reason string) {
	finishStep(c.Steps, on)
	c.Outcome, c.ClosedOn, c.CloseReason, c.State = o, on, reason, DetClosed
}

// Investigate records an investigation (调查核实). It is refused for an occupational disease with
// a lawful diagnosis or appraisal certificate, which 条例 Art. 19 says is not re-investigated.
type Investigate struct {
	Act
	Investigators []string `json:"investigators"`
	Record        string   `json:"record"`
}

func (Investigate) name() string   { return "investigate" }
func (a Investigate) act() Act     { return a.Act }
func (a Investigate) note() string { return a.Record }
func (a Investigate) apply(c *Determination, _ string, _ Limits) error {
	if !inState(c.State, DetAccepted, DetInvestigating) {
		return wrongState("investigate", c.State)
	}
	if c.EventKind == EventOccupationalDisease {
		return invalid("event_kind", "an occupational disease diagnosis is not re-investigated (条例 Art. 19)")
	}
	if len(a.Investigators) == 0 {
		return invalid("investigators", "name who investigated")
	}
	if strings.TrimSpace(a.Record) == "" {
		return invalid("record", "the investigation record is required")
	}
	c.Investigations = append(c.Investigations, Investigation{On: a.On, Investigators: a.Investigators, Record: a.Record})
	c.State = DetInvestigating
	return nil
}

// Suspend stops the decision clock while the decision waits on a judicial or administrative
// conclusion (条例 Art. 20 ¶3); the applicant is told in writing.
type Suspend struct {
	Act
	Reason string `json:"reason"`
}

func (Suspend) name() string   { return "suspend" }
func (a Suspend) act() Act     { return a.Act }
func (a Suspend) note() string { return a.Reason }
func (a Suspend) apply(c *Determination, _ string, _ Limits) error {
	if !inState(c.State, DetAccepted, DetInvestigating) {
		return wrongState("suspend", c.State)
	}
	if strings.TrimSpace(a.Reason) == "" {
		return invalid("reason", "say which conclusion the decision waits for")
	}
	currentStep(c.Steps).suspend(a.On)
	c.SuspendedFrom, c.SuspendReason, c.State = c.State, a.Reason, DetSuspended
	return nil
}

// Resume restarts the clock on the conclusion; the due date moves by the days suspended.
type Resume struct{ Act }

func (Resume) name() string { return "resume" }
func (a Resume) act() Act   { return a.Act }
func (a Resume) apply(c *Determination, _ string, _ Limits) error {
	if c.State != DetSuspended {
		return wrongState("resume", c.State)
	}
	currentStep(c.Steps).resume(a.On)
	c.State, c.SuspendedFrom, c.SuspendReason = c.SuspendedFrom, "", ""
	return nil
}

// Decide records the decision: a work injury under Art. 14 (items 1–7), a deemed work injury
// under Art. 15 (items 1–3), or not a work injury — under Art. 16 (items 1–3) or, with Article
// 0, for meeting neither Art. 14 nor 15 — always with reasons. Delivery is due in 20 days.
type Decide struct {
	Act
	Finding Outcome `json:"finding"`
	Article int     `json:"article"`
	Item    int     `json:"item"`
	Reasons string  `json:"reasons"`
}

func (Decide) name() string   { return "decide" }
func (a Decide) act() Act     { return a.Act }
func (a Decide) note() string { return a.Reasons }
func (a Decide) apply(c *Determination, _ string, lim Limits) error {
	if !inState(c.State, DetAccepted, DetInvestigating) {
		return wrongState("decide", c.State)
	}
	if err := a.valid(); err != nil {
		return err
	}
	finishStep(c.Steps, a.On)
	c.Steps = append(c.Steps, Step{Name: StepDeliver, Started: a.On, Due: a.On.AddDays(lim.Determination.DeliverDays)})
	c.Decision = &Decision{On: a.On, Finding: a.Finding, Article: a.Article, Item: a.Item, Reasons: a.Reasons}
	c.Outcome, c.State = a.Finding, DetDecided
	return nil
}

func (a Decide) valid() error {
	itemIn := func(max int) error {
		if a.Item < 1 || a.Item > max {
			return invalid("item", "Art. %d has items 1–%d", a.Article, max)
		}
		return nil
	}
	var err error
	switch {
	case a.Finding == OutcomeWorkInjury && a.Article == 14:
		err = itemIn(7)
	case a.Finding == OutcomeDeemed && a.Article == 15:
		err = itemIn(3)
	case a.Finding == OutcomeNotWorkInjury && a.Article == 16:
		err = itemIn(3)
	case a.Finding == OutcomeNotWorkInjury && a.Article == 0:
		if a.Item != 0 {
			err = invalid("item", "no item when the case meets neither Art. 14 nor Art. 15")
		}
	case a.Finding == OutcomeWorkInjury, a.Finding == OutcomeDeemed, a.Finding == OutcomeNotWorkInjury:
		err = invalid("article", "%s is decided under Art. 14, Art. 15 or Art. 16 (or 0) respectively", a.Finding)
	default:
		err = invalid("finding", "must be work_injury, deemed_work_injury or not_work_injury")
	}
	if err == nil && strings.TrimSpace(a.Reasons) == "" {
		err = invalid("reasons", "a decision states its reasons")
	}
	return err
}

// PartiesToServe returns who must receive the decision: the worker (or the close relatives,
// who stand in the worker's place) and the employer, and the union when it applied.
func (c Determination) PartiesToServe() []Party {
	p := []Party{PartyWorker, PartyEmployer}
	if c.ApplicantKind == ApplicantUnion {
		p = append(p, PartyUnion)
	}
	return p
}

// Deliver records the service of the decision on one party; the case closes when every party
// has been served.
type Deliver struct {
	Act
	Party  Party  `json:"party"`
	Method string `json:"method"`
}

func (Deliver) name() string   { return "deliver" }
func (a Deliver) act() Act     { return a.Act }
func (a Deliver) note() string { return string(a.Party) }
func (a Deliver) apply(c *Determination, _ string, _ Limits) error {
	if c.State != DetDecided {
		return wrongState("deliver", c.State)
	}
	parties := c.PartiesToServe()
	if !slices.Contains(parties, a.Party) {
		return invalid("party", "%q is not a party to serve", a.Party)
	}
	for _, d := range c.Deliveries {
		if d.Party == a.Party {
			return invalid("party", "%s was already served on %s", a.Party, d.On)
		}
	}
	if strings.TrimSpace(a.Method) == "" {
		return invalid("method", "the method of service is required")
	}
	c.Deliveries = append(c.Deliveries, Delivery{Party: a.Party, On: a.On, Method: a.Method})
	if len(c.Deliveries) == len(parties) {
		finishStep(c.Steps, a.On)
		c.ClosedOn, c.State = a.On, DetClosed
	}
	return nil
}

// ScreenRehab records the "rehabilitation first" screening (先康复再鉴定, prevention-rehab.md):
// whether the case is referred to a rehabilitation expert, and why. It changes no state.
type ScreenRehab struct {
	Act
	Refer  bool   `json:"refer"`
	Reason string `json:"reason"`
}

func (ScreenRehab) name() string   { return "screen_rehab" }
func (a ScreenRehab) act() Act     { return a.Act }
func (a ScreenRehab) note() string { return a.Reason }
func (a ScreenRehab) apply(c *Determination, _ string, _ Limits) error {
	if c.State == DetClosed && c.Outcome != OutcomeWorkInjury && c.Outcome != OutcomeDeemed {
		return wrongState("screen for rehabilitation", c.State)
	}
	if a.Refer && strings.TrimSpace(a.Reason) == "" {
		return invalid("reason", "a referral needs its reason")
	}
	c.RehabFirst, c.RehabReason = a.Refer, a.Reason
	return nil
}
