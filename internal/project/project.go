// Package project holds the rules of project-based enrollment for construction
// (建筑业按项目参保, "同舟计划", spec/contributions.md) as plain Go: a project's registration
// data and its checks, the one-time premium (contract value × project rate, through
// contrib.ProjectPremium), the real-name roster's lines, and the 48-hour accident report
// (事故快报), read exactly as risk rule R10 reads it (risk.CheckReport). Storage is in
// package projectstore.
//
// The roster and enrollment (our reading of contributions.md, "covering everyone working on
// the site for the project's duration"): adding a person to the roster enrolls them with the
// contractor in category `project` through enroll.Service, from the month of their first day
// on site, so the person's history, coverage and the risk rules see them insured; the monthly
// assessment leaves category `project` out, because the premium already paid covers them.
// A person already covered by the contractor (a regular employee, or already on another of
// its sites) is put on the roster only. Leaving the site removes the project enrollment from
// the month after the last day, unless the person is still on another of the contractor's
// sites (the enrollment then stays and moves to that roster line).
package project

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/contrib"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/risk"
)

// Project is a construction project insured as a whole; its columns are those of the
// interchange layout projects.csv.
type Project struct {
	Code          string       `json:"project_code"`
	USCC          string       `json:"uscc"` // the contractor (施工总承包单位)
	Name          string       `json:"name"`
	Region        string       `json:"region"`
	ContractValue money.Amount `json:"contract_value"` // 工程合同造价
	StartDate     string       `json:"start_date"`
	EndDate       string       `json:"end_date"`
	Rate          contrib.Rate `json:"rate"`
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)

