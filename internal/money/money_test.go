package money

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

func TestParseAcceptsYuanWithAtMostTwoDecimals(t *testing.T) {
	good := map[string]Amount{"6000": 600000, "6000.5": 600050, "6000.05": 600005, "-12.30": -1230, "+1": 100, "0.01": 1}
	for s, want := range good {
		got, err := Parse(s)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "1.234", "1,000", "1e3", "abc", ".5", "5.", "--1", "12345678901234"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", s)
		}
	}
}

func TestStringAlwaysHasTwoDecimals(t *testing.T) {
	for a, want := range map[Amount]string{0: "0.00", 5: "0.05", -5: "-0.05", 103642000: "1036420.00"} {
		if a.String() != want {
			t.Errorf("%d.String() = %s, want %s", int64(a), a.String(), want)
		}
	}
	if g := Amount(103642000).Grouped(); g != "1,036,420.00" {
		t.Errorf("Grouped = %s", g)
	}
}

func TestJSONNumbersAreReadWithoutFloat(t *testing.T) {
	var v struct{ A, B Amount }
	if err := json.Unmarshal([]byte(`{"A": 0.1, "B": "4457.83"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 10 || v.B != 445783 {
		t.Fatalf("got %v %v", v.A, v.B)
	}
	if err := json.Unmarshal([]byte(`{"A": 0.125}`), &v); err == nil {
		t.Fatal("three decimals accepted")
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":"0.10","B":"4457.83"}` {
		t.Fatalf("marshal: %s", b)
	}
}

// The Weihai 2017 nursing-care figures (benefits.md) are the public check of half-up rounding.
func TestHalfUpRoundingReproducesWeihaiNursingCare(t *testing.T) {
	avg := MustParse("4457.83")
	for p, want := range map[int64]string{50: "2228.92", 40: "1783.13", 30: "1337.35"} {
		if got := avg.Percent(p).String(); got != want {
			t.Errorf("4457.83 × %d%% = %s, want %s", p, got, want)
		}
	}
	if got := RoundDown(big.NewRat(19999, 10000)).String(); got != "1.99" {
		t.Errorf("RoundDown(1.9999) = %s", got)
	}
	if got := RoundHalfUp(big.NewRat(-5, 1000)).String(); got != "-0.01" {
		t.Errorf("RoundHalfUp(-0.005) = %s", got)
	}
	if got := Average([]Amount{100, 101}).String(); got != "1.01" {
		t.Errorf("Average(1.00, 1.01) = %s, want 1.01 (half-up)", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"6000.00", "-1", "0.1", "99999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		b, err := Parse(a.String())
		if err != nil || a != b {
			t.Fatalf("round trip of %q: %v -> %q -> %v, %v", s, a, a.String(), b, err)
		}
	})
}

// FuzzParseRate: rate fields of web forms and interchange files never panic or hang, and a
// rate that parses is the same number written as a percentage.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"0.0015", "0.15%", "1", "", "abc", "1/3", "0x10", "1p3", "-0.5%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil || strings.HasSuffix(strings.TrimSpace(s), "%") || len(s) > 40 {
			return
		}
		p, err := ParseRate(strings.TrimSpace(s) + "%")
		if err != nil || new(big.Rat).Mul(p, big.NewRat(100, 1)).Cmp(r) != 0 {
			t.Fatalf("%q: %v, as a percentage %v (%v)", s, r, p, err)
		}
	})
}
