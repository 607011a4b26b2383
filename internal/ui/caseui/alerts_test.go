package caseui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/coverage"
	"wiis/internal/demo"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// openAlertOn stores an open alert of rule on subject, as a scan would.
func openAlertOn(t *testing.T, db *store.DB, rule, subject string) {
	t.Helper()
	m, _ := coverage.ParseMonth("2026-02")
	a := risk.Alert{Rule: rule, Subject: subject, Detail: "测试预警", Evidence: []risk.Evidence{
		{Table: "test", Row: map[string]string{"subject": subject}}}}
	if _, err := riskstore.Save(ctx, db, m, []risk.Alert{a}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestCasePagesShowTheOpenAlertsOfTheirPerson checks issue 7 item 5 on the demo casework: a
// determination page shows an alert on the worker, an assessment page one on the employer,
// a benefit proposal page one on the worker — as a plain notice, with no link to the alert,
// for the roles that handle them; a page without an alert shows no block.
func TestCasePagesShowTheOpenAlertsOfTheirPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := demo.SeedCity(ctx, db); err != nil {
			t.Fatal(err)
		}
		if _, err := SeedCasework(ctx, db); err != nil {
			t.Fatal(err)
		}
		f := flow{t, webtest.New(t, db)}
		col := func(q string, args ...any) string {
			t.Helper()
			var s string
			if err := db.QueryRow(ctx, q, args...).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		cases := []struct {
			name, rule, subject, path string
			role                      auth.Role
		}{
			{"determination", "R03", col(`SELECT worker_id FROM determination_cases WHERE id = 1`), "/casework/determinations/1", auth.DeterminationOfficer},
			{"assessment", "R07", col(`SELECT employer_uscc FROM assessment_cases WHERE id = 1`), "/casework/assessments/1", auth.AssessmentSecretary},
			{"proposal", "R05", col(`SELECT worker_id FROM benefit_proposals WHERE id = 1`), "/casework/proposals/1", auth.BenefitsReviewer},
		}
		for _, c := range cases {
			if page := f.get(c.role, c.path, http.StatusOK); contains(page, "risk-alerts") {
				t.Errorf("%s: alert block before any alert", c.name)
			}
		}
		for _, c := range cases {
			openAlertOn(t, db, c.rule, c.subject)
		}
		for _, c := range cases {
			page := f.get(c.role, c.path, http.StatusOK)
			mustContain(t, page, "risk-alerts", "未关闭的风险预警", c.rule+" "+risk.RuleName(c.rule))
			if contains(page, "/risk/alerts/") {
				t.Errorf("%s: a %s is linked to the alert page", c.name, c.role)
			}
		}
	})
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
