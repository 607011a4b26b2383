package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wiis/internal/benefit/benefittest"
	"wiis/internal/cli"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// calcCLI runs `wiis args...` with stdin and returns stdout and the exit code.
func calcCLI(stdin string, args ...string) (string, int) {
	code, out, _ := runWith(stdin, nil, args...)
	return out, code
}

func TestCalcCommandAnswersEverySharedCase(t *testing.T) {
	for _, c := range benefittest.Shared(t) {
		t.Run(c.Name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "case.json")
			if err := os.WriteFile(f, c.Input, 0o600); err != nil {
				t.Fatal(err)
			}
			out, code := calcCLI("", "calc", f)
			benefittest.Check(t, c, []byte(out), code)
			out, code = calcCLI(string(c.Input), "calc", "-")
			benefittest.Check(t, c, []byte(out), code)
		})
	}
}

func TestCalcHelpExitsZeroInBothLanguages(t *testing.T) {
	out, code := calcCLI("", "calc", "-h")
	if code != 0 || !strings.Contains(out, "工伤待遇测算") || !strings.Contains(out, "calculate work-injury benefits") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestCalcBadInputExitsTwoWithTheFieldOnStdout(t *testing.T) {
	for in, field := range map[string]string{
		`{"injury_date": "2024-01-01", "grade": 5, "parms": {}}`: "parms",
		`not json`: "",
		`{"injury_date": "2024-01-01", "grade": 3, "own_wage": 1, "params": {"area_avg_wage": 1}}`: "params.min_wage",
	} {
		out, code := calcCLI(in, "calc", "-")
		var got struct {
			Error struct{ Field, Message, MessageZH string }
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != cli.ExitInvalid || got.Error.Field != field || got.Error.Message == "" {
			t.Errorf("%s: exit %d, stdout %s; want exit 2 and field %q", in, code, out, field)
		}
	}
	if _, code := calcCLI("", "calc", "/no/such/file.json"); code != cli.ExitInvalid {
		t.Errorf("a missing file: exit %d, want 2", code)
	}
}

// Without a region the command must not touch a database: an unusable --db proves it.
func TestCalcWithoutRegionNeedsNoDatabase(t *testing.T) {
	out, code := calcCLI(`{"injury_date": "2017-03-01", "self_care": "partial", "params": {"area_avg_wage": "4809.75"}}`,
		"calc", "--db", "nosuchengine:x", "-")
	if code != 0 || !strings.Contains(out, `"1442.93"`) {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestCalcWithRegionFillsParamsFromPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		out, code := calcCLI(`{"injury_date": "2017-03-01", "self_care": "partial", "region": "371000"}`, "calc", "--db", db.DSN, "-")
		if code != 0 || !strings.Contains(out, `"1442.93"`) || !strings.Contains(out, "4809.75") {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
}
