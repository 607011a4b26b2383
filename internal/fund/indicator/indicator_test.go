package indicator_test

import (
	"context"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/indicator"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// seed writes a small data set whose figures are worked out by hand in the comments of
// TestIndicatorsMatchHandComputedFigures. E1 and E2 are in Lu'an (E1 in its county Jin'an),
// E3 in Hefei, which the Lu'an figures must leave out.
func seed(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, ?, ?, ?, 'active')`, []any{"E1", "一厂", "341502", "C13"}},
		{`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, ?, ?, ?, 'active')`, []any{"E2", "二厂", "341500", "A01"}},
		{`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, ?, ?, ?, 'active')`, []any{"E3", "三厂", "340100", "C13"}},
	}
	ev := func(id, uscc, event, month string) {
		stmts = append(stmts, struct {
			q    string
			args []any
		}{`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES (?, ?, ?, ?, ?, 500000)`, []any{id, uscc, event, month, month + "-01"}})
	}
	ev("P1", "E1", "add", "2023-01")
	ev("P2", "E1", "add", "2024-01")
	ev("P2", "E1", "remove", "2024-03") // covered through March (the remove month), not April
	ev("P3", "E2", "add", "2024-02")
	ev("P1", "E2", "add", "2024-02") // a second employer: one person
	ev("P4", "E3", "add", "2023-06")
	row := func(q string, args ...any) {
		stmts = append(stmts, struct {
			q    string
			args []any
		}{q, args})
	}
	for _, c := range [][]any{{"E1", "2024-03", 30000}, {"E2", "2024-03", 15000}, {"E3", "2024-03", 99900}} {
		row(`INSERT INTO contributions_collected (uscc, month, amount, collected_on) VALUES (?, ?, ?, '2024-04-10')`, c...)
	}
	for _, p := range [][]any{{"P1", "x", "2024-03", 100000}, {"P1", "y", "2024-03", 50000}, {"S1", "survivor_pension", "2024-03", 80000}, {"P4", "x", "2024-03", 70000}, {"P1", "x", "2024-04", 100000}} {
		row(`INSERT INTO payments (id_number, item, month, amount) VALUES (?, ?, ?, ?)`, p...)
	}
	row(`INSERT INTO beneficiaries (id_number, name, item, monthly_amount, start_month, worker_id_number) VALUES ('S1', '遗属', 'survivor_pension', 80000, '2024-01', 'P2')`)
	rate := func(uscc, from string, class int, float, rate, status string) {
		row(`INSERT INTO employer_rates (uscc, effective_from, class, base_rate, float_factor, rate, status, proposed_by, created_at)
			VALUES (?, ?, ?, '0.007', ?, ?, ?, 'x', '2024-01-01T00:00:00Z')`, uscc, from, class, float, rate, status)
	}
	rate("E1", "2023-01-01", 3, "1", "0.007", "approved")
	rate("E1", "2024-01-01", 3, "1.2", "0.0084", "approved")
	rate("E2", "2024-03-01", 1, "1", "0.002", "approved")
	rate("E2", "2024-03-15", 1, "1.5", "0.0099", "proposed")
	for _, c := range [][]any{{"C1", "P1", "E1", "2024-03-05T10:00"}, {"C2", "P3", "E2", "2024-03-20T09:30"}, {"C3", "P4", "E3", "2024-03-01T08:00"}, {"C4", "P1", "E1", "2024-04-02T08:00"}} {
		row(`INSERT INTO claims (claim_no, id_number, uscc, injury_at) VALUES (?, ?, ?, ?)`, c...)
	}
	det := func(no, region, received string, closed any) {
		row(`INSERT INTO determination_cases (case_no, region, state, worker_id, employer_uscc, received_on, closed_on, data, created_at, updated_at)
			VALUES (?, ?, 'closed', 'P1', 'E1', ?, ?, '{}', 'x', 'x')`, no, region, received, closed)
	}
	det("D1", "341502", "2024-03-01", "2024-03-21") // 20 days
	det("D2", "341500", "2024-02-01", "2024-03-11") // 39 days
	det("D3", "341500", "2024-03-05", nil)          // open
	det("D4", "340100", "2024-03-01", "2024-03-02") // Hefei
	row(`INSERT INTO assessment_cases (id, case_no, region, kind, state, worker_id, applied_on, data, created_at, updated_at)
		VALUES (7, 'A1', '341500', 'initial', 'closed', 'P1', '2024-02-10', '{}', 'x', 'x')`)
	row(`INSERT INTO casework_events (entity, case_id, seq, at, actor, action, on_date, from_state, to_state) VALUES
		('assessment', 7, 1, 'x', 'x', 'conclude', '2024-03-10', 'reviewing', 'concluded')`) // 29 days
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s.q, s.args...); err != nil {
				t.Fatalf("%s: %v", s.q, err)
			}
		}
		sys := audit.Actor{Username: "system"}
		post := func(ref string, p fund.Posting) {
			if _, err := ledger.Post(ctx, tx, sys, "test", ref, p); err != nil {
				t.Fatal(err)
			}
		}
		post("opening", fund.Income("341500", "2023-01-31", "contributions", money.Yuan(30000), ""))
		for _, m := range []string{"2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02"} {
			post("lt"+m, fund.Expense("341500", m+"-20", "long_term", money.Yuan(1000), ""))
		}
		post("in", fund.Income("341500", "2024-03-31", "contributions", money.Yuan(10000), ""))
		post("med", fund.Expense("341500", "2024-03-15", "medical", money.Yuan(3000), ""))
		post("remit", fund.Expense("341500", "2024-03-31", "remittance_out", money.Yuan(500), ""))
		post("hefei", fund.Income("340100", "2024-03-31", "contributions", money.Yuan(7777), ""))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIndicatorsMatchHandComputedFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		ctx := context.Background()
		march, _ := indicator.Periods("month", "2024-03", "2024-03")
		series, err := indicator.Compute(ctx, db, "341500", march)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, s := range series {
			got[s.Key] = s.Points[0].Text
		}
		want := map[string]string{
			"insured_persons":         "3",       // P1, P2 (removed in March, still covered), P3
			"insured_employers":       "2",       // E1, E2
			"coverage_growth":         "200.00",  // 3 against 1 (P1) in March 2023
			"average_rate":            "0.520",   // (0.0084 + 0.002) ÷ 2; E2's proposal and E1's 2023 rate do not count
			"contribution_per_person": "150.00",  // (300 + 150) ÷ 3 person-months
			"benefit_recipients":      "2",       // P1, and S1 through the deceased worker P2; P4 is Hefei's
			"benefit_per_recipient":   "1150.00", // (1000 + 500 + 800) ÷ 2
			"accident_rate":           "666.67",  // claims C1, C2 ÷ 3 insured × 1000
			"determination_days":      "29.5",    // (20 + 39) ÷ 2; D3 open, D4 Hefei
			"assessment_days":         "29.0",    // 10 Feb → 10 Mar
			"float_up":                "0",
			"float_base":              "1", // E2 from 1 March
			"float_down":              "0",
			"fund_income":             "10000.00",
			"fund_expenditure":        "3000.00",  // the remittance is a pooling transfer
			"fund_balance":            "25500.00", // 30000 − 11 × 1000 + 10000 − 3000 − 500
			"support_months":          "21.9",     // 25500 ÷ (14000 ÷ 12 = 1166.67)
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s = %q, want %q", k, got[k], w)
			}
		}
		if len(got) != len(indicator.Defs) {
			t.Errorf("%d indicators computed, %d defined", len(got), len(indicator.Defs))
		}
		// A year: person-months Jan 2, Feb 3, Mar 3, Apr–Dec 2 × 9 = 26; 450 ÷ 26 = 17.31.
		year, _ := indicator.Periods("year", "2024", "2024")
		ys, err := indicator.Compute(ctx, db, "341500", year)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ys {
			switch s.Key {
			case "contribution_per_person":
				if s.Points[0].Text != "17.31" {
					t.Errorf("yearly contribution per person = %s, want 17.31", s.Points[0].Text)
				}
			case "float_up":
				if s.Points[0].Text != "1" { // E1 from 1 January
					t.Errorf("yearly float_up = %s", s.Points[0].Text)
				}
			case "insured_persons":
				if s.Points[0].Text != "2" { // December: P1, P3
					t.Errorf("December insured = %s", s.Points[0].Text)
				}
			}
		}
		// The province adds Hefei: P4 and E3.
		p, e, err := indicator.Insured(ctx, db, "34", "2024-03")
		if err != nil || p != 4 || e != 3 {
			t.Errorf("Anhui insured %d persons %d employers %v", p, e, err)
		}
	})
}

func TestAccidentRateByIndustryClass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		march, _ := indicator.Periods("month", "2024-03", "2024-03")
		rows, err := indicator.Accidents(context.Background(), db, "3415", march[0])
		if err != nil {
			t.Fatal(err)
		}
		// Class I (E2): P3 and P1 insured, claim C2; class III (E1): P1 and P2, claim C1. The
		// total counts P1 once: 2 claims ÷ 3 persons.
		want := []indicator.ClassRate{
			{Class: 1, Label: "一类", Insured: 2, Claims: 1, PerMille: "500.00"},
			{Class: 3, Label: "三类", Insured: 2, Claims: 1, PerMille: "500.00"},
			{Class: -1, Label: "合计", Insured: 3, Claims: 2, PerMille: "666.67"},
		}
		if len(rows) != len(want) {
			t.Fatalf("%+v", rows)
		}
		for i := range want {
			if rows[i] != want[i] {
				t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
			}
		}
	})
}

func TestCapacityRecommendsTheCutFromTheLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		c, err := indicator.Capacity(context.Background(), db, "3415", "2024-03")
		if err != nil {
			t.Fatal(err)
		}
		if c.Balance != money.Yuan(25500) || c.MonthlyAverage != money.MustParse("1166.67") || c.CutPercent != 20 {
			t.Fatalf("%+v", c)
		}
	})
}
