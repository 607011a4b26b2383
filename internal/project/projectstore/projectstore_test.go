package projectstore

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/project"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

var (
	now        = time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
	by         = audit.Actor{Username: "teller"}
	contractor = idcode.GenerateUSCC('9', '1', "341502", 47000001)
	worker     = idcode.GenerateID(time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), "341522", 21, idcode.Male)
)

func setup(t *testing.T, db *store.DB) *enroll.Service {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := policy.Put(ctx, tx, policy.Value{Region: "341500", Param: "area_avg_wage", EffectiveFrom: "2024-01-01", Raw: json.RawMessage(`"7236.00"`)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	svc := &enroll.Service{DB: db, Now: func() time.Time { return now }}
	if err := svc.RegisterEmployer(ctx, by, enroll.Employer{USCC: contractor, Name: "六安建工集团有限公司", Region: "341502", IndustryCode: "4710", Status: "active", RegisteredOn: "2010-01-01"}); err != nil {
		t.Fatal(err)
	}
	return svc
}

func register(t *testing.T, db *store.DB, code, start string) project.Project {
	t.Helper()
	p, err := Register(context.Background(), db, by, project.Project{Code: code, USCC: contractor, Name: "安置房工程", Region: "341502",
		ContractValue: money.MustParse("18640000.00"), StartDate: start, EndDate: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProjectPremiumTakesThePolicyRateAndPostsItsPayment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setup(t, db)
		// Lu'an: 0.2%, then 0.15% from July 2016, read on the start date.
		if p := register(t, db, "LA2016A", "2016-06-30"); p.Rate.String() != "0.002" || p.Premium() != money.MustParse("37280.00") {
			t.Errorf("before July 2016: rate %s premium %s", p.Rate, p.Premium())
		}
		p := register(t, db, "LA2025A", "2025-03-01")
		if p.Rate.String() != "0.0015" || p.Premium() != money.MustParse("27960.00") {
			t.Fatalf("rate %s premium %s, want 0.0015 and 27960.00", p.Rate, p.Premium())
		}
		if _, err := Register(ctx, db, by, project.Project{Code: "LA2025A", USCC: contractor, Name: "x", Region: "341502",
			ContractValue: 1, StartDate: "2025-01-01", EndDate: "2025-02-01"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("duplicate code: %v", err)
		}
		pay, err := Pay(ctx, db, by, "LA2025A", "2025-03-05", now)
		if err != nil {
			t.Fatal(err)
		}
		if pay.Amount != p.Premium() {
			t.Errorf("paid %s", pay.Amount)
		}
		if _, err := Pay(ctx, db, by, "LA2025A", "2025-03-06", now); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second payment: %v", err)
		}
		var acct string
		var credit int64
		if err := db.QueryRow(ctx, `SELECT l.account, l.credit FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
			WHERE p.source = 'project_premium' AND p.source_ref = 'LA2025A' AND l.credit > 0`).Scan(&acct, &credit); err != nil {
			t.Fatal(err)
		}
		if acct != "income:contributions" || money.Amount(credit) != p.Premium() {
			t.Errorf("ledger %s %d", acct, credit)
		}
		list, err := List(ctx, db, Filter{RegionPrefix: "3415", Unpaid: true})
		if err != nil || len(list) != 1 || list[0].Code != "LA2016A" {
			t.Errorf("unpaid list %+v %v", list, err)
		}
	})
}

func TestRosterEnrollsInCategoryProjectOutsideTheMonthlyAssessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := setup(t, db)
		register(t, db, "LA2025A", "2025-03-01")
		register(t, db, "LA2025B", "2025-03-01")
		line, err := AddToRoster(ctx, db, svc, by, "LA2025A", enroll.Person{IDNumber: worker, Name: "张建国"}, "2025-03-10", nil, now)
		if err != nil {
			t.Fatal(err)
		}
		if !line.Enrolled {
			t.Fatal("first site: not enrolled")
		}
		if _, err := AddToRoster(ctx, db, svc, by, "LA2025A", enroll.Person{IDNumber: worker}, "2025-03-11", nil, now); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("twice on one site: %v", err)
		}
		// A second site of the same contractor: already covered, roster only.
		line2, err := AddToRoster(ctx, db, svc, by, "LA2025B", enroll.Person{IDNumber: worker}, "2025-04-01", nil, now)
		if err != nil || line2.Enrolled {
			t.Fatalf("second site: %+v %v", line2, err)
		}
		cov, err := enroll.CoveredInMonth(ctx, db, contractor, "2025-04")
		if err != nil || len(cov) != 1 || cov[0].Category != "project" || cov[0].Base != "7236.00" {
			t.Fatalf("coverage %+v %v", cov, err)
		}
		a, _, _, err := contribstore.Assess(ctx, db, contractor, "2025-04")
		if err != nil {
			t.Fatal(err)
		}
		if a.Due != 0 {
			t.Errorf("the monthly assessment charges project workers: %+v", a)
		}
		// Leaving the first site hands the enrollment to the second; leaving that ends it.
		if _, err := Leave(ctx, db, svc, by, "LA2025A", worker, "2025-05-20", now); err != nil {
			t.Fatal(err)
		}
		if cov, _ := enroll.CoveredInMonth(ctx, db, contractor, "2025-06"); len(cov) != 1 {
			t.Errorf("after leaving one of two sites: covered %d", len(cov))
		}
		if _, err := Leave(ctx, db, svc, by, "LA2025B", worker, "2025-07-31", now); err != nil {
			t.Fatal(err)
		}
		if cov, _ := enroll.CoveredInMonth(ctx, db, contractor, "2025-07"); len(cov) != 1 {
			t.Errorf("last month on site: covered %d", len(cov))
		}
		if cov, _ := enroll.CoveredInMonth(ctx, db, contractor, "2025-08"); len(cov) != 0 {
			t.Errorf("after leaving every site: covered %d", len(cov))
		}
		d, err := Load(ctx, db, "LA2025B")
		if err != nil || len(d.Roster) != 1 || !d.Roster[0].Enrolled || d.Roster[0].To != "2025-07-31" || d.OnSite != 0 {
			t.Errorf("detail %+v %v", d.Roster, err)
		}
		if _, err := AddToRoster(ctx, db, svc, by, "LA2025A", enroll.Person{IDNumber: worker}, "2027-01-01", nil, now); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("outside the project: %v", err)
		}
	})
}

