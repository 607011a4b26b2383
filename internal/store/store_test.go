package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
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

func TestBackupThenRestoreIntoAnEmptyDatabaseGivesTheSameData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src *store.DB) {
		ctx := context.Background()
		mustExec := func(q string, args ...any) {
			t.Helper()
			if _, err := src.Exec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		mustExec(`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, ?, ?, ?, ?)`, "91341500MA2N0000XX", "测试'公司", "341502", "4420", "active")
		mustExec(`INSERT INTO persons (id_number, name) VALUES (?, ?)`, "11010519491231002X", "张三")
		mustExec(`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base, category) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			"11010519491231002X", "91341500MA2N0000XX", "add", "2024-01", "2023-12-20", 1234567, "regular")
		mustExec(`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base, category) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			"11010519491231002X", "91341500MA2N0000XX", "remove", "2024-06", "2024-06-30", nil, nil)
		var buf bytes.Buffer
		if _, err := src.Backup(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		// Restore into a fresh database of every engine: the format is engine-neutral.
		for _, e := range storetest.Engines() {
			dst := storetest.Open(t, e)
			counts, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("restore into %s: %v", e, err)
			}
			if counts["enrollment_events"] != 2 {
				t.Fatalf("restored %d enrollment events", counts["enrollment_events"])
			}
			if d := diffTables(t, src, dst); d != "" {
				t.Fatalf("restore into %s differs: %s", e, d)
			}
			// New rows after a restore get fresh keys (identity sequences were reset).
			if _, err := dst.Exec(ctx, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on) VALUES (?, ?, ?, ?, ?)`,
				"11010519491231002X", "91341500MA2N0000XX", "add", "2024-09", "2024-09-01"); err != nil {
				t.Fatalf("insert after restore into %s: %v", e, err)
			}
			if _, err := dst.Restore(ctx, bytes.NewReader(buf.Bytes())); !errors.Is(err, store.ErrNotEmpty) {
				t.Fatalf("restore into a database with data: got %v, want ErrNotEmpty", err)
			}
		}
	})
}

// diffTables compares every table of two databases through their backups' row sets.
func diffTables(t *testing.T, a, b *store.DB) string {
	t.Helper()
	dump := func(db *store.DB) map[string][]string {
		tables, err := db.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, tb := range tables {
			if tb == "sqlite_sequence" {
				continue
			}
			rows, err := db.SQL.Query(`SELECT * FROM ` + tb)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				rows.Scan(ptrs...)
				out[tb] = append(out[tb], fmt.Sprint(vals...))
			}
			rows.Close()
			sort.Strings(out[tb])
		}
		return out
	}
	da, db := dump(a), dump(b)
	for tb, rows := range da {
		if !reflect.DeepEqual(rows, db[tb]) {
			return fmt.Sprintf("table %s: %d rows vs %d", tb, len(rows), len(db[tb]))
		}
	}
	return ""
}

// A table that a migration fills must be known to restore as reference data, or restoring a
// backup into a freshly migrated database would refuse.
func TestOnlySeedTablesHoldRowsAfterMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tables, err := db.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			var n int
			if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+tb).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 && !store.IsSeedTable(tb) {
				t.Errorf("migrations put %d rows in %s, which restore does not treat as reference data", n, tb)
			}
		}
	})
}

func TestCodePrefixSelectsExactlyTheCodesThatBeginWithIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := []string{"3415", "341500", "341502", "341599", "3416", "34160", "3419", "341999", "342", "3420",
			"34", "3", "9", "99", "999999", "0", "", "34a", "34ab"}
		for i, c := range codes {
			if _, err := db.Exec(ctx, `INSERT INTO regions (code, name, name_en, level) VALUES (?, ?, ?, ?)`,
				"t"+c, fmt.Sprint("n", i), "n", 1); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range []string{"", "3", "34", "3415", "341500", "3419", "9", "99", "34a", "0"} {
			cond, args := store.CodePrefix("substr(code, 2)", p)
			rows, err := db.Query(ctx, `SELECT substr(code, 2) FROM regions WHERE code LIKE 't%' AND `+cond, args...)
			if err != nil {
				t.Fatalf("prefix %q: %v", p, err)
			}
			var got []string
			for rows.Next() {
				var c string
				rows.Scan(&c)
				got = append(got, c)
			}
			rows.Close()
			var want []string
			for _, c := range codes {
				if strings.HasPrefix(c, p) {
					want = append(want, c)
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("prefix %q (%s): got %q, want %q", p, cond, got, want)
			}
		}
	})
}

// The statement counter counts each query, each exec and a transaction as two, on both
// engines, and an enclosing counter sees what a nested one counts.
func TestStatementsAreCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		outer, all := store.CountStatements(context.Background())
		ctx, inner := store.CountStatements(outer)
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM regions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE regions SET name = name WHERE code = ?`, "340000"); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM regions`).Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := inner.Count(); got != 5 {
			t.Errorf("nested counter: %d statements, want 5 (query, exec, begin + query + commit)", got)
		}
		if got := all.Count(); got != 5 {
			t.Errorf("enclosing counter: %d statements, want 5", got)
		}
		if err := db.QueryRow(outer, `SELECT COUNT(*) FROM regions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if inner.Count() != 5 || all.Count() != 6 {
			t.Errorf("after a query outside the nested scope: inner %d (want 5), outer %d (want 6)", inner.Count(), all.Count())
		}
	})
}

