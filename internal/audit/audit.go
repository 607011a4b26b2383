// Package audit is the append-only, hash-chained audit log of security.md: every change of
// state (who, when, from where, what, before and after) is appended in the same transaction
// as the change, each record carries the hash of the previous one, and Verify walks the chain
// and names the first record that does not match. Nothing in wiis updates or deletes rows of
// audit_log.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"wiis/internal/store"
)

// TimeLayout is the stored form of every instant (UTC, second precision), as in
// migrations/README.md.
const TimeLayout = "2006-01-02T15:04:05Z"

// FormatTime renders t in the stored form.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a stored instant.
func ParseTime(s string) (time.Time, error) { return time.Parse(TimeLayout, s) }

// Genesis is the prev_hash of the first record.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// advisoryKey is the PostgreSQL advisory lock that serialises appends ("wiisaud" in ASCII).
const advisoryKey = 0x77696973617564

// Actor says who did something and from where; every audited function takes one.
type Actor struct {
	Username   string // "cli:NAME" for the command line, "system" for jobs
	RemoteAddr string
}

// Record is one audit entry. Before and After are any JSON-encodable values (nil for none);
// they must not hold secrets such as password hashes.
type Record struct {
	Seq        int64
	At         time.Time
	Actor      string
	RemoteAddr string
	Action     string // verb, e.g. "user.create", "login.failed"
	Entity     string // table or kind, e.g. "user"
	EntityID   string
	Before     any
	After      any
	// Read back from storage.
	BeforeJSON, AfterJSON string
	PrevHash, Hash        string
}

// By fills the actor fields of r from a.
func (r Record) By(a Actor) Record {
	r.Actor, r.RemoteAddr = a.Username, a.RemoteAddr
	return r
}

// Now is the clock of Append; tests replace it.
var Now = time.Now

// Append writes r as the next link of the chain inside tx, so the record commits or rolls back
// with the change it describes. Appends serialise on the chain tail: SQLite's immediate
// transactions already hold the write lock; on PostgreSQL a transaction-scoped advisory lock
// is taken. It returns the new record's seq.
func Append(ctx context.Context, tx *store.Tx, r Record) (int64, error) {
	seqs, _, err := appendAll(ctx, tx, []Record{r})
	if err != nil {
		return 0, err
	}
	return seqs[0], nil
}

