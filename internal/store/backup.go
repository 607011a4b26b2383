package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"wiis/internal/seal"
)

// The backup format is logical and engine-neutral: gzip'd JSON lines, a header line, then for
// each table a line {"table", "columns"} followed by one JSON array per row. Integers are JSON
// numbers, text is a string, binary is {"b64": ...}, NULL is null. Because it is logical, a
// SQLite backup restores into PostgreSQL and back, which is also the migration path from the
// embedded engine to the production one.

const backupFormat = "wiis-backup-1"

type backupHeader struct {
	Format string `json:"format"`
	Engine Engine `json:"engine"`
	Tables int    `json:"tables"`
}

type tableHeader struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows,omitempty"`
}

// Tables lists the application's tables in creation order, so that a table comes after every
// table it references. The migration bookkeeping table is left out: restore migrates first.
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	var q string
	if db.Engine == SQLite {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid`
	} else {
		q = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid`
	}
	rows, err := db.SQL.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("store: list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if t != "goose_db_version" {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// Backup writes every table to w from one consistent read snapshot while the system runs.
// It returns the number of rows written per table.
func (db *DB) Backup(ctx context.Context, w io.Writer) (map[string]int64, error) {
	ctx = Raw(ctx) // sealed values travel sealed; the key-encryption key never travels
	tables, err := db.Tables(ctx)
	if err != nil {
		return nil, err
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.SQL.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: backup: begin: %w", err)
	}
	defer tx.Rollback()
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriterSize(zw, 1<<16)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(backupHeader{Format: backupFormat, Engine: db.Engine, Tables: len(tables)}); err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, t := range tables {
		n, err := dumpTable(ctx, tx, t, enc)
		if err != nil {
			return nil, fmt.Errorf("store: backup %s: %w", t, err)
		}
		counts[t] = n
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return counts, nil
}

func dumpTable(ctx context.Context, tx *sql.Tx, table string, enc *json.Encoder) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+quoteIdent(table))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	if err := enc.Encode(tableHeader{Table: table, Columns: cols}); err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	out := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			out[i], err = encodeValue(v)
			if err != nil {
				return n, fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		if err := enc.Encode(out); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func encodeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, int64, string, bool:
		return x, nil
	case int32:
		return int64(x), nil
	case int:
		return int64(x), nil
	case []byte:
		return map[string]string{"b64": base64.StdEncoding.EncodeToString(x)}, nil
	case float64:
		// The schema holds no floating-point columns; a float here means a bug upstream.
		return nil, fmt.Errorf("unexpected floating-point value %v", x)
	default:
		return nil, fmt.Errorf("unsupported value type %T", v)
	}
}

// ErrNotEmpty is returned by Restore when the target already holds data.
var ErrNotEmpty = errors.New("store: restore needs an empty database")

