// Package storetest gives tests a fresh, migrated database on every engine: SQLite always, and
// PostgreSQL when WIIS_TEST_POSTGRES is set (each test in its own schema, dropped afterwards),
// so one test body checks both engines.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"wiis/internal/store"
)

// PostgresEnv names the environment variable with the PostgreSQL URL for tests.
const PostgresEnv = "WIIS_TEST_POSTGRES"

var skipOnce sync.Once

// Each runs fn once per available engine as a subtest named after the engine, each with a
// fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Engines lists the engines available to tests.
func Engines() []store.Engine {
	if os.Getenv(PostgresEnv) == "" {
		skipOnce.Do(func() {
			println("storetest: " + PostgresEnv + " not set: PostgreSQL storage tests skipped, SQLite only")
		})
		return []store.Engine{store.SQLite}
	}
	return []store.Engine{store.SQLite, store.Postgres}
}

// Open returns a fresh migrated database of engine e, closed and removed when the test ends.
func Open(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	db, err := store.OpenAndMigrate(context.Background(), DSN(t, e))
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// DSN returns the address of a fresh empty database of engine e, removed when the test ends.
func DSN(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(PostgresEnv + " not set: PostgreSQL test skipped")
	}
	dsn, drop, err := store.TempSchema(context.Background(), base, "wiis_t")
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(drop)
	return dsn
}
