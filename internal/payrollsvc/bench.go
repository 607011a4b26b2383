package payrollsvc

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"wiis/internal/idcode"
	"wiis/internal/payroll"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// Measurement is one payroll benchmark: a month's run for N entitlements (compute, store one
// payment line each, write the bank file) next to the raw insert of N payment rows on the same
// database in the same run (issue 6: goal within 3x), with the peak live heap of the run.
type Measurement struct {
	N        int
	Run      time.Duration
	Raw      time.Duration
	PeakHeap uint64 // bytes
}

// Measure generates n entitlements in db (a fresh, migrated database: `wiis bench` and
// BenchmarkPayrollRun give it one), syncs them, then times the run of one month with its bank
// file and, after it, the raw insert of n payment rows: a prepared statement in one
// transaction on SQLite, COPY on PostgreSQL (the fastest plain ways, design.md).
func Measure(ctx context.Context, db *store.DB, n int) (Measurement, error) {
	m := Measurement{N: n}
	if err := seedBench(ctx, db, n); err != nil {
		return m, fmt.Errorf("payroll bench: seed: %w", err)
	}
	runtime.GC()
	var runErr error
	start := time.Now()
	m.PeakHeap = peakHeap(func() {
		s := New(db)
		month := payroll.MustMonth("2024-05")
		sum, err := s.Run(ctx, month, "bench")
		if err != nil {
			runErr = err
			return
		}
		if sum.Lines != int64(n) {
			runErr = fmt.Errorf("lines %d, want %d", sum.Lines, n)
			return
		}
		_, runErr = s.WriteBankFile(ctx, month, io.Discard)
	})
	m.Run = time.Since(start)
	if runErr != nil {
		return m, fmt.Errorf("payroll bench: run: %w", runErr)
	}
	var err error
	if m.Raw, err = rawInsert(ctx, db, n, "2099-01"); err != nil {
		return m, fmt.Errorf("payroll bench: raw insert: %w", err)
	}
	return m, nil
}

// seedBench stores n beneficiaries in bulk and syncs them, as a city's entitlements stand
// before a monthly run.
func seedBench(ctx context.Context, db *store.DB, n int) error {
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
					id := benchID(i)
					args = append(args, id, "某某", 1+i%4, 300000+i%1000, seal.Secret(benchAccount(i, n)), id)
				}
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return db.InTx(ctx, func(tx *store.Tx) error { _, _, err := New(db).SyncEntitlements(ctx, tx); return err })
}

// benchID is the ID number of the i-th generated payee: valid (GB 11643, check character
// included), so it is sealed at rest as a real one is and the bench pays for that; a thousand
// persons are born on each day from 1960-01-01 on (five hundred sequence numbers of each sex).
func benchID(i int) string {
	sex := idcode.Female
	if i%2 == 1 {
		sex = idcode.Male
	}
	return idcode.GenerateID(benchEpoch.AddDate(0, 0, i/1000), "320402", i%1000/2, sex)
}

var benchEpoch = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)

// benchAccount is the bank account of the i-th of n generated payees: a permutation, so
// that bank order differs from ID order as in a real city.
func benchAccount(i, n int) string { return fmt.Sprintf("6217%012d", (int64(i)*7919)%int64(n)) }

// rawInsert times inserting n payment rows the fastest plain way on the engine: a prepared
// statement in one transaction on SQLite, COPY on PostgreSQL (design.md's measured figures).
// The rows are the very rows the run stores (same columns, IDs and bank accounts, another
// month), because the order of the keys in the indexes decides the insert cost; the first
// baseline used bank accounts in ID order, which no real city has.
func rawInsert(ctx context.Context, db *store.DB, n int, month string) (time.Duration, error) {
	start := time.Now()
	if db.Engine == store.Postgres {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		err = conn.Raw(func(dc any) error {
			pc := store.Unwrap(dc).(*stdlib.Conn).Conn()
			i := 0
			_, err := pc.CopyFrom(ctx, pgx.Identifier{"payments"},
				[]string{"id_number", "item", "month", "amount", "bank_account", "source", "name"},
				pgx.CopyFromFunc(func() ([]any, error) {
					if i == n {
						return nil, nil
					}
					i++
					row := []any{benchID(i - 1), "disability_allowance", month, int64(300000 + i%1000),
						seal.Secret(benchAccount(i-1, n)), "raw", "某某"}
					db.SealValues(row) // COPY bypasses the driver, which seals everything else
					return row, nil
				}))
			return err
		})
		return time.Since(start), err
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		st, err := tx.Prepare(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account, source, name) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := 0; i < n; i++ {
			if _, err := st.ExecContext(ctx, benchID(i), "disability_allowance", month,
				int64(300000+i%1000), seal.Secret(benchAccount(i, n)), "raw", "某某"); err != nil {
				return err
			}
		}
		return nil
	})
	return time.Since(start), err
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
