package riskui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// TestOpenAlertsOfAnotherCityStayUnseen checks the region scoping of the open-alert look-up:
// the Lu'an firm's alert answers to a Lu'an officer, not to a Changzhou one; a key that names
// nothing regional (the deceased known only from the death register) answers to both.
func TestOpenAlertsOfAnotherCityStayUnseen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		h := webtest.New(t, db)
		cz, err := h.S.Auth.CreateUser(context.Background(), audit.Actor{Username: "test"}, auth.NewUser{Username: "cz_det",
			DisplayName: "常州认定", Password: webtest.Password, Roles: []auth.Role{auth.DeterminationOfficer}, Region: "320400"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/risk/open-alerts?key=" + firm + "&key=" + deadID
		la := h.As(auth.DeterminationOfficer).Do("GET", path, nil, false).Body.String()
		if !strings.Contains(la, `"R07"`) || !strings.Contains(la, `"R03"`) {
			t.Errorf("Lu'an officer: %s", la)
		}
		rec := h.AsUser(cz).Do("GET", path, nil, false)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), firm) || !strings.Contains(rec.Body.String(), `"R03"`) {
			t.Errorf("Changzhou officer: %d %s", rec.Code, rec.Body)
		}
	})
}
