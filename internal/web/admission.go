package web

import (
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"wiis/internal/apperr"
)

// Admission: only so many requests are worked on at once, and the others wait their turn in
// the order they came. Without it, every request in flight competes for the CPU and for the
// few database connections at each of its queries, so a page that runs a dozen queries waits a
// dozen times behind everyone else and the slowest pages take many times the average — at 64
// concurrent tellers that was most of the 99th-percentile latency. With it, a request waits
// once, at the door, and then runs nearly alone; waiting is shared fairly, and a request that
// cannot start within MaxWait is answered 503 "busy" instead of piling up.

// DefaultMaxWait is how long a request may wait for its turn before the answer "busy".
const DefaultMaxWait = 30 * time.Second

type admission struct {
	mu      sync.Mutex
	free    int             // slots not taken
	resumed []chan struct{} // requests taking their turn back after Await, served first
	queue   []chan struct{} // requests waiting for their first turn, in arrival order
	slots   int
	maxWait time.Duration
	waiting prometheus.Gauge
	busy    prometheus.Counter
}

func newAdmission(cfg Config, reg *prometheus.Registry) *admission {
	n := cfg.MaxInFlight
	if n <= 0 {
		// Four per core: enough for requests waiting on the database to overlap with those
		// computing, few enough that each runs nearly alone. Measured at 64 tellers on two
		// cores (docs/scaling.md): 8 gave the best tail on both engines; 32 and 64 brought
		// back most of the tail on PostgreSQL, whose backends share the same cores.
		n = 4 * runtime.GOMAXPROCS(0)
	}
	wait := cfg.MaxWait
	if wait <= 0 {
		wait = DefaultMaxWait
	}
	a := &admission{free: n, slots: n, maxWait: wait,
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "wiis_http_requests_waiting",
			Help: "Requests waiting for their turn to be worked on."}),
		busy: prometheus.NewCounter(prometheus.CounterOpts{Name: "wiis_http_requests_busy_total",
			Help: "Requests answered 503 because they could not start within the longest wait."}),
	}
	reg.MustRegister(a.waiting, a.busy, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wiis_http_requests_in_flight", Help: "Requests being worked on."},
		func() float64 { a.mu.Lock(); defer a.mu.Unlock(); return float64(a.slots - a.free) }))
	return a
}

// enter waits for a slot: nil once the request may run (call leave after), else an
// unavailable error (waited too long) or the request's own end (the client went away).
func (a *admission) enter(r *http.Request) error {
	a.mu.Lock()
	if a.free > 0 && len(a.queue) == 0 && len(a.resumed) == 0 {
		a.free--
		a.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	a.queue = append(a.queue, turn)
	a.mu.Unlock()
	a.waiting.Inc()
	defer a.waiting.Dec()
	t := time.NewTimer(a.maxWait)
	defer t.Stop()
	var err error
	select {
	case <-turn:
		return nil
	case <-t.C:
		err = apperr.New(apperr.Unavailable, "", "error.busy")
	case <-r.Context().Done():
		err = r.Context().Err()
	}
	a.mu.Lock()
	if i := slices.Index(a.queue, turn); i >= 0 {
		a.queue = slices.Delete(a.queue, i, i+1)
		a.mu.Unlock()
		if apperr.CodeOf(err) == apperr.Unavailable {
			a.busy.Inc()
		}
		return err
	}
	a.mu.Unlock()
	// The turn came as the wait ended: it is this request's to use or to pass on.
	if r.Context().Err() != nil {
		a.leave()
		return err
	}
	return nil
}

// leave gives the slot to the next request: one taking its turn back first, then the
// longest waiting.
func (a *admission) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case len(a.resumed) > 0:
		close(a.resumed[0])
		a.resumed = a.resumed[1:]
	case len(a.queue) > 0:
		close(a.queue[0])
		a.queue = a.queue[1:]
	default:
		a.free++
	}
}

// resume takes a turn back after Await, ahead of every request that has not started: a
// request that has done part of its work finishes before new ones begin.
func (a *admission) resume() {
	a.mu.Lock()
	if a.free > 0 && len(a.resumed) == 0 {
		a.free--
		a.mu.Unlock()
		return
	}
	turn := make(chan struct{})
	a.resumed = append(a.resumed, turn)
	a.mu.Unlock()
	<-turn
}

// Await runs wait, which blocks without using the CPU — an audit record's commit waiting
// for the disk to flush — with the request's turn given to the next request meanwhile, and
// takes the turn back, ahead of requests that have not started, before it returns. Measured
// at 64 tellers on PostgreSQL (docs/scaling.md): the person views held their turns through
// the audit commit's flush, and when a flush was slow every turn could be held by a view
// waiting on it, which stalled all requests and made most of the 99th-percentile latency.
// Outside a route (no turn held) it just runs wait.
func (s *Server) Await(r *http.Request, wait func() error) error {
	st := state(r)
	if !st.admitted {
		return wait()
	}
	s.admit.leave()
	defer s.admit.resume()
	return wait()
}
