package demo_test

import (
	"context"
	"testing"

	"wiis/internal/demo"
	"wiis/internal/idcode"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// The load test's bulk persons: the demo city topped up to the size asked for, every ID
// number valid, every person enrolled, and a second call on the same database reuses them.
func TestSeedPersonsTopsUpTheCityOnceWithValidPersons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b, err := demo.SeedPersons(ctx, db, 7000)
		if err != nil {
			t.Fatal(err)
		}
		if b.Persons != 7000 || b.Added != 2000 || b.Events < 2000 || b.Claims == 0 || b.AlreadySeeded {
			t.Fatalf("first seeding: %+v", b)
		}
		rows, err := db.Query(ctx, `SELECT id_number, name FROM persons`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, name string
			rows.Scan(&id, &name)
			if err := idcode.ValidateID(id); err != nil || name == "" {
				t.Fatalf("person %q %q: %v", id, name, err)
			}
		}
		rows.Close()
		var unenrolled int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM enrollment_events e WHERE e.id_number = p.id_number)`).Scan(&unenrolled)
		if unenrolled != 0 {
			t.Fatalf("%d persons without enrollment", unenrolled)
		}
		again, err := demo.SeedPersons(ctx, db, 7000)
		if err != nil || !again.AlreadySeeded || again.Persons != 7000 {
			t.Fatalf("second seeding: %+v %v", again, err)
		}
	})
}
