package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := audit.Append(ctx, tx, audit.Record{Actor: "alice", RemoteAddr: "127.0.0.1",
				Action: "thing.update", Entity: "thing", EntityID: "7",
				Before: map[string]int{"n": i}, After: map[string]int{"n": i + 1}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditVerifyNamesTheFirstAlteredRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 5)
		res, err := audit.Verify(ctx, db)
		if err != nil || !res.OK() || res.Records != 5 {
			t.Fatalf("intact chain: %+v, %v", res, err)
		}
		var seq3 int64
		if err := db.QueryRow(ctx, `SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET 2`).Scan(&seq3); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE audit_log SET after_json = ? WHERE seq = ?`, `{"n":999}`, seq3); err != nil {
			t.Fatal(err)
		}
		res, err = audit.Verify(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() || res.BrokenSeq != seq3 {
			t.Fatalf("altered record %d: verify said %+v", seq3, res)
		}
	})
}

func TestAuditVerifyDetectsARemovedRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 4)
		var seqs []int64
		rows, err := db.Query(ctx, `SELECT seq FROM audit_log ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s int64
			rows.Scan(&s)
			seqs = append(seqs, s)
		}
		rows.Close()
		if _, err := db.Exec(ctx, `DELETE FROM audit_log WHERE seq = ?`, seqs[1]); err != nil {
			t.Fatal(err)
		}
		res, err := audit.Verify(ctx, db)
		if err != nil || res.BrokenSeq != seqs[2] {
			t.Fatalf("removed %d: verify said %+v, %v; want broken at %d", seqs[1], res, err, seqs[2])
		}
	})
}

func TestAuditConcurrentAppendsKeepOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() { defer wg.Done(); appendN(t, db, 10) }()
		}
		wg.Wait()
		res, err := audit.Verify(context.Background(), db)
		if err != nil || !res.OK() || res.Records != 40 {
			t.Fatalf("after concurrent appends: %+v, %v", res, err)
		}
	})
}

// Reads' records appended by many requests at once through a Group land on one unbroken
// chain, every one of them, and each Append returns only once its record is stored.
func TestGroupedReadRecordsKeepOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		g := &audit.Group{DB: db}
		var wg sync.WaitGroup
		for i := 0; i < 64; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; k < 5; k++ {
					id := fmt.Sprintf("p%d-%d", i, k)
					if err := g.Append(ctx, audit.Record{Actor: "teller", Action: "person.view", Entity: "person", EntityID: id}); err != nil {
						t.Error(err)
						return
					}
					var n int
					if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity_id = ?`, id).Scan(&n); err != nil || n != 1 {
						t.Errorf("record %s: %d stored, %v", id, n, err)
					}
				}
			}()
		}
		wg.Wait()
		res, err := audit.Verify(ctx, db)
		if err != nil || !res.OK() || res.Records != 320 {
			t.Fatalf("after grouped appends: %+v, %v", res, err)
		}
	})
}

// Grouped read records and changes' own records appended at the same time by two nodes (two
// Groups on one database) keep one chain: a group that wrote after a tail another writer has
// since moved is refused and writes the long way; nothing is lost, doubled or forked. Once a
// group knows the tail, a batch costs one statement on PostgreSQL.
func TestGroupsAndChangesAppendingTogetherKeepOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		nodes := []*audit.Group{{DB: db}, {DB: db}}
		view := func(g *audit.Group, id string) {
			if err := g.Append(ctx, audit.Record{Actor: "teller", Action: "person.view", Entity: "person", EntityID: id}); err != nil {
				t.Error(err)
			}
		}
		view(nodes[0], "first")
		cctx, n := store.CountStatements(ctx)
		if err := nodes[0].Append(cctx, audit.Record{Actor: "teller", Action: "person.view", Entity: "person", EntityID: "second"}); err != nil {
			t.Fatal(err)
		}
		if want := map[store.Engine]int64{store.Postgres: 1, store.SQLite: 4}[db.Engine]; n.Count() != want {
			t.Errorf("a batch after a known tail ran %d statements, want %d", n.Count(), want)
		}
		var wg sync.WaitGroup
		for i := 0; i < 32; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; k < 5; k++ {
					if i%4 == 0 { // a change's own record, in its transaction
						appendN(t, db, 1)
						continue
					}
					view(nodes[i%2], fmt.Sprintf("p%d-%d", i, k))
				}
			}()
		}
		wg.Wait()
		res, err := audit.Verify(ctx, db)
		if err != nil || !res.OK() || res.Records != 2+32*5 {
			t.Fatalf("after two nodes and changes appended together: %+v, %v", res, err)
		}
		var forks int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) - COUNT(DISTINCT prev_hash) FROM audit_log`).Scan(&forks); err != nil || forks != 0 {
			t.Fatalf("%d records share a previous hash (%v)", forks, err)
		}
	})
}

// The chain cannot fork: a second record naming the same previous hash is refused.
func TestTheChainCannotFork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 2)
		_, err := db.Exec(ctx, `INSERT INTO audit_log (at, actor, action, entity, prev_hash, hash)
			SELECT at, actor, action, entity, prev_hash, 'forged' FROM audit_log ORDER BY seq DESC LIMIT 1`)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("a record forking the chain: %v, want a unique violation", err)
		}
	})
}
