package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"wiis/internal/cli"
	"wiis/internal/interchange"
	"wiis/internal/store"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), &cli.Env{Args: args, Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestRiskScanJSONIsOneSortedArrayOfRuleSubjectDetail(t *testing.T) {
	sample := "../../../../shared/testdata/interchange/sample"
	if _, err := os.Stat(sample); err != nil {
		t.Skip("shared sample not found")
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "w.db")
	db, err := store.OpenAndMigrate(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := interchange.ImportDir(context.Background(), db, sample, interchange.Options{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, _, _ := runCLI(t, "risk", "-h"); code != 0 {
		t.Fatalf("wiis risk -h exit %d", code)
	}
	code, out, stderr := runCLI(t, "risk", "scan", "--db", dsn, "--as-of", "2024-12", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not one JSON array: %v\n%s", err, out)
	}
	if len(got) != 27 {
		t.Errorf("%d alerts, want the sample's 27", len(got))
	}
	keys := make([]string, len(got))
	for i, a := range got {
		if len(a) != 3 || a["rule"] == "" || a["subject"] == "" || a["detail"] == "" {
			t.Errorf("alert %d: %v, want exactly rule, subject and detail", i, a)
		}
		keys[i] = a["rule"] + " " + a["subject"]
	}
	if !slices.IsSorted(keys) {
		t.Errorf("not sorted by rule then subject: %v", keys)
	}
	// A second scan prints the same alerts and stores none again.
	_, out2, stderr2 := runCLI(t, "risk", "scan", "--db", dsn, "--as-of", "2024-12", "--json")
	if out2 != out || !strings.Contains(stderr2, "新存 0") {
		t.Errorf("second scan differs or stored duplicates: %s", stderr2)
	}
	if code, out, _ := runCLI(t, "risk", "list", "--db", dsn); code != 0 || !strings.Contains(out, "共 27 条") {
		t.Errorf("risk list: exit %d\n%s", code, out)
	}
}
