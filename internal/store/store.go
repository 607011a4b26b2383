// Package store opens the database (embedded SQLite or PostgreSQL), applies the embedded
// migrations, and owns the few differences between the two engines.
//
// Storage choice, made once for the whole project (design.md): one set of portable SQL through
// database/sql. Queries are written once with `?` placeholders in the common subset of SQLite
// and PostgreSQL (ON CONFLICT, RETURNING, CTEs); DB and Tx rebind them to `$n` for PostgreSQL.
// Dates, months and money are computed in Go and stored as ISO text and integer fen, so no
// engine-specific SQL function is needed. We chose this over sqlc-per-engine because the
// schema is shared and the dialect differences are small enough to live in this one package;
// it keeps the path open to PostgreSQL-compatible distributed engines, which accept this subset.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/stdlib"

	"wiis/internal/seal"

	_ "modernc.org/sqlite" // pure-Go SQLite driver: `go run` needs no C compiler
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DefaultDSN is used when neither --db nor WIIS_DB is given.
const DefaultDSN = "sqlite:wiis.db"

// DB is an open database with its engine. Its query methods take `?` placeholders.
type DB struct {
	SQL    *sql.DB
	Engine Engine
	DSN    string

	sealer *sealer   // seals personal identifiers at the driver (sealed.go)
	kek    *seal.KEK // set by LoadKeys
	memo   memo      // reference data this node read (memo.go)
}

// Open connects to dsn ("sqlite:PATH" or "postgres://...") without migrating or loading the
// data keys: until LoadKeys, values are read as stored (sealed) and would be written in clear,
// so everything but migration tooling uses OpenAndMigrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var db *DB
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("store: sqlite: needs a file path, e.g. sqlite:wiis.db")
		}
		// busy_timeout first so the other pragmas wait instead of failing; _txlock=immediate
		// takes the write lock at BEGIN so writers queue rather than deadlock on upgrade.
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		conn := "file:" + path + sep + "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		sl := &sealer{}
		s, err := openSealed("sqlite", conn, sl, true)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// Idle connections are kept (database/sql keeps 2 by default): reopening one under
		// load costs its page cache and its prepared statements.
		s.SetMaxOpenConns(4)
		s.SetMaxIdleConns(4)
		db = &DB{SQL: s, Engine: SQLite, DSN: dsn, sealer: sl}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		sl := &sealer{}
		s, err := openSealed("pgx", withoutJIT(dsn), sl, false)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		// As for SQLite: a reopened connection costs a handshake and pgx's statement cache.
		s.SetMaxOpenConns(16)
		s.SetMaxIdleConns(16)
		db = &DB{SQL: s, Engine: Postgres, DSN: dsn, sealer: sl}
	default:
		return nil, fmt.Errorf("store: unknown database %q: use sqlite:PATH or postgres://...", dsn)
	}
	if err := db.SQL.PingContext(ctx); err != nil {
		db.SQL.Close()
		return nil, fmt.Errorf("store: connect %s: %w", db.Engine, err)
	}
	return db, nil
}

// withoutJIT adds jit=off to a PostgreSQL DSN that does not set jit. PostgreSQL compiles a
// query to machine code when its estimated cost is high, and wiis's batch statements (the
// payroll's entitlement sync over a freshly loaded table, estimated far above its real cost)
// spent more time compiling than running: off, the PostgreSQL payroll bench went from
// 2.7–3.1× its COPY baseline to 2.6–2.9× (docs/scaling.md). A DSN with jit=on keeps it.
func withoutJIT(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver reports the bad DSN
	}
	q := u.Query()
	if q.Has("jit") {
		return dsn
	}
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenAndMigrate opens dsn, applies every pending migration and loads the data keys with the
// key-encryption key from WIIS_KEK, WIIS_KEY_FILE or DefaultKeyFile; every subcommand that
// needs data uses it.
func OpenAndMigrate(ctx context.Context, dsn string) (*DB, error) {
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	kek, err := seal.LoadKEK(DefaultKeyFile())
	if err == nil {
		err = db.LoadKeys(ctx, kek)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.SQL.Close() }

// Exec runs a statement with `?` placeholders.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.SQL.ExecContext(ctx, db.Rebind(q), args...)
}

// Query runs a query with `?` placeholders.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.SQL.QueryContext(ctx, db.Rebind(q), args...)
}

// QueryRow runs a query expected to return at most one row.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.SQL.QueryRowContext(ctx, db.Rebind(q), args...)
}

// Tx is a transaction whose query methods take `?` placeholders.
type Tx struct {
	SQL     *sql.Tx
	Engine  Engine
	changed []string // tables whose kept reference data is forgotten on commit (memo.go)
}

// Exec runs a statement with `?` placeholders in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.SQL.ExecContext(ctx, rebind(tx.Engine, q), args...)
}

// Query runs a query with `?` placeholders in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.SQL.QueryContext(ctx, rebind(tx.Engine, q), args...)
}

// QueryRow runs a query expected to return at most one row in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.SQL.QueryRowContext(ctx, rebind(tx.Engine, q), args...)
}

// Prepare prepares a statement with `?` placeholders in the transaction.
func (tx *Tx) Prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.SQL.PrepareContext(ctx, rebind(tx.Engine, q))
}

// Querier is what DB and Tx have in common, so a store function can run inside or outside a
// transaction.
type Querier interface {
	Exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise (and
// on panic), so a crash leaves all of a change or none of it.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{SQL: stx, Engine: db.Engine}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
		if err != nil {
			stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	for _, t := range tx.changed {
		db.Changed(t)
	}
	return nil
}

// Rebind turns `?` placeholders into the engine's form.
func (db *DB) Rebind(q string) string { return rebind(db.Engine, q) }

var rebindCache sync.Map // query text → PostgreSQL text

func rebind(e Engine, q string) string {
	if e != Postgres || !strings.Contains(q, "?") {
		return q
	}
	if v, ok := rebindCache.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	rebindCache.Store(q, out)
	return out
}

// IsUniqueViolation reports whether err is a unique-constraint failure on either engine, so
// callers can turn it into a conflict error.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Placeholders returns "?, ?, ?" with n marks, for multi-row inserts.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

var _ = stdlib.GetDefaultDriver // the pgx driver registers itself as "pgx" on import

// IDs runs a query whose single column is an integer key and returns the keys; list pages
// use it to fetch matching ids first and then load each record through its one loader.
func IDs(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
