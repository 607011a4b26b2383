package counter

import (
	"errors"

	"reflect"
	"testing"
	"time"
	"wiis/internal/calendar"
)

var cst = time.FixedZone("CST", 8*3600)

func day(s string) time.Time { t, _ := time.ParseInLocation("2006-01-02", s, cst); return t }

// 2024 National Day: 1–7 October off, Sunday 29 September and Saturday 12 October worked.
var cal2024 = calendar.Calendar{
	Holidays: []calendar.Date{calendar.MustDate("2024-10-01"), calendar.MustDate("2024-10-02"), calendar.MustDate("2024-10-03"),
		calendar.MustDate("2024-10-04"), calendar.MustDate("2024-10-07")},
	Workdays: []calendar.Date{calendar.MustDate("2024-09-29"), calendar.MustDate("2024-10-12")},
}

func TestPromisedDatesCountWorkingDaysAcrossHolidays(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2024-09-27", 1, "2024-09-29"}, // Friday + 1: the adjusted working Sunday
		{"2024-09-30", 1, "2024-10-08"}, // across the holiday week
		{"2024-10-11", 1, "2024-10-12"}, // the adjusted working Saturday
		{"2024-11-29", 5, "2024-12-06"},
		{"2024-11-29", 0, "2024-11-29"},
	}
	for _, c := range cases {
		if got := AddWorkingDays(cal2024, day(c.from), c.n).Format("2006-01-02"); got != c.want {
			t.Errorf("%s + %d working days = %s, want %s", c.from, c.n, got, c.want)
		}
	}
	if n := WorkingDaysBetween(cal2024, day("2024-09-30"), day("2024-10-08")); n != 1 {
		t.Errorf("working days 30 Sep → 8 Oct = %d, want 1", n)
	}
}

var itemAdd = Item{Code: "GS-ZY", Name: "职工增员", Class: Immediate, Materials: []string{"身份证"}, Subject: ForEmployer, Roles: []string{"teller"}, Active: true}
var itemDet = Item{Code: "GS-RD", Name: "工伤认定申请", Class: BackOffice, LimitDays: 10, Materials: []string{"认定申请表", "劳动关系证明", "医疗诊断证明"}, Subject: ForPerson, Roles: []string{"teller"}, Active: true}

func TestImmediateItemsAreDoneAtTheDeskAndOthersWaitWithAPromisedDate(t *testing.T) {
	at := day("2024-11-29").Add(10 * time.Hour)
	tk, err := Accept(itemAdd, "x", "341502", "t1", []string{"身份证"}, at, cal2024)
	if err != nil || tk.State != StateDone || !tk.HandledAt.Equal(at) {
		t.Fatalf("immediate: %+v %v", tk, err)
	}
	tk, err = Accept(itemDet, "y", "341502", "t1", []string{"认定申请表", "劳动关系证明", "医疗诊断证明"}, at, cal2024)
	if err != nil || tk.State != StatePending || tk.PromisedBy.Format("2006-01-02") != "2024-12-13" {
		t.Fatalf("back office: %+v %v", tk, err)
	}
	_, err = Accept(itemDet, "y", "341502", "t1", []string{"认定申请表"}, at, cal2024)
	var mm *MissingMaterials
	if !errors.As(err, &mm) || !reflect.DeepEqual(mm.Missing, []string{"劳动关系证明", "医疗诊断证明"}) {
		t.Fatalf("missing materials: %v", err)
	}
}

func TestTheAcceptingTellerCannotReviewTheirOwnTicket(t *testing.T) {
	tk, _ := Accept(itemDet, "y", "341502", "t1", itemDet.Materials, day("2024-11-29"), cal2024)
	if _, err := Review(tk, "t1", StateDone, "", day("2024-12-02")); err == nil {
		t.Fatal("self-review allowed")
	}
	if _, err := Review(tk, "r1", StateRejected, "", day("2024-12-02")); err == nil {
		t.Fatal("refusal without a reason allowed")
	}
	done, err := Review(tk, "r1", StateDone, "", day("2024-12-02"))
	if err != nil || done.State != StateDone {
		t.Fatal(err)
	}
	if _, err := Review(done, "r2", StateDone, "", day("2024-12-03")); err == nil {
		t.Fatal("a decided ticket decided again")
	}
}

func TestSamplingIsReproducibleAndTakesTheShare(t *testing.T) {
	ids := []int64{5, 1, 9, 3, 7, 2, 8, 4, 6, 10}
	a, b := Sample(ids, 20, 42), Sample(ids, 20, 42)
	if len(a) != 2 || !reflect.DeepEqual(a, b) {
		t.Fatalf("sample %v %v", a, b)
	}
	if len(Sample(ids, 0, 1)) != 0 || len(Sample(ids, 100, 1)) != 10 {
		t.Fatal("bounds")
	}
}

func TestTimeLimitFigures(t *testing.T) {
	mk := func(acc, promised, handled, state string) Ticket {
		tk := Ticket{AcceptedAt: day(acc), PromisedBy: day(promised), State: state}
		if handled != "" {
			tk.HandledAt = day(handled).Add(15 * time.Hour)
		}
		return tk
	}
	ts := []Ticket{
		mk("2024-11-04", "2024-11-08", "2024-11-06", StateDone),     // on time, 2 days
		mk("2024-11-04", "2024-11-08", "2024-11-08", StateRejected), // on time (the promised day), 4 days
		mk("2024-11-04", "2024-11-08", "2024-11-11", StateDone),     // late, 5 days
		mk("2024-11-20", "2024-11-22", "", StatePending),            // overdue at 25 Nov
		mk("2024-11-25", "2024-11-29", "", StatePending),            // backlog, not overdue
	}
	f := Measure(ts, day("2024-11-25").Add(9*time.Hour), calendar.Calendar{})
	want := Figures{Handled: 3, OnTime: 2, OnTimeShare: 66.6, AvgDays: 3.6, Backlog: 2, Overdue: 1}
	if f != want {
		t.Fatalf("figures %+v, want %+v", f, want)
	}
}
