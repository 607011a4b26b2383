package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// follow sends a form as a browser would and keeps the cookies it is given.
type browser struct {
	c *webtest.Client
}

func (b *browser) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	rec := b.c.Do(method, path, body, true, "Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range rec.Result().Cookies() {
		kept := b.c.Cookies[:0]
		for _, old := range b.c.Cookies {
			if old.Name != ck.Name {
				kept = append(kept, old)
			}
		}
		b.c.Cookies = kept
		if ck.MaxAge >= 0 && ck.Value != "" {
			b.c.Cookies = append(b.c.Cookies, ck)
		}
	}
	return rec
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestPrivilegedUserEnrolsTOTPThenNeedsACodeAtEverySignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := webtest.New(t, db)
		b := &browser{h.As("")}
		rec := b.do("POST", "/login", url.Values{"username": {"h_secadmin"}, "password": {webtest.Password}, "next": {"/admin/users"}})
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login/totp/enrol") {
			t.Fatalf("password of a privileged user without TOTP: %d %q", rec.Code, rec.Header().Get("Location"))
		}
		// The pending session signs no one in.
		if rec := b.do("GET", "/admin/users", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("pending session reached a page: %d", rec.Code)
		}
		if rec := b.do("GET", "/login/totp", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("code page before enrolment: %d", rec.Code)
		}
		page := b.do("GET", "/login/totp/enrol?next=/admin/users", nil)
		secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page.Body.String())
		if page.Code != 200 || secret == nil || !strings.Contains(page.Body.String(), "otpauth://totp/wiis:h_secadmin") {
			t.Fatalf("enrolment page: %d %s", page.Code, page.Body)
		}
		b.c.CSRF = csrfField.FindStringSubmatch(page.Body.String())[1]
		if qr := b.do("GET", "/login/totp/enrol/qr.png", nil); qr.Code != 200 || qr.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("QR: %d %v", qr.Code, qr.Header())
		}
		rec = b.do("POST", "/login/totp/enrol", url.Values{"code": {"000000"}, "next": {"/admin/users"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "动态验证码不正确") {
			t.Fatalf("wrong enrolment code: %d", rec.Code)
		}
		now := time.Now()
		c, _ := totp.GenerateCode(secret[1], now)
		rec = b.do("POST", "/login/totp/enrol", url.Values{"code": {c}, "next": {"/admin/users"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/users" {
			t.Fatalf("enrol: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body)
		}
		if rec := b.do("GET", "/admin/users", nil); rec.Code != 200 {
			t.Fatalf("after enrolment: %d", rec.Code)
		}

		// Next sign-in: password, then a code (the enrolment code is spent, the next step's works).
		b = &browser{h.As("")}
		rec = b.do("POST", "/login", url.Values{"username": {"h_secadmin"}, "password": {webtest.Password}})
		if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/login/totp?") {
			t.Fatalf("second sign-in went to %q", loc)
		}
		page = b.do("GET", "/login/totp", nil)
		b.c.CSRF = csrfField.FindStringSubmatch(page.Body.String())[1]
		if rec := b.do("POST", "/login/totp", url.Values{"code": {c}}); rec.Code != http.StatusUnauthorized {
			t.Fatalf("replayed code: %d", rec.Code)
		}
		c2, _ := totp.GenerateCode(secret[1], now.Add(30*time.Second))
		if rec := b.do("POST", "/login/totp", url.Values{"code": {c2}, "next": {"/"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("good code: %d %s", rec.Code, rec.Body)
		}
		if rec := b.do("GET", "/account", nil); rec.Code != 200 {
			t.Fatalf("signed in after the code: %d", rec.Code)
		}

		// The security administrator resets it; the user enrols again.
		sec := h.As(auth.SecAdmin)
		if rec := sec.Do("POST", "/admin/users/h_secadmin/totp/reset", strings.NewReader(""), true); rec.Code != 200 {
			t.Fatalf("reset: %d", rec.Code)
		}
		if rec := b.do("GET", "/account", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("session survived a TOTP reset: %d", rec.Code)
		}
	})
}
