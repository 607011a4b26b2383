package coverage

import "testing"

func mustMonth(t *testing.T, s string) Month {
	t.Helper()
	m, err := ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ev(t *testing.T, k Kind, month, rec string, base int64) Event {
	return Event{Kind: k, Month: mustMonth(t, month), RecordedOn: rec, Base: base, HasBase: base > 0}
}

func TestMonthRoundTripAndArithmetic(t *testing.T) {
	m := mustMonth(t, "2024-01")
	if (m-1).String() != "2023-12" || (m+11).String() != "2024-12" {
		t.Fatalf("month arithmetic: %s %s", m-1, m+11)
	}
	for _, bad := range []string{"2024-13", "2024-00", "24-01", "2024/01", "2024-1x"} {
		if _, err := ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
}

func TestCoveredFollowsTheInterchangeDefinition(t *testing.T) {
	asOf := mustMonth(t, "2024-12")
	events := []Event{
		ev(t, Add, "2023-01", "2022-12-20", 500000),
		ev(t, Add, "2023-03", "2023-03-01", 600000), // while covered: no new period
		ev(t, Remove, "2023-06", "2023-06-30", 0),   // June is the last insured month
		ev(t, Add, "2023-07", "2023-07-02", 700000), // right after: a new period
		ev(t, Remove, "2023-09", "2023-09-30", 0),
		ev(t, Add, "2024-05", "2024-05-03", 800000), // open: runs to the as-of month
		ev(t, Add, "2025-02", "2025-02-03", 900000), // after the as-of month: ignored
	}
	Sort(events)
	ps := Periods(events, asOf)
	if len(ps) != 3 {
		t.Fatalf("periods = %+v, want 3", ps)
	}
	if ps[0].From.String() != "2023-01" || ps[0].To.String() != "2023-06" || ps[0].Start.RecordedOn != "2022-12-20" {
		t.Errorf("first period %+v", ps[0])
	}
	if !ps[2].Open || ps[2].To != asOf {
		t.Errorf("open period must run to the as-of month: %+v", ps[2])
	}
	for m, want := range map[string]bool{
		"2022-12": false, "2023-01": true, "2023-06": true, "2023-07": true, "2023-09": true,
		"2023-10": false, "2024-04": false, "2024-05": true, "2024-12": true, "2025-01": false,
	} {
		if got := Covered(ps, mustMonth(t, m)); got != want {
			t.Errorf("covered in %s = %v, want %v", m, got, want)
		}
	}
}

func TestSameMonthAddAndRemoveCoversThatMonthOnly(t *testing.T) {
	events := []Event{ev(t, Remove, "2024-03", "2024-03-20", 0), ev(t, Add, "2024-03", "2024-03-02", 1)}
	Sort(events)
	ps := Periods(events, mustMonth(t, "2024-12"))
	if len(ps) != 1 || ps[0].From != ps[0].To || ps[0].Open {
		t.Fatalf("periods = %+v, want one single-month period", ps)
	}
}

func TestRemoveBeforeAddDoesNotEndIt(t *testing.T) {
	events := []Event{ev(t, Remove, "2023-01", "2023-01-20", 0), ev(t, Add, "2023-02", "2023-02-02", 1)}
	Sort(events)
	if !Covered(Periods(events, mustMonth(t, "2024-12")), mustMonth(t, "2024-12")) {
		t.Fatal("a remove before the add must not end the coverage")
	}
}

func TestBaseIsTheLatestAddOrBaseEvent(t *testing.T) {
	events := []Event{
		ev(t, Add, "2023-01", "2022-12-20", 500000),
		ev(t, Base, "2023-07", "2023-06-20", 550000),
		ev(t, Base, "2024-07", "2024-06-20", 600000),
		ev(t, Remove, "2024-09", "2024-09-30", 0),
	}
	Sort(events)
	for m, want := range map[string]int64{"2023-01": 500000, "2023-06": 500000, "2023-07": 550000, "2024-08": 600000} {
		if b, ok := BaseAt(events, mustMonth(t, m)); !ok || b != want {
			t.Errorf("base in %s = %d %v, want %d", m, b, ok, want)
		}
	}
	if _, ok := BaseAt(events, mustMonth(t, "2022-12")); ok {
		t.Error("no base before the first add")
	}
	var n int
	Bases(events, Periods(events, mustMonth(t, "2024-12")), func(m Month, b int64, ok bool) {
		if w, _ := BaseAt(events, m); w != b || !ok {
			t.Errorf("Bases %s = %d, BaseAt says %d", m, b, w)
		}
		n++
	})
	if n != 21 {
		t.Errorf("Bases visited %d months, want 21 (2023-01..2024-09)", n)
	}
}
