package contribstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/enroll"
	"wiis/internal/fund/ledger"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

var teller = audit.Actor{Username: "teller1", RemoteAddr: "127.0.0.1"}

func setWage(t *testing.T, db *store.DB, region, from, avg string) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := policy.Put(context.Background(), tx, policy.Value{Region: region, Param: "area_avg_wage", EffectiveFrom: from, Raw: json.RawMessage(`"` + avg + `"`)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func amt(s string) *money.Amount { a := money.MustParse(s); return &a }

// A teller enrolls workers and sees the assessment change: the contract of issue 4.
func TestEnrollingAWorkerChangesTheMonthlyAssessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setWage(t, db, "341500", "2024-01-01", "7236.00") // floor 4341.60, ceiling 21708.00
		svc := &enroll.Service{DB: db, Now: func() time.Time { return time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC) }}
		uscc := idcode.GenerateUSCC('9', '1', "341502", 12345678)
		if err := svc.RegisterEmployer(ctx, teller, enroll.Employer{USCC: uscc, Name: "六安测试服装有限公司", Region: "341502", IndustryCode: "1810", RegisteredOn: "2015-03-01"}); err != nil {
			t.Fatal(err)
		}
		// Industry 18 (apparel) is class IV, 0.9%; the Anhui demo reduction is 0 from 2025.
		ri, err := contribstore.EmployerRate(ctx, db, uscc, "2025-03-01")
		if err != nil || ri.Class != 4 || ri.Rate.Percent() != "0.9%" {
			t.Fatalf("rate %+v %v", ri, err)
		}
		a, _, _, err := contribstore.Assess(ctx, db, uscc, "2025-03")
		if err != nil || a.Persons != 0 || a.Due != 0 {
			t.Fatalf("empty employer assessed %+v %v", a, err)
		}
		w1 := idcode.GenerateID(time.Date(1985, 5, 5, 0, 0, 0, 0, time.UTC), "341502", 11, idcode.Male)
		w2 := idcode.GenerateID(time.Date(1990, 6, 6, 0, 0, 0, 0, time.UTC), "341503", 12, idcode.Female)
		if _, err := svc.Record(ctx, teller, enroll.Person{IDNumber: w1, Name: "张伟"}, enroll.Event{USCC: uscc, Event: "add", Month: "2025-03", MonthlyBase: amt("6000.00")}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Record(ctx, teller, enroll.Person{IDNumber: w2, Name: "李娜"}, enroll.Event{USCC: uscc, Event: "add", Month: "2025-03", MonthlyBase: amt("3000.00"), Category: "intern"}); err != nil {
			t.Fatal(err)
		}
		a, _, _, err = contribstore.Assess(ctx, db, uscc, "2025-03")
		// 6000.00 + 4341.60 (floor) = 10341.60 × 0.9% = 93.0744 → 93.07
		if err != nil || a.Persons != 2 || a.Payroll.String() != "10341.60" || a.Due.String() != "93.07" {
			t.Fatalf("assessment %+v %v", a, err)
		}
		// The same add twice is a conflict naming the month; a remove ends coverage.
		_, err = svc.Record(ctx, teller, enroll.Person{IDNumber: w1}, enroll.Event{USCC: uscc, Event: "add", Month: "2025-04", MonthlyBase: amt("6000.00")})
		if e := apperr.As(err); e == nil || e.Code != apperr.Conflict || e.Field != "month" {
			t.Fatalf("double add: %v", err)
		}
		if _, err := svc.Record(ctx, teller, enroll.Person{IDNumber: w2}, enroll.Event{USCC: uscc, Event: "remove", Month: "2025-03"}); err != nil {
			t.Fatal(err)
		}
		a, _, _, _ = contribstore.Assess(ctx, db, uscc, "2025-04")
		if a.Persons != 1 || a.Due.String() != "54.00" {
			t.Fatalf("after remove: %+v", a)
		}
		h, err := enroll.PersonHistory(ctx, db, w2, "2025-06")
		if err != nil || len(h.Coverage) != 1 || h.Coverage[0].To != "2025-03" || h.Coverage[0].Category != "intern" {
			t.Fatalf("history %+v %v", h, err)
		}
		hits, err := enroll.Search(ctx, db, "李娜", 10)
		if err != nil || len(hits) != 1 || hits[0].Key != w2 {
			t.Fatalf("search %+v %v", hits, err)
		}
		// Bad input names the field.
		_, err = svc.Record(ctx, teller, enroll.Person{IDNumber: "341502198505050000", Name: "x"}, enroll.Event{USCC: uscc, Event: "add", Month: "2025-03", MonthlyBase: amt("1")})
		if e := apperr.As(err); e == nil || e.Field != "id_number" {
			t.Fatalf("bad id: %v", err)
		}
		// Reconciliation: 50.00 collected of 54.00 due for April, checked 30 days after the due day.
		if err := contribstore.RecordCollection(ctx, db, teller, uscc, "2025-04", money.MustParse("50.00"), "2025-04-28"); err != nil {
			t.Fatal(err)
		}
		st, err := contribstore.Statement(ctx, db, uscc, "2025-04", "2025-04", time.Date(2025, 5, 30, 0, 0, 0, 0, time.UTC))
		if err != nil || len(st) != 1 {
			t.Fatal(err)
		}
		r := st[0].Reconciliation
		// 4.00 arrears × 0.05% × 30 days = 0.06
		if r.Status != "underpaid" || r.Arrears.String() != "4.00" || r.DaysLate != 30 || r.LateFee.String() != "0.06" {
			t.Fatalf("reconciliation %+v", r)
		}
		// Floating rate: proposed by one officer, approved only by another.
		if _, err := contribstore.ProposeFloat(ctx, db, teller, uscc, "2026-01-01"); err != nil {
			t.Fatal(err)
		}
		err = contribstore.DecideFloat(ctx, db, teller, uscc, "2026-01-01", true)
		if e := apperr.As(err); e == nil || e.Code != apperr.Forbidden {
			t.Fatalf("self-approval: %v", err)
		}
		if err := contribstore.DecideFloat(ctx, db, audit.Actor{Username: "reviewer"}, uscc, "2026-01-01", true); err != nil {
			t.Fatal(err)
		}
		ri, _ = contribstore.EmployerRate(ctx, db, uscc, "2026-02-01")
		if ri.Source != "float:2026-01-01" {
			t.Fatalf("approved float not in force: %+v", ri)
		}
		if res, err := audit.Verify(ctx, db); err != nil || !res.OK() {
			t.Fatalf("audit chain: %+v %v", res, err)
		}
	})
}

func TestCollectionsPostToTheFundLedgerOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &enroll.Service{DB: db}
		uscc := idcode.GenerateUSCC('9', '1', "341503", 22223333)
		if err := svc.RegisterEmployer(ctx, teller, enroll.Employer{USCC: uscc, Name: "六安测试建筑有限公司", Region: "341503", IndustryCode: "4700"}); err != nil {
			t.Fatal(err)
		}
		if err := contribstore.RecordCollection(ctx, db, teller, uscc, "2024-05", money.MustParse("812.50"), "2024-05-28"); err != nil {
			t.Fatal(err)
		}
		err := contribstore.RecordCollection(ctx, db, teller, uscc, "2024-05", money.MustParse("812.50"), "2024-05-28")
		if apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("the same collection twice: %v", err)
		}
		inc, err := ledger.MonthlyNet(ctx, db, "3415", "income", "2024-01-01", "2024-12-31")
		if err != nil || inc["2024-05"] != money.MustParse("812.50") {
			t.Fatalf("ledger income %v %v", inc, err)
		}
	})
}
