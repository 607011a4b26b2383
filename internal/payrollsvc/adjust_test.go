package payrollsvc

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

const weihaiRule = `{"effective_month": "2017-01",
 "disability_allowance": {"by_grade": {"1": "195", "2": "185", "3": "175", "4": "165"}},
 "nursing_care": {"area_avg_wage": "4809.75"},
 "survivor_pension": {"spouse": "69", "other": "51", "orphan_or_lone_extra": "20"}}`

const idOrphan = "320402200503030064" // born 2005: a minor in 2017

func weihaiBeneficiaries(t *testing.T, db *store.DB) {
	addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2015-01", bank: "1"})
	addBen(t, db, ben{id: idA, name: "甲", item: payroll.NursingCare, selfCare: "full", amount: "2228.92", start: "2015-01", bank: "1"})
	addBen(t, db, ben{id: idSpo, name: "丙", item: payroll.SurvivorPension, relation: "spouse", amount: "2400", start: "2015-01", bank: "2", worker: idW})
	addBen(t, db, ben{id: idOrphan, name: "戊", item: payroll.SurvivorPension, relation: "child", orphan: true, amount: "1800", start: "2015-01", bank: "2", worker: idW})
}

func lineOf(file, id, item string) string {
	for _, l := range strings.Split(file, "\n") {
		f := strings.Split(l, ",")
		if len(f) == 6 && f[0] == id && f[2] == item {
			return f[4]
		}
	}
	return ""
}

