package store

// Prefix searches by name need an index whose order is the byte order of the UTF-8 text
// (which is code-point order): a range `name >= 'x' AND name < 'y'` then reads only the
// matching entries, already sorted. SQLite compares text that way (BINARY) by default;
// PostgreSQL compares by the database's collation (en_US.UTF-8 and the like), whose order
// neither serves such a range nor LIKE 'x%' from a plain btree. So the name indexes and the
// queries that use them say the collation explicitly: "C" on PostgreSQL, BINARY on SQLite.

// CollateC is the collation clause that orders text by code point on e.
func CollateC(e Engine) string {
	if e == Postgres {
		return `COLLATE "C"`
	}
	return "COLLATE BINARY"
}

// EngineOf is the engine behind a DB or a Tx, for the few queries whose text differs by
// engine (CollateC).
func EngineOf(q Querier) Engine {
	switch v := q.(type) {
	case *DB:
		return v.Engine
	case *Tx:
		return v.Engine
	}
	return SQLite
}

// Contains is the condition "col holds the next argument as a substring" on e, by the plain
// substring function of each engine (instr, strpos): LIKE '%x%' does the same work with
// pattern matching and case folding, at three times the cost on SQLite.
func Contains(e Engine, col string) string {
	if e == Postgres {
		return "strpos(" + col + ", ?) > 0"
	}
	return "instr(" + col + ", ?) > 0"
}
