package supervise

import (
	"slices"
	"strings"

	"wiis/internal/apperr"
)

// ConfState is the state of a case conference (重大疑难案件会商).
type ConfState string

// A conference is convened on a case marked major or difficult, held (members, minutes and
// each member's opinion recorded), and concluded with the collective conclusion.
const (
	ConfConvened  ConfState = "convened"
	ConfHeld      ConfState = "held"
	ConfConcluded ConfState = "concluded"
)

// Marks that send a case to a conference.
var Marks = []string{"major", "difficult"}

// Decisions a conference may reach: what the case should do next.
var Decisions = []string{"recognise", "not_recognise", "investigate_further", "refer_expert", "other"}

// MinMembers is the smallest panel that deliberates collectively: fewer is one officer's
// view with a witness, not a conference (Lu'an's practice convenes the section heads).
const MinMembers = 3

// Member is one participant and the opinion they gave.
type Member struct {
	Name     string `json:"name"`
	Position string `json:"position"`
	Opinion  string `json:"opinion"`
	Vote     string `json:"vote"`
}

// NewConference convenes a conference on a case.
type NewConference struct {
	Entity    string   `json:"entity"`
	CaseID    int64    `json:"case_id"`
	Mark      string   `json:"mark"`
	Question  string   `json:"question"`
	Materials string   `json:"materials"`
	Members   []Member `json:"members"`
	On        string   `json:"on"`
}

// Validate checks a new conference. Errors: invalid.
func (n NewConference) Validate() error {
	if !slices.Contains([]string{SourceDetermination, SourceAssessment, SourceAdvance}, n.Entity) {
		return apperr.Invalidf("entity", "sup.err.source")
	}
	if n.CaseID <= 0 {
		return apperr.Invalidf("case_id", "sup.err.required")
	}
	if !slices.Contains(Marks, n.Mark) {
		return apperr.Invalidf("mark", "sup.err.mark")
	}
	if strings.TrimSpace(n.Question) == "" {
		return apperr.Invalidf("question", "sup.err.required")
	}
	if len(n.Members) < MinMembers {
		return apperr.Invalidf("members", "sup.err.members", MinMembers)
	}
	seen := map[string]bool{}
	for _, m := range n.Members {
		if strings.TrimSpace(m.Name) == "" || seen[m.Name] {
			return apperr.Invalidf("members", "sup.err.members", MinMembers)
		}
		seen[m.Name] = true
	}
	_, err := ParseDate("on", n.On)
	return err
}

// Hold checks the record of the meeting: the day, the minutes, and an opinion and a vote from
// every member (a collective conclusion needs every voice on file). Errors: invalid.
func Hold(state ConfState, on, minutes string, members []Member) error {
	if state != ConfConvened {
		return apperr.Invalidf("state", "sup.err.state")
	}
	if _, err := ParseDate("held_on", on); err != nil {
		return err
	}
	if strings.TrimSpace(minutes) == "" {
		return apperr.Invalidf("minutes", "sup.err.required")
	}
	for _, m := range members {
		if strings.TrimSpace(m.Opinion) == "" || !slices.Contains(Decisions, m.Vote) {
			return apperr.Invalidf("opinion", "sup.err.opinion", m.Name)
		}
	}
	return nil
}

// Tally counts the members' votes by decision.
func Tally(members []Member) map[string]int {
	out := map[string]int{}
	for _, m := range members {
		out[m.Vote]++
	}
	return out
}

// Conclude checks the collective conclusion: held first, a known decision with a text, and a
// decision a majority of the members voted for (a conference records the collective view; a
// minority opinion stays in the minutes but cannot be the conclusion). Errors: invalid.
func Conclude(state ConfState, decision, conclusion string, members []Member) error {
	if state != ConfHeld {
		return apperr.Invalidf("state", "sup.err.state")
	}
	if !slices.Contains(Decisions, decision) {
		return apperr.Invalidf("decision", "sup.err.decision")
	}
	if strings.TrimSpace(conclusion) == "" {
		return apperr.Invalidf("conclusion", "sup.err.required")
	}
	if Tally(members)[decision]*2 <= len(members) {
		return apperr.Invalidf("decision", "sup.err.majority")
	}
	return nil
}
