package demo

import (
	"reflect"
	"testing"
	"time"

	"context"

	"wiis/internal/idcode"
	"wiis/internal/phone"
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
		// Every person and employer has a contact phone, valid, sealed at rest.
		var noPhone int
		db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM persons WHERE phone = '') + (SELECT COUNT(*) FROM employers WHERE phone = '' OR contact_name = '')`).Scan(&noPhone)
		if noPhone != 0 {
			t.Fatalf("%d persons and employers without a contact phone", noPhone)
		}
		var mobile, landline string
		d := Generate(DefaultOptions(Now()))
		db.QueryRow(ctx, `SELECT phone FROM persons WHERE id_number = ?`, d.Persons[7].ID).Scan(&mobile)
		db.QueryRow(ctx, `SELECT phone FROM employers WHERE uscc = ?`, d.Employers[1].USCC).Scan(&landline)
		for _, p := range []string{mobile, landline} {
			if n, err := phone.Normalize(p); err != nil || n != p || p == "" {
				t.Errorf("demo phone %q: %q %v", p, n, err)
			}
		}
		if found, err := db.FindClear(ctx); err != nil || len(found) != 0 {
			t.Fatalf("in clear after the demo: %+v %v", found, err)
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
