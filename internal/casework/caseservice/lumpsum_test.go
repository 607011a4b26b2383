package caseservice

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/benefit"
	"wiis/internal/casework"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// proposeW1 proposes the benefits of W1's grade-3 injury with six months of suspension at
// 7,000.00 a month.
func proposeW1(t *testing.T, s *Service, db *store.DB) (casework.Proposal, error) {
	t.Helper()
	enrolW1(t, db)
	a := concluded(t, s, 3, 3)
	orig := money.MustParse("7000.00")
	return s.ProposeBenefits(ctx, "proposer", ProposalRequest{AssessmentID: a.ID, SuspensionMonths: 6, OriginalWage: &orig})
}

// approvedProposal approves a grade-3 proposal of W1: a lump sum of 148,454.65 for the fund to
// pay and six months of suspension pay (7,000.00) for EMP.
func approvedProposal(t *testing.T, s *Service, db *store.DB) casework.Proposal {
	t.Helper()
	p, err := proposeW1(t, s, db)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = s.DecideProposal(ctx, "reviewer", p.ID, p.Version, true, ""); err != nil {
		t.Fatal(err)
	}
	return p
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLumpSumIsPreparedApprovedWithinAuthorityPaidOnceAndReversed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		approvedProposal(t, s, db)
		list, err := s.Payables(ctx, "341500", PayableOpen)
		if err != nil || len(list) != 1 || list[0].Item != benefit.LumpSumDisability || list[0].Amount.String() != "148454.65" ||
			list[0].WorkerName != "李四" || list[0].Region != "341500" {
			t.Fatalf("payables %+v %v", list, err)
		}
		b := list[0]
		if _, err := s.PreparePayable(ctx, "payer", b.ID, b.Version, PaymentDetails{Payee: "李四", BankAccount: "62x"}); fieldOf(err) != "bank_account" {
			t.Errorf("a malformed account: %v", err)
		}
		if b, err = s.PreparePayable(ctx, "payer", b.ID, b.Version, PaymentDetails{Payee: "李四", BankAccount: "6222 0213 0000 1234"}); err != nil {
			t.Fatal(err)
		}
		if b.Status != PayablePrepared || b.BankAccount != "6222021300001234" || b.PreparedBy != "payer" {
			t.Errorf("prepared %+v", b)
		}
		if _, err := s.PayPayable(ctx, "payer", b.ID, b.Version, d("2026-03-12")); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("paid before approval: %v", err)
		}
		// Four eyes: the preparer cannot approve, whatever their authority.
		if _, err := s.DecidePayable(ctx, "payer", []string{"payment_officer", "fund_officer"}, b.ID, b.Version, true, ""); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("the preparer approves: %v", err)
		}
		// A city lowers the payment officer's limit below the amount: refused with the figures.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := policy.Put(ctx, tx, policy.Value{Region: "341500", Param: ParamPaymentAuthority, EffectiveFrom: "2026-01-01",
				Raw: json.RawMessage(`{"payment_officer":"100000.00","fund_officer":"1000000.00"}`), CreatedBy: "test", CreatedAt: "2026-01-01T00:00:00Z"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.DecidePayable(ctx, "checker", []string{"payment_officer"}, b.ID, b.Version, true, "")
		if apperr.CodeOf(err) != apperr.Forbidden || !strings.Contains(err.Error(), "148,454.65") || !strings.Contains(err.Error(), "100,000.00") {
			t.Errorf("above the approver's limit: %v", err)
		}
		if _, err := s.DecidePayable(ctx, "checker", nil, b.ID, b.Version, false, ""); fieldOf(err) != "note" {
			t.Errorf("a rejection without a note: %v", err)
		}
		if b, err = s.DecidePayable(ctx, "boss", []string{"fund_officer"}, b.ID, b.Version, true, "同意"); err != nil {
			t.Fatal(err)
		}
		if b.Status != PayableApproved || b.ApprovedBy != "boss" {
			t.Errorf("approved %+v", b)
		}
		paid, err := s.PayPayable(ctx, "payer", b.ID, b.Version, d("2026-03-12"))
		if err != nil {
			t.Fatal(err)
		}
		if paid.Status != PayablePaid || paid.PayMonth != "2026-03" || paid.PostingID == 0 {
			t.Errorf("paid %+v", paid)
		}
		// Paid once: a second pay, at the old or the new version, is a conflict.
		for _, v := range []int{b.Version, paid.Version} {
			if _, err := s.PayPayable(ctx, "payer", b.ID, v, d("2026-03-12")); apperr.CodeOf(err) != apperr.Conflict {
				t.Errorf("paid twice at version %d: %v", v, err)
			}
		}
		var amount int64
		var month, item string
		if err := db.QueryRow(ctx, `SELECT item, month, amount FROM payments WHERE source = ?`, "lumpsum:"+itoa(b.ID)).
			Scan(&item, &month, &amount); err != nil || item != benefit.LumpSumDisability || month != "2026-03" || amount != 14845465 {
			t.Errorf("payment row %s %s %d %v", item, month, amount, err)
		}
		var debit int64
		if err := db.QueryRow(ctx, `SELECT l.debit FROM ledger_postings p JOIN ledger_lines l ON l.posting_id = p.id
			WHERE p.id = ? AND p.source = ? AND p.unit = '341500' AND p.posted_on = '2026-03-12' AND l.account = 'expense:lump_sum'`,
			paid.PostingID, LedgerSourceLumpSum).Scan(&debit); err != nil || debit != 14845465 {
			t.Errorf("ledger posting %d %v", debit, err)
		}
		// A correction reverses the posting and reopens the payable.
		if _, err := s.ReversePayable(ctx, "boss", b.ID, paid.Version, d("2026-03-20"), ""); fieldOf(err) != "reason" {
			t.Errorf("a reversal without a reason: %v", err)
		}
		back, err := s.ReversePayable(ctx, "boss", b.ID, paid.Version, d("2026-03-20"), "银行退票")
		if err != nil {
			t.Fatal(err)
		}
		if back.Status != PayableOpen || back.PostingID != 0 ||
			count(t, db, `SELECT COUNT(*) FROM ledger_postings WHERE reversal_of = ?`, paid.PostingID) != 1 ||
			count(t, db, `SELECT COUNT(*) FROM payments WHERE source = ?`, "lumpsum:"+itoa(b.ID)) != 0 {
			t.Errorf("reversed %+v", back)
		}
	})
}

