package interchange

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"wiis/internal/store"
)

// batchTx is one batch's transaction. The import needs three things the two engines do best
// in different ways: find the stored rows of a set of keys, add many new rows, and run a
// prepared statement per changed row. SQLite goes through database/sql; PostgreSQL through
// the pgx connection underneath it, for `= ANY($1)` with an array and for COPY, which
// design.md measured at three times a multi-row INSERT.
type batchTx interface {
	// selectIn calls fn with the cols of every row of table whose column in is one of keys.
	selectIn(ctx context.Context, table string, cols []string, in string, keys []string, fn func(vals []any)) error
	// insert adds rows (values in cols order) to table.
	insert(ctx context.Context, table string, cols []string, rows [][]any) error
	// exec runs a statement with `?` placeholders and returns the rows affected.
	exec(ctx context.Context, q string, args ...any) (int64, error)
}

// session is the one connection a file's import runs on, batch after batch.
type session struct {
	db   *store.DB
	conn *sql.Conn
}

// sqliteCheckpointPages is the WAL auto-checkpoint interval during an import: 40 MB instead
// of SQLite's 4 MB. Each checkpoint syncs the database file; with a batch per transaction the
// default interval made the import wait on the disk far more than on work (measured: import
// at a quarter of the raw rate at a million rows). The WAL stays bounded, so memory and disk
// use do not grow with the file.
const sqliteCheckpointPages = 10000

func openSession(ctx context.Context, db *store.DB) (*session, error) {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if db.Engine == store.SQLite {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", sqliteCheckpointPages)); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return &session{db: db, conn: conn}, nil
}

// close returns the connection to the pool with SQLite's default checkpoint interval.
func (s *session) close() {
	if s.db.Engine == store.SQLite {
		s.conn.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint = 1000")
	}
	s.conn.Close()
}

// inTx runs fn in one transaction: all of a batch is stored or none.
func (s *session) inTx(ctx context.Context, fn func(tx batchTx) error) error {
	if s.db.Engine == store.Postgres {
		return s.conn.Raw(func(dc any) error {
			pc := store.Unwrap(dc).(*stdlib.Conn).Conn()
			return pgx.BeginFunc(ctx, pc, func(tx pgx.Tx) error { return fn(&pgBatch{tx: tx, db: s.db}) })
		})
	}
	stx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&sqlBatch{tx: &store.Tx{SQL: stx, Engine: s.db.Engine}}); err != nil {
		stx.Rollback()
		return err
	}
	return stx.Commit()
}

// sqliteMaxVars stays under SQLite's default limit of 32766 bound parameters per statement.
const sqliteMaxVars = 32000

type sqlBatch struct {
	tx    *store.Tx
	stmts map[string]*sql.Stmt
}

func (b *sqlBatch) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if s, ok := b.stmts[q]; ok {
		return s, nil
	}
	if b.stmts == nil {
		b.stmts = map[string]*sql.Stmt{}
	}
	s, err := b.tx.Prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	b.stmts[q] = s
	return s, nil
}

func (b *sqlBatch) selectIn(ctx context.Context, table string, cols []string, in string, keys []string, fn func([]any)) error {
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for len(keys) > 0 {
		n := min(len(keys), sqliteMaxVars)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		keys = keys[n:]
		rows, err := b.tx.Query(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s IN (%s)",
			strings.Join(cols, ", "), table, in, store.Placeholders(n)), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			fn(vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// insertChunk is the number of rows per multi-row INSERT on SQLite: large enough to save the
// per-statement overhead, small enough that the prepared statement is reused within a batch.
const insertChunk = 100

func (b *sqlBatch) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	chunk := min(insertChunk, sqliteMaxVars/len(cols))
	tuple := "(" + store.Placeholders(len(cols)) + ")"
	args := make([]any, 0, chunk*len(cols))
	for len(rows) > 0 {
		n := min(len(rows), chunk)
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
			strings.Repeat(tuple+", ", n-1) + tuple
		st, err := b.prepare(ctx, q)
		if err != nil {
			return err
		}
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (b *sqlBatch) exec(ctx context.Context, q string, args ...any) (int64, error) {
	st, err := b.prepare(ctx, q)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// pgBatch talks to pgx directly (COPY), below the driver that seals personal identifiers, so
// it seals what it sends and opens what it reads itself.
type pgBatch struct {
	tx pgx.Tx
	db *store.DB
}

func (b *pgBatch) selectIn(ctx context.Context, table string, cols []string, in string, keys []string, fn func([]any)) error {
	sealed := make([]string, len(keys)) // the caller's keys stay clear
	for i, k := range keys {
		sealed[i] = b.db.SealText(k)
	}
	rows, err := b.tx.Query(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s = ANY($1)", strings.Join(cols, ", "), table, in), sealed)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		b.db.OpenValues(vals)
		fn(vals)
	}
	return rows.Err()
}

func (b *pgBatch) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	sealed := make([][]any, len(rows))
	for i, r := range rows {
		sealed[i] = append([]any(nil), r...)
		b.db.SealValues(sealed[i])
	}
	_, err := b.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(sealed))
	return err
}

func (b *pgBatch) exec(ctx context.Context, q string, args ...any) (int64, error) {
	args = append([]any(nil), args...)
	b.db.SealValues(args)
	tag, err := b.tx.Exec(ctx, b.db.SealText(b.db.Rebind(q)), args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// normalize makes a stored value comparable with a Row value: every integer is int64 (pgx
// returns int32 for INTEGER) and text is string.
func normalize(v any) any {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case int16:
		return int64(x)
	case []byte:
		return string(x)
	}
	return v
}
