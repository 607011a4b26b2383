package prevention

import (
	"strings"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/money"
)

func TestPreventionSpendingWithinAndOverTheCap(t *testing.T) {
	y := money.Yuan
	refuse := FeePolicy{CapPct: "3", MinPct: "1.6", TrainingPct: "70"}
	flag := refuse
	flag.OverCap = "flag"
	// Last year's income 1,000,000 yuan: cap 30,000; 25,000 spent, 20,000 of it training.
	s, err := CheckSpend(refuse, y(1000000), y(25000), y(20000), y(5000), true)
	if err != nil || s.Flagged || s.Position.Cap != y(30000) || s.Position.Spent != y(30000) || s.Position.Training != y(25000) {
		t.Fatalf("exactly at the cap: %+v %v", s, err)
	}
	if len(s.Position.Warnings) != 0 {
		t.Errorf("at the cap with 83%% training: no warning expected, got %v", s.Position.Warnings)
	}
	_, err = CheckSpend(refuse, y(1000000), y(25000), y(20000), y(5000)+1, true)
	if e := apperr.As(err); e.Code != apperr.Invalid || e.Field != "amount" {
		t.Fatalf("one fen over the cap must be refused: %v", err)
	}
	s, err = CheckSpend(flag, y(1000000), y(25000), y(20000), y(6000), false)
	if err != nil || !s.Flagged || len(s.Position.Warnings) == 0 {
		t.Fatalf("over the cap under a flag policy: %+v %v", s, err)
	}
	// Training share: 20,000 of 31,000 is under 70%.
	if !strings.Contains(strings.Join(s.Position.Warnings, ";"), "培训") {
		t.Errorf("the training share warning is missing: %v", s.Position.Warnings)
	}
	if _, err := CheckSpend(FeePolicy{}, y(1), 0, 0, y(1), false); apperr.As(err).Field != "prevention_fee" {
		t.Errorf("no cap in force: %v", err)
	}
	if _, err := CheckSpend(refuse, y(1), 0, 0, 0, false); apperr.As(err).Field != "amount" {
		t.Errorf("zero amount: %v", err)
	}
}

func TestTrainingShareCountsTrainingAndExperienceProjects(t *testing.T) {
	for typ, want := range map[string]bool{"training": true, "experience": true, "publicity": false, "checkup": false, "supply_chain": false} {
		if IsTraining(typ) != want {
			t.Errorf("%s: IsTraining %v", typ, !want)
		}
	}
}

func TestProjectValidationNamesTheField(t *testing.T) {
	ok := Project{Region: "320400", Year: 2025, Name: "建筑业安全培训", Type: "training", Provider: "常州安培中心", Budget: money.Yuan(100000), StartOn: "2025-03-01", EndOn: "2025-06-30"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, mut := range map[string]func(*Project){
		"name": func(p *Project) { p.Name = "" }, "type": func(p *Project) { p.Type = "party" },
		"provider": func(p *Project) { p.Provider = "" }, "budget": func(p *Project) { p.Budget = 0 },
		"start_on": func(p *Project) { p.StartOn = "2025/03/01" }, "end_on": func(p *Project) { p.EndOn = "2025-02-01" },
		"year": func(p *Project) { p.Year = 2024 },
	} {
		p := ok
		mut(&p)
		if apperr.As(p.Validate()).Field != field {
			t.Errorf("%s: got %v", field, p.Validate())
		}
	}
}
