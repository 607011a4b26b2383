package store

import (
	"context"
	"sync/atomic"
)

// Statements counts the statements sent to the database on behalf of one unit of work (an
// HTTP request): on PostgreSQL each is a round trip to another process, and a page's count
// is what decides its cost there (docs/scaling.md). The web layer logs it per request and
// exports it per route, and tests hold the busiest pages to a budget, so a page that grows a
// query per row or an extra lookup shows up before it shows up in the load test.
type Statements struct {
	n      atomic.Int64
	parent *Statements // the counter of an enclosing scope, which counts these statements too
}

// Count is the number of statements sent so far: each query and each exec, and two for a
// transaction (its BEGIN and its COMMIT or ROLLBACK).
func (s *Statements) Count() int64 {
	if s == nil {
		return 0
	}
	return s.n.Load()
}

type statementsKey struct{}

// CountStatements returns ctx carrying a new counter for the statements run with it (or any
// context derived from it). A counter already in ctx goes on counting them too, so a test
// can count the statements of a request the server counts on its own.
func CountStatements(ctx context.Context) (context.Context, *Statements) {
	parent, _ := ctx.Value(statementsKey{}).(*Statements)
	s := &Statements{parent: parent}
	return context.WithValue(ctx, statementsKey{}, s), s
}

// countStatement adds n to ctx's counters, if it carries any.
func countStatement(ctx context.Context, n int64) {
	s, _ := ctx.Value(statementsKey{}).(*Statements)
	for ; s != nil; s = s.parent {
		s.n.Add(n)
	}
}
