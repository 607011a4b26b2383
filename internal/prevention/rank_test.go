package prevention

import (
	"slices"
	"testing"

	"wiis/internal/contrib"
	"wiis/internal/money"
)

// The hand-computed data set: two classes, six employers. Figures per 1,000 average covered
// persons (person-months ÷ 12).
//
//	class IV: A 100 persons, 3 claims → 30.00; B 200, 2 claims, 1 OD → 10.00 / OD 5.00; C 50, none.
//	          class: 5 claims × 12000 ÷ 4200 = 14.29, OD 2.86, benefits ÷ contributions 40k/70k = 0.57
//	class VIII: D 10 persons, 1 claim → 100.00; E 100, 1 claim, 2 OD → 10.00 / OD 20.00, ratio 5.00;
//	          F no coverage. class: 2 × 12000 ÷ 1320 = 18.18, OD 18.18, ratio 50k/15k = 3.33
func handSet() []Figures {
	y := money.Yuan
	return []Figures{
		{Key: "C", Class: 4, PersonMonths: 600, Contributions: y(10000)},
		{Key: "F", Class: 8},
		{Key: "B", Class: 4, PersonMonths: 2400, Claims: 2, ODCases: 1, Benefits: y(10000), Contributions: y(40000)},
		{Key: "E", Class: 8, PersonMonths: 1200, Claims: 1, ODCases: 2, Benefits: y(50000), Contributions: y(10000)},
		{Key: "A", Class: 4, PersonMonths: 1200, Claims: 3, Benefits: y(30000), Contributions: y(20000)},
		{Key: "D", Class: 8, PersonMonths: 120, Claims: 1, Contributions: y(5000)},
	}
}

func TestRankingMatchesTheHandComputedSet(t *testing.T) {
	ranked, classes := Rank(handSet())
	want := []struct {
		key                    string
		rate, index, od, ratio string
		above                  []Indicator
		target                 bool
	}{
		{"A", "30.00", "2.10", "0.00", "1.50", []Indicator{AccidentRateAbove, ExpenditureRatioAbove}, true},
		{"E", "10.00", "0.55", "20.00", "5.00", []Indicator{ODRateAbove, ExpenditureRatioAbove}, true},
		{"D", "100.00", "5.50", "0.00", "0.00", []Indicator{AccidentRateAbove}, true},
		{"B", "10.00", "0.70", "5.00", "0.25", []Indicator{ODRateAbove}, true},
		{"C", "0.00", "0.00", "0.00", "0.00", nil, false},
		{"F", "", "", "", "", nil, false},
	}
	if len(ranked) != len(want) {
		t.Fatalf("got %d entries, want %d", len(ranked), len(want))
	}
	for i, w := range want {
		r := ranked[i]
		if r.Key != w.key || r.Rank != i+1 {
			t.Fatalf("rank %d: got %s (rank %d), want %s", i+1, r.Key, r.Rank, w.key)
		}
		if r.AccidentRate != w.rate || r.AccidentIndex != w.index || r.ODRate != w.od || r.ExpenditureRatio != w.ratio {
			t.Errorf("%s: rate %q index %q od %q ratio %q; want %q %q %q %q", w.key, r.AccidentRate, r.AccidentIndex, r.ODRate, r.ExpenditureRatio, w.rate, w.index, w.od, w.ratio)
		}
		if !slices.Equal(r.Above, w.above) || r.Target != w.target {
			t.Errorf("%s: above %v target %v; want %v %v", w.key, r.Above, r.Target, w.above, w.target)
		}
	}
	if len(classes) != 2 || classes[0].Class != contrib.Class(4) || classes[1].Class != contrib.Class(8) {
		t.Fatalf("classes: %+v", classes)
	}
	c4, c8 := classes[0], classes[1]
	if c4.AccidentRate != "14.29" || c4.ODRate != "2.86" || c4.ExpenditureRatio != "0.57" || c4.PersonMonths != 4200 {
		t.Errorf("class IV average: %+v", c4)
	}
	if c8.AccidentRate != "18.18" || c8.ODRate != "18.18" || c8.ExpenditureRatio != "3.33" || c8.PersonMonths != 1320 {
		t.Errorf("class VIII average: %+v", c8)
	}
	if ranked[0].ClassAverage.AccidentRate != "14.29" {
		t.Errorf("A carries its class average: %+v", ranked[0].ClassAverage)
	}
}

func TestRankingIsTheSameWhateverTheInputOrder(t *testing.T) {
	a, _ := Rank(handSet())
	in := handSet()
	slices.Reverse(in)
	b, _ := Rank(in)
	for i := range a {
		if a[i].Key != b[i].Key {
			t.Fatalf("order depends on input: %s vs %s at %d", a[i].Key, b[i].Key, i)
		}
	}
}

func TestAnEmployerWithoutContributionsIsNotAboveOnExpenditure(t *testing.T) {
	r, _ := Rank([]Figures{{Key: "X", Class: 3, PersonMonths: 12, Benefits: money.Yuan(100)}, {Key: "Y", Class: 3, PersonMonths: 12, Contributions: money.Yuan(100)}})
	for _, e := range r {
		if e.Key == "X" && (e.Target || e.ExpenditureRatio != "") {
			t.Errorf("X has no contributions: %+v", e)
		}
	}
}
