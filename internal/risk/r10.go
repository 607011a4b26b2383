package risk

import (
	"fmt"
	"time"
)

// ReportWindow is how long after an accident on a project-insured site the accident report
// (事故快报) may be made (contributions.md): 48 hours, exactly 48 hours being on time.
const ReportWindow = 48 * time.Hour

// ReportCheck is the reading of one accident report against ReportWindow.
type ReportCheck struct {
	Reported bool          // a readable report time exists
	Delay    time.Duration // report time − accident time, when reported
	Late     bool          // not reported, or reported more than ReportWindow after the accident
}

// CheckReport reads an accident report as rule R10 does. Both times are local date-times
// (YYYY-MM-DDTHH:MM) of the same zone, so they are compared as wall-clock times; an empty or
// unreadable reportedAt counts as not reported (late). An unreadable injuryAt is an error:
// nothing can be said then. The project module flags its accident reports with this, so the
// 48-hour rule exists once.
func CheckReport(injuryAt, reportedAt string) (ReportCheck, error) {
	const layout = "2006-01-02T15:04"
	inj, err := time.Parse(layout, injuryAt)
	if err != nil {
		return ReportCheck{}, err
	}
	rep, err := time.Parse(layout, reportedAt)
	if err != nil {
		return ReportCheck{Late: true}, nil
	}
	d := rep.Sub(inj)
	return ReportCheck{Reported: true, Delay: d, Late: d > ReportWindow}, nil
}

// r10 项目事故未按时快报: the claim has a project_code, and reported_at is empty or more than 48
// hours after injury_at (CheckReport).
func (s *Scanner) r10(c Claim) {
	if c.ProjectCode == "" {
		return
	}
	chk, err := CheckReport(c.InjuryAt, c.ReportedAt)
	if err != nil || !chk.Late {
		return
	}
	var d string
	if !chk.Reported {
		d = fmt.Sprintf("项目 %s 事故（%s）未快报", c.ProjectCode, c.InjuryAt)
	} else {
		d = fmt.Sprintf("项目 %s 事故（%s）于 %s 快报，超过48小时（%.1f 小时）", c.ProjectCode, c.InjuryAt, c.ReportedAt, chk.Delay.Hours())
	}
	s.out.add(finding{rule: "R10", subject: c.No, detail: d, evidence: []Evidence{c.evidence()}})
}
