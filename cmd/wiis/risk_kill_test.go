package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// deadPaid stores n deceased persons each paid for the month after their death, so a scan as
// of 2024-12 raises n R03 alerts: enough that storing them takes a while.
func deadPaid(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for lo := 0; lo < n; lo += 500 {
			var deaths, pays []string
			var da, pa []any
			for i := lo; i < min(lo+500, n); i++ {
				id := fmt.Sprintf("K%08d", i)
				deaths = append(deaths, "(?, '2024-05-14')")
				da = append(da, id)
				pays = append(pays, "(?, 'disability_allowance', '2024-06', 300000, ?)")
				pa = append(pa, id, fmt.Sprintf("62220%011d", i))
			}
			if _, err := tx.Exec(ctx, `INSERT INTO deaths (id_number, death_date) VALUES `+strings.Join(deaths, ", "), da...); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account) VALUES `+strings.Join(pays, ", "), pa...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRiskScanKilledWhileStoringAndRerunStoresEachAlertOnce (issue 10 item 2): a child `wiis
// risk scan` is killed with SIGKILL after its scan, while it stores its alerts; the alerts
// commit together or not at all, and scanning again — twice — leaves exactly the data of one
// uninterrupted scan (row counts and checksums of every data table, dataChecksum), so each
// alert is stored exactly once.
func TestRiskScanKilledWhileStoringAndRerunStoresEachAlertOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const n = 20000
	volatileCols = append(volatileCols, "last_seen_at") // when a scan last saw the alert
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			open := func() (string, *store.DB) {
				dsn := storetest.DSN(t, e)
				if _, errs, code := wiis(t, "migrate", "--db", dsn); code != 0 {
					t.Fatalf("migrate: %s", errs)
				}
				db, err := store.OpenAndMigrate(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				deadPaid(t, db, n)
				return dsn, db
			}
			refDSN, ref := open()
			if _, errs, code := wiis(t, "risk", "scan", "--db", refDSN, "--as-of", "2024-12"); code != 0 {
				t.Fatalf("reference scan: %d %s", code, errs)
			}
			want := dataChecksum(t, ref)
			if !strings.HasPrefix(want["risk_alerts"], fmt.Sprint(n)+" rows") {
				t.Fatalf("reference scan stored %s, want %d alerts", want["risk_alerts"], n)
			}

			dsn, db := open()
			child := func(args ...string) *exec.Cmd {
				cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperProcessWiis$", "--", "risk", "scan", "--db", dsn, "--as-of", "2024-12"}, args...)...)
				cmd.Env = append(os.Environ(), "WIIS_HELPER_PROCESS=1")
				return cmd
			}
			// How long the child takes to scan only, and to scan and store.
			start := time.Now()
			if err := child("--no-store").Run(); err != nil {
				t.Fatal(err)
			}
			scanOnly := time.Since(start)
			var full time.Duration
			{
				tmpDSN, _ := open()
				cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessWiis$", "--", "risk", "scan", "--db", tmpDSN, "--as-of", "2024-12")
				cmd.Env = append(os.Environ(), "WIIS_HELPER_PROCESS=1")
				start = time.Now()
				if err := cmd.Run(); err != nil {
					t.Fatal(err)
				}
				full = time.Since(start)
			}
			// Kill in the middle of the storing; if the child was faster this time and
			// finished, clear its alerts and kill earlier.
			killAt := scanOnly + (full-scanOnly)/2
			for try := 0; ; try++ {
				cmd := child()
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(killAt)
				cmd.Process.Signal(syscall.SIGKILL)
				finished := cmd.Wait() == nil
				var stored int
				if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM risk_alerts`).Scan(&stored); err != nil {
					t.Fatal(err)
				}
				if finished && try < 3 {
					if _, err := db.Exec(ctx, `DELETE FROM risk_alerts`); err != nil {
						t.Fatal(err)
					}
					killAt = scanOnly + (killAt-scanOnly)/2
					continue
				}
				if finished {
					t.Fatalf("the scan finished before every kill (scan only %v, with storing %v)", scanOnly, full)
				}
				// The kill can land after the commit while the child is still exiting: all
				// stored is as good as none, a part is the failure looked for.
				if stored != 0 && stored != n {
					t.Fatalf("killed at %v: %d of %d alerts stored, want all or none", killAt, stored, n)
				}
				t.Logf("killed at %v (scan only %v, scan and store %v): %d alerts stored", killAt, scanOnly, full, stored)
				break
			}
			for range 2 {
				if _, errs, code := wiis(t, "risk", "scan", "--db", dsn, "--as-of", "2024-12"); code != 0 {
					t.Fatalf("scan after the kill: %d %s", code, errs)
				}
				have := dataChecksum(t, db)
				for tb, w := range want {
					if have[tb] != w {
						t.Errorf("%s after the kill and a rescan: %s, uninterrupted scan: %s", tb, have[tb], w)
					}
				}
			}
		})
	}
}
