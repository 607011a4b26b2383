package caseui

import (
	"net/http"
	"testing"

	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// TestDemoCaseworkHasEveryStateAndIsIdempotent seeds the demo city and casework twice and
// checks the office sees cases in every state, overdue ones, a proposal awaiting review and
// bills with refused and doubtful lines, on pages that render.
func TestDemoCaseworkHasEveryStateAndIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for range 2 {
			if _, err := demo.SeedCity(ctx, db); err != nil {
				t.Fatal(err)
			}
			if _, err := SeedCasework(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		count := func(q string) int {
			var n int
			if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(DISTINCT state) FROM determination_cases`); n != 7 {
			t.Errorf("determination states: %d, want all 7", n)
		}
		if n := count(`SELECT COUNT(DISTINCT state) FROM assessment_cases`); n != 4 {
			t.Errorf("assessment states: %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM benefit_proposals WHERE state = 'proposed'`); n != 1 {
			t.Errorf("proposals awaiting review: %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM medical_bill_lines WHERE decision = 'refuse'`); n < 2 {
			t.Errorf("refused lines: %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM medical_bill_lines WHERE decision = 'review'`); n < 1 {
			t.Errorf("doubtful lines: %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM experts`); n != 6 {
			t.Errorf("experts after two runs: %d", n)
		}
		f := flow{t, webtest.New(t, db)}
		mustContain(t, f.get(auth.DeterminationOfficer, "/casework/determinations?status=overdue", http.StatusOK), "已超期")
		mustContain(t, f.get(auth.DeterminationOfficer, "/casework/deadlines", http.StatusOK), "已超期")
		mustContain(t, f.get(auth.MedicalAuditor, "/medical/bills", http.StatusOK), "H341500001-DEMO-0001")
		mustContain(t, f.get(auth.MedicalAuditor, "/medical/bills/1", http.StatusOK), "拒付")
		mustContain(t, f.get(auth.BenefitsReviewer, "/casework/proposals", http.StatusOK), "/casework/proposals/1")
		mustContain(t, f.get(auth.BenefitsReviewer, "/casework/advances/1", http.StatusOK), "审批核销")
		for _, p := range []string{"/casework/assessments", "/casework/assessments/1", "/casework/assessments/2", "/casework/determinations/1",
			"/casework/determinations/7", "/casework/determinations/5", "/medical/institutions", "/medical/catalogue"} {
			role := auth.AssessmentSecretary
			if p[1] == 'm' {
				role = auth.MedicalAuditor
			}
			f.get(role, p, http.StatusOK)
		}
	})
}
