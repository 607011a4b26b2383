// Package bench is the registry behind `wiis bench`: every performance figure the issues set
// (import rows/s, payroll time, risk scan time, calculations/s, ...) measured next to a raw
// baseline taken in the same run on the same engine, so the ratio means something on any
// machine. Each module registers its own measurement from its own package.
package bench

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"wiis/internal/store"
)

// Result is one measured figure and its baseline.
type Result struct {
	Name     string  `json:"name"`
	Engine   string  `json:"engine"`
	Size     int     `json:"size"`
	Unit     string  `json:"unit"`     // e.g. "rows/s", "s"
	Value    float64 `json:"value"`    // the system's figure
	Baseline float64 `json:"baseline"` // the raw figure measured in the same run
	Base     string  `json:"baseline_what"`
	// Ratio is value ÷ baseline for rates (higher is better) and baseline ÷ value for
	// durations, so a ratio of 1 is "as fast as raw" either way.
	Ratio float64 `json:"ratio"`
	Goal  string  `json:"goal,omitempty"`
	Note  string  `json:"note,omitempty"`
	// P50 and P99 are latency percentiles in milliseconds, for the load test, whose goal is
	// a latency rather than a rate.
	P50 float64 `json:"p50_ms,omitempty"`
	P99 float64 `json:"p99_ms,omitempty"`
}

// Bench is one registered measurement.
type Bench struct {
	Name string
	// NeedsDB is false for pure computations (run once, not per engine).
	NeedsDB bool
	// DefaultSize is the problem size when none is given.
	DefaultSize int
	// Run measures at size n on db (nil when NeedsDB is false).
	Run func(ctx context.Context, db *store.DB, n int) (Result, error)
}

var registry = map[string]Bench{}

// Register adds a measurement; modules call it from an init function.
func Register(b Bench) {
	if _, dup := registry[b.Name]; dup {
		panic("bench: duplicate " + b.Name)
	}
	registry[b.Name] = b
}

// Lookup finds a registered measurement by name.
func Lookup(name string) (Bench, bool) { b, ok := registry[name]; return b, ok }

// All returns the registered measurements sorted by name.
func All() []Bench {
	out := make([]Bench, 0, len(registry))
	for _, b := range registry {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Rate is a helper for rate figures: n items in d, as items per second.
func Rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Finish fills Ratio from Value and Baseline: rates divide value by baseline, durations
// baseline by value.
func (r *Result) Finish() {
	if r.Value == 0 || r.Baseline == 0 {
		return
	}
	if strings.HasSuffix(r.Unit, "/s") {
		r.Ratio = r.Value / r.Baseline
	} else {
		r.Ratio = r.Baseline / r.Value
	}
}

// PrintTable writes results as an aligned table.
func PrintTable(w io.Writer, rs []Result) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "测试 benchmark\t引擎 engine\t规模 size\t结果 value\t基线 baseline\t比值 ratio\t目标 goal\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s %s\t%s %s\t%.2f\t%s\t\n", r.Name, r.Engine, r.Size, human(r.Value), r.Unit, human(r.Baseline), r.Unit, r.Ratio, r.Goal)
	}
	tw.Flush()
	for _, r := range rs {
		if r.Base != "" || r.Note != "" {
			fmt.Fprintf(w, "  %s/%s: baseline = %s. %s\n", r.Name, r.Engine, r.Base, r.Note)
		}
	}
}

func human(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.4f", v)
	}
}
