package prevention

import (
	"slices"
	"time"

	"wiis/internal/apperr"
)

// RehabState is the state of a rehabilitation case (工伤康复).
type RehabState string

// The states, in the order a case passes through them, then the four ends.
const (
	Proposed        RehabState = "proposed"         // screening proposed it at determination or assessment (先康复再鉴定)
	Applied         RehabState = "applied"          // the worker, employer or agency applied
	ValueAssessed   RehabState = "value_assessed"   // an expert found rehabilitation value (康复价值评估)
	Approved        RehabState = "approved"         // approved, with an agreement institution
	InRehab         RehabState = "in_rehab"         // the plan runs: progress and extensions
	EffectEvaluated RehabState = "effect_evaluated" // functional scores before and after recorded
	Closed          RehabState = "closed"           // return to work recorded (same job, other job, none)
	Declined        RehabState = "declined"         // the worker did not take up a proposal
	Rejected        RehabState = "rejected"         // no rehabilitation value, or not approved
	Withdrawn       RehabState = "withdrawn"        // withdrawn before it ended
)

// RehabStates lists every state, for tests and filters.
var RehabStates = []RehabState{Proposed, Applied, ValueAssessed, Approved, InRehab, EffectEvaluated, Closed, Declined, Rejected, Withdrawn}

// Terminal reports whether no action moves a case out of s.
func (s RehabState) Terminal() bool {
	return s == Closed || s == Declined || s == Rejected || s == Withdrawn
}

// RehabAction is what a user does to a case.
type RehabAction string

// The actions.
const (
	ActApply          RehabAction = "apply"           // proposed → applied
	ActDecline        RehabAction = "decline"         // proposed → declined
	ActAssessValue    RehabAction = "assess_value"    // applied → value_assessed, or rejected when no value
	ActApprove        RehabAction = "approve"         // value_assessed → approved (institution named)
	ActReject         RehabAction = "reject"          // applied | value_assessed → rejected
	ActStart          RehabAction = "start"           // approved → in_rehab (the plan)
	ActProgress       RehabAction = "progress"        // in_rehab → in_rehab (a progress note)
	ActExtend         RehabAction = "extend"          // in_rehab → in_rehab (more days)
	ActEvaluateEffect RehabAction = "evaluate_effect" // in_rehab → effect_evaluated
	ActReturnToWork   RehabAction = "return_to_work"  // effect_evaluated → closed
	ActWithdraw       RehabAction = "withdraw"        // any open state up to in_rehab → withdrawn
)

// RehabActions lists every action, for tests.
var RehabActions = []RehabAction{ActApply, ActDecline, ActAssessValue, ActApprove, ActReject, ActStart, ActProgress, ActExtend, ActEvaluateEffect, ActReturnToWork, ActWithdraw}

// rehabMoves is the transition table: from a state, the actions allowed. ActAssessValue may
// also end in Rejected (no value); Apply applies the rest.
var rehabMoves = map[RehabState]map[RehabAction]RehabState{
	Proposed:        {ActApply: Applied, ActDecline: Declined, ActWithdraw: Withdrawn},
	Applied:         {ActAssessValue: ValueAssessed, ActReject: Rejected, ActWithdraw: Withdrawn},
	ValueAssessed:   {ActApprove: Approved, ActReject: Rejected, ActWithdraw: Withdrawn},
	Approved:        {ActStart: InRehab, ActWithdraw: Withdrawn},
	InRehab:         {ActProgress: InRehab, ActExtend: InRehab, ActEvaluateEffect: EffectEvaluated, ActWithdraw: Withdrawn},
	EffectEvaluated: {ActReturnToWork: Closed},
}

// Allowed reports whether action a is legal in state s.
func (s RehabState) Allowed(a RehabAction) bool {
	_, ok := rehabMoves[s][a]
	return ok
}

// Origins of a case: who asked for it.
var RehabOrigins = []Code{{"screening", "经办机构筛查建议"}, {"worker", "职工申请"}, {"employer", "用人单位申请"}}

// Screening points: a proposal comes from a determination or an assessment (先康复再鉴定).
var ScreeningPoints = []Code{{"determination", "工伤认定"}, {"assessment", "劳动能力鉴定"}}

// Plan modes.
var PlanModes = []Code{{"inpatient", "住院康复"}, {"outpatient", "门诊康复"}}

