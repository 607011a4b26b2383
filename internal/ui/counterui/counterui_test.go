package counterui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/counter/counterstore"
	"wiis/internal/demo"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// fixture is a small city: an employer in Lu'an with one worker and a payment, and an
// employer in Hefei (outside the harness users' region) with its own worker.
type fixture struct {
	h                *webtest.Harness
	uscc, other      string
	worker, stranger string
}

var now = time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC) // Monday 10:00 in Shanghai

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	clock = func() time.Time { return now }
	t.Cleanup(func() { clock = time.Now })
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := policy.Put(ctx, tx, policy.Value{Region: "341500", Param: "area_avg_wage", EffectiveFrom: "2024-01-01", Raw: json.RawMessage(`"7236.00"`)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{h: webtest.New(t, db),
		uscc:     idcode.GenerateUSCC('9', '1', "341502", 12345678),
		other:    idcode.GenerateUSCC('9', '1', "340102", 87654321),
		worker:   idcode.GenerateID(time.Date(1985, 5, 5, 0, 0, 0, 0, time.UTC), "341502", 11, idcode.Male),
		stranger: idcode.GenerateID(time.Date(1990, 6, 6, 0, 0, 0, 0, time.UTC), "340102", 12, idcode.Female)}
	svc := &enroll.Service{DB: db, Now: func() time.Time { return now }}
	by := audit.Actor{Username: "setup"}
	base := money.MustParse("6000.00")
	for _, e := range []enroll.Employer{{USCC: f.uscc, Name: "六安测试服装有限公司", Region: "341502", IndustryCode: "1810", RegisteredOn: "2015-03-01"},
		{USCC: f.other, Name: "合肥测试软件有限公司", Region: "340102", IndustryCode: "6513", RegisteredOn: "2016-01-01"}} {
		if err := svc.RegisterEmployer(ctx, by, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Record(ctx, by, enroll.Person{IDNumber: f.worker, Name: "张伟"}, enroll.Event{USCC: f.uscc, Event: "add", Month: "2025-01", MonthlyBase: &base}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Record(ctx, by, enroll.Person{IDNumber: f.stranger, Name: "李娜"}, enroll.Event{USCC: f.other, Event: "add", Month: "2025-01", MonthlyBase: &base}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO payments (id_number, item, month, amount, bank_account, source) VALUES ('` + f.worker + `', 'lump_sum_disability', '2025-02', 3456700, '6217000012345678', 'import')`,
		`INSERT INTO claims (claim_no, id_number, uscc, injury_at, applied_on) VALUES ('GS202500001', '` + f.worker + `', '` + f.uscc + `', '2024-12-01T09:30', '2024-12-05')`,
		`UPDATE users SET employer_uscc = '` + f.uscc + `' WHERE username = 'h_employer'`,
		`UPDATE users SET person_id_number = '` + f.worker + `' WHERE username = 'h_worker'`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func form(kv ...string) *strings.Reader {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode())
}

const formType = "application/x-www-form-urlencoded"

func TestEveryPageRendersForItsRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		for _, c := range []struct {
			role auth.Role
			path string
			want []string
		}{
			{auth.Teller, "/counter", []string{"综合柜员工作台", "按时办结率"}},
			{auth.Teller, "/counter?q=张伟", nil}, // one hit: straight to the person
			{auth.Teller, "/counter?q=无此人", []string{"没有找到"}},
			{auth.Teller, "/counter/persons/" + f.worker, []string{f.worker, "张伟", "GS202500001", "34567.00", "****5678", "GS0402"}},
			{auth.Teller, "/counter/employers/" + f.uscc, []string{"六安测试服装有限公司", "0.9%", privacy.MaskID(f.worker), "GS0103"}},
			{auth.Teller, "/counter/start/GS0402?subject=" + f.worker, []string{"工伤职工就医备案", "身份证件"}},
			{auth.Teller, "/counter/start/GS0103?subject=" + f.uscc, []string{"缴费基数", "参保类别"}},
			{auth.Teller, "/counter/start/GS0101", []string{"统一社会信用代码"}},
			{auth.Teller, "/counter/figures", []string{"办理时限统计"}},
			{auth.BenefitsReviewer, "/review", []string{"内控审核队列"}},
			{auth.BenefitsReviewer, "/review/control", []string{"即办事项事后抽查"}},
			{auth.RiskInvestigator, "/review/control?teller=h_teller", []string{"h_teller"}},
			{auth.SysAdmin, "/admin/catalogue", []string{"GS0202", "工伤认定申请"}},
			{auth.SysAdmin, "/admin/catalogue/GS0202", []string{"工伤认定申请表"}},
			{auth.FundOfficer, "/rates/float", []string{"浮动费率评估"}},
			{auth.Employer, "/portal", []string{"六安测试服装有限公司", "工伤认定申请"}},
			{auth.Employer, "/portal/enrollment", []string{privacy.MaskID(f.worker)}},
			{auth.Employer, "/portal/bills", []string{"2025-03", "滞纳金"}},
			{auth.Employer, "/portal/apply/GS0202", []string{"受伤职工身份证号"}},
			{auth.Worker, "/me", []string{"张伟", privacy.MaskID(f.worker), "六安测试服装有限公司"}},
			{auth.Worker, "/me/payments", []string{"34567.00", "一次性伤残补助金"}},
			{auth.Worker, "/me/medical", []string{"工伤职工就医备案"}},
		} {
			rec := f.h.As(c.role).Do("GET", c.path, nil, false)
			if c.want == nil {
				if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/counter/persons/"+f.h.S.PersonRef(f.worker) {
					t.Errorf("%s %s: %d %s, want a redirect to the person", c.role, c.path, rec.Code, rec.Header().Get("Location"))
				}
				continue
			}
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Errorf("%s %s: %d\n%s", c.role, c.path, rec.Code, body)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s %s: no %q in the page", c.role, c.path, w)
				}
			}
		}
		// Lists mask ID numbers; the employer page never holds the full number, not even in
		// its links, which name the person by reference.
		body := f.h.As(auth.Teller).Do("GET", "/counter/employers/"+f.uscc, nil, false).Body.String()
		if strings.Contains(body, f.worker) || !strings.Contains(body, "/counter/persons/"+f.h.S.PersonRef(f.worker)) {
			t.Error("the employer page shows a full ID number, or links to the person without the reference")
		}
	})
}

var dueRE = regexp.MustCompile(`id="assess-due">([0-9.]+)<`)

// A teller enrolls a worker through the form (GS0103) and the employer page's assessment
// changes: the contract of issue 4 through the counter.
func TestEnrollmentThroughTheFormChangesTheAssessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		tel := f.h.As(auth.Teller)
		due := func() string {
			m := dueRE.FindStringSubmatch(tel.Do("GET", "/counter/employers/"+f.uscc, nil, false).Body.String())
			if m == nil {
				t.Fatal("no assessment on the employer page")
			}
			return m[1]
		}
		if d := due(); d != "54.00" { // 6000.00 × 0.9%
			t.Fatalf("due before %s", d)
		}
		newID := idcode.GenerateID(time.Date(1992, 7, 7, 0, 0, 0, 0, time.UTC), "341502", 13, idcode.Female)
		// Missing materials: the form comes back with the input and the reason by the field.
		rec := tel.Do("POST", "/counter/start/GS0103", form("subject", f.uscc, "id_number", newID, "name", "王芳", "month", "2025-03", "monthly_base", "5000.00", "category", "regular"), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "缺少材料") || !strings.Contains(rec.Body.String(), `value="王芳"`) {
			t.Fatalf("missing materials: %d %s", rec.Code, rec.Body.String())
		}
		// A bad ID number is named next to its field.
		rec = tel.Do("POST", "/counter/start/GS0103", form("subject", f.uscc, "id_number", "341502199207070000", "name", "王芳", "month", "2025-03", "monthly_base", "5000.00", "materials", "职工身份证件"), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "field-error") {
			t.Fatalf("bad id: %d", rec.Code)
		}
		rec = tel.Do("POST", "/counter/start/GS0103", form("subject", f.uscc, "id_number", newID, "name", "王芳", "month", "2025-03", "monthly_base", "5000.00", "category", "regular", "materials", "职工身份证件"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/counter/tickets/") {
			t.Fatalf("enroll: %d %s", rec.Code, rec.Body.String())
		}
		receipt := tel.Do("GET", rec.Header().Get("Location"), nil, false).Body.String()
		if !strings.Contains(receipt, "办结凭证") || !strings.Contains(receipt, "341500-20250310-0001") {
			t.Errorf("receipt of an immediate item: %s", receipt)
		}
		if d := due(); d != "99.00" { // (6000 + 5000) × 0.9%
			t.Fatalf("due after %s", d)
		}
	})
}

// A back-office item gets a receipt with the promised date; the reviewer decides it, and the
// teller cannot review what they took in.
func TestBackOfficeItemsGetAReceiptAndAreReviewedByAnother(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		tel := f.h.As(auth.Teller)
		rec := tel.Do("POST", "/counter/start/GS0501", form("subject", f.worker, "materials", "待遇申领表", "materials", "鉴定结论书", "materials", "银行账户"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", rec.Code, rec.Body.String())
		}
		receipt := tel.Do("GET", rec.Header().Get("Location"), nil, false).Body.String()
		// 15 working days from Monday 2025-03-10 is Monday 2025-03-31.
		if !strings.Contains(receipt, "受理回执") || !strings.Contains(receipt, "2025-03-31") {
			t.Fatalf("receipt: %s", receipt)
		}
		id := strings.TrimPrefix(rec.Header().Get("Location"), "/counter/tickets/")
		queue := f.h.As(auth.BenefitsReviewer).Do("GET", "/review", nil, false).Body.String()
		if !strings.Contains(queue, `action="/review/`+id+`"`) {
			t.Fatal("the ticket is not in the benefits reviewer's queue")
		}
		if q := f.h.As(auth.DeterminationOfficer).Do("GET", "/review", nil, false).Body.String(); strings.Contains(q, `action="/review/`+id+`"`) {
			t.Error("a determination officer sees a benefits item")
		}
		rv := f.h.As(auth.BenefitsReviewer)
		rec = rv.Do("POST", "/review/"+id, form("version", "1", "decision", "rejected"), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusConflict {
			t.Errorf("a refusal without a reason: %d", rec.Code)
		}
		rec = rv.Do("POST", "/review/"+id, form("version", "1", "decision", "done"), true, "Content-Type", formType)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "已审核") {
			t.Fatalf("approve: %d", rec.Code)
		}
		rec = rv.Do("POST", "/review/"+id, form("version", "1", "decision", "done"), true, "Content-Type", formType)
		if rec.Code == http.StatusOK {
			t.Error("a stale version was accepted")
		}
	})
}

func TestAPIKeepsCallersInTheirRegionAndEmployersToThemselves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		for _, c := range []struct {
			role auth.Role
			path string
			want int
		}{
			{auth.Teller, "/api/v1/employers/" + f.uscc + "/enrollments", 200},
			{auth.Teller, "/api/v1/employers/" + f.other + "/enrollments", 404}, // Hefei: outside Lu'an
			{auth.Employer, "/api/v1/employers/" + f.uscc + "/enrollments", 200},
			{auth.Employer, "/api/v1/employers/" + f.other + "/enrollments", 404},
			{auth.Teller, "/api/v1/persons/" + f.worker, 200},
			{auth.Teller, "/api/v1/persons/" + f.stranger, 404},
			{auth.Worker, "/api/v1/persons/" + f.worker, 200},
			{auth.Worker, "/api/v1/persons/" + f.stranger, 404},
			{auth.Employer, "/api/v1/persons/" + f.worker, 403},
			{auth.Employer, "/api/v1/employers/" + f.uscc + "/statement?from=2025-01&to=2025-03", 200},
			{auth.Employer, "/api/v1/employers/" + f.other + "/statement", 404},
			{auth.FundOfficer, "/api/v1/employers/" + f.other + "/statement", 404},
			{auth.Teller, "/api/v1/search?q=测试", 200},
			{auth.Worker, "/api/v1/search?q=测试", 403},
		} {
			rec := f.h.As(c.role).Do("GET", c.path, nil, false)
			if rec.Code != c.want {
				t.Errorf("%s %s: %d, want %d: %s", c.role, c.path, rec.Code, c.want, rec.Body.String())
			}
		}
		var sr SearchResult
		json.Unmarshal(f.h.As(auth.Teller).Do("GET", "/api/v1/search?q=测试", nil, false).Body.Bytes(), &sr)
		if len(sr.Hits) != 1 || sr.Hits[0].Key != f.uscc {
			t.Errorf("search should find only the Lu'an employer: %+v", sr.Hits)
		}
		listsNamePersonsByReference(t, f)
		var st Statement
		json.Unmarshal(f.h.As(auth.Employer).Do("GET", "/api/v1/employers/"+f.uscc+"/statement?from=2025-01&to=2025-03", nil, false).Body.Bytes(), &st)
		if len(st.Lines) != 3 || st.Arrears.String() != "162.00" {
			t.Errorf("statement: %+v", st)
		}
		// The employer declares by API; its own employer only.
		body := `{"id_number":"` + idcode.GenerateID(time.Date(1993, 1, 2, 0, 0, 0, 0, time.UTC), "341502", 21, idcode.Male) + `","name":"赵强","event":"add","month":"2025-03","monthly_base":"5000.00"}`
		if rec := f.h.As(auth.Employer).Do("POST", "/api/v1/employers/"+f.uscc+"/enrollments", strings.NewReader(body), true); rec.Code != http.StatusCreated {
			t.Errorf("employer API add: %d %s", rec.Code, rec.Body.String())
		}
		if rec := f.h.As(auth.Employer).Do("POST", "/api/v1/employers/"+f.other+"/enrollments", strings.NewReader(body), true); rec.Code != http.StatusNotFound {
			t.Errorf("another employer's API add: %d", rec.Code)
		}
		rec := f.h.As(auth.Employer).Do("POST", "/api/v1/employers/"+f.uscc+"/enrollments", strings.NewReader(`{"id_number":"123","event":"add","month":"2025-03","monthly_base":"5000.00"}`), true)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"field":"id_number"`) {
			t.Errorf("bad ID by API: %d %s", rec.Code, rec.Body.String())
		}
	})
}

// An employer files an injury determination application online for its worker and gets a
// receipt; a worker files for medical treatment; both see their cases.
func TestOnlineFilingsReachTheBackOffice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		emp := f.h.As(auth.Employer)
		rec := emp.Do("POST", "/portal/apply/GS0202", form("id_number", f.stranger, "materials", "工伤认定申请表", "materials", "劳动关系证明", "materials", "医疗诊断证明或职业病诊断证明"), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "未在本单位参保") {
			t.Errorf("another employer's worker: %d", rec.Code)
		}
		rec = emp.Do("POST", "/portal/apply/GS0202", form("id_number", f.worker, "materials", "工伤认定申请表", "materials", "劳动关系证明", "materials", "医疗诊断证明或职业病诊断证明"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("apply: %d %s", rec.Code, rec.Body.String())
		}
		if r := emp.Do("GET", rec.Header().Get("Location"), nil, false).Body.String(); !strings.Contains(r, "受理回执") || !strings.Contains(r, "审核中") {
			t.Errorf("employer receipt: %s", r)
		}
		if p := emp.Do("GET", "/portal", nil, false).Body.String(); !strings.Contains(p, "工伤认定申请") || !strings.Contains(p, "审核中") {
			t.Error("the portal does not show the case")
		}
		if q := f.h.As(auth.DeterminationOfficer).Do("GET", "/review", nil, false).Body.String(); !strings.Contains(q, "工伤认定申请") {
			t.Error("the application is not in the determination officer's queue")
		}
		wk := f.h.As(auth.Worker)
		rec = wk.Do("POST", "/me/medical", form("materials", "身份证件"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("medical filing: %d %s", rec.Code, rec.Body.String())
		}
		if r := wk.Do("GET", rec.Header().Get("Location"), nil, false).Body.String(); !strings.Contains(r, "已办结") {
			t.Errorf("worker receipt: %s", r)
		}
		if r := wk.Do("GET", "/me", nil, false).Body.String(); !strings.Contains(r, "工伤职工就医备案") || !strings.Contains(r, "工伤认定申请") {
			t.Error("the worker does not see their cases")
		}
	})
}

// The demo seeder links the demo employer and worker accounts and leaves a day of tickets
// whose figures are what the story says: nine waiting, one of them overdue.
func TestDemoSeedsADayOfTicketsAndLinksThePortalAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		if _, err := demo.SeedUsers(ctx, db); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := SeedDemo(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		emp, _ := f.h.S.Auth.UserByName(ctx, "employer")
		wk, _ := f.h.S.Auth.UserByName(ctx, "worker")
		if emp.EmployerUSCC != f.uscc || wk.PersonIDNumber != f.worker {
			t.Errorf("demo accounts linked to %q and %q", emp.EmployerUSCC, wk.PersonIDNumber)
		}
		n := time.Now()
		fig, err := counterstore.Figures(ctx, db, "3415", n.AddDate(0, 0, -60), n.Add(time.Hour), n)
		if err != nil {
			t.Fatal(err)
		}
		if fig.Backlog != 9 || fig.Overdue != 1 || fig.Handled != 33 || fig.OnTime != 33 {
			t.Errorf("demo figures %+v", fig)
		}
	})
}

