// Package webload is the load test and the soak of issue 10 behind `wiis bench load` and
// `wiis bench soak`: it seeds the database up to the persons asked for (1,000,000 for the load
// test; demo.SeedPersons, reused when present), starts the wiis server in-process on a loopback
// port, signs in one teller per connection through the real login form, then sends teller
// requests (home page, search, person page, case list, API calls: whichever of them the linked
// modules register) at a fixed concurrency. The load test is bounded in requests and time and
// measures throughput and p50/p99 latency, next to a bare net/http handler measured in the same
// run; the soak runs for a set time and samples heap and goroutines (RunSoak).
package webload

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/web"
)

// Result is one load run against wiis and the bare baseline.
type Result struct {
	Requests int           // requests sent to wiis
	Conns    int           // concurrent connections (workers)
	Errors   int           // answers other than 2xx, and transport errors
	Elapsed  time.Duration // wall time of the wiis requests (logins excluded)
	P50, P99 time.Duration
	Rate     float64 // wiis requests per second
	BareRate float64 // the bare handler's requests per second, same load
	BareP99  time.Duration
	Paths    []string  // the request mix (route templates)
	Seed     demo.Bulk // what seeding the database took (zero when it was already seeded)
	Failed   []string  // the first few failed requests, to say why
	Routes   []RouteLatency
	// Warmup is the requests sent before the measured ones, and WarmupP99 their 99th
	// percentile: the first seconds after a start, while the database connections open and
	// each one prepares its statements, are a figure of their own (docs/scaling.md).
	Warmup    int
	WarmupP99 time.Duration
}

// candidates are teller requests by route pattern; those whose route is registered and
// allowed to a teller make up the mix. {person} is filled with one of a spread of persons
// from the database and {q} with a teller's search term (a surname, a full name, or a whole
// ID number), changing from request to request so caches do not flatter the figures.
var candidates = []struct{ method, pattern, path string }{
	{"GET", "/{$}", "/"},
	{"GET", "/api/v1/me", "/api/v1/me"},
	{"GET", "/api/v1/search", "/api/v1/search?q={q}"},
	{"GET", "/search", "/search?q={q}"},
	{"GET", "/counter", "/counter?q={q}"},
	{"GET", "/api/v1/persons/{id}", "/api/v1/persons/{person}"},
	{"GET", "/counter/persons/{id}", "/counter/persons/{person}"},
	{"GET", "/persons/{id}", "/persons/{person}"},
	{"GET", "/casework/determinations", "/casework/determinations"},
	{"GET", "/api/v1/determinations", "/api/v1/determinations"},
	{"GET", "/account", "/account"},
}

