package risk

import (
	"fmt"

	"wiis/internal/coverage"
)

// r01 先工伤后参保: the coverage of the claim's person by the claim's employer that contains
// the injury month began with an add recorded on or after the injury date.
//
// Reading: "the coverage" is the coverage.Period containing the injury month; it begins with
// the earliest add of the run (by month, then recording day), so a later redundant add never
// makes an earlier, timely insurance look retroactive. Recorded on the injury day itself fires
// (the add may have been made after the accident that day). No coverage at all is R02's
// business, not R01's.
func (s *Scanner) r01(p *Person, c Claim) {
	m, err := coverage.MonthOf(c.InjuryAt)
	if err != nil {
		return
	}
	e := p.employment(c.Uscc)
	if e == nil {
		return
	}
	per, ok := coverage.At(e.periods, m)
	if !ok || per.Start.RecordedOn < c.InjuryDate() {
		return
	}
	s.out.add(finding{
		rule: "R01", subject: c.No,
		detail: fmt.Sprintf("%s 受伤，单位 %s 的参保（自 %s 起）于 %s 才登记增员",
			c.InjuryDate(), c.Uscc, per.Start.Month, per.Start.RecordedOn),
		evidence: []Evidence{c.evidence(), eventEvidence(p.ID, c.Uscc, per.Start)},
	})
}
