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

	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
)

// chromium is Debian's browser; the test never downloads one.
const chromium = "/usr/bin/chromium"

// TestBrowserTellerSignsInAndWrongPasswordIsRefusedInChinese drives real headless Chromium
// against a server on a random loopback port with a temporary SQLite database.
func TestBrowserTellerSignsInAndWrongPasswordIsRefusedInChinese(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("browser test skipped: " + chromium + " is absent (apt-get install chromium)")
	}
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if _, err := demo.SeedUsers(ctx, db); err != nil {
		t.Fatal(err)
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

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 90*time.Second)
	defer cancelT()

	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("WIIS_ARTIFACTS")
		if dir == "" {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Error(err)
		}
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
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	do("open login", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#login-submit")))
	shot("01-login")
	do("sign in as teller",
		chromedp.SendKeys(chromedp.CSS("#username"), "teller"),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#home-title")))
	shot("02-teller-home")
	if h := text("#home-title"); !strings.Contains(h, "演示综合柜员") {
		t.Errorf("home title %q does not greet the teller", h)
	}
	if role := text(`section[data-role="teller"] h2`); role != "综合柜员" {
		t.Errorf("teller section heading %q", role)
	}
	do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#login-submit")))
	do("wrong password",
		chromedp.SendKeys(chromedp.CSS("#username"), "teller"),
		chromedp.SendKeys(chromedp.CSS("#password"), "Not-the-password-1"),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")))
	shot("03-wrong-password")
	if msg := text("#login-error"); msg != "用户名或密码错误" {
		t.Errorf("wrong-password message %q, want 用户名或密码错误", msg)
	}
}
