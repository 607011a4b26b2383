package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"wiis/internal/seal"
)

// Personal identifiers are sealed at the driver boundary (package seal explains the choice):
// every statement's text and string arguments have their ID numbers replaced by tokens, values
// marked seal.Secret are sealed whole, and every string or byte value read back has its tokens
// opened. Doing it below database/sql means no query, however written, can store an ID number
// in clear, and the domain code keeps working with clear values.

// rawKey marks a context whose statements bypass sealing (backup, restore, key rotation).
type rawKey struct{}

// Raw returns ctx with sealing bypassed: statements see and store exactly the stored bytes.
// Backups use it so ciphertexts travel as they are and the key never does.
func Raw(ctx context.Context) context.Context { return context.WithValue(ctx, rawKey{}, true) }

func isRaw(ctx context.Context) bool { v, _ := ctx.Value(rawKey{}).(bool); return v }

// sealer holds the keyring of one database; nil until the keys are loaded.
type sealer struct{ ring atomic.Pointer[seal.Keyring] }

func (s *sealer) sealArgs(ctx context.Context, query string, args []driver.NamedValue) (string, []driver.NamedValue) {
	r := s.ring.Load()
	if r == nil || isRaw(ctx) {
		return query, args
	}
	query = r.SealText(query)
	for i := range args {
		switch v := args[i].Value.(type) {
		case string:
			args[i].Value = r.SealText(v)
		}
	}
	return query, args
}

// sealMarked seals a value marked seal.Secret or seal.Blob with r (or unmarks it when r is
// nil: no keys loaded); ok is false for any other value.
func sealMarked(r *seal.Keyring, v any) (out any, ok bool) {
	switch v := v.(type) {
	case seal.Secret:
		if r != nil {
			return r.SealSecret(string(v)), true
		}
		return string(v), true
	case seal.Blob:
		if r != nil && v != nil {
			return r.SealBlob(v), true
		}
		return []byte(v), true
	}
	return v, false
}

// checkSecret seals a marked argument; other values go to next.
func (s *sealer) checkSecret(nv *driver.NamedValue, next func(*driver.NamedValue) error) error {
	if v, ok := sealMarked(s.ring.Load(), nv.Value); ok {
		nv.Value = v
		return nil
	}
	if next != nil {
		return next(nv)
	}
	return driver.ErrSkip
}

func (db *DB) keyring() *seal.Keyring {
	if db == nil || db.sealer == nil {
		return nil
	}
	return db.sealer.ring.Load()
}

// SealValues seals values in place the way the driver does, for paths that bypass
// database/sql (pgx COPY in the bulk loaders): strings have their ID numbers sealed,
// seal.Secret values are sealed whole.
func (db *DB) SealValues(vals []any) {
	r := db.keyring()
	for i, v := range vals {
		if m, ok := sealMarked(r, v); ok {
			vals[i] = m
		} else if s, ok := v.(string); ok && r != nil {
			vals[i] = r.SealText(s)
		}
	}
}

// OpenValues opens the tokens in values read outside database/sql.
func (db *DB) OpenValues(vals []any) {
	if r := db.keyring(); r != nil {
		openDest(r, vals)
	}
}

// SealText seals the ID numbers in one string as stored (for SQL text sent outside
// database/sql).
func (db *DB) SealText(s string) string {
	if r := db.keyring(); r != nil {
		return r.SealText(s)
	}
	return s
}

func openDest[T any](r *seal.Keyring, dest []T) {
	for i, v := range dest {
		switch x := any(v).(type) {
		case string:
			if o := r.Open(x); o != x {
				dest[i] = any(o).(T)
			}
		case []byte:
			if seal.IsSealedBlob(x) {
				if o, ok := r.OpenBlob(x); ok {
					dest[i] = any(o).(T)
				}
			} else if bytes.IndexByte(x, '~') >= 0 {
				if o := r.Open(string(x)); o != string(x) {
					dest[i] = any([]byte(o)).(T)
				}
			}
		}
	}
}

// Unwrap returns the driver's own connection behind a database/sql Conn.Raw value, for the
// bulk loaders that need pgx's COPY; what they write they must seal with SealValues.
func Unwrap(dc any) any {
	if c, ok := dc.(*sealedConn); ok {
		return c.Conn
	}
	return dc
}

type sealedConnector struct {
	inner driver.Connector
	s     *sealer
	cache bool // keep prepared statements per connection (stmtcache.go)
}

func (c *sealedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc := &sealedConn{Conn: conn, s: c.s}
	if p, ok := conn.(driver.ConnPrepareContext); ok && c.cache {
		sc.stmts = newStmtCache(p)
	}
	return sc, nil
}

func (c *sealedConnector) Driver() driver.Driver { return c.inner.Driver() }

type dsnConnector struct {
	d   driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }

// openSealed opens driverName's dsn through the sealing connector; cacheStmts keeps prepared
// statements per connection, for drivers that keep none themselves.
func openSealed(driverName, dsn string, s *sealer, cacheStmts bool) (*sql.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	d := probe.Driver()
	probe.Close()
	var inner driver.Connector = dsnConnector{d, dsn}
	if dc, ok := d.(driver.DriverContext); ok {
		if inner, err = dc.OpenConnector(dsn); err != nil {
			return nil, err
		}
	}
	return sql.OpenDB(&sealedConnector{inner: inner, s: s, cache: cacheStmts}), nil
}

type sealedConn struct {
	driver.Conn
	s     *sealer
	stmts *stmtCache // nil when statements are not cached
}

// Close finalizes the cached statements before the connection.
func (c *sealedConn) Close() error {
	if c.stmts != nil {
		c.stmts.close()
	}
	return c.Conn.Close()
}

