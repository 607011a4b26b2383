package riskui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"wiis/internal/auth"
	"wiis/internal/coverage"
	"wiis/internal/privacy"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// Valid ID numbers (their check characters are right), so the lists' masking is tested.
const (
	deadID = "341502195001011230"
	firm   = "91341500MA2TEST01X"
	taxID  = "341502199001011116"
)

// seed stores an R03 and an R07 alert as a scan would, with the registry row R07 names.
func seed(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Exec(ctx, `INSERT INTO market_registry (uscc, name, region, status) VALUES (?, '六安测试商贸有限公司', '341502', 'active')`, firm); err != nil {
		t.Fatal(err)
	}
	alerts := []risk.Alert{
		{Rule: "R03", Subject: deadID, Detail: "2024-03 死亡，2024-05 仍领待遇", Evidence: []risk.Evidence{
			{Table: "deaths", Row: map[string]string{"id_number": deadID, "death_date": "2024-03-10"}},
			{Table: "payments", Row: map[string]string{"id_number": deadID, "month": "2024-05", "item": "disability_allowance"}}}},
		{Rule: "R07", Subject: firm, Detail: "2024-05 代扣 " + taxID + " 个人所得税但未为其参保", Evidence: []risk.Evidence{
			{Table: "tax_withholding", Row: map[string]string{"uscc": firm, "id_number": taxID, "month": "2024-05"}},
			{Table: "tax_withholding", Row: map[string]string{"uscc": firm, "id_number": taxID, "month": "2024-06"}}}},
	}
	m, _ := coverage.ParseMonth("2024-06")
	if _, err := riskstore.Save(ctx, db, m, alerts, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func form(kv ...string) io.Reader {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode())
}

const formType = "application/x-www-form-urlencoded"

func alertID(t *testing.T, db *store.DB, rule string) (int64, int64) {
	t.Helper()
	var id, v int64
	if err := db.QueryRow(context.Background(), `SELECT id, version FROM risk_alerts WHERE rule = ?`, rule).Scan(&id, &v); err != nil {
		t.Fatal(err)
	}
	return id, v
}

// TestInvestigatorWorksAnAlertToItsCloseAndEveryStepIsAudited is the workflow end to end in
// handler tests: list, alert page with evidence, assign, investigate, note, attach, close
// as a false alarm; a stale version is a conflict; other roles are refused.
func TestInvestigatorWorksAnAlertToItsCloseAndEveryStepIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := webtest.New(t, db)
		seed(t, db)
		inv := h.As(auth.RiskInvestigator)
		rec := inv.Do("GET", "/risk", nil, false)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "R03") || strings.Contains(rec.Body.String(), deadID) {
			t.Fatalf("list: %d (the ID number must be masked)\n%s", rec.Code, rec.Body)
		}
		if rec := inv.Do("GET", "/risk?rule=R07&lang=en", nil, false); !strings.Contains(rec.Body.String(), firm) ||
			strings.Contains(rec.Body.String(), taxID) || !strings.Contains(rec.Body.String(), "代扣 "+privacy.MaskID(taxID)+" 个人所得税") {
			t.Fatalf("filtered list (the credit code whole, the ID number in the detail masked):\n%s", rec.Body)
		}
		if rec := inv.Do("GET", "/risk/alerts/"+itoa(func() int64 { id, _ := alertID(t, db, "R07"); return id }()), nil, false); !strings.Contains(rec.Body.String(), "id_number = "+taxID) {
			t.Fatalf("the alert's own page keeps the evidence whole:\n%s", rec.Body)
		}
		id, v := alertID(t, db, "R03")
		path := "/risk/alerts/" + itoa(id)
		rec = inv.Do("GET", path, nil, false)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "death_date = 2024-03-10") {
			t.Fatalf("alert page %d:\n%s", rec.Code, rec.Body)
		}
		steps := []struct {
			path string
			body io.Reader
		}{
			{"/assign", form("assignee", "h_risk_investigator", "version", itoa(v))},
			{"/investigate", form("version", itoa(v+1))},
			{"/notes", form("body", "已联系民政部门核实死亡信息")},
		}
		for _, s := range steps {
			rec := inv.Do("POST", path+s.path, s.body, true, "Content-Type", formType)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", s.path, rec.Code, rec.Body)
			}
		}
		// A stale version (the one read before assigning) is a conflict, nothing changes.
		rec = inv.Do("POST", path+"/close", form("outcome", "false_alarm", "version", itoa(v)), true, "Content-Type", formType)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "已被他人修改") {
			t.Fatalf("stale close: %d\n%s", rec.Code, rec.Body)
		}
		// An assignee who is not an investigator is refused next to the field.
		rec = inv.Do("POST", path+"/assign", form("assignee", "h_teller", "version", itoa(v+2)), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("assign teller: %d", rec.Code)
		}
		// Attachment upload and download.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", inv.CSRF)
		fw, _ := mw.CreateFormFile("file", "死亡证明.pdf")
		fw.Write([]byte("%PDF-1.4 test"))
		mw.Close()
		rec = inv.Do("POST", path+"/attachments", &buf, true, "Content-Type", mw.FormDataContentType())
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("attach: %d\n%s", rec.Code, rec.Body)
		}
		files, _ := riskstore.Attachments(context.Background(), db, id)
		if len(files) != 1 || files[0].Size != 13 {
			t.Fatalf("attachments %+v", files)
		}
		rec = inv.Do("GET", path+"/attachments/"+itoa(files[0].ID), nil, false)
		if rec.Code != 200 || rec.Body.String() != "%PDF-1.4 test" || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %q", rec.Code, rec.Body)
		}
		rec = inv.Do("POST", path+"/close", form("outcome", "false_alarm", "reason", "死亡登记有误，本人健在", "version", itoa(v+2)), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("close: %d\n%s", rec.Code, rec.Body)
		}
		a, _ := riskstore.Get(context.Background(), db, id)
		if a.Status != riskstore.StatusClosed || a.Outcome != riskstore.OutcomeFalseAlarm || len(a.Notes) != 2 {
			t.Fatalf("closed alert %+v", a)
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'risk_alert' AND entity_id = ?`, itoa(id)).Scan(&n)
		if n != 5 { // assign, investigate, note, attach, close
			t.Fatalf("audit records of the alert = %d, want 5", n)
		}
		// Other roles are refused; a determination officer may ask for open alerts by API.
		if rec := h.As(auth.Teller).Do("GET", path, nil, false); rec.Code != http.StatusForbidden {
			t.Fatalf("teller on alert page: %d", rec.Code)
		}
		rec = h.As(auth.DeterminationOfficer).Do("GET", "/api/v1/risk/open-alerts?key="+firm+"&key="+deadID, nil, false)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"rule":"R07"`) || strings.Contains(rec.Body.String(), `"R03"`) {
			t.Fatalf("open alerts API: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestScanNowStoresAlertsAndIsAudited: the "run scan now" button scans and stores (here: an
// empty database, so nothing fires) and leaves an audit record; a bad month is refused.
func TestScanNowStoresAlertsAndIsAudited(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	h := webtest.New(t, db)
	inv := h.As(auth.RiskInvestigator)
	rec := inv.Do("POST", "/risk/scan", form("as_of", "2024-13"), true, "Content-Type", formType)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "YYYY-MM") {
		t.Fatalf("bad month: %d", rec.Code)
	}
	rec = inv.Do("POST", "/risk/scan", form("as_of", "2024-12"), true, "Content-Type", formType)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/risk?scanned=0") {
		t.Fatalf("scan: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	var n int
	db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'risk.scan'`).Scan(&n)
	if n != 1 {
		t.Fatalf("scan audit records = %d", n)
	}
}

// TestExpansionListShowsR07EmployersAndExportsAnAuditedWorkbook checks the 扩面 list and its
// Excel export with the persons concerned and the audit record with the row count.
func TestExpansionListShowsR07EmployersAndExportsAnAuditedWorkbook(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	h := webtest.New(t, db)
	seed(t, db)
	inv := h.As(auth.RiskInvestigator)
	rec := inv.Do("GET", "/risk/expansion", nil, false)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "六安测试商贸有限公司") || !strings.Contains(rec.Body.String(), "1 家单位，涉及 1 人") {
		t.Fatalf("expansion page %d:\n%s", rec.Code, rec.Body)
	}
	rec = inv.Do("GET", "/risk/expansion.xlsx", nil, false)
	if rec.Code != 200 {
		t.Fatalf("export: %d", rec.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("expansion_targets")
	if len(rows) != 2 || rows[1][0] != firm || rows[1][4] != taxID || rows[1][6] != "2024-05 2024-06" {
		t.Fatalf("workbook rows %q", rows)
	}
	var after string
	db.QueryRow(context.Background(), `SELECT after_json FROM audit_log WHERE action = 'risk.expansion.export'`).Scan(&after)
	if !strings.Contains(after, `"rows":1`) {
		t.Fatalf("export audit %q", after)
	}
}

// TestOpenAlertsAnswerMasksNumbersAndTakesAReference checks the open-alert API as a list
// answer (security.md): the person subject is masked and comes with its reference, the detail
// has its ID numbers masked, the credit code stays whole, and the reference works as a key.
func TestOpenAlertsAnswerMasksNumbersAndTakesAReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		h := webtest.New(t, db)
		ref := h.S.PersonRef(deadID)
		for _, key := range []string{deadID, ref} {
			rec := h.As(auth.DeterminationOfficer).Do("GET", "/api/v1/risk/open-alerts?key="+firm+"&key="+url.QueryEscape(key), nil, false)
			var got []OpenAlert
			if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != 200 || err != nil || len(got) != 2 {
				t.Fatalf("key %s: %d %v %s", key, rec.Code, err, rec.Body)
			}
			body := rec.Body.String()
			if strings.Contains(body, deadID) || strings.Contains(body, taxID) || !strings.Contains(body, `"subject_ref":"`+ref+`"`) {
				t.Errorf("key %s: a whole number or no reference: %s", key, body)
			}
			for _, a := range got {
				switch a.Rule {
				case "R03":
					if a.Subject != privacy.MaskID(deadID) || a.SubjectRef != ref {
						t.Errorf("R03: %+v", a)
					}
				case "R07":
					if a.Subject != firm || a.SubjectRef != "" || !strings.Contains(a.Detail, privacy.MaskID(taxID)) {
						t.Errorf("R07: %+v", a)
					}
				}
			}
		}
	})
}
