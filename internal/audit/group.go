package audit

import (
	"context"
	"sync"

	"wiis/internal/store"
)

// Group appends the audit records of reads — a teller shown a person's full record and ID
// number (security.md: showing a full value is an audited action) — that arrive together from
// many requests in one transaction: group commit. A change of state still appends its record
// in its own transaction with Append (the record must commit with the change); a read has no
// transaction of its own, so its record need only be durable before the full value is shown,
// and that holds here too: Append returns only after the transaction holding the record has
// committed, and fails the request when it does not.
//
// Why: appends serialise on the chain's tail (the chain is one hash chain; on PostgreSQL an
// advisory lock, on SQLite the write lock), so one transaction per person view made every
// teller queue behind every other teller's commit, and on SQLite each commit also emptied
// every reader's page cache. Under load the requests waiting for the chain now share one lock,
// one tail read and one commit; with no load a record is written at once, alone.
//
// The first request to find no write under way becomes the writer; it writes what has
// queued, answers those requests, and hands the writer's role to the first request that
// queued meanwhile, so no request writes for longer than one batch.
type Group struct {
	DB *store.DB

	mu    sync.Mutex
	queue []*queued
	busy  bool
	tail  string // the chain's tail after this group's last write; only the writer uses it
}

type queued struct {
	r   Record
	res chan groupResult // buffered 1
}

type groupResult struct {
	err  error
	lead bool // take over as the writer
}

// maxGroup bounds one transaction, so the writer's own request is not kept long.
const maxGroup = 256

// Append writes r to the chain, in one transaction with whatever other reads' records are
// waiting, and returns once that transaction has committed.
func (g *Group) Append(ctx context.Context, r Record) error {
	q := &queued{r: r, res: make(chan groupResult, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, q)
	if g.busy {
		g.mu.Unlock()
		res := <-q.res
		if !res.lead {
			return res.err
		}
	} else {
		g.busy = true
		g.mu.Unlock()
	}
	// This request is the writer: write the queue (its own record is in it).
	g.mu.Lock()
	batch := g.queue[:min(len(g.queue), maxGroup)]
	g.queue = append([]*queued(nil), g.queue[len(batch):]...)
	g.mu.Unlock()
	recs := make([]Record, len(batch))
	for i, b := range batch {
		recs[i] = b.r
	}
	// The batch is other requests' too: the leader's cancellation must not lose their records.
	wctx := context.WithoutCancel(ctx)
	err := g.write(wctx, recs)
	for _, b := range batch {
		if b != q {
			b.res <- groupResult{err: err}
		}
	}
	g.mu.Lock()
	if len(g.queue) > 0 {
		next := g.queue[0]
		g.mu.Unlock()
		next.res <- groupResult{lead: true}
	} else {
		g.busy = false
		g.mu.Unlock()
	}
	return err
}

// write appends a batch. On PostgreSQL, once the group knows the chain's tail, a batch is one
// statement (appendAfter) instead of a transaction of five round trips (begin, lock, read the
// tail, insert, commit): under load the audited views waited on those round trips, behind
// the other processes on the same cores. When another writer — a change's own record, or
// another node — has moved the tail, the statement is refused and the batch is written the
// long way, which reads the tail again.
func (g *Group) write(ctx context.Context, recs []Record) error {
	if g.DB.Engine == store.Postgres && g.tail != "" {
		_, tail, err := appendAfter(ctx, g.DB, g.tail, recs)
		if err == nil {
			g.tail = tail
			return nil
		}
		g.tail = ""
		if !store.IsUniqueViolation(err) {
			return err
		}
	}
	var tail string
	err := g.DB.InTx(ctx, func(tx *store.Tx) (err error) {
		_, tail, err = appendAll(ctx, tx, recs)
		return err
	})
	if err == nil { // a tail that did not commit must never be linked to
		g.tail = tail
	}
	return err
}
