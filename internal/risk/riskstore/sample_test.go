package riskstore

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"wiis/internal/coverage"
	"wiis/internal/interchange"
	"wiis/internal/sharedtest"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestSampleImportedGivesExactlyTheExpectedAlerts(t *testing.T) {
	dir := sharedtest.Dir(t, "interchange")
	var want []struct{ Rule, Subject string }
	b, err := os.ReadFile(filepath.Join(dir, "sample.expected_alerts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	var wantKeys []string
	for _, w := range want {
		wantKeys = append(wantKeys, w.Rule+" "+w.Subject)
	}
	slices.Sort(wantKeys)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := interchange.ImportDir(ctx, db, filepath.Join(dir, "sample"), interchange.Options{}); err != nil {
			t.Fatal(err)
		}
		asOf, _ := coverage.ParseMonth("2024-12")
		alerts, err := Scan(ctx, db, asOf)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range alerts {
			got = append(got, a.Rule+" "+a.Subject)
		}
		if !slices.Equal(got, wantKeys) {
			t.Errorf("alerts differ\n got  %v\n want %v", got, wantKeys)
		}
	})
}
