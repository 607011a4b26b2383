package riskstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"wiis/internal/coverage"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestScansNeverDuplicateAnOpenAlertAndRememberClosedFalseAlarmsByEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 1, 5, 9, 0, 0, 0, time.UTC)
		f := newFx(t, db)
		f.market("E1", "active")
		f.tax("E1", "P01", "2024-10")
		f.claim("C1", "P02", "E1", "2024-06-11T11:00", "XM1", "")
		asOf, _ := coverage.ParseMonth("2024-12")
		save := func() SaveSummary {
			t.Helper()
			alerts, err := Scan(ctx, db, asOf)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := Save(ctx, db, asOf, alerts, now)
			if err != nil {
				t.Fatal(err)
			}
			return sum
		}
		if s := save(); s.New != 2 {
			t.Fatalf("first scan: %+v, want 2 new", s)
		}
		if s := save(); s.New != 0 || s.AlreadyOpen != 2 {
			t.Fatalf("second scan: %+v, want the 2 already open", s)
		}
		list, err := List(ctx, db, Filter{Rule: "R07"})
		if err != nil || len(list) != 1 {
			t.Fatalf("list R07: %v %+v", err, list)
		}
		a := list[0]
		// Work it to its close as a false alarm.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := Assign(ctx, tx, a.ID, a.Version, "inspector1", now); err != nil {
				return err
			}
			if err := StartInvestigation(ctx, tx, a.ID, a.Version+1, now); err != nil {
				return err
			}
			if _, err := AddNote(ctx, tx, a.ID, "inspector1", "个税为劳务报酬，非雇佣关系", now); err != nil {
				return err
			}
			return Close(ctx, tx, a.ID, a.Version+2, OutcomeFalseAlarm, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Get(ctx, db, a.ID)
		if err != nil || got.Status != StatusClosed || got.Outcome != OutcomeFalseAlarm || got.Assignee != "inspector1" ||
			len(got.Notes) != 1 || got.Version != a.Version+3 {
			t.Fatalf("closed alert: %v %+v", err, got)
		}
		// The same evidence is not raised again...
		if s := save(); s.New != 0 || s.Suppressed != 1 || s.AlreadyOpen != 1 {
			t.Fatalf("after the false alarm: %+v, want it suppressed", s)
		}
		// ...new evidence is.
		f.tax("E1", "P03", "2024-11")
		if s := save(); s.New != 1 || s.Suppressed != 0 {
			t.Fatalf("new evidence: %+v, want a new alert", s)
		}
		// The open R10 alert whose evidence changes takes the new evidence.
		f.exec(`UPDATE claims SET reported_at = '2024-06-20T10:00' WHERE claim_no = 'C1'`)
		if s := save(); s.Refreshed != 1 {
			t.Fatalf("changed evidence: %+v, want the open alert refreshed", s)
		}
	})
}

func TestAlertWorkflowRejectsStaleVersionsAndChangesToClosedAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 1, 5, 9, 0, 0, 0, time.UTC)
		f := newFx(t, db)
		f.claim("C1", "P02", "E1", "2024-06-11T11:00", "XM1", "")
		asOf, _ := coverage.ParseMonth("2024-12")
		alerts, err := Scan(ctx, db, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Save(ctx, db, asOf, alerts, now); err != nil {
			t.Fatal(err)
		}
		list, _ := List(ctx, db, Filter{})
		a := list[0]
		in := func(fn func(tx *store.Tx) error) error { return db.InTx(ctx, fn) }
		if err := in(func(tx *store.Tx) error { return StartInvestigation(ctx, tx, a.ID, a.Version, now) }); !errors.Is(err, ErrInvalid) {
			t.Errorf("investigating an unassigned alert: %v, want ErrInvalid", err)
		}
		if err := in(func(tx *store.Tx) error { return Assign(ctx, tx, a.ID, a.Version, "甲", now) }); err != nil {
			t.Fatal(err)
		}
		if err := in(func(tx *store.Tx) error { return Assign(ctx, tx, a.ID, a.Version, "乙", now) }); !errors.Is(err, ErrConflict) {
			t.Errorf("stale version: %v, want ErrConflict", err)
		}
		if err := in(func(tx *store.Tx) error { return Close(ctx, tx, a.ID, a.Version+1, "maybe", now) }); !errors.Is(err, ErrInvalid) {
			t.Errorf("unknown outcome: %v, want ErrInvalid", err)
		}
		if err := in(func(tx *store.Tx) error { return Close(ctx, tx, a.ID, a.Version+1, OutcomeConfirmed, now) }); err != nil {
			t.Fatal(err)
		}
		if err := in(func(tx *store.Tx) error { return Assign(ctx, tx, a.ID, a.Version+2, "乙", now) }); !errors.Is(err, ErrInvalid) {
			t.Errorf("assigning a closed alert: %v, want ErrInvalid", err)
		}
		if _, err := Get(ctx, db, 999999); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing alert: %v, want ErrNotFound", err)
		}
		if closed, _ := List(ctx, db, Filter{Status: StatusClosed}); len(closed) != 1 || closed[0].Outcome != OutcomeConfirmed {
			t.Errorf("closed list: %+v", closed)
		}
	})
}
