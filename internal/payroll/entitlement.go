package payroll

import (
	"errors"
	"sort"
	"time"

	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/retire"
)

// The long-term items the payroll pays (benefits.md).
const (
	DisabilityAllowance = "disability_allowance"
	NursingCare         = "nursing_care"
	SurvivorPension     = "survivor_pension"
	PensionGap          = "pension_gap"
)

// BackPaySuffix turns an item code into the item of its back pay line (payroll.md).
const BackPaySuffix = "_backpay"

// AmountFrom is one effective-dated amount of an entitlement: it is owed from From until the
// next amount's From. Amounts are only ever added, never overwritten, so the history of what
// was owed for any month stays answerable.
type AmountFrom struct {
	From   Month
	Amount money.Amount
	Seq    int64 // order of recording; of two amounts from the same month the later wins
	Reason string
}

// Suspension is an Art. 42 stop of payment (lost qualification, refused assessment or
// treatment) from a month, until To (0 = open). While it stands, the months it covers are not
// payable. Lifting it (Lifted) means the ground was cleared: the months become payable again
// and, once paid for, they are paid back (payroll.md). A suspension that simply ends (To set,
// not lifted) forfeits its months.
type Suspension struct {
	From, To Month
	Lifted   bool
	Reason   string
	// Cause classifies it: art42, certification (overdue, lifted by certifying) or
	// false_certification.
	Cause string
}

// Covers reports whether the suspension, unlifted, stops payment for month m.
func (s Suspension) Covers(m Month) bool {
	return !s.Lifted && m >= s.From && (s.To == 0 || m <= s.To)
}

// Entitlement is a long-term monthly benefit owed to one person (payroll.md). IDNumber is the
// payee; WorkerIDNumber the injured or deceased worker (the payee themself for allowances and
// nursing care).
type Entitlement struct {
	ID             int64
	IDNumber       string
	Name           string
	Item           string
	Grade          int    // 1–4 for disability_allowance
	SelfCare       string // full | most | partial, for nursing_care
	Relation       string // spouse, child, parent, ... for survivor_pension
	OrphanOrLone   bool
	Start, End     Month // End 0 = open
	BankAccount    string
	WorkerIDNumber string
	// UnableToWork is recorded for a child (or other minor-rule) survivor who is unable to
	// work, and keeps them paid past 18 (供养亲属范围规定 Art. 3).
	UnableToWork bool
	// Region is the GB/T 2260 code of the pooling region paying it ('' unknown): it selects
	// the certification policy and the fund unit.
	Region      string
	Amounts     []AmountFrom
	Suspensions []Suspension
}

// AmountAt returns the amount owed for month m under the amounts recorded so far (the latest
// amount from on or before m), and false when none applies yet.
func (e *Entitlement) AmountAt(m Month) (money.Amount, bool) {
	var best *AmountFrom
	for i := range e.Amounts {
		a := &e.Amounts[i]
		if a.From > m {
			continue
		}
		if best == nil || a.From > best.From || (a.From == best.From && a.Seq > best.Seq) {
			best = a
		}
	}
	if best == nil {
		return 0, false
	}
	return best.Amount, true
}

// SortAmounts orders the amount history by month and recording order.
func (e *Entitlement) SortAmounts() {
	sort.Slice(e.Amounts, func(i, j int) bool {
		a, b := e.Amounts[i], e.Amounts[j]
		if a.From != b.From {
			return a.From < b.From
		}
		return a.Seq < b.Seq
	})
}

// OpenIn reports whether the entitlement runs in month m (start ≤ m ≤ end or open).
func (e *Entitlement) OpenIn(m Month) bool {
	return m >= e.Start && (e.End == 0 || m <= e.End)
}

// Person is what the payroll knows about a payee beyond the entitlement: the death month (0
// when none is recorded) and the birth date from the GB 11643 ID number (zero if unreadable).
type Person struct {
	DeathMonth Month
	Birth      time.Time
}

// Why a month is not payable.
var (
	ErrNotStarted  = errors.New("before the start month")
	ErrEnded       = errors.New("after the end month")
	ErrDead        = errors.New("after the death month")
	ErrAdult       = errors.New("child survivor 18 or older and not recorded as unable to work")
	ErrSuspended   = errors.New("suspended (Art. 42)")
	ErrNoAmount    = errors.New("no amount in force")
	ErrNoBirthDate = errors.New("birth date unreadable from the ID number")
)

// MinorRuleRelations are the survivor relations paid only while under 18 unless unable to
// work. payroll.md names the child; 《因工死亡职工供养亲属范围规定》(MOLSS Decree 18) Art. 3
// applies the same limit to grandchildren and siblings, and we follow the decree.
var MinorRuleRelations = map[string]bool{"child": true, "grandchild": true, "sibling": true}

// AdultAge is the age from which a minor-rule survivor is no longer paid.
const AdultAge = 18

// Payable decides whether month m of the entitlement is paid (payroll.md, "A person receives
// the entitlement for month M when all hold"), returning nil or the reason it is not:
//
//   - start ≤ m ≤ end (or open);
//   - no death before m: the death month itself is paid (the benefit runs to the end of the
//     month of death, as pensions do), the month after is not;
//   - a minor-rule survivor is under 18 on the first day of m, unless unable to work;
//   - no unlifted suspension covers m.
func Payable(e *Entitlement, p Person, m Month) error {
	switch {
	case m < e.Start:
		return ErrNotStarted
	case e.End != 0 && m > e.End:
		return ErrEnded
	case p.DeathMonth != 0 && m > p.DeathMonth:
		return ErrDead
	}
	if e.Item == SurvivorPension && MinorRuleRelations[e.Relation] && !e.UnableToWork {
		if p.Birth.IsZero() {
			return ErrNoBirthDate
		}
		if retire.CompletedYears(p.Birth, m.FirstDay()) >= AdultAge {
			return ErrAdult
		}
	}
	for _, s := range e.Suspensions {
		if s.Covers(m) {
			return ErrSuspended
		}
	}
	if _, ok := e.AmountAt(m); !ok {
		return ErrNoAmount
	}
	return nil
}

// Owed returns what the entitlement owes for month m: its amount when payable, else zero.
func Owed(e *Entitlement, p Person, m Month) money.Amount {
	if Payable(e, p, m) != nil {
		return 0
	}
	a, _ := e.AmountAt(m)
	return a
}

// BirthFromID returns the birth date encoded in a GB 11643-1999 ID number, or the zero time
// when the number is not valid (idcode.BirthDate: check character included).
func BirthFromID(id string) time.Time {
	t, err := idcode.BirthDate(id)
	if err != nil {
		return time.Time{}
	}
	return t
}