// Restore loads a backup into this database, which must be migrated and empty (its tables may
// hold only what migrations seed, which the backup replaces). Everything is one transaction:
// a failed restore leaves the database as it was.
func (db *DB) Restore(ctx context.Context, r io.Reader) (map[string]int64, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("store: restore: not a wiis backup: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(zr, 1<<16))
	var hdr backupHeader
	if err := dec.Decode(&hdr); err != nil || hdr.Format != backupFormat {
		return nil, fmt.Errorf("store: restore: not a wiis backup (format %q)", hdr.Format)
	}
	ctx = Raw(ctx)
	seeded, err := db.seededTables(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	var ring *seal.Keyring
	err = db.InTx(ctx, func(tx *Tx) error {
		var cur *tableLoader
		finish := func() error {
			if cur == nil {
				return nil
			}
			counts[cur.table] = cur.rows
			return cur.close(ctx, tx)
		}
		for {
			var line json.RawMessage
			if err := dec.Decode(&line); err == io.EOF {
				if err := finish(); err != nil {
					return err
				}
				// The backup's data keys replace this database's; they must open with the
				// key-encryption key in use here, or nothing restored could be read.
				if db.kek != nil {
					var err error
					if ring, err = db.readKeys(ctx, tx, db.kek); err != nil {
						return fmt.Errorf("store: restore: the backup's %w; set %s or %s to the source system's key", err, seal.EnvKEK, seal.EnvKeyFile)
					}
				}
				return nil
			} else if err != nil {
				return fmt.Errorf("store: restore: %w", err)
			}
			if len(line) > 0 && line[0] == '{' {
				if err := finish(); err != nil {
					return err
				}
				var th tableHeader
				if err := json.Unmarshal(line, &th); err != nil {
					return fmt.Errorf("store: restore: bad table header: %w", err)
				}
				if seeded[th.Table] {
					if _, err := tx.Exec(ctx, `DELETE FROM `+quoteIdent(th.Table)); err != nil {
						return err
					}
				}
				if cur, err = newTableLoader(ctx, tx, th); err != nil {
					return fmt.Errorf("store: restore %s: %w", th.Table, err)
				}
				tx.Changed(th.Table)
				continue
			}
			if cur == nil {
				return errors.New("store: restore: row before any table header")
			}
			if err := cur.load(ctx, line); err != nil {
				return fmt.Errorf("store: restore %s: row %d: %w", cur.table, cur.rows+1, err)
			}
		}
	})
	if err == nil && ring != nil {
		db.sealer.ring.Store(ring)
	}
	return counts, err
}

// seededTables reports which tables hold rows now; restore refuses a database with user data
// but tolerates (and replaces) reference data that migrations seed.
func (db *DB) seededTables(ctx context.Context) (map[string]bool, error) {
	tables, err := db.Tables(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, t := range tables {
		var n int64
		if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t)).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		if !seedTables[t] {
			return nil, fmt.Errorf("%w: table %s has %d rows", ErrNotEmpty, t, n)
		}
		out[t] = true
	}
	return out, nil
}

// seedTables are the tables migrations fill with reference data; a restore replaces their
// rows. TestOnlySeedTablesHoldRowsAfterMigration keeps the list true.
// data_keys is filled when a database is first opened, and a restore replaces it with the
// backup's keys.
var seedTables = map[string]bool{"data_keys": true, "regions": true, "policy_values": true, "service_items": true, "sqlite_sequence": true}

// IsSeedTable reports whether migrations fill table with reference data.
func IsSeedTable(table string) bool { return seedTables[table] }

// tableLoader inserts the rows of one table of a backup.
type tableLoader struct {
	table   string
	columns []string
	stmt    *sql.Stmt // nil: rows are skipped
	rows    int64
}

func newTableLoader(ctx context.Context, tx *Tx, th tableHeader) (*tableLoader, error) {
	l := &tableLoader{table: th.Table, columns: th.Columns}
	if th.Table == "sqlite_sequence" {
		return l, nil // SQLite keeps it itself from the restored keys
	}
	cols := make([]string, len(th.Columns))
	for i, c := range th.Columns {
		cols[i] = quoteIdent(c)
	}
	stmt, err := tx.Prepare(ctx, `INSERT INTO `+quoteIdent(th.Table)+` (`+strings.Join(cols, ", ")+`) VALUES (`+Placeholders(len(cols))+`)`)
	if err != nil {
		return nil, err
	}
	l.stmt = stmt
	return l, nil
}

func (l *tableLoader) load(ctx context.Context, line json.RawMessage) error {
	l.rows++
	if l.stmt == nil {
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return err
	}
	if len(raw) != len(l.columns) {
		return fmt.Errorf("%d values, want %d", len(raw), len(l.columns))
	}
	args := make([]any, len(raw))
	for i, r := range raw {
		v, err := decodeValue(r)
		if err != nil {
			return fmt.Errorf("column %s: %w", l.columns[i], err)
		}
		args[i] = v
	}
	_, err := l.stmt.ExecContext(ctx, args...)
	return err
}

func (l *tableLoader) close(ctx context.Context, tx *Tx) error {
	if l.stmt == nil {
		return nil
	}
	l.stmt.Close()
	if tx.Engine == Postgres {
		return resetIdentity(ctx, tx, l.table, l.columns)
	}
	return nil
}

func decodeValue(r json.RawMessage) (any, error) {
	s := strings.TrimSpace(string(r))
	switch {
	case s == "null":
		return nil, nil
	case s == "true" || s == "false":
		return s == "true", nil
	case strings.HasPrefix(s, `"`):
		var v string
		err := json.Unmarshal(r, &v)
		return v, err
	case strings.HasPrefix(s, `{`):
		var b struct {
			B64 string `json:"b64"`
		}
		if err := json.Unmarshal(r, &b); err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(b.B64)
	default:
		var n json.Number
		if err := json.Unmarshal(r, &n); err != nil {
			return nil, err
		}
		return n.Int64()
	}
}

func resetIdentity(ctx context.Context, tx *Tx, table string, cols []string) error {
	for _, c := range cols {
		var seq sql.NullString
		if err := tx.SQL.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, $2)`, table, c).Scan(&seq); err != nil {
			return err
		}
		if seq.Valid {
			if _, err := tx.SQL.ExecContext(ctx, `SELECT setval($1, COALESCE((SELECT MAX(`+quoteIdent(c)+`) FROM `+quoteIdent(table)+`), 0) + 1, false)`, seq.String); err != nil {
				return err
			}
		}
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