func TestWeihaiAdjustmentPaysBackTheMonthsAlreadyPaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		weihaiBeneficiaries(t, db)
		// January to August paid at the old amounts: the first four months by the legacy
		// system (imported payments), May to August by wiis.
		for _, m := range []string{"2017-01", "2017-02", "2017-03", "2017-04"} {
			addPayment(t, db, idA, payroll.DisabilityAllowance, m, "4000", "1")
			addPayment(t, db, idA, payroll.NursingCare, m, "2228.92", "1")
			addPayment(t, db, idSpo, payroll.SurvivorPension, m, "2400", "2")
			addPayment(t, db, idOrphan, payroll.SurvivorPension, m, "1800", "2")
		}
		for _, m := range []string{"2017-05", "2017-06", "2017-07", "2017-08"} {
			run(t, s, m)
		}
		rule, err := payroll.ParseRule([]byte(weihaiRule))
		if err != nil {
			t.Fatal(err)
		}
		pre, err := s.Adjust(ctx, rule, "alice", true)
		if err != nil {
			t.Fatal(err)
		}
		want := money.MustParse("195") + money.MustParse("175.96") + money.MustParse("69") + money.MustParse("71")
		if pre.Entitlements != 4 || pre.Persons != 3 || pre.MonthlyCost != want || pre.BackPay != want.Times(8) {
			t.Fatalf("preview %+v", pre)
		}
		var amounts int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM payroll_amounts`).Scan(&amounts)
		if amounts != 4 {
			t.Fatalf("preview changed amounts: %d rows", amounts)
		}
		rep, err := s.Adjust(ctx, rule, "alice", false)
		if err != nil || rep.AlreadyApplied || rep.MonthlyCost != want {
			t.Fatalf("apply %+v %v", rep, err)
		}
		again, err := s.Adjust(ctx, rule, "alice", false)
		if err != nil || !again.AlreadyApplied {
			t.Fatalf("second apply %+v %v", again, err)
		}
		_, file := run(t, s, "2017-09")
		for _, c := range [][3]string{
			{idA, "disability_allowance", "4195.00"}, {idA, "disability_allowance_backpay", "1560.00"},
			{idA, "nursing_care", "2404.88"}, {idA, "nursing_care_backpay", "1407.68"},
			{idSpo, "survivor_pension", "2469.00"}, {idSpo, "survivor_pension_backpay", "552.00"},
			{idOrphan, "survivor_pension", "1871.00"}, {idOrphan, "survivor_pension_backpay", "568.00"},
		} {
			if got := lineOf(file, c[0], c[1]); got != c[2] {
				t.Errorf("%s %s = %q, want %s\n%s", c[0], c[1], got, c[2], file)
			}
		}
		// Back pay is paid once: the next month has none.
		_, file = run(t, s, "2017-10")
		if strings.Contains(file, "_backpay") {
			t.Fatalf("back pay paid twice:\n%s", file)
		}
	})
}

func TestSecondAdjustmentCountsEarlierBackPay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2017-01", bank: "1"})
		for _, m := range []string{"2017-01", "2017-02", "2017-03"} {
			run(t, s, m)
		}
		r1, _ := payroll.ParseRule([]byte(`{"effective_month":"2017-01","disability_allowance":{"by_grade":{"1":"100"}}}`))
		if _, err := s.Adjust(ctx, r1, "alice", false); err != nil {
			t.Fatal(err)
		}
		_, f := run(t, s, "2017-04") // back pay 3 × 100
		if lineOf(f, idA, "disability_allowance_backpay") != "300.00" {
			t.Fatalf("first back pay:\n%s", f)
		}
		// A second rule from February: +5% of 4,100.00 = 4,305.00; Feb–Apr were paid 4,100.00
		// (March and February through back pay), so 3 × 205.00.
		r2, _ := payroll.ParseRule([]byte(`{"effective_month":"2017-02","disability_allowance":{"percent":"5"}}`))
		if _, err := s.Adjust(ctx, r2, "alice", false); err != nil {
			t.Fatal(err)
		}
		_, f = run(t, s, "2017-05")
		if lineOf(f, idA, "disability_allowance") != "4305.00" || lineOf(f, idA, "disability_allowance_backpay") != "615.00" {
			t.Fatalf("second back pay:\n%s", f)
		}
	})
}

func TestSuspensionAndLiftingPayBackAcrossAYearEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 3, amount: "3000", start: "2023-01", bank: "1"})
		run(t, s, "2023-10")
		id, err := s.FindEntitlement(ctx, idA, payroll.DisabilityAllowance, idA)
		if err != nil {
			t.Fatal(err)
		}
		sid, err := s.Suspend(ctx, id, payroll.MustMonth("2023-11"), 0, "refused reassessment", "alice")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"2023-11", "2023-12", "2024-01"} {
			if sum, _ := run(t, s, m); sum.Lines != 0 {
				t.Fatalf("%s paid while suspended", m)
			}
		}
		if err := s.LiftSuspension(ctx, sid, "bob"); err != nil {
			t.Fatal(err)
		}
		if err := s.LiftSuspension(ctx, sid, "bob"); !errors.Is(err, ErrConflict) {
			t.Fatalf("lifted twice: %v", err)
		}
		_, f := run(t, s, "2024-02")
		if lineOf(f, idA, "disability_allowance") != "3000.00" || lineOf(f, idA, "disability_allowance_backpay") != "9000.00" {
			t.Fatalf("after lifting:\n%s", f)
		}
		if _, f := run(t, s, "2024-03"); strings.Contains(f, "_backpay") {
			t.Fatalf("paid back twice:\n%s", f)
		}
	})
}

func TestUnableToWorkKeepsAnAdultChildPaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		addBen(t, db, ben{id: idChild, name: "丁", item: payroll.SurvivorPension, relation: "child", amount: "1800", start: "2020-01", bank: "1", worker: idW})
		id, _ := s.FindEntitlement(ctx, idChild, payroll.SurvivorPension, idW)
		if err := s.SetUnableToWork(ctx, id, true, "alice"); err != nil {
			t.Fatal(err)
		}
		if sum, _ := run(t, s, "2025-01"); sum.Lines != 1 {
			t.Fatal("unable-to-work child not paid at 18")
		}
	})
}

func TestFourEyesApprovalExportAndReconciliation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db)
		// The hook writes in the change's transaction: a rolled-back change leaves no record.
		s.Audit = func(ctx context.Context, tx *store.Tx, ev AuditEvent) error {
			_, err := audit.Append(ctx, tx, audit.Record{Actor: ev.Actor, Action: ev.Action, Entity: ev.Entity, EntityID: ev.EntityID})
			return err
		}
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2020-01", bank: "1"})
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "full", amount: "2000", start: "2020-01", bank: "2"})
		m := payroll.MustMonth("2024-05")
		run(t, s, "2024-05")
		if _, err := s.Export(ctx, m, "bob", &bytes.Buffer{}); !errors.Is(err, ErrConflict) {
			t.Fatalf("export before approval: %v", err)
		}
		if err := s.Approve(ctx, m, "alice"); !errors.Is(err, ErrFourEyes) {
			t.Fatalf("preparer approved: %v", err)
		}
		if err := s.Approve(ctx, m, "bob"); err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, m, "carol"); !errors.Is(err, ErrConflict) {
			t.Fatalf("approved twice: %v", err)
		}
		var file bytes.Buffer
		if n, err := s.Export(ctx, m, "bob", &file); err != nil || n != 2 {
			t.Fatalf("export: %d %v", n, err)
		}
		bad := "id_number,item,month,amount,status,reason\n" + idA + ",disability_allowance,2024-05,4000.01,ok,\n"
		if _, err := s.Reconcile(ctx, m, "bob", strings.NewReader(bad)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "amount") {
			t.Fatalf("wrong amount accepted: %v", err)
		}
		ret := "id_number,item,month,amount,status,reason\n" + idA + ",disability_allowance,2024-05,4000.00,ok,\n" +
			idB + ",nursing_care,2024-05,2000.00,failed,account closed\n"
		if n, err := s.Reconcile(ctx, m, "bob", strings.NewReader(ret)); err != nil || n != 1 {
			t.Fatalf("reconcile: %d %v", n, err)
		}
		var status string
		db.QueryRow(ctx, `SELECT status FROM payroll_line_status WHERE id_number = ?`, idB).Scan(&status)
		r, _ := s.GetRun(ctx, m)
		if status != "failed" || r.State != StateReconciled || r.ApprovedBy != "bob" {
			t.Fatalf("after reconcile: %s %+v", status, r)
		}
		want := "payroll.run.start:alice payroll.run.computed:alice payroll.run.approve:bob ledger.posted:bob payroll.run.export:bob payroll.run.reconcile:bob"
		var actions []string
		rows, _ := db.Query(ctx, `SELECT action, actor FROM audit_log ORDER BY seq`)
		for rows.Next() {
			var a, b string
			rows.Scan(&a, &b)
			actions = append(actions, a+":"+b)
		}
		rows.Close()
		if got := strings.Join(actions, " "); got != want {
			t.Fatalf("audit:\n%s\nwant\n%s", got, want)
		}
	})
}
