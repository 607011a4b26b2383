// Package benefittest runs the shared calculator cases (shared/testdata/calc, the examples of
// spec/calc-contract.md) against any path to the engine — the package, the CLI, later the API —
// comparing exactly what shared/check/contracts.sh compares, so all paths are held to one
// standard.
package benefittest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"wiis/internal/sharedtest"
)

// Case is one shared example: its name, the input bytes and the expected answer.
type Case struct {
	Name  string
	Input []byte
	Want  map[string]any
}

// Shared loads every shared case; the test is skipped (with the reason) when the folder is not
// there, and fails when it is there but empty or unreadable.
func Shared(t testing.TB) []Case {
	t.Helper()
	dir := sharedtest.Dir(t, "calc")
	files, _ := filepath.Glob(filepath.Join(dir, "*.case.json"))
	if len(files) == 0 {
		t.Fatalf("no *.case.json in %s", dir)
	}
	sort.Strings(files)
	var out []Case
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		wb, err := os.ReadFile(strings.TrimSuffix(f, ".case.json") + ".want.json")
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(wb, &want); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, Case{Name: strings.TrimSuffix(filepath.Base(f), ".case.json"), Input: in, Want: want})
	}
	return out
}

// Check compares an answer (the JSON printed on stdout, and the exit code: 0 or 2) with the
// expected one as contracts.sh does: own_wage, own_wage_rule, totals, and each item's code,
// payer, period, amount, months and dependent; for an expected error, exit 2 and the field.
func Check(t testing.TB, c Case, out []byte, exit int) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: answer is not JSON (exit %d): %s", c.Name, exit, out)
	}
	if we, ok := c.Want["error"].(map[string]any); ok {
		ge, _ := got["error"].(map[string]any)
		fields := strings.Split(we["field"].(string), "|")
		if exit != 2 || ge == nil || !contains(fields, ge["field"]) {
			t.Errorf("%s: want exit 2 and error field %v, got exit %d: %s", c.Name, we["field"], exit, out)
		}
		return
	}
	if exit != 0 {
		t.Errorf("%s: exit %d: %s", c.Name, exit, out)
	}
	for _, k := range []string{"own_wage", "own_wage_rule", "totals"} {
		if !reflect.DeepEqual(got[k], c.Want[k]) {
			t.Errorf("%s: %s = %v, want %v", c.Name, k, got[k], c.Want[k])
		}
	}
	if g, w := norm(got["items"]), norm(c.Want["items"]); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: items differ\n got  %v\n want %v", c.Name, g, w)
	}
}

func norm(items any) []map[string]any {
	list, _ := items.([]any)
	out := []map[string]any{}
	for _, it := range list {
		m, _ := it.(map[string]any)
		n := map[string]any{}
		for _, k := range []string{"code", "payer", "period", "amount", "months", "dependent"} {
			n[k] = m[k]
		}
		out = append(out, n)
	}
	return out
}

func contains(list []string, v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
