package certui

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// fixture: two beneficiaries in Lu'an (341502, inside the harness users' scope) and one in
// Hefei (340102, outside), with certification on in both cities from 2023-08-01.
type fixture struct {
	h                    *webtest.Harness
	svc                  *payrollsvc.Service
	lu, lu2, hefei, dead string
}

var (
	idLu    = idcode.GenerateID(time.Date(1970, 3, 3, 0, 0, 0, 0, time.UTC), "341502", 21, idcode.Male)
	idLu2   = idcode.GenerateID(time.Date(1965, 4, 4, 0, 0, 0, 0, time.UTC), "341502", 22, idcode.Female)
	idDead  = idcode.GenerateID(time.Date(1950, 5, 5, 0, 0, 0, 0, time.UTC), "341502", 23, idcode.Male)
	idHefei = idcode.GenerateID(time.Date(1972, 6, 6, 0, 0, 0, 0, time.UTC), "340102", 24, idcode.Female)
)

func setAt(t *testing.T, day string) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	clock = func() time.Time { return d.Add(2 * time.Hour) }
	t.Cleanup(func() { clock = time.Now })
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	setAt(t, "2024-10-15")
	f := &fixture{h: webtest.New(t, db), lu: idLu, lu2: idLu2, hefei: idHefei, dead: idDead}
	ben := func(id, name, item, amount, region string) {
		var grade any
		if item == payroll.DisabilityAllowance {
			grade = 5
		}
		if _, err := db.Exec(ctx, `INSERT INTO beneficiaries (id_number, name, item, grade, monthly_amount, start_month, bank_account, worker_id_number)
			VALUES (?, ?, ?, ?, ?, '2022-06', ?, ?)`, id, name, item, grade, int64(money.MustParse(amount)), "6217"+id[14:], id); err != nil {
			t.Fatal(err)
		}
		s := payrollsvc.New(db)
		s.Region = region
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, _, err := s.SyncEntitlements(ctx, tx); return err }); err != nil {
			t.Fatal(err)
		}
	}
	ben(idLu, "周建华", payroll.DisabilityAllowance, "3000.00", "341502")
	ben(idLu2, "吴秀兰", payroll.DisabilityAllowance, "2500.00", "341502")
	ben(idDead, "郑国强", payroll.DisabilityAllowance, "2000.00", "341502")
	ben(idHefei, "孙丽", payroll.DisabilityAllowance, "2800.00", "340102")
	for _, region := range []string{"341500", "340100"} {
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return payrollsvc.PutCertificationPolicy(ctx, tx, region, "2023-08-01",
				payroll.CertificationPolicy{GraceMonths: 3, Cycle: payroll.CycleAnniversary}, "test", "setup")
		}); err != nil {
			t.Fatal(err)
		}
	}
	f.svc = payrollsvc.New(db)
	f.svc.Now = func() time.Time { return clock() }
	// Lu2 certified by data comparison in June 2024; the others never: due 2024-08-01.
	if _, _, err := f.svc.Certify(ctx, payrollsvc.Certification{IDNumber: idLu2, CertifiedOn: "2024-06-20", Channel: payroll.ChannelDataComparison,
		Evidence: "医保结算 #4411", RecordedBy: "import"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE users SET person_id_number = ? WHERE username = 'h_worker'`, idLu); err != nil {
		t.Fatal(err)
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

func run(t *testing.T, s *payrollsvc.Service, month string) {
	t.Helper()
	if _, err := s.Run(context.Background(), payroll.MustMonth(month), "payroll-clerk"); err != nil {
		t.Fatal(err)
	}
}

func TestCertificationPagesRenderForTheirRolesWithinTheirRegion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		for _, c := range []struct {
			role auth.Role
			path string
			want []string
		}{
			{auth.Teller, "/cert", []string{"待遇资格认证工作台", "周建华", privacy.MaskID(idLu), "吴秀兰", "已到期（宽限期内）"}},
			{auth.Teller, "/cert?status=current", []string{"吴秀兰", "数据比对"}},
			{auth.Teller, "/cert?office=341502&q=周", []string{"周建华"}},
			{auth.Teller, "/cert/persons/" + idLu, []string{idLu, "2024-08-01", "确认认证", "上门认证"}},
			{auth.Teller, "/cert/persons/" + db.PersonRef(idLu), []string{idLu, "2024-08-01", `action="/cert/persons/` + db.PersonRef(idLu) + `"`}},
			{auth.Teller, "/cert/persons/" + strings.ToLower(idLu), []string{idLu, "2024-08-01"}},
			{auth.Teller, "/cert/persons/" + idLu2, []string{"医保结算 #4411", "2025-06-20"}},
			{auth.BenefitsReviewer, "/cert", []string{"周建华"}},
			{auth.BenefitsReviewer, "/cert/persons/" + idLu, []string{"认证记录"}},
			{auth.BenefitsReviewer, "/cert/persons/" + db.PersonRef(idLu2), []string{"认证记录", "医保结算 #4411"}},
			{auth.PaymentOfficer, "/cert/withheld", []string{"暂停发放名单"}},
			{auth.PaymentOfficer, "/overpayments", []string{"多发待遇追回"}},
			{auth.Worker, "/me/certify", []string{"待遇资格自助认证", "周建华", "capture=\"user\""}},
			{auth.Teller, "/cert?lang=en", []string{"Certification work list", "Due (in grace)"}},
		} {
			rec := f.h.As(c.role).Do("GET", c.path, nil, false)
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
		// The reviewer reads but does not certify.
		if strings.Contains(f.h.As(auth.BenefitsReviewer).Do("GET", "/cert/persons/"+idLu, nil, false).Body.String(), `id="cert-form"`) {
			t.Error("the benefits reviewer is offered the certification form")
		}
		// Region scope: Hefei's beneficiary is neither listed nor reachable from Lu'an.
		tel := f.h.As(auth.Teller)
		if strings.Contains(tel.Do("GET", "/cert", nil, false).Body.String(), "孙丽") {
			t.Error("a Lu'an teller sees a Hefei beneficiary")
		}
		if rec := tel.Do("GET", "/cert/persons/"+idHefei, nil, false); rec.Code != http.StatusNotFound {
			t.Errorf("Hefei beneficiary page: %d", rec.Code)
		}
		if rec := tel.Do("POST", "/cert/persons/"+idHefei, form("channel", "counter", "evidence", "x"), true, "Content-Type", formType); rec.Code != http.StatusNotFound {
			t.Errorf("certifying outside the scope: %d", rec.Code)
		}
		// The list names and links each person by reference, never by the whole number
		// (security.md: ID numbers are masked in lists).
		list := tel.Do("GET", "/cert", nil, false).Body.String()
		ref := db.PersonRef(idLu)
		if !strings.Contains(list, `href="/cert/persons/`+ref+`" id="row-`+ref+`"`) {
			t.Errorf("no link by reference to %s in the list:\n%s", ref, list)
		}
		if found := wholeIDs(list); len(found) > 0 {
			t.Errorf("the list holds whole ID numbers: %q", found)
		}
		if found := wholeIDs(tel.Do("GET", "/cert/notices", nil, false).Body.String()); len(found) > 0 {
			t.Errorf("the notices hold whole ID numbers: %q", found)
		}
		// Notices: the due-soon beneficiaries get a letter each (Lu2 is due 2025-06-20: on
		// 2025-06-01 she is due soon).
		setAt(t, "2025-06-01")
		notes := tel.Do("GET", "/cert/notices", nil, false).Body.String()
		if !strings.Contains(notes, "吴秀兰") || strings.Count(notes, `class="letter"`) != 1 || !strings.Contains(notes, "2025-06-20") {
			t.Errorf("notices:\n%s", notes)
		}
	})
}

// wholeIDs returns the whole ID numbers standing in body.
func wholeIDs(body string) []string {
	var out []string
	for i := 0; i+18 <= len(body); i++ {
		if idcode.IDAt(body, i) {
			out = append(out, body[i:i+18])
			i += 17
		}
	}
	return out
}

// A teller searching the work list for a whole ID number is answered at the address of the
// person's reference, which shows the one person and the number masked in the search box;
// searching for that masked number finds them again, and so do a name and part of a number.
func TestWorkListSearchByIDNumberKeepsTheNumberOutOfThePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		tel := f.h.As(auth.Teller)
		ref := db.PersonRef(idLu)
		for _, typed := range []string{idLu, strings.ToLower(idLu)} {
			rec := tel.Do("GET", "/cert?status=&q="+typed, nil, false)
			loc := rec.Header().Get("Location")
			if rec.Code != http.StatusSeeOther || strings.Contains(loc, idLu) || !strings.Contains(loc, "q="+url.QueryEscape(ref)) {
				t.Fatalf("search for %s: %d to %q", typed, rec.Code, loc)
			}
			body := tel.Do("GET", loc, nil, false).Body.String()
			if !strings.Contains(body, `id="row-`+ref+`"`) || strings.Contains(body, "吴秀兰") ||
				!strings.Contains(body, `value="`+privacy.MaskID(idLu)+`"`) {
				t.Errorf("search for %s:\n%s", typed, body)
			}
			if found := wholeIDs(body); len(found) > 0 {
				t.Errorf("search for %s: whole ID numbers in the page: %q", typed, found)
			}
		}
		for _, q := range []string{privacy.MaskID(idLu), "周建", idLu[len(idLu)-6:]} {
			body := tel.Do("GET", "/cert?q="+url.QueryEscape(q), nil, false).Body.String()
			if !strings.Contains(body, `id="row-`+ref+`"`) || strings.Contains(body, "吴秀兰") {
				t.Errorf("search for %s:\n%s", q, body)
			}
		}
		// A person out of the caller's scope is not found by their reference either.
		if body := tel.Do("GET", "/cert?q="+url.QueryEscape(db.PersonRef(idHefei)), nil, false).Body.String(); strings.Contains(body, "孙丽") {
			t.Error("a Lu'an teller finds a Hefei beneficiary by reference")
		}
	})
}

var liftedRE = regexp.MustCompile(`lifted=(\d+)`)

// A teller certifies an overdue beneficiary at the counter: the suspension is lifted and the
// next run pays the suspended months back (payroll.md), through the page.
func TestCounterCertificationLiftsTheSuspensionAndTheNextRunPaysBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		for _, m := range []string{"2024-10", "2024-11", "2024-12"} {
			run(t, f.svc, m)
		}
		tel := f.h.As(auth.Teller)
		setAt(t, "2024-12-20")
		withheld := tel.Do("GET", "/cert/withheld?month=2024-12", nil, false).Body.String()
		ref := db.PersonRef(idLu)
		if !strings.Contains(withheld, "周建华") || !strings.Contains(withheld, "未按期认证") || !strings.Contains(withheld, `href="/cert/persons/`+ref+`"`) {
			t.Fatalf("withheld in December:\n%s", withheld)
		}
		if found := wholeIDs(withheld); len(found) > 0 {
			t.Errorf("the withheld lines hold whole ID numbers: %q", found)
		}
		if !strings.Contains(tel.Do("GET", "/cert?status=overdue", nil, false).Body.String(), "已暂停发放") {
			t.Error("the overdue list does not show the suspension")
		}
		setAt(t, "2025-01-10")
		// Evidence missing: the form comes back with the reason next to the field.
		rec := tel.Do("POST", "/cert/persons/"+idLu, form("channel", "counter", "certified_on", "2025-01-10"), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "请填写认证依据") {
			t.Fatalf("no evidence: %d\n%s", rec.Code, rec.Body.String())
		}
		rec = tel.Do("POST", "/cert/persons/"+ref, form("channel", "counter", "evidence", "核验居民身份证原件，本人到场", "certified_on", "2025-01-10"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("certify: %d\n%s", rec.Code, rec.Body.String())
		}
		if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/cert/persons/"+ref+"?") {
			t.Errorf("after certifying, to %s: want the reference's address", loc)
		}
		if m := liftedRE.FindStringSubmatch(rec.Header().Get("Location")); m == nil || m[1] != "1" {
			t.Fatalf("lifted: %s", rec.Header().Get("Location"))
		}
		page := tel.Do("GET", rec.Header().Get("Location"), nil, false).Body.String()
		if !strings.Contains(page, "已记录认证") || !strings.Contains(page, "核验居民身份证原件") || !strings.Contains(page, "h_teller") || strings.Contains(page, `id="cert-suspended"`) {
			t.Errorf("after certifying:\n%s", page)
		}
		// The person-page panel shows the position and the last certification; its link
		// carries the reference once the page has passed it through Server.RefLinks.
		tbl, err := certPanel(ctx, db, idLu)
		if err != nil || len(tbl.Rows) != 1 || tbl.Rows[0][0].Text != "ce.status.current" || tbl.Rows[0][3].Text != "2025-01-10" ||
			tbl.Rows[0][4].Text != "ce.channel.counter" || tbl.Rows[0][6].Text != "ce.no" || privacy.ReplaceIDs(tbl.Rows[0][0].Href, db.PersonRef) != "/cert/persons/"+ref {
			t.Errorf("panel: %+v %v", tbl, err)
		}
		if tbl, _ := certPanel(ctx, db, "110101199001011234"); len(tbl.Rows) != 0 {
			t.Errorf("panel of a non-beneficiary: %+v", tbl)
		}
		run(t, f.svc, "2025-01")
		var back, cur int64
		if err := db.QueryRow(ctx, `SELECT amount FROM payments WHERE id_number = ? AND item = ? AND month = '2025-01'`,
			idLu, payroll.DisabilityAllowance+payroll.BackPaySuffix).Scan(&back); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT amount FROM payments WHERE id_number = ? AND item = ? AND month = '2025-01'`,
			idLu, payroll.DisabilityAllowance).Scan(&cur); err != nil {
			t.Fatal(err)
		}
		if back != int64(money.MustParse("6000.00")) || cur != int64(money.MustParse("3000.00")) {
			t.Errorf("January: back pay %d, month %d", back, cur)
		}
		if w := tel.Do("GET", "/cert/withheld?month=2025-01", nil, false).Body.String(); strings.Contains(w, "周建华") {
			t.Error("still withheld after certifying")
		}
	})
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)
var woRE = regexp.MustCompile(`action="/writeoffs/(\d+)"`)

