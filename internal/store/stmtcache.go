package store

import (
	"container/list"
	"context"
	"database/sql/driver"
)

// SQLite's driver prepares every statement it is given afresh and finalizes it after use;
// under a teller's load that re-parsing was about a tenth of the server's CPU. A connection of
// the sealing layer therefore keeps its most recent prepared statements (pgx keeps its own
// cache on PostgreSQL, so it gets none) and runs a statement it has seen through them.
//
// A cached statement serves one caller at a time: a query whose rows are still open (a loop
// inside a transaction that queries again) keeps its statement busy, and the same text asked
// for meanwhile is prepared and finalized on its own as before.

// stmtCacheSize bounds the statements kept per connection. wiis issues a few hundred distinct
// statement texts; texts built with a varying number of placeholders make more, and the least
// recently used are finalized.
const stmtCacheSize = 256

// maxCachedQuery is the longest statement text cached: long texts are multi-row inserts of
// bulk work, prepared once per batch anyway.
const maxCachedQuery = 4096

type cachedStmt struct {
	st    driver.Stmt
	query string
	busy  bool
	elem  *list.Element
}

// stmtCache is one connection's statements by text, most recently used first. database/sql
// hands a connection to one goroutine at a time, so it needs no lock.
type stmtCache struct {
	conn   driver.ConnPrepareContext // the driver's connection, which prepares
	byText map[string]*cachedStmt
	lru    list.List
}

func newStmtCache(conn driver.ConnPrepareContext) *stmtCache {
	return &stmtCache{conn: conn, byText: map[string]*cachedStmt{}}
}

// take returns a prepared statement for query marked busy, preparing and caching it if
// needed; ok is false when the text is not cached and should run the ordinary way.
func (sc *stmtCache) take(ctx context.Context, query string) (cs *cachedStmt, ok bool, err error) {
	if len(query) > maxCachedQuery {
		return nil, false, nil
	}
	if cs := sc.byText[query]; cs != nil {
		if cs.busy {
			return nil, false, nil
		}
		sc.lru.MoveToFront(cs.elem)
		cs.busy = true
		return cs, true, nil
	}
	st, err := sc.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	cs = &cachedStmt{st: st, query: query, busy: true}
	cs.elem = sc.lru.PushFront(cs)
	sc.byText[query] = cs
	sc.evict()
	return cs, true, nil
}

// evict finalizes the least recently used idle statements beyond the bound.
func (sc *stmtCache) evict() {
	for e := sc.lru.Back(); e != nil && sc.lru.Len() > stmtCacheSize; {
		prev := e.Prev()
		if cs := e.Value.(*cachedStmt); !cs.busy {
			sc.lru.Remove(e)
			delete(sc.byText, cs.query)
			cs.st.Close()
		}
		e = prev
	}
}

// release makes a statement available again once its rows are closed.
func (sc *stmtCache) release(cs *cachedStmt) {
	cs.busy = false
	if sc.lru.Len() > stmtCacheSize {
		sc.evict()
	}
}

// close finalizes every cached statement; the connection is closing.
func (sc *stmtCache) close() {
	for _, cs := range sc.byText {
		cs.st.Close()
	}
	sc.byText = map[string]*cachedStmt{}
	sc.lru.Init()
}

// execCached runs an exec through the cache; ok is false when it should run the ordinary way.
func (sc *stmtCache) execCached(ctx context.Context, query string, args []driver.NamedValue) (res driver.Result, ok bool, err error) {
	cs, ok, err := sc.take(ctx, query)
	if !ok || err != nil {
		return nil, ok, err
	}
	defer sc.release(cs)
	e, isCtx := cs.st.(driver.StmtExecContext)
	if !isCtx {
		return nil, false, nil
	}
	res, err = e.ExecContext(ctx, args)
	return res, true, err
}

// queryCached runs a query through the cache; the statement stays busy until the rows are
// closed (release is called by the rows' wrapper). ok is false when it should run the
// ordinary way.
func (sc *stmtCache) queryCached(ctx context.Context, query string, args []driver.NamedValue) (rows driver.Rows, release func(), ok bool, err error) {
	cs, ok, err := sc.take(ctx, query)
	if !ok || err != nil {
		return nil, nil, ok, err
	}
	q, isCtx := cs.st.(driver.StmtQueryContext)
	if !isCtx {
		sc.release(cs)
		return nil, nil, false, nil
	}
	rows, err = q.QueryContext(ctx, args)
	if err != nil {
		sc.release(cs)
		return nil, nil, true, err
	}
	return rows, func() { sc.release(cs) }, true, nil
}
