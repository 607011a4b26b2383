package web

import (
	"net/http"
	"runtime"
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
	slots   chan struct{}
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
	a := &admission{slots: make(chan struct{}, n), maxWait: wait,
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "wiis_http_requests_waiting",
			Help: "Requests waiting for their turn to be worked on."}),
		busy: prometheus.NewCounter(prometheus.CounterOpts{Name: "wiis_http_requests_busy_total",
			Help: "Requests answered 503 because they could not start within the longest wait."}),
	}
	reg.MustRegister(a.waiting, a.busy, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wiis_http_requests_in_flight", Help: "Requests being worked on."},
		func() float64 { return float64(len(a.slots)) }))
	return a
}

// enter waits for a slot: nil once the request may run (call leave after), else an
// unavailable error (waited too long) or the request's own end (the client went away).
func (a *admission) enter(r *http.Request) error {
	select {
	case a.slots <- struct{}{}:
		return nil
	default:
	}
	a.waiting.Inc()
	defer a.waiting.Dec()
	t := time.NewTimer(a.maxWait)
	defer t.Stop()
	// Goroutines blocked sending on a channel are let through in the order they blocked.
	select {
	case a.slots <- struct{}{}:
		return nil
	case <-t.C:
		a.busy.Inc()
		return apperr.New(apperr.Unavailable, "", "error.busy")
	case <-r.Context().Done():
		return r.Context().Err()
	}
}

func (a *admission) leave() { <-a.slots }
