// Package web is the HTTP face of wiis: the HTML back office and the JSON API under /api/v1/,
// served by one net/http ServeMux from routes that declare who may call them (security.md:
// "every route and every API call is authorised on the server"). It owns sessions and CSRF in
// the browser, bearer API tokens, the error answer (one table from apperr codes to statuses),
// the message catalogue (Chinese first, English switch), templates and assets embedded in the
// binary, security headers, structured logs, Prometheus metrics and the OpenAPI document.
//
// Other modules add their pages and API calls as a Module registered from an init function
// (see Register and Route); `wiis serve` builds the server with New, which installs the core
// routes and then every registered module.
package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/store"
)

// Module is a part of wiis that serves pages or API calls.
//
//	func init() {
//		web.Register(web.Module{
//			Name:      "counter",
//			Templates: templateFS, // embedded *.html pages, each defining "title" and "content"
//			Messages:  web.Messages{"counter.nav": {"综合柜员台", "Teller desk"}},
//			Install: func(s *web.Server) {
//				h := &handlers{db: s.DB}
//				s.Handle(web.Route{Method: "GET", Pattern: "/counter", Nav: "counter.nav",
//					Perm: auth.NewPerm("counter", auth.Teller), Handler: h.desk})
//			},
//		})
//	}
//
// and cmd/wiis imports the module's package so its init runs.
type Module struct {
	Name      string
	Templates fs.FS // page templates; nil if the module has no pages
	Messages  Messages
	Install   func(s *Server)
}

var (
	modulesMu sync.Mutex
	modules   []Module
)

// Register adds a module; call it from the module package's init.
func Register(m Module) {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	for _, o := range modules {
		if o.Name == m.Name {
			panic("web: duplicate module " + m.Name)
		}
	}
	modules = append(modules, m)
}

// Config is what a server needs from its caller.
type Config struct {
	DB            *store.DB
	Auth          *auth.Service // defaults to auth.New(DB)
	Log           *slog.Logger  // defaults to slog.Default()
	SecureCookies bool          // set the Secure flag on cookies (behind TLS)
	Version       string
	// MaxInFlight is how many requests are worked on at once (admission.go); 0 means four
	// per core.
	MaxInFlight int
	// MaxWait is how long a request waits for its turn before it is answered 503 busy;
	// 0 means DefaultMaxWait.
	MaxWait time.Duration
}

// Server is the wiis HTTP server. Modules get their dependencies from its fields.
type Server struct {
	DB   *store.DB
	Auth *auth.Service
	// AuditReads writes the audit records of reads (a full record or value shown) of
	// concurrent requests in shared transactions; see audit.Group for why.
	AuditReads *audit.Group
	Config     Config
	log        *slog.Logger
	mux        *http.ServeMux
	routes     []Route
	views      map[string]map[string]*templateSet // lang → page → template
	reg        *prometheus.Registry
	metrics    *metrics
	started    time.Time
	handler    http.Handler
	panels     []HomePanel
	admit      *admission
}

var catalogueOnce sync.Once

// New builds the server: core routes, then every registered module, then the templates. It
// fails if a template does not parse.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("web: no database")
	}
	if cfg.Auth == nil {
		cfg.Auth = auth.New(cfg.DB)
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Server{DB: cfg.DB, Auth: cfg.Auth, Config: cfg, log: cfg.Log, mux: http.NewServeMux(),
		reg: prometheus.NewRegistry(), started: time.Now(), AuditReads: &audit.Group{DB: cfg.DB}}
	s.metrics = newMetrics(s.reg)
	s.admit = newAdmission(cfg, s.reg)
	modulesMu.Lock()
	mods := append([]Module{coreModule()}, modules...)
	modulesMu.Unlock()
	catalogueOnce.Do(func() {
		for _, m := range mods[1:] {
			catalogue.add(m.Messages)
		}
	})
	var tfs []fs.FS
	for _, m := range mods {
		if m.Templates != nil {
			tfs = append(tfs, m.Templates)
		}
		if m.Install != nil {
			m.Install(s)
		}
	}
	if err := s.parseTemplates(tfs); err != nil {
		return nil, err
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, notFound())
	})
	s.handler = s.outer(s.mux)
	return s, nil
}

// Handle adds a route. It panics on a route without a permission, an API route without an API
// doc, or a pattern the ServeMux refuses: those are programming errors found at start-up.
func (s *Server) Handle(rt Route) {
	switch {
	case !rt.Perm.Declared():
		panic(fmt.Sprintf("web: route %s %s declares no permission", rt.Method, rt.Pattern))
	case rt.Handler == nil:
		panic(fmt.Sprintf("web: route %s %s has no handler", rt.Method, rt.Pattern))
	case strings.HasPrefix(rt.Pattern, "/api/v") && rt.API == nil:
		panic(fmt.Sprintf("web: API route %s %s has no API doc", rt.Method, rt.Pattern))
	}
	if rt.MaxBody == 0 {
		rt.MaxBody = 1 << 20
	}
	s.mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	s.routes = append(s.routes, rt)
}

// Routes returns every registered route, sorted by pattern then method: the permission table.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pattern != out[j].Pattern {
			return out[i].Pattern < out[j].Pattern
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// ServeHTTP serves a request through the whole middleware chain.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Run serves on ln until ctx is cancelled, then shuts down gracefully, letting requests in
// flight finish for up to 15 seconds.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
