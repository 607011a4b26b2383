package payrollsvc

import (
	"context"
	"testing"

	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestSuspendOverdueOutsideARunAndOnePersonsPosition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		s.Region = "341502"
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2022-06", bank: "1"})
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "most", amount: "1500", start: "2022-06", bank: "2"})
		if st, err := PersonCertification(ctx, db, idA, day("2024-12-01")); err != nil || st != nil {
			t.Fatalf("without a policy: %+v %v", st, err)
		}
		putPolicy(t, db, "341500", "2023-08-01", payroll.CertificationPolicy{GraceMonths: 3, Cycle: payroll.CycleAnniversary})
		n, err := s.SuspendOverdue(ctx, payroll.MustMonth("2024-11"), "system")
		if err != nil || n != 2 {
			t.Fatalf("suspended %d, %v", n, err)
		}
		if n, _ := s.SuspendOverdue(ctx, payroll.MustMonth("2024-11"), "system"); n != 0 {
			t.Fatalf("again: %d", n)
		}
		st, err := PersonCertification(ctx, db, idA, day("2024-12-01"))
		if err != nil || st == nil || st.IDNumber != idA || st.Status != payroll.StatusOverdue || !st.Suspended || st.Due != "2024-08-01" {
			t.Fatalf("position of A: %+v %v", st, err)
		}
		if r, _ := PersonRegions(ctx, db, idA); len(r) != 1 || r[0] != "341502" {
			t.Fatalf("regions %v", r)
		}
	})
}
