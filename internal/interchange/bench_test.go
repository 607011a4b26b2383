package interchange

import (
	"context"
	"os"
	"strconv"
	"testing"

	"wiis/internal/store/storetest"
)

// BenchmarkImportEnrollmentEvents imports WIIS_BENCH_ROWS generated enrollment events
// (default 1,000,000) on each test engine and reports the import rate, the raw rate and their
// ratio. Run once per engine with:
//
//	go test -run - -bench ImportEnrollmentEvents -benchtime 1x ./internal/interchange
//	WIIS_BENCH_ROWS=50000 ... for a quick run; WIIS_BENCH_BATCH sets Options.BatchSize
func BenchmarkImportEnrollmentEvents(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("WIIS_BENCH_ROWS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("WIIS_BENCH_ROWS=%q", s)
		}
		n = v
	}
	var opts Options
	if s := os.Getenv("WIIS_BENCH_BATCH"); s != "" {
		opts.BatchSize, _ = strconv.Atoi(s)
	}
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			var res BenchResult
			for i := 0; i < b.N; i++ {
				db := storetest.Open(b, e)
				var err error
				res, err = BenchImport(context.Background(), db, b.TempDir(), n, opts)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(res.ImportRate(), "rows/s")
			b.ReportMetric(res.RawRate(), "raw-rows/s")
			b.ReportMetric(res.Ratio(), "ratio")
			b.ReportMetric(res.PeakHeapMB, "peak-heap-MB")
			b.Log(res)
		})
	}
}

func TestBenchImportSmall(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			res, err := BenchImport(context.Background(), storetest.Open(t, e), t.TempDir(), 2000, Options{BatchSize: 300})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 2000 || res.Ratio() <= 0 {
				t.Fatal(res)
			}
		})
	}
}
