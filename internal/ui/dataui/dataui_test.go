package dataui

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

func upload(t *testing.T, c *webtest.Client, files map[string][]byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, data := range files {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return c.Do("POST", "/data/import", &body, true, "Content-Type", mw.FormDataContentType()).Result()
}

func TestExportIsScopedAuditedAndReimportsUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := webtest.New(t, db)
		svc := &enroll.Service{DB: db}
		for i, reg := range []string{"341502", "341503", "340102"} {
			e := enroll.Employer{USCC: idcode.GenerateUSCC('9', '1', reg, 11000000+i), Name: "测试单位" + reg + "有限公司", Region: reg, IndustryCode: "4710", Status: "active", RegisteredOn: "2020-01-01"}
			if err := svc.RegisterEmployer(ctx, audit.Actor{Username: "setup"}, e); err != nil {
				t.Fatal(err)
			}
		}
		admin := h.As(auth.SysAdmin)
		for _, format := range []string{"csv", "xlsx"} {
			rec := admin.Do("GET", "/data/export/employers?format="+format, nil, false)
			if rec.Code != http.StatusOK || rec.Header().Get("X-Wiis-Rows") != "2" {
				t.Fatalf("export %s: %d rows %q", format, rec.Code, rec.Header().Get("X-Wiis-Rows"))
			}
			res := upload(t, admin, map[string][]byte{"employers." + format: rec.Body.Bytes()})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d", res.StatusCode)
			}
			page := admin.Do("GET", res.Header.Get("Location"), nil, false).Body.String()
			if !strings.Contains(page, `id="outcome" class="">全部导入`) || !regexp.MustCompile(`<td class="num">2</td><td class="num">0</td><td class="num">0</td><td class="num">2</td><td class="num">0</td>`).MatchString(page) {
				t.Errorf("re-import of the %s export is not all unchanged:\n%s", format, page)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'data.export' AND after_json LIKE '%"rows":2%'`).Scan(&n); err != nil || n != 2 {
			t.Errorf("audited exports with row counts: %d %v", n, err)
		}
		if rec := h.As(auth.Teller).Do("GET", "/data/export/employers", nil, false); rec.Code != http.StatusForbidden {
			t.Errorf("teller export: %d", rec.Code)
		}
	})
}

func TestUploadedFileWithABadRowShowsItsReportLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := webtest.New(t, db)
		admin := h.As(auth.SysAdmin)
		good := idcode.GenerateID(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), "341502", 1, idcode.Male)
		csv := "id_number,name\n" + good + ",张三\n341502198001010000,李四\n"
		res := upload(t, admin, map[string][]byte{"persons.csv": []byte(csv), "notes.txt": []byte("x")})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", res.StatusCode)
		}
		loc := res.Header.Get("Location")
		page := admin.Do("GET", loc, nil, false).Body.String()
		if !strings.Contains(page, "persons.csv:3: id_number: ") || !strings.Contains(page, "部分行被拒绝") || !strings.Contains(page, "notes.txt") {
			t.Errorf("report page:\n%s", page)
		}
		rep := admin.Do("GET", loc+"/report", nil, false)
		if !strings.HasPrefix(rep.Body.String(), "persons.csv:3: id_number: ") {
			t.Errorf("downloaded report: %q", rep.Body.String())
		}
		var name string
		if err := db.QueryRow(context.Background(), `SELECT name FROM persons WHERE id_number = ?`, good).Scan(&name); err != nil || name != "张三" {
			t.Errorf("the valid neighbour was not kept: %q %v", name, err)
		}
		if res := upload(t, admin, nil); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("empty upload: %d", res.StatusCode)
		}
	})
}
