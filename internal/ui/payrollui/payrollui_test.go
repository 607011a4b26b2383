package payrollui

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/coverage"
	"wiis/internal/money"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

const (
	idA    = "320402198001010011"
	idDead = "320402197502020022"
)

func form(kv ...string) io.Reader {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return strings.NewReader(v.Encode())
}

const formType = "application/x-www-form-urlencoded"

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn adds a second payment officer with a full session, since the harness has one user
// per role and four-eyes needs two.
func signIn(t *testing.T, h *webtest.Harness, username string) *webtest.Client {
	t.Helper()
	u, err := h.S.Auth.CreateUser(context.Background(), audit.Actor{Username: "test"}, auth.NewUser{Username: username,
		DisplayName: "复核员", Password: webtest.Password, Roles: []auth.Role{auth.PaymentOfficer}, Region: webtest.Region})
	if err != nil {
		t.Fatal(err)
	}
	return h.AsUser(u)
}

func seedBeneficiaries(t *testing.T, db *store.DB) {
	t.Helper()
	for _, b := range [][]any{
		{idA, "甲", "disability_allowance", 1, int64(400000), "2020-01", "6222020000000001"},
		{idDead, "乙", "disability_allowance", 2, int64(350000), "2020-01", "6222020000000002"},
	} {
		if _, err := db.Exec(context.Background(), `INSERT INTO beneficiaries (id_number, name, item, grade, orphan_or_lone,
			monthly_amount, start_month, bank_account, worker_id_number) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)`,
			b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[0]); err != nil {
			t.Fatal(err)
		}
	}
	// An open R03 alert on the second person holds their payment.
	m, _ := coverage.ParseMonth("2024-05")
	if _, err := riskstore.Save(context.Background(), db, m, []risk.Alert{{Rule: "R03", Subject: idDead, Detail: "死亡后仍领待遇"}}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func runState(t *testing.T, db *store.DB, month string) (string, string) {
	t.Helper()
	var state, version string
	if err := db.QueryRow(context.Background(), `SELECT state, version FROM payroll_runs WHERE month = ?`, month).Scan(&state, &version); err != nil {
		t.Fatal(err)
	}
	return state, version
}

// TestPayrollBatchIsComputedApprovedBySecondOfficerExportedAndReconciled is the batch end to
// end through the pages: computed by one officer (who cannot approve it), approved by a second,
// exported (the bank file downloads, audited with its row count), reconciled with a return file
// whose failed line reopens; the R03 hold shows with its reason; ID numbers are masked.
func TestPayrollBatchIsComputedApprovedBySecondOfficerExportedAndReconciled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := webtest.New(t, db)
		seedBeneficiaries(t, db)
		prep := h.As(auth.PaymentOfficer)
		second := signIn(t, h, "payer2")

		if rec := prep.Do("POST", "/payroll/runs", form("month", "2024-5x"), true, "Content-Type", formType); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad month: %d", rec.Code)
		}
		rec := prep.Do("POST", "/payroll/runs", form("month", "2024-05"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/payroll/runs/2024-05" {
			t.Fatalf("compute: %d %s\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
		}
		page := prep.Do("GET", "/payroll/runs/2024-05", nil, false).Body.String()
		if !strings.Contains(page, "3204**********0011") || strings.Contains(page, idA) || !strings.Contains(page, "R03") ||
			!strings.Contains(page, "four-eyes-note") {
			t.Fatalf("run page:\n%s", page)
		}
		_, v := runState(t, db, "2024-05")
		// The preparer cannot approve (four-eyes); a stale version is a conflict.
		if rec := prep.Do("POST", "/payroll/runs/2024-05/approve", form("version", v), true, "Content-Type", formType); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "双人复核") {
			t.Fatalf("preparer approves: %d", rec.Code)
		}
		if rec := second.Do("POST", "/payroll/runs/2024-05/approve", form("version", "1"), true, "Content-Type", formType); rec.Code != http.StatusConflict {
			t.Fatalf("stale approve: %d", rec.Code)
		}
		if rec := second.Do("POST", "/payroll/runs/2024-05/approve", form("version", v), true, "Content-Type", formType); rec.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", rec.Code, rec.Body)
		}
		if rec := prep.Do("GET", "/payroll/runs/2024-05/bankfile", nil, false); rec.Code != http.StatusConflict {
			t.Fatalf("bank file before export: %d", rec.Code)
		}
		_, v = runState(t, db, "2024-05")
		if rec := prep.Do("POST", "/payroll/runs/2024-05/export", form("version", v), true, "Content-Type", formType); rec.Code != http.StatusSeeOther {
			t.Fatalf("export: %d\n%s", rec.Code, rec.Body)
		}
		rec = prep.Do("GET", "/payroll/runs/2024-05/bankfile", nil, false)
		want := "id_number,name,item,month,amount,bank_account\n" + idA + ",甲,disability_allowance,2024-05,4000.00,6222020000000001\n"
		if rec.Code != 200 || rec.Body.String() != want {
			t.Fatalf("bank file %d:\n%s", rec.Code, rec.Body)
		}
		var after string
		db.QueryRow(context.Background(), `SELECT after_json FROM audit_log WHERE action = 'payroll.bankfile.download'`).Scan(&after)
		if !strings.Contains(after, `"rows":1`) {
			t.Fatalf("download audit %q", after)
		}
		// A return file naming a line that is not in the run is refused, nothing recorded.
		bad := "id_number,item,month,amount,status,reason\n" + idDead + ",disability_allowance,2024-05,3500.00,ok,\n"
		if rec := prep.Do("POST", "/payroll/runs/2024-05/reconcile", form("text", bad), true, "Content-Type", formType); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad return file: %d", rec.Code)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "return.csv")
		fw.Write([]byte("id_number,item,month,amount,status,reason\n" + idA + ",disability_allowance,2024-05,4000.00,failed,账户已销户\n"))
		mw.Close()
		rec = prep.Do("POST", "/payroll/runs/2024-05/reconcile", &buf, true, "Content-Type", mw.FormDataContentType())
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("reconcile: %d\n%s", rec.Code, rec.Body)
		}
		if s, _ := runState(t, db, "2024-05"); s != "reconciled" {
			t.Fatalf("state %s", s)
		}
		page = second.Do("GET", "/payroll/runs/2024-05?lang=en", nil, false).Body.String()
		if !strings.Contains(page, "账户已销户") || !strings.Contains(page, "Reconciled") {
			t.Fatalf("reconciled page:\n%s", page)
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'payroll_run' AND entity_id = '2024-05'`).Scan(&n)
		if n < 6 { // start, computed, approve, export, download, reconcile
			t.Fatalf("audit records of the run = %d", n)
		}
		// A fund officer may read, not act; a teller may not read.
		if rec := h.As(auth.FundOfficer).Do("GET", "/payroll/runs/2024-05", nil, false); rec.Code != 200 {
			t.Fatalf("fund officer reads: %d", rec.Code)
		}
		if rec := h.As(auth.FundOfficer).Do("POST", "/payroll/runs", form("month", "2024-06"), true, "Content-Type", formType); rec.Code != http.StatusForbidden {
			t.Fatalf("fund officer computes: %d", rec.Code)
		}
		if rec := h.As(auth.Teller).Do("GET", "/payroll", nil, false); rec.Code != http.StatusForbidden {
			t.Fatalf("teller: %d", rec.Code)
		}
	})
}

// TestAdjustmentIsPreviewedWithoutChangeThenApplied: the preview shows persons, amounts and
// cost and changes nothing; applying records the adjustment; a bad rule names the field.
func TestAdjustmentIsPreviewedWithoutChangeThenApplied(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	h := webtest.New(t, db)
	seedBeneficiaries(t, db)
	c := h.As(auth.PaymentOfficer)
	if rec := c.Do("POST", "/payroll/runs", form("month", "2024-05"), true, "Content-Type", formType); rec.Code != http.StatusSeeOther {
		t.Fatalf("compute: %d", rec.Code)
	}
	rule := `{"effective_month": "2024-05", "disability_allowance": {"by_grade": {"1": "195", "2": "185"}}}`
	rec := c.Do("POST", "/payroll/adjust", form("rule", `{"effective_month": "2024-13"}`, "action", "preview"), true, "Content-Type", formType)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "effective_month") {
		t.Fatalf("bad rule: %d\n%s", rec.Code, rec.Body)
	}
	rec = c.Do("POST", "/payroll/adjust", form("rule", rule, "action", "preview"), true, "Content-Type", formType)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `id="adjust-persons">2<`) || !strings.Contains(body, "apply-form") {
		t.Fatalf("preview: %d\n%s", rec.Code, body)
	}
	var n int
	db.QueryRow(context.Background(), `SELECT COUNT(*) FROM payroll_adjustments`).Scan(&n)
	if n != 0 {
		t.Fatal("the preview applied the rule")
	}
	rec = c.Do("POST", "/payroll/adjust", form("rule", rule, "action", "apply"), true, "Content-Type", formType)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "调整已生效") {
		t.Fatalf("apply: %d\n%s", rec.Code, rec.Body)
	}
	var cost int64
	db.QueryRow(context.Background(), `SELECT monthly_cost FROM payroll_adjustments`).Scan(&cost)
	if money.Amount(cost) != money.MustParse("380") {
		t.Fatalf("monthly cost %s", money.Amount(cost))
	}
}
