package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR03FiresForTheDeceasedCoveredOrPaidAfterTheDeathMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		// Still covered (open) after death: fires.
		f.ev("P01", "E1", "add", "2023-01", "2022-12-20", 5000)
		f.death("P01", "2024-05-14")
		// Removed in the death month: no.
		f.ev("P02", "E1", "add", "2023-01", "2022-12-20", 5000)
		f.ev("P02", "E1", "remove", "2024-05", "2024-05-20", 0)
		f.death("P02", "2024-05-14")
		// Paid for the month after death: fires; paid for the death month: no.
		f.payment("P03", "disability_allowance", "2024-06", "A3")
		f.death("P03", "2024-05-14")
		f.payment("P04", "disability_allowance", "2024-05", "A4")
		f.death("P04", "2024-05-14")
		// Covered by an employer other than the first: fires.
		f.ev("P05", "E1", "add", "2023-01", "2022-12-20", 5000)
		f.ev("P05", "E1", "remove", "2023-06", "2023-06-20", 0)
		f.ev("P05", "E2", "add", "2024-01", "2023-12-20", 5000)
		f.ev("P05", "E2", "remove", "2024-08", "2024-08-20", 0)
		f.death("P05", "2024-07-01")
		f.expect("2024-12", "R03", "P01", "P03", "P05")
		// Months after the as-of month are not known yet.
		f.expect("2024-05", "R03")
	})
}
