package idcode

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func ruleOf(err error) Rule {
	var e *Error
	if errors.As(err, &e) {
		return e.Rule
	}
	return ""
}

func TestIDCheckCharacterFollowsISO7064Mod112(t *testing.T) {
	// The standard's own examples (law-reference.md §7.1) and sample-file IDs.
	for _, s := range []string{"11010519491231002X", "440524188001010014", "320411199002200038", "341503198908130051", "320402199901112596"} {
		if err := ValidateID(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	cases := []struct {
		id   string
		rule Rule
		msg  string
	}{
		{"34150219900101123X", RuleCheck, "check character should be"},
		{"110105194912310021", RuleCheck, "should be X"},
		{"11010519491231002x", RuleCharset, "uppercase"},
		{"1101051949123100", RuleLength, "18"},
		{"11010519491331002X", RuleBirthDate, "does not exist"},
		{"110105190002290020", RuleBirthDate, "does not exist"}, // 1900 is not a leap year
		{"990105194912310020", RuleRegion, "province"},
		{"1101A5194912310020", RuleCharset, "digit"},
	}
	for _, c := range cases {
		err := ValidateID(c.id)
		if ruleOf(err) != c.rule || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v (rule %s), want rule %s mentioning %q", c.id, err, ruleOf(err), c.rule, c.msg)
		}
	}
}

func TestIDBirthDateMustNotBeInTheFuture(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC) }
	future := GenerateID(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), "110105", 1, Male)
	if err := ValidateID(future); ruleOf(err) != RuleBirthDate {
		t.Fatalf("future birth: %v", err)
	}
	today := GenerateID(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "110105", 1, Male)
	if err := ValidateID(today); err != nil {
		t.Fatalf("born today: %v", err)
	}
}

func TestIDEncodesBirthDateAndSex(t *testing.T) {
	b, err := BirthDate("11010519491231002X")
	if err != nil || !b.Equal(time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("birth %v %v", b, err)
	}
	if s, _ := SexOf("11010519491231002X"); s != Female {
		t.Fatalf("17th digit 2 is female, got %v", s)
	}
	if s, _ := SexOf("440524188001010014"); s != Male {
		t.Fatalf("17th digit 1 is male, got %v", s)
	}
	for seq := 0; seq < 500; seq += 37 {
		for _, sex := range []Sex{Male, Female} {
			d := time.Date(1980+seq%40, time.Month(1+seq%12), 1+seq%28, 0, 0, 0, 0, time.UTC)
			id := GenerateID(d, "341503", seq, sex)
			if got, err := SexOf(id); err != nil || got != sex {
				t.Fatalf("GenerateID %s: sex %v %v, want %v", id, got, err, sex)
			}
			if got, _ := BirthDate(id); !got.Equal(d) {
				t.Fatalf("GenerateID %s: birth %v want %v", id, got, d)
			}
		}
	}
}

