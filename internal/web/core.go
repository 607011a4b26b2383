package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wiis/internal/apperr"
	"wiis/internal/auth"
)

// Permissions of the core pages.
var (
	PermUsers   = auth.NewPerm("user.admin", auth.SecAdmin)
	PermAudit   = auth.NewPerm("audit.read", auth.Auditor)
	PermSystem  = auth.NewPerm("system.admin", auth.SysAdmin)
	PermMetrics = auth.NewPerm("metrics", auth.SysAdmin)
)

// coreModule is the shell itself: sign-in, home, account, user administration, the audit log,
// system status, health, metrics, assets and the account API.
func coreModule() Module {
	return Module{Name: "core", Messages: coreMessages, Install: func(s *Server) {
		for _, rt := range []Route{
			{Method: "GET", Pattern: "/healthz", Perm: auth.Public, Handler: s.healthz},
			{Method: "GET", Pattern: "/metrics", Perm: PermMetrics, Handler: s.metricsHandler},
			{Method: "GET", Pattern: "/static/{file}", Perm: auth.Public, Handler: serveStatic},
			{Method: "GET", Pattern: "/login", Perm: auth.Public, Handler: s.loginPage},
			{Method: "POST", Pattern: "/login", Perm: auth.Public, Handler: s.loginSubmit},
			{Method: "GET", Pattern: "/login/totp", Perm: auth.Public, Handler: s.totpPage},
			{Method: "POST", Pattern: "/login/totp", Perm: auth.Public, Handler: s.totpSubmit},
			{Method: "GET", Pattern: "/login/totp/enrol", Perm: auth.Public, Handler: s.enrolPage},
			{Method: "POST", Pattern: "/login/totp/enrol", Perm: auth.Public, Handler: s.enrolSubmit},
			{Method: "GET", Pattern: "/login/totp/enrol/qr.png", Perm: auth.Public, Handler: s.enrolQR},
			{Method: "POST", Pattern: "/logout", Perm: auth.SignedIn, Handler: s.logout},
			{Method: "GET", Pattern: "/{$}", Perm: auth.SignedIn, Handler: s.home},
			{Method: "GET", Pattern: "/account", Perm: auth.SignedIn, Handler: s.accountPage, Nav: "nav.account"},
			{Method: "POST", Pattern: "/account/password", Perm: auth.SignedIn, Handler: s.accountPassword},
			{Method: "POST", Pattern: "/account/tokens", Perm: auth.SignedIn, Handler: s.accountTokenCreate},
			{Method: "POST", Pattern: "/account/tokens/{id}/revoke", Perm: auth.SignedIn, Handler: s.accountTokenRevoke},
			{Method: "GET", Pattern: "/admin/users", Perm: PermUsers, Handler: s.usersPage, Nav: "users.nav"},
			{Method: "POST", Pattern: "/admin/users", Perm: PermUsers, Handler: s.usersCreate},
			{Method: "GET", Pattern: "/admin/users/{username}", Perm: PermUsers, Handler: s.userPage},
			{Method: "POST", Pattern: "/admin/users/{username}/roles", Perm: PermUsers, Handler: s.userRoles},
			{Method: "POST", Pattern: "/admin/users/{username}/password", Perm: PermUsers, Handler: s.userResetPassword},
			{Method: "POST", Pattern: "/admin/users/{username}/totp/reset", Perm: PermUsers, Handler: s.userResetTOTP},
			{Method: "GET", Pattern: "/audit", Perm: PermAudit, Handler: s.auditPage, Nav: "audit.nav"},
			{Method: "GET", Pattern: "/audit/verify", Perm: PermAudit, Handler: s.auditVerifyPage, Nav: "audit.verify_nav"},
			{Method: "GET", Pattern: "/admin/system", Perm: PermSystem, Handler: s.systemPage, Nav: "system.nav"},
		} {
			s.Handle(rt)
		}
		s.installAPI()
	}}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.DB.SQL.PingContext(r.Context()); err != nil {
		return apperr.Wrap(err, "error.internal")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

// pathID reads a numeric path wildcard. Codes: invalid.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalidf(name, "error.bad_id")
	}
	return id, nil
}

// FieldErrors turns an invalid error into a field → message map for a form that is shown
// again with the user's input; any other error is returned for Fail.
func FieldErrors(r *http.Request, err error) (map[string]string, error) {
	e := apperr.As(err)
	if e.Code != apperr.Invalid {
		return nil, err
	}
	field := e.Field
	if field == "" {
		field = "_"
	}
	return map[string]string{field: T(Lang(r), e.Message, e.Args...)}, nil
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
