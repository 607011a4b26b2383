package calcui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/benefit/benefittest"
	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/ui/calcui"
	"wiis/internal/web/webtest"
)

// curl posts like the contract's example: no cookie, no CSRF token, no login.
func curl(h *webtest.Harness, body string) (int, []byte, http.Header) {
	c := &webtest.Client{}
	*c = *h.As("")
	c.Cookies = nil
	rec := c.Do("POST", "/api/v1/calc", strings.NewReader(body), false, "Content-Type", "application/json")
	return rec.Code, rec.Body.Bytes(), rec.Header()
}

func TestAPIAnswersEverySharedCaseAsTheContractSays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := webtest.New(t, db)
		for _, c := range benefittest.Shared(t) {
			code, body, _ := curl(h, string(c.Input))
			exit := map[int]int{http.StatusOK: 0, http.StatusUnprocessableEntity: 2}[code]
			if code != http.StatusOK && code != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d: %s", c.Name, code, body)
				continue
			}
			benefittest.Check(t, c, body, exit)
		}
	})
}

func TestAPIErrorsNameTheFieldAndRejectUnknownFields(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	for in, field := range map[string]string{
		`{"injury_date": "2024-01-01", "grade": 5, "parms": {}}`: "parms",
		`not json`: "",
		`{"injury_date": "2024-01-01", "grade": 11}`:                                               "grade",
		`{"injury_date": "2024-01-01", "death": "work", "dependents": [{"relation": "cousin"}]}`:   "dependents[0].relation",
		`{"injury_date": "2024-01-01", "grade": 3, "own_wage": 1, "params": {"area_avg_wage": 1}}`: "params.min_wage",
		`{"injury_date": "2024-01-01", "grade": 5, "own_wage": 1, "region": "999999"}`:             "region",
	} {
		code, body, _ := curl(h, in)
		var got map[string]map[string]any
		if err := json.Unmarshal(body, &got); err != nil || code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d: %s", in, code, body)
			continue
		}
		e := got["error"]
		if f, ok := e["field"].(string); !ok || f != field || e["message"] == "" {
			t.Errorf("%s: error %v, want field %q with a message", in, e, field)
		}
	}
}

func TestAPIRateLimitsOneAddressAndAnswers429InJSON(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	in := `{"injury_date": "2024-01-01", "grade": 9, "own_wage": "5000", "params": {"area_avg_wage": "6000"}}`
	for i := 0; i < calcui.RatePerMinute; i++ {
		if code, body, _ := curl(h, in); code != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, code, body)
		}
	}
	code, body, hdr := curl(h, in)
	var got map[string]map[string]any
	if code != http.StatusTooManyRequests || json.Unmarshal(body, &got) != nil || got["error"]["message"] == "" || hdr.Get("Retry-After") == "" {
		t.Fatalf("request %d: %d %s (Retry-After %q), want 429 with a JSON error", calcui.RatePerMinute+1, code, body, hdr.Get("Retry-After"))
	}
}