// ReturnOutcomes are the return-to-work outcomes every programme is judged by.
var ReturnOutcomes = []Code{{"same_job", "原岗位"}, {"other_job", "调整岗位"}, {"none", "未返岗"}}

// Plan is the rehabilitation plan: mode, catalogue items and the planned days.
type Plan struct {
	Mode    string   `json:"mode"`
	Items   []string `json:"items"` // rehabilitation catalogue item codes
	StartOn string   `json:"start_on"`
	Days    int      `json:"days"`
	EndOn   string   `json:"end_on"` // StartOn + Days − 1, moved by extensions
}

// Note is one dated entry in a case's record: progress, extension and so on.
type Note struct {
	On   string `json:"on"`
	Text string `json:"text"`
	Days int    `json:"days,omitempty"` // extension days
}

// RehabCase is a rehabilitation case as the domain sees it.
type RehabCase struct {
	ID          int64      `json:"id"`
	Region      string     `json:"region"`
	WorkerID    string     `json:"worker_id"`
	Employer    string     `json:"employer"`
	ClaimNo     string     `json:"claim_no"`
	Origin      string     `json:"origin"`
	Screening   string     `json:"screening,omitempty"` // determination | assessment, for proposals
	Injury      string     `json:"injury"`              // the injury or diagnosis summary (health data)
	State       RehabState `json:"state"`
	OpenedOn    string     `json:"opened_on"`
	HasValue    bool       `json:"has_value"`
	ValueNote   string     `json:"value_note,omitempty"`
	Institution string     `json:"institution,omitempty"`
	ApprovedOn  string     `json:"approved_on,omitempty"`
	Plan        *Plan      `json:"plan,omitempty"`
	Progress    []Note     `json:"progress,omitempty"`
	Extensions  []Note     `json:"extensions,omitempty"`
	Scale       string     `json:"scale,omitempty"` // the functional scale, e.g. Barthel (0–100)
	ScoreBefore *int       `json:"score_before,omitempty"`
	ScoreAfter  *int       `json:"score_after,omitempty"`
	Return      string     `json:"return_to_work,omitempty"`
	ReturnedOn  string     `json:"returned_on,omitempty"`
	Adjustments string     `json:"adjustments,omitempty"` // what the employer changed for the return
	ClosedOn    string     `json:"closed_on,omitempty"`
	Version     int64      `json:"version"`
}

// RehabStep is one act on a case with what it carries; fields not used by the action are
// ignored.
type RehabStep struct {
	Action      RehabAction `json:"action"`
	On          string      `json:"on"` // the business date of the act
	Note        string      `json:"note"`
	HasValue    bool        `json:"has_value"`   // assess_value
	Institution string      `json:"institution"` // approve
	Plan        Plan        `json:"plan"`        // start
	Days        int         `json:"days"`        // extend
	Scale       string      `json:"scale"`       // evaluate_effect
	ScoreBefore int         `json:"score_before"`
	ScoreAfter  int         `json:"score_after"`
	Return      string      `json:"return_to_work"` // return_to_work
	ReturnedOn  string      `json:"returned_on"`
	Adjustments string      `json:"adjustments"`
}

func parseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, apperr.Invalidf(field, "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	return t, nil
}

