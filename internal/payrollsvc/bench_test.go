package payrollsvc

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"wiis/internal/payroll"
	"wiis/internal/store"
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

// seedBench stores n beneficiaries in bulk and syncs them, as a city's entitlements stand
// before a monthly run.
func seedBench(b *testing.B, db *store.DB, n int) {
	ctx := context.Background()
	const chunk = 500
	for lo := 0; lo < n; lo += 50000 {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for c := lo; c < min(lo+50000, n); c += chunk {
				hi := min(c+chunk, n)
				q := `INSERT INTO beneficiaries (id_number, name, item, grade, monthly_amount, start_month,
					bank_account, worker_id_number) VALUES `
				args := make([]any, 0, 7*(hi-c))
				for i := c; i < hi; i++ {
					if i > c {
						q += ", "
					}
					q += "(?, ?, 'disability_allowance', ?, ?, '2020-01', ?, ?)"
					id := fmt.Sprintf("3204021980%08d", i)
					args = append(args, id, "某某", 1+i%4, 300000+i%1000, fmt.Sprintf("6217%012d", (int64(i)*7919)%int64(n)), id)
				}
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { _, _, err := New(db).SyncEntitlements(ctx, tx); return err }); err != nil {
		b.Fatal(err)
	}
}

// rawInsert times inserting n payment rows the fastest plain way on the engine: a prepared
// statement in one transaction on SQLite, COPY on PostgreSQL (design.md's measured figures).
func rawInsert(b *testing.B, db *store.DB, n int, month string) time.Duration {
	ctx := context.Background()
	start := time.Now()
	if db.Engine == store.Postgres {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		err = conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			i := 0
			_, err := pc.CopyFrom(ctx, pgx.Identifier{"payments"},
				[]string{"id_number", "item", "month", "amount", "bank_account", "source"},
				pgx.CopyFromFunc(func() ([]any, error) {
					if i == n {
						return nil, nil
					}
					i++
					return []any{fmt.Sprintf("3204021980%08d", i-1), "disability_allowance", month, int64(300000 + i%1000),
						fmt.Sprintf("6217%012d", i), "raw"}, nil
				}))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		st, err := tx.Prepare(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account, source) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := 0; i < n; i++ {
			if _, err := st.ExecContext(ctx, fmt.Sprintf("3204021980%08d", i), "disability_allowance", month,
				int64(300000+i%1000), fmt.Sprintf("6217%012d", i), "raw"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// peakHeap samples the live heap while fn runs, to show memory stays flat as N grows.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

// BenchmarkPayrollRun runs the payroll of one month for N entitlements (compute, store one
// payment line each, write the bank file) and reports it against the raw time to insert N
// payment rows on the same engine in the same run (issue 6: goal within 3×), with the peak
// heap. WIIS_BENCH_N sets N.
func BenchmarkPayrollRun(b *testing.B) {
	n := benchN(b)
	for _, e := range storetest.Engines() {
		b.Run(fmt.Sprintf("%s/N=%d", e, n), func(b *testing.B) {
			ctx := context.Background()
			var runTotal, rawTotal time.Duration
			var heap uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storetest.Open(b, e)
				seedBench(b, db, n)
				runtime.GC()
				b.StartTimer()
				start := time.Now()
				h := peakHeap(func() {
					s := New(db)
					m := payroll.MustMonth("2024-05")
					sum, err := s.Run(ctx, m, "bench")
					if err != nil {
						b.Fatal(err)
					}
					if sum.Lines != int64(n) {
						b.Fatalf("lines %d, want %d", sum.Lines, n)
					}
					if _, err := s.WriteBankFile(ctx, m, io.Discard); err != nil {
						b.Fatal(err)
					}
				})
				runTotal += time.Since(start)
				b.StopTimer()
				heap = max(heap, h)
				rawTotal += rawInsert(b, db, n, "2099-01")
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
