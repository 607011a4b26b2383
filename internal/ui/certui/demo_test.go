package certui

import (
	"context"
	"testing"
	"time"

	"wiis/internal/demo"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// The demo switches certification on for the city, leaves some beneficiaries overdue and
// suspended, some due soon, and one receivable from a late-recorded death; running it again
// changes nothing.
func TestDemoCertificationSeedsEveryStatusAndIsIdempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo city")
	}
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	demo.Now = func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { demo.Now = time.Now })
	if _, err := demo.SeedUsers(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := SeedDemo(ctx, db); err != nil { // before the city: nothing to do
		t.Fatal(err)
	}
	if _, err := demo.SeedCity(ctx, db); err != nil {
		t.Fatal(err)
	}
	counts := func() [4]int {
		var c [4]int
		for i, q := range []string{`SELECT COUNT(*) FROM payroll_certifications`, `SELECT COUNT(*) FROM payroll_suspensions`,
			`SELECT COUNT(*) FROM payroll_receivables`, `SELECT COUNT(*) FROM policy_values`} {
			if err := db.QueryRow(ctx, q).Scan(&c[i]); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	if _, err := SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	first := counts()
	s := payrollsvc.New(db)
	list, err := s.CertificationList(ctx, payrollsvc.CertificationFilter{Region: "3415", On: demo.Now()})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	suspended := 0
	for _, st := range list {
		by[st.Status]++
		if st.Suspended {
			suspended++
		}
	}
	if by[payroll.StatusCurrent] == 0 || by[payroll.StatusDueSoon] == 0 || by[payroll.StatusDue] == 0 || by[payroll.StatusOverdue] == 0 || suspended == 0 {
		t.Errorf("statuses %v, suspended %d of %d", by, suspended, len(list))
	}
	if w, _ := s.WithheldIn(ctx, payroll.MustMonth("2026-11")); len(w) == 0 {
		t.Error("nothing withheld in the current month")
	}
	open, err := s.OpenReceivables(ctx)
	if err != nil || len(open) != 2 || open[0].Balance <= 0 || open[1].Balance <= 0 {
		t.Fatalf("receivables %+v %v", open, err)
	}
	t.Logf("statuses %v, suspended %d of %d, receivable %s %s, counts %v", by, suspended, len(list), open[0].IDNumber, open[0].Balance, first)
	var worker string
	db.QueryRow(ctx, `SELECT COALESCE(person_id_number, '') FROM users WHERE username = 'worker'`).Scan(&worker)
	if worker == "" {
		t.Error("the demo worker is not linked to a beneficiary")
	}
	if _, err := SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	if again := counts(); again != first {
		t.Errorf("second run changed the data: %v → %v", first, again)
	}
}
