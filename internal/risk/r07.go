package risk

import (
	"fmt"

	"wiis/internal/coverage"
)

// r07 未参保或少参保单位: the employer is active in the market registry and, for some month M
// in the tax data, withholds income tax for a person whom it does not cover in M. Subject:
// the employer.
//
// Reading: "active" is the market registry's status (our own employers table does not
// count: the point is employers that never registered with us); tax months after the as-of
// month are ignored. One finding per (person, month).
func (s *Scanner) r07(p *Person) {
	for _, t := range p.Tax {
		if t.Month > s.asOf || !s.active[t.Uscc] {
			continue
		}
		if e := p.employment(t.Uscc); e != nil && coverage.Covered(e.periods, t.Month) {
			continue
		}
		s.out.add(finding{
			rule: "R07", subject: t.Uscc,
			detail: fmt.Sprintf("%s 代扣 %s 个人所得税但未为其参保", t.Month, p.ID),
			evidence: []Evidence{{Table: "tax_withholding", Row: map[string]string{
				"uscc": t.Uscc, "id_number": p.ID, "month": t.Month.String()}}},
		})
	}
}