func TestAccidentReportRecordsItsTimeAndFillsTheClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setup(t, db)
		register(t, db, "LA2025A", "2025-03-01")
		if _, err := db.Exec(ctx, `INSERT INTO claims (claim_no, id_number, uscc, injury_at, project_code) VALUES ('GS1', ?, ?, '2025-04-01T09:00', 'LA2025A')`, worker, contractor); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			at   string
			late bool
		}{{"2025-04-03T09:00", false}, {"2025-04-03T09:01", true}} {
			a, err := ReportAccident(ctx, db, by, project.Accident{ProjectCode: "LA2025A", IDNumber: worker, OccurredAt: "2025-04-01T09:00",
				ReportedAt: c.at, Description: "脚手架坠落"}, now)
			if err != nil {
				t.Fatal(err)
			}
			if a.Late != c.late {
				t.Errorf("reported %s: late %v", c.at, a.Late)
			}
		}
		var rep string
		if err := db.QueryRow(ctx, `SELECT reported_at FROM claims WHERE claim_no = 'GS1'`).Scan(&rep); err != nil || rep != "2025-04-03T09:00" {
			t.Errorf("claim reported_at %q %v (the first report wins)", rep, err)
		}
		d, err := Load(ctx, db, "LA2025A")
		if err != nil || d.Summary.Accidents != 2 || d.Late != 1 {
			t.Errorf("detail accidents %d late %d %v", d.Summary.Accidents, d.Late, err)
		}
	})
}
