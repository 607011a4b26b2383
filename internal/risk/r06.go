package risk

import (
	"fmt"
	"time"

	"wiis/internal/idcode"
	"wiis/internal/retire"
)

// r06 临近退休领取一次性医疗补助金: a lump_sum_medical payment in month M to a person whose age
// in completed years on the last day of M is at least the statutory retirement age minus 5.
//
// Reading: the statutory age may have months (60岁6个月 under the 2025 reform); completed
// years Y are compared with it as a number, Y ≥ S − 5, i.e. 12·Y ≥ months(S) − 60. So with
// S = 60岁6个月 a person of 55 does not fire and one of 56 does. The category comes from the
// sex in the ID; with no post information women use 50 (retire.ForSex). An ID whose birth
// date cannot be read (idcode rejects it) cannot be judged and is skipped; the import
// rejects such IDs anyway.
func (s *Scanner) r06(p *Person, pays []Payment) {
	for _, pay := range pays {
		if pay.Item != "lump_sum_medical" {
			continue
		}
		birth, err := idcode.BirthDate(p.ID)
		if err != nil {
			return
		}
		sex, err := idcode.SexOf(p.ID)
		if err != nil {
			return
		}
		age, err := retire.Reform2025.StatutoryAge(birth, retire.ForSex(sex == idcode.Male))
		if err != nil {
			return
		}
		last := time.Date(pay.Month.Year(), time.Month(pay.Month.Num())+1, 0, 0, 0, 0, 0, time.UTC)
		y := retire.CompletedYears(birth, last)
		if 12*y < age.InMonths()-60 {
			continue
		}
		s.out.add(finding{
			rule: "R06", subject: p.ID,
			detail: fmt.Sprintf("%s 领取一次性工伤医疗补助金 %s 元，当月末 %d 周岁，法定退休年龄 %s",
				pay.Month, moneyText(pay.Amount), y, age),
			evidence: []Evidence{pay.evidence()},
		})
	}
}
