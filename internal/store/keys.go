package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"wiis/internal/seal"
)

// DefaultKeyFile is where the key-encryption key lives when neither WIIS_KEK nor
// WIIS_KEY_FILE is set: in the service user's configuration directory, apart from the data,
// so a copy of the database file (or a backup) alone does not carry the key.
func DefaultKeyFile() string {
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "wiis", "master.key")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".wiis", "master.key")
	}
	return "" // no home: LoadKEK asks for WIIS_KEK or WIIS_KEY_FILE
}

// SecretColumns are the columns whose whole value is sealed as a seal.Secret: values of no
// recognisable shape (bank accounts, phone numbers), so they are found by column name when
// stored values are resealed.
var SecretColumns = []string{"bank_account", "phone"}

// DataKeyInfo describes one stored data key.
type DataKeyInfo struct {
	ID        int
	State     string
	CreatedAt string
}

// LoadKeys opens the database's data keys with kek and starts sealing. A database without
// keys gets its first one, and any personal identifiers already stored in clear (a database
// upgraded from before encryption) are sealed in the same transaction.
func (db *DB) LoadKeys(ctx context.Context, kek *seal.KEK) error {
	ctx = Raw(ctx)
	err := db.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM data_keys`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		ring, err := newKey(ctx, tx, kek, 1)
		if err != nil {
			return err
		}
		if _, err = db.reseal(ctx, tx, ring); err != nil {
			return err
		}
		return db.sealBlobs(ctx, tx, ring)
	})
	if err != nil && !IsUniqueViolation(err) { // another process made the first key
		return fmt.Errorf("store: data keys: %w", err)
	}
	ring, err := db.readKeys(ctx, db, kek)
	if err != nil {
		return err
	}
	db.sealer.ring.Store(ring)
	db.kek = kek
	return nil
}

// newKey stores a fresh data key with id as the active one and returns a keyring holding it.
func newKey(ctx context.Context, tx *Tx, kek *seal.KEK, id int) (*seal.Keyring, error) {
	raw := seal.NewDataKeyBytes()
	if _, err := tx.Exec(ctx, `INSERT INTO data_keys (id, wrapped, state, created_at) VALUES (?, ?, 'active', ?)`,
		id, kek.Wrap(id, raw), time.Now().UTC().Format("2006-01-02T15:04:05Z")); err != nil {
		return nil, err
	}
	k, err := seal.NewDataKey(id, raw)
	if err != nil {
		return nil, err
	}
	return seal.NewKeyring(id, []*seal.DataKey{k})
}

// storedKey is a data key as stored, unwrapped.
type storedKey struct {
	id     int
	raw    []byte
	active bool
}

// unwrapKeys reads every stored data key and unwraps it with kek.
func unwrapKeys(ctx context.Context, q Querier, kek *seal.KEK) ([]storedKey, error) {
	rows, err := q.Query(Raw(ctx), `SELECT id, wrapped, state FROM data_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: data keys: %w", err)
	}
	defer rows.Close()
	var out []storedKey
	for rows.Next() {
		var k storedKey
		var wrapped []byte
		var state string
		if err := rows.Scan(&k.id, &wrapped, &state); err != nil {
			return nil, err
		}
		if k.raw, err = kek.Unwrap(k.id, wrapped); err != nil {
			return nil, fmt.Errorf("store: data key %d (key-encryption key from %s): %w", k.id, kek.Source, err)
		}
		k.active = state == "active"
		out = append(out, k)
	}
	return out, rows.Err()
}

func (db *DB) readKeys(ctx context.Context, q Querier, kek *seal.KEK) (*seal.Keyring, error) {
	stored, err := unwrapKeys(ctx, q, kek)
	if err != nil {
		return nil, err
	}
	var keys []*seal.DataKey
	active := 0
	for _, sk := range stored {
		k, err := seal.NewDataKey(sk.id, sk.raw)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
		if sk.active {
			active = sk.id
		}
	}
	return seal.NewKeyring(active, keys)
}

