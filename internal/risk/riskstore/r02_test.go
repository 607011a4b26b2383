package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR02FiresWhenAnotherEmployerCoversTheInjuryMonthButNotTheApplicant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		f.ev("P01", "E2", "add", "2024-01", "2023-12-20", 5000)
		f.claim("C-OTHER-COVERS", "P01", "E1", "2024-06-10T09:00", "", "")
		// The applicant covers: no.
		f.ev("P02", "E1", "add", "2024-01", "2023-12-20", 5000)
		f.ev("P02", "E2", "add", "2024-01", "2023-12-20", 5000)
		f.claim("C-BOTH", "P02", "E1", "2024-06-10T09:00", "", "")
		// Nobody covers: no.
		f.employer("E1")
		f.claim("C-NOBODY", "P03", "E1", "2024-06-10T09:00", "", "")
		// The other employer's coverage ended the month before the injury: no.
		f.ev("P04", "E2", "add", "2024-01", "2023-12-20", 5000)
		f.ev("P04", "E2", "remove", "2024-05", "2024-05-31", 0)
		f.claim("C-ENDED", "P04", "E1", "2024-06-10T09:00", "", "")
		// ...and ended in the injury month (the remove month is still insured): yes.
		f.ev("P05", "E2", "add", "2024-01", "2023-12-20", 5000)
		f.ev("P05", "E2", "remove", "2024-06", "2024-06-30", 0)
		f.claim("C-LAST-MONTH", "P05", "E1", "2024-06-10T09:00", "", "")
		f.expect("2024-12", "R02", "C-LAST-MONTH", "C-OTHER-COVERS")
	})
}
