package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
)

// TestBrowserCaseFromAccidentReportToProposedBenefits drives headless Chromium through the
// casework pages: the determination officer opens a case from an accident report, takes in
// the three required materials, accepts, decides and delivers it; the assessment secretary
// registers the assessment, draws the panel and concludes; the proposal is made; and the
// benefits reviewer finds it in the queue with its items.
func TestBrowserCaseFromAccidentReportToProposedBenefits(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("browser test skipped: " + chromium + " is absent (apt-get install chromium)")
	}
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.SeedUsers(ctx, db); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES ('91341500MA2TEST01X', '六安示例建材有限公司', '341500', 'C30', 'active')`,
		`INSERT INTO persons (id_number, name) VALUES ('341502199001011234', '王小明')`,
		`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES ('341502199001011234', '91341500MA2TEST01X', 'add', '2024-01', '2024-01-03', 650000)`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	cs := &caseservice.Service{DB: db}
	for i, spec := range [][]string{{"orthopedics"}, {"orthopedics", "surgery"}, {"orthopedics"}, {"neurology", "orthopedics"}} {
		if _, err := cs.AddExpert(ctx, "setup", casework.Expert{Region: "341500", Name: "专家" + string(rune('A'+i)), Specialties: spec, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := web.New(web.Config{DB: db, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(sctx, ln) }()
	t.Cleanup(func() { stop(); <-done })
	base := "http://" + ln.Addr().String()

	actx, cancelA := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900))
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 180*time.Second)
	defer cancelT()

	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("WIIS_ARTIFACTS")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(90))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "casework-"+name+".png"), png, 0o644)
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			shot("failed-" + step)
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			shot("failed-text")
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	signIn := func(user string) {
		t.Helper()
		do("sign in as "+user, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#login-submit")),
			chromedp.SendKeys(css("#username"), user), chromedp.SendKeys(css("#password"), demo.Password),
			chromedp.Click(css("#login-submit")), chromedp.WaitVisible(css("#home-title")))
	}
	signOut := func() {
		t.Helper()
		do("sign out", chromedp.Click(css(`form[action="/logout"] button`)), chromedp.WaitVisible(css("#login-submit")))
	}
	submit := func(step, button string) {
		t.Helper()
		// The old page is marked first, so the wait is for the page the form leads to.
		do(step, chromedp.Evaluate[chromedp.Void](`(document.body.dataset.stale = "1", {})`), chromedp.Click(css(button)),
			chromedp.WaitNotPresent(css("body[data-stale]")), chromedp.WaitVisible(css("#case-ok")))
	}
	today := time.Now().In(time.FixedZone("CST", 8*3600))

	signIn("determination_officer")
	if !strings.Contains(text("main"), "办理时限") {
		t.Error("the officer's home lacks the deadlines panel")
	}
	do("open from accident report", chromedp.Navigate(base+"/casework/determinations/new"), chromedp.WaitVisible(css("#det-new")),
		chromedp.SendKeys(css("#ref"), "GS0201-2026-0007"), chromedp.SendKeys(css("#worker_id"), "341502199001011234"),
		chromedp.SendKeys(css("#worker_name"), "王小明"), chromedp.SendKeys(css("#employer_uscc"), "91341500MA2TEST01X"),
		chromedp.SetValue(css("#event_date"), today.AddDate(0, 0, -5).Format("2006-01-02")))
	shot("01-report")
	submit("create", "#det-open")
	shot("02-case")
	for _, k := range []string{"application_form", "employment_proof", "diagnosis"} {
		do("material "+k, chromedp.SetValue(css(`#f-receive select[name="kind"]`), k),
			chromedp.SendKeys(css(`#f-receive input[name="file_ref"]`), "纸质-"+k))
		submit("receive "+k, "#f-receive button")
	}
	submit("accept", "#do-accept")
	do("decision", chromedp.SetValue(css("#article"), "14"), chromedp.SendKeys(css("#item"), "1"),
		chromedp.SendKeys(css("#reasons"), "在工作时间和工作场所内，因工作原因受到事故伤害"))
	submit("decide", "#do-decide")
	submit("deliver to the worker", "#deliver-worker")
	submit("deliver to the employer", "#deliver-employer")
	if st := text("#case-state"); !strings.Contains(st, "已办结") || !strings.Contains(st, "认定工伤") {
		t.Errorf("case state %q", st)
	}
	shot("03-decided")
	do("print the decision", chromedp.Click(css("#issue-determination_decision")), chromedp.WaitVisible(css("#document")))
	if doc := text("#document"); !strings.Contains(doc, "王小明") {
		t.Errorf("decision document: %q", doc)
	}
	shot("04-decision-document")
	caseURL, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	caseURL = caseURL[:strings.Index(caseURL, "/documents/")]
	signOut()

	signIn("assessment_secretary")
	do("start the assessment", chromedp.Navigate(caseURL), chromedp.WaitVisible(css("#start-assessment")),
		chromedp.Click(css("#start-assessment")), chromedp.WaitVisible(css("#asmt-new")))
	submit("register", "#asmt-open")
	submit("materials complete", "#do-confirm")
	submit("draw", "#do-draw")
	if text("#seed") == "" {
		t.Error("the draw shows no seed")
	}
	shot("05-panel")
	do("conclusion", chromedp.SetValue(css("#grade-in"), "6"), chromedp.Click(css(`#f-conclude input[name="eating"]`)))
	submit("conclude", "#do-conclude")
	if g := text("#grade"); !strings.Contains(g, "6级") {
		t.Errorf("grade %q", g)
	}
	do("propose", chromedp.SendKeys(css("#susp"), "4"), chromedp.SendKeys(css("#orig"), "6500.00"))
	submit("propose", "#do-propose")
	shot("06-proposal")
	signOut()

	signIn("benefits_reviewer")
	do("queue", chromedp.Navigate(base+"/casework/proposals"), chromedp.WaitVisible(css("#proposal-queue")))
	if q := text("#proposal-queue"); !strings.Contains(q, "王小明") {
		t.Fatalf("the reviewer's queue lacks the proposal: %q", q)
	}
	do("open the proposal", chromedp.Click(css("#proposal-queue a")), chromedp.WaitVisible(css("#items")))
	if items := text("#items"); !strings.Contains(items, "一次性伤残补助金") {
		t.Errorf("proposal items: %q", items)
	}
	shot("07-reviewer")
}