func (c *sealedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	countStatement(ctx, 2) // BEGIN, and COMMIT or ROLLBACK (which see no context)
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // fallback for drivers without BeginTx
}

func (c *sealedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	query, _ = c.s.sealArgs(ctx, query, nil)
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &sealedStmt{Stmt: st, c: c}, nil
}

func (c *sealedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	countStatement(ctx, 1)
	query, args = c.s.sealArgs(ctx, query, args)
	if c.stmts != nil {
		if res, ok, err := c.stmts.execCached(ctx, query, args); ok || err != nil {
			return res, err
		}
	}
	return e.ExecContext(ctx, query, args)
}

func (c *sealedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	countStatement(ctx, 1)
	query, args = c.s.sealArgs(ctx, query, args)
	if c.stmts != nil {
		rows, release, ok, err := c.stmts.queryCached(ctx, query, args)
		if err != nil {
			return nil, err
		}
		if ok {
			return c.s.wrapRows(ctx, rows, release), nil
		}
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return c.s.wrapRows(ctx, rows, nil), nil
}

func (c *sealedConn) CheckNamedValue(nv *driver.NamedValue) error {
	var next func(*driver.NamedValue) error
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		next = ch.CheckNamedValue
	}
	return c.s.checkSecret(nv, next)
}

func (c *sealedConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *sealedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *sealedConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type sealedStmt struct {
	driver.Stmt
	c *sealedConn
}

func (st *sealedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	countStatement(ctx, 1)
	_, args = st.c.s.sealArgs(ctx, "", args)
	if e, ok := st.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return st.Stmt.Exec(values(args)) //nolint:staticcheck // fallback for old drivers
}

func (st *sealedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	countStatement(ctx, 1)
	_, args = st.c.s.sealArgs(ctx, "", args)
	var rows driver.Rows
	var err error
	if q, ok := st.Stmt.(driver.StmtQueryContext); ok {
		rows, err = q.QueryContext(ctx, args)
	} else {
		rows, err = st.Stmt.Query(values(args)) //nolint:staticcheck // fallback for old drivers
	}
	if err != nil {
		return nil, err
	}
	return st.c.s.wrapRows(ctx, rows, nil), nil
}

func (st *sealedStmt) CheckNamedValue(nv *driver.NamedValue) error {
	var next func(*driver.NamedValue) error
	if ch, ok := st.Stmt.(driver.NamedValueChecker); ok {
		next = ch.CheckNamedValue
	} else if ch, ok := st.c.Conn.(driver.NamedValueChecker); ok {
		next = ch.CheckNamedValue
	}
	return st.c.s.checkSecret(nv, next)
}

func values(args []driver.NamedValue) []driver.Value {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// wrapRows opens the values rows return (unless ctx is raw or no keys are loaded) and calls
// release, if any, when they are closed; rows with nothing to do are returned as they are.
func (s *sealer) wrapRows(ctx context.Context, rows driver.Rows, release func()) driver.Rows {
	var r *seal.Keyring
	if !isRaw(ctx) {
		r = s.ring.Load()
	}
	if r == nil && release == nil {
		return rows
	}
	return &sealedRows{Rows: rows, r: r, release: release}
}

// StoredSuffix ends the name of a result column that is returned as stored, not opened: a
// merge of streams the database ordered by a sealed column compares what the database
// compared (`SELECT id_number, id_number AS id__stored ... ORDER BY id_number`).
const StoredSuffix = "__stored"

type sealedRows struct {
	driver.Rows
	r       *seal.Keyring // nil: values are returned as stored
	keep    []bool        // columns returned as stored; nil when none
	init    bool
	release func() // frees the cached statement behind the rows; nil when none
}

// Close closes the rows and frees their cached statement.
func (rs *sealedRows) Close() error {
	err := rs.Rows.Close()
	if rs.release != nil {
		rs.release()
		rs.release = nil
	}
	return err
}

func (rs *sealedRows) Next(dest []driver.Value) error {
	if err := rs.Rows.Next(dest); err != nil {
		return err
	}
	if rs.r == nil {
		return nil
	}
	if !rs.init {
		rs.init = true
		for i, c := range rs.Rows.Columns() {
			if strings.HasSuffix(strings.ToLower(c), StoredSuffix) {
				if rs.keep == nil {
					rs.keep = make([]bool, len(dest))
				}
				rs.keep[i] = true
			}
		}
	}
	if rs.keep == nil {
		openDest(rs.r, dest)
		return nil
	}
	for i := range dest {
		if !rs.keep[i] {
			openDest(rs.r, dest[i:i+1])
		}
	}
	return nil
}

// The optional column-type interfaces are passed through so ColumnTypes keeps working.

func (rs *sealedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := rs.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (rs *sealedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := rs.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (rs *sealedRows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := rs.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (rs *sealedRows) HasNextResultSet() bool {
	if t, ok := rs.Rows.(driver.RowsNextResultSet); ok {
		return t.HasNextResultSet()
	}
	return false
}

func (rs *sealedRows) NextResultSet() error {
	if t, ok := rs.Rows.(driver.RowsNextResultSet); ok {
		return t.NextResultSet()
	}
	return io.EOF
}

var errNoKeys = errors.New("store: personal data keys are not loaded")

// SortedStrings runs a query of one text column and returns its values sorted in Go, the
// first n of them (all when n <= 0). Queries that pick "the first persons in ID-number
// order" use it: the database holds ID numbers sealed and can only order their ciphertext,
// which differs from one database to the next.
func SortedStrings(ctx context.Context, q Querier, n int, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out, nil
}
