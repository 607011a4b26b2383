package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR06FiresForLumpSumMedicalFromFiveYearsBeforeStatutoryRetirement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		// A woman (sex digit even) without post information retires at 50: from 45.
		f.payment("320411197402285641", "lump_sum_medical", "2019-02", "A1") // 45 on the last day of the month
		f.payment("320411197403015643", "lump_sum_medical", "2019-02", "A2") // 44 until 2019-03-01
		// A man born 1966-01 retires at 60岁4个月 under the 2025 reform; 55 completed years is
		// less than 55岁4个月, so no (our reading: completed years compared with S − 5).
		f.payment("110101196601100037", "lump_sum_medical", "2021-06", "A3")
		// ...and 56 completed years is at least 55岁4个月: fires.
		f.payment("11010119660110007X", "lump_sum_medical", "2022-06", "A4")
		// Another item: no.
		f.payment("110101196001100033", "lump_sum_disability", "2024-06", "A5")
		alerts := f.expect("2024-12", "R06", "11010119660110007X", "320411197402285641")
		for _, a := range alerts {
			if a.Subject == "11010119660110007X" && a.Detail != "2022-06 领取一次性工伤医疗补助金 1,000.00 元，当月末 56 周岁，法定退休年龄 60岁4个月" {
				t.Errorf("detail %q", a.Detail)
			}
		}
	})
}
