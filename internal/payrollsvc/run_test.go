package payrollsvc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

type ben struct {
	id, name, item string
	grade          int
	selfCare       string
	relation       string
	orphan         bool
	amount         string
	start, end     string
	bank, worker   string
}

func addBen(t testing.TB, db *store.DB, b ben) {
	t.Helper()
	if b.worker == "" {
		b.worker = b.id
	}
	var grade, self, rel, end any
	if b.grade != 0 {
		grade = b.grade
	}
	if b.selfCare != "" {
		self = b.selfCare
	}
	if b.relation != "" {
		rel = b.relation
	}
	if b.end != "" {
		end = b.end
	}
	orphan := 0
	if b.orphan {
		orphan = 1
	}
	_, err := db.Exec(context.Background(), `INSERT INTO beneficiaries (id_number, name, item, grade, self_care,
		relation, orphan_or_lone, monthly_amount, start_month, end_month, bank_account, worker_id_number)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.id, b.name, b.item, grade, self, rel, orphan,
		int64(money.MustParse(b.amount)), b.start, end, b.bank, b.worker)
	if err != nil {
		t.Fatal(err)
	}
}

func addDeath(t testing.TB, db *store.DB, id, date string) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `INSERT INTO deaths (id_number, death_date) VALUES (?, ?)`, id, date); err != nil {
		t.Fatal(err)
	}
}

func addPayment(t testing.TB, db *store.DB, id, item, month, amount, bank string) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `INSERT INTO payments (id_number, item, month, amount, bank_account)
		VALUES (?, ?, ?, ?, ?)`, id, item, month, int64(money.MustParse(amount)), bank); err != nil {
		t.Fatal(err)
	}
}

func run(t testing.TB, s *Service, month string) (*Summary, string) {
	t.Helper()
	sum, err := s.Run(context.Background(), payroll.MustMonth(month), "alice")
	if err != nil {
		t.Fatalf("run %s: %v", month, err)
	}
	return sum, bankFile(t, s, month)
}

func bankFile(t testing.TB, s *Service, month string) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := s.WriteBankFile(context.Background(), payroll.MustMonth(month), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const (
	idA     = "320402198001010011" // adult, grade 1
	idB     = "320402197502020022" // nursing care
	idSpo   = "320402198203030033" // survivor spouse
	idChild = "320402200605020043" // child born 2006-05-02
	idW     = "320402197801010055" // deceased worker
)

func TestRunPaysOneSortedLinePerPersonItemAndMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2020-01", bank: "622002"})
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.NursingCare, selfCare: "full", amount: "2228.92", start: "2020-01", bank: "622002"})
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "most", amount: "1783.13", start: "2020-01", end: "2024-04", bank: "622001"})
		addBen(t, db, ben{id: idSpo, name: "丙", item: payroll.SurvivorPension, relation: "spouse", amount: "2400", start: "2020-01", bank: "622001", worker: idW})
		addBen(t, db, ben{id: idChild, name: "丁", item: payroll.SurvivorPension, relation: "child", orphan: true, amount: "1800", start: "2020-01", bank: "622001", worker: idW})
		sum, file := run(t, s, "2024-05")
		want := "id_number,name,item,month,amount,bank_account\n" +
			idSpo + ",丙,survivor_pension,2024-05,2400.00,622001\n" +
			idChild + ",丁,survivor_pension,2024-05,1800.00,622001\n" +
			idA + ",甲,disability_allowance,2024-05,4000.00,622002\n" +
			idA + ",甲,nursing_care,2024-05,2228.92,622002\n"
		if file != want {
			t.Fatalf("bank file:\n%s\nwant:\n%s", file, want)
		}
		if sum.Lines != 4 || sum.Persons != 3 || sum.Total != money.MustParse("10428.92") || sum.State != StateComputed || len(sum.Items) != 3 {
			t.Fatalf("summary %+v", sum)
		}
		// The child turns 18 on 2024-05-02: June is not paid.
		_, file = run(t, s, "2024-06")
		if strings.Contains(file, idChild) {
			t.Fatalf("child paid after turning 18:\n%s", file)
		}
		// Every line is a payment, visible to the risk rules.
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM payments WHERE source = 'payroll:2024-05'`).Scan(&n)
		if n != 4 {
			t.Fatalf("payments of the run = %d", n)
		}
	})
}

