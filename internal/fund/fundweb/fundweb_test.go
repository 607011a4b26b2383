package fundweb_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/fund"
	"wiis/internal/fund/fundweb"
	"wiis/internal/fund/ledger"
	"wiis/internal/fund/pooling"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
	"wiis/internal/web/webtest"
)

// officer is a signed-in fund officer of the province, driven without a network.
type officer struct {
	s      *web.Server
	cookie *http.Cookie
	csrf   string
}

func newOfficer(t *testing.T, h *webtest.Harness, name, region string) *officer {
	t.Helper()
	ctx := context.Background()
	u, err := h.S.Auth.CreateUser(ctx, audit.Actor{Username: "test"}, auth.NewUser{Username: name, DisplayName: name,
		Password: webtest.Password, Roles: []auth.Role{auth.FundOfficer}, Region: region})
	if err != nil {
		t.Fatal(err)
	}
	tok, sess, err := h.S.Auth.CreateSession(ctx, u, "127.0.0.1", "zh")
	if err != nil {
		t.Fatal(err)
	}
	return &officer{s: h.S, cookie: &http.Cookie{Name: "wiis_session", Value: tok}, csrf: sess.CSRF}
}

func (o *officer) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		form.Set("csrf", o.csrf)
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = "127.0.0.1:40000"
	req.AddCookie(o.cookie)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	o.s.ServeHTTP(rec, req)
	return rec
}

var idInPath = regexp.MustCompile(`/(\d+)$`)

