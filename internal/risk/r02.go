package risk

import (
	"fmt"
	"strings"

	"wiis/internal/coverage"
)

// r02 参保单位与申报单位不一致: in the injury month the person is not covered by the claim's
// employer but is covered by another employer. The evidence is the claim and the add that
// began each other employer's coverage of that month.
func (s *Scanner) r02(p *Person, c Claim) {
	m, err := coverage.MonthOf(c.InjuryAt)
	if err != nil {
		return
	}
	if e := p.employment(c.Uscc); e != nil && coverage.Covered(e.periods, m) {
		return
	}
	ev := []Evidence{c.evidence()}
	var others []string
	for _, e := range p.Employments {
		if per, ok := coverage.At(e.periods, m); ok && e.Uscc != c.Uscc {
			others = append(others, e.Uscc)
			ev = append(ev, eventEvidence(p.ID, e.Uscc, per.Start))
		}
	}
	if len(others) == 0 {
		return
	}
	s.out.add(finding{
		rule: "R02", subject: c.No,
		detail: fmt.Sprintf("%s 受伤时由 %s 参保，申报单位 %s 当月未为其参保",
			m, strings.Join(others, "、"), c.Uscc),
		evidence: ev,
	})
}
