package riskstore

import (
	"context"
	"database/sql"
	"fmt"

	"wiis/internal/coverage"
	"wiis/internal/store"
)

// stream reads an ordered query in a goroutine and hands its rows over in batches, so the
// database driver decodes rows on one core while the rules run on the other.
type stream[T any] struct {
	ch    chan []T
	buf   []T
	pos   int
	done  bool
	errCh chan error
	e     error
}

const batchRows = 4096

func startStream[T any](ctx context.Context, db *store.DB, query string, scan func(*sql.Rows, *T) error) *stream[T] {
	s := &stream[T]{ch: make(chan []T, 4), errCh: make(chan error, 1)}
	go func() {
		defer close(s.ch)
		rows, err := db.Query(ctx, query)
		if err != nil {
			s.errCh <- err
			return
		}
		defer rows.Close()
		batch := make([]T, 0, batchRows)
		for rows.Next() {
			var v T
			if err := scan(rows, &v); err != nil {
				s.errCh <- err
				return
			}
			batch = append(batch, v)
			if len(batch) == batchRows {
				select {
				case s.ch <- batch:
				case <-ctx.Done():
					s.errCh <- ctx.Err()
					return
				}
				batch = make([]T, 0, batchRows)
			}
		}
		if err := rows.Err(); err != nil {
			s.errCh <- err
			return
		}
		if len(batch) > 0 {
			select {
			case s.ch <- batch:
			case <-ctx.Done():
				s.errCh <- ctx.Err()
				return
			}
		}
		s.errCh <- nil
	}()
	return s
}

// peek returns the current row without consuming it; ok is false at the end.
func (s *stream[T]) peek() (v T, ok bool) {
	for s.pos >= len(s.buf) {
		if s.done {
			return v, false
		}
		b, more := <-s.ch
		if !more {
			s.done = true
			s.e = <-s.errCh
			return v, false
		}
		s.buf, s.pos = b, 0
	}
	return s.buf[s.pos], true
}

// next consumes the current row.
func (s *stream[T]) next() { s.pos++ }

// err returns the error that ended the stream early, after peek reported the end.
func (s *stream[T]) err() error { return s.e }

// eventRow and taxRow carry key, the person's ID number as stored (sealed), beside id, the
// clear one: the database orders the streams by the stored value, so the merge compares that.
type eventRow struct {
	id, key, uscc string
	e             coverage.Event
}

func scanEvent(r *sql.Rows, v *eventRow) error {
	var kind, month string
	var base sql.NullInt64
	if err := r.Scan(&v.id, &v.uscc, &kind, &month, &v.e.RecordedOn, &base, &v.key); err != nil {
		return err
	}
	k, err := coverage.ParseKind(kind)
	if err != nil {
		return fmt.Errorf("%s %s: %w", v.id, v.uscc, err)
	}
	m, err := coverage.ParseMonth(month)
	if err != nil {
		return fmt.Errorf("%s %s: %w", v.id, v.uscc, err)
	}
	v.e.Kind, v.e.Month, v.e.Base, v.e.HasBase = k, m, base.Int64, base.Valid
	return nil
}

type taxRow struct {
	id, key, uscc string
	month         coverage.Month
}

func scanTax(r *sql.Rows, v *taxRow) error {
	var month string
	if err := r.Scan(&v.id, &v.uscc, &month, &v.key); err != nil {
		return err
	}
	m, err := coverage.ParseMonth(month)
	if err != nil {
		return fmt.Errorf("%s %s: %w", v.id, v.uscc, err)
	}
	v.month = m
	return nil
}
