package demo_test

import (
	"context"
	"testing"

	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestDemoLoginsWorkAndSeedingTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 2 {
			logins, err := demo.Run(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if len(logins) != len(auth.Roles) {
				t.Fatalf("%d logins, want one per role", len(logins))
			}
		}
		if _, err := auth.New(db).Login(ctx, "teller", demo.Password, "test"); err != nil {
			t.Fatalf("demo teller login: %v", err)
		}
	})
}
