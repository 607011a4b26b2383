package payrollsvc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func putPolicy(t *testing.T, db *store.DB, region, from string, p payroll.CertificationPolicy) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return PutCertificationPolicy(context.Background(), tx, region, from, p, "test", "admin")
	})
	if err != nil {
		t.Fatal(err)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNoRegionPolicyCertifiesNobodyAndThePayrollIsUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// The reference: no region at all, as before certification existed.
		ref := New(storetest.Open(t, db.Engine))
		s := New(db)
		s.Region = "341502"
		for _, x := range []*Service{ref, s} {
			addBen(t, x.DB, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2020-01", bank: "1"})
			addBen(t, x.DB, ben{id: idSpo, name: "丙", item: payroll.SurvivorPension, relation: "spouse", amount: "2400", start: "2021-03", bank: "2", worker: idW})
		}
		// A policy of another region does not reach this one.
		putPolicy(t, db, "320400", "2020-01-01", payroll.CertificationPolicy{GraceMonths: 0, Cycle: payroll.CycleAnniversary})
		for _, m := range []string{"2023-11", "2023-12", "2024-01", "2024-05"} {
			_, want := run(t, ref, m)
			_, got := run(t, s, m)
			if got != want {
				t.Fatalf("%s: lines changed without a policy:\n%s\nwant\n%s", m, got, want)
			}
		}
		if w, _ := s.WithheldIn(ctx, payroll.MustMonth("2024-05")); len(w) != 0 {
			t.Fatalf("withheld without a policy: %+v", w)
		}
		if l, _ := s.CertificationList(ctx, CertificationFilter{On: day("2024-05-01")}); len(l) != 0 {
			t.Fatalf("work list without a policy: %+v", l)
		}
	})
}

func TestMissedCertificationSuspendsAcrossTheYearEndAndACounterCertificationPaysBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		s.Region = "341502"
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2022-06", bank: "1"})
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.NursingCare, selfCare: "full", amount: "2000", start: "2022-06", bank: "1"})
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "most", amount: "1500", start: "2022-06", bank: "2"})
		// On in the city from 2023-08-01: first due 2024-08-01, three months' grace, so a
		// beneficiary who never certifies is suspended from November 2024.
		putPolicy(t, db, "341500", "2023-08-01", payroll.CertificationPolicy{GraceMonths: 3, Cycle: payroll.CycleAnniversary})
		if _, err := s.FindEntitlement(ctx, idA, payroll.DisabilityAllowance, idA); err != nil { // syncs
			t.Fatal(err)
		}
		if _, _, err := s.Certify(ctx, Certification{IDNumber: idB, CertifiedOn: "2024-06-20", Channel: payroll.ChannelDataComparison,
			Evidence: "hospital stay 2024-06-18 (医保结算 #4411)", RecordedBy: "import"}); err != nil {
			t.Fatal(err)
		}
		list, err := s.CertificationList(ctx, CertificationFilter{Region: "3415", On: day("2024-07-10")})
		if err != nil || len(list) != 2 || list[0].IDNumber != idA || list[0].Status != payroll.StatusDueSoon || list[0].Due != "2024-08-01" ||
			list[1].Status != payroll.StatusCurrent || list[1].Due != "2025-06-20" {
			t.Fatalf("work list on 2024-07-10: %+v %v", list, err)
		}
		if l, _ := s.CertificationList(ctx, CertificationFilter{Status: payroll.StatusDue, On: day("2024-09-01")}); len(l) != 1 || l[0].GraceEnds != "2024-11-01" {
			t.Fatalf("due on 2024-09-01: %+v", l)
		}
		_, oct := run(t, s, "2024-10")
		if lineOf(oct, idA, payroll.DisabilityAllowance) != "4000.00" {
			t.Fatalf("October within the grace period:\n%s", oct)
		}
		for _, m := range []string{"2024-11", "2024-12"} {
			_, f := run(t, s, m)
			if strings.Contains(f, idA) || lineOf(f, idB, payroll.NursingCare) != "1500.00" {
				t.Fatalf("%s: overdue beneficiary paid, or the certified one not:\n%s", m, f)
			}
		}
		w, _ := s.WithheldIn(ctx, payroll.MustMonth("2024-12"))
		if len(w) != 2 || w[0].Cause != CauseCertification || !strings.Contains(w[0].Reason, "due 2024-08-01") || w[0].From != "2024-11" {
			t.Fatalf("withheld in December: %+v", w)
		}
		if l, _ := s.CertificationList(ctx, CertificationFilter{Status: payroll.StatusOverdue, On: day("2024-12-15")}); len(l) != 1 || !l[0].Suspended {
			t.Fatalf("overdue list: %+v", l)
		}
		// Certified at a counter in January: January is paid, and November and December back.
		_, lifted, err := s.Certify(ctx, Certification{IDNumber: idA, CertifiedOn: "2025-01-10", Channel: payroll.ChannelCounter,
			Evidence: "ID card checked in person", Office: "341502", RecordedBy: "teller1"})
		if err != nil || lifted != 2 {
			t.Fatalf("certify: lifted %d, %v", lifted, err)
		}
		_, jan := run(t, s, "2025-01")
		for item, want := range map[string]string{payroll.DisabilityAllowance: "4000.00", payroll.DisabilityAllowance + payroll.BackPaySuffix: "8000.00",
			payroll.NursingCare: "2000.00", payroll.NursingCare + payroll.BackPaySuffix: "4000.00"} {
			if got := lineOf(jan, idA, item); got != want {
				t.Fatalf("January %s = %q, want %s:\n%s", item, got, want, jan)
			}
		}
		_, feb := run(t, s, "2025-02")
		if lineOf(feb, idA, payroll.DisabilityAllowance+payroll.BackPaySuffix) != "" || lineOf(feb, idA, payroll.DisabilityAllowance) != "4000.00" {
			t.Fatalf("February paid back again:\n%s", feb)
		}
		if l, _ := s.CertificationList(ctx, CertificationFilter{On: day("2025-02-01")}); l[len(l)-1].IDNumber != idA || l[len(l)-1].Due != "2026-01-10" {
			t.Fatalf("next due after certifying: %+v", l)
		}
	})
}