// A late-recorded death makes a receivable; the payment officer demands it from the estate,
// records a repayment and proposes a write-off that only another person may approve.
func TestOverpaymentDemandRepaymentAndFourEyesWriteOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		for _, m := range []string{"2024-05", "2024-06", "2024-07"} {
			if _, err := db.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account) VALUES (?, ?, ?, 200000, '1')`, idDead, payroll.DisabilityAllowance, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `INSERT INTO deaths (id_number, death_date) VALUES (?, '2024-04-20')`, idDead); err != nil {
			t.Fatal(err)
		}
		if a, err := f.svc.DetectOverpayments(ctx, "system"); err != nil || a != money.MustParse("6000.00") {
			t.Fatalf("detected %s, %v", a, err)
		}
		rec, err := f.svc.GetReceivable(ctx, idDead)
		if err != nil {
			t.Fatal(err)
		}
		po := f.h.As(auth.PaymentOfficer)
		base := "/overpayments/" + itoa(rec.ID)
		list := po.Do("GET", "/overpayments", nil, false).Body.String()
		if !strings.Contains(list, "郑国强") || !strings.Contains(list, "6,000.00") || !strings.Contains(list, `id="op-`+db.PersonRef(idDead)+`"`) {
			t.Fatalf("list:\n%s", list)
		}
		if found := wholeIDs(list); len(found) > 0 {
			t.Errorf("the receivables hold whole ID numbers: %q", found)
		}
		version := func() string {
			m := versionRE.FindStringSubmatch(po.Do("GET", base, nil, false).Body.String())
			if m == nil {
				t.Fatal("no form on the receivable page")
			}
			return m[1]
		}
		r := po.Do("POST", base+"/demand", form("version", version(), "name", "郑小明", "due_on", "2024-11-30"), true, "Content-Type", formType)
		if r.Code != http.StatusSeeOther {
			t.Fatalf("demand: %d\n%s", r.Code, r.Body.String())
		}
		letter := po.Do("GET", r.Header().Get("Location"), nil, false).Body.String()
		for _, w := range []string{"追回通知书", "郑小明", "遗产管理人或继承人", "6,000.00", "2024-11-30", "死亡后发放", "2024-07"} {
			if !strings.Contains(letter, w) {
				t.Errorf("letter: no %q", w)
			}
		}
		// A stale form is refused with the conflict message.
		r = po.Do("POST", base+"/repayment", form("version", "1", "amount", "1000.00", "date", "2024-10-20", "ref", "B1"), true, "Content-Type", formType)
		if r.Code != http.StatusConflict || !strings.Contains(r.Body.String(), "已被他人更改") {
			t.Fatalf("stale repayment: %d", r.Code)
		}
		r = po.Do("POST", base+"/repayment", form("version", version(), "amount", "1000.00", "date", "2024-10-20", "ref", "B1"), true, "Content-Type", formType)
		if r.Code != http.StatusSeeOther {
			t.Fatalf("repayment: %d\n%s", r.Code, r.Body.String())
		}
		r = po.Do("POST", base+"/writeoff", form("version", version(), "wo_amount", "9000.00", "reason", "遗产不足"), true, "Content-Type", formType)
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "不超过尚欠金额") {
			t.Fatalf("write-off above the balance: %d", r.Code)
		}
		r = po.Do("POST", base+"/writeoff", form("version", version(), "wo_amount", "5000.00", "reason", "遗产不足以清偿"), true, "Content-Type", formType)
		if r.Code != http.StatusSeeOther {
			t.Fatalf("propose: %d\n%s", r.Code, r.Body.String())
		}
		// The proposer is not offered the decision, and is refused when trying anyway.
		page := po.Do("GET", base, nil, false).Body.String()
		if woRE.MatchString(page) {
			t.Error("the proposer is offered the approval")
		}
		wos, _ := f.svc.WriteOffs(ctx, rec.ID)
		woPath := "/writeoffs/" + itoa(wos[0].ID)
		r = po.Do("POST", woPath, form("receivable", itoa(rec.ID), "version", "1", "decision", "approve"), true, "Content-Type", formType)
		if r.Code != http.StatusForbidden || !strings.Contains(r.Body.String(), "另一人审批") {
			t.Fatalf("proposer approving: %d", r.Code)
		}
		rv := f.h.As(auth.BenefitsReviewer)
		rvPage := rv.Do("GET", base, nil, false).Body.String()
		if !woRE.MatchString(rvPage) || strings.Contains(rvPage, `id="demand-form"`) {
			t.Fatal("the reviewer should be offered the decision and no payment-officer form")
		}
		r = rv.Do("POST", woPath, form("receivable", itoa(rec.ID), "version", "7", "decision", "approve"), true, "Content-Type", formType)
		if r.Code != http.StatusConflict || !strings.Contains(r.Body.String(), "已被他人更改") {
			t.Fatalf("stale decision: %d", r.Code)
		}
		r = rv.Do("POST", woPath, form("receivable", itoa(rec.ID), "version", "1", "decision", "approve"), true, "Content-Type", formType)
		if r.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", r.Code, r.Body.String())
		}
		got, _ := f.svc.GetReceivable(ctx, idDead)
		if got.Balance != 0 || got.Recovered != money.MustParse("1000.00") || got.WrittenOff != money.MustParse("5000.00") {
			t.Errorf("after: %+v", got)
		}
		if r := rv.Do("POST", woPath, form("receivable", itoa(rec.ID), "version", "1", "decision", "approve"), true, "Content-Type", formType); r.Code != http.StatusConflict {
			t.Errorf("deciding twice: %d", r.Code)
		}
		// Outside the region: a Hefei payment officer does not see it.
		if _, err := db.Exec(ctx, `UPDATE users SET region = '340100' WHERE username = 'h_payment_officer'`); err != nil {
			t.Fatal(err)
		}
		if r := f.h.As(auth.PaymentOfficer).Do("GET", base, nil, false); r.Code != http.StatusNotFound {
			t.Errorf("out of scope receivable: %d", r.Code)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The worker self-certifies with a photo through the identity service (the stand-in).
func TestWorkerSelfCertifiesWithAPhoto(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		w := f.h.As(auth.Worker)
		post := func(data []byte, ctype string) *bytesRecorder {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("csrf", w.CSRF)
			mw.WriteField("device", "phone")
			if data != nil {
				hdr := textproto.MIMEHeader{}
				hdr.Set("Content-Disposition", `form-data; name="media"; filename="me.jpg"`)
				hdr.Set("Content-Type", ctype)
				p, _ := mw.CreatePart(hdr)
				p.Write(data)
			}
			mw.Close()
			r := w.Do("POST", "/me/certify", &b, true, "Content-Type", mw.FormDataContentType())
			return &bytesRecorder{r.Code, r.Body.String()}
		}
		if r := post(nil, ""); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请拍摄或选择一张照片") {
			t.Fatalf("no picture: %d", r.code)
		}
		if r := post([]byte("MZ"), "application/x-msdownload"); r.code != http.StatusUnprocessableEntity {
			t.Fatalf("not a picture: %d", r.code)
		}
		r := post([]byte("\xff\xd8\xff\xe0 a face"), "image/jpeg")
		if r.code != http.StatusOK || !strings.Contains(r.body, "认证成功") || !strings.Contains(r.body, "stand-in match ref") {
			t.Fatalf("self-certify: %d\n%s", r.code, r.body)
		}
		hist, _ := f.svc.Certifications(context.Background(), idLu)
		if len(hist) != 1 || hist[0].Channel != payroll.ChannelSelfService || hist[0].RecordedBy != "self:"+idLu {
			t.Errorf("recorded: %+v", hist)
		}
	})
}

type bytesRecorder struct {
	code int
	body string
}
