// Package sharedtest finds the shared test data with expected answers (../shared/testdata
// beside the repository, spec/README.md), so every test that checks a public contract reads the
// same files from wherever the repository is checked out. Outside CI a missing folder skips the
// test with the reason; in CI (CI set) it fails, so a contract test can never pass by skipping.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Find returns the path of shared/testdata/sub by walking up from the working directory (or
// WIIS_TESTDATA/sub when set), or "" when there is none.
func Find(sub string) string {
	if d := os.Getenv("WIIS_TESTDATA"); d != "" {
		return filepath.Join(d, sub)
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		d := filepath.Join(dir, "shared", "testdata", sub)
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Dir returns shared/testdata/sub, skipping the test when it is absent outside CI and failing
// it in CI.
func Dir(t testing.TB, sub string) string {
	t.Helper()
	d := Find(sub)
	if d != "" {
		return d
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("shared/testdata/%s not found beside the repository (set WIIS_TESTDATA)", sub)
	}
	t.Skipf("shared/testdata/%s not found beside the repository (set WIIS_TESTDATA)", sub)
	return ""
}
