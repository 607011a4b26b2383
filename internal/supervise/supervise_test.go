package supervise

import (
	"testing"

	"wiis/internal/apperr"
)

func rules() InstRules {
	var r InstRules
	r.Weights.Refusal, r.Weights.Cost, r.Weights.Complaints, r.Weights.OnTime = 30, 30, 20, 20
	r.RefusalZeroAt, r.CostZeroAt, r.ComplaintPoints, r.SettleDays = 2000, 15000, 5, 30
	r.Grades = []GradeRule{{"A", 900, EffectRenew}, {"B", 750, EffectRenew}, {"C", 600, EffectWarn}, {"D", 0, EffectTerminate}}
	return r
}

// The worked example of docs/supervision.md: 100,000.00 billed, 5,000.00 refused (5%); 20
// cases at 4,750.00 against peers' 4,000.00 (118.75%); two complaints; 18 of 20 settled on
// time. Refusal 300 × 1500/2000 = 225; cost 300 × 3125/5000 = 187 (187.5 down); complaints
// 200 − 2 × 50 = 100; on time 200 × 90% = 180; total 692 = 69.2 points: grade C, a warning.
func TestInstitutionScoreWorkedExample(t *testing.T) {
	in := InstIndicators{Billed: 10_000_000, Refused: 500_000, Cases: 20, Accepted: 9_500_000, PeerCost: 400_000,
		Complaints: 2, Settled: 20, OnTime: 18}
	in.Derive()
	if in.RefusalBP != 500 || in.CostPerCase != 475_000 || in.CostBP != 11875 || in.OnTimeBP != 9000 {
		t.Fatalf("derived %+v", in)
	}
	s, err := Assess(in, rules())
	if err != nil {
		t.Fatal(err)
	}
	want := Score{Refusal: 225, Cost: 187, Complaints: 100, OnTime: 180, Total: 692, Grade: "C", Effect: EffectWarn}
	if s != want {
		t.Errorf("score %+v, want %+v", s, want)
	}
}

func TestInstitutionScoreBounds(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    InstIndicators
		total int64
		grade string
	}{
		{"no bills is a clean year", InstIndicators{}, 1000, "A"},
		{"everything at its worst", InstIndicators{Billed: 100, Refused: 100, Cases: 1, Accepted: 200, PeerCost: 100, Complaints: 9, Settled: 4}, 0, "D"},
	} {
		c.in.Derive()
		s, _ := Assess(c.in, rules())
		if s.Total != c.total || s.Grade != c.grade {
			t.Errorf("%s: %+v", c.name, s)
		}
	}
}

func TestReferralStepsBelongToOneSide(t *testing.T) {
	if got := ActionsFor(RefReferred, SideInspectorate); len(got) != 1 || got[0] != "receive" {
		t.Errorf("inspectorate on a new referral: %v", got)
	}
	if got := ActionsFor(RefReceived, SideInspectorate); len(got) != 2 {
		t.Errorf("inspectorate on a received referral: %v", got)
	}
	if got := ActionsFor(RefResult, SideAgency); len(got) != 1 || got[0] != "close" {
		t.Errorf("agency after the result: %v", got)
	}
	if Overdue(RefResult, "2026-01-01", "2026-02-01") || !Overdue(RefInvestigating, "2026-01-01", "2026-01-02") || Overdue(RefReferred, "2026-01-01", "2026-01-01") {
		t.Error("overdue: only open referrals after the due day")
	}
}

func TestDistrictScoreCapsEachIndicatorAtItsTarget(t *testing.T) {
	e := Evaluate("341502", "金安区", map[Indicator]int64{InsuredPersons: 100, NewEmployers: 10}, map[Indicator]int64{InsuredPersons: 300, NewEmployers: 5})
	if e.Score != 7500 || e.Met != 1 || e.Figures[0].Progress != 30000 {
		t.Errorf("%+v", e)
	}
	es := []Evaluation{{Region: "b", Score: 5000}, {Region: "a", Score: 9000}, {Region: "c", Score: 5000}}
	Rank(es)
	if es[0].Region != "a" || es[1].Rank != 2 || es[2].Rank != 2 {
		t.Errorf("ranks %+v", es)
	}
}

func TestRetentionRefusesEarlyDisposal(t *testing.T) {
	until, _ := RetainUntil("2024-02-29", 50)
	if until != "2074-03-01" {
		t.Errorf("50 years from a leap day: %s", until)
	}
	if apperr.CodeOf(MayDispose(until, "2074-02-28")) != apperr.Conflict || MayDispose(until, "2074-03-01") != nil {
		t.Error("disposal allowed only from the day the period ends")
	}
}

func TestConclusionNeedsAMajority(t *testing.T) {
	ms := []Member{{Name: "a", Opinion: "x", Vote: "recognise"}, {Name: "b", Opinion: "x", Vote: "recognise"},
		{Name: "c", Opinion: "x", Vote: "not_recognise"}, {Name: "d", Opinion: "x", Vote: "not_recognise"}}
	if Conclude(ConfHeld, "recognise", "x", ms) == nil {
		t.Error("a tie is no majority")
	}
	if Conclude(ConfConvened, "recognise", "x", ms[:3]) == nil || Conclude(ConfHeld, "recognise", "x", ms[:3]) != nil {
		t.Error("held and majority")
	}
}
