package risk

import (
	"fmt"
	"maps"
	"math/bits"
	"slices"

	"wiis/internal/coverage"
	"wiis/internal/money"
)

// headcounts accumulates, per employer and month, the persons covered and the sum of their
// bases, from each person's coverage as the persons stream past (R05). Each employer's months
// run from its earliest covered month to the as-of month.
type headcounts struct {
	asOf   coverage.Month
	byUscc map[string]*employerMonths
}

type employerMonths struct {
	from  coverage.Month // month of index 0
	heads []int32        // covered persons
	based []int32        // covered persons with a known base
	bases []int64        // sum of their bases in fen
}

// reach extends the months back to m (all zero before), so index k is month from + k.
func (em *employerMonths) reach(m, asOf coverage.Month) {
	if em.heads != nil && m >= em.from {
		return
	}
	n := int(asOf-m) + 1
	extra := n - len(em.heads)
	em.heads = append(make([]int32, extra, n), em.heads...)
	em.based = append(make([]int32, extra, n), em.based...)
	em.bases = append(make([]int64, extra, n), em.bases...)
	em.from = m
}

func newHeadcounts(asOf coverage.Month) headcounts {
	return headcounts{asOf: asOf, byUscc: map[string]*employerMonths{}}
}

func (h *headcounts) add(p *Person) {
	for i := range p.Employments {
		e := &p.Employments[i]
		if len(e.periods) == 0 {
			continue
		}
		em := h.byUscc[e.Uscc]
		if em == nil {
			em = &employerMonths{}
			h.byUscc[e.Uscc] = em
		}
		em.reach(e.periods[0].From, h.asOf)
		coverage.Bases(e.Events, e.periods, func(m coverage.Month, base int64, ok bool) {
			k := m - em.from
			em.heads[k]++
			if ok {
				em.based[k]++
				em.bases[k] += base
			}
		})
	}
}

// r05 增减员或缴费基数异常: for some month M, the covered headcount in M − 1 is at least 10, and
// either the headcount changes by 30% or more from M − 1 to M, or the average base in M is 80%
// or less of that in M − 1 (with at least one person covered in M).
//
// Reading: the change is |h(M) − h(M−1)| ≥ 30% of h(M−1), up or down, exactly 30% fires; the
// average base is over the covered persons whose base is known, and exactly 80% fires. Both
// are compared in integers (10·|Δ| ≥ 3·h, 5·sumM·nM−1 ≤ 4·sumM−1·nM) so no rounding decides a
// boundary. M runs over the months from the employer's first covered month to the as-of month,
// so an employer that removed everyone in M fires too.
func (s *Scanner) r05() {
	h := &s.heads
	usccs := slices.Sorted(maps.Keys(h.byUscc))
	for _, u := range usccs {
		em := h.byUscc[u]
		for k := 1; k < len(em.heads); k++ {
			prev, cur := int64(em.heads[k-1]), int64(em.heads[k])
			if prev < 10 {
				continue
			}
			m := em.from + coverage.Month(k)
			swing := 10*abs(cur-prev) >= 3*prev
			var drop bool
			if cur > 0 && em.based[k] > 0 && em.based[k-1] > 0 {
				drop = lessOrEqualProducts(5*em.bases[k], int64(em.based[k-1]), 4*em.bases[k-1], int64(em.based[k]))
			}
			if !swing && !drop {
				continue
			}
			row := func(k int) Evidence {
				avg := int64(0)
				if em.based[k] > 0 {
					avg = em.bases[k] / int64(em.based[k])
				}
				return Evidence{Table: "headcount", Row: map[string]string{
					"uscc": u, "month": (em.from + coverage.Month(k)).String(),
					"covered": fmt.Sprint(em.heads[k]), "average_base": money.Amount(avg).String(),
				}}
			}
			var d string
			if swing {
				d = fmt.Sprintf("%s 参保人数由 %d 人变为 %d 人（%+.1f%%）", m, prev, cur, 100*float64(cur-prev)/float64(prev))
			}
			if drop {
				a0 := em.bases[k-1] / int64(em.based[k-1])
				a1 := em.bases[k] / int64(em.based[k])
				if d != "" {
					d += "，"
				}
				d += fmt.Sprintf("%s 平均缴费基数由 %s 元降至 %s 元（%.1f%%）", m,
					moneyText(a0), moneyText(a1), 100*float64(a1)/float64(a0))
			}
			s.out.add(finding{rule: "R05", subject: u, detail: d, evidence: []Evidence{row(k - 1), row(k)}})
		}
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// lessOrEqualProducts reports a·b ≤ c·d for non-negative operands without overflow: sums of
// bases times headcounts can exceed 63 bits at large employers.
func lessOrEqualProducts(a, b, c, d int64) bool {
	h1, l1 := bits.Mul64(uint64(a), uint64(b))
	h2, l2 := bits.Mul64(uint64(c), uint64(d))
	return h1 < h2 || (h1 == h2 && l1 <= l2)
}

func moneyText(fen int64) string { return money.Amount(fen).Grouped() }
