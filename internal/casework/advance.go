package casework

import (
	"slices"
	"strings"

	"wiis/internal/money"
)

// AdvGround is why the fund advances (社会保险法 Art. 41–42).
type AdvGround string

// The grounds.
const (
	GroundUninsuredEmployer AdvGround = "uninsured_employer" // Art. 41; 先行支付办法 Art. 6–8
	GroundThirdParty        AdvGround = "third_party"        // Art. 42; 先行支付办法 Art. 4
)

// AdvState is the state of an advance-payment case.
type AdvState string

// The states: applied → (notified: the employer has its time to pay) → advanced (the recovery
// ledger is open) → settled; rejected and employer_paid close a case with nothing advanced.
const (
	AdvApplied  AdvState = "applied"
	AdvNotified AdvState = "notified"
	AdvAdvanced AdvState = "advanced"
	AdvSettled  AdvState = "settled"
	AdvClosed   AdvState = "closed"
)

// Step names of an advance.
const (
	StepAdvRemind   = "remind"        // send the employer the written reminder: 3 working days
	StepAdvEmployer = "employer_pays" // the employer's time to pay: 5 working days
	StepAdvRecovery = "recovery"      // open until the balance is nil; no statutory limit
)

// AdvanceApplication opens an advance-payment case.
type AdvanceApplication struct {
	Region       string    `json:"region"`
	Team         string    `json:"team"`
	Handler      string    `json:"handler"`
	Ground       AdvGround `json:"ground"`
	WorkerID     string    `json:"worker_id"`
	EmployerUSCC string    `json:"employer_uscc"`
	ThirdParty   string    `json:"third_party,omitempty"` // the debtor when the ground is third_party
	AppliedOn    Date      `json:"applied_on"`
	Reason       string    `json:"reason"` // 先行支付办法 Art. 6 ¶2 (1)–(4), or the third party's default
	// DeterminationID and WorkInjury: the application rests on a decision finding a work injury.
	DeterminationID int64 `json:"determination_id"`
	WorkInjury      bool  `json:"work_injury"`
}

// EntryKind is the kind of a recovery-ledger line.
type EntryKind string

// The kinds. Demands do not move the balance; write-offs count only once approved.
const (
	EntryAdvance  EntryKind = "advance"   // the fund paid
	EntryDemand   EntryKind = "demand"    // a demand for repayment was sent (催缴/追偿通知)
	EntryRecovery EntryKind = "recovered" // money came back
	EntryWriteOff EntryKind = "write_off" // uncollectable, proposed and approved by a second person
)

// Entry is one dated line of the recovery ledger.
type Entry struct {
	Seq        int          `json:"seq"`
	Kind       EntryKind    `json:"kind"`
	On         Date         `json:"on"`
	Amount     money.Amount `json:"amount"`
	By         string       `json:"by"`
	Note       string       `json:"note"`
	ApprovedBy string       `json:"approved_by,omitempty"`
	ApprovedOn Date         `json:"approved_on"`
}

// Advance is an advance-payment and recovery case.
type Advance struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	CaseNo  string `json:"case_no"`
	AdvanceApplication
	State       AdvState `json:"state"`
	NotifiedOn  Date     `json:"notified_on"`
	PayBy       Date     `json:"pay_by"`
	CloseReason string   `json:"close_reason,omitempty"`
	Entries     []Entry  `json:"entries"`
	Steps       []Step   `json:"steps"`
	Events      []Event  `json:"events"`
}

// Ledger sums the ledger: Balance = Advanced − Recovered − WrittenOff; Pending is the sum of
// write-offs awaiting approval.
type Ledger struct {
	Advanced, Demanded, Recovered, WrittenOff, Pending, Balance money.Amount
}

// Ledger returns the sums of the case's ledger.
func (c Advance) Ledger() Ledger {
	var l Ledger
	for _, e := range c.Entries {
		switch e.Kind {
		case EntryAdvance:
			l.Advanced += e.Amount
		case EntryDemand:
			l.Demanded += e.Amount
		case EntryRecovery:
			l.Recovered += e.Amount
		case EntryWriteOff:
			if e.ApprovedBy != "" {
				l.WrittenOff += e.Amount
			} else {
				l.Pending += e.Amount
			}
		}
	}
	l.Balance = l.Advanced - l.Recovered - l.WrittenOff
	return l
}

