package retire

import (
	"testing"
	"time"
)

func d(y int, m time.Month) time.Time { return time.Date(y, m, 15, 0, 0, 0, 0, time.UTC) }

// The official worked examples (law-reference.md §8).
func TestReformMatchesOfficialExamples(t *testing.T) {
	cases := []struct {
		name  string
		birth time.Time
		c     Category
		want  time.Time // retirement month
	}{
		{"man due Jan 2025 retires Feb 2025", d(1965, 1), Male, d(2025, 2)},
		{"man due Apr 2025 retires May 2025", d(1965, 4), Male, d(2025, 5)},
		{"man due May 2025 retires Jul 2025", d(1965, 5), Male, d(2025, 7)},
		{"man due Aug 2025 retires Oct 2025", d(1965, 8), Male, d(2025, 10)},
		{"woman-50 due Jan 2025 retires Feb 2025", d(1975, 1), FemaleWorker, d(2025, 2)},
		{"woman-50 due Feb 2025 retires Mar 2025", d(1975, 2), FemaleWorker, d(2025, 3)},
		{"woman-50 due Mar 2025 retires May 2025", d(1975, 3), FemaleWorker, d(2025, 5)},
		{"woman-50 due Apr 2025 retires Jun 2025", d(1975, 4), FemaleWorker, d(2025, 6)},
		{"man due Dec 2024 is not delayed", d(1964, 12), Male, d(2024, 12)},
	}
	for _, c := range cases {
		got, err := Reform2025.RetirementMonth(c.birth, c.c)
		if err != nil {
			t.Fatal(err)
		}
		if got.Year() != c.want.Year() || got.Month() != c.want.Month() {
			t.Errorf("%s: got %s", c.name, got.Format("2006-01"))
		}
	}
}

func TestReformReachesItsCapsAtThePublishedBirthMonths(t *testing.T) {
	cases := []struct {
		birth time.Time
		c     Category
		want  Age
	}{
		{d(1984, 11), FemaleWorker, Age{55, 0}}, // 女职工1984年11月出生起55周岁
		{d(1984, 10), FemaleWorker, Age{54, 11}},
		{d(1976, 9), Male, Age{63, 0}},
		{d(1990, 1), Male, Age{63, 0}},
		{d(1981, 9), FemaleCadre, Age{58, 0}},
		{d(1960, 1), Male, Age{60, 0}},
	}
	for _, c := range cases {
		got, _ := Reform2025.StatutoryAge(c.birth, c.c)
		if got != c.want {
			t.Errorf("born %s %s: got %s, want %s", c.birth.Format("2006-01"), c.c, got, c.want)
		}
	}
	if _, err := Reform2025.StatutoryAge(d(1980, 1), "nobody"); err == nil {
		t.Error("unknown category accepted")
	}
}

func TestCompletedYearsCountsBirthdays(t *testing.T) {
	b := time.Date(1970, 3, 15, 0, 0, 0, 0, time.UTC)
	if CompletedYears(b, time.Date(2020, 3, 14, 0, 0, 0, 0, time.UTC)) != 49 || CompletedYears(b, time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC)) != 50 {
		t.Error("completed years wrong around the birthday")
	}
}