// The administrator edits an item's limit; a bad limit is named by its field. Internal
// control draws a reproducible sample of the day's immediate items.
func TestCatalogueEditAndSampling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		adm := f.h.As(auth.SysAdmin)
		fields := []string{"name", "就医备案", "class", "immediate", "subject", "person", "materials", "身份证件\n社保卡", "roles", "teller", "online", "1", "active", "1"}
		rec := adm.Do("POST", "/admin/catalogue/GS0402", form(append(fields, "limit_days", "x")...), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "整数个工作日") {
			t.Errorf("bad limit: %d", rec.Code)
		}
		rec = adm.Do("POST", "/admin/catalogue/GS0402", form(append(fields, "limit_days", "2")...), true, "Content-Type", formType)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "已保存") {
			t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
		}
		if b := f.h.As(auth.Teller).Do("GET", "/counter/start/GS0402?subject="+f.worker, nil, false).Body.String(); !strings.Contains(b, "社保卡") {
			t.Error("the teller's form does not follow the catalogue")
		}
		tel := f.h.As(auth.Teller)
		for range 4 {
			tel.Do("POST", "/counter/start/GS0107", form("subject", f.worker, "materials", "身份证件"), true, "Content-Type", formType)
		}
		ctl := f.h.As(auth.RiskInvestigator)
		rec = ctl.Do("POST", "/review/control/sample", form("day", "2025-03-10", "percent", "50", "seed", "7"), true, "Content-Type", formType)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "本次抽中 2 件") {
			t.Errorf("sample: %d", rec.Code)
		}
		if rec := ctl.Do("POST", "/review/control/sample", form("day", "2025-03-10", "percent", "0", "seed", "7"), true, "Content-Type", formType); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a zero share was accepted: %d", rec.Code)
		}
	})
}

