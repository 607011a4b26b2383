package project

import (
	"testing"

	"wiis/internal/contrib"
	"wiis/internal/money"
)

var site = Project{Code: "LA20250001", Name: "安置房工程", Region: "341502", ContractValue: money.MustParse("18640000.00"),
	StartDate: "2025-03-01", EndDate: "2026-02-28", Rate: contrib.MustRate("0.0015")}

func TestProjectPremiumIsContractValueTimesRate(t *testing.T) {
	if got, want := site.Premium(), money.MustParse("27960.00"); got != want {
		t.Fatalf("premium %s, want %s", got, want)
	}
}

func TestAccidentReportFlaggedAfterExactly48Hours(t *testing.T) {
	for _, c := range []struct {
		reported string
		late     bool
		delay    string
	}{
		{"2025-04-01T09:00", false, "0:00"},
		{"2025-04-03T08:59", false, "47:59"},
		{"2025-04-03T09:00", false, "48:00"}, // exactly 48 hours is on time (R10)
		{"2025-04-03T09:01", true, "48:01"},  // 48 h + 1 min is late
		{"2025-04-05T09:00", true, "96:00"},
	} {
		a := Accident{OccurredAt: "2025-04-01T09:00", ReportedAt: c.reported, Description: "高处坠落"}
		if err := site.CheckAccident(&a); err != nil {
			t.Fatal(err)
		}
		if a.Late != c.late || a.DelayHours != c.delay {
			t.Errorf("reported %s: late %v delay %s, want %v %s", c.reported, a.Late, a.DelayHours, c.late, c.delay)
		}
	}
}

func TestAccidentOutsideTheProjectOrBeforeItsAccidentIsRefused(t *testing.T) {
	for _, a := range []Accident{
		{OccurredAt: "2024-12-31T09:00", ReportedAt: "2025-01-01T09:00", Description: "x"},
		{OccurredAt: "2025-04-02T09:00", ReportedAt: "2025-04-01T09:00", Description: "x"},
		{OccurredAt: "2025-04-01 09:00", ReportedAt: "2025-04-01T09:00", Description: "x"},
		{OccurredAt: "2025-04-01T09:00", ReportedAt: "2025-04-01T10:00", Description: " "},
	} {
		if err := site.CheckAccident(&a); err == nil {
			t.Errorf("%+v accepted", a)
		}
	}
}

func TestStayMustLieWithinTheProject(t *testing.T) {
	if err := site.CheckStay("2025-03-01", "2026-02-28"); err != nil {
		t.Fatal(err)
	}
	for _, s := range [][2]string{{"2025-02-28", ""}, {"2025-03-10", "2025-03-09"}, {"2025-03-10", "2026-03-01"}, {"2025/03/10", ""}} {
		if err := site.CheckStay(s[0], s[1]); err == nil {
			t.Errorf("stay %v accepted", s)
		}
	}
}
