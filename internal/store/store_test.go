package store_test

import (
	"context"
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestRebindTurnsMarksIntoDollarsOutsideQuotes(t *testing.T) {
	db := &store.DB{Engine: store.Postgres}
	got := db.Rebind(`SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)`)
	want := `SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if s := (&store.DB{Engine: store.SQLite}).Rebind("x = ?"); s != "x = ?" {
		t.Fatalf("sqlite rebind changed the query: %s", s)
	}
}

func TestMigrationsApplyAndTransactionsCommitOrRollBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// Migrating again is a no-op.
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, "11010519491231002X", "甲")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		boom := context.Canceled
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, "110105194912310029", "乙"); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("InTx returned %v, want the callback's error", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("persons = %d, want 1 (the rolled-back insert must be gone)", n)
		}
		_, err = db.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, "11010519491231002X", "丙")
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate key: got %v, want a unique violation", err)
		}
		// The auto-generated key works on both engines.
		var id int64
		err = db.QueryRow(ctx, `INSERT INTO policy_values (region, param, effective_from, value, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, "000000", "x", "2020-01-01", "1", "2020-01-01T00:00:00Z").Scan(&id)
		if err != nil || id == 0 {
			t.Fatalf("RETURNING id: %v %d", err, id)
		}
	})
}
