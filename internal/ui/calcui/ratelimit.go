package calcui

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Limiter is a per-client token bucket kept in memory: each client (by IP address) may spend
// Burst requests at once and gets Rate tokens back per minute. The public calculator and
// POST /api/v1/calc need no login, so this is what keeps one caller from monopolising them.
// The address is the connection's, not X-Forwarded-For, which any caller can forge.
type Limiter struct {
	Rate  float64 // tokens per minute
	Burst float64
	Now   func() time.Time // the clock; tests replace it

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxClients bounds the table; when it is full, buckets that have refilled are dropped.
const maxClients = 10000

// NewLimiter returns a limiter of perMinute requests a minute with an equal burst.
func NewLimiter(perMinute int) *Limiter {
	return &Limiter{Rate: float64(perMinute), Burst: float64(perMinute), Now: time.Now,
		buckets: map[string]*bucket{}}
}

// Allow spends one token of the client's bucket; when none is left it reports false and how
// long until the next token.
func (l *Limiter) Allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	b := l.buckets[client]
	if b == nil {
		if len(l.buckets) >= maxClients {
			l.prune(now)
		}
		b = &bucket{tokens: l.Burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.Burst, b.tokens+now.Sub(b.last).Minutes()*l.Rate)
	b.last = now
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) / l.Rate * float64(time.Minute))
		return false, wait
	}
	b.tokens--
	return true, 0
}

// prune drops the buckets that would be full by now (their clients have been quiet).
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Minutes()*l.Rate >= l.Burst {
			delete(l.buckets, k)
		}
	}
}

// clientOf is the caller's IP address.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
