package prevui

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/ui/panels"
	"wiis/internal/web/webtest"
)

const (
	e1 = "91341500MA00000001"
	e2 = "91341500MA00000002"
)

var (
	ctx   = context.Background()
	staff = prevstore.Viewer{Actor: audit.Actor{Username: "prev1"}, Roles: []auth.Role{auth.PreventionOfficer}}
)

func exec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seed: two construction employers in Lu'an, P1 with a claim and a payment, last year's
// contribution income of 1,000,000 yuan in the ledger (so the prevention fee cap is 30,000),
// and one rehabilitation institution.
func seed(t *testing.T, db *store.DB) {
	clock = func() time.Time { return time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { clock = time.Now })
	for _, e := range []string{e1, e2} {
		exec(t, db, `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, ?, '341502', '4710', 'active')`, e, "单位"+e[len(e)-1:])
	}
	for _, ev := range [][]string{{"P1", e1, "add", "2024-01"}, {"P2", e1, "add", "2024-01"}, {"P3", e2, "add", "2023-07"}} {
		exec(t, db, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES (?, ?, ?, ?, '2024-01-05', 500000)`, ev[0], ev[1], ev[2], ev[3])
	}
	exec(t, db, `INSERT INTO persons (id_number, name) VALUES ('P1', '张三')`)
	exec(t, db, `INSERT INTO claims (claim_no, id_number, uscc, injury_at) VALUES ('C1', 'P1', ?, '2024-03-10T09:30')`, e1)
	exec(t, db, `INSERT INTO payments (id_number, item, month, amount) VALUES ('P1', 'medical', '2024-05', 50000)`)
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := ledger.Post(ctx, tx, audit.Actor{Username: "t"}, "collection", "t:2024", fund.Income("341500", "2024-06-30", "contributions", money.Yuan(1000000), "2024征缴"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := prevstore.SaveInstitution(ctx, db, audit.Actor{Username: "t"}, prevstore.Institution{Code: "R01", Name: "六安康复医院", Region: "341500", Capacity: 80}); err != nil {
		t.Fatal(err)
	}
}

func post(c *webtest.Client, path string, v url.Values) *httpResult {
	rec := c.Do("POST", path, strings.NewReader(v.Encode()), true, "Content-Type", "application/x-www-form-urlencoded")
	return &httpResult{rec.Code, rec.Body.String(), rec.Header().Get("Location")}
}

func get(c *webtest.Client, path string) *httpResult {
	rec := c.Do("GET", path, nil, false)
	return &httpResult{rec.Code, rec.Body.String(), rec.Header().Get("Location")}
}

type httpResult struct {
	Code     int
	Body     string
	Location string
}

func TestPagesRenderForTheirRolesAndTheHealthRuleHoldsForEveryRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		h := webtest.New(t, db)
		officer := h.As(auth.PreventionOfficer)
		if _, err := prevstore.RecordExam(ctx, db, staff, prevstore.Exam{IDNumber: "P1", USCC: e1,
			Kind: "on_the_job", ExamOn: "2025-03-01", Institution: "市职防院", Hazards: []string{"dust"}, Result: "suspected", Findings: "双肺小阴影", Disease: "矽肺"}); err != nil {
			t.Fatal(err)
		}
		c, err := prevstore.OpenRehab(ctx, db, staff, prevention.RehabCase{Region: "341502",
			WorkerID: "P1", Employer: e1, ClaimNo: "C1", Origin: "worker", Injury: "右手骨折", OpenedOn: "2025-04-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/prevention/targeting?year=2024", "/prevention/committee", "/prevention/projects", "/prevention/employers",
			"/prevention/employers/" + e1, "/prevention/figures?from=2024&to=2025", "/prevention/figures?by=industry"} {
			if r := get(officer, p); r.Code != 200 {
				t.Errorf("%s as prevention officer: %d %s", p, r.Code, r.Body)
			}
		}
		if r := get(officer, "/prevention/targeting?year=2024"); !strings.Contains(r.Body, "单位1") || !strings.Contains(r.Body, "500.00") {
			t.Errorf("ranking does not show the figures behind the rank")
		}
		if r := get(h.As(auth.FundOfficer), "/prevention/figures"); r.Code != 200 || !strings.Contains(r.Body, "<svg") {
			t.Errorf("figures as fund officer: %d", r.Code)
		}
		if r := get(h.As(auth.Teller), "/prevention/targeting"); r.Code != 403 {
			t.Errorf("targeting as teller: %d", r.Code)
		}
		// The health-data rule on every health page, for every role.
		health := []string{"/health", "/health/employers/" + e1, "/health/workers/P1", "/rehab", "/rehab/" + itoa(c.ID)}
		for _, role := range auth.AllRoles() {
			allowed := prevention.CanSeeHealthData([]auth.Role{role})
			cl := h.As(role)
			for _, p := range health {
				r := get(cl, p)
				if allowed && r.Code != 200 {
					t.Errorf("%s as %s: %d, want 200", p, role, r.Code)
				}
				if !allowed && (r.Code != 403 || strings.Contains(r.Body, "矽肺") || strings.Contains(r.Body, "右手骨折")) {
					t.Errorf("%s as %s: %d, want 403 without health data", p, role, r.Code)
				}
			}
			// The person-page panel follows the same rule.
			shown := slices.ContainsFunc(panels.For(panels.Person, h.Users[role]), func(p panels.Panel) bool { return p.Name == "prevention.worker_history" })
			if shown != allowed {
				t.Errorf("worker history panel for %s: shown %v, want %v", role, shown, allowed)
			}
		}
		// The worker's file tells one story: examination, injury, rehabilitation, payment.
		r := get(h.As(auth.MedicalAuditor), "/health/workers/P1")
		for _, want := range []string{"hist-exam", "hist-suspect", "hist-injury", "hist-rehab", "hist-payment", "矽肺"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("worker file lacks %s", want)
			}
		}
		// The employer file holds no health data even for the officer, only a count.
		if r := get(officer, "/prevention/employers/"+e1); strings.Contains(r.Body, "矽肺") || strings.Contains(r.Body, "双肺") {
			t.Error("employer file shows health data")
		}
		// The medical auditor reads but does not act.
		if r := get(h.As(auth.MedicalAuditor), "/rehab/"+itoa(c.ID)); strings.Contains(r.Body, `name="action"`) {
			t.Error("medical auditor is offered rehabilitation actions")
		}
		if r := post(h.As(auth.MedicalAuditor), "/rehab/"+itoa(c.ID)+"/step", url.Values{"action": {"assess_value"}}); r.Code != 403 {
			t.Errorf("medical auditor acting: %d", r.Code)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAProjectSpendsWithinTheCapAndIsRefusedOverIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		h := webtest.New(t, db)
		officer := h.As(auth.PreventionOfficer)
		r := post(officer, "/prevention/projects", url.Values{"name": {"建筑施工安全培训"}, "type": {"training"}, "provider": {"六安安培中心"},
			"budget": {"50000"}, "start_on": {"2025-03-01"}, "end_on": {"2025-05-31"}, "targets": {e1}})
		if r.Code != 303 || !strings.HasPrefix(r.Location, "/prevention/projects/") {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		page := strings.SplitN(r.Location, "?", 2)[0]
		if r := post(officer, "/prevention/projects", url.Values{"name": {"x"}, "type": {"training"}, "provider": {"y"}, "budget": {"abc"}}); r.Code != 422 || !strings.Contains(r.Body, "金额格式无效") {
			t.Errorf("bad budget: %d", r.Code)
		}
		if r := post(officer, page+"/spend", url.Values{"date": {"2025-03-10"}, "amount": {"20000"}}); r.Code != 303 {
			t.Fatalf("spend within the cap: %d %s", r.Code, r.Body)
		}
		r = post(officer, page+"/spend", url.Values{"date": {"2025-04-10"}, "amount": {"10000.01"}})
		if r.Code != 422 || !strings.Contains(r.Body, "超过上限") || !strings.Contains(r.Body, "30,000.00") || !strings.Contains(r.Body, `value="10000.01"`) {
			t.Fatalf("over the cap: %d, want 422 with the reason and the input kept\n%s", r.Code, r.Body)
		}
		pos, err := prevstore.FeePosition(ctx, db, "341502", 2025)
		if err != nil || pos.Spent != money.Yuan(20000) || pos.Training != money.Yuan(20000) {
			t.Fatalf("position after the refusal: %+v %v", pos, err)
		}
		r = get(officer, page)
		if !strings.Contains(r.Body, "20,000.00") || !strings.Contains(r.Body, "#") {
			t.Errorf("project page lacks the spending")
		}
		if r := post(officer, page+"/participants", url.Values{"participants": {"P1, " + e1 + ", Z-001\nP2 " + e1}}); r.Code != 303 {
			t.Errorf("participants: %d %s", r.Code, r.Body)
		}
		if r := post(officer, page+"/results", url.Values{"version": {"1"}, "people_trained": {"2"}, "certificates": {"1"}, "results": {"完成"}}); r.Code != 303 {
			t.Errorf("results: %d %s", r.Code, r.Body)
		}
		if r := post(officer, page+"/results", url.Values{"version": {"1"}, "people_trained": {"3"}, "certificates": {"1"}}); r.Code != 409 {
			t.Errorf("stale results: %d", r.Code)
		}
		rec := officer.Do("GET", "/prevention/targeting/targets.xlsx?year=2024", nil, false)
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("targets workbook: %v", err)
		}
		rows, _ := f.GetRows("预防对象")
		if len(rows) != 4 || rows[3][1] != e1 {
			t.Errorf("target rows: %v", rows)
		}
		rec = officer.Do("GET", "/prevention/figures.xlsx?from=2024&to=2025", nil, false)
		if _, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes())); err != nil || rec.Code != http.StatusOK {
			t.Errorf("figures workbook: %d %v", rec.Code, err)
		}
	})
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

func TestARehabilitationCaseIsWalkedThroughByForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		h := webtest.New(t, db)
		officer := h.As(auth.PreventionOfficer)
		r := post(h.As(auth.DeterminationOfficer), "/rehab", url.Values{"worker_id": {"P1"}, "employer": {e1}, "claim_no": {"C1"}, "origin": {"screening"},
			"screening": {"determination"}, "injury": {"右手骨折"}, "opened_on": {"2025-04-01"}})
		if r.Code != 303 {
			t.Fatalf("open: %d %s", r.Code, r.Body)
		}
		page := r.Location
		steps := []url.Values{
			{"action": {"apply"}, "on": {"2025-04-02"}},
			{"action": {"assess_value"}, "on": {"2025-04-05"}, "has_value": {"yes"}, "note": {"有康复价值"}},
			{"action": {"approve"}, "on": {"2025-04-08"}, "institution": {"R01"}},
			{"action": {"start"}, "on": {"2025-04-10"}, "mode": {"inpatient"}, "items": {"KF001, KF002"}, "days": {"30"}},
			{"action": {"progress"}, "on": {"2025-04-20"}, "note": {"握力恢复"}},
			{"action": {"extend"}, "on": {"2025-05-08"}, "days": {"14"}, "note": {"需巩固"}},
			{"action": {"evaluate_effect"}, "on": {"2025-05-20"}, "scale": {"Barthel"}, "score_before": {"45"}, "score_after": {"85"}},
			{"action": {"return_to_work"}, "on": {"2025-06-01"}, "return_to_work": {"other_job"}, "returned_on": {"2025-06-01"}, "adjustments": {"调至质检岗"}},
		}
		want := []string{"applied", "value_assessed", "approved", "in_rehab", "in_rehab", "in_rehab", "effect_evaluated", "closed"}
		for i, st := range steps {
			g := get(officer, page)
			m := versionRE.FindStringSubmatch(g.Body)
			if m == nil {
				t.Fatalf("step %d: no version on the page", i)
			}
			if !strings.Contains(g.Body, `id="act-`+st.Get("action")+`"`) {
				t.Fatalf("step %d: no form for %s", i, st.Get("action"))
			}
			st.Set("version", m[1])
			if r := post(officer, page+"/step", st); r.Code != 303 {
				t.Fatalf("step %s: %d %s", st.Get("action"), r.Code, r.Body)
			}
			if g := get(officer, page); !strings.Contains(g.Body, `data-state="`+want[i]+`"`) {
				t.Fatalf("after %s: not %s", st.Get("action"), want[i])
			}
			if i == 1 {
				// The same form sent again with the old version: someone acted first.
				st.Set("action", "approve")
				st.Set("institution", "R01")
				if r := post(officer, page+"/step", st); r.Code != 409 || !strings.Contains(r.Body, "已被他人修改") {
					t.Fatalf("stale version: %d", r.Code)
				}
			}
		}
		g := get(officer, page)
		if !strings.Contains(g.Body, "调至质检岗") || !strings.Contains(g.Body, "2025-05-23") || !strings.Contains(g.Body, "pv.rh.no_action") && !strings.Contains(g.Body, "案件已终结") {
			t.Errorf("closed case page:\n%s", g.Body)
		}
		// Bad input names the field and keeps the case as it was.
		if r := post(officer, "/rehab", url.Values{"worker_id": {"P1"}, "employer": {"nobody"}, "origin": {"worker"}, "opened_on": {"2025-04-01"}}); r.Code != 422 {
			t.Errorf("unknown employer: %d", r.Code)
		}
	})
}

// xWorker is a valid ID number ending in X, so a number typed in lower case is looked up too.
func xWorker(t *testing.T) string {
	t.Helper()
	for seq := range 500 {
		if id := idcode.GenerateID(time.Date(1985, 7, 9, 0, 0, 0, 0, time.UTC), "341502", seq, idcode.Male); id[17] == 'X' {
			return id
		}
	}
	t.Fatal("no ID number ends in X")
	return ""
}

// TestHealthListsNameWorkersByReferenceAndMaskTheirNumbers checks security.md's masking on the
// surveillance and rehabilitation lists: a worker shows as 3415**********123X and is linked by
// reference; the worker's page opens by that reference and by the number typed in, and the
// desk's search sends the user on to the reference.
func TestHealthListsNameWorkersByReferenceAndMaskTheirNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		w := xWorker(t)
		exec(t, db, `INSERT INTO persons (id_number, name) VALUES (?, '李四')`, w)
		exec(t, db, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES (?, ?, 'add', '2024-01', '2024-01-05', 500000)`, w, e1)
		if _, err := prevstore.RecordExam(ctx, db, staff, prevstore.Exam{IDNumber: w, USCC: e1, Kind: "on_the_job", ExamOn: "2025-03-01",
			Institution: "市职防院", Hazards: []string{"dust"}, Result: "suspected", Findings: "双肺小阴影", Disease: "矽肺"}); err != nil {
			t.Fatal(err)
		}
		c, err := prevstore.OpenRehab(ctx, db, staff, prevention.RehabCase{Region: "341502", WorkerID: w, Employer: e1, Origin: "worker",
			Injury: "右手骨折", OpenedOn: "2025-04-01"})
		if err != nil {
			t.Fatal(err)
		}
		h := webtest.New(t, db)
		ref := h.S.PersonRef(w)
		if ref == w || strings.Contains(ref, w) {
			t.Fatalf("reference %q is the number", ref)
		}
		link := `href="/health/workers/` + ref + `"`
		for _, role := range []auth.Role{auth.PreventionOfficer, auth.DeterminationOfficer, auth.AssessmentSecretary, auth.MedicalAuditor} {
			for _, p := range []string{"/health", "/rehab", "/health/employers/" + e1} {
				r := get(h.As(role), p)
				if r.Code != 200 || strings.Contains(r.Body, w) || !strings.Contains(r.Body, privacy.MaskID(w)) || !strings.Contains(r.Body, link) {
					t.Errorf("%s as %s: %d, want the worker masked and linked by reference\n%s", p, role, r.Code, r.Body)
				}
			}
		}
		// The case's own page may show the number; its link carries the reference.
		if r := get(h.As(auth.MedicalAuditor), "/rehab/"+itoa(c.ID)); r.Code != 200 || !strings.Contains(r.Body, link) {
			t.Errorf("rehab case page: %d, want the worker linked by reference", r.Code)
		}
		auditor := h.As(auth.MedicalAuditor)
		for _, p := range []string{ref, w, strings.ToLower(w)} {
			r := get(auditor, "/health/workers/"+p)
			if r.Code != 200 || !strings.Contains(r.Body, "李四") || !strings.Contains(r.Body, "矽肺") {
				t.Errorf("worker page by %s: %d", p, r.Code)
			}
		}
		if r := get(auditor, "/health/workers/"+h.S.PersonRef("341502199001011234")); r.Code != 404 {
			t.Errorf("worker page of a person nobody here sees: %d, want 404", r.Code)
		}
		r := get(auditor, "/health?id="+strings.ToLower(w))
		if r.Code != http.StatusSeeOther || r.Location != "/health/workers/"+ref {
			t.Errorf("worker search: %d → %q, want the reference", r.Code, r.Location)
		}
	})
}
