package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wiis/internal/demo"
	"wiis/internal/idcode"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// A teller finds an overdue, suspended beneficiary on the certification work list,
// certifies them at the counter, and sees the suspension lifted.
func TestBrowserTellerCertifiesAnOverdueBeneficiaryAtTheCounter(t *testing.T) {
	needChromium(t)
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.SeedUsers(ctx, db); err != nil {
		t.Fatal(err)
	}
	id := idcode.GenerateID(time.Date(1968, 8, 8, 0, 0, 0, 0, time.UTC), "341502", 41, idcode.Male)
	if _, err := db.Exec(ctx, `INSERT INTO beneficiaries (id_number, name, item, grade, monthly_amount, start_month, bank_account, worker_id_number)
		VALUES (?, '何志远', 'disability_allowance', 4, 320000, '2022-06', '6217001000004141', ?)`, id, id); err != nil {
		t.Fatal(err)
	}
	s := payrollsvc.New(db)
	s.Region = "341502"
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return payrollsvc.PutCertificationPolicy(ctx, tx, "341500", "2023-08-01", payrollsvc.DemoCertification, "test", "setup")
	}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if n, err := s.SuspendOverdue(ctx, payroll.MonthOf(now.Year(), now.Month()), "system"); err != nil || n != 1 {
		t.Fatalf("suspended %d, %v", n, err)
	}
	base := startServer(t, db)
	b := openBrowser(t, "cert", 1280, 900, false)
	b.login(base, "teller")
	// The list names the row and links the page by the person's reference, not the number.
	ref := db.PersonRef(id)
	row := `[id="row-` + ref + `"]`
	b.step("02-overdue", chromedp.Navigate(base+"/cert?status=overdue"), chromedp.WaitVisible(chromedp.CSS(row)))
	if !strings.Contains(b.text("#cert-list"), "已暂停发放") {
		t.Fatal("the overdue beneficiary is not shown as suspended")
	}
	b.step("03-person", chromedp.Click(chromedp.CSS(row)), chromedp.WaitVisible(chromedp.CSS("#cert-form")))
	b.atPersonByRef("the person page", ref, id)
	b.step("04-certify", chromedp.SendKeys(chromedp.CSS("#evidence"), "核验居民身份证原件，本人到场"),
		chromedp.Click(chromedp.CSS("#cert-submit")), chromedp.WaitVisible(chromedp.CSS("#certified-msg")))
	b.atPersonByRef("after certifying", ref, id)
	if got := b.text("#cert-status-value"); got != "已认证" {
		t.Errorf("status after certifying: %q", got)
	}
	if !strings.Contains(b.text("#cert-history"), "窗口认证") {
		t.Error("the counter certification is not in the history")
	}
	if w, _ := s.WithheldIn(ctx, payroll.MonthOf(now.Year(), now.Month())); len(w) != 0 {
		t.Errorf("still withheld: %+v", w)
	}
}

// atPersonByRef checks that the browser is at the certification page of the person with ID
// number id under their reference ref: the number stays out of the address bar and history.
func (b *browser) atPersonByRef(step, ref, id string) {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	if !strings.Contains(loc, "/cert/persons/"+ref) || strings.Contains(loc, id) {
		b.t.Errorf("%s: at %s, want the reference's address", step, loc)
	}
}
