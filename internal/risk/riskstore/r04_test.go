package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR04FiresForTwoSameMonthAddAndRemoveOfOnePersonWithinTwelveMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		sameMonth := func(id, uscc, month string) {
			f.ev(id, uscc, "add", month, month+"-02", 5000)
			f.ev(id, uscc, "remove", month, month+"-20", 0)
		}
		// 2024-01 and 2024-12 lie within 12 consecutive months: fires.
		sameMonth("P01", "E1", "2024-01")
		sameMonth("P01", "E1", "2024-12")
		// 2023-01 and 2024-01 need 13 months: no.
		sameMonth("P02", "E2", "2023-01")
		sameMonth("P02", "E2", "2024-01")
		// Two different persons once each: no.
		sameMonth("P03", "E3", "2024-03")
		sameMonth("P04", "E3", "2024-05")
		// One person twice in the same month is one month: no.
		sameMonth("P05", "E4", "2024-02")
		f.ev("P05", "E4", "add", "2024-02", "2024-02-21", 5000)
		f.ev("P05", "E4", "remove", "2024-02", "2024-02-25", 0)
		// An add in M and a remove in M+1 is not a same-month pair: no.
		f.ev("P06", "E5", "add", "2024-03", "2024-03-02", 5000)
		f.ev("P06", "E5", "remove", "2024-04", "2024-04-20", 0)
		sameMonth("P06", "E5", "2024-06")
		f.expect("2024-12", "R04", "E1")
		// The second same-month pair of E1 lies after an as-of month of 2024-11.
		f.expect("2024-11", "R04")
	})
}
