package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// The statement cache must not change what any statement does: these tests run the shapes
// that could trip it (the same text nested inside its own open rows, more texts than the
// cache holds, failing statements) on every engine, and check the SQLite cache is used.

// SQLite only: a PostgreSQL connection runs one query at a time, so no code nests there.
func TestCachedStatementNestedInsideItsOwnRowsReadsBoth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Engine != store.SQLite {
			t.Skip("PostgreSQL connections do not run a query inside another's open rows")
		}
		ctx := context.Background()
		seedPersonal(t, db)
		const q = `SELECT id_number, name FROM persons ORDER BY name`
		err := db.InTx(ctx, func(tx *store.Tx) error {
			outer, err := tx.Query(ctx, q)
			if err != nil {
				return err
			}
			defer outer.Close()
			var got []string
			for outer.Next() {
				var id, name string
				if err := outer.Scan(&id, &name); err != nil {
					return err
				}
				// The same text again while the outer rows are open: its statement is busy.
				inner, err := tx.Query(ctx, q)
				if err != nil {
					return err
				}
				n := 0
				for inner.Next() {
					n++
				}
				inner.Close()
				got = append(got, fmt.Sprintf("%s %s %d", id, name, n))
			}
			if err := outer.Err(); err != nil {
				return err
			}
			want := []string{sealID + " 张三 2", sealID2 + " 李四 2"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("nested reads gave %q, want %q", got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestStatementCacheStaysBoundedAndCorrectPastItsSize(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedPersonal(t, db)
		// More distinct texts than the cache holds, each asked twice.
		for round := 0; round < 2; round++ {
			for i := 0; i < store.StmtCacheSize+44; i++ {
				var n, k int
				q := fmt.Sprintf(`SELECT COUNT(*), %d FROM persons WHERE id_number = ?`, i)
				if err := db.QueryRow(ctx, q, sealID).Scan(&n, &k); err != nil {
					t.Fatal(err)
				}
				if n != 1 || k != i {
					t.Fatalf("query %d gave %d %d", i, n, k)
				}
			}
		}
		n, err := store.CachedStatements(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case db.Engine == store.SQLite && (n < 1 || n > store.StmtCacheSize):
			t.Fatalf("SQLite connection caches %d statements, want 1..%d", n, store.StmtCacheSize)
		case db.Engine == store.Postgres && n != -1:
			t.Fatalf("PostgreSQL connection caches %d statements in wiis, want none (pgx keeps its own)", n)
		}
	})
}

func TestCachedStatementsRecoverFromErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const ins = `INSERT INTO persons (id_number, name) VALUES (?, ?)`
		if _, err := db.Exec(ctx, ins, sealID, "张三"); err != nil {
			t.Fatal(err)
		}
		// The same cached insert fails on the key, then succeeds with another.
		if _, err := db.Exec(ctx, ins, sealID, "张三"); !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate insert: %v, want a unique violation", err)
		}
		if _, err := db.Exec(ctx, ins, sealID2, "李四"); err != nil {
			t.Fatalf("insert after a failed one: %v", err)
		}
		// A text that does not prepare is an error each time, and nothing else is disturbed.
		for i := 0; i < 2; i++ {
			if _, err := db.Query(ctx, `SELECT nosuchcolumn FROM persons`); err == nil {
				t.Fatal("a bad statement ran")
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM persons WHERE id_number IN (?, ?)`, sealID, sealID2).Scan(&n); err != nil || n != 2 {
			t.Fatalf("count after errors: %d %v", n, err)
		}
	})
}
