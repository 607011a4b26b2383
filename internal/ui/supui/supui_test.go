package supui_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/idcode"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/ui/supui"
	"wiis/internal/web"
	"wiis/internal/web/webtest"
)

var ctx = context.Background()

// city is a tiny stand-in for the demo city: employers in two districts with workers.
func city(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.Exec(ctx, `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES ('E1', '金安建筑公司', '341502', 'E47', 'active'),
		('E2', '裕安服装厂', '341503', 'C18', 'active'), ('E3', '霍邱矿业', '341522', 'B06', 'active')`); err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"E1", "E1", "E2", "E2", "E3", "E3"} {
		id := idcode.GenerateID(time.Date(1980+i, 3, 1, 0, 0, 0, 0, time.UTC), "341502", i+1, idcode.Male)
		if _, err := db.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, id, fmt.Sprintf("职工%d", i+1)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES (?, ?, 'add', '2025-01', '2025-01-02', 500000)`, id, u); err != nil {
			t.Fatal(err)
		}
	}
}

func seeded(t *testing.T, db *store.DB) *webtest.Harness {
	t.Helper()
	supui.DemoNow = func() time.Time { return time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC) }
	h := webtest.New(t, db)
	city(t, db)
	for range 2 { // idempotent: the second run adds nothing
		if _, err := supui.SeedDemo(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	for table, want := range map[string]int{"inspection_referrals": 4, "case_conferences": 2, "institution_assessments": 2, "archive_documents": 12} {
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
		if n != want {
			t.Errorf("demo %s: %d rows, want %d", table, n, want)
		}
	}
	return h
}

func TestDemoPagesRenderForTheirRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := seeded(t, db)
		for _, c := range []struct {
			role auth.Role
			path string
			want []string
		}{
			{auth.DeterminationOfficer, "/supervise/referrals", []string{"劳动监察移送", "已逾期", "已办结", "新建移送"}},
			{auth.DeterminationOfficer, "/supervise/referrals?overdue=1", []string{"已逾期"}},
			{auth.RiskInvestigator, "/supervise/inspectorate", []string{"劳动监察工作台", "导入处理结果", "已逾期"}},
			{auth.DeterminationOfficer, "/supervise/referrals/3", []string{"移送后新增参保 1 人", "责令参保补缴", "办结"}},
			{auth.Auditor, "/supervise/referrals/1", []string{"已移送"}},
			{auth.FundOfficer, "/supervise/targets?year=2026", []string{"区县排名", "金安区", "参保人数", "<svg", "下达目标"}},
			{auth.Auditor, "/supervise/targets?year=2026", []string{"区县排名"}},
			{auth.FundOfficer, "/supervise/targets/report?year=2026&district=341503", []string{"裕安区 2026 年度目标任务考核报告"}},
			{auth.MedicalAuditor, "/supervise/institutions?year=2025", []string{"六安市人民医院", "待复核", "计算考核"}},
			{auth.MedicalAuditor, "/supervise/assessments/2", []string{"属实投诉", "复核通过并执行"}},
			{auth.DeterminationOfficer, "/supervise/conferences", []string{"重大疑难案件会商", "已形成结论", "已会商"}},
			{auth.DeterminationOfficer, "/supervise/conferences/1", []string{"合理路线", "形成集体结论", "认定工伤（4）"}},
			{auth.DeterminationOfficer, "/supervise/conferences/2", []string{"已记入认定案件调查记录"}},
			{auth.DeterminationOfficer, "/archive", []string{"电子档案", "工伤认定申请表（扫描件）", "归档已签发文书"}},
			{auth.Auditor, "/archive/retention?verify=1", []string{"工伤认定档案", "2076", "全部 12 份文书完整"}},
			{auth.DeterminationOfficer, "/archive/1", []string{"SHA-256", "2076-05-16", "期满前不得销毁"}},
		} {
			rec := h.As(c.role).Do("GET", c.path, nil, false)
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
		if rec := h.As(auth.Auditor).Do("GET", "/supervise/referrals", nil, false); strings.Contains(rec.Body.String(), "新建移送") {
			t.Error("the auditor is offered the referral form")
		}
		if rec := h.As(auth.FundOfficer).Do("GET", "/supervise/targets/xlsx?year=2026", nil, false); rec.Code != 200 || !bytes.HasPrefix(rec.Body.Bytes(), []byte("PK")) {
			t.Errorf("xlsx: %d", rec.Code)
		}
		if rec := h.As(auth.FundOfficer).Do("GET", "/api/v1/targets/evaluation?year=2026", nil, false); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"districts"`) {
			t.Errorf("evaluation API: %d %s", rec.Code, rec.Body.String())
		}
	})
}

func form(kv ...string) *strings.Reader {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode())
}

const formType = "application/x-www-form-urlencoded"

func TestWorkflowsThroughTheForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := seeded(t, db)
		officer, inspector := h.As(auth.DeterminationOfficer), h.As(auth.RiskInvestigator)
		// A referral needs facts; the form says so next to the field.
		rec := officer.Do("POST", "/supervise/referrals", form("source_kind", "determination", "source_id", "5", "inspectorate", "监察", "on", "2026-06-15"), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "必填") {
			t.Fatalf("referral without facts: %d", rec.Code)
		}
		// The officer cannot take the inspectorate's step.
		rec = officer.Do("POST", "/supervise/referrals/1/act", form("action", "receive", "version", "1", "on", "2026-06-15"), true, "Content-Type", formType)
		if rec.Code != http.StatusForbidden {
			t.Errorf("officer receiving: %d", rec.Code)
		}
		rec = inspector.Do("POST", "/supervise/referrals/1/act", form("action", "receive", "version", "1", "on", "2026-06-15"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Errorf("inspector receiving: %d %s", rec.Code, rec.Body.String())
		}
		// Results arrive as a CSV file.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "results.csv")
		fw.Write([]byte("referral_no,result_on,outcome,result\nYS34150220260002,2026-06-15,penalised,罚款五千元\nNOPE,2026-06-15,penalised,x\n"))
		mw.Close()
		rec = inspector.Do("POST", "/supervise/inspectorate/import", &buf, true, "Content-Type", mw.FormDataContentType())
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "记录不存在") {
			t.Errorf("import: %d", rec.Code)
		}
		// Four-eyes on the institution assessment: the harness auditor is not the proposer.
		rec = h.As(auth.MedicalAuditor).Do("POST", "/supervise/assessments/1/decide", form("version", "1", "decision", "approve"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Errorf("second auditor approving: %d %s", rec.Code, rec.Body.String())
		}
		// Archive: upload, read (logged), early disposal refused.
		buf.Reset()
		mw = multipart.NewWriter(&buf)
		for k, v := range map[string]string{"entity": "determination", "case_id": "1", "category": "determination", "title": "现场照片", "source": "upload", "on": "2026-06-15"} {
			mw.WriteField(k, v)
		}
		fw, _ = mw.CreateFormFile("file", "photo.jpg")
		fw.Write([]byte("JPEG bytes"))
		mw.Close()
		rec = officer.Do("POST", "/archive", &buf, true, "Content-Type", mw.FormDataContentType())
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
		}
		loc := rec.Header().Get("Location")
		if rec = h.As(auth.Auditor).Do("GET", loc+"/content?purpose=审计抽查", nil, false); rec.Code != 200 || rec.Body.String() != "JPEG bytes" {
			t.Errorf("read: %d", rec.Code)
		}
		if rec = officer.Do("GET", loc, nil, false); !strings.Contains(rec.Body.String(), "审计抽查") {
			t.Error("the read is not in the document's read log")
		}
		if rec = officer.Do("POST", loc+"/dispose", nil, true); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "期满前不得销毁") {
			t.Errorf("early disposal: %d", rec.Code)
		}
		// A worker's conferences and documents show on the teller's person page.
		var worker string
		db.QueryRow(ctx, `SELECT worker_id FROM case_conferences ORDER BY id LIMIT 1`).Scan(&worker)
		if rec = h.As(auth.Teller).Do("GET", "/counter/persons/"+worker, nil, false); rec.Code == 200 && !strings.Contains(rec.Body.String(), "案件会商") {
			t.Error("no conference panel on the person page")
		}
	})
}

var tKey = regexp.MustCompile(`\{\{t "([a-z_.]+)"`)

func TestEveryMessageKeyOfTheSupervisionPagesExistsInBothLanguages(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	webtest.New(t, db)
	fs.WalkDir(supui.Templates(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(supui.Templates(), p)
		for _, m := range tKey.FindAllStringSubmatch(string(b), -1) {
			if !web.HasMessage(m[1]) {
				t.Errorf("%s: message %s missing", p, m[1])
			}
		}
		return nil
	})
}

// TestListsMaskIDNumbers checks security.md's masking on supervision's lists: a conference
// page (which the masking walk lists, like the conference list) names its worker by the
// masked number, and any ID number typed into a conference's question or a referral's facts
// is masked on the conference pages and in the referral list answer, while the referral's
// own page shows what was typed.
func TestListsMaskIDNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := seeded(t, db)
		var worker string
		if err := db.QueryRow(ctx, `SELECT worker_id FROM case_conferences WHERE id = 1`).Scan(&worker); err != nil {
			t.Fatal(err)
		}
		quoted := idcode.GenerateID(time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC), "341502", 9, idcode.Female)
		if _, err := db.Exec(ctx, `UPDATE case_conferences SET question = ? WHERE id = 1`, "职工（"+quoted+"）是否构成工伤"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE inspection_referrals SET facts = ? WHERE id = 1`, "未参保职工"+quoted); err != nil {
			t.Fatal(err)
		}
		officer := h.As(auth.DeterminationOfficer)
		for _, c := range []struct{ path, want string }{
			{"/supervise/conferences/1", privacy.MaskID(worker)},
			{"/supervise/conferences", "职工（" + privacy.MaskID(quoted) + "）"},
			{"/api/v1/referrals", "未参保职工" + privacy.MaskID(quoted)},
		} {
			body := officer.Do("GET", c.path, nil, false).Body.String()
			if !strings.Contains(body, c.want) {
				t.Errorf("GET %s: no %q", c.path, c.want)
			}
			if strings.Contains(body, worker) || strings.Contains(body, quoted) {
				t.Errorf("GET %s: a whole ID number", c.path)
			}
		}
		if body := officer.Do("GET", "/supervise/referrals/1", nil, false).Body.String(); !strings.Contains(body, "未参保职工"+quoted) {
			t.Error("the referral's own page does not show its facts as typed")
		}
	})
}
