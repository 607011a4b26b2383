package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/privacy"
	"wiis/internal/store"
)

// DeniedHeader marks an answer given by the permission check rather than by a handler, so
// the route-permission test (and a log reader) can tell the two apart.
const DeniedHeader = "X-Wiis-Denied"

// Cookie names.
const (
	sessionCookie = "wiis_session"
	preCookie     = "wiis_pre" // CSRF token for forms posted before signing in (login)
)

type ctxKey int

const (
	keyReq ctxKey = iota
)

// reqState is what the middleware learns about a request, shared with handlers via the
// context.
type reqState struct {
	lang    string
	user    *auth.User
	session *auth.Session // nil for bearer and anonymous requests
	bearer  bool
	pre     string // anonymous form CSRF token
	// admitted: the request holds a turn (admission.go), which Await may lend out.
	admitted bool
}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(keyReq).(*reqState); ok {
		return st
	}
	return &reqState{lang: LangZh}
}

// CurrentUser returns the signed-in user, nil when anonymous.
func CurrentUser(r *http.Request) *auth.User { return state(r).user }

// Lang returns the language of the answer, "zh" or "en".
func Lang(r *http.Request) string { return state(r).lang }

// ActorOf names the caller for audit records.
func ActorOf(r *http.Request) audit.Actor {
	a := audit.Actor{Username: "anonymous", RemoteAddr: remoteAddr(r)}
	if u := CurrentUser(r); u != nil {
		a.Username = u.Username
	}
	return a
}

func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type metrics struct {
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	statements *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wiis_http_requests_total",
			Help: "HTTP requests by route pattern, method and status."}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wiis_http_request_duration_seconds",
			Help: "HTTP request latency by route pattern.", Buckets: prometheus.DefBuckets}, []string{"route"}),
		statements: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wiis_http_request_statements",
			Help:    "Database statements (round trips) per HTTP request by route pattern.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128}}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency, m.statements, prometheus.NewGoCollector(),
		prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// outer wraps the mux: security headers, language, logging, metrics, and a recover that turns
// a panic into a logged, clean 500.
func (s *Server) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		st := &reqState{lang: pickLang(w, r)}
		// Read here, not per route, so pages outside any route (404s) never replace it.
		if c, err := r.Cookie(preCookie); err == nil && len(c.Value) >= 32 {
			st.pre = c.Value
		}
		ctx, stmts := store.CountStatements(context.WithValue(r.Context(), keyReq, st))
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(r.Context(), "panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if sw.status == 0 {
					s.Fail(sw, r, apperr.Wrap(fmt.Errorf("panic: %v", p), "error.internal"))
				}
			}
			route := r.Pattern
			if route == "" || route == "/" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.requests.WithLabelValues(route, r.Method, fmt.Sprint(sw.status)).Inc()
			s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
			s.metrics.statements.WithLabelValues(route).Observe(float64(stmts.Count()))
			user := ""
			if st.user != nil {
				user = st.user.Username
			}
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method),
				slog.String("path", privacy.MaskText(r.URL.Path)), slog.String("route", route), slog.Int("status", sw.status),
				slog.Duration("dur", d), slog.Int64("stmts", stmts.Count()), slog.String("user", user), slog.String("remote", remoteAddr(r)))
		}()
		next.ServeHTTP(sw, r)
	})
}

// wrap is the per-route chain: wait for a turn (admission.go), identify the caller, check the
// route's permission, cap the body, refuse bad text (input.go), check the CSRF token of
// state-changing browser requests, run the handler.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.admit.enter(r); err != nil {
			if apperr.CodeOf(err) == apperr.Unavailable {
				w.Header().Set("Retry-After", "5")
				s.Fail(w, r, err)
			}
			return // the client went away: nobody to answer
		}
		defer s.admit.leave()
		st := state(r)
		st.admitted = true
		if err := s.identify(w, r, st); err != nil {
			s.Fail(w, r, err)
			return
		}
		if !rt.Perm.Allows(st.user) {
			s.deny(w, r, st)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, rt.MaxBody)
		if err := checkInput(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		if unsafe(r.Method) && !st.bearer && !anonymousAPI(r, st) && !s.csrfOK(r, st) {
			s.Fail(w, r, apperr.Forbiddenf("error.csrf"))
			return
		}
		if rt.Views != "" {
			w = &viewWriter{ResponseWriter: w, s: s, r: r, rt: rt}
		}
		if err := rt.Handler(w, r); err != nil {
			s.Fail(w, r, err)
		}
	})
}

// anonymousAPI reports an API call that carries no session: with no ambient credential there
// is nothing for a forged cross-site request to borrow, so it needs no CSRF token. Only public
// API routes (POST /api/v1/calc, called with curl by the contract) get this far anonymously.
func anonymousAPI(r *http.Request, st *reqState) bool {
	return st.session == nil && st.user == nil && strings.HasPrefix(r.URL.Path, "/api/")
}

// identify finds the caller: a bearer API token, else the session cookie. A bad bearer token
// is an error; an expired session makes the caller anonymous.
func (s *Server) identify(w http.ResponseWriter, r *http.Request, st *reqState) error {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return apperr.Unauthorizedf("auth.token_invalid")
		}
		u, err := s.Auth.UserForAPIToken(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		st.user, st.bearer = u, true
		return nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		sess, err := s.Auth.Session(r.Context(), c.Value)
		switch apperr.CodeOf(err) {
		case "":
			st.session = sess
			if sess.Pending == "" { // a pending session (second factor to come) signs no one in
				st.user = sess.User
			}
		case apperr.Unauthorized:
			s.clearCookie(w, r, sessionCookie)
		default:
			return err
		}
	}
	return nil
}

// deny answers a caller the route's permission does not allow: anonymous browsers go to the
// login page, anonymous API callers get 401, signed-in users 403.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, st *reqState) {
	w.Header().Set(DeniedHeader, "permission")
	if st.user != nil {
		s.Fail(w, r, apperr.Forbiddenf("error.forbidden"))
		return
	}
	if wantsJSON(r) {
		s.Fail(w, r, apperr.Unauthorizedf("error.unauthorized"))
		return
	}
	next := r.URL.Path
	if r.Method != http.MethodGet {
		next = "/"
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// csrfOK checks the form field "csrf" or the X-CSRF-Token header against the session's token
// (or, before signing in, against the pre-session cookie).
func (s *Server) csrfOK(r *http.Request, st *reqState) bool {
	want := st.pre
	if st.session != nil {
		want = st.session.CSRF
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.Config.SecureCookies || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	s.setCookie(w, r, name, "", -1)
}

// csrfToken returns the token forms must carry, issuing a pre-session one to anonymous
// browsers.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	st := state(r)
	if st.session != nil {
		return st.session.CSRF
	}
	if st.pre == "" {
		st.pre = randomToken()
		s.setCookie(w, r, preCookie, st.pre, 0)
	}
	return st.pre
}

func notFound() error { return apperr.NotFoundf("error.not_found") }