func TestFundOfficerRunsPoolingAndManualEntriesWithASecondApprover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := fundweb.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		var before int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_postings`).Scan(&before)
		if _, err := fundweb.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
		var after int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_postings`).Scan(&after)
		if before != after || before < 800 {
			t.Fatalf("demo postings %d then %d", before, after)
		}
		h := webtest.New(t, db)
		a, b := newOfficer(t, h, "prov_a", "340000"), newOfficer(t, h, "prov_b", "340000")
		year := time.Now().Year() - 1

		// The dashboard of the province, its pages and reports render.
		for _, p := range []string{"/fund?region=340000", "/fund?region=341500&grain=year", "/fund/indicators/support_months?region=340000",
			"/fund/ledger", "/fund/trial-balance?region=340000", "/fund/pooling", "/fund/budgets?unit=341500",
			"/fund/reports", fmt.Sprintf("/fund/reports/monthly?region=340000&period=%d-12", year), fmt.Sprintf("/fund/reports/yearly?region=341500&period=%d", year),
			"/api/v1/fund/indicators?region=340000", "/api/v1/fund/capacity?region=341500", "/api/v1/fund/budgets?unit=341500", "/api/v1/fund/trial-balance"} {
			rec := a.do("GET", p, nil)
			if rec.Code != 200 {
				t.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body.String())
			}
		}
		dash := a.do("GET", "/fund?region=340000", nil).Body.String()
		if strings.Count(dash, "<svg") < 10 || !strings.Contains(dash, "合肥市") || strings.Contains(dash, "<script") {
			t.Fatalf("dashboard lacks charts or drill-down")
		}
		if tb := a.do("GET", "/fund/trial-balance?region=340000", nil).Body.String(); !strings.Contains(tb, `class="alert ok" id="trial-check"`) {
			t.Fatalf("trial balance does not balance")
		}

		// Pooling for last year: proposed by one officer, approved by the other.
		rec := a.do("POST", "/fund/pooling", url.Values{"year": {fmt.Sprint(year)}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("propose: %d %s", rec.Code, rec.Body.String())
		}
		runPath := rec.Header().Get("Location")
		var id int64
		fmt.Sscan(idInPath.FindStringSubmatch(runPath)[1], &id)
		run, err := pooling.Get(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if rec := a.do("POST", runPath+"/decide", url.Values{"decision": {"approve"}, "version": {"1"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), "提出人不能审批") {
			t.Fatalf("self-approval: %d", rec.Code)
		}
		if rec := b.do("POST", runPath+"/decide", url.Values{"decision": {"approve"}, "version": {"1"}}); rec.Code != 200 {
			t.Fatalf("approve: %d %s", rec.Code, rec.Body.String())
		}
		var luan *fund.Transfer
		for i, tr := range run.Result.Transfers {
			if tr.Unit == "341500" {
				luan = &run.Result.Transfers[i]
			}
		}
		if luan == nil || luan.Allocate <= 0 || luan.Remit <= 0 {
			t.Fatalf("Lu'an, in deficit, should remit its share and receive an allocation: %+v", luan)
		}
		var allocated int64
		db.QueryRow(ctx, `SELECT COALESCE(SUM(l.credit), 0) FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
			WHERE p.unit = '341500' AND l.account = 'income:allocation_in' AND p.posted_on = ?`, fmt.Sprintf("%d-12-31", year)).Scan(&allocated)
		if allocated != luan.Allocate.Fen() {
			t.Fatalf("Lu'an allocation posted %d, computed %s", allocated, luan.Allocate)
		}

		// A manual entry waits for the other officer, then can be reversed.
		rec = a.do("POST", "/fund/ledger", url.Values{"unit": {"341500"}, "date": {fmt.Sprintf("%d-12-30", year)}, "debit": {"bank"},
			"credit": {"income:fiscal_subsidy"}, "amount": {"1234.56"}, "memo": {"财政补贴"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("propose entry: %d %s", rec.Code, rec.Body.String())
		}
		entry := rec.Header().Get("Location")
		if rec := a.do("POST", "/fund/ledger", url.Values{"unit": {"341500"}, "date": {"2024-01-01"}, "debit": {"bank"}, "credit": {"bank"}, "amount": {"-1"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), "金额应为大于0") {
			t.Fatalf("bad entry: %d", rec.Code)
		}
		if rec := b.do("POST", entry+"/decide", url.Values{"decision": {"approve"}, "version": {"1"}}); rec.Code != 200 {
			t.Fatalf("approve entry: %d %s", rec.Code, rec.Body.String())
		}
		if rec := a.do("POST", entry+"/reverse", url.Values{"date": {fmt.Sprintf("%d-12-31", year)}, "memo": {"录错"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("reverse: %d %s", rec.Code, rec.Body.String())
		}
		tb, err := ledger.TrialBalance(ctx, db, "34", "0000-01-01", "9999-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if d, c := fund.Totals(tb); d != c {
			t.Fatalf("trial balance debit %s credit %s", d, c)
		}

		// Budgets: a target set on the form shows in the execution.
		if rec := a.do("POST", "/fund/budgets", url.Values{"unit": {"341200"}, "year": {fmt.Sprint(year)}, "account": {"expense:devices"}, "amount": {"100000"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("budget: %d %s", rec.Code, rec.Body.String())
		}

		// The monthly report as Excel.
		rec = a.do("GET", fmt.Sprintf("/fund/reports/monthly/xlsx?region=340000&period=%d-12", year), nil)
		if rec.Code != 200 {
			t.Fatalf("xlsx: %d %s", rec.Code, rec.Body.String())
		}
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		title, _ := f.GetCellValue("指标", "A1")
		if !strings.Contains(title, "安徽省工伤保险基金月报") {
			t.Fatalf("xlsx title %q", title)
		}
		if res, err := audit.Verify(ctx, db); err != nil || !res.OK() {
			t.Fatalf("audit: %+v %v", res, err)
		}
	})
}

func TestCityOfficerCannotRunTheProvincesPooling(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	h := webtest.New(t, db)
	rec := h.As(auth.FundOfficer).Do("POST", "/fund/pooling", strings.NewReader("year=2024"), true, "Content-Type", "application/x-www-form-urlencoded")
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "管辖范围覆盖全省") {
		t.Fatalf("%d", rec.Code)
	}
	if rec := h.As(auth.Auditor).Do("GET", "/fund/ledger", nil, false); rec.Code != 200 || strings.Contains(rec.Body.String(), `method="post" action="/fund/ledger"`) {
		t.Fatalf("auditor ledger: %d", rec.Code)
	}
}

var tKey = regexp.MustCompile(`\{\{t "([a-z_.]+)"`)

func TestEveryMessageKeyOfTheFundPagesExistsInBothLanguages(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	webtest.New(t, db) // adds the module's messages to the catalogue
	fs.WalkDir(fundweb.Templates(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(fundweb.Templates(), p)
		for _, m := range tKey.FindAllStringSubmatch(string(b), -1) {
			if !web.HasMessage(m[1]) {
				t.Errorf("%s: message %s missing", p, m[1])
			}
		}
		return nil
	})
}
