package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"wiis/internal/interchange"
	"wiis/internal/sharedtest"
	"wiis/internal/store"
)

func TestRiskScanJSONIsOneSortedArrayOfRuleSubjectDetail(t *testing.T) {
	sample := filepath.Join(sharedtest.Dir(t, "interchange"), "sample")
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "w.db")
	db, err := store.OpenAndMigrate(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := interchange.ImportDir(context.Background(), db, sample, interchange.Options{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, _, _ := run("risk", "-h"); code != 0 {
		t.Fatalf("wiis risk -h exit %d", code)
	}
	code, out, stderr := run("risk", "scan", "--db", dsn, "--as-of", "2024-12", "--json")
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
	_, out2, stderr2 := run("risk", "scan", "--db", dsn, "--as-of", "2024-12", "--json")
	if out2 != out || !strings.Contains(stderr2, "新存 0") {
		t.Errorf("second scan differs or stored duplicates: %s", stderr2)
	}
	if code, out, _ := run("risk", "list", "--db", dsn); code != 0 || !strings.Contains(out, "共 27 条") {
		t.Errorf("risk list: exit %d\n%s", code, out)
	}
}
