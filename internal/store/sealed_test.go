package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"wiis/internal/seal"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

const (
	sealID   = "11010519491231002X"
	sealID2  = "341502198001011234"
	sealBank = "6217000010000474"
)

// sealFile is an uploaded document (its text stands for a scan of an ID card).
var sealFile = []byte("居民身份证 scan: " + sealID2)

// seedPersonal stores an ID number as a key, inside free text, and a bank account.
func seedPersonal(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO persons (id_number, name) VALUES (?, ?)`, []any{sealID, "张三"}},
		{`INSERT INTO persons (id_number, name) VALUES ('` + sealID2 + `', '李四')`, nil}, // a literal in SQL text
		{`INSERT INTO payments (id_number, item, month, amount, bank_account) VALUES (?, ?, ?, ?, ?)`,
			[]any{sealID, "lump_sum_disability", "2024-05", int64(100), seal.Secret(sealBank)}},
		{`INSERT INTO casework_files (entity, case_id, kind, name, content_type, size, sha256, content, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			[]any{"determination", 1, "id_card", "card.txt", "text/plain", 24, "x", seal.Blob(sealFile), "t", "2024-01-01T00:00:00Z"}},
		{`INSERT INTO import_runs (dir, started_at, finished_at, outcome, rejected, summary) VALUES (?, ?, ?, ?, ?, ?)`,
			[]any{"x", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "ok", 0, `[{"note":"person ` + sealID2 + ` rejected"}]`}},
	} {
		if _, err := db.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPersonalIdentifiersAreSealedAtRestAndReadBackClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedPersonal(t, db)
		// Read through the store: clear, and lookups by the clear value work.
		var name, bank string
		if err := db.QueryRow(ctx, `SELECT p.name, m.bank_account FROM persons p JOIN payments m ON m.id_number = p.id_number WHERE p.id_number = ?`, sealID).Scan(&name, &bank); err != nil {
			t.Fatal(err)
		}
		if name != "张三" || bank != sealBank {
			t.Fatalf("read back %q %q", name, bank)
		}
		if err := db.QueryRow(ctx, `SELECT name FROM persons WHERE id_number = '`+sealID2+`'`).Scan(&name); err != nil || name != "李四" {
			t.Fatalf("literal lookup: %q %v", name, err)
		}
		var file []byte
		if err := db.QueryRow(ctx, `SELECT content FROM casework_files`).Scan(&file); err != nil || !bytes.Equal(file, sealFile) {
			t.Fatalf("file read back %q %v", file, err)
		}
		var summary string
		db.QueryRow(ctx, `SELECT summary FROM import_runs`).Scan(&summary)
		if !strings.Contains(summary, sealID2) {
			t.Fatalf("free text not opened: %s", summary)
		}
		// As stored: no clear value anywhere.
		raw := store.Raw(ctx)
		var storedID, storedBank string
		if err := db.QueryRow(raw, `SELECT id_number, bank_account FROM payments`).Scan(&storedID, &storedBank); err != nil {
			t.Fatal(err)
		}
		if seal.KeyID(storedID) != 1 || seal.KeyID(storedBank) != 1 {
			t.Fatalf("stored in clear: %q %q", storedID, storedBank)
		}
		found, err := db.FindClear(ctx)
		if err != nil || len(found) != 0 {
			t.Fatalf("clear values at rest: %v %v", found, err)
		}
		if db.Engine == store.SQLite {
			path := strings.TrimPrefix(db.DSN, "sqlite:")
			db.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
			for _, f := range []string{path, path + "-wal"} {
				b, _ := os.ReadFile(f)
				for _, v := range []string{sealID, sealID2, sealBank, "居民身份证"} {
					if bytes.Contains(b, []byte(v)) {
						t.Fatalf("%s holds %s in clear", f, v)
					}
				}
			}
		}
	})
}

func TestClearValuesFromBeforeEncryptionAreSealedWhenKeysFirstLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ *store.DB) {
		// A database migrated and filled by a version without keys.
		ctx := context.Background()
		e := store.SQLite
		if t.Name() == "TestClearValuesFromBeforeEncryptionAreSealedWhenKeysFirstLoad/postgres" {
			e = store.Postgres
		}
		db, err := store.Open(ctx, storetest.DSN(t, e))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, sealID, "张三"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account) VALUES (?, 'x', '2024-05', 1, ?)`, sealID, sealBank); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO casework_files (entity, case_id, kind, name, content_type, size, sha256, content, uploaded_by, uploaded_at) VALUES ('d', 1, 'k', 'n', 't', 1, 'x', ?, 't', 't')`, sealFile); err != nil {
			t.Fatal(err)
		}
		kek, _ := seal.ParseKEK(seal.NewKEKText(), "test")
		if err := db.LoadKeys(ctx, kek); err != nil {
			t.Fatal(err)
		}
		if found, err := db.FindClear(ctx); err != nil || len(found) != 0 {
			t.Fatalf("left in clear: %v %v", found, err)
		}
		var bank string
		if err := db.QueryRow(ctx, `SELECT bank_account FROM payments WHERE id_number = ?`, sealID).Scan(&bank); err != nil || bank != sealBank {
			t.Fatalf("after sealing: %q %v", bank, err)
		}
		var file []byte
		if err := db.QueryRow(ctx, `SELECT content FROM casework_files`).Scan(&file); err != nil || !bytes.Equal(file, sealFile) {
			t.Fatalf("file after sealing: %q %v", file, err)
		}
	})
}

