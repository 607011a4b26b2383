package caseui

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

var ctx = context.Background()

// fixedNow is the office's clock in these tests: 10 March 2026.
func fixedNow() time.Time { return time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC) }

// enrol records the worker W1 at EMP from January 2025, so a proposal finds wages.
func enrol(t *testing.T, db *store.DB) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES ('EMP', '六安某建筑公司', '341500', 'E47', 'active')`,
		`INSERT INTO persons (id_number, name) VALUES ('W1', '李四')`,
		`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES ('W1', 'EMP', 'add', '2025-01', '2025-01-03', 600000)`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

type flow struct {
	t *testing.T
	h *webtest.Harness
}

// post sends a form as role and returns the answer; a redirect is followed by one GET.
func (f flow) post(role auth.Role, path string, form url.Values, want int) (string, string) {
	f.t.Helper()
	c := f.h.As(role)
	rec := c.Do("POST", path, strings.NewReader(form.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
	if rec.Code != want {
		f.t.Fatalf("POST %s as %s: %d, want %d\n%s", path, role, rec.Code, want, rec.Body.String())
	}
	if rec.Code == http.StatusSeeOther {
		loc := rec.Header().Get("Location")
		return loc, f.get(role, loc, http.StatusOK)
	}
	return "", rec.Body.String()
}

func (f flow) get(role auth.Role, path string, want int) string {
	f.t.Helper()
	rec := f.h.As(role).Do("GET", path, nil, false)
	if rec.Code != want {
		f.t.Fatalf("GET %s as %s: %d, want %d\n%s", path, role, rec.Code, want, rec.Body.String())
	}
	return rec.Body.String()
}

var idIn = regexp.MustCompile(`/(\d+)(\?|$|/)`)

func idOf(t *testing.T, loc string) string {
	t.Helper()
	m := idIn.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("no id in %q", loc)
	}
	return m[1]
}

var (
	itemIn = regexp.MustCompile(`/casework/obligations/(\d+)/(\d+)/paid`)
	payIn  = regexp.MustCompile(`/payments/lumpsum/(\d+)`)
)

var versionIn = regexp.MustCompile(`name="version" value="(\d+)"`)

func versionOf(t *testing.T, page string) string {
	t.Helper()
	m := versionIn.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no version on the page")
	}
	return m[1]
}

func mustContain(t *testing.T, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

// TestCaseGoesFromAccidentReportToApprovedBenefitsThroughThePages drives every role's pages:
// the determination officer opens a case from an accident report, takes in the materials,
// accepts, decides and delivers, and prints the decision; the assessment secretary registers
// the assessment, draws a recorded panel (replayed for the auditor) and concludes; the
// proposal is made and the benefits reviewer's stale approval is refused before the fresh one
// passes; the employer then sees what it must pay.
func TestCaseGoesFromAccidentReportToApprovedBenefitsThroughThePages(t *testing.T) {
	Now = fixedNow
	defer func() { Now = nil }()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		enrol(t, db)
		f := flow{t, webtest.New(t, db)}
		det, emp := auth.DeterminationOfficer, auth.AssessmentSecretary

		_, page := f.post(det, "/casework/determinations", url.Values{"ref": {"GS0201-2026-001"}, "applicant_kind": {"employer"},
			"worker_id": {""}, "employer_uscc": {"EMP"}, "event_date": {"2026-01-02"}, "region": {"341500"}}, http.StatusUnprocessableEntity)
		mustContain(t, page, `value="GS0201-2026-001"`, "field-error")

		loc, page := f.post(det, "/casework/determinations", url.Values{"ref": {"GS0201-2026-001"}, "applicant_kind": {"employer"},
			"worker_id": {"W1"}, "worker_name": {"李四"}, "employer_uscc": {"EMP"}, "event_kind": {"accident"}, "event_date": {"2026-01-02"},
			"received_on": {"2026-01-05"}, "region": {"341500"}, "team": {"认定一科"}, "handler": {"h_determination_officer"}}, http.StatusSeeOther)
		mustContain(t, page, "RD341500-2026-", "GS0201-2026-001", "工伤认定申请表", "案件已开立")
		id := idOf(t, loc)
		act := func(fields url.Values, want int) string {
			t.Helper()
			page := f.get(det, "/casework/determinations/"+id, http.StatusOK)
			fields.Set("version", versionOf(t, page))
			_, out := f.post(det, "/casework/determinations/"+id+"/act", fields, want)
			return out
		}
		page = act(url.Values{"action": {"accept"}, "on": {"2026-01-05"}}, http.StatusUnprocessableEntity)
		mustContain(t, page, "case-error")
		for _, k := range []string{"application_form", "employment_proof", "diagnosis"} {
			act(url.Values{"action": {"receive_material"}, "kind": {k}, "file_ref": {"paper-" + k}, "on": {"2026-01-05"}}, http.StatusSeeOther)
		}
		act(url.Values{"action": {"accept"}, "on": {"2026-01-06"}}, http.StatusSeeOther)
		act(url.Values{"action": {"investigate"}, "investigators": {"张三, 王五"}, "record": {"现场核实"}, "on": {"2026-01-08"}}, http.StatusSeeOther)
		act(url.Values{"action": {"decide"}, "article": {"14"}, "item": {"1"}, "reasons": {"在工作时间和工作场所内因工作原因受到事故伤害"}, "on": {"2026-01-20"}}, http.StatusSeeOther)
		act(url.Values{"action": {"deliver"}, "party": {"worker"}, "method": {"direct"}, "on": {"2026-01-21"}}, http.StatusSeeOther)
		page = act(url.Values{"action": {"deliver"}, "party": {"employer"}, "method": {"post"}, "on": {"2026-01-22"}}, http.StatusSeeOther)
		mustContain(t, page, "已办结", "认定工伤", "现场核实", "作出认定决定")
		// A stale version is a conflict shown on the page, not a half-applied change.
		_, page = f.post(det, "/casework/determinations/"+id+"/act", url.Values{"action": {"screen_rehab"}, "version": {"2"}, "reason": {"x"}}, http.StatusUnprocessableEntity)
		mustContain(t, page, "已被他人修改")

		loc, page = f.post(det, "/casework/determinations/"+id+"/documents", url.Values{"kind": {"determination_decision"}}, http.StatusSeeOther)
		mustContain(t, page, "六人社工伤认字", "李四", `class="doc"`)
		f.get(auth.Teller, loc, http.StatusForbidden)

		// Assessment: pool, application, draw, conclusion.
		for i, spec := range []string{"orthopedics", "orthopedics, surgery", "neurology", "orthopedics", "orthopedics, neurology"} {
			conf := ""
			if i == 3 {
				conf = "employer:EMP"
			}
			f.post(emp, "/casework/experts", url.Values{"name": {"专家" + strconv.Itoa(i+1)}, "specialties": {spec}, "conflicts": {conf}, "active": {"1"}}, http.StatusSeeOther)
		}
		page = f.get(emp, "/casework/assessments/new?determination="+id, http.StatusOK)
		mustContain(t, page, `value="W1"`)
		loc, page = f.post(emp, "/casework/assessments", url.Values{"determination_id": {id}, "kind": {"initial"}, "applicant_kind": {"worker"},
			"worker_id": {"W1"}, "worker_name": {"李四"}, "employer_uscc": {"EMP"}, "specialties": {"orthopedics"}, "panel_size": {"3"},
			"after_treatment": {"1"}, "applied_on": {"2026-03-02"}, "region": {"341500"}}, http.StatusSeeOther)
		mustContain(t, page, "JD341500-2026-")
		aid := idOf(t, loc)
		asmt := func(fields url.Values) string {
			t.Helper()
			page := f.get(emp, "/casework/assessments/"+aid, http.StatusOK)
			fields.Set("version", versionOf(t, page))
			_, out := f.post(emp, "/casework/assessments/"+aid+"/act", fields, http.StatusSeeOther)
			return out
		}
		asmt(url.Values{"action": {"confirm_materials"}, "on": {"2026-03-03"}})
		page = asmt(url.Values{"action": {"draw"}, "on": {"2026-03-04"}})
		mustContain(t, page, `id="seed"`, "鉴定专家组")
		page = f.get(auth.Auditor, "/casework/assessments/"+aid+"/draws", http.StatusOK)
		mustContain(t, page, "回避排除", "专家4")
		page = f.get(auth.Auditor, "/casework/assessments/"+aid+"/draws?replay=1", http.StatusOK)
		mustContain(t, page, "复现结果与记录一致")
		page = asmt(url.Values{"action": {"conclude"}, "grade": {"7"}, "basis": {"GB/T 16180-2014"}, "on": {"2026-03-09"}})
		mustContain(t, page, "7级", "核定待遇")

		loc, page = f.post(emp, "/casework/assessments/"+aid+"/propose", url.Values{"suspension_months": {"3"}, "original_wage": {"6000.00"}}, http.StatusSeeOther)
		mustContain(t, page, "待审核", "一次性伤残补助金")
		pid := idOf(t, loc)
		page = f.get(auth.BenefitsReviewer, "/casework/proposals", http.StatusOK)
		mustContain(t, page, "/casework/proposals/"+pid)
		page = f.get(auth.BenefitsReviewer, "/casework/proposals/"+pid, http.StatusOK)
		v := versionOf(t, page)
		_, page = f.post(auth.BenefitsReviewer, "/casework/proposals/"+pid+"/decide", url.Values{"version": {v + "0"}, "decision": {"approve"}}, http.StatusUnprocessableEntity)
		mustContain(t, page, "已被他人修改")
		_, page = f.post(auth.BenefitsReviewer, "/casework/proposals/"+pid+"/decide", url.Values{"version": {v}, "decision": {"approve"}}, http.StatusSeeOther)
		mustContain(t, page, "已通过")
		page = f.get(auth.BenefitsReviewer, "/casework/obligations?uscc=EMP", http.StatusOK)
		mustContain(t, page, "李四")

		// The employer's suspension pay is due; a teller records its payment with the evidence.
		page = f.get(auth.Teller, "/casework/obligations?uscc=EMP", http.StatusOK)
		mustContain(t, page, `data-status="due"`)
		m := itemIn.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no payment form on %s", page)
		}
		_, page = f.post(auth.Teller, m[0], url.Values{"version": {"0"}, "paid_on": {"2026-03-09"}}, http.StatusUnprocessableEntity)
		mustContain(t, page, "支付凭证")
		f.post(auth.Employer, "/portal/injury-cases/obligations/"+m[1]+"/"+m[2]+"/paid",
			url.Values{"version": {"0"}, "evidence": {"x"}}, http.StatusNotFound) // not this employer's
		// Approved long ago and still unpaid, the item is overdue; the benefits reviewer refers it,
		// opening the supervision referral.
		if _, err := db.Exec(ctx, `UPDATE benefit_proposals SET decided_at = '2026-01-05T02:00:00Z'`); err != nil {
			t.Fatal(err)
		}
		refer := "/casework/obligations/" + m[1] + "/" + m[2] + "/refer"
		f.post(auth.Teller, refer, url.Values{"version": {"0"}, "inspectorate": {"六安市劳动保障监察支队"}}, http.StatusForbidden)
		_, page = f.post(auth.BenefitsReviewer, refer, url.Values{"version": {"0"}}, http.StatusUnprocessableEntity)
		mustContain(t, page, "劳动保障监察机构")
		_, page = f.post(auth.BenefitsReviewer, refer, url.Values{"version": {"0"}, "inspectorate": {"六安市劳动保障监察支队"}}, http.StatusSeeOther)
		mustContain(t, page, `data-status="referred"`, "/supervise/referrals/", "已登记移送")
		_, page = f.post(auth.Teller, m[0], url.Values{"version": {"1"}, "paid_on": {"2026-03-09"}, "evidence": {"银行回单"}}, http.StatusSeeOther)
		mustContain(t, page, `data-status="paid"`, "银行回单", "已登记支付")

		// The lump sum: prepared by the payment officer, refused to the preparer (four-eyes),
		// approved by the fund officer, paid once with its payment row and ledger posting.
		m = payIn.FindStringSubmatch(f.get(auth.PaymentOfficer, "/payments/lumpsum", http.StatusOK))
		if m == nil {
			t.Fatal("no payable listed")
		}
		pay := m[0]
		page = f.get(auth.PaymentOfficer, pay, http.StatusOK)
		_, page = f.post(auth.PaymentOfficer, pay+"/prepare", url.Values{"version": {versionOf(t, page)}, "payee": {"李四"},
			"bank_account": {"6222021300001234"}}, http.StatusSeeOther)
		mustContain(t, page, "待审批", "6222********1234")
		_, page = f.post(auth.PaymentOfficer, pay+"/decide", url.Values{"version": {versionOf(t, page)}, "decision": {"approve"}}, http.StatusForbidden)
		mustContain(t, page, "制单人不能审批")
		_, page = f.post(auth.FundOfficer, pay+"/decide", url.Values{"version": {versionOf(t, page)}, "decision": {"approve"}}, http.StatusSeeOther)
		mustContain(t, page, "待支付")
		v = versionOf(t, f.get(auth.PaymentOfficer, pay, http.StatusOK))
		_, page = f.post(auth.PaymentOfficer, pay+"/pay", url.Values{"version": {v}, "paid_on": {"2026-03-10"}}, http.StatusSeeOther)
		mustContain(t, page, "已支付并记账")
		f.post(auth.PaymentOfficer, pay+"/pay", url.Values{"version": {v}, "paid_on": {"2026-03-10"}}, http.StatusConflict)
		var rows, postings int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM payments WHERE source = ?`, "lumpsum:"+m[1]).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("payment rows %d %v", rows, err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_postings WHERE source = 'lumpsum'`).Scan(&postings); err != nil || postings != 1 {
			t.Errorf("postings %d %v", postings, err)
		}

		// Deadlines: the page and the home panel of the officer.
		mustContain(t, f.get(det, "/casework/deadlines?by=team", http.StatusOK), "deadline-counts")
		mustContain(t, f.get(det, "/", http.StatusOK), "办理时限", "我承办的")
		mustContain(t, f.get(det, "/casework/determinations?status=overdue", http.StatusOK), "det-list")
	})
}