func TestPublicCalculatorWorksWithoutLoginAndKeepsInputOnError(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	anon := h.As("")
	rec := anon.Do("GET", "/calc", nil, false)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "公众工伤待遇测算") || !strings.Contains(rec.Body.String(), `value="371002"`) {
		t.Fatalf("GET /calc: %d", rec.Code)
	}
	form := url.Values{"injury_date": {"2017-06-01"}, "region": {"371002"}, "own_wage": {"5000.00"},
		"grade": {"7"}, "employment_ended": {"1"}, "insured": {"true"}, "birth_date": {"1980-03-01"}, "retire_category": {"male"}}
	rec = anon.Do("POST", "/calc", strings.NewReader(form.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
	body := rec.Body.String()
	// Grade 7 in Weihai 2017: 13 months of 5000 (Art. 37); subsidies 13 × 4809.75 each (Shandong).
	for _, want := range []string{`id="calc-items"`, "lump_sum_disability", "65,000.00", "62,526.75", "工伤保险条例第三十七条"} {
		if rec.Code != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("POST /calc: %d, missing %q: %s", rec.Code, want, errorOf(body))
		}
	}
	form.Set("grade", "12")
	rec = anon.Do("POST", "/calc", strings.NewReader(form.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="calc-error"`) || !strings.Contains(body, `value="5000.00"`) {
		t.Fatalf("bad grade: %d, want 422 with the error and the input kept", rec.Code)
	}
}

func TestStaffPageFillsWeihaiParamsForA2017InjuryIn371002(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	rec := h.As(auth.BenefitsReviewer).Do("GET", "/benefits/calc?region=371002&injury_date=2017-06-01", nil, false)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	for _, want := range []string{
		`name="params.area_avg_wage" inputmode="decimal" value="4809.75"`, // Weihai 2016 average, in force 2017
		`name="params.min_wage" inputmode="decimal" value="1600.00"`,
		`id="params.medical_subsidy_months.5" aria-label="医疗补助金（月） 5" value="22"`, // Shandong's table
		`<option value="area_avg_wage" selected>`,
		`id="calc-sources"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// The notice: calculate from the (edited) form and print.
	form := url.Values{"injury_date": {"2017-06-01"}, "region": {"371002"}, "own_wage": {"5000.00"},
		"grade": {"5"}, "employment_ended": {"1"}, "birth_date": {"1980-03-01"}, "retire_category": {"male"}, "params.area_avg_wage": {"4809.75"}, "params.min_wage": {"1600.00"},
		"params.subsidy_base": {"area_avg_wage"}, "params.medical_subsidy_months.5": {"22"},
		"params.employment_subsidy_months.5": {"10"}, "notice_name": {"张三"}, "action": {"notice"}}
	rec = h.As(auth.Teller).Do("POST", "/benefits/calc", strings.NewReader(form.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
	body = rec.Body.String()
	for _, want := range []string{"工伤保险待遇核定表", "张三", "105,814.50", "48,097.50", "/calc/print.css"} {
		if rec.Code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("notice: %d, missing %q: %s", rec.Code, want, errorOf(body))
		}
	}
}

func TestPolicyEditIsValidatedAuditedAndShownInHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := webtest.New(t, db)
		fo := h.As(auth.FundOfficer)
		post := func(v url.Values) (int, string, string) {
			rec := fo.Do("POST", "/policy/341500", strings.NewReader(v.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
			return rec.Code, rec.Header().Get("Location"), rec.Body.String()
		}
		bad := url.Values{"param": {"medical_subsidy_months"}, "effective_from": {"2025-01-01"},
			"value": {`{"4": 10}`}, "note": {"test"}}
		if code, _, body := post(bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "medical_subsidy_months.4") {
			t.Fatalf("grade 4 months accepted: %d", code)
		}
		good := url.Values{"param": {"area_avg_wage"}, "effective_from": {"2025-01-01"},
			"value": {`"6600.00"`}, "note": {"六安市2024年职工月平均工资（测试）"}}
		code, loc, _ := post(good)
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/policy/341500") {
			t.Fatalf("save: %d to %q", code, loc)
		}
		ctx := context.Background()
		v, ok, err := policy.Get(ctx, db, "341502", "area_avg_wage", "2025-06-01")
		if err != nil || !ok || string(v.Raw) != `"6600.00"` || v.CreatedBy != "h_fund_officer" {
			t.Fatalf("stored %+v %v %v", v, ok, err)
		}
		recs, err := audit.List(ctx, db, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs {
			if r.Action == "policy.put" && r.EntityID == "341500/area_avg_wage/2025-01-01" && r.Actor == "h_fund_officer" &&
				strings.Contains(r.AfterJSON, "6600.00") {
				found = true
			}
		}
		if !found {
			t.Fatal("no audit record of the change")
		}
		if res, err := audit.Verify(ctx, db); err != nil || !res.OK() {
			t.Fatalf("audit chain: %+v %v", res, err)
		}
		rec := h.As(auth.BenefitsReviewer).Do("GET", "/policy/341500?on=2025-06-01", nil, false)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, "6600.00") || !strings.Contains(body, "六安市2024年职工月平均工资（测试）") ||
			!strings.Contains(body, "5900.00") || strings.Contains(body, `id="policy-form"`) {
			t.Fatalf("history page: %d", rec.Code)
		}
		// Outside the officer's scope (341500) no edit.
		rec = fo.Do("POST", "/policy/371000", strings.NewReader(good.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
		if rec.Code != http.StatusForbidden {
			t.Fatalf("edit outside scope: %d", rec.Code)
		}
		rec = h.As(auth.SysAdmin).Do("GET", "/policy", nil, false)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-province="320000"`) || !strings.Contains(rec.Body.String(), "200000.00") {
			t.Fatalf("policy index: %d", rec.Code)
		}
	})
}

func TestRoutesAnswerAsTheirPermissionsSay(t *testing.T) {
	webtest.WalkRoutes(t, webtest.New(t, storetest.Open(t, store.SQLite)))
}

// errorOf is the page's error summary, for failure messages.
func errorOf(body string) string {
	_, s, ok := strings.Cut(body, `id="calc-error" role="alert">`)
	if !ok {
		return "(no error shown)"
	}
	s, _, _ = strings.Cut(s, "<")
	return s
}
