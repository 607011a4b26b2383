// Package counter is the one-window counter (综合柜员制) in plain Go (spec/fund-and-service.md,
// second half): the service item catalogue as data, the ticket a teller opens for an item
// (materials taken once, a receipt with the promised date), the back-office review of items
// that need it, after-the-fact sampling of immediate items, and the time-limit figures of an
// office. Promised limits count working days: weekends and the region's listed holidays are
// skipped, and adjusted working weekends count (our reading of "N个工作日" in service
// promises; the calendar is package calendar's, shared with casework, and policy data).
package counter

import (
	"fmt"

	"math/rand/v2"
	"sort"
	"time"
	"wiis/internal/calendar"
)

// Handling classes of the catalogue (Weihai's three kinds).
const (
	Immediate  = "immediate"   // 前台即办
	BackOffice = "back_office" // 前台受理、后台审核
	Township   = "township"    // 基层平台经办
)

// Item is one entry of the service item catalogue (事项目录).
type Item struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	NameEn    string   `json:"name_en"`
	Basis     string   `json:"basis"`
	Materials []string `json:"materials"`
	LimitDays int      `json:"limit_days"` // promised limit in working days; 0 = on the spot
	Class     string   `json:"class"`
	Roles     []string `json:"roles"`  // roles that may handle it
	Online    bool     `json:"online"` // offered in the online hall
	Subject   string   `json:"subject"`
	Active    bool     `json:"active"`
}

// Subjects of an item: who it is for.
const (
	ForPerson   = "person"
	ForEmployer = "employer"
)

// Validate checks an item for the catalogue editor and names the bad field.
func (it Item) Validate() (field, reason string) {
	switch {
	case it.Code == "" || len(it.Code) > 32:
		return "code", "事项编码必填，最多32位 / code is required, at most 32 characters"
	case it.Name == "":
		return "name", "事项名称必填 / name is required"
	case it.Class != Immediate && it.Class != BackOffice && it.Class != Township:
		return "class", "办理类别应为 immediate、back_office 或 township"
	case it.LimitDays < 0 || it.LimitDays > 365:
		return "limit_days", "承诺时限应为0至365个工作日 / limit must be 0–365 working days"
	case it.Subject != ForPerson && it.Subject != ForEmployer:
		return "subject", "服务对象应为 person 或 employer"
	case len(it.Roles) == 0:
		return "roles", "至少指定一个经办角色 / at least one role"
	}
	return "", ""
}

// AddWorkingDays returns the date n working days after the day of at (that day not counted;
// n = 0 is the same day: an immediate item is promised at once), as a time at midnight in
// at's location.
func AddWorkingDays(cal calendar.Calendar, at time.Time, n int) time.Time {
	d := cal.AddWorkdays(calendar.DateOf(at), n)
	y, m, dd := d.Time().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, at.Location())
}

// WorkingDaysBetween counts working days after from up to and including to: the handling
// time of a ticket.
func WorkingDaysBetween(cal calendar.Calendar, from, to time.Time) int {
	f, t := calendar.DateOf(from), calendar.DateOf(to)
	n := 0
	for d := f.AddDays(1); !d.After(t); d = d.AddDays(1) {
		if cal.IsWorkday(d) {
			n++
		}
	}
	return n
}

// Ticket states.
const (
	StateDone     = "done"     // finished at the desk or approved
	StatePending  = "pending"  // waiting for back-office review
	StateReturned = "returned" // sent back to the teller for materials
	StateRejected = "rejected" // refused with a reason
)

// Ticket is one item handled for one person or employer (受理单).
type Ticket struct {
	ID         int64     `json:"id"`
	No         string    `json:"no"` // receipt number
	ItemCode   string    `json:"item_code"`
	Subject    string    `json:"subject"` // id_number or uscc
	Office     string    `json:"office"`  // region code of the accepting office
	Teller     string    `json:"teller"`
	Materials  []string  `json:"materials"`
	AcceptedAt time.Time `json:"accepted_at"`
	PromisedBy time.Time `json:"promised_by"`
	State      string    `json:"state"`
	HandledAt  time.Time `json:"handled_at,omitzero"`
	Reviewer   string    `json:"reviewer,omitempty"`
	Note       string    `json:"note,omitempty"`
	Sampled    bool      `json:"sampled"` // drawn for after-the-fact review
	Version    int       `json:"version"`
}

