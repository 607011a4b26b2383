// Package webload is the load test of issue 10 behind `wiis bench load`: it starts the wiis
// server in-process on a loopback port over a demo database, signs in one teller per
// connection through the real login form, then sends a bounded number of teller requests
// (home page, search, person page, case list, API calls: whichever of them the linked modules
// register) at a fixed concurrency and measures throughput and p50/p99 latency. The same load
// against a bare net/http handler, measured in the same run, is the baseline.
package webload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
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
	Rate     float64  // wiis requests per second
	BareRate float64  // the bare handler's requests per second, same load
	Paths    []string // the request mix
}

// candidates are teller requests by route pattern; those whose route is registered and
// allowed to a teller make up the mix. {id} is filled with a person from the database.
var candidates = []struct{ method, pattern, path string }{
	{"GET", "/{$}", "/"},
	{"GET", "/api/v1/me", "/api/v1/me"},
	{"GET", "/api/v1/search", "/api/v1/search?q=%E7%8E%8B"},
	{"GET", "/search", "/search?q=%E7%8E%8B"},
	{"GET", "/api/v1/persons/{id}", "/api/v1/persons/{person}"},
	{"GET", "/persons/{id}", "/persons/{person}"},
	{"GET", "/casework/determinations", "/casework/determinations"},
	{"GET", "/api/v1/determinations", "/api/v1/determinations"},
	{"GET", "/account", "/account"},
}

// Mix returns the teller requests the server registers, with a person's ID number filled in.
func Mix(ctx context.Context, s *web.Server, db *store.DB) []string {
	person := "341502198001011234"
	db.QueryRow(ctx, `SELECT id_number FROM persons ORDER BY id_number LIMIT 1`).Scan(&person)
	var out []string
	for _, rt := range s.Routes() {
		for _, c := range candidates {
			if rt.Method == c.method && rt.Pattern == c.pattern && rt.Perm.AllowsRole(auth.Teller) {
				out = append(out, strings.ReplaceAll(c.path, "{person}", person))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Run seeds db with the demo city (when it holds no persons yet), starts the server on
// 127.0.0.1:0 and sends requests spread over conns connections, stopping early after limit.
func Run(ctx context.Context, db *store.DB, requests, conns int, limit time.Duration) (Result, error) {
	var n int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&n)
	if n == 0 {
		if _, err := demo.Run(ctx, db); err != nil {
			return Result{}, err
		}
	}
	srv, err := web.New(web.Config{DB: db, Log: slog.New(slog.DiscardHandler), Version: "bench"})
	if err != nil {
		return Result{}, err
	}
	res := Result{Requests: requests, Conns: conns, Paths: Mix(ctx, srv, db)}
	base, stop, err := serve(ctx, srv)
	if err != nil {
		return res, err
	}
	defer stop()
	tr := transport(conns)
	defer tr.CloseIdleConnections()
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
		return res, err
	}
	lat, errCount, elapsed := load(clients, base, res.Paths, requests, limit)
	res.Errors, res.Elapsed = errCount, elapsed
	res.Rate = float64(len(lat)) / elapsed.Seconds()
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)

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
	blat, _, belapsed := load(bclients, bbase, []string{"/"}, requests, limit)
	res.BareRate = float64(len(blat)) / belapsed.Seconds()
	return res, nil
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

// load sends requests GETs over the clients, one worker each, cycling through paths, and
// returns each request's latency, the number of failures and the wall time.
func load(clients []*http.Client, base string, paths []string, requests int, limit time.Duration) ([]time.Duration, int, time.Duration) {
	var next, failed atomic.Int64
	lats := make([][]time.Duration, len(clients))
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(requests) || time.Now().After(deadline) {
					return
				}
				t0 := time.Now()
				resp, err := c.Get(base + paths[int(i)%len(paths)])
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				lats[w] = append(lats[w], time.Since(t0))
				if err != nil || resp.StatusCode/100 != 2 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	return all, int(failed.Load()), elapsed
}

// percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
