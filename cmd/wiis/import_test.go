package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wiis/internal/cli"
	"wiis/internal/sharedtest"
)

// importCLI runs `wiis args...` against a fresh SQLite database and returns the exit code
// and everything printed.
func importCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, out, errOut := runWith("", map[string]string{"WIIS_DB": "sqlite:" + filepath.Join(t.TempDir(), "w.db")}, args...)
	return code, out + errOut
}

func TestImportExitCodesFollowInterchangeSpec(t *testing.T) {
	sample := filepath.Join(sharedtest.Dir(t, "interchange"), "sample")
	report := filepath.Join(t.TempDir(), "r.txt")
	code, out := importCLI(t, "import", "--report", report, sample)
	if code != cli.ExitPartial || strings.Count(out, "enrollment_events.csv:10") != 5 {
		t.Fatalf("sample: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(report); !bytes.Contains(b, []byte("enrollment_events.csv:1048: event:")) {
		t.Fatalf("report file: %s", b)
	}

	good := t.TempDir()
	os.WriteFile(filepath.Join(good, "persons.csv"), []byte("id_number,name\n11010519491231002X,甲\n"), 0o644)
	if code, out := importCLI(t, "import", "--report", report, good); code != cli.ExitOK {
		t.Fatalf("all valid: exit %d\n%s", code, out)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "persons.csv"), []byte("id,name\n"), 0o644)
	if code, out := importCLI(t, "import", "--report", report, bad); code != cli.ExitInvalid || !strings.Contains(out, "persons.csv:1: header:") {
		t.Fatalf("bad header: exit %d\n%s", code, out)
	}
	if code, _ := importCLI(t, "import", filepath.Join(bad, "missing")); code != cli.ExitInvalid {
		t.Fatalf("missing folder: exit %d", code)
	}
	if code, out := importCLI(t, "import", "-h"); code != cli.ExitOK || !strings.Contains(out, "wiis import") {
		t.Fatalf("help: exit %d", code)
	}
}