// Accept opens a ticket at the desk: immediate items are done at once, the others wait for the
// back office with the promised date on the receipt. Missing required materials are an error
// naming them, since materials are taken once.
func Accept(it Item, subject, office, teller string, materials []string, at time.Time, cal calendar.Calendar) (Ticket, error) {
	if !it.Active {
		return Ticket{}, fmt.Errorf("item %s is not active", it.Code)
	}
	have := map[string]bool{}
	for _, m := range materials {
		have[m] = true
	}
	var missing []string
	for _, m := range it.Materials {
		if !have[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return Ticket{}, &MissingMaterials{Missing: missing}
	}
	t := Ticket{ItemCode: it.Code, Subject: subject, Office: office, Teller: teller, Materials: materials,
		AcceptedAt: at, PromisedBy: AddWorkingDays(cal, at, it.LimitDays), State: StatePending}
	if it.Class == Immediate {
		t.State, t.HandledAt = StateDone, at
	}
	return t, nil
}

// MissingMaterials lists the required materials not taken.
type MissingMaterials struct{ Missing []string }

func (m *MissingMaterials) Error() string {
	return fmt.Sprintf("缺少材料 / missing materials: %v", m.Missing)
}

// Review decides a pending ticket in the back office. The reviewer must not be the teller who
// accepted it (内控: the one who takes it in does not approve it).
func Review(t Ticket, reviewer, decision, note string, at time.Time) (Ticket, error) {
	if t.State != StatePending {
		return t, fmt.Errorf("ticket is %s, not pending", t.State)
	}
	if reviewer == t.Teller {
		return t, fmt.Errorf("the accepting teller cannot review their own ticket")
	}
	switch decision {
	case StateDone, StateReturned, StateRejected:
	default:
		return t, fmt.Errorf("decision must be done, returned or rejected")
	}
	if decision != StateDone && note == "" {
		return t, fmt.Errorf("a return or refusal needs a reason")
	}
	t.State, t.Reviewer, t.Note, t.HandledAt = decision, reviewer, note, at
	return t, nil
}

// Sample draws a share (percent) of immediate tickets for after-the-fact review, reproducibly
// from the seed so an auditor can replay the draw.
func Sample(ids []int64, percent int, seed uint64) []int64 {
	if percent <= 0 || len(ids) == 0 {
		return nil
	}
	sorted := append([]int64(nil), ids...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	r := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	r.Shuffle(len(sorted), func(i, j int) { sorted[i], sorted[j] = sorted[j], sorted[i] })
	n := (len(sorted)*percent + 99) / 100
	out := sorted[:n]
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Figures are an office's time-limit figures over a set of tickets.
type Figures struct {
	Handled     int     `json:"handled"`
	OnTime      int     `json:"on_time"`
	OnTimeShare float64 `json:"on_time_share"` // 0–100, one decimal (a display figure, not money)
	AvgDays     float64 `json:"avg_days"`      // average working days taken
	Backlog     int     `json:"backlog"`       // pending
	Overdue     int     `json:"overdue"`       // pending past the promised date
}

// Measure computes the figures at now.
func Measure(ts []Ticket, now time.Time, cal calendar.Calendar) Figures {
	var f Figures
	totalDays := 0
	for _, t := range ts {
		switch t.State {
		case StatePending, StateReturned:
			f.Backlog++
			if now.After(endOfDay(t.PromisedBy)) {
				f.Overdue++
			}
		default:
			f.Handled++
			totalDays += WorkingDaysBetween(cal, t.AcceptedAt, t.HandledAt)
			if !t.HandledAt.After(endOfDay(t.PromisedBy)) {
				f.OnTime++
			}
		}
	}
	if f.Handled > 0 {
		f.OnTimeShare = float64(f.OnTime*1000/f.Handled) / 10
		f.AvgDays = float64(totalDays*10/f.Handled) / 10
	}
	return f
}

func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, d.Location())
}
