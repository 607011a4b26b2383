package interchange

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"wiis/internal/idcode"
	"wiis/internal/store"
)

// BenchResult compares the full import of generated enrollment events with the raw rate of
// storing the same rows on the same engine (issue 4's benchmark).
type BenchResult struct {
	Engine     store.Engine
	Rows       int
	Import     time.Duration // wiis import of enrollment_events.csv: parse, validate, classify, store
	Raw        time.Duration // the same rows: one prepared INSERT per row in one transaction (SQLite), COPY (PostgreSQL)
	PeakHeapMB float64       // highest heap in use sampled during the import: flat whatever Rows is
}

// ImportRate and RawRate are rows per second; Ratio is ImportRate / RawRate (goal ≥ 0.5).
func (r BenchResult) ImportRate() float64 { return float64(r.Rows) / r.Import.Seconds() }

// RawRate is the raw insert rate in rows per second; see ImportRate.
func (r BenchResult) RawRate() float64 { return float64(r.Rows) / r.Raw.Seconds() }

// Ratio is ImportRate / RawRate.
func (r BenchResult) Ratio() float64 { return r.ImportRate() / r.RawRate() }

// String is the one-line result `wiis bench import` prints.
func (r BenchResult) String() string {
	return fmt.Sprintf("%s: %d enrollment events: import %.0f rows/s (%v), raw %.0f rows/s (%v), ratio %.2f, peak heap %.0f MB",
		r.Engine, r.Rows, r.ImportRate(), r.Import.Round(time.Millisecond), r.RawRate(), r.Raw.Round(time.Millisecond), r.Ratio(), r.PeakHeapMB)
}

// benchEmployers is how many employers the generated events spread over.
const benchEmployers = 2000

// benchEvent returns generated event i: four events per person (add, two base changes, remove)
// so the keys are distinct and the data looks like an enrollment history. It is a pure
// function of i, so the CSV file and the raw insert see the same rows without holding them.
func benchEvent(i int, usccs []string) []any {
	p, k := i/4, i%4
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, p%14000)
	sex := idcode.Male
	if p%2 == 1 {
		sex = idcode.Female
	}
	id := idcode.GenerateID(birth, "341503", (p/14000)%500, sex)
	start := 2015*12 + p%96
	m := start + []int{0, 6, 12, 24}[k]
	month := fmt.Sprintf("%04d-%02d", m/12, m%12+1)
	rec := fmt.Sprintf("%04d-%02d-%02d", (m-1)/12, (m-1)%12+1, 1+p%28)
	var base, cat any
	switch k {
	case 0:
		base, cat = int64(500000+(p%100)*10000), "regular"
	case 1, 2:
		base = int64(520000 + (p%100)*10000 + k*5000)
	}
	return []any{id, usccs[p%len(usccs)], []string{"add", "base", "base", "remove"}[k], month, rec, base, cat}
}

func benchUSCCs() []string {
	out := make([]string, benchEmployers)
	for i := range out {
		out[i] = idcode.GenerateUSCC('9', '1', "341503", 4000000+i)
	}
	return out
}

// WriteBenchData writes employers.csv and an enrollment_events.csv of n generated events into
// dir, for BenchImport and for trying `wiis import` on a large folder by hand.
func WriteBenchData(dir string, n int) error {
	usccs := benchUSCCs()
	el, _ := Lookup("employers")
	if err := writeFile(filepath.Join(dir, el.File()), el, len(usccs), func(i int) Row {
		return Row{usccs[i], fmt.Sprintf("基准单位%d", i), "341503", "4720", "active", "2015-03-01"}
	}); err != nil {
		return err
	}
	l, _ := Lookup("enrollment_events")
	return writeFile(filepath.Join(dir, l.File()), l, n, func(i int) Row { return benchEvent(i, usccs) })
}

func writeFile(path string, l *Layout, n int, row func(int) Row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := NewCSVWriter(f, l)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := w.Write(row(i)); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

// BenchImport generates n enrollment events in dir, imports them into db (which should be
// empty) with full validation and opts, then clears the table and stores the same rows the raw way,
// and returns both timings. The lead's `wiis bench import` calls it.
func BenchImport(ctx context.Context, db *store.DB, dir string, n int, opts Options) (BenchResult, error) {
	res := BenchResult{Engine: db.Engine, Rows: n}
	if err := WriteBenchData(dir, n); err != nil {
		return res, err
	}
	el, _ := Lookup("employers")
	if _, err := ImportFile(ctx, db, filepath.Join(dir, el.File()), el, Options{}); err != nil {
		return res, err
	}
	l, _ := Lookup("enrollment_events")

	stop := sampleHeap(&res.PeakHeapMB)
	t0 := time.Now()
	rep, err := ImportFile(ctx, db, filepath.Join(dir, l.File()), l, opts)
	res.Import = time.Since(t0)
	stop()
	if err != nil {
		return res, err
	}
	if f := rep.Files[0]; f.Imported != n {
		return res, fmt.Errorf("bench: imported %d of %d rows (%v)", f.Imported, n, rep.Problems)
	}

	clear := "DELETE FROM enrollment_events"
	if db.Engine == store.Postgres {
		clear = "TRUNCATE enrollment_events"
	}
	if _, err := db.Exec(ctx, clear); err != nil {
		return res, err
	}
	usccs := benchUSCCs()
	t0 = time.Now()
	if db.Engine == store.Postgres {
		err = rawCopy(ctx, db, l, n, usccs)
	} else {
		err = rawInsert(ctx, db, l, n, usccs)
	}
	res.Raw = time.Since(t0)
	return res, err
}

// rawInsert is the baseline on SQLite: one prepared single-row INSERT per row, one transaction.
func rawInsert(ctx context.Context, db *store.DB, l *Layout, n int, usccs []string) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		st, err := tx.Prepare(ctx, "INSERT INTO enrollment_events ("+strings.Join(l.ColumnNames(), ", ")+") VALUES ("+store.Placeholders(len(l.Columns))+")")
		if err != nil {
			return err
		}
		defer st.Close()
		for i := 0; i < n; i++ {
			if _, err := st.ExecContext(ctx, benchEvent(i, usccs)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// rawCopy is the baseline on PostgreSQL: one COPY of all rows in one transaction.
func rawCopy(ctx context.Context, db *store.DB, l *Layout, n int, usccs []string) error {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := store.Unwrap(dc).(*stdlib.Conn).Conn()
		return pgx.BeginFunc(ctx, pc, func(tx pgx.Tx) error {
			i := 0
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"enrollment_events"}, l.ColumnNames(),
				pgx.CopyFromFunc(func() ([]any, error) {
					if i == n {
						return nil, nil
					}
					i++
					row := benchEvent(i-1, usccs)
					db.SealValues(row) // COPY bypasses the driver, which seals everything else
					return row, nil
				}))
			return err
		})
	})
}

// sampleHeap records the peak heap in use until the returned stop is called.
func sampleHeap(peak *float64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if mb := float64(ms.HeapInuse) / (1 << 20); mb > *peak {
				*peak = mb
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
