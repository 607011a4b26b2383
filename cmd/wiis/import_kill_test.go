package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"wiis/internal/interchange"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// volatile columns hold when a row was written, not what it says; surrogate ids depend on the
// order rows arrived. Neither may differ in meaning between an interrupted and an
// uninterrupted import, so the checksum leaves them out.
var volatileCols = []string{"id", "seq", "updated_at", "created_at", "started_at", "finished_at"}

// journalTables record the runs themselves (when, by whom), not the data imported.
// data_keys differ between any two databases (each makes its own), and so do the sealed
// values, which is why rows are compared as read (clear) and sorted here, not by the database.
var journalTables = []string{"audit_log", "import_runs", "goose_db_version", "data_keys"}

// dataChecksum returns the row count and a SHA-256 over the sorted rows of every data table,
// so two databases can be compared for "nothing lost, nothing doubled".
func dataChecksum(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	tables, err := db.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tb := range tables {
		if slices.Contains(journalTables, tb) {
			continue
		}
		rows, err := db.Query(ctx, `SELECT * FROM "`+tb+`" WHERE 1 = 0`)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := rows.Columns()
		rows.Close()
		var cols []string
		for _, c := range all {
			if !slices.Contains(volatileCols, c) {
				cols = append(cols, `"`+c+`"`)
			}
		}
		list := strings.Join(cols, ", ")
		rows, err = db.Query(ctx, `SELECT `+list+` FROM "`+tb+`"`)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		n := 0
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var line strings.Builder
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&line, "%v\x1f", v)
			}
			lines = append(lines, line.String())
			n++
		}
		rows.Close()
		sort.Strings(lines)
		h := sha256.New()
		for _, l := range lines {
			h.Write([]byte(l + "\n"))
		}
		out[tb] = fmt.Sprintf("%d rows %s", n, hex.EncodeToString(h.Sum(nil))[:16])
	}
	return out
}

// TestImportKilledMidRunAndRestartedLosesAndDoublesNothing: security.md "batch jobs are
// resumable and idempotent". A child `wiis import` of a large generated folder is killed with
// SIGKILL after some batches have committed; importing again must leave exactly the data of an
// uninterrupted import (row counts and content checksums of every data table).
func TestImportKilledMidRunAndRestartedLosesAndDoublesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const n = 40000
	dir := t.TempDir()
	if err := interchange.WriteBenchData(dir, n); err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dsn, refDSN := storetest.DSN(t, e), storetest.DSN(t, e)
			if _, errs, code := wiis(t, "import", "--db", refDSN, "--report", t.TempDir()+"/r.txt", dir); code != 0 {
				t.Fatalf("reference import: %d %s", code, errs)
			}
			ref, err := store.OpenAndMigrate(ctx, refDSN)
			if err != nil {
				t.Fatal(err)
			}
			defer ref.Close()
			want := dataChecksum(t, ref)

			if _, errs, code := wiis(t, "migrate", "--db", dsn); code != 0 {
				t.Fatalf("migrate: %s", errs)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessWiis$", "--",
				"import", "--db", dsn, "--batch", "500", "--report", t.TempDir()+"/k.txt", dir)
			cmd.Env = append(os.Environ(), "WIIS_HELPER_PROCESS=1")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			db, err := store.OpenAndMigrate(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			deadline := time.Now().Add(90 * time.Second)
			var got int
			for time.Now().Before(deadline) {
				db.QueryRow(ctx, `SELECT COUNT(*) FROM enrollment_events`).Scan(&got)
				if got >= n/8 {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			db.QueryRow(ctx, `SELECT COUNT(*) FROM enrollment_events`).Scan(&got)
			if got == 0 || got >= n {
				t.Fatalf("the kill did not land mid-run: %d of %d events stored", got, n)
			}
			if _, errs, code := wiis(t, "import", "--db", dsn, "--report", t.TempDir()+"/r2.txt", dir); code != 0 {
				t.Fatalf("restarted import: %d %s", code, errs)
			}
			have := dataChecksum(t, db)
			for tb, w := range want {
				if have[tb] != w {
					t.Errorf("%s after kill at %d events and restart: %s, uninterrupted import: %s", tb, got, have[tb], w)
				}
			}
			t.Logf("killed after %d of %d events; restart gave the same data as an uninterrupted import", got, n)
		})
	}
}
