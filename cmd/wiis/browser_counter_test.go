package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wiis/internal/audit"
	"wiis/internal/demo"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/ui/counterui"
)

// counterCity is a server with the demo accounts and a one-employer city: a worker insured
// by a Lu'an employer, with a benefit payment; the demo seeder links the employer and worker
// accounts to them and fills the counter.
func counterCity(t *testing.T) (base, worker string) {
	t.Helper()
	needChromium(t)
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.SeedUsers(ctx, db); err != nil {
		t.Fatal(err)
	}
	svc := &enroll.Service{DB: db}
	uscc := idcode.GenerateUSCC('9', '1', "341502", 20250001)
	worker = idcode.GenerateID(time.Date(1986, 4, 12, 0, 0, 0, 0, time.UTC), "341502", 31, idcode.Male)
	by := audit.Actor{Username: "setup"}
	if err := svc.RegisterEmployer(ctx, by, enroll.Employer{USCC: uscc, Name: "六安皋城建材有限公司", Region: "341502", IndustryCode: "3021", RegisteredOn: "2014-05-01"}); err != nil {
		t.Fatal(err)
	}
	b := money.MustParse("6200.00")
	if _, err := svc.Record(ctx, by, enroll.Person{IDNumber: worker, Name: "陈建国"}, enroll.Event{USCC: uscc, Event: "add", Month: "2024-01", MonthlyBase: &b}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account) VALUES (?, 'lump_sum_disability', '2025-06', 4860000, '6217000099998888')`, worker); err != nil {
		t.Fatal(err)
	}
	if _, err := counterui.SeedDemo(ctx, db); err != nil {
		t.Fatal(err)
	}
	return startServer(t, db), worker
}

// A teller serves a walk-in worker end to end: finds them by ID number, sees their whole
// picture, files their medical treatment (GS0402) and hands over the slip.
func TestBrowserTellerServesAWalkInWorker(t *testing.T) {
	base, worker := counterCity(t)
	b := openBrowser(t, "teller", 1280, 900, false)
	b.login(base, "teller")
	b.step("02-desk", chromedp.Navigate(base+"/counter"), chromedp.WaitVisible(chromedp.CSS("#q")))
	b.step("03-person", chromedp.SendKeys(chromedp.CSS("#q"), worker), chromedp.Click(chromedp.CSS("#search-submit")),
		chromedp.WaitVisible(chromedp.CSS("#person-title")))
	if id := b.text("#person-id"); id != worker {
		t.Errorf("person page shows %q", id)
	}
	b.step("04-start-gs0402", chromedp.Click(chromedp.CSS("#start-GS0402")), chromedp.WaitVisible(chromedp.CSS("#start-form")))
	b.step("05-without-materials", chromedp.Click(chromedp.CSS("#start-submit")), chromedp.WaitVisible(chromedp.CSS("#materials .field-error")))
	b.step("06-receipt", chromedp.Click(chromedp.CSS(`#materials input[type=checkbox]`)), chromedp.Click(chromedp.CSS("#start-submit")),
		chromedp.WaitVisible(chromedp.CSS("#receipt-no")))
	if st := b.text("#receipt-state"); st != "已办结" {
		t.Errorf("GS0402 state %q, want 已办结", st)
	}
	if item := b.text("#receipt-item"); !strings.Contains(item, "工伤职工就医备案") {
		t.Errorf("receipt item %q", item)
	}
}

// An employer files an injury determination application online and sees it accepted with
// the promised date.
func TestBrowserEmployerFilesAnInjuryApplicationOnline(t *testing.T) {
	base, worker := counterCity(t)
	b := openBrowser(t, "employer", 1280, 900, false)
	b.login(base, "employer")
	b.step("02-portal", chromedp.Navigate(base+"/portal"), chromedp.WaitVisible(chromedp.CSS("#portal-title")))
	b.step("03-apply-form", chromedp.Click(chromedp.CSS("#apply-GS0202")), chromedp.WaitVisible(chromedp.CSS("#apply-form")))
	b.step("04-filled", chromedp.SendKeys(chromedp.CSS("#a-id"), worker),
		chromedp.Click(chromedp.CSS("#apply-form label.check:nth-of-type(1) input")),
		chromedp.Click(chromedp.CSS("#apply-form label.check:nth-of-type(2) input")),
		chromedp.Click(chromedp.CSS("#apply-form label.check:nth-of-type(3) input")))
	b.step("05-accepted", chromedp.Click(chromedp.CSS("#apply-submit")), chromedp.WaitVisible(chromedp.CSS("#receipt-promised")))
	if st := b.text("#receipt-state"); st != "审核中" {
		t.Errorf("application state %q, want 审核中", st)
	}
	if p := b.text("#receipt-promise"); !strings.Contains(p, "承诺") {
		t.Errorf("no promise on the receipt: %q", p)
	}
	b.step("06-case-progress", chromedp.Click(chromedp.CSS("#receipt-back")), chromedp.WaitVisible(chromedp.CSS("#cases")))
	if c := b.text("#cases"); !strings.Contains(c, "工伤认定申请") || !strings.Contains(c, "审核中") {
		t.Errorf("case progress %q", c)
	}
}

// A worker on a phone-sized window checks their benefit payments.
func TestBrowserWorkerChecksPaymentsOnAPhone(t *testing.T) {
	base, _ := counterCity(t)
	b := openBrowser(t, "worker", 390, 844, true)
	b.login(base, "worker")
	b.step("02-me", chromedp.Navigate(base+"/me"), chromedp.WaitVisible(chromedp.CSS("#self-title")))
	b.step("03-payments", chromedp.Click(chromedp.CSS("#to-payments")), chromedp.WaitVisible(chromedp.CSS("#payments")))
	if p := b.text("#payments"); !strings.Contains(p, "48600.00") || !strings.Contains(p, "一次性伤残补助金") || !strings.Contains(p, "****8888") {
		t.Errorf("payments %q", p)
	}
}