func TestUSCCCheckCharacterFollowsGB32100(t *testing.T) {
	for _, s := range []string{"91350100M000100Y43", "9134150303000001XT", "91320402030000028J", "91321102030000036A"} {
		if err := ValidateUSCC(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	cases := []struct {
		s    string
		rule Rule
		msg  string
	}{
		{"91350100M000100Y4Z", RuleCharset, "not allowed"}, // the annex's counter-example
		{"91350100M000100Y44", RuleCheck, "should be 3"},
		{"91310115MA1H8R7C6D", RuleCheck, "should be 7"}, // the often copied invalid sample
		{"91341500000000000A", RuleCheck, "check character"},
		{"9135010", RuleLength, "18"},
		{"B1350100M000100Y43", RuleAuthority, "authority"},
		{"95350100M000100Y43", RuleAuthority, "category"},
		{"91990100M000100Y43", RuleRegion, "region"},
	}
	for _, c := range cases {
		err := ValidateUSCC(c.s)
		if ruleOf(err) != c.rule || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v (rule %s), want rule %s mentioning %q", c.s, err, ruleOf(err), c.rule, c.msg)
		}
	}
	for i := 0; i < 2000; i += 7 {
		if s := GenerateUSCC('9', '1', "341503", i); ValidateUSCC(s) != nil || s[8:17] != "0000"+s[12:17] {
			t.Fatalf("GenerateUSCC(%d) = %s", i, s)
		}
	}
	// The sample's codes carry GB 11714 organisation codes; the generator reproduces one.
	if s := GenerateUSCC('9', '1', "341503", 3000001); s != "9134150303000001XT" {
		t.Fatalf("GenerateUSCC = %s, want 9134150303000001XT", s)
	}
}

func TestRegionCodesNeedAKnownProvinceAndLevelStructure(t *testing.T) {
	for _, s := range []string{"110000", "341500", "341503", "320402", "659001"} {
		if err := ValidateRegion(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"", "34150", "3415033", "34150a", "991503", "340003", "000000"} {
		if ValidateRegion(s) == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if RegionLevel("340000") != 1 || RegionLevel("341500") != 2 || RegionLevel("341503") != 3 {
		t.Fatal("RegionLevel")
	}
}

func TestEveryIndustryDivisionHasExactlyOneRiskClass(t *testing.T) {
	seen := map[int]RiskClass{}
	for c, ds := range annex2011 {
		for _, d := range ds {
			if prev, dup := seen[d]; dup {
				t.Errorf("2011 division %02d in classes %v and %v", d, prev, c)
			}
			seen[d] = c
		}
	}
	if len(seen) != 96 {
		t.Errorf("annex covers %d of the 96 divisions of 2011", len(seen))
	}
	tab := DefaultRiskClasses()
	for d := 1; d <= 97; d++ {
		if _, ok := tab[d]; !ok {
			t.Errorf("2017 division %02d has no class", d)
		}
	}
	cases := map[string]RiskClass{
		"0610": 8, "06": 8, "4720": 6, "6510": 1, "79": 3, "8010": 2, // 2017 80 resident services = 2011 79
		"8110": 3, "9700": 1, "9010": 3, "4420": 4, "1810": 4, "3311": 4,
	}
	for code, want := range cases {
		if got, err := tab.Class(code); err != nil || got != want {
			t.Errorf("%s: class %v %v, want %v", code, got, err, want)
		}
	}
	for _, bad := range []string{"0", "00", "98", "12345", "4a"} {
		if _, err := tab.Class(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// A province's override does not leak into the defaults.
	tab[79] = 2
	if DefaultRiskClasses()[79] != LandManagementClass {
		t.Fatal("override changed the default table")
	}
	if RiskClass(8).String() != "VIII" {
		t.Fatal("roman")
	}
}

func FuzzID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "", "x", "11010519491331002X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateID(s)
		if err == nil {
			// Anything accepted must round-trip through the check character and decoders.
			if IDCheckChar(s) != s[17] {
				t.Fatalf("accepted %q with wrong check char", s)
			}
			if _, err := BirthDate(s); err != nil {
				t.Fatal(err)
			}
			if _, err := SexOf(s); err != nil {
				t.Fatal(err)
			}
		} else if ruleOf(err) == "" || err.Error() == "" {
			t.Fatalf("error without rule: %v", err)
		}
	})
}

func FuzzUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "9134150303000001XT", "", "91350100M000100Y4Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateUSCC(s)
		if err == nil && USCCCheckChar(s) != s[17] {
			t.Fatalf("accepted %q with wrong check char", s)
		}
		if err != nil && ruleOf(err) == "" {
			t.Fatalf("error without rule: %v", err)
		}
		ValidateRegion(s)
		Division(s)
	})
}

func TestCouldBeUSCCPrefix(t *testing.T) {
	for s, want := range map[string]bool{
		"":                    false,
		"9":                   true,
		"91341500MA2N":        true,
		"91341500MA2NXXXX0X":  true,
		"91341500MA2NXXXX0X1": false, // 19 characters
		"王":                   false,
		"9134I":               false, // I is not in the alphabet
		"91341500ma":          false, // lower case is not
	} {
		if got := CouldBeUSCCPrefix(s); got != want {
			t.Errorf("CouldBeUSCCPrefix(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestHasIDShape(t *testing.T) {
	for s, want := range map[string]bool{
		"34150219800101123X": true, "341502198001011234": true, "341502198001011239": true, // check character not checked
		"34150219800101123": false, "3415021980010112345": false, "34150219800101123Y": false,
		"3415021980010112X4": false, "王": false, "": false,
	} {
		if got := HasIDShape(s); got != want {
			t.Errorf("HasIDShape(%q) = %v, want %v", s, got, want)
		}
	}
}
