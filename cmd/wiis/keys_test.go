package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wiis/internal/seal"
	"wiis/internal/sharedtest"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// security.md "Personal data": ID numbers, bank accounts and phone numbers are encrypted at
// rest under an envelope key from the environment or a key file, rotatable. The sample import
// leaves nothing in clear; a data-key rotation and a key-encryption-key rotation keep every
// answer the same (the risk scan's alerts name ID numbers and accounts, so they prove the
// lookups and joins on sealed values still work); the old key-encryption key stops working.
func TestKeysCheckRotateAndRewrapKeepTheDataAndItsAnswers(t *testing.T) {
	sample := filepath.Join(sharedtest.Dir(t, "interchange"), "sample")
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			dir := t.TempDir()
			oldKey := filepath.Join(dir, "old.key")
			os.WriteFile(oldKey, []byte(seal.NewKEKText()), 0o600)
			t.Setenv(seal.EnvKEK, "")
			t.Setenv(seal.EnvKeyFile, oldKey)
			dsn := storetest.DSN(t, e)
			if code, _, errs := run("import", "--db", dsn, sample); code != 1 { // the sample holds 5 bad rows
				t.Fatalf("import: exit %d %s", code, errs)
			}
			code, out, errs := run("keys", "check", "--db", dsn)
			if code != 0 || !strings.Contains(out, "no personal identifier stored in clear") {
				t.Fatalf("check after import: exit %d\n%s%s", code, out, errs)
			}
			_, before, _ := run("risk", "scan", "--db", dsn, "--json")
			if !strings.Contains(before, "6217000010000940") {
				t.Fatalf("scan before rotation lacks the shared-account alert:\n%s", before)
			}
			code, out, errs = run("keys", "rotate", "--db", dsn)
			if code != 0 || !strings.Contains(out, "persons.id_number") || !strings.Contains(out, "payments.bank_account") {
				t.Fatalf("rotate: exit %d\n%s%s", code, out, errs)
			}
			if _, after, _ := run("risk", "scan", "--db", dsn, "--json"); after != before {
				t.Fatalf("scan after rotation differs:\n%s\nbefore:\n%s", after, before)
			}
			newKey := filepath.Join(dir, "new.key")
			os.WriteFile(newKey, []byte(seal.NewKEKText()), 0o600)
			if code, out, errs := run("keys", "rewrap", "--db", dsn, "--new-key-file", newKey); code != 0 {
				t.Fatalf("rewrap: exit %d\n%s%s", code, out, errs)
			}
			if code, _, errs := run("keys", "status", "--db", dsn); code != 3 || !strings.Contains(errs, "key-encryption key") {
				t.Fatalf("the old key-encryption key must stop working: exit %d %s", code, errs)
			}
			t.Setenv(seal.EnvKeyFile, newKey)
			code, out, _ = run("keys", "status", "--db", dsn)
			if code != 0 || !strings.Contains(out, "data key 1  retired") || !strings.Contains(out, "data key 2  active") {
				t.Fatalf("status: exit %d\n%s", code, out)
			}
			if _, after, _ := run("risk", "scan", "--db", dsn, "--json"); after != before {
				t.Fatal("scan after rewrap differs")
			}
			if code, _, errs := run("keys", "rewrap", "--db", dsn); code != 2 || !strings.Contains(errs, "--new-key-file") {
				t.Fatalf("rewrap without a key: exit %d %s", code, errs)
			}
			db, err := store.OpenAndMigrate(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n int
			db.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action IN ('keys.rotate', 'keys.rewrap')`).Scan(&n)
			if n != 2 {
				t.Fatalf("%d key operations audited, want 2", n)
			}
		})
	}
}
