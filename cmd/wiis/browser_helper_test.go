package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
)

// chromium is Debian's browser; the tests never download one.
const chromium = "/usr/bin/chromium"

// needChromium skips the test when Debian's Chromium is absent.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("browser test skipped: " + chromium + " is absent (apt-get install chromium)")
	}
}

// startServer serves db on a random loopback port until the test ends and returns its URL.
func startServer(t *testing.T, db *store.DB) string {
	t.Helper()
	srv, err := web.New(web.Config{DB: db, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(sctx, ln) }()
	t.Cleanup(func() { stop(); <-done })
	return "http://" + ln.Addr().String()
}

// browser is a headless Chromium; base is the server it was opened for, if any.
type browser struct {
	t      *testing.T
	base   string
	ctx    context.Context
	prefix string // screenshot file prefix
	// secrets holds the TOTP secrets enrolled by login, by user.
	secrets map[string]string
}

// newBrowser starts a server with the demo users on a fresh SQLite database and a desktop
// browser, or skips the test when Chromium is absent.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	needChromium(t)
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.SeedUsers(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	b := openBrowser(t, "", 1280, 800, false)
	b.base = startServer(t, db)
	return b
}

// openBrowser starts headless Chromium with a window of w×h (a phone when mobile), with the
// flags this closed network needs.
func openBrowser(t *testing.T, prefix string, w, h int, mobile bool) *browser {
	t.Helper()
	needChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(w, h),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	bctx, cancelT := context.WithTimeout(bctx, 120*time.Second)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	b := &browser{t: t, ctx: bctx, prefix: prefix}
	if mobile {
		b.do("viewport", chromedp.EmulateViewport(int64(w), int64(h), chromedp.EmulateScale(2), chromedp.EmulateMobile))
	}
	return b
}

// shot saves a screenshot under $WIIS_ARTIFACTS, if set.
func (b *browser) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("WIIS_ARTIFACTS")
	if dir == "" || name == "" {
		return
	}
	if b.prefix != "" {
		name = b.prefix + "-" + name
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Error(err)
	}
}

// do runs a step, saving a screenshot of the failure.
func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.shot("failed-" + step)
		b.t.Fatalf("%s: %v", step, err)
	}
}

// step is do followed by a screenshot named after the step, for the journeys CI keeps.
func (b *browser) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.do(name, actions...)
	b.shot(name)
}

// text is the text of the first element sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// login signs in as a demo user and waits for the home page. Privileged roles pass a second
// factor: at the first sign-in the browser enrols (reading the secret off the page, as a phone
// app would scan it); later sign-ins type the code of the next 30-second step, which the server
// accepts (one step of drift) and which no earlier sign-in can have used.
func (b *browser) login(base, user string) {
	b.t.Helper()
	b.step("01-login-"+user, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#login-submit")),
		chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#home-title, #totp-submit")))
	if b.exists("#home-title") {
		return
	}
	at := time.Now()
	if b.exists("#totp-secret") {
		if b.secrets == nil {
			b.secrets = map[string]string{}
		}
		b.secrets[user] = b.text("#totp-secret")
	} else {
		at = at.Add(30 * time.Second)
	}
	code, err := totp.GenerateCode(b.secrets[user], at)
	if err != nil {
		b.t.Fatalf("TOTP code for %s: %v", user, err)
	}
	b.step("01-totp-"+user, chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#totp-submit")),
		chromedp.WaitVisible(chromedp.CSS("#home-title")))
}

// exists reports whether sel matches an element on the current page.
func (b *browser) exists(sel string) bool {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector(`+strconv.Quote(sel)+`) !== null`))
	if err != nil {
		b.t.Fatalf("query %s: %v", sel, err)
	}
	return ok
}