// Mix returns the teller requests the server registers, as path templates.
func Mix(s *web.Server) []string {
	var out []string
	for _, rt := range s.Routes() {
		for _, c := range candidates {
			if rt.Method == c.method && rt.Pattern == c.pattern && rt.Perm.AllowsRole(auth.Teller) {
				out = append(out, c.path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Targets fills the mix's templates: persons and search terms are spread over the whole
// database (a stride through the persons in key order), so the load reads a million-person
// table the way a day at the counters does rather than one hot row.
type Targets struct {
	paths   []string
	persons []string
	terms   []string
}

// NewTargets picks up to 64 persons spread through the persons table and search terms from
// their names: the surname alone (a prefix search), the full name, and the ID number itself.
// A person page is asked for by the person's reference, the path value of every link to it.
func NewTargets(ctx context.Context, db *store.DB, paths []string) (*Targets, error) {
	t := &Targets{paths: paths}
	// The persons are taken in the order of their clear numbers, not the stored (sealed)
	// ones: the sealed order changes with the data key, and with it the persons picked and
	// what their pages hold, which the statement budget test must not depend on.
	rows, err := db.Query(ctx, `SELECT id_number, name FROM persons`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all [][2]string
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		all = append(all, [2]string{id, name})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	stride := max(1, len(all)/64)
	for i, p := range all {
		if i%stride != stride/2 {
			continue
		}
		id, name := p[0], p[1]
		t.persons = append(t.persons, db.PersonRef(id)) // opened by reference, as a search hit's link does
		t.terms = append(t.terms, url.QueryEscape(string([]rune(name)[:1])), url.QueryEscape(name), id)
	}
	if len(t.persons) == 0 {
		return nil, errors.New("webload: the database holds no persons")
	}
	return t, nil
}

// Path is the i-th request of the load.
func (t *Targets) Path(i int) string {
	p := t.paths[i%len(t.paths)]
	k := i / len(t.paths)
	p = strings.Replace(p, "{person}", t.persons[k%len(t.persons)], 1)
	return strings.Replace(p, "{q}", t.terms[k%len(t.terms)], 1)
}

// CPUProfile, when not empty, is the file that receives a CPU profile (pprof) of the load
// phase of Run: how the causes of the latency were found, and how to find the next ones.
var CPUProfile string

// Run seeds db with persons persons (the demo city, then bulk persons; reused when db holds
// them already), starts the server on 127.0.0.1:0 and sends requests spread over conns
// connections, stopping early after limit; then the same load against a bare handler.
func Run(ctx context.Context, db *store.DB, persons, requests, conns int, limit time.Duration) (Result, error) {
	rg, err := setUp(ctx, db, persons, conns)
	if err != nil {
		return Result{}, err
	}
	defer rg.close()
	if db.Engine == store.Postgres {
		// As pgbench does before each run: statistics and visibility maps as autovacuum would
		// have left them. A test machine may run with autovacuum off, and then each run's
		// sign-ins, sessions and audit records leave dead rows for the next run to walk.
		if _, err := db.Exec(ctx, `VACUUM (ANALYZE) users, sessions, audit_log, persons, enrollment_events, claims, employers, payments, tickets`); err != nil {
			return Result{}, fmt.Errorf("webload: vacuum: %w", err)
		}
	}
	res := Result{Requests: requests, Conns: conns, Paths: rg.targets.paths, Seed: rg.seed}
	tg, clients, base := rg.targets, rg.clients, rg.base
	// A server that has just started is measured apart: the requests of its first seconds
	// open the database connections, and each connection parses and plans its statements.
	var mu sync.Mutex
	failure := func(p string, status int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if len(res.Failed) < 5 {
			res.Failed = append(res.Failed, fmt.Sprintf("GET %s: %d %v", p, status, err))
		}
	}
	res.Warmup = max(requests/10, 10*conns)
	wlat, werrs, _ := load(clients, base, func(i int) string { return tg.Path(i + requests) }, res.Warmup, time.Now().Add(limit), failure)
	res.WarmupP99 = percentile(wlat, 0.99)
	if CPUProfile != "" {
		f, err := os.Create(CPUProfile)
		if err != nil {
			return res, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return res, err
		}
	}
	lat, errCount, elapsed := load(clients, base, tg.Path, requests, time.Now().Add(limit), failure)
	if CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	res.Errors, res.Elapsed = errCount+werrs, elapsed
	res.Rate = float64(len(lat)) / elapsed.Seconds()
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	res.Routes = byRoute(lat, res.Paths)
	stmts, err := rg.statements(ctx)
	if err != nil {
		return res, err
	}
	for k := range res.Routes {
		res.Routes[k].Statements = stmts[k].Statements
	}

	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok\n")
	})
	bbase, bstop, err := serve(ctx, bare)
	if err != nil {
		return res, err
	}
	defer bstop()
	btr := transport(conns)
	defer btr.CloseIdleConnections()
	bclients := make([]*http.Client, conns)
	for i := range bclients {
		bclients[i] = &http.Client{Transport: btr}
	}
	load(bclients, bbase, func(int) string { return "/" }, res.Warmup, time.Now().Add(limit), nil) // the same warm-up
	blat, _, belapsed := load(bclients, bbase, func(int) string { return "/" }, requests, time.Now().Add(limit), nil)
	res.BareRate = float64(len(blat)) / belapsed.Seconds()
	res.BareP99 = percentile(blat, 0.99)
	return res, nil
}

// rig is the server under load with its signed-in tellers.
type rig struct {
	seed    demo.Bulk
	targets *Targets
	srv     http.Handler
	base    string
	clients []*http.Client
	close   func()
}

// setUp seeds db up to persons persons, starts the server on a loopback port and signs in
// one teller per connection.
func setUp(ctx context.Context, db *store.DB, persons, conns int) (*rig, error) {
	seed, err := demo.SeedPersons(ctx, db, persons)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{DB: db, Log: slog.New(slog.DiscardHandler), Version: "bench"})
	if err != nil {
		return nil, err
	}
	tg, err := NewTargets(ctx, db, Mix(srv))
	if err != nil {
		return nil, err
	}
	base, stop, err := serve(ctx, srv)
	if err != nil {
		return nil, err
	}
	clients, closeClients, err := tellers(base, conns)
	if err != nil {
		stop()
		return nil, err
	}
	return &rig{seed: seed, targets: tg, srv: srv, base: base, clients: clients, close: func() { closeClients(); stop() }}, nil
}

// tellers signs one demo teller in per connection, through the login form as a browser does.
func tellers(base string, conns int) ([]*http.Client, func(), error) {
	tr := transport(conns)
	clients := make([]*http.Client, conns)
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			clients[i] = &http.Client{Transport: tr, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			if err := login(clients[i], base); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		tr.CloseIdleConnections()
		return nil, nil, err
	}
	return clients, tr.CloseIdleConnections, nil
}

func transport(conns int) *http.Transport {
	return &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		IdleConnTimeout: 30 * time.Second, DisableCompression: true}
}

// serve runs h on a loopback port until stop is called.
func serve(ctx context.Context, h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() { hs.Serve(ln); close(done) }()
	return "http://" + ln.Addr().String(), func() { hs.Shutdown(context.Background()); <-done }, nil
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs the demo teller in through the login form, as a browser does.
func login(c *http.Client, base string) error {
	resp, err := c.Get(base + "/login")
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(page)
	if m == nil {
		return errors.New("webload: no CSRF token on the login page")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf": {string(m[1])}, "username": {string(auth.Teller)},
		"password": {demo.Password}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("webload: login answered %d", resp.StatusCode)
	}
	return nil
}

// load sends up to requests GETs (no bound when requests < 0) over the clients, one worker
// each, taking the i-th path from path, until deadline; it returns each request's latency
// (none when unbounded: a soak must not grow its own memory), the number of failures and the
// wall time. failure, when not nil, hears of each failed
// request.
func load(clients []*http.Client, base string, path func(int) string, requests int, deadline time.Time,
	failure func(path string, status int, err error)) ([]timed, int, time.Duration) {
	var next, failed atomic.Int64
	lats := make([][]timed, len(clients))
	start := time.Now()
	var wg sync.WaitGroup
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if requests >= 0 && i >= int64(requests) || time.Now().After(deadline) {
					return
				}
				p := path(int(i))
				t0 := time.Now()
				resp, err := c.Get(base + p)
				status := 0
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
					if answered(status, resp.Header.Get("Location")) {
						status = http.StatusOK
					}
				}
				if requests >= 0 {
					lats[w] = append(lats[w], timed{int(i), time.Since(t0)})
				}
				if err != nil || status/100 != 2 {
					failed.Add(1)
					if failure != nil {
						failure(p, status, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []timed
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.SortFunc(all, func(a, b timed) int { return cmp.Compare(a.d, b.d) })
	return all, int(failed.Load()), elapsed
}

// answered reports a proper answer to a teller's request: a 2xx, or a redirect (the search
// box opens the one person it found) unless it sends the teller back to the login page.
func answered(status int, location string) bool {
	return status/100 == 2 || status/100 == 3 && !strings.HasPrefix(location, "/login")
}

// timed is the latency of the i-th request.
type timed struct {
	i int
	d time.Duration
}

// percentile of latencies sorted by duration (nearest rank).
func percentile(sorted []timed, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))].d
}

// RouteLatency is the latency of one request of the mix, and the database statements it
// runs (RouteStatements).
type RouteLatency struct {
	Path       string
	N          int
	P50, P99   time.Duration
	Statements int64
}

// RouteStatements is how many database statements one request of the mix runs: on
// PostgreSQL each is a round trip, and their number is most of a page's cost there.
type RouteStatements struct {
	Path       string // the request's template, as in the mix
	Target     string // the request sent
	Statements int64
}

// Statements seeds the demo city into db (when it holds no persons yet), signs a teller in
// and counts the statements each request of the mix runs, for the test that holds the pages
// to a budget.
func Statements(ctx context.Context, db *store.DB) ([]RouteStatements, error) {
	rg, err := setUp(ctx, db, 0, 1)
	if err != nil {
		return nil, err
	}
	defer rg.close()
	return rg.statements(ctx)
}

// statements sends each request of the mix in process as the first signed-in teller, twice
// so that what a node reads once and keeps does not count, and counts the second's
// statements.
func (rg *rig) statements(ctx context.Context) ([]RouteStatements, error) {
	u, err := url.Parse(rg.base)
	if err != nil {
		return nil, err
	}
	cookies := rg.clients[0].Jar.Cookies(u)
	out := make([]RouteStatements, len(rg.targets.paths))
	for k, p := range rg.targets.paths {
		target := rg.targets.Path(k)
		for range 2 {
			cctx, n := store.CountStatements(ctx)
			req := httptest.NewRequestWithContext(cctx, http.MethodGet, target, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			w := httptest.NewRecorder()
			rg.srv.ServeHTTP(w, req)
			if !answered(w.Code, w.Header().Get("Location")) {
				return nil, fmt.Errorf("webload: GET %s answered %d", target, w.Code)
			}
			out[k] = RouteStatements{Path: p, Target: target, Statements: n.Count()}
		}
	}
	return out, nil
}

// byRoute splits latencies sorted by duration by the mix's path templates.
func byRoute(sorted []timed, paths []string) []RouteLatency {
	per := make([][]timed, len(paths))
	for _, t := range sorted {
		k := t.i % len(paths)
		per[k] = append(per[k], t)
	}
	out := make([]RouteLatency, len(paths))
	for k, p := range paths {
		out[k] = RouteLatency{Path: p, N: len(per[k]), P50: percentile(per[k], 0.5), P99: percentile(per[k], 0.99)}
	}
	return out
}
