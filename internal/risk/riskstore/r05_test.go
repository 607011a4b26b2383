package riskstore

import (
	"fmt"
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR05FiresAtExactlyThirtyPercentHeadcountSwingOrEightyPercentAverageBase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		// staff adds n persons to uscc from 2024-01 with base yuan, and removes the first
		// `leave` of them with 2024-05 as their last month.
		staff := func(uscc string, n, leave int, base int64) []string {
			var ids []string
			for i := range n {
				id := fmt.Sprintf("%s-P%02d", uscc, i)
				ids = append(ids, id)
				f.ev(id, uscc, "add", "2024-01", "2023-12-20", base)
				if i < leave {
					f.ev(id, uscc, "remove", "2024-05", "2024-05-31", 0)
				}
			}
			return ids
		}
		staff("E-DOWN30", 10, 3, 5000) // 10 → 7 in 2024-06: exactly −30%, fires
		staff("E-DOWN20", 10, 2, 5000) // 10 → 8: no
		staff("E-NINE", 9, 5, 5000)    // 9 → 4: fewer than 10 before, no
		for _, id := range staff("E-BASE80", 10, 0, 1000) {
			f.ev(id, "E-BASE80", "base", "2024-07", "2024-06-20", 800) // exactly 80%: fires
		}
		for _, id := range staff("E-BASE801", 10, 0, 1000) {
			f.ev(id, "E-BASE801", "base", "2024-07", "2024-06-20", 801) // 80.1%: no
		}
		staff("E-UP30", 10, 0, 5000) // 10 → 13 in 2024-08: +30%, fires
		for i := range 3 {
			f.ev(fmt.Sprintf("E-UP30-N%d", i), "E-UP30", "add", "2024-08", "2024-08-01", 5000)
		}
		alerts := f.expect("2024-12", "R05", "E-BASE80", "E-DOWN30", "E-UP30")
		for _, a := range alerts {
			if a.Subject == "E-DOWN30" && a.Detail != "2024-06 参保人数由 10 人变为 7 人（-30.0%）" {
				t.Errorf("detail %q", a.Detail)
			}
		}
	})
}

func TestR05FiresWhenEveryoneIsRemoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		for i := range 12 {
			id := fmt.Sprintf("P%02d", i)
			f.ev(id, "E1", "add", "2024-01", "2023-12-20", 5000)
			f.ev(id, "E1", "remove", "2024-09", "2024-09-30", 0)
		}
		f.expect("2024-12", "R05", "E1")
		f.expect("2024-09", "R05") // the drop is in 2024-10
	})
}
