// Package supstore stores the supervision work of internal/supervise and offers the services
// the pages, the API and the demo call (issue 13): inspection referrals and their results,
// targets and the progress computed from the data, institution assessments with four-eyes
// approval, case conferences that drive the case, and the electronic archive with its
// retention, integrity check and read log.
//
// Every change is one transaction with its audit record (internal/audit). Errors are
// *apperr.Error: invalid (a field), not_found, conflict (a stale version, a refused
// transition, a document still under retention), forbidden (four-eyes); anything else is an
// internal failure.
package supstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/store"
	"wiis/internal/supervise"
)

// Service is the supervision service over one database.
type Service struct {
	DB  *store.DB
	Now func() time.Time // nil: time.Now; tests and the demo fix it
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today is the service's business date.
func (s *Service) Today() string { return supervise.Today(s.now()) }

func (s *Service) stamp() string { return s.now().UTC().Format("2006-01-02T15:04:05Z") }

func (s *Service) audit(ctx context.Context, tx *store.Tx, by audit.Actor, action, entity string, id int64, before, after any) error {
	_, err := audit.Append(ctx, tx, audit.Record{At: s.now(), Action: action, Entity: entity,
		EntityID: strconv.FormatInt(id, 10), Before: before, After: after}.By(by))
	return err
}

// prefix turns a region into the prefix of the codes under it (for store.CodePrefix): 341500 →
// 3415.
func prefix(region string) string {
	for len(region) >= 2 && region[len(region)-2:] == "00" {
		region = region[:len(region)-2]
	}
	return region
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundf("sup.err.not_found")
	}
	return err
}

func nullStr(ns sql.NullString) string { return ns.String }

func nullIf(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func stale() error { return apperr.Conflictf("version", "sup.err.stale") }
