package risk

import (
	"fmt"
	"sort"
	"strings"
)

// r08 重复申报: two or more claims for the person with the same injury date. Reading: the
// date is the day of injury_at, whatever the hour, and the employer need not be the same.
func (s *Scanner) r08(p *Person, claims []Claim) {
	if len(claims) < 2 {
		return
	}
	byDate := map[string][]Claim{}
	for _, c := range claims {
		byDate[c.InjuryDate()] = append(byDate[c.InjuryDate()], c)
	}
	dates := make([]string, 0, len(byDate))
	for d, cs := range byDate {
		if len(cs) >= 2 {
			dates = append(dates, d)
		}
	}
	sort.Strings(dates)
	for _, d := range dates {
		cs := byDate[d]
		sort.Slice(cs, func(i, j int) bool { return cs[i].No < cs[j].No })
		nos := make([]string, len(cs))
		ev := make([]Evidence, len(cs))
		for i, c := range cs {
			nos[i], ev[i] = c.No, c.evidence()
		}
		s.out.add(finding{
			rule: "R08", subject: p.ID,
			detail:   fmt.Sprintf("同一受伤日期 %s 有 %d 件申报：%s", d, len(cs), strings.Join(nos, "、")),
			evidence: ev,
		})
	}
}
