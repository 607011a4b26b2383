package store

import (
	"context"
	"sync"
	"time"
)

// Reference data — the service catalogue, policy parameters — is read by nearly every page and
// changed a few times a year, by an administrator. Reading it from the database on every
// request was a round trip or two per page on PostgreSQL (docs/scaling.md), so a node keeps
// what it read for ReferenceTTL. A change made through this node is seen at once (the write
// marks its table changed, and the node forgets what it kept of that table when the change
// commits); a change made through another node is seen within ReferenceTTL. Values are only
// kept for reads outside a transaction: a transaction always reads the database, so it sees
// its own writes and reads what it locks.

// ReferenceTTL is how long a node keeps reference data it read.
const ReferenceTTL = 10 * time.Second

// maxMemo bounds the entries a node keeps; the reference data of a province is a few hundred.
const maxMemo = 4096

type memoKey struct{ table, key string }

type memoEntry struct {
	at  time.Time
	val any
}

// memo is one DB's kept reference data.
type memo struct {
	mu      sync.Mutex
	entries map[memoKey]memoEntry
	changes map[string]uint64 // per table, how many times it was marked changed
}

// Remember returns what load reads of table for key: through q when q is a transaction,
// otherwise from what the node kept, read again when it is older than ReferenceTTL or table
// has changed since. T must not be changed by the caller (a slice or map is shared).
func Remember[T any](ctx context.Context, q Querier, table, key string, load func(context.Context, Querier) (T, error)) (T, error) {
	db, ok := q.(*DB)
	if !ok {
		return load(ctx, q)
	}
	k := memoKey{table, key}
	now := time.Now()
	db.memo.mu.Lock()
	e, found := db.memo.entries[k]
	gen := db.memo.changes[table]
	db.memo.mu.Unlock()
	if found && now.Sub(e.at) < ReferenceTTL {
		return e.val.(T), nil
	}
	v, err := load(ctx, db)
	if err != nil {
		return v, err
	}
	db.memo.mu.Lock()
	defer db.memo.mu.Unlock()
	// A change committed while load ran may not be in v: keep v only if there was none.
	if db.memo.changes[table] == gen {
		if db.memo.entries == nil || len(db.memo.entries) >= maxMemo {
			// Keys can come from input (a region code in a URL): a node keeps a bounded
			// number, starting again when full rather than growing without end.
			db.memo.entries = map[memoKey]memoEntry{}
		}
		db.memo.entries[k] = memoEntry{at: now, val: v}
	}
	return v, nil
}

// Changed tells the node that table was written outside a transaction (or that its rows were
// replaced wholesale, as a restore does): what it kept of table is read again.
func (db *DB) Changed(table string) {
	db.memo.mu.Lock()
	defer db.memo.mu.Unlock()
	if db.memo.changes == nil {
		db.memo.changes = map[string]uint64{}
	}
	db.memo.changes[table]++
	for k := range db.memo.entries {
		if k.table == table {
			delete(db.memo.entries, k)
		}
	}
}

// Changed marks table as written by the transaction: when it commits, the node forgets what
// it kept of table (Remember).
func (tx *Tx) Changed(table string) { tx.changed = append(tx.changed, table) }
