package prevention

import (
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/auth"
)

func TestHealthDataVisibleOnlyToTheRolesThatNeedIt(t *testing.T) {
	want := map[auth.Role]bool{
		auth.Teller:               false,
		auth.DeterminationOfficer: true,
		auth.AssessmentSecretary:  true,
		auth.BenefitsReviewer:     false,
		auth.PaymentOfficer:       false,
		auth.FundOfficer:          false,
		auth.RiskInvestigator:     false,
		auth.PreventionOfficer:    true,
		auth.MedicalAuditor:       true,
		auth.Auditor:              false,
		auth.SysAdmin:             false,
		auth.SecAdmin:             false,
		auth.Employer:             false,
		auth.Worker:               false,
	}
	for _, r := range auth.AllRoles() {
		w, ok := want[r]
		if !ok {
			t.Errorf("role %s has no decided health-data visibility: add it here and in healthDataRoles", r)
			continue
		}
		if got := CanSeeHealthData([]auth.Role{r}); got != w {
			t.Errorf("%s: CanSeeHealthData = %v, want %v", r, got, w)
		}
		err := RequireHealthData([]auth.Role{r})
		if w != (err == nil) || (!w && apperr.CodeOf(err) != apperr.Forbidden) {
			t.Errorf("%s: RequireHealthData = %v", r, err)
		}
	}
	if CanSeeHealthData(nil) {
		t.Error("no roles must see nothing")
	}
	if !CanSeeHealthData([]auth.Role{auth.Teller, auth.MedicalAuditor}) {
		t.Error("one role that needs it is enough")
	}
}

func TestSuspectedCaseFollowUp(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"flagged", "diagnosing", true}, {"flagged", "confirmed", true}, {"flagged", "excluded", true},
		{"diagnosing", "confirmed", true}, {"diagnosing", "excluded", true}, {"diagnosing", "flagged", false},
		{"confirmed", "excluded", false}, {"excluded", "confirmed", false}, {"flagged", "flagged", false},
	} {
		if CanFollowUp(tc.from, tc.to) != tc.ok {
			t.Errorf("%s → %s: want %v", tc.from, tc.to, tc.ok)
		}
	}
}
