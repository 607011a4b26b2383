package certui_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/money"
	"wiis/internal/payrollsvc"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/ui/certui"
	_ "wiis/internal/ui/payrollui"
	"wiis/internal/web/webtest"
)

// Issue 12's demo journey: the demo's late-recorded correction of a survivor pension leaves
// a receivable the overpayment page shows; the next payroll run, computed on the payroll
// page, sets the whole corrected pension off and shows the balance left, and the run after
// recovers the rest.
func TestDemoCorrectionReceivableIsRecoveredBySetOffInTheNextRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo city")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		demo.Now = func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }
		t.Cleanup(func() { demo.Now = time.Now })
		h := webtest.New(t, db)
		if _, err := demo.SeedCity(ctx, db); err != nil {
			t.Fatal(err)
		}
		if _, err := certui.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		var id string
		var recID, pension int64
		if err := db.QueryRow(ctx, `SELECT r.id, r.id_number, e.amount FROM payroll_receivables r
			JOIN payroll_entitlements e ON e.id_number = r.id_number AND e.item = 'survivor_pension'
			WHERE EXISTS (SELECT 1 FROM payroll_receivable_entries x WHERE x.receivable_id = r.id AND x.cause = ?)`,
			payrollsvc.OverpaidCorrection).Scan(&recID, &id, &pension); err != nil {
			t.Fatal(err)
		}
		// Four months of a quarter of the former pension: one former pension, 4/3 of the
		// corrected one.
		corrected := money.Amount(pension)
		owed := corrected * 4 / 3
		po := h.As(auth.PaymentOfficer)
		page := "/overpayments/" + strconv.FormatInt(recID, 10)
		body := po.Do("GET", page, nil, false).Body.String()
		for _, w := range []string{`id="op-established">` + owed.Grouped(), `id="op-setoff">0.00`, `id="op-balance">` + owed.Grouped(), "更正", "2026-07"} {
			if !strings.Contains(body, w) {
				t.Fatalf("before the run: no %q on the receivable page:\n%s", w, body)
			}
		}
		compute := func(month string) string {
			r := po.Do("POST", "/payroll/runs", strings.NewReader(url.Values{"month": {month}}.Encode()), true,
				"Content-Type", "application/x-www-form-urlencoded")
			if r.Code != http.StatusSeeOther {
				t.Fatalf("compute %s: %d\n%s", month, r.Code, r.Body)
			}
			return po.Do("GET", "/payroll/runs/"+month, nil, false).Body.String()
		}
		run := compute("2026-11")
		rest := owed - corrected
		if !strings.Contains(run, `href="/overpayments/`+strconv.FormatInt(recID, 10)+`"`) || !strings.Contains(run, corrected.Grouped()) ||
			!strings.Contains(run, rest.Grouped()) || strings.Contains(run, id) {
			t.Fatalf("run page: no set-off of %s leaving %s for the receivable:\n%s", corrected.Grouped(), rest.Grouped(), run)
		}
		body = po.Do("GET", page, nil, false).Body.String()
		for _, w := range []string{`id="op-setoff">` + corrected.Grouped(), `id="op-balance">` + rest.Grouped(), "payroll:2026-11"} {
			if !strings.Contains(body, w) {
				t.Fatalf("after the run: no %q on the receivable page:\n%s", w, body)
			}
		}
		compute("2026-12")
		body = po.Do("GET", page, nil, false).Body.String()
		if !strings.Contains(body, `id="op-setoff">`+owed.Grouped()) || !strings.Contains(body, `id="op-balance">0.00`) {
			t.Fatalf("after the second run:\n%s", body)
		}
		var paid int64
		if err := db.QueryRow(ctx, `SELECT amount FROM payments WHERE id_number = ? AND item = 'survivor_pension' AND month = '2026-12'`, id).Scan(&paid); err != nil ||
			money.Amount(paid) != corrected-rest {
			t.Fatalf("December paid %d (%v), want %s", paid, err, corrected-rest)
		}
	})
}
