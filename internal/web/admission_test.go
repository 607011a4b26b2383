package web_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
)

// gate is a route that records the order requests start in and holds each until released.
type gate struct {
	mu      sync.Mutex
	started []string
	release map[string]chan struct{}
}

func newGateServer(t *testing.T, maxInFlight int, maxWait time.Duration) (*httptest.Server, *gate) {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	s, err := web.New(web.Config{DB: db, Version: "test", Log: slog.New(slog.DiscardHandler),
		MaxInFlight: maxInFlight, MaxWait: maxWait})
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{release: map[string]chan struct{}{}}
	// Registered before the server's Close so it runs first: a failed test must not leave
	// handlers held, or Close would wait for them.
	t.Cleanup(g.openAll)
	s.Handle(web.Route{Method: "GET", Pattern: "/test/gate/{id}", Perm: auth.Public,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			id := r.PathValue("id")
			g.start(id)()
			return web.WriteJSON(w, http.StatusOK, map[string]string{"id": id})
		}})
	// Starts, lends its turn while held (Await), then records that it took its turn back.
	s.Handle(web.Route{Method: "GET", Pattern: "/test/await/{id}", Perm: auth.Public,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			id := r.PathValue("id")
			held := g.start(id)
			err := s.Await(r, func() error { held(); return nil })
			g.mu.Lock()
			g.started = append(g.started, id+"+")
			g.mu.Unlock()
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, map[string]string{"id": id})
		}})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, g
}

// start records that request id started and returns what waits until it is released.
func (g *gate) start(id string) (held func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.started = append(g.started, id)
	ch := g.release[id]
	return func() {
		if ch != nil {
			<-ch
		}
	}
}

func (g *gate) hold(ids ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, id := range ids {
		g.release[id] = make(chan struct{})
	}
}

func (g *gate) open(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if ch := g.release[id]; ch != nil {
		close(ch)
		delete(g.release, id)
	}
}

func (g *gate) openAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for id, ch := range g.release {
		close(ch)
		delete(g.release, id)
	}
}

func (g *gate) order() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return fmt.Sprint(g.started)
}

// waitFor polls until the started list reads want.
func (g *gate) waitFor(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if g.order() == want {
			return
		}
	}
	t.Fatalf("requests started %s, want %s", g.order(), want)
}

func get(t *testing.T, url string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return nil, nil
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp, body
}

func TestRequestsBeyondTheLimitWaitAndStartInArrivalOrder(t *testing.T) {
	ts, g := newGateServer(t, 1, time.Minute)
	g.hold("a", "b", "c", "d")
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i, id := range []string{"a", "b", "c", "d"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, _ := get(t, ts.URL+"/test/gate/"+id); resp != nil {
				codes[i] = resp.StatusCode
			}
		}()
		if i == 0 {
			g.waitFor(t, "[a]")
		}
		time.Sleep(50 * time.Millisecond) // let each one queue before the next arrives
	}
	// Only one runs at a time: b, c and d wait while a is held.
	if got := g.order(); got != "[a]" {
		t.Fatalf("with one slot taken, started %s", got)
	}
	g.open("a")
	g.waitFor(t, "[a b]")
	g.open("b")
	g.waitFor(t, "[a b c]")
	g.open("c")
	g.waitFor(t, "[a b c d]")
	g.open("d")
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("request %d answered %d", i, c)
		}
	}
}

func TestARequestThatCannotStartInTimeIsAnsweredBusy(t *testing.T) {
	ts, g := newGateServer(t, 2, 200*time.Millisecond)
	g.hold("a", "b")
	var wg sync.WaitGroup
	for _, id := range []string{"a", "b"} {
		wg.Add(1)
		go func() { defer wg.Done(); get(t, ts.URL+"/test/gate/"+id) }()
		g.waitFor(t, map[string]string{"a": "[a]", "b": "[a b]"}[id])
	}
	// Both slots are taken.
	resp, body := get(t, ts.URL+"/test/gate/c")
	if resp == nil {
		t.FailNow()
	}
	errBody, _ := body["error"].(map[string]any)
	if resp.StatusCode != http.StatusServiceUnavailable || errBody["code"] != "unavailable" ||
		errBody["message"] == "" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("busy answer: %d %v Retry-After %q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	if got := g.order(); got != "[a b]" {
		t.Fatalf("the refused request ran: %s", got)
	}
	g.open("a")
	g.open("b")
	wg.Wait()
	// The slots are free again.
	if resp, _ := get(t, ts.URL+"/test/gate/e"); resp == nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after the load, a request is not served: %v", resp)
	}
}

// A request waiting without using the CPU (Await: an audit commit's flush) lends its turn to
// the next request, and takes it back ahead of requests that have not started.
func TestAwaitLendsTheTurnAndTakesItBackFirst(t *testing.T) {
	ts, g := newGateServer(t, 1, time.Minute)
	g.hold("a", "b", "c")
	var wg sync.WaitGroup
	codes := map[string]int{}
	var mu sync.Mutex
	send := func(path, id string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, _ := get(t, ts.URL+path+id); resp != nil {
				mu.Lock()
				codes[id] = resp.StatusCode
				mu.Unlock()
			}
		}()
	}
	send("/test/await/", "a")
	g.waitFor(t, "[a]")
	// a waits in Await with the only slot lent: b starts at once.
	send("/test/gate/", "b")
	g.waitFor(t, "[a b]")
	send("/test/gate/", "c")
	time.Sleep(50 * time.Millisecond) // c queues behind b
	g.open("a")                       // a's wait ends; it waits for its turn back
	time.Sleep(50 * time.Millisecond)
	if got := g.order(); got != "[a b]" {
		t.Fatalf("a took a turn while b held the only one: %s", got)
	}
	g.open("b") // b's turn goes to a, which started earlier, not to c
	g.waitFor(t, "[a b a+ c]")
	g.open("c")
	wg.Wait()
	for _, id := range []string{"a", "b", "c"} {
		if codes[id] != http.StatusOK {
			t.Errorf("request %s answered %d", id, codes[id])
		}
	}
}
