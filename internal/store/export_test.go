package store

import "context"

// CachedStatements reports how many prepared statements one pooled connection of db keeps
// (-1 when its connections keep none), for the statement-cache tests.
func CachedStatements(ctx context.Context, db *DB) (int, error) {
	c, err := db.SQL.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	n := -1
	err = c.Raw(func(dc any) error {
		if sc, ok := dc.(*sealedConn); ok && sc.stmts != nil {
			n = sc.stmts.lru.Len()
		}
		return nil
	})
	return n, err
}

// StmtCacheSize is the bound on cached statements per connection.
const StmtCacheSize = stmtCacheSize