// Apply performs step on c and returns the changed case; c is not modified. It returns a
// conflict error for an action illegal in the current state and an invalid error naming the
// field for bad input.
func (c RehabCase) Apply(step RehabStep) (RehabCase, error) {
	next, ok := rehabMoves[c.State][step.Action]
	if !ok {
		return c, apperr.Conflictf("state", "康复案件状态为 %s，不能执行 %s / action %s is not allowed in state %s",
			c.State, step.Action, step.Action, c.State)
	}
	if _, err := parseDate("on", step.On); err != nil {
		return c, err
	}
	n := c
	n.Progress = slices.Clone(c.Progress)
	n.Extensions = slices.Clone(c.Extensions)
	switch step.Action {
	case ActAssessValue:
		n.HasValue, n.ValueNote = step.HasValue, step.Note
		if !step.HasValue {
			next = Rejected
			n.ClosedOn = step.On
		}
	case ActApprove:
		if step.Institution == "" {
			return c, apperr.Invalidf("institution", "须指定康复协议机构 / an agreement institution is required")
		}
		n.Institution, n.ApprovedOn = step.Institution, step.On
	case ActStart:
		p := step.Plan
		if !ValidCode(PlanModes, p.Mode) {
			return c, apperr.Invalidf("plan.mode", "康复方式应为住院或门诊 / mode must be inpatient or outpatient")
		}
		if len(p.Items) == 0 {
			return c, apperr.Invalidf("plan.items", "康复项目不能为空 / at least one catalogue item")
		}
		if p.Days <= 0 {
			return c, apperr.Invalidf("plan.days", "康复期限必须大于零 / duration must be positive")
		}
		if p.StartOn == "" {
			p.StartOn = step.On
		}
		st, err := parseDate("plan.start_on", p.StartOn)
		if err != nil {
			return c, err
		}
		p.Items = slices.Clone(p.Items)
		p.EndOn = st.AddDate(0, 0, p.Days-1).Format(time.DateOnly)
		n.Plan = &p
	case ActProgress:
		if step.Note == "" {
			return c, apperr.Invalidf("note", "进展记录不能为空 / a progress note is required")
		}
		n.Progress = append(n.Progress, Note{On: step.On, Text: step.Note})
	case ActExtend:
		if step.Days <= 0 {
			return c, apperr.Invalidf("days", "延长天数必须大于零 / extension days must be positive")
		}
		if step.Note == "" {
			return c, apperr.Invalidf("note", "须说明延长理由 / the reason for the extension is required")
		}
		p := *c.Plan
		end, err := parseDate("plan.end_on", p.EndOn)
		if err != nil {
			return c, err
		}
		p.Days += step.Days
		p.EndOn = end.AddDate(0, 0, step.Days).Format(time.DateOnly)
		n.Plan = &p
		n.Extensions = append(n.Extensions, Note{On: step.On, Text: step.Note, Days: step.Days})
	case ActEvaluateEffect:
		if step.Scale == "" {
			return c, apperr.Invalidf("scale", "须注明功能评定量表 / the functional scale is required")
		}
		if step.ScoreBefore < 0 || step.ScoreBefore > 100 {
			return c, apperr.Invalidf("score_before", "评分应在0至100之间 / score must be 0–100")
		}
		if step.ScoreAfter < 0 || step.ScoreAfter > 100 {
			return c, apperr.Invalidf("score_after", "评分应在0至100之间 / score must be 0–100")
		}
		b, a := step.ScoreBefore, step.ScoreAfter
		n.Scale, n.ScoreBefore, n.ScoreAfter = step.Scale, &b, &a
	case ActReturnToWork:
		if !ValidCode(ReturnOutcomes, step.Return) {
			return c, apperr.Invalidf("return_to_work", "返岗情况应为原岗位、调整岗位或未返岗 / same_job, other_job or none")
		}
		if step.Return != "none" {
			rt, err := parseDate("returned_on", step.ReturnedOn)
			if err != nil {
				return c, err
			}
			if c.Plan != nil && rt.Format(time.DateOnly) < c.Plan.StartOn {
				return c, apperr.Invalidf("returned_on", "返岗日期早于康复开始 / return before rehabilitation began")
			}
		} else if step.ReturnedOn != "" {
			return c, apperr.Invalidf("returned_on", "未返岗不应有返岗日期 / no date when the worker did not return")
		}
		n.Return, n.ReturnedOn, n.Adjustments, n.ClosedOn = step.Return, step.ReturnedOn, step.Adjustments, step.On
	case ActDecline, ActReject, ActWithdraw:
		n.ClosedOn = step.On
	}
	n.State = next
	return n, nil
}

// NewRehabCase validates the opening of a case: a screening proposal (state proposed) or an
// application by the worker or employer (state applied).
func NewRehabCase(c RehabCase) (RehabCase, error) {
	switch {
	case c.WorkerID == "":
		return c, apperr.Invalidf("worker_id", "职工身份证号必填 / worker is required")
	case c.Employer == "":
		return c, apperr.Invalidf("employer", "用人单位必填 / employer is required")
	case c.Region == "":
		return c, apperr.Invalidf("region", "地区必填 / region is required")
	case !ValidCode(RehabOrigins, c.Origin):
		return c, apperr.Invalidf("origin", "未知申请来源 / unknown origin")
	}
	if _, err := parseDate("opened_on", c.OpenedOn); err != nil {
		return c, err
	}
	c.State = Applied
	if c.Origin == "screening" {
		if !ValidCode(ScreeningPoints, c.Screening) {
			return c, apperr.Invalidf("screening", "筛查环节应为认定或鉴定 / determination or assessment")
		}
		c.State = Proposed
	}
	return c, nil
}
