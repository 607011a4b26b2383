package counterstore_test

import (
	"context"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestTheCatalogueDrivesTheCounterAndReviewIsFourEyes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		teller := audit.Actor{Username: "teller1"}
		items, err := counterstore.Items(ctx, db, true)
		if err != nil || len(items) < 20 {
			t.Fatalf("seeded catalogue: %d items, %v", len(items), err)
		}
		now := time.Date(2024, 11, 29, 2, 0, 0, 0, time.UTC) // Friday 10:00 in Shanghai
		// An immediate item is done at once.
		tk, err := counterstore.Open(ctx, db, teller, []string{"teller"}, "GS0103", "91341502MA2N00001X", "341502", "", []string{"职工身份证件"}, now)
		if err != nil || tk.State != counter.StateDone || tk.No != "341502-20241129-0001" {
			t.Fatalf("immediate: %+v %v", tk, err)
		}
		// A back-office item needs every material, named when missing.
		_, err = counterstore.Open(ctx, db, teller, []string{"teller"}, "GS0202", "341502198505050011", "341502", "", []string{"工伤认定申请表"}, now)
		if e := apperr.As(err); e == nil || e.Field != "materials" {
			t.Fatalf("missing materials: %v", err)
		}
		// A role not in the item's list cannot start it.
		_, err = counterstore.Open(ctx, db, teller, []string{"fund_officer"}, "GS0202", "x", "341502", "", nil, now)
		if apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("wrong role: %v", err)
		}
		tk, err = counterstore.Open(ctx, db, teller, []string{"teller"}, "GS0202", "341502198505050011", "341502", "", []string{"工伤认定申请表", "劳动关系证明", "医疗诊断证明或职业病诊断证明"}, now)
		if err != nil || tk.State != counter.StatePending || tk.No != "341502-20241129-0002" {
			t.Fatalf("back office: %+v %v", tk, err)
		}
		if _, err := counterstore.Review(ctx, db, teller, tk.ID, tk.Version, counter.StateDone, "", now); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("self-review: %v", err)
		}
		rv := audit.Actor{Username: "reviewer1"}
		done, err := counterstore.Review(ctx, db, rv, tk.ID, tk.Version, counter.StateDone, "", now.Add(48*time.Hour))
		if err != nil || done.State != counter.StateDone {
			t.Fatal(err)
		}
		// A second reviewer with the stale version is told, not applied.
		if _, err := counterstore.Review(ctx, db, audit.Actor{Username: "reviewer2"}, tk.ID, tk.Version, counter.StateRejected, "x", now); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale review: %v", err)
		}
		f, err := counterstore.Figures(ctx, db, "3415", now.AddDate(0, 0, -1), now.AddDate(0, 0, 1), now.Add(72*time.Hour))
		if err != nil || f.Handled != 2 || f.OnTime != 2 || f.Backlog != 0 {
			t.Fatalf("figures %+v %v", f, err)
		}
		ids, err := counterstore.SampleDay(ctx, db, rv, "3415", now.In(time.FixedZone("CST", 8*3600)), 100, 7)
		if err != nil || len(ids) != 1 {
			t.Fatalf("sample %v %v", ids, err)
		}
		// The catalogue is editable data.
		it, _ := counterstore.Item(ctx, db, "GS0402")
		it.LimitDays = 3
		it.Class = counter.BackOffice
		if err := counterstore.SaveItem(ctx, db, audit.Actor{Username: "admin"}, it); err != nil {
			t.Fatal(err)
		}
		it.Class = "somewhere"
		if err := counterstore.SaveItem(ctx, db, audit.Actor{Username: "admin"}, it); apperr.As(err) == nil || apperr.As(err).Field != "class" {
			t.Fatalf("bad class: %v", err)
		}
	})
}
