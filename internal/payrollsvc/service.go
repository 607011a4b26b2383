// Package payrollsvc stores long-term entitlements and runs the monthly payroll of
// spec/payroll.md on SQLite or PostgreSQL: syncing entitlements from the imported
// beneficiaries, the resumable and idempotent run, the bank file, adjustments with back pay,
// Art. 42 suspensions, and the four-eyes workflow (computed → approved → exported →
// reconciled). The rules themselves live in internal/payroll; this package feeds them rows and
// stores what they decide.
package payrollsvc

import (
	"context"
	"errors"
	"time"

	"wiis/internal/store"
)

// Errors the service returns (wrapped, test with errors.Is).
var (
	// ErrNotFound: the run or entitlement does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the object is not in the state the action needs, or another user changed
	// it first (optimistic versioning); nothing was changed.
	ErrConflict = errors.New("conflict")
	// ErrFourEyes: the approver prepared the run or proposed the write-off (security.md,
	// 双人复核).
	ErrFourEyes = errors.New("the person who prepared a payroll run or proposed a write-off cannot approve it")
	// ErrInvalid: bad input; the message names the field.
	ErrInvalid = errors.New("invalid")
)

// AuditEvent describes one change of state, for the audit log (security.md).
type AuditEvent struct {
	Actor    string
	Action   string // e.g. payroll.run.approve
	Entity   string // e.g. payroll_run
	EntityID string
	Before   any
	After    any
}

// AuditFunc appends an audit record inside the transaction that makes the change, so the
// record and the change commit or roll back together. The audit package plugs in here.
type AuditFunc func(ctx context.Context, tx *store.Tx, ev AuditEvent) error

// Service runs the payroll on one database.
type Service struct {
	DB *store.DB
	// Audit, when set, is called in every transaction that changes a run, an entitlement or
	// applies an adjustment.
	Audit AuditFunc
	// Hold, when set, names the payees whose lines a run holds back instead of paying, with
	// the reason shown on the run (HoldFunc; riskstore.PayrollHolds for open R03 alerts).
	Hold HoldFunc
	// BatchSize is the number of entitlements per committed batch of a run (default 10,000:
	// the measured sweet spot for SQLite inserts, design.md).
	BatchSize int
	// Region is the GB/T 2260 code of the agency's pooling region: the region of synced
	// entitlements whose worker's employer is not known (see migration 00051). Empty leaves
	// them without a region, so no certification policy applies to them.
	Region string
	// Matcher is the region's identity-matching service for self-certification.
	Matcher IdentityMatcher
	// Now gives the time stamps (default time.Now; tests pin it).
	Now func() time.Time
	// afterBatch is a test hook called after each committed batch; an error stops the run
	// there, as a crash would.
	afterBatch func(batch int) error
}

// New returns a service on db with the defaults.
func New(db *store.DB) *Service { return &Service{DB: db} }

func (s *Service) now() string {
	t := time.Now
	if s.Now != nil {
		t = s.Now
	}
	return t().UTC().Format("2006-01-02T15:04:05Z")
}

func (s *Service) batchSize() int {
	if s.BatchSize > 0 {
		return s.BatchSize
	}
	return 10000
}

func (s *Service) audit(ctx context.Context, tx *store.Tx, ev AuditEvent) error {
	if s.Audit == nil {
		return nil
	}
	return s.Audit(ctx, tx, ev)
}
