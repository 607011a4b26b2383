package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wiis/internal/demo"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// TestBrowserInvestigatorClosesAnAlertAndTwoOfficersPayAMonth drives headless Chromium over
// the demo city: an investigator works an open alert to its close (assign, investigate, note,
// close as a false alarm); a payment officer computes next month's payroll, a second officer
// approves and exports it, and reconciles the bank's return file.
func TestBrowserInvestigatorClosesAnAlertAndTwoOfficersPayAMonth(t *testing.T) {
	needChromium(t)
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	base := startServer(t, db)
	b := openBrowser(t, "", 1280, 900, false)
	do, shot, text := b.do, b.shot, b.text
	signIn := func(user string) { t.Helper(); b.login(base, user) }
	signOut := func() {
		do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#login-submit")))
	}

	// The investigator works an open alert to its close.
	signIn("risk_investigator")
	do("open alerts", chromedp.Navigate(base+"/risk?status=open"), chromedp.WaitVisible(chromedp.CSS("#alerts")))
	shot("risk-01-alerts")
	// The list masks the ID numbers of its subjects and of the findings (security.md); the
	// alert's own page has them whole.
	if list := text("#alerts"); !strings.Contains(list, "**********") || hasWholeID(list) {
		t.Errorf("alert list shows a whole ID number or none masked: %q", list)
	}
	do("open first alert", chromedp.Click(chromedp.CSS("#alerts tbody tr td a")), chromedp.WaitVisible(chromedp.CSS("#evidence")))
	do("assign", chromedp.Click(chromedp.CSS("#assign-submit")), chromedp.WaitVisible(chromedp.CSS("#investigate-submit")))
	do("investigate", chromedp.Click(chromedp.CSS("#investigate-submit")), chromedp.WaitNotPresent(chromedp.CSS("#investigate-submit")))
	do("note", chromedp.SendKeys(chromedp.CSS("#note-body"), "已与民政部门核对，登记有误。"),
		chromedp.Click(chromedp.CSS("#note-submit")), chromedp.WaitVisible(chromedp.CSS("#notes li strong")))
	shot("risk-02-investigating")
	do("close", chromedp.Click(chromedp.CSS("#outcome-false_alarm")), chromedp.SendKeys(chromedp.CSS("#close-reason"), "误报"),
		chromedp.Click(chromedp.CSS("#close-submit")), chromedp.WaitNotPresent(chromedp.CSS("#close-form")))
	shot("risk-03-closed")
	if s := text("#alert-status"); !strings.Contains(s, "已关闭") || !strings.Contains(s, "误报") {
		t.Errorf("alert status %q, want closed as a false alarm", s)
	}
	if n := text("#notes"); !strings.Contains(n, "登记有误") {
		t.Errorf("notes %q", n)
	}
	signOut()

	// One officer computes next month; a second approves, exports and reconciles.
	next := (payroll.MustMonth(time.Now().Format("2006-01")) + 1).String()
	signIn("payment_officer")
	do("payroll", chromedp.Navigate(base+"/payroll"), chromedp.WaitVisible(chromedp.CSS("#compute-form")))
	do("compute", chromedp.SetValue(chromedp.CSS("#month"), next), chromedp.Click(chromedp.CSS("#compute-submit")),
		chromedp.WaitVisible(chromedp.CSS("#four-eyes-note")))
	shot("payroll-01-computed")
	signOut()
	signIn("payment_officer2")
	do("run page", chromedp.Navigate(base+"/payroll/runs/"+next), chromedp.WaitVisible(chromedp.CSS("#approve-submit")))
	do("approve", chromedp.Click(chromedp.CSS("#approve-submit")), chromedp.WaitVisible(chromedp.CSS("#export-submit")))
	do("export", chromedp.Click(chromedp.CSS("#export-submit")), chromedp.WaitVisible(chromedp.CSS("#reconcile-form")), chromedp.WaitVisible(chromedp.CSS("#bankfile-link")))
	var id, item string
	var fen int64
	err := db.QueryRow(ctx, `SELECT id_number, item, amount FROM payments WHERE source = ? ORDER BY id_number LIMIT 1`, "payroll:"+next).
		Scan(&id, &item, &fen)
	if err != nil {
		t.Fatal(err)
	}
	ret := "id_number,item,month,amount,status,reason\n" + id + "," + item + "," + next + "," +
		money.Amount(fen).String() + ",failed,账户冻结\n"
	do("reconcile", chromedp.SetValue(chromedp.CSS("#return-text"), ret), chromedp.Click(chromedp.CSS("#reconcile-submit")),
		chromedp.WaitVisible(chromedp.CSS("#failed")))
	shot("payroll-02-reconciled")
	if s := text("#run-state"); !strings.Contains(s, "已对账") {
		t.Errorf("run state %q, want reconciled", s)
	}
}

// hasWholeID reports whether s holds a whole, valid ID number.
func hasWholeID(s string) bool {
	for i := 0; i+18 <= len(s); i++ {
		if idcode.IDAt(s, i) {
			return true
		}
	}
	return false
}
