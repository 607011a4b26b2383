package main

import (
	"context"

	"wiis/internal/bench"
	"wiis/internal/benefit"
	"wiis/internal/store"
)

// The measurements of `wiis bench`, each from the module that owns the work.
func init() {
	bench.Register(bench.Bench{Name: "calc", DefaultSize: 20000, Run: func(ctx context.Context, _ *store.DB, n int) (bench.Result, error) {
		calc, raw, err := benefit.Measure(n)
		if err != nil {
			return bench.Result{}, err
		}
		return bench.Result{Name: "calc", Engine: "-", Size: n, Unit: "calcs/s", Value: bench.Rate(n, calc), Baseline: bench.Rate(n, raw),
			Base: "decoding the same JSON into a generic value", Note: "decode, validate and calculate a grade-5 termination case"}, nil
	}})
}
