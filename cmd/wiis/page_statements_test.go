package main

import (
	"context"
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webload"
)

// statementBudget is the most database statements each request of the load test's teller mix
// may run once the node's reference data is read (docs/scaling.md, "What the load test
// says"): on PostgreSQL every statement is a round trip to another process, and the count
// was the largest part of a page's cost there. A change that adds a query to one of these
// pages must either fit the budget or raise it here, knowingly.
//
// The person views count the audit record's writing as their own; under load, views arriving
// together share it (audit.Group). On PostgreSQL it is one statement once the node knows the
// chain's tail; on SQLite a transaction of four (BEGIN, the tail, the INSERT, COMMIT).
//
// The person is the same on every run (webload picks persons in the order of their clear
// numbers; until session 7 it took the sealed order, which changes with the data key, so the
// person, and the count, changed from run to run). It is a payroll beneficiary: the counter
// page's certification panel reads the person's region, position and last certification,
// two statements more than for a person without an entitlement.
var statementBudget = map[store.Engine]map[string]int64{
	store.Postgres: {
		"/":                         1, // the session and its user; the region's name is kept
		"/account":                  2,
		"/api/v1/me":                1,
		"/api/v1/search?q={q}":      4,
		"/counter?q={q}":            6,
		"/api/v1/persons/{person}":  8,
		"/counter/persons/{person}": 12,
	},
	store.SQLite: {
		"/":                         1,
		"/account":                  2,
		"/api/v1/me":                1,
		"/api/v1/search?q={q}":      4,
		"/counter?q={q}":            6,
		"/api/v1/persons/{person}":  11,
		"/counter/persons/{person}": 15,
	},
}

// Every request of the teller mix stays within its statement budget, on both engines.
func TestTellerPagesStayWithinTheirStatementBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rs, err := webload.Statements(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) < 7 {
			t.Fatalf("the teller mix has %d requests, want the 7 of the load test: %+v", len(rs), rs)
		}
		for _, r := range rs {
			t.Logf("%-28s %3d statements  (%s)", r.Path, r.Statements, r.Target)
			budget, ok := statementBudget[db.Engine][r.Path]
			if !ok {
				t.Errorf("%s: no statement budget", r.Path)
				continue
			}
			if r.Statements > budget {
				t.Errorf("%s runs %d statements, budget %d", r.Target, r.Statements, budget)
			}
		}
	})
}