// DataKeys lists the stored data keys.
func (db *DB) DataKeys(ctx context.Context) ([]DataKeyInfo, error) {
	rows, err := db.Query(Raw(ctx), `SELECT id, state, created_at FROM data_keys ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DataKeyInfo
	for rows.Next() {
		var k DataKeyInfo
		if err := rows.Scan(&k.ID, &k.State, &k.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// KEKSource says where the loaded key-encryption key came from ("" before LoadKeys).
func (db *DB) KEKSource() string {
	if db.kek == nil {
		return ""
	}
	return db.kek.Source
}

// RewrapKeys re-encrypts every data key under newKEK in one transaction: the rotation of the
// envelope key. No data is touched; the old KEK stops working the moment this commits, so the
// caller installs the new one (environment or key file) for every node before restarting.
func (db *DB) RewrapKeys(ctx context.Context, newKEK *seal.KEK) (int, error) {
	if db.kek == nil {
		return 0, errNoKeys
	}
	ctx = Raw(ctx)
	n := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		all, err := unwrapKeys(ctx, tx, db.kek)
		if err != nil {
			return err
		}
		for _, k := range all {
			if _, err := tx.Exec(ctx, `UPDATE data_keys SET wrapped = ? WHERE id = ?`, newKEK.Wrap(k.id, k.raw), k.id); err != nil {
				return err
			}
		}
		n = len(all)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: rewrap data keys: %w", err)
	}
	db.kek = newKEK
	return n, nil
}

// RotateDataKey makes a new active data key and reseals every stored personal identifier
// with it, all in one transaction, so equal values never sit under two keys (equality on
// the ciphertext is what lookups rely on). It is maintenance work: stop the other wiis
// processes first, since a process still holding the old key would seal new writes with it.
// Old keys stay, retired, so anything not resealed (nothing, normally) still opens.
func (db *DB) RotateDataKey(ctx context.Context) (ResealReport, error) {
	if db.kek == nil {
		return ResealReport{}, errNoKeys
	}
	ctx = Raw(ctx)
	var rep ResealReport
	var ring *seal.Keyring
	err := db.InTx(ctx, func(tx *Tx) error {
		var next int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM data_keys`).Scan(&next); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE data_keys SET state = 'retired' WHERE state = 'active'`); err != nil {
			return err
		}
		if _, err := newKey(ctx, tx, db.kek, next); err != nil {
			return err
		}
		var err error
		if ring, err = db.readKeys(ctx, tx, db.kek); err != nil {
			return err
		}
		rep, err = db.reseal(ctx, tx, ring)
		rep.NewKey = next
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("store: rotate data key: %w", err)
	}
	db.sealer.ring.Store(ring)
	return rep, nil
}

// ResealReport counts what a reseal changed.
type ResealReport struct {
	NewKey int            // the new active data key (rotation only)
	Values map[string]int // table.column → distinct values resealed
}

// reseal rewrites every text value that holds a token or a clear identifier, table by table,
// through a temporary old→new map joined in SQL (one statement per column, not one per row).
func (db *DB) reseal(ctx context.Context, tx *Tx, ring *seal.Keyring) (ResealReport, error) {
	rep := ResealReport{Values: map[string]int{}}
	tables, err := db.Tables(ctx)
	if err != nil {
		return rep, err
	}
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE reseal_map (old_value TEXT PRIMARY KEY, new_value TEXT NOT NULL)`); err != nil {
		return rep, err
	}
	defer tx.Exec(ctx, `DROP TABLE reseal_map`)
	for _, t := range tables {
		if t == "data_keys" || t == "sqlite_sequence" {
			continue
		}
		cols, err := db.textColumns(ctx, tx, t)
		if err != nil {
			return rep, err
		}
		for _, c := range cols {
			n, err := resealColumn(ctx, tx, ring, t, c, slices.Contains(SecretColumns, c))
			if err != nil {
				return rep, fmt.Errorf("%s.%s: %w", t, c, err)
			}
			if n > 0 {
				rep.Values[t+"."+c] = n
			}
		}
	}
	return rep, nil
}