func TestSelfCertificationGoesThroughTheIdentityService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2022-06", bank: "1"})
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "most", amount: "1500", start: "2022-06", bank: "2"})
		if _, err := s.FindEntitlement(ctx, idA, payroll.DisabilityAllowance, idA); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SelfCertify(ctx, MatchRequest{IDNumber: idA, Media: []byte("jpeg")}); !errors.Is(err, ErrConflict) {
			t.Fatalf("no identity service: %v", err)
		}
		s.Matcher = StandInMatcher{Reject: map[string]bool{idB: true}}
		if _, _, err := s.SelfCertify(ctx, MatchRequest{IDNumber: idB, Media: []byte("jpeg"), Device: "app"}); !errors.Is(err, ErrNotMatched) {
			t.Fatalf("rejected face: %v", err)
		}
		if _, _, err := s.SelfCertify(ctx, MatchRequest{IDNumber: idA, Media: []byte("jpeg"), Device: "app"}); err != nil {
			t.Fatal(err)
		}
		cs, _ := s.Certifications(ctx, idA)
		if len(cs) != 1 || cs[0].Channel != payroll.ChannelSelfService || !strings.Contains(cs[0].Evidence, "stand-in match ref") {
			t.Fatalf("certifications: %+v", cs)
		}
		if cs, _ := s.Certifications(ctx, idB); len(cs) != 0 {
			t.Fatalf("a non-match was recorded: %+v", cs)
		}
		if _, _, err := s.Certify(ctx, Certification{IDNumber: idA, Channel: "fax", Evidence: "x", RecordedBy: "t"}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("bad channel: %v", err)
		}
	})
}

func TestFalseCertificationMakesTheMonthsSinceAReceivable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2024-01", bank: "1"})
		for _, m := range []string{"2024-01", "2024-02", "2024-03", "2024-04"} {
			run(t, s, m)
		}
		id, _, err := s.Certify(ctx, Certification{IDNumber: idA, CertifiedOn: "2024-02-01", Channel: payroll.ChannelHomeVisit, Evidence: "visit", RecordedBy: "v"})
		if err != nil {
			t.Fatal(err)
		}
		est, err := s.RevokeCertification(ctx, id, payroll.MustMonth("2024-03"), "visit report forged", "inspector")
		if err != nil || est != int64(money.MustParse("8000")) {
			t.Fatalf("revoke: %d %v", est, err)
		}
		r, _ := s.GetReceivable(ctx, idA)
		if r.Balance != money.MustParse("8000") || r.Entries[0].Cause != OverpaidFalseCertification {
			t.Fatalf("receivable %+v", r)
		}
		if _, err := s.RevokeCertification(ctx, id, 0, "again", "inspector"); !errors.Is(err, ErrConflict) {
			t.Fatalf("revoked twice: %v", err)
		}
	})
}

func TestCertificationPolicyDueDates(t *testing.T) {
	p := payroll.CertificationPolicy{From: "2024-01-01", GraceMonths: 3, Cycle: payroll.CycleAnniversary}
	cases := []struct {
		start, last, due string
		susp             string
	}{
		{"2020-05", "", "2025-01-01", "2025-04"},
		{"2024-06", "", "2025-06-01", "2025-09"},
		{"2020-05", "2024-11-30", "2025-11-30", "2026-03"},
		{"2020-05", "2023-12-31", "2025-01-01", "2025-04"}, // before the policy: ignored
	}
	for _, c := range cases {
		var last time.Time
		if c.last != "" {
			last = day(c.last)
		}
		due := p.NextDue(payroll.MustMonth(c.start), last)
		if due.Format(time.DateOnly) != c.due || p.SuspendFrom(due).String() != c.susp {
			t.Errorf("%+v: due %s suspend from %s", c, due.Format(time.DateOnly), p.SuspendFrom(due))
		}
	}
	f := payroll.CertificationPolicy{From: "2024-01-01", GraceMonths: 2, Cycle: payroll.CycleFixedMonth, Month: 6}
	if d := f.NextDue(payroll.MustMonth("2020-01"), day("2024-09-15")); d.Format(time.DateOnly) != "2025-06-01" || f.SuspendFrom(d).String() != "2025-08" {
		t.Errorf("fixed month: %s", d)
	}
	if err := (payroll.CertificationPolicy{From: "2024-01-01", Cycle: payroll.CycleFixedMonth}).Validate(); err == nil || !strings.Contains(err.Error(), "certification.month") {
		t.Errorf("fixed_month without a month: %v", err)
	}
	if payroll.AddMonths(day("2024-01-31"), 1).Format(time.DateOnly) != "2024-02-29" {
		t.Error("AddMonths does not clamp")
	}
}