func TestDataKeyRotationResealsEverythingAndLookupsKeepWorking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedPersonal(t, db)
		rep, err := db.RotateDataKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.NewKey != 2 || rep.Values["persons.id_number"] != 2 || rep.Values["payments.bank_account"] != 1 {
			t.Fatalf("report %+v", rep)
		}
		var stored string
		db.QueryRow(store.Raw(ctx), `SELECT id_number FROM persons WHERE name = '张三'`).Scan(&stored)
		if seal.KeyID(stored) != 2 {
			t.Fatalf("not resealed: %q", stored)
		}
		var bank string
		if err := db.QueryRow(ctx, `SELECT m.bank_account FROM persons p JOIN payments m ON m.id_number = p.id_number WHERE p.id_number = ?`, sealID).Scan(&bank); err != nil || bank != sealBank {
			t.Fatalf("after rotation: %q %v", bank, err)
		}
		// New writes use the new key and meet the resealed rows.
		if _, err := db.Exec(ctx, `INSERT INTO payments (id_number, item, month, amount) VALUES (?, 'y', '2024-06', 1)`, sealID); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM payments m JOIN persons p ON p.id_number = m.id_number`).Scan(&n)
		if n != 2 {
			t.Fatalf("join after rotation found %d payments, want 2", n)
		}
		var file []byte
		if err := db.QueryRow(ctx, `SELECT content FROM casework_files`).Scan(&file); err != nil || !bytes.Equal(file, sealFile) {
			t.Fatalf("a file sealed under the retired key must still open: %q %v", file, err)
		}
		keys, _ := db.DataKeys(ctx)
		if len(keys) != 2 || keys[0].State != "retired" || keys[1].State != "active" {
			t.Fatalf("keys %+v", keys)
		}
	})
}

func TestKEKRotationRewrapsAndTheOldKEKStopsWorking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedPersonal(t, db)
		newKEK, _ := seal.ParseKEK(seal.NewKEKText(), "new")
		oldKEK, _ := seal.ParseKEK(seal.NewKEKText(), "old")
		if n, err := db.RewrapKeys(ctx, newKEK); err != nil || n != 1 {
			t.Fatalf("rewrap: %d %v", n, err)
		}
		other, err := store.Open(ctx, db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if err := other.LoadKeys(ctx, oldKEK); err == nil || !strings.Contains(err.Error(), "key-encryption key") {
			t.Fatalf("a wrong KEK must be refused clearly, got %v", err)
		}
		if err := other.LoadKeys(ctx, newKEK); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := other.QueryRow(ctx, `SELECT name FROM persons WHERE id_number = ?`, sealID).Scan(&name); err != nil || name != "张三" {
			t.Fatalf("after KEK rotation: %q %v", name, err)
		}
	})
}

func TestBackupsCarryCiphertextAndNeedTheSameKEK(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src *store.DB) {
		ctx := context.Background()
		seedPersonal(t, src)
		var buf bytes.Buffer
		if _, err := src.Backup(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		for _, v := range []string{sealID, sealID2, sealBank, "居民身份证"} {
			if bytes.Contains(plain, []byte(v)) {
				t.Fatalf("backup holds %s in clear", v)
			}
		}
		for _, e := range storetest.Engines() {
			dst := storetest.Open(t, e) // same process: same KEK
			if _, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes())); err != nil {
				t.Fatalf("restore into %s: %v", e, err)
			}
			var name string
			if err := dst.QueryRow(ctx, `SELECT name FROM persons WHERE id_number = ?`, sealID).Scan(&name); err != nil || name != "张三" {
				t.Fatalf("restored into %s: %q %v", e, name, err)
			}
		}
		// A system with another KEK cannot use the backup, and says why.
		dst, err := store.Open(ctx, storetest.DSN(t, store.SQLite))
		if err != nil {
			t.Fatal(err)
		}
		defer dst.Close()
		dst.Migrate(ctx)
		other, _ := seal.ParseKEK(seal.NewKEKText(), "other")
		if err := dst.LoadKeys(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes())); err == nil || !strings.Contains(err.Error(), seal.EnvKEK) {
			t.Fatalf("restore under another KEK: %v", err)
		}
	})
}
