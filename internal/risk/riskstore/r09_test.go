package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR09FiresForAnAccountPayingPersonsNotAllBeneficiariesOfOneWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		// Two survivors of worker W1 share a family account: no.
		f.beneficiary("S1", "survivor_pension", "W1", "A-FAMILY")
		f.beneficiary("S2", "survivor_pension", "W1", "A-FAMILY")
		f.payment("S1", "survivor_pension", "2024-06", "A-FAMILY")
		f.payment("S2", "survivor_pension", "2024-06", "A-FAMILY")
		// Two unrelated persons: fires.
		f.payment("P1", "disability_allowance", "2024-06", "A-SHARED")
		f.payment("P2", "lump_sum_disability", "2024-06", "A-SHARED")
		// One person paid twice: no.
		f.payment("P3", "disability_allowance", "2024-06", "A-ONE")
		f.payment("P3", "disability_allowance", "2024-07", "A-ONE")
		// A worker's own allowance (worker = self) and a survivor of the same worker: no.
		f.beneficiary("W2", "disability_allowance", "W2", "A-W2")
		f.beneficiary("S3", "survivor_pension", "W2", "A-W2")
		f.payment("W2", "disability_allowance", "2024-03", "A-W2")
		f.payment("S3", "survivor_pension", "2024-06", "A-W2")
		// Survivors of two different workers: fires.
		f.beneficiary("S4", "survivor_pension", "W3", "A-TWO")
		f.beneficiary("S5", "survivor_pension", "W4", "A-TWO")
		f.payment("S4", "survivor_pension", "2024-06", "A-TWO")
		f.payment("S5", "survivor_pension", "2024-06", "A-TWO")
		// One survivor and one stranger: fires.
		f.beneficiary("S6", "survivor_pension", "W5", "A-MIX")
		f.payment("S6", "survivor_pension", "2024-06", "A-MIX")
		f.payment("P4", "lump_sum_disability", "2024-06", "A-MIX")
		f.expect("2024-12", "R09", "A-MIX", "A-SHARED", "A-TWO")
	})
}
