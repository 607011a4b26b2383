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

// CodePrefix is the condition "col begins with prefix" for columns of digit codes (GB/T 2260
// regions, offices, accounting units), with its arguments. For a prefix of digits it is a
// range, col >= '3415' AND col < '3416', which both engines answer from a plain index and
// which digit strings order alike under every collation; `col LIKE ?` instead reads every
// row on SQLite (its LIKE folds case, so no index serves it) and on PostgreSQL outside the "C"
// collation, and SQLite re-prepares a statement whose LIKE pattern is a parameter each time
// it runs. Any other prefix falls back to LIKE.
func CodePrefix(col, prefix string) (cond string, args []any) {
	if prefix == "" {
		return col + " >= ?", []any{""}
	}
	next := []byte(prefix)
	for i := len(next) - 1; i >= 0; i-- {
		if next[i] < '0' || next[i] > '9' {
			return col + " LIKE ?", []any{prefix + "%"}
		}
	}
	// The next code up: the last digit below 9 goes up by one and the 9s after it are cut
	// ("3419" → "342"); all 9s have nothing above them.
	i := len(next) - 1
	for i >= 0 && next[i] == '9' {
		i--
	}
	if i < 0 {
		return col + " >= ?", []any{prefix}
	}
	next[i]++
	return "(" + col + " >= ? AND " + col + " < ?)", []any{prefix, string(next[:i+1])}
}
