package risk

import (
	"fmt"
	"time"
)

// r10 项目事故未按时快报: the claim has a project_code, and reported_at is empty or more than 48
// hours after injury_at. Exactly 48 hours is on time. Both are local times of the same zone,
// so they are compared as wall-clock times. An unreadable reported_at counts as not reported.
func (s *Scanner) r10(c Claim) {
	if c.ProjectCode == "" {
		return
	}
	const layout = "2006-01-02T15:04"
	inj, err := time.Parse(layout, c.InjuryAt)
	if err != nil {
		return
	}
	var d string
	if rep, err := time.Parse(layout, c.ReportedAt); err != nil {
		d = fmt.Sprintf("项目 %s 事故（%s）未快报", c.ProjectCode, c.InjuryAt)
	} else if late := rep.Sub(inj); late > 48*time.Hour {
		d = fmt.Sprintf("项目 %s 事故（%s）于 %s 快报，超过48小时（%.1f 小时）", c.ProjectCode, c.InjuryAt, c.ReportedAt, late.Hours())
	} else {
		return
	}
	s.out.add(finding{rule: "R10", subject: c.No, detail: d, evidence: []Evidence{c.evidence()}})
}
