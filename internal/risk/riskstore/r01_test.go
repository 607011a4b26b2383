package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR01FiresWhenTheCoverageBeganWithAnAddRecordedOnOrAfterTheInjuryDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		// Recorded on the injury day itself: fires.
		f.ev("P01", "E1", "add", "2024-06", "2024-06-05", 5000)
		f.claim("C-ON-DAY", "P01", "E1", "2024-06-05T09:00", "", "")
		// Recorded the day before: insured in time.
		f.ev("P02", "E1", "add", "2024-06", "2024-06-04", 5000)
		f.claim("C-BEFORE", "P02", "E1", "2024-06-05T09:00", "", "")
		// Insured since 2023; a later redundant add recorded after the injury does not begin
		// the coverage.
		f.ev("P03", "E1", "add", "2023-01", "2022-12-20", 5000)
		f.ev("P03", "E1", "add", "2024-06", "2024-06-20", 5000)
		f.claim("C-REDUNDANT", "P03", "E1", "2024-06-10T09:00", "", "")
		// Removed, then added again after the injury, backdated to the injury month: fires.
		f.ev("P04", "E1", "add", "2023-01", "2022-12-20", 5000)
		f.ev("P04", "E1", "remove", "2024-03", "2024-03-31", 0)
		f.ev("P04", "E1", "add", "2024-04", "2024-04-12", 5000)
		f.claim("C-READDED", "P04", "E1", "2024-04-10T16:00", "", "")
		// Not covered by the claim's employer at all: not R01 (R02's business if insured
		// elsewhere).
		f.ev("P05", "E2", "add", "2024-01", "2024-06-20", 5000)
		f.claim("C-OTHER", "P05", "E1", "2024-06-10T09:00", "", "")
		f.expect("2024-12", "R01", "C-ON-DAY", "C-READDED")
	})
}
