package main

import (
	"encoding/json"
	"testing"

	"wiis/internal/bench"
)

// `wiis bench` prints every figure next to a baseline of the same run; a small run checks the
// wiring of every registered measurement on SQLite.
func TestBenchReportsEveryFigureWithItsBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmarks skipped in -short")
	}
	code, out, errOut := run("bench", "--engines", "sqlite", "--size", "2000", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rs []bench.Result
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(rs) < len(bench.All()) {
		t.Fatalf("%d results for %d benchmarks", len(rs), len(bench.All()))
	}
	for _, r := range rs {
		if r.Value <= 0 || r.Baseline <= 0 || r.Ratio <= 0 {
			t.Errorf("%s/%s: value %v baseline %v ratio %v", r.Name, r.Engine, r.Value, r.Baseline, r.Ratio)
		}
	}
}
