package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"wiis/internal/cli"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// TestHelperProcessWiis runs the wiis command line in a child process (the os/exec test
// pattern), so a test can kill it with SIGKILL. It does nothing in a normal test run.
func TestHelperProcessWiis(t *testing.T) {
	if os.Getenv("WIIS_HELPER_PROCESS") != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	env := cli.DefaultEnv()
	env.Args = args
	os.Exit(cli.Main(context.Background(), env))
}

func wiis(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), &cli.Env{Args: args, Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return out.String(), errb.String(), code
}

func seedBeneficiaries(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("32040219800101%04d", i)
			if _, err := tx.Exec(ctx, `INSERT INTO beneficiaries (id_number, name, item, grade, monthly_amount,
				start_month, bank_account, worker_id_number) VALUES (?, ?, 'disability_allowance', ?, ?, '2020-01', ?, ?)`,
				id, "某", 1+i%4, 300000+i, fmt.Sprintf("6217%06d", (i*7919)%n), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPayrollRunKilledMidRunAndRestartedPaysEveryLineOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			const n = 6000
			dir := t.TempDir()
			dsn, refDSN := storetest.DSN(t, e), storetest.DSN(t, e)
			for _, d := range []string{dsn, refDSN} {
				db, err := store.OpenAndMigrate(context.Background(), d)
				if err != nil {
					t.Fatal(err)
				}
				seedBeneficiaries(t, db, n)
				db.Close()
			}
			refOut := filepath.Join(dir, "ref.csv")
			if _, errs, code := wiis(t, "payroll", "run", "--db", refDSN, "--month", "2024-05", "--out", refOut); code != 0 {
				t.Fatalf("reference run: %d %s", code, errs)
			}

			out := filepath.Join(dir, "out.csv")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessWiis$", "--",
				"payroll", "run", "--db", dsn, "--month", "2024-05", "--out", out, "--batch", "10")
			cmd.Env = append(os.Environ(), "WIIS_HELPER_PROCESS=1")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			db, err := store.OpenAndMigrate(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			deadline := time.Now().Add(60 * time.Second)
			for {
				var lines int
				db.QueryRow(context.Background(), `SELECT COALESCE(MAX(lines), 0) FROM payroll_runs`).Scan(&lines)
				if lines >= 500 || time.Now().After(deadline) {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			var state string
			var lines int
			db.QueryRow(context.Background(), `SELECT state, lines FROM payroll_runs`).Scan(&state, &lines)
			if state != "computing" || lines == 0 || lines >= n {
				t.Fatalf("the kill did not land mid-run: state %s, %d lines", state, lines)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("a killed run left a bank file")
			}
			stdout, errs, code := wiis(t, "payroll", "run", "--db", dsn, "--month", "2024-05", "--out", out)
			if code != 0 {
				t.Fatalf("restart: %d %s", code, errs)
			}
			got, _ := os.ReadFile(out)
			want, _ := os.ReadFile(refOut)
			if !bytes.Equal(got, want) || !strings.Contains(stdout, fmt.Sprintf("lines: %d\n", n)) {
				t.Fatalf("restarted run differs from an uninterrupted one (killed at %d lines)\n%s", lines, stdout)
			}
			var paid int
			db.QueryRow(context.Background(), `SELECT COUNT(*) FROM payments WHERE month = '2024-05'`).Scan(&paid)
			if paid != n {
				t.Fatalf("payments %d, want %d", paid, n)
			}
			// And once more: nothing changes, the same file is written.
			if _, _, code := wiis(t, "payroll", "run", "--db", dsn, "--month", "2024-05", "--out", out); code != 0 {
				t.Fatal("rerun failed")
			}
			again, _ := os.ReadFile(out)
			if !bytes.Equal(again, want) {
				t.Fatal("rerun wrote a different file")
			}
		})
	}
}

func TestPayrollAdjustRejectsABadRuleNamingTheField(t *testing.T) {
	dir := t.TempDir()
	rule := filepath.Join(dir, "rule.json")
	os.WriteFile(rule, []byte(`{"effective_month":"2017-01","disability_allowance":{"by_grade":{"7":"10"}}}`), 0o644)
	_, errs, code := wiis(t, "payroll", "adjust", "--db", "sqlite:"+filepath.Join(dir, "x.db"), rule)
	if code != cli.ExitInvalid || !strings.Contains(errs, "disability_allowance.by_grade.7") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, errs, code := wiis(t, "payroll", "run", "--month", "2024-13", "--out", "x"); code != cli.ExitInvalid || !strings.Contains(errs, "--month") {
		t.Fatalf("bad month: exit %d %s", code, errs)
	}
}