// appendAll writes rs as the next links of the chain inside tx, taking the chain's lock and
// reading its tail once for all of them; it returns their seqs and the new tail's hash.
func appendAll(ctx context.Context, tx *store.Tx, rs []Record) ([]int64, string, error) {
	if tx.Engine == store.Postgres {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(advisoryKey)); err != nil {
			return nil, "", fmt.Errorf("audit: lock chain: %w", err)
		}
	}
	prev := Genesis
	err := tx.QueryRow(ctx, `SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("audit: read chain tail: %w", err)
	}
	values, args, tail, err := links(prev, rs)
	if err != nil {
		return nil, "", err
	}
	seqs, err := insert(ctx, tx, `INSERT INTO audit_log (`+linkCols+`) VALUES `+values+` RETURNING seq`, args, len(rs))
	return seqs, tail, err
}

// appendAfter writes rs as the next links after tail — the chain's tail when this node last
// wrote, so without reading it — in one statement, which takes the chain's lock too (so it
// waits for a transaction appending meanwhile rather than making that one fail). When tail
// is no longer the chain's tail, the unique index on prev_hash refuses the statement
// (store.IsUniqueViolation) and nothing is written. PostgreSQL only: the statement's own
// transaction holds the lock until it commits.
func appendAfter(ctx context.Context, db *store.DB, tail string, rs []Record) ([]int64, string, error) {
	values, args, last, err := links(tail, rs)
	if err != nil {
		return nil, "", err
	}
	args = append([]any{int64(advisoryKey)}, args...)
	seqs, err := insert(ctx, db, `INSERT INTO audit_log (`+linkCols+`) SELECT v.* FROM
		(SELECT pg_advisory_xact_lock(?)) l CROSS JOIN (VALUES `+values+`) v (`+linkCols+`) RETURNING seq`, args, len(rs))
	return seqs, last, err
}

const linkCols = `at, actor, remote_addr, action, entity, entity_id, before_json, after_json, prev_hash, hash`

// links builds the VALUES rows of rs chained after prev, with their arguments and the hash
// of the last. One INSERT of every record: a batch of reads' records costs one round trip,
// not one each. Rows take their seq in the order of the VALUES list on both engines, which
// is the order of the chain.
func links(prev string, rs []Record) (values string, args []any, last string, err error) {
	var sb strings.Builder
	args = make([]any, 0, 10*len(rs))
	for i, r := range rs {
		if r.Action == "" || r.Entity == "" || r.Actor == "" {
			return "", nil, "", errors.New("audit: a record needs an actor, an action and an entity")
		}
		before, err := encode(r.Before)
		if err != nil {
			return "", nil, "", fmt.Errorf("audit: before: %w", err)
		}
		after, err := encode(r.After)
		if err != nil {
			return "", nil, "", fmt.Errorf("audit: after: %w", err)
		}
		at := r.At
		if at.IsZero() {
			at = Now()
		}
		stored := Record{At: at, Actor: r.Actor, RemoteAddr: r.RemoteAddr, Action: r.Action,
			Entity: r.Entity, EntityID: r.EntityID, BeforeJSON: before, AfterJSON: after, PrevHash: prev}
		stored.Hash = stored.computeHash()
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, FormatTime(at), stored.Actor, stored.RemoteAddr, stored.Action, stored.Entity, stored.EntityID,
			before, after, prev, stored.Hash)
		prev = stored.Hash
	}
	return sb.String(), args, prev, nil
}

// insert runs an INSERT … RETURNING seq of n records and returns their seqs in order.
func insert(ctx context.Context, q store.Querier, query string, args []any, n int) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: append: %w", err)
	}
	defer rows.Close()
	var seqs []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, fmt.Errorf("audit: append: %w", err)
		}
		seqs = append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: append: %w", err)
	}
	if len(seqs) != n {
		return nil, fmt.Errorf("audit: append: %d of %d records stored", len(seqs), n)
	}
	slices.Sort(seqs)
	return seqs, nil
}

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// computeHash is sha256 over the previous hash and the canonical fields: a JSON array of
// strings, so no field boundary can be shifted into another.
func (r Record) computeHash() string {
	canon, _ := json.Marshal([]string{r.PrevHash, FormatTime(r.At), r.Actor, r.RemoteAddr,
		r.Action, r.Entity, r.EntityID, r.BeforeJSON, r.AfterJSON})
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// Result is what Verify found.
type Result struct {
	Records   int64  // records checked
	BrokenSeq int64  // 0 when the chain is intact
	Reason    string // why BrokenSeq is broken
}

// OK reports whether the chain is intact.
func (r Result) OK() bool { return r.BrokenSeq == 0 }

// Verify walks the whole chain in seq order and stops at the first record whose prev_hash is
// not its predecessor's hash or whose hash does not match its content.
func Verify(ctx context.Context, db *store.DB) (Result, error) {
	rows, err := db.Query(ctx, `SELECT seq, at, actor, remote_addr, action, entity, entity_id,
		before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return Result{}, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	var res Result
	prev := Genesis
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return res, fmt.Errorf("audit: verify: %w", err)
		}
		res.Records++
		switch {
		case r.PrevHash != prev:
			res.BrokenSeq, res.Reason = r.Seq, "prev_hash does not match the previous record (a record was removed or altered)"
		case r.computeHash() != r.Hash:
			res.BrokenSeq, res.Reason = r.Seq, "hash does not match the record's content (the record was altered)"
		}
		if res.BrokenSeq != 0 {
			return res, nil
		}
		prev = r.Hash
	}
	return res, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (Record, error) {
	var r Record
	var at string
	err := s.Scan(&r.Seq, &at, &r.Actor, &r.RemoteAddr, &r.Action, &r.Entity, &r.EntityID,
		&r.BeforeJSON, &r.AfterJSON, &r.PrevHash, &r.Hash)
	if err != nil {
		return r, err
	}
	r.At, err = ParseTime(at)
	return r, err
}

// Filter selects records for List; zero fields match everything.
type Filter struct {
	Actor     string
	Entity    string
	EntityID  string
	Action    string
	BeforeSeq int64 // page backwards: records with seq below this
	Limit     int
}

// List returns records newest first, for the auditor's pages.
func List(ctx context.Context, q store.Querier, f Filter) ([]Record, error) {
	where, args := "1=1", []any{}
	add := func(cond string, v any) { where += " AND " + cond; args = append(args, v) }
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id = ?", f.EntityID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.BeforeSeq > 0 {
		add("seq < ?", f.BeforeSeq)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	args = append(args, f.Limit)
	rows, err := q.Query(ctx, `SELECT seq, at, actor, remote_addr, action, entity, entity_id,
		before_json, after_json, prev_hash, hash FROM audit_log WHERE `+where+` ORDER BY seq DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
