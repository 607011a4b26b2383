package supervise

import (
	"slices"
	"strings"

	"wiis/internal/apperr"
)

// RefState is the state of an inspection referral (劳动监察移送).
type RefState string

// The states of a referral, in order: the agency refers, the inspectorate receives it,
// investigates and reports its result, and the agency closes the referral once it has
// followed up (an enrollment, a recovery, or nothing to do).
const (
	RefReferred      RefState = "referred"
	RefReceived      RefState = "received"
	RefInvestigating RefState = "investigating"
	RefResult        RefState = "result"
	RefClosed        RefState = "closed"
)

// RefStates lists the states in order, for filters.
var RefStates = []RefState{RefReferred, RefReceived, RefInvestigating, RefResult, RefClosed}

// Sources a referral starts from: a case where the employer turned out uninsured, or a risk
// alert about the employer.
const (
	SourceDetermination = "determination"
	SourceAssessment    = "assessment"
	SourceAdvance       = "advance"
	SourceAlert         = "alert"
)

// Sources lists the valid source kinds.
var Sources = []string{SourceDetermination, SourceAssessment, SourceAdvance, SourceAlert}

// Outcomes the inspectorate reports.
var Outcomes = []string{"ordered_to_enrol", "penalised", "no_violation", "transferred"}

// Side says who acts on a referral: the insurance agency or the labour inspectorate.
type Side string

// The two sides of a referral.
const (
	SideAgency       Side = "agency"
	SideInspectorate Side = "inspectorate"
)

// RefAction is one step of a referral's life, with the states it may start from, the state
// it leads to and the side that takes it. One table, so the service, the UI's buttons and
// the tests agree on who may do what when.
type RefAction struct {
	Name string
	From []RefState
	To   RefState
	Side Side
}

// RefActions are the steps of a referral. The inspectorate may report a result straight from
// "received" (a desk check needs no field investigation).
var RefActions = []RefAction{
	{"receive", []RefState{RefReferred}, RefReceived, SideInspectorate},
	{"investigate", []RefState{RefReceived}, RefInvestigating, SideInspectorate},
	{"result", []RefState{RefReceived, RefInvestigating}, RefResult, SideInspectorate},
	{"close", []RefState{RefResult}, RefClosed, SideAgency},
}

// FindRefAction returns the action named name. Errors: invalid.
func FindRefAction(name string) (RefAction, error) {
	for _, a := range RefActions {
		if a.Name == name {
			return a, nil
		}
	}
	return RefAction{}, apperr.Invalidf("action", "sup.err.action")
}

// Allowed reports whether a may be taken in state s.
func (a RefAction) Allowed(s RefState) bool { return slices.Contains(a.From, s) }

// ActionsFor lists the actions side may take in state s, for the page's buttons.
func ActionsFor(s RefState, side Side) []string {
	var out []string
	for _, a := range RefActions {
		if a.Side == side && a.Allowed(s) {
			out = append(out, a.Name)
		}
	}
	return out
}

// ResultInput is the inspectorate's result.
type ResultInput struct {
	On      string `json:"on"`
	Outcome string `json:"outcome"`
	Result  string `json:"result"`
}

// Validate checks a result: a date, a known outcome and a text. Errors: invalid.
func (r ResultInput) Validate() error {
	if _, err := ParseDate("on", r.On); err != nil {
		return err
	}
	if !slices.Contains(Outcomes, r.Outcome) {
		return apperr.Invalidf("outcome", "sup.err.outcome")
	}
	if strings.TrimSpace(r.Result) == "" {
		return apperr.Invalidf("result", "sup.err.required")
	}
	return nil
}

// Open reports whether a referral in state s still waits on the inspectorate.
func Open(s RefState) bool {
	return s == RefReferred || s == RefReceived || s == RefInvestigating
}

// Overdue reports whether a referral in state s with result due on dueOn is overdue on day
// today (all YYYY-MM-DD): the inspectorate has not reported by the due day.
func Overdue(s RefState, dueOn, today string) bool {
	return Open(s) && today > dueOn
}

// NewReferral is what the agency gives when it refers an employer.
type NewReferral struct {
	SourceKind   string `json:"source_kind"`
	SourceID     int64  `json:"source_id"`
	USCC         string `json:"uscc"`
	Inspectorate string `json:"inspectorate"`
	Facts        string `json:"facts"`
	Evidence     string `json:"evidence"`
	On           string `json:"on"`
}

// Validate checks the referral's own fields (the source is checked against the database by
// the service). Errors: invalid.
func (n NewReferral) Validate() error {
	if !slices.Contains(Sources, n.SourceKind) {
		return apperr.Invalidf("source_kind", "sup.err.source")
	}
	if n.SourceID <= 0 {
		return apperr.Invalidf("source_id", "sup.err.required")
	}
	if strings.TrimSpace(n.Inspectorate) == "" {
		return apperr.Invalidf("inspectorate", "sup.err.required")
	}
	if strings.TrimSpace(n.Facts) == "" {
		return apperr.Invalidf("facts", "sup.err.required")
	}
	_, err := ParseDate("on", n.On)
	return err
}