// OpenAdvance registers an application. For an uninsured employer the written reminder is due
// within 3 working days (先行支付办法 Art. 7).
func OpenAdvance(a AdvanceApplication, by string, lim Limits) (Advance, error) {
	switch {
	case a.Ground != GroundUninsuredEmployer && a.Ground != GroundThirdParty:
		return Advance{}, invalid("ground", "must be uninsured_employer or third_party")
	case a.Region == "":
		return Advance{}, invalid("region", "the office's region is required")
	case a.WorkerID == "":
		return Advance{}, invalid("worker_id", "the worker is required")
	case !a.WorkInjury:
		return Advance{}, invalid("determination_id", "an advance rests on a decision finding a work injury (先行支付办法 Art. 4, 6)")
	case a.AppliedOn.IsZero():
		return Advance{}, invalid("applied_on", "the date of application is required")
	case a.Ground == GroundUninsuredEmployer && a.EmployerUSCC == "":
		return Advance{}, invalid("employer_uscc", "the employer is required")
	case a.Ground == GroundThirdParty && strings.TrimSpace(a.ThirdParty) == "":
		return Advance{}, invalid("third_party", "name the third party, or say it is unknown")
	}
	c := Advance{AdvanceApplication: a, State: AdvApplied}
	if a.Ground == GroundUninsuredEmployer {
		c.Steps = []Step{{Name: StepAdvRemind, Started: a.AppliedOn, Due: lim.Calendar.AddWorkdays(a.AppliedOn, lim.Advance.ReminderWorkdays)}}
	}
	c.Events = []Event{{Action: "apply", By: by, On: a.AppliedOn, To: string(AdvApplied)}}
	return c, nil
}

// AdvAction is a transition of an advance case.
type AdvAction interface {
	act() Act
	name() string
	applyAdv(c *Advance, by string, lim Limits) error
}

// Apply performs action x on a copy of c and returns the new case or an *Error. After every
// action the balance is checked never to be negative.
func (c Advance) Apply(x AdvAction, by string, lim Limits) (Advance, error) {
	n := c
	n.Entries, n.Steps, n.Events = slices.Clone(c.Entries), slices.Clone(c.Steps), slices.Clone(c.Events)
	if err := x.act().check(lastOn(c.Events)); err != nil {
		return c, err
	}
	from := n.State
	if err := x.applyAdv(&n, by, lim); err != nil {
		return c, err
	}
	if l := n.Ledger(); l.Balance < 0 || l.Balance-l.Pending < 0 {
		return c, invalid("amount", "the balance would be negative")
	}
	n.Events = append(n.Events, Event{Action: x.name(), By: by, On: x.act().On,
		From: string(from), To: string(n.State), Note: noteOf(x)})
	return n, nil
}

// Current returns the open step, if any.
func (c Advance) Current() (Step, bool) {
	if s := currentStep(c.Steps); s != nil {
		return *s, true
	}
	return Step{}, false
}

func advWrongState(action string, s AdvState) error {
	return invalid("state", "cannot %s an advance that is %s", action, s)
}

func (c *Advance) entry(k EntryKind, on Date, by string, amt money.Amount, note string) {
	c.Entries = append(c.Entries, Entry{Seq: len(c.Entries) + 1, Kind: k, On: on, Amount: amt, By: by, Note: note})
}

func positive(a money.Amount) error {
	if a <= 0 {
		return invalid("amount", "must be more than zero")
	}
	return nil
}

// NotifyEmployer sends the employer the written reminder: verify and pay within 5 working days,
// or the fund advances and acquires the right to be repaid (先行支付办法 Art. 7).
type NotifyEmployer struct{ Act }

func (NotifyEmployer) name() string { return "notify_employer" }
func (x NotifyEmployer) act() Act   { return x.Act }
func (x NotifyEmployer) applyAdv(c *Advance, by string, lim Limits) error {
	if c.State != AdvApplied || c.Ground != GroundUninsuredEmployer {
		return advWrongState("notify the employer of", c.State)
	}
	finishStep(c.Steps, x.On)
	c.NotifiedOn, c.PayBy = x.On, lim.Calendar.AddWorkdays(x.On, lim.Advance.EmployerPayWorkdays)
	c.Steps = append(c.Steps, Step{Name: StepAdvEmployer, Started: x.On, Due: c.PayBy})
	c.State = AdvNotified
	return nil
}

// EmployerPaid closes the case: the employer paid after the reminder; nothing is advanced.
type EmployerPaid struct{ Act }

func (EmployerPaid) name() string { return "employer_paid" }
func (x EmployerPaid) act() Act   { return x.Act }
func (x EmployerPaid) applyAdv(c *Advance, by string, _ Limits) error {
	if c.State != AdvNotified {
		return advWrongState("record the employer's payment on", c.State)
	}
	finishStep(c.Steps, x.On)
	c.State, c.CloseReason = AdvClosed, "employer paid"
	return nil
}

// RejectAdvance refuses the application with its reasons (先行支付办法 Art. 9).
type RejectAdvance struct {
	Act
	Reason string `json:"reason"`
}

func (RejectAdvance) name() string   { return "reject" }
func (x RejectAdvance) act() Act     { return x.Act }
func (x RejectAdvance) note() string { return x.Reason }
func (x RejectAdvance) applyAdv(c *Advance, by string, _ Limits) error {
	if c.State != AdvApplied && c.State != AdvNotified {
		return advWrongState("reject", c.State)
	}
	if strings.TrimSpace(x.Reason) == "" {
		return invalid("reason", "a rejection needs its reasons")
	}
	finishStep(c.Steps, x.On)
	c.State, c.CloseReason = AdvClosed, x.Reason
	return nil
}

// PayAdvance records money the fund advanced. For an uninsured employer only after the
// employer's time to pay has passed (先行支付办法 Art. 8); more may follow (ongoing treatment).
type PayAdvance struct {
	Act
	Amount money.Amount `json:"amount"`
	Items  string       `json:"items"` // the benefit items paid: only those the fund bears (Art. 8)
}

