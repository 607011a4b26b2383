package payrollui

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/coverage"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// TestRunPageShowsTheOpenAlertsOfItsPayees checks issue 7 item 5 on the payroll run page: an
// open alert on a paid person (R05 here) and the R03 alert that holds another both show, as a
// plain notice with masked subjects for the payment officer.
func TestRunPageShowsTheOpenAlertsOfItsPayees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := webtest.New(t, db)
		seedBeneficiaries(t, db)
		m, _ := coverage.ParseMonth("2024-05")
		if _, err := riskstore.Save(context.Background(), db, m, []risk.Alert{{Rule: "R05", Subject: idA, Detail: "重复领取"}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		prep := h.As(auth.PaymentOfficer)
		if rec := prep.Do("POST", "/payroll/runs", form("month", "2024-05"), true, "Content-Type", formType); rec.Code != http.StatusSeeOther {
			t.Fatalf("compute: %d\n%s", rec.Code, rec.Body)
		}
		rec := prep.Do("GET", "/payroll/runs/2024-05", nil, false)
		page := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(page, `data-open-alerts="2"`) || !strings.Contains(page, "R05 "+risk.RuleName("R05")) ||
			!strings.Contains(page, "R03 "+risk.RuleName("R03")) || strings.Contains(page, idA) || strings.Contains(page, "/risk/alerts/") {
			t.Fatalf("run page: %d\n%s", rec.Code, page)
		}
	})
}