// The yearly run proposes a rate for every employer in the region; the proposer cannot
// approve it, another fund officer can, and the employer sees the result with its figures.
func TestFloatingRatesAreProposedForTheRegionAndApprovedByAnother(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		fo := f.h.As(auth.FundOfficer)
		rec := fo.Do("POST", "/rates/float/run", form("year", "2026"), true, "Content-Type", formType)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "已生成 1 份评估方案") {
			t.Fatalf("run: %d %s", rec.Code, rec.Body.String())
		}
		path := "/rates/float/" + f.uscc + "/2026-01-01"
		if rec := fo.Do("POST", path, form("year", "2026", "decision", "approve"), true, "Content-Type", formType); rec.Code != http.StatusConflict {
			t.Errorf("the proposer approved their own proposal: %d", rec.Code)
		}
		ctx := context.Background()
		other, err := f.h.S.Auth.CreateUser(ctx, audit.Actor{Username: "test"}, auth.NewUser{Username: "fund2", DisplayName: "复核人", Password: webtest.Password,
			Roles: []auth.Role{auth.FundOfficer}, Region: "341500"})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := f.h.S.Auth.CreateSession(ctx, other, "127.0.0.1", "zh")
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("POST", path, form("year", "2026", "decision", "approve"))
		req.Header.Set("Content-Type", formType)
		req.AddCookie(&http.Cookie{Name: "wiis_session", Value: tok})
		sess, _ := f.h.S.Auth.Session(ctx, tok)
		req.Header.Set("X-CSRF-Token", sess.CSRF)
		w := httptest.NewRecorder()
		f.h.S.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("approve by another: %d %s", w.Code, w.Body.String())
		}
		if b := f.h.As(auth.Employer).Do("GET", "/portal", nil, false).Body.String(); !strings.Contains(b, "2026-01-01") || !strings.Contains(b, "已批准") {
			t.Error("the employer does not see the approved result")
		}
	})
}

