package payrollsvc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// TestTwoConcurrentRunsOfOneMonthMakeOneRun (issue 10 item 2): two officers start the run of
// one month at the same moment, on two services as two server nodes would. The month ends
// with one computed run row and exactly one line per person, item and month. A start that
// loses the run row is refused (a conflict); one that arrives while the run is computing
// resumes it, and each batch commits once (a batch lost to the other process is a conflict).
func TestTwoConcurrentRunsOfOneMonthMakeOneRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 60
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("3204021980%04d%03dX", 101+i, i)
			addBen(t, db, ben{id: id, name: "某", item: payroll.DisabilityAllowance, grade: 1 + i%4, amount: "3000", start: "2020-01", bank: "62" + id[14:17]})
			if i%2 == 0 {
				addBen(t, db, ben{id: id, name: "某", item: payroll.NursingCare, selfCare: "partial", amount: "1000", start: "2020-01", bank: "62" + id[14:17]})
			}
		}
		for round, month := range []string{"2024-05", "2024-06", "2024-07"} {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, who := range []string{"alice", "bob"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := New(db)
					s.BatchSize = 7 + round
					_, errs[i] = s.Run(context.Background(), payroll.MustMonth(month), who)
				}()
			}
			wg.Wait()
			ok := 0
			for i, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ErrConflict):
				default:
					t.Errorf("%s run %d: %v, want success or a conflict", month, i, err)
				}
			}
			if ok == 0 {
				t.Errorf("%s: both runs refused", month)
			}
			var runs, lines, distinct int
			q := func(sql string, dst *int) {
				if err := db.QueryRow(context.Background(), sql, month).Scan(dst); err != nil {
					t.Fatal(err)
				}
			}
			q(`SELECT COUNT(*) FROM payroll_runs WHERE month = ?`, &runs)
			q(`SELECT COUNT(*) FROM payments WHERE source = 'payroll:' || ?`, &lines)
			q(`SELECT COUNT(*) FROM (SELECT DISTINCT id_number, item, month FROM payments WHERE source = 'payroll:' || ?) d`, &distinct)
			sum, err := New(db).GetRun(context.Background(), payroll.MustMonth(month))
			if err != nil {
				t.Fatal(err)
			}
			if runs != 1 || lines != n+n/2 || distinct != lines || sum.State != StateComputed || sum.Lines != int64(lines) {
				t.Errorf("%s: %d runs, %d lines (%d distinct), state %s with %d lines; want 1 computed run of %d lines (errors %v)",
					month, runs, lines, distinct, sum.State, sum.Lines, n+n/2, errs)
			}
		}
	})
}