func resealColumn(ctx context.Context, tx *Tx, ring *seal.Keyring, table, col string, secret bool) (int, error) {
	qt, qc := quoteIdent(table), quoteIdent(col)
	rows, err := tx.Query(ctx, `SELECT DISTINCT `+qc+` FROM `+qt+` WHERE `+qc+` IS NOT NULL AND `+qc+` <> ''`)
	if err != nil {
		return 0, err
	}
	var pairs [][2]string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return 0, err
		}
		if nv := ring.Reseal(v, secret); nv != v {
			pairs = append(pairs, [2]string{v, nv})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(pairs) == 0 {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM reseal_map`); err != nil {
		return 0, err
	}
	const batch = 500
	for i := 0; i < len(pairs); i += batch {
		chunk := pairs[i:min(i+batch, len(pairs))]
		args := make([]any, 0, 2*len(chunk))
		marks := make([]string, len(chunk))
		for j, p := range chunk {
			args = append(args, p[0], p[1])
			marks[j] = "(?, ?)"
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reseal_map (old_value, new_value) VALUES `+strings.Join(marks, ", "), args...); err != nil {
			return 0, err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE `+qt+` SET `+qc+` = (SELECT m.new_value FROM reseal_map m WHERE m.old_value = `+qt+`.`+qc+`)
		WHERE `+qc+` IN (SELECT old_value FROM reseal_map)`)
	return len(pairs), err
}

// sealBlobs seals the file contents stored in clear (a database from before encryption), row
// by row, since files are large. Blobs need no resealing on rotation: they are never compared,
// and the retired key that sealed them stays to open them.
func (db *DB) sealBlobs(ctx context.Context, tx *Tx, ring *seal.Keyring) error {
	tables, err := db.Tables(ctx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if t == "data_keys" {
			continue
		}
		cols, err := db.blobColumns(ctx, tx, t)
		if err != nil {
			return err
		}
		for _, c := range cols {
			qt, qc := quoteIdent(t), quoteIdent(c)
			ids, err := IDs(ctx, tx, `SELECT id FROM `+qt+` WHERE `+qc+` IS NOT NULL`)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", t, c, err)
			}
			for _, id := range ids {
				var b []byte
				if err := tx.QueryRow(ctx, `SELECT `+qc+` FROM `+qt+` WHERE id = ?`, id).Scan(&b); err != nil {
					return err
				}
				if seal.IsSealedBlob(b) {
					continue
				}
				if _, err := tx.Exec(ctx, `UPDATE `+qt+` SET `+qc+` = ? WHERE id = ?`, ring.SealBlob(b), id); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// textColumns lists table's text columns.
func (db *DB) textColumns(ctx context.Context, q Querier, table string) ([]string, error) {
	if db.Engine == SQLite {
		return db.columns(ctx, q, `SELECT name FROM pragma_table_info(?) WHERE upper(type) LIKE '%TEXT%' OR upper(type) LIKE '%CHAR%' ORDER BY cid`, table)
	}
	return db.columns(ctx, q, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
			AND data_type IN ('text', 'character varying', 'character') ORDER BY ordinal_position`, table)
}

// blobColumns lists table's binary columns.
func (db *DB) blobColumns(ctx context.Context, q Querier, table string) ([]string, error) {
	if db.Engine == SQLite {
		return db.columns(ctx, q, `SELECT name FROM pragma_table_info(?) WHERE upper(type) = 'BLOB' ORDER BY cid`, table)
	}
	return db.columns(ctx, q, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
			AND data_type = 'bytea' ORDER BY ordinal_position`, table)
}

func (db *DB) columns(ctx context.Context, q Querier, query, table string) ([]string, error) {
	rows, err := q.Query(ctx, query, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClearFinding is a stored value that should be sealed and is not.
type ClearFinding struct {
	Table, Column string
	Rows          int
}

// FindClear scans every text column as stored for personal identifiers in clear: ID numbers
// anywhere, and non-empty secret columns not sealed. An empty answer is the at-rest proof the
// tests and `wiis keys check` give.
func (db *DB) FindClear(ctx context.Context) ([]ClearFinding, error) {
	ring := db.keyring()
	if ring == nil {
		return nil, errNoKeys
	}
	ctx = Raw(ctx)
	tables, err := db.Tables(ctx)
	if err != nil {
		return nil, err
	}
	var out []ClearFinding
	for _, t := range tables {
		cols, err := db.textColumns(ctx, db, t)
		if err != nil {
			return nil, err
		}
		for _, c := range cols {
			n, err := countClear(ctx, db, ring, t, c, slices.Contains(SecretColumns, c))
			if err != nil {
				return nil, err
			}
			if n > 0 {
				out = append(out, ClearFinding{Table: t, Column: c, Rows: n})
			}
		}
		if t == "data_keys" {
			continue
		}
		blobs, err := db.blobColumns(ctx, db, t)
		if err != nil {
			return nil, err
		}
		for _, c := range blobs {
			n, err := countClearBlobs(ctx, db, t, c)
			if err != nil {
				return nil, err
			}
			if n > 0 {
				out = append(out, ClearFinding{Table: t, Column: c, Rows: n})
			}
		}
	}
	return out, nil
}

func countClearBlobs(ctx context.Context, db *DB, table, col string) (int, error) {
	qc := quoteIdent(col)
	rows, err := db.Query(ctx, `SELECT `+qc+` FROM `+quoteIdent(table)+` WHERE `+qc+` IS NOT NULL`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return 0, err
		}
		if !seal.IsSealedBlob(b) {
			n++
		}
	}
	return n, rows.Err()
}

func countClear(ctx context.Context, db *DB, ring *seal.Keyring, table, col string, secret bool) (int, error) {
	qc := quoteIdent(col)
	rows, err := db.Query(ctx, `SELECT `+qc+` FROM `+quoteIdent(table)+` WHERE `+qc+` IS NOT NULL AND `+qc+` <> ''`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
		if secret && seal.KeyID(v.String) == 0 || !secret && ring.SealText(v.String) != v.String {
			n++
		}
	}
	return n, rows.Err()
}