func TestDeathMonthIsPaidAndTheMonthAfterIsNotByTheRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 2, amount: "3600", start: "2020-01", bank: "6"})
		addDeath(t, db, idA, "2024-05-31")
		if sum, _ := run(t, s, "2024-05"); sum.Lines != 1 {
			t.Fatalf("death month: %d lines", sum.Lines)
		}
		if sum, _ := run(t, s, "2024-06"); sum.Lines != 0 {
			t.Fatalf("month after death: %d lines", sum.Lines)
		}
	})
}

func TestRerunChangesNothingAndWritesTheSameFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2020-01", bank: "6"})
		sum1, f1 := run(t, s, "2024-05")
		// A beneficiary imported after the run does not change the computed month.
		addBen(t, db, ben{id: idB, name: "乙", item: payroll.NursingCare, selfCare: "full", amount: "100", start: "2020-01", bank: "7"})
		sum2, f2 := run(t, s, "2024-05")
		if f1 != f2 || sum1.Lines != sum2.Lines || sum1.Total != sum2.Total || sum1.Version != sum2.Version {
			t.Fatalf("rerun changed the run:\n%s\n%s", f1, f2)
		}
	})
}

func TestImportedPaymentOfTheMonthIsNotPaidAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := New(db)
		addBen(t, db, ben{id: idA, name: "甲", item: payroll.DisabilityAllowance, grade: 1, amount: "4000", start: "2020-01", bank: "6"})
		addPayment(t, db, idA, payroll.DisabilityAllowance, "2024-05", "4000", "6")
		if sum, f := run(t, s, "2024-05"); sum.Lines != 0 || strings.Count(f, "\n") != 1 {
			t.Fatalf("paid twice: %+v\n%s", sum, f)
		}
	})
}

func TestRunKilledBetweenBatchesFinishesWithEveryLineOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 57
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("3204021980%04d%03dX", 101+i%1000, i)
			addBen(t, db, ben{id: id, name: "某", item: payroll.DisabilityAllowance, grade: 1 + i%4, amount: "3000", start: "2020-01", bank: fmt.Sprintf("62%03d", n-i)})
			if i%3 == 0 {
				addBen(t, db, ben{id: id, name: "某", item: payroll.NursingCare, selfCare: "partial", amount: "1000", start: "2020-01", bank: fmt.Sprintf("62%03d", n-i)})
			}
		}
		// The uninterrupted run, for comparison, on a second database.
		ref := New(storetest.Open(t, db.Engine))
		rows, _ := db.Query(context.Background(), `SELECT id_number, name, item, grade, self_care, monthly_amount, start_month, bank_account FROM beneficiaries`)
		for rows.Next() {
			var b ben
			var grade *int
			var self *string
			var amt int64
			rows.Scan(&b.id, &b.name, &b.item, &grade, &self, &amt, &b.start, &b.bank)
			if grade != nil {
				b.grade = *grade
			}
			if self != nil {
				b.selfCare = *self
			}
			b.amount = money.Amount(amt).String()
			addBen(t, ref.DB, b)
		}
		rows.Close()
		_, want := run(t, ref, "2024-05")

		crash := errors.New("killed")
		s := New(db)
		s.BatchSize = 7
		s.afterBatch = func(b int) error {
			if b == 3 {
				return crash
			}
			return nil
		}
		if _, err := s.Run(context.Background(), payroll.MustMonth("2024-05"), "alice"); !errors.Is(err, crash) {
			t.Fatalf("first run: %v", err)
		}
		if r, _ := s.GetRun(context.Background(), payroll.MustMonth("2024-05")); r.State != StateComputing || r.Lines == 0 {
			t.Fatalf("after the crash: %+v", r)
		}
		s.afterBatch = nil
		sum, got := run(t, s, "2024-05")
		if got != want {
			t.Fatalf("resumed file differs:\n%s\nwant\n%s", got, want)
		}
		if sum.Lines != n+(n+2)/3 || sum.Persons != n {
			t.Fatalf("summary %+v", sum)
		}
	})
}
