package projectui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

func TestTellerRegistersPaysRostersAndReportsAndTheEmployerSeesOnlyItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 4, 3, 1, 1, 0, 0, time.UTC) // 09:01 in Shanghai
		clock = func() time.Time { return now }
		t.Cleanup(func() { clock = time.Now })
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := policy.Put(ctx, tx, policy.Value{Region: "341500", Param: "area_avg_wage", EffectiveFrom: "2024-01-01", Raw: json.RawMessage(`"7236.00"`)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		h := webtest.New(t, db)
		uscc, other := idcode.GenerateUSCC('9', '1', "341502", 47000001), idcode.GenerateUSCC('9', '1', "341502", 47000002)
		svc := &enroll.Service{DB: db}
		for _, u := range []string{uscc, other} {
			if err := svc.RegisterEmployer(ctx, audit.Actor{Username: "setup"}, enroll.Employer{USCC: u, Name: "建工" + u[10:14] + "有限公司", Region: "341502", IndustryCode: "4710", Status: "active"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `UPDATE users SET employer_uscc = ? WHERE username = 'h_employer'`, other); err != nil {
			t.Fatal(err)
		}
		teller := h.As(auth.Teller)
		form := url.Values{"project_code": {"LA2025X"}, "uscc": {uscc}, "name": {"学校工程"}, "region": {"341502"},
			"contract_value": {"10000000.00"}, "start_date": {"2025-03-01"}, "end_date": {"2026-06-30"}}
		post := func(c *webtest.Client, path string, f url.Values) *http.Response {
			rec := c.Do("POST", path, strings.NewReader(f.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
			return rec.Result()
		}
		if res := post(teller, "/projects", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("register: %d", res.StatusCode)
		}
		if res := post(teller, "/projects", form); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("register twice: %d", res.StatusCode)
		}
		if res := post(teller, "/projects/LA2025X/pay", url.Values{"paid_on": {"2025-03-02"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("pay: %d", res.StatusCode)
		}
		worker := idcode.GenerateID(time.Date(1979, 3, 4, 0, 0, 0, 0, time.UTC), "341522", 31, idcode.Male)
		if res := post(teller, "/projects/LA2025X/roster", url.Values{"id_number": {worker}, "name": {"李大山"}, "from_date": {"2025-03-10"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("roster: %d", res.StatusCode)
		}
		if res := post(teller, "/projects/LA2025X/accidents", url.Values{"id_number": {worker}, "occurred_at": {"2025-04-01T09:00"}, "description": {"坠落"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("accident: %d", res.StatusCode)
		}
		page := teller.Do("GET", "/projects/LA2025X", nil, false).Body.String()
		for _, want := range []string{"15,000.00", "2025-03-02", "李大山", "48:01", `class="bad late"`} {
			if !strings.Contains(page, want) {
				t.Errorf("project page lacks %q", want)
			}
		}
		if strings.Contains(page, worker) {
			t.Error("the project page shows a full ID number")
		}
		emp := h.As(auth.Employer)
		if rec := emp.Do("GET", "/projects/LA2025X", nil, false); rec.Code != http.StatusNotFound {
			t.Errorf("another contractor's project: %d", rec.Code)
		}
		rec := emp.Do("POST", "/api/v1/projects", strings.NewReader(`{"project_code":"LA2025Y","name":"厂房","region":"341502","contract_value":"2000000.00","start_date":"2025-04-01","end_date":"2025-12-31"}`), true, "Content-Type", "application/json")
		if rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), `"premium":"3000.00"`) {
			t.Fatalf("employer registers its own: %d %s", rec.Code, rec.Body)
		}
		if rec := emp.Do("POST", "/api/v1/projects/LA2025Y/payments", strings.NewReader(`{"paid_on":"2025-04-02"}`), true); rec.Code != http.StatusForbidden {
			t.Errorf("employer records a payment: %d", rec.Code)
		}
		var list []map[string]any
		if err := json.Unmarshal(emp.Do("GET", "/api/v1/projects", nil, false).Body.Bytes(), &list); err != nil || len(list) != 1 {
			t.Errorf("employer's list: %v %v", list, err)
		}
	})
}
