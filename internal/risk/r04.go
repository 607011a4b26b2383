package risk

import (
	"fmt"

	"wiis/internal/coverage"
)

// r04 当月参保当月回退: for one person at this employer, an add and a remove both with month M
// happen in two or more distinct months M within any 12 consecutive months. Subject: the
// employer.
//
// Reading: two such months M1 < M2 fall within 12 consecutive months when M2 − M1 ≤ 11; it
// must be the same person (one person's pattern, not two people's). Months after the as-of
// month are not yet known and are ignored.
func (s *Scanner) r04(p *Person) {
	for _, e := range p.Employments {
		var months []coverage.Month // distinct months with both an add and a remove, ascending
		var ev []Evidence
		for i := 0; i < len(e.Events); {
			m := e.Events[i].Month
			j := i
			var add, rem bool
			for ; j < len(e.Events) && e.Events[j].Month == m; j++ {
				add = add || e.Events[j].Kind == coverage.Add
				rem = rem || e.Events[j].Kind == coverage.Remove
			}
			if add && rem && m <= s.asOf {
				months = append(months, m)
				for _, x := range e.Events[i:j] {
					if x.Kind != coverage.Base {
						ev = append(ev, eventEvidence(p.ID, e.Uscc, x))
					}
				}
			}
			i = j
		}
		for k := 1; k < len(months); k++ {
			if months[k]-months[k-1] <= 11 {
				s.out.add(finding{
					rule: "R04", subject: e.Uscc,
					detail:   fmt.Sprintf("%s 在 %s 与 %s 两次当月增员当月减员", p.ID, months[k-1], months[k]),
					evidence: ev,
				})
				break
			}
		}
	}
}
