package region_test

import (
	"context"
	"testing"

	"wiis/internal/region"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestTheTreeHoldsTheSeedCitiesAndTheirCounties(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, ok, err := region.Get(ctx, db, "341500")
		if err != nil || !ok || r.Name != "六安市" || r.Label("en") != "Lu'an" || r.Parent != "340000" || r.Level != 2 {
			t.Fatalf("341500: %+v %v %v", r, ok, err)
		}
		kids, err := region.Children(ctx, db, "371000")
		if err != nil || len(kids) != 4 || kids[0].Code != "371002" {
			t.Fatalf("Weihai's counties: %+v %v", kids, err)
		}
		if n := region.Name(ctx, db, "999999", "zh"); n != "999999" {
			t.Fatalf("unknown code named %q", n)
		}
		all, _ := region.All(ctx, db)
		provinces := 0
		for _, r := range all {
			if r.Level == 1 {
				provinces++
			}
		}
		if provinces != 34 {
			t.Fatalf("%d provinces, want 34", provinces)
		}
	})
}