// listsNamePersonsByReference checks the API's lists of persons (security.md: ID numbers
// masked in lists): a search hit and an enrollment list give the number masked and a
// reference, the reference opens the person's audited full record, and a forged reference is
// a plain 404.
func listsNamePersonsByReference(t *testing.T, f *fixture) {
	t.Helper()
	tel := f.h.As(auth.Teller)
	var sr SearchResult
	json.Unmarshal(tel.Do("GET", "/api/v1/search?q="+f.worker, nil, false).Body.Bytes(), &sr)
	if len(sr.Hits) != 1 || sr.Hits[0].Key != privacy.MaskID(f.worker) || sr.Hits[0].Ref == "" || strings.Contains(sr.Hits[0].Ref, f.worker) {
		t.Fatalf("search by ID number: %+v, want one hit masked with a reference", sr.Hits)
	}
	rec := tel.Do("GET", "/api/v1/persons/"+sr.Hits[0].Ref, nil, false)
	var p PersonRecord
	json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != http.StatusOK || p.IDNumber != f.worker {
		t.Errorf("the hit's reference does not open the person: %d %s", rec.Code, rec.Body.String())
	}
	forged := sr.Hits[0].Ref[:len(sr.Hits[0].Ref)-1] + map[bool]string{true: "A", false: "B"}[!strings.HasSuffix(sr.Hits[0].Ref, "A")]
	if rec := tel.Do("GET", "/api/v1/persons/"+forged, nil, false); rec.Code != http.StatusNotFound {
		t.Errorf("a forged reference: %d, want 404", rec.Code)
	}
	var el EnrollmentList
	body := tel.Do("GET", "/api/v1/employers/"+f.uscc+"/enrollments", nil, false).Body.String()
	json.Unmarshal([]byte(body), &el)
	if strings.Contains(body, f.worker) || len(el.Events) == 0 || len(el.Coverage) == 0 {
		t.Fatalf("enrollment list holds a full ID number or is empty: %.300s", body)
	}
	for _, ev := range el.Events {
		if id, ok := f.h.DB.PersonOf(ev.PersonRef); !ok || privacy.MaskID(id) != ev.IDNumber {
			t.Errorf("event %+v: person_ref does not name the masked person", ev)
		}
	}
}
