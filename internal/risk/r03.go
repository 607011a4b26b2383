package risk

import (
	"fmt"

	"wiis/internal/coverage"
)

// r03 死亡人员仍在保或仍领待遇: a death is recorded, and the person is covered by any employer
// in a month after the death month, or has a payment for a month after the death month.
//
// Reading: "after" is strictly after the death month (the month of death is still insured and
// paid); months run to the as-of month only, since an open coverage runs to it.
func (s *Scanner) r03(p *Person, pays []Payment) {
	if p.Death == nil {
		return
	}
	dm, err := coverage.MonthOf(p.Death.Date)
	if err != nil {
		return
	}
	ev := []Evidence{p.Death.evidence()}
	var details []string
	for _, e := range p.Employments {
		for _, per := range e.periods {
			if per.To > dm {
				ev = append(ev, eventEvidence(p.ID, e.Uscc, per.Start))
				details = append(details, fmt.Sprintf("%s 死亡后仍由 %s 参保至 %s", p.Death.Date, e.Uscc, per.To))
			}
		}
	}
	for _, pay := range pays {
		if pay.Month > dm {
			ev = append(ev, pay.evidence())
			details = append(details, fmt.Sprintf("%s 死亡后仍支付 %s 月待遇 %s（%s元）",
				p.Death.Date, pay.Month, pay.Item, moneyText(pay.Amount)))
		}
	}
	if len(details) == 0 {
		return
	}
	for i, d := range details {
		f := finding{rule: "R03", subject: p.ID, detail: d}
		if i == 0 {
			f.evidence = ev
		}
		s.out.add(f)
	}
}