func (PayAdvance) name() string   { return "advance" }
func (x PayAdvance) act() Act     { return x.Act }
func (x PayAdvance) note() string { return x.Amount.String() + " " + x.Items }
func (x PayAdvance) applyAdv(c *Advance, by string, _ Limits) error {
	switch {
	case c.State == AdvApplied && c.Ground == GroundThirdParty, c.State == AdvAdvanced:
	case c.State == AdvNotified:
		if !x.On.After(c.PayBy) {
			return invalid("on", "the employer has until %s to pay", c.PayBy)
		}
	default:
		return advWrongState("advance on", c.State)
	}
	if err := positive(x.Amount); err != nil {
		return err
	}
	if strings.TrimSpace(x.Items) == "" {
		return invalid("items", "say which benefit items are advanced")
	}
	if c.State != AdvAdvanced {
		finishStep(c.Steps, x.On)
		c.Steps = append(c.Steps, Step{Name: StepAdvRecovery, Started: x.On})
	}
	c.entry(EntryAdvance, x.On, by, x.Amount, x.Items)
	c.State = AdvAdvanced
	return nil
}

// Demand records a demand for repayment sent to the debtor; it does not move the balance and
// may not ask for more than is owed.
type Demand struct {
	Act
	Amount money.Amount `json:"amount"`
	Note   string       `json:"note"`
}

func (Demand) name() string { return "demand" }
func (x Demand) act() Act   { return x.Act }
func (x Demand) applyAdv(c *Advance, by string, _ Limits) error {
	if c.State != AdvAdvanced {
		return advWrongState("demand repayment on", c.State)
	}
	if err := positive(x.Amount); err != nil {
		return err
	}
	if x.Amount > c.Ledger().Balance {
		return invalid("amount", "the demand exceeds the balance %s", c.Ledger().Balance)
	}
	c.entry(EntryDemand, x.On, by, x.Amount, x.Note)
	return nil
}

// Recover records money recovered; the case settles when nothing is owed or pending.
type Recover struct {
	Act
	Amount money.Amount `json:"amount"`
	Note   string       `json:"note"`
}

func (Recover) name() string   { return "recover" }
func (x Recover) act() Act     { return x.Act }
func (x Recover) note() string { return x.Amount.String() }
func (x Recover) applyAdv(c *Advance, by string, _ Limits) error {
	if c.State != AdvAdvanced {
		return advWrongState("record a recovery on", c.State)
	}
	if err := positive(x.Amount); err != nil {
		return err
	}
	c.entry(EntryRecovery, x.On, by, x.Amount, x.Note)
	c.settleIfPaid(x.On)
	return nil
}

func (c *Advance) settleIfPaid(on Date) {
	if l := c.Ledger(); l.Balance == 0 && l.Pending == 0 {
		finishStep(c.Steps, on)
		c.State = AdvSettled
	}
}

// ProposeWriteOff proposes writing off an uncollectable amount, with the reason; it counts
// only once a second person approves it.
type ProposeWriteOff struct {
	Act
	Amount money.Amount `json:"amount"`
	Reason string       `json:"reason"`
}

func (ProposeWriteOff) name() string   { return "propose_write_off" }
func (x ProposeWriteOff) act() Act     { return x.Act }
func (x ProposeWriteOff) note() string { return x.Reason }
func (x ProposeWriteOff) applyAdv(c *Advance, by string, _ Limits) error {
	if c.State != AdvAdvanced {
		return advWrongState("write off on", c.State)
	}
	if err := positive(x.Amount); err != nil {
		return err
	}
	if strings.TrimSpace(x.Reason) == "" {
		return invalid("reason", "a write-off needs its reason")
	}
	c.entry(EntryWriteOff, x.On, by, x.Amount, x.Reason)
	return nil
}

// ApproveWriteOff approves a proposed write-off; the approver must not be its proposer
// (four-eyes rule for giving up fund money).
type ApproveWriteOff struct {
	Act
	Seq int `json:"seq"`
}

func (ApproveWriteOff) name() string { return "approve_write_off" }
func (x ApproveWriteOff) act() Act   { return x.Act }
func (x ApproveWriteOff) applyAdv(c *Advance, by string, _ Limits) error {
	if c.State != AdvAdvanced {
		return advWrongState("approve a write-off on", c.State)
	}
	i := slices.IndexFunc(c.Entries, func(e Entry) bool { return e.Seq == x.Seq })
	if i < 0 || c.Entries[i].Kind != EntryWriteOff {
		return invalid("seq", "no proposed write-off %d", x.Seq)
	}
	e := &c.Entries[i]
	switch {
	case e.ApprovedBy != "":
		return invalid("seq", "write-off %d was approved by %s", x.Seq, e.ApprovedBy)
	case by == "" || by == e.By:
		return invalid("by", "a write-off is approved by a second person, not its proposer")
	}
	e.ApprovedBy, e.ApprovedOn = by, x.On
	c.settleIfPaid(x.On)
	return nil
}
