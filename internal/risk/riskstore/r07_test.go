package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR07FiresForActiveEmployersWithholdingTaxForPersonsTheyDoNotCover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		f.market("E1", "active")
		f.ev("P01", "E1", "add", "2024-01", "2023-12-20", 5000)
		f.tax("E1", "P01", "2024-10") // covered: no
		f.market("E2", "active")
		f.tax("E2", "P02", "2024-10") // never covered: fires
		f.market("E3", "cancelled")
		f.tax("E3", "P03", "2024-10") // not active: no
		f.tax("E4", "P04", "2024-10") // not in the market registry: no
		f.market("E5", "active")
		f.ev("P05", "E5", "add", "2024-01", "2023-12-20", 5000)
		f.ev("P05", "E5", "remove", "2024-04", "2024-04-30", 0)
		f.tax("E5", "P05", "2024-04") // last insured month: no
		f.market("E6", "active")
		f.ev("P06", "E6", "add", "2024-01", "2023-12-20", 5000)
		f.ev("P06", "E6", "remove", "2024-04", "2024-04-30", 0)
		f.tax("E6", "P06", "2024-05") // the month after: fires
		f.market("E7", "active")
		f.ev("P07", "E1", "add", "2024-01", "2023-12-20", 5000)
		f.tax("E7", "P07", "2024-10") // covered by another employer only: fires
		f.market("E8", "active")
		f.tax("E8", "P08", "2025-01") // after the as-of month: no
		f.expect("2024-12", "R07", "E2", "E6", "E7")
	})
}
