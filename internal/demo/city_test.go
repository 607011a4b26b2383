package demo

import (
	"reflect"
	"testing"
	"time"

	"context"

	"wiis/internal/idcode"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestGeneratedCityIsValidAndDeterministic(t *testing.T) {
	o := DefaultOptions(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	a, b := Generate(o), Generate(o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two generations from one seed differ: loading the demo twice would not be idempotent")
	}
	if len(a.Employers) != 200 || len(a.Persons) != 5000 {
		t.Fatalf("%d employers, %d persons", len(a.Employers), len(a.Persons))
	}
	for _, e := range a.Employers {
		if err := idcode.ValidateUSCC(e.USCC); err != nil {
			t.Fatalf("employer %s: %v", e.USCC, err)
		}
	}
	for _, p := range a.Persons {
		if err := idcode.ValidateID(p.ID); err != nil {
			t.Fatalf("person %s: %v", p.ID, err)
		}
	}
	if len(a.Events) < 5000 || len(a.Claims) == 0 || len(a.Beneficiary) != 300 {
		t.Fatalf("events %d claims %d beneficiaries %d", len(a.Events), len(a.Claims), len(a.Beneficiary))
	}
}

func TestTheDemoCityImportsWithoutARejectedRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := SeedCity(ctx, db); err != nil {
			t.Fatal(err)
		}
		var employers, persons int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM employers`).Scan(&employers)
		db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&persons)
		if employers != 200 || persons != 5000 {
			t.Fatalf("%d employers, %d persons", employers, persons)
		}
		// A second run changes nothing.
		if _, err := SeedCity(ctx, db); err != nil {
			t.Fatal(err)
		}
		db.QueryRow(ctx, `SELECT COUNT(*) FROM persons`).Scan(&persons)
		if persons != 5000 {
			t.Fatalf("second seed: %d persons", persons)
		}
	})
}
