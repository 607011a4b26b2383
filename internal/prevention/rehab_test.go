package prevention

import (
	"fmt"
	"testing"

	"wiis/internal/apperr"
)

// legal is the transition table written out again, independently of rehabMoves, as the
// spec reads: every (state, action) pair not listed here must be refused.
var legal = map[string]RehabState{
	"proposed/apply":                  Applied,
	"proposed/decline":                Declined,
	"proposed/withdraw":               Withdrawn,
	"applied/assess_value":            ValueAssessed,
	"applied/reject":                  Rejected,
	"applied/withdraw":                Withdrawn,
	"value_assessed/approve":          Approved,
	"value_assessed/reject":           Rejected,
	"value_assessed/withdraw":         Withdrawn,
	"approved/start":                  InRehab,
	"approved/withdraw":               Withdrawn,
	"in_rehab/progress":               InRehab,
	"in_rehab/extend":                 InRehab,
	"in_rehab/evaluate_effect":        EffectEvaluated,
	"in_rehab/withdraw":               Withdrawn,
	"effect_evaluated/return_to_work": Closed,
}

// validStep is a well-formed step for each action.
func validStep(a RehabAction) RehabStep {
	s := RehabStep{Action: a, On: "2025-03-01", Note: "记录"}
	switch a {
	case ActAssessValue:
		s.HasValue = true
	case ActApprove:
		s.Institution = "R3415001"
	case ActStart:
		s.Plan = Plan{Mode: "inpatient", Items: []string{"PT01", "OT02"}, StartOn: "2025-03-01", Days: 60}
	case ActExtend:
		s.Days = 30
	case ActEvaluateEffect:
		s.Scale, s.ScoreBefore, s.ScoreAfter = "Barthel", 45, 85
	case ActReturnToWork:
		s.Return, s.ReturnedOn = "same_job", "2025-06-01"
	}
	return s
}

// caseIn is a case in state s with what the earlier steps would have left on it.
func caseIn(s RehabState) RehabCase {
	c := RehabCase{State: s, WorkerID: "w", Employer: "e", Region: "341500", Origin: "worker", OpenedOn: "2025-01-01"}
	if s == InRehab || s == EffectEvaluated {
		c.Plan = &Plan{Mode: "outpatient", Items: []string{"PT01"}, StartOn: "2025-02-01", Days: 10, EndOn: "2025-02-10"}
	}
	return c
}

func TestEveryRehabilitationTransitionLegalOrRefused(t *testing.T) {
	for _, s := range RehabStates {
		for _, a := range RehabActions {
			key := fmt.Sprintf("%s/%s", s, a)
			t.Run(key, func(t *testing.T) {
				before := caseIn(s)
				got, err := before.Apply(validStep(a))
				want, ok := legal[key]
				if !ok {
					if apperr.CodeOf(err) != apperr.Conflict {
						t.Fatalf("illegal %s: want a conflict, got %v", key, err)
					}
					if got.State != s {
						t.Fatalf("illegal %s changed the state to %s", key, got.State)
					}
					return
				}
				if err != nil {
					t.Fatalf("legal %s: %v", key, err)
				}
				if got.State != want {
					t.Fatalf("%s: state %s, want %s", key, got.State, want)
				}
				if s.Allowed(a) != true {
					t.Fatalf("Allowed(%s) is false for a legal move", key)
				}
			})
		}
	}
}

func TestTerminalStatesAllowNothing(t *testing.T) {
	for _, s := range RehabStates {
		n := 0
		for _, a := range RehabActions {
			if s.Allowed(a) {
				n++
			}
		}
		if s.Terminal() != (n == 0) {
			t.Errorf("%s: terminal %v but %d actions allowed", s, s.Terminal(), n)
		}
	}
}

func TestNoRehabilitationValueRejectsTheCase(t *testing.T) {
	c, err := caseIn(Applied).Apply(RehabStep{Action: ActAssessValue, On: "2025-03-01", HasValue: false, Note: "伤情稳定，无康复价值"})
	if err != nil || c.State != Rejected || c.ClosedOn != "2025-03-01" {
		t.Fatalf("got %s %v", c.State, err)
	}
}

