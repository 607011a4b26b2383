package payrollsvc

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"wiis/internal/idcode"
	"wiis/internal/store/storetest"
)

// benchN is the number of entitlements: WIIS_BENCH_N, default small enough for go test.
func benchN(b *testing.B) int {
	if s := os.Getenv("WIIS_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("WIIS_BENCH_N=%q", s)
		}
		return n
	}
	return 5000
}

// BenchmarkPayrollRun runs the payroll of one month for N entitlements (compute, store one
// payment line each, write the bank file) and reports it against the raw time to insert N
// payment rows on the same engine in the same run (issue 6: goal within 3×), with the peak
// heap. WIIS_BENCH_N sets N.
func BenchmarkPayrollRun(b *testing.B) {
	n := benchN(b)
	for _, e := range storetest.Engines() {
		b.Run(fmt.Sprintf("%s/N=%d", e, n), func(b *testing.B) {
			var runTotal, rawTotal time.Duration
			var heap uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storetest.Open(b, e)
				b.StartTimer()
				m, err := Measure(context.Background(), db, n)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runTotal += m.Run
				rawTotal += m.Raw
				heap = max(heap, m.PeakHeap)
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(runTotal.Seconds()/float64(b.N), "run-s")
			b.ReportMetric(rawTotal.Seconds()/float64(b.N), "raw-insert-s")
			b.ReportMetric(float64(runTotal)/float64(rawTotal), "run/raw")
			b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		})
	}
}

// The bench's payees have valid, distinct ID numbers, so they are sealed at rest like real
// ones (an invalid number is stored as typed, which would make the bench cheaper than life).
func TestBenchIDsAreValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200_000; i++ {
		id := benchID(i)
		if err := idcode.ValidateID(id); err != nil || seen[id] {
			t.Fatalf("benchID(%d) = %s: %v, seen before: %v", i, id, err, seen[id])
		}
		seen[id] = true
	}
}
