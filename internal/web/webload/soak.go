package webload

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"wiis/internal/demo"
	"wiis/internal/store"
)

// SoakOptions bound a soak: how long, how often to sample, at what concurrency, over how many
// persons.
type SoakOptions struct {
	Duration time.Duration
	Every    time.Duration // sampling interval (default Duration/20, at least one second)
	Conns    int
	Persons  int
}

// Sample is the process's state at one moment of the soak, taken after a full GC so the
// heap figure is what is live, not what the collector has yet to reclaim.
type Sample struct {
	At         time.Duration // since the load started
	HeapInUse  uint64        // bytes, after runtime.GC
	Goroutines int           // the fewest in a 100-ms window (goroutineFloor)
	Requests   int64         // answered so far
	Errors     int64
}

// Soak is the result of a soak: the samples and the verdict.
type Soak struct {
	Samples  []Sample
	Requests int64
	Errors   int64
	Rate     float64
	Failures []string // why the soak failed; empty when it passed
	Seed     demo.Bulk
}

// Tolerances of the soak's verdict, comparing the median of the last third of the samples
// with the median of the first third (medians, because one sample can catch a burst of
// requests in flight). Heap in use may grow by at most HeapGrowthFactor plus HeapGrowthSlack
// (the slack absorbs the noise of a small heap: pools, the buffers of 64 connections);
// goroutines by at most GoroutineSlack plus one for every two connections, since requests in
// flight run goroutines of their own (a person view's audit write, the database pools'
// openers) and how many are in flight at a sample is chance: a 10-minute soak at 64
// connections saw medians move by up to 19 with no trend, while a leak of one goroutine per
// thousand requests would add over a thousand.
const (
	HeapGrowthFactor = 0.20
	HeapGrowthSlack  = 4 << 20
	GoroutineSlack   = 16
)

// RunSoak runs the teller mix continuously against the in-process server for o.Duration and
// samples heap in use and goroutines every o.Every; the verdict fails on any error answer, on
// heap growth or on goroutine growth (see the tolerances). The first interval is a warm-up
// (template caches, prepared statements, connection pools fill) and is not sampled.
func RunSoak(ctx context.Context, db *store.DB, o SoakOptions) (Soak, error) {
	if o.Conns <= 0 {
		o.Conns = 64
	}
	if o.Every <= 0 {
		o.Every = max(time.Second, o.Duration/20)
	}
	var out Soak
	rg, err := setUp(ctx, db, o.Persons, o.Conns)
	if err != nil {
		return out, err
	}
	defer rg.close()
	out.Seed = rg.seed
	tg, clients, base := rg.targets, rg.clients, rg.base

	var done, failed atomic.Int64
	var firstErrs []string
	var mu sync.Mutex
	failure := func(path string, status int, err error) {
		failed.Add(1)
		mu.Lock()
		if len(firstErrs) < 5 {
			firstErrs = append(firstErrs, fmt.Sprintf("GET %s: status %d %v", path, status, err))
		}
		mu.Unlock()
	}
	path := func(i int) string { done.Add(1); return tg.Path(i) }
	start := time.Now()
	finished := make(chan struct{})
	go func() {
		load(clients, base, path, -1, start.Add(o.Duration), failure)
		close(finished)
	}()
	tick := time.NewTicker(o.Every)
	defer tick.Stop()
	var ms runtime.MemStats
sampling:
	for {
		select {
		case <-finished:
			break sampling
		case <-ctx.Done():
			<-finished
			return out, ctx.Err()
		case <-tick.C:
			if time.Since(start) < o.Every*3/2 || time.Until(start.Add(o.Duration)) < o.Every/2 {
				continue // warm-up, and no sample taken as the load winds down
			}
			runtime.GC()
			runtime.ReadMemStats(&ms)
			out.Samples = append(out.Samples, Sample{At: time.Since(start).Round(time.Second), HeapInUse: ms.HeapInuse,
				Goroutines: goroutineFloor(), Requests: done.Load(), Errors: failed.Load()})
		}
	}
	elapsed := time.Since(start)
	out.Requests, out.Errors = done.Load(), failed.Load()
	out.Rate = float64(out.Requests) / elapsed.Seconds()
	if out.Errors > 0 {
		out.Failures = append(out.Failures, fmt.Sprintf("%d of %d requests failed, first: %s", out.Errors, out.Requests, strings.Join(firstErrs, "; ")))
	}
	out.Failures = append(out.Failures, growth(out.Samples, o.Conns)...)
	return out, nil
}

// growth compares the last third of the samples with the first third.
func growth(ss []Sample, conns int) []string {
	if len(ss) < 3 {
		return []string{fmt.Sprintf("only %d samples: run longer or sample more often", len(ss))}
	}
	third := len(ss) / 3
	first, last := ss[:third], ss[len(ss)-third:]
	median := func(xs []Sample, f func(Sample) float64) float64 {
		v := make([]float64, len(xs))
		for i, x := range xs {
			v[i] = f(x)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	heap := func(x Sample) float64 { return float64(x.HeapInUse) }
	gor := func(x Sample) float64 { return float64(x.Goroutines) }
	var out []string
	h0, h1 := median(first, heap), median(last, heap)
	if h1 > h0*(1+HeapGrowthFactor)+HeapGrowthSlack {
		out = append(out, fmt.Sprintf("heap in use grew from %.1f MB (first third) to %.1f MB (last third), beyond %.0f%% + %d MB",
			h0/(1<<20), h1/(1<<20), HeapGrowthFactor*100, HeapGrowthSlack>>20))
	}
	if g0, g1 := median(first, gor), median(last, gor); g1 > g0+float64(GoroutineSlack+conns/2) {
		out = append(out, fmt.Sprintf("goroutines grew from %.0f (first third) to %.0f (last third), beyond +%d", g0, g1, GoroutineSlack+conns/2))
	}
	return out
}

// Print writes the samples as a table and the verdict.
func (s Soak) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "time\theap in use (MB)\tgoroutines\trequests\terrors\t")
	for _, x := range s.Samples {
		fmt.Fprintf(tw, "%s\t%.1f\t%d\t%d\t%d\t\n", x.At, float64(x.HeapInUse)/(1<<20), x.Goroutines, x.Requests, x.Errors)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d requests, %.0f req/s, %d errors\n", s.Requests, s.Rate, s.Errors)
	if len(s.Failures) == 0 {
		fmt.Fprintf(w, "soak passed: no error answer; heap within +%.0f%% + %d MB and goroutines within +%d + connections/2 (medians of the last third against the first)\n",
			HeapGrowthFactor*100, HeapGrowthSlack>>20, GoroutineSlack)
		return
	}
	for _, f := range s.Failures {
		fmt.Fprintln(w, "soak FAILED:", f)
	}
}

// goroutineFloor is the fewest goroutines seen in ten readings 10 ms apart. Under load the count
// swings with the queries in progress at the instant (the SQLite driver watches each query's
// context from a goroutine of its own), which a single reading mistook for growth; a leak
// raises the floor, which is what the growth check is after.
func goroutineFloor() int {
	n := runtime.NumGoroutine()
	for range 9 {
		time.Sleep(10 * time.Millisecond)
		n = min(n, runtime.NumGoroutine())
	}
	return n
}
