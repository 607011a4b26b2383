package policy_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"wiis/internal/policy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestChainWalksCountyCityProvinceNation(t *testing.T) {
	for in, want := range map[string][]string{
		"341502": {"341502", "341500", "340000", "000000"},
		"341500": {"341500", "340000", "000000"},
		"340000": {"340000", "000000"},
		"000000": {"000000"},
		"bad":    {"000000"},
	} {
		if got := policy.Chain(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Chain(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestCityOverridesProvinceOnlyFromItsEffectiveDate(t *testing.T) {
	vals := []policy.Value{
		{Region: "000000", Param: "p", EffectiveFrom: "2011-01-01", Raw: json.RawMessage(`"nat"`)},
		{Region: "340000", Param: "p", EffectiveFrom: "2015-01-01", Raw: json.RawMessage(`"prov15"`)},
		{Region: "340000", Param: "p", EffectiveFrom: "2020-01-01", Raw: json.RawMessage(`"prov20"`)},
		{Region: "341500", Param: "p", EffectiveFrom: "2018-07-01", Raw: json.RawMessage(`"city"`)},
	}
	cases := []struct{ region, on, want string }{
		{"341502", "2010-06-01", ""},
		{"341502", "2012-01-01", `"nat"`},
		{"341502", "2016-03-01", `"prov15"`},
		{"341502", "2018-06-30", `"prov15"`},
		{"341502", "2018-07-01", `"city"`},
		{"341502", "2021-01-01", `"city"`}, // the city's override outranks a newer provincial value
		{"340100", "2021-01-01", `"prov20"`},
		{"320400", "2021-01-01", `"nat"`},
	}
	for _, c := range cases {
		v, ok := policy.Resolve(vals, c.region, c.on)
		got := ""
		if ok {
			got = string(v.Raw)
		}
		if got != c.want {
			t.Errorf("%s on %s: got %s, want %s", c.region, c.on, got, c.want)
		}
	}
}

func TestPutKeepsHistoryAndGetFindsTheValueInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		put := func(region, from, val string) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := policy.Put(ctx, tx, policy.Value{Region: region, Param: "test_wage", EffectiveFrom: from, Raw: json.RawMessage(val)})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		put("371000", "2016-01-01", `"4457.83"`)
		put("371000", "2017-01-01", `"4809.75"`)
		var got string
		ok, err := policy.Decode(ctx, db, "371002", "test_wage", "2017-03-01", &got)
		if err != nil || !ok || got != "4809.75" {
			t.Fatalf("Decode = %q %v %v", got, ok, err)
		}
		if ok, _ := policy.Decode(ctx, db, "371002", "test_wage", "2015-12-31", &got); ok {
			t.Fatal("a value was in force before its effective date")
		}
		h, err := policy.History(ctx, db, "371000", "test_wage")
		if err != nil || len(h) != 2 || h[0].EffectiveFrom != "2017-01-01" {
			t.Fatalf("History = %v, %v", h, err)
		}
		all, err := policy.InForce(ctx, db, "371002", "2016-06-01")
		if err != nil || string(all["test_wage"].Raw) != `"4457.83"` {
			t.Fatalf("InForce = %v, %v", all, err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := policy.Put(ctx, tx, policy.Value{Region: "371000", Param: "test_wage", EffectiveFrom: "2017-13-01", Raw: json.RawMessage(`1`)})
			return err
		})
		if err == nil {
			t.Fatal("an invalid effective date was stored")
		}
	})
}