// Validate checks every field but the rate (which may come from policy) and names the first
// bad one. Codes: invalid.
func (p Project) Validate() error {
	if !codePattern.MatchString(p.Code) {
		return apperr.Invalidf("project_code", "项目编号为1–40位字母、数字、- 或 _ / the project code is 1–40 letters, digits, - or _")
	}
	if err := idcode.ValidateUSCC(p.USCC); err != nil {
		return apperr.Invalidf("uscc", "%s", err.Error())
	}
	if strings.TrimSpace(p.Name) == "" || len([]rune(p.Name)) > 100 {
		return apperr.Invalidf("name", "项目名称不能为空且不超过100字 / the name is required, at most 100 characters")
	}
	if err := idcode.ValidateRegion(p.Region); err != nil {
		return apperr.Invalidf("region", "%s", err.Error())
	}
	if p.ContractValue <= 0 {
		return apperr.Invalidf("contract_value", "合同造价必须大于零 / the contract value must be positive")
	}
	s, err := time.Parse(time.DateOnly, p.StartDate)
	if err != nil {
		return apperr.Invalidf("start_date", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	e, err := time.Parse(time.DateOnly, p.EndDate)
	if err != nil {
		return apperr.Invalidf("end_date", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	if e.Before(s) {
		return apperr.Invalidf("end_date", "竣工日期不能早于开工日期 / the end date is before the start date")
	}
	return nil
}

// Premium is the one-time premium: contract value × the project rate, rounded half-up.
func (p Project) Premium() money.Amount { return contrib.ProjectPremium(p.ContractValue, p.Rate) }

// Covers reports whether day (YYYY-MM-DD) lies within the project's duration.
func (p Project) Covers(day string) bool { return day >= p.StartDate && day <= p.EndDate }

// RosterLine is one person's stay on a site.
type RosterLine struct {
	ProjectCode string `json:"project_code"`
	IDNumber    string `json:"id_number"`
	Name        string `json:"name"`
	From        string `json:"from_date"`
	To          string `json:"to_date,omitempty"` // empty: still on site
	Enrolled    bool   `json:"enrolled"`          // this line holds the person's project enrollment
}

// CheckStay validates a stay on the site of p: dates well-formed, to not before from, and
// both within the project's duration. Codes: invalid.
func (p Project) CheckStay(from, to string) error {
	if _, err := time.Parse(time.DateOnly, from); err != nil {
		return apperr.Invalidf("from_date", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	if !p.Covers(from) {
		return apperr.Invalidf("from_date", "进场日期应在项目工期内（%s 至 %s）/ the first day must be within the project (%s to %s)", p.StartDate, p.EndDate, p.StartDate, p.EndDate)
	}
	if to == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, to); err != nil {
		return apperr.Invalidf("to_date", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	if to < from || !p.Covers(to) {
		return apperr.Invalidf("to_date", "离场日期应在进场日期之后且在项目工期内 / the last day must be after the first and within the project")
	}
	return nil
}

// Accident is an accident report (事故快报) on a project site.
type Accident struct {
	ID          int64  `json:"id,omitempty"`
	ProjectCode string `json:"project_code"`
	IDNumber    string `json:"id_number,omitempty"` // the injured person, when known
	OccurredAt  string `json:"occurred_at"`         // YYYY-MM-DDTHH:MM local time
	ReportedAt  string `json:"reported_at"`         // YYYY-MM-DDTHH:MM local time, when the report was made
	Description string `json:"description"`
	Late        bool   `json:"late"`            // reported more than 48 hours after the accident (R10)
	DelayHours  string `json:"delay,omitempty"` // hours:minutes from the accident to the report
}

// DateTime is the layout of accident times (interchange.md date-times, local time).
const DateTime = "2006-01-02T15:04"

// CheckAccident validates a report of an accident on p's site and sets Late and DelayHours
// with R10's reading. The accident must lie within the project's duration and not after the
// report. Codes: invalid.
func (p Project) CheckAccident(a *Accident) error {
	occ, err := time.Parse(DateTime, a.OccurredAt)
	if err != nil {
		return apperr.Invalidf("occurred_at", "时间格式应为 YYYY-MM-DDTHH:MM / time must be YYYY-MM-DDTHH:MM")
	}
	rep, err := time.Parse(DateTime, a.ReportedAt)
	if err != nil {
		return apperr.Invalidf("reported_at", "时间格式应为 YYYY-MM-DDTHH:MM / time must be YYYY-MM-DDTHH:MM")
	}
	if rep.Before(occ) {
		return apperr.Invalidf("occurred_at", "事故时间不能晚于快报时间 / the accident cannot be after its report")
	}
	if !p.Covers(occ.Format(time.DateOnly)) {
		return apperr.Invalidf("occurred_at", "事故时间应在项目工期内（%s 至 %s）/ the accident must be within the project (%s to %s)", p.StartDate, p.EndDate, p.StartDate, p.EndDate)
	}
	if a.IDNumber != "" {
		if err := idcode.ValidateID(a.IDNumber); err != nil {
			return apperr.Invalidf("id_number", "%s", err.Error())
		}
	}
	a.Description = strings.TrimSpace(a.Description)
	if a.Description == "" || len([]rune(a.Description)) > 500 {
		return apperr.Invalidf("description", "事故简况不能为空且不超过500字 / describe the accident in at most 500 characters")
	}
	chk, err := risk.CheckReport(a.OccurredAt, a.ReportedAt)
	if err != nil {
		return apperr.Invalidf("occurred_at", "时间格式应为 YYYY-MM-DDTHH:MM / time must be YYYY-MM-DDTHH:MM")
	}
	a.Late = chk.Late
	a.DelayHours = hours(chk.Delay)
	return nil
}

// hours formats a delay as hours and minutes, e.g. "48:01", so a report one minute late
// does not read as on time.
func hours(d time.Duration) string {
	m := int64(d / time.Minute)
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}

// Delay returns the delay of a report as hours:minutes, as R10 reads it.
func Delay(occurredAt, reportedAt string) (string, error) {
	chk, err := risk.CheckReport(occurredAt, reportedAt)
	if err != nil || !chk.Reported {
		return "", errors.New("project: unreadable report times")
	}
	return hours(chk.Delay), nil
}
