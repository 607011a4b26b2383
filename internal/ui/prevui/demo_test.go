package prevui

import (
	"testing"
	"time"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

func TestDemoSeedsAPreventionYearWithCasesInEveryStateOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := demo.SeedCity(ctx, db); err != nil {
			t.Fatal(err)
		}
		// The fund's demo posts the city's contributions; here last year's is enough.
		last := time.Now().Year() - 1
		for _, y := range []int{last - 1, last} {
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := ledger.Post(ctx, tx, audit.Actor{Username: "t"}, "collection", "t:"+itoa(int64(y)),
					fund.Income(demo.Region, day(y, 6, 30), "contributions", money.Yuan(72000000), "征缴"))
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if _, err := SeedDemo(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		ps, err := prevstore.ListProjects(ctx, db, demo.Region, 0)
		if err != nil || len(ps) != 4 {
			t.Fatalf("projects: %d %v", len(ps), err)
		}
		for _, p := range ps {
			if p.Spent <= 0 || p.Spent > p.Budget {
				t.Errorf("project %s spent %s of %s", p.Name, p.Spent, p.Budget)
			}
		}
		for _, y := range []int{last, last + 1} {
			if pos, err := prevstore.FeePosition(ctx, db, demo.Region, y); err != nil || pos.Spent > pos.Cap || pos.Spent == 0 {
				t.Errorf("%d position: %+v %v", y, pos, err)
			}
		}
		cs, err := prevstore.ListRehab(ctx, db, staff, demo.Region, "")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range cs {
			seen[c.State] = true
		}
		for _, st := range prevention.RehabStates {
			if !seen[string(st)] {
				t.Errorf("no demo case in state %s", st)
			}
		}
		ss, err := prevstore.RegionSuspects(ctx, db, staff, demo.Region)
		if err != nil || len(ss) < 2 {
			t.Errorf("suspects: %d %v", len(ss), err)
		}
		c, err := prevstore.GetCommittee(ctx, db, demo.Region, time.Now().Format(time.DateOnly))
		if err != nil || len(c.Members) != 5 || len(c.Meetings) != 2 {
			t.Errorf("committee: %d members, %d meetings, %v", len(c.Members), len(c.Meetings), err)
		}
		// Every page renders over the demo data.
		h := webtest.New(t, db)
		officer := h.As(auth.PreventionOfficer)
		pages := []string{"/prevention/targeting", "/prevention/committee", "/prevention/projects", "/prevention/projects/" + itoa(ps[0].ID),
			"/prevention/employers", "/prevention/figures", "/health", "/rehab", "/rehab/" + itoa(cs[0].ID), "/health/workers/" + cs[0].WorkerID,
			"/health/employers/" + ss[0].USCC, "/prevention/employers/" + ss[0].USCC}
		for _, p := range pages {
			if r := get(officer, p); r.Code != 200 {
				t.Errorf("%s: %d", p, r.Code)
			}
		}
		rt, err := prevstore.ReturnToWork(ctx, db, demo.Region, last, last+1, "region")
		if err != nil || len(rt) == 0 {
			t.Errorf("return to work: %+v %v", rt, err)
		}
	})
}