// Reference data read outside a transaction is kept: a second read runs no statement. A
// change committed through the node is seen at once, a rolled-back one changes nothing, and a
// transaction always reads the database.
func TestReferenceDataIsKeptUntilItChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		read := func(ctx context.Context, q store.Querier) (string, error) {
			var name string
			err := q.QueryRow(ctx, `SELECT name FROM regions WHERE code = ?`, "340000").Scan(&name)
			return name, err
		}
		remember := func(q store.Querier) (string, int64) {
			cctx, n := store.CountStatements(ctx)
			v, err := store.Remember(cctx, q, "regions", "340000", read)
			if err != nil {
				t.Fatal(err)
			}
			return v, n.Count()
		}
		first, n1 := remember(db)
		again, n2 := remember(db)
		if first == "" || again != first || n1 != 1 || n2 != 0 {
			t.Fatalf("reads %q (%d statements) then %q (%d statements), want the same name, then none", first, n1, again, n2)
		}
		rename := func(name string, fail bool) {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `UPDATE regions SET name = ? WHERE code = ?`, name, "340000"); err != nil {
					return err
				}
				tx.Changed("regions")
				if in, _ := remember(tx); in != name {
					t.Errorf("inside the transaction: %q, want its own write %q", in, name)
				}
				if fail {
					return errors.New("roll back")
				}
				return nil
			})
			if (err != nil) != fail {
				t.Fatal(err)
			}
		}
		rename("皖", true)
		if v, n := remember(db); v != first || n != 0 {
			t.Errorf("after a rolled-back change: %q (%d statements), want %q kept", v, n, first)
		}
		rename("安徽", false)
		if v, _ := remember(db); v != "安徽" {
			t.Errorf("after a committed change: %q, want 安徽", v)
		}
		db.Changed("regions")
		if _, n := remember(db); n != 1 {
			t.Errorf("after Changed: %d statements, want the read again", n)
		}
	})
}

// Connections to PostgreSQL run without JIT compilation unless the DSN asks for it.
func TestPostgresConnectionsRunWithoutJIT(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Engine != store.Postgres {
			t.Skip("PostgreSQL only")
		}
		var jit string
		if err := db.QueryRow(context.Background(), `SELECT current_setting('jit')`).Scan(&jit); err != nil {
			t.Fatal(err)
		}
		if jit != "off" {
			t.Fatalf("jit = %s, want off", jit)
		}
	})
}