func TestRehabilitationPlanAndExtensionMoveTheEndDate(t *testing.T) {
	c, err := caseIn(Approved).Apply(validStep(ActStart))
	if err != nil {
		t.Fatal(err)
	}
	if c.Plan.EndOn != "2025-04-29" { // 1 March + 59 days
		t.Fatalf("end %s", c.Plan.EndOn)
	}
	c2, err := c.Apply(RehabStep{Action: ActExtend, On: "2025-04-20", Days: 30, Note: "肌力恢复未达预期"})
	if err != nil {
		t.Fatal(err)
	}
	if c2.Plan.EndOn != "2025-05-29" || c2.Plan.Days != 90 || len(c2.Extensions) != 1 {
		t.Fatalf("after extension: %+v %v", c2.Plan, c2.Extensions)
	}
	if c.Plan.EndOn != "2025-04-29" || len(c.Extensions) != 0 {
		t.Fatal("Apply changed the case it was called on")
	}
}

func TestRehabilitationStepsRefuseBadInputByField(t *testing.T) {
	cases := []struct {
		state RehabState
		step  RehabStep
		field string
	}{
		{ValueAssessed, RehabStep{Action: ActApprove, On: "2025-03-01"}, "institution"},
		{Approved, RehabStep{Action: ActStart, On: "2025-03-01", Plan: Plan{Mode: "home", Items: []string{"x"}, Days: 1}}, "plan.mode"},
		{Approved, RehabStep{Action: ActStart, On: "2025-03-01", Plan: Plan{Mode: "inpatient", Days: 1}}, "plan.items"},
		{Approved, RehabStep{Action: ActStart, On: "2025-03-01", Plan: Plan{Mode: "inpatient", Items: []string{"x"}}}, "plan.days"},
		{InRehab, RehabStep{Action: ActProgress, On: "2025-03-01"}, "note"},
		{InRehab, RehabStep{Action: ActExtend, On: "2025-03-01", Note: "x"}, "days"},
		{InRehab, RehabStep{Action: ActEvaluateEffect, On: "2025-03-01", Scale: "Barthel", ScoreBefore: 10, ScoreAfter: 101}, "score_after"},
		{EffectEvaluated, RehabStep{Action: ActReturnToWork, On: "2025-03-01", Return: "maybe"}, "return_to_work"},
		{EffectEvaluated, RehabStep{Action: ActReturnToWork, On: "2025-03-01", Return: "other_job"}, "returned_on"},
		{EffectEvaluated, RehabStep{Action: ActReturnToWork, On: "2025-03-01", Return: "none", ReturnedOn: "2025-03-01"}, "returned_on"},
		{EffectEvaluated, RehabStep{Action: ActReturnToWork, On: "2025-03-01", Return: "same_job", ReturnedOn: "2025-01-01"}, "returned_on"},
		{Proposed, RehabStep{Action: ActApply, On: "1 March"}, "on"},
	}
	for _, tc := range cases {
		_, err := caseIn(tc.state).Apply(tc.step)
		e := apperr.As(err)
		if e.Code != apperr.Invalid || e.Field != tc.field {
			t.Errorf("%s %s: got %v, want invalid %s", tc.state, tc.step.Action, err, tc.field)
		}
	}
}

func TestNewRehabCaseStartsProposedOrApplied(t *testing.T) {
	base := RehabCase{WorkerID: "w", Employer: "e", Region: "341500", OpenedOn: "2025-01-01"}
	p := base
	p.Origin, p.Screening = "screening", "assessment"
	if c, err := NewRehabCase(p); err != nil || c.State != Proposed {
		t.Fatalf("proposal: %s %v", c.State, err)
	}
	a := base
	a.Origin = "employer"
	if c, err := NewRehabCase(a); err != nil || c.State != Applied {
		t.Fatalf("application: %s %v", c.State, err)
	}
	p.Screening = ""
	if _, err := NewRehabCase(p); apperr.As(err).Field != "screening" {
		t.Fatalf("a proposal names its screening point: %v", err)
	}
}