func TestLumpSumPaymentRowAndPostingCommitTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		approvedProposal(t, s, db)
		list, _ := s.Payables(ctx, "", "")
		b, err := s.PreparePayable(ctx, "payer", list[0].ID, list[0].Version, PaymentDetails{Payee: "李四", BankAccount: "6222021300001234"})
		if err != nil {
			t.Fatal(err)
		}
		if b, err = s.DecidePayable(ctx, "checker", []string{"payment_officer"}, b.ID, b.Version, true, ""); err != nil {
			t.Fatal(err)
		}
		// The month's payment of the item is already on record (imported): the pay fails as a
		// conflict and leaves no ledger posting behind.
		if _, err := db.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, source) VALUES ('W1', ?, '2026-03', 1, 'import')`,
			benefit.LumpSumDisability); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PayPayable(ctx, "payer", b.ID, b.Version, d("2026-03-12")); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("pay over an existing payment: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM ledger_postings WHERE source = ?`, LedgerSourceLumpSum); n != 0 {
			t.Errorf("%d postings without their payment", n)
		}
		if got, _ := s.Payable(ctx, b.ID); got.Status != PayableApproved {
			t.Errorf("status %s", got.Status)
		}
		// Another month pays: the row and the posting are there together.
		if _, err := s.PayPayable(ctx, "payer", b.ID, b.Version, d("2026-04-01")); err != nil {
			t.Fatal(err)
		}
		if count(t, db, `SELECT COUNT(*) FROM ledger_postings WHERE source = ?`, LedgerSourceLumpSum) != 1 ||
			count(t, db, `SELECT COUNT(*) FROM payments WHERE source = ?`, "lumpsum:"+itoa(b.ID)) != 1 {
			t.Error("payment row and posting")
		}
	})
}

func TestAuthorityLimits(t *testing.T) {
	limits := map[string]money.Amount{"payment_officer": money.MustParse("200000.00"), "fund_officer": money.MustParse("1000000.00")}
	for _, c := range []struct {
		roles  []string
		amount string
		ok     bool
	}{
		{[]string{"payment_officer"}, "200000.00", true},
		{[]string{"payment_officer"}, "200000.01", false},
		{[]string{"fund_officer"}, "999999.99", true},
		{[]string{"fund_officer"}, "1500000.00", true},
		{[]string{"payment_officer"}, "1500000.00", false},
		{[]string{"teller"}, "1.00", false},
	} {
		if err := CheckAuthority(limits, c.roles, money.MustParse(c.amount)); (err == nil) != c.ok {
			t.Errorf("%v %s: %v", c.roles, c.amount, err)
		}
	}
}

func TestEmployerItemIsDueOverdueReferredAndPaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		p := approvedProposal(t, s, db)
		items, err := s.EmployerObligations(ctx, "EMP")
		if err != nil || len(items) != 1 || items[0].Code != benefit.SuspensionPay || items[0].Status != ItemDue ||
			items[0].DueOn != "2026-04-09" || items[0].Version != 0 {
			t.Fatalf("items %+v %v", items, err)
		}
		it := items[0]
		if _, err := s.ReferEmployerItem(ctx, "teller", p.ID, it.Seq, 0, 0); fieldOf(err) != "status" {
			t.Errorf("a due item referred: %v", err)
		}
		late := &Service{DB: db, Now: func() time.Time { return time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC) }}
		overdue, err := late.EmployerItemsByStatus(ctx, "341500", ItemOverdue)
		if err != nil || len(overdue) != 1 {
			t.Fatalf("overdue %+v %v", overdue, err)
		}
		if _, err := late.ReferEmployerItem(ctx, "teller", p.ID, it.Seq, 0, 999); fieldOf(err) != "referral_id" {
			t.Errorf("an unknown referral: %v", err)
		}
		ref, err := late.ReferEmployerItem(ctx, "teller", p.ID, it.Seq, 0, 0)
		if err != nil || ref.Status != ItemReferred || ref.Version != 1 {
			t.Fatalf("referred %+v %v", ref, err)
		}
		if _, err := late.RecordEmployerPayment(ctx, "teller", p.ID, it.Seq, ref.Version, d("2026-04-20"), ""); fieldOf(err) != "evidence" {
			t.Errorf("no evidence: %v", err)
		}
		paid, err := late.RecordEmployerPayment(ctx, "teller", p.ID, it.Seq, ref.Version, d("2026-04-20"), "银行转账回单")
		if err != nil || paid.Status != ItemPaid || paid.PaidOn != "2026-04-20" || paid.Evidence != "银行转账回单" || paid.RecordedBy != "teller" {
			t.Fatalf("paid %+v %v", paid, err)
		}
		if _, err := late.RecordEmployerPayment(ctx, "teller", p.ID, it.Seq, paid.Version, d("2026-04-20"), "again"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("paid twice: %v", err)
		}
		if _, err := s.RecordEmployerPayment(ctx, "teller", p.ID, 1, 0, d("2026-03-01"), "x"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a fund item recorded as the employer's: %v", err)
		}
	})
}

func fieldOf(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
