// Package webtest drives a wiis web server in tests without a network: one user per role,
// requests as any role or anonymously, and WalkRoutes, the route-permission check of
// security.md that every module's routes must pass.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/web"
)

// Password is the password of every harness user.
const Password = "Harness#Pass9"

// Region is the region of every harness user (Lu'an).
const Region = "341500"

// Harness is a server with one user per role.
type Harness struct {
	T     testing.TB
	DB    *store.DB
	S     *web.Server
	Users map[auth.Role]*auth.User
}

// New builds the server over db (with every module registered in the test binary) and adds
// the user "h_ROLE" for each role.
func New(t testing.TB, db *store.DB) *Harness {
	t.Helper()
	s, err := web.New(web.Config{DB: db, Version: "test", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h := &Harness{T: t, DB: db, S: s, Users: map[auth.Role]*auth.User{}}
	for _, r := range auth.AllRoles() {
		u, err := s.Auth.CreateUser(context.Background(), audit.Actor{Username: "test"}, auth.NewUser{
			Username: "h_" + string(r), DisplayName: "测试" + r.Info().Zh, Password: Password,
			Roles: []auth.Role{r}, Region: Region})
		if err != nil {
			t.Fatal(err)
		}
		h.Users[r] = u
	}
	return h
}

// Client is one caller: a fresh session of a user, or anonymous with a pre-session CSRF token.
type Client struct {
	h       *Harness
	Cookies []*http.Cookie
	CSRF    string
	Bearer  string
}

// As returns a client signed in as the harness user of role r with a fresh session; r == ""
// is an anonymous client.
func (h *Harness) As(r auth.Role) *Client {
	h.T.Helper()
	if r == "" {
		pre := strings.Repeat("p", 43)
		return &Client{h: h, CSRF: pre, Cookies: []*http.Cookie{{Name: "wiis_pre", Value: pre}}}
	}
	return h.AsUser(h.Users[r])
}

// AsUser returns a client with a fresh full session of u (past the password and any second
// factor), for tests that need a second user of one role, as four-eyes does.
func (h *Harness) AsUser(u *auth.User) *Client {
	h.T.Helper()
	tok, sess, err := h.S.Auth.CreateSession(context.Background(), u, "127.0.0.1", "zh")
	if err != nil {
		h.T.Fatal(err)
	}
	return &Client{h: h, CSRF: sess.CSRF, Cookies: []*http.Cookie{{Name: "wiis_session", Value: tok}}}
}

// Do sends a request; for state-changing methods the client's CSRF token goes in the
// X-CSRF-Token header (set csrf to false to leave it out).
func (c *Client) Do(method, path string, body io.Reader, csrf bool, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = "127.0.0.1:40000"
	for _, ck := range c.Cookies {
		req.AddCookie(ck)
	}
	if csrf && method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	c.h.S.ServeHTTP(rec, req)
	return rec
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// Concrete turns a route pattern into a path to request: "{$}" is dropped and every other
// wildcard becomes "1".
func Concrete(pattern string) string {
	p := strings.ReplaceAll(pattern, "{$}", "")
	return wildcard.ReplaceAllString(p, "1")
}

// WalkRoutes requests every registered route as every role and anonymously and checks the
// answer against the route's declared permission: an allowed caller is never turned away by
// the permission layer and never gets a 5xx; a signed-in caller without the permission gets
// 403; an anonymous caller gets 401 on the API and a redirect to the login page elsewhere.
func WalkRoutes(t *testing.T, h *Harness) {
	t.Helper()
	routes := h.S.Routes()
	if len(routes) == 0 {
		t.Fatal("no routes registered")
	}
	for _, rt := range routes {
		path := Concrete(rt.Pattern)
		for _, role := range append([]auth.Role{""}, auth.AllRoles()...) {
			who := string(role)
			if who == "" {
				who = "anonymous"
			}
			rec := h.As(role).Do(rt.Method, path, strings.NewReader(""), true)
			denied := rec.Header().Get(web.DeniedHeader) != ""
			var allowed bool
			if role == "" {
				allowed = rt.Perm.Public
			} else {
				allowed = rt.Perm.AllowsRole(role)
			}
			switch {
			case allowed && (denied || rec.Code >= 500):
				t.Errorf("%s %s as %s (permission %s): got %d denied=%v, want it allowed",
					rt.Method, rt.Pattern, who, rt.Perm.Name, rec.Code, denied)
			case !allowed && role != "" && (rec.Code != http.StatusForbidden || !denied):
				t.Errorf("%s %s as %s (permission %s): got %d, want 403", rt.Method, rt.Pattern, who, rt.Perm.Name, rec.Code)
			case !allowed && role == "" && strings.HasPrefix(path, "/api/") && (rec.Code != http.StatusUnauthorized || !denied):
				t.Errorf("%s %s anonymously: got %d, want 401", rt.Method, rt.Pattern, rec.Code)
			case !allowed && role == "" && !strings.HasPrefix(path, "/api/") &&
				(rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") || !denied):
				t.Errorf("%s %s anonymously: got %d to %q, want a redirect to /login", rt.Method, rt.Pattern, rec.Code, rec.Header().Get("Location"))
			}
		}
	}
}
