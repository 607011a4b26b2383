package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR08FiresForTwoClaimsOfOnePersonWithTheSameInjuryDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		f.claim("C1", "P01", "E1", "2024-11-08T08:00", "", "")
		f.claim("C2", "P01", "E2", "2024-11-08T16:00", "", "") // same day, other hour, other employer
		f.claim("C3", "P02", "E1", "2024-11-08T08:00", "", "")
		f.claim("C4", "P02", "E1", "2024-11-09T08:00", "", "") // other day: no
		f.claim("C5", "P03", "E1", "2024-11-08T08:00", "", "") // another person, same day: no
		a := f.expect("2024-12", "R08", "P01")
		if len(a) == 1 && len(a[0].Evidence) != 2 {
			t.Errorf("evidence: %+v, want both claims", a[0].Evidence)
		}
	})
}
