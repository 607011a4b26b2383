package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"wiis/internal/demo"
)

// TestBrowserTellerSignsInAndWrongPasswordIsRefusedInChinese drives real headless Chromium
// against a server on a random loopback port with a temporary SQLite database.
func TestBrowserTellerSignsInAndWrongPasswordIsRefusedInChinese(t *testing.T) {
	b := newBrowser(t)
	base, shot, do, text := b.base, b.shot, b.do, b.text

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
