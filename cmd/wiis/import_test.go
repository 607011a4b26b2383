package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wiis/internal/cli"
)

func runWiis(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	db := "sqlite:" + filepath.Join(t.TempDir(), "w.db")
	env := &cli.Env{Args: args, Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "WIIS_DB" {
			return db
		}
		return ""
	}}
	code := cli.Main(context.Background(), env)
	return code, out.String() + errb.String()
}

func TestImportExitCodesFollowInterchangeSpec(t *testing.T) {
	sample := "../../../shared/testdata/interchange/sample"
	if _, err := os.Stat(sample); err != nil {
		t.Skip("shared sample not found")
	}
	report := filepath.Join(t.TempDir(), "r.txt")
	code, out := runWiis(t, "import", "--report", report, sample)
	if code != cli.ExitPartial || strings.Count(out, "enrollment_events.csv:10") != 5 {
		t.Fatalf("sample: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(report); !bytes.Contains(b, []byte("enrollment_events.csv:1048: event:")) {
		t.Fatalf("report file: %s", b)
	}

	good := t.TempDir()
	os.WriteFile(filepath.Join(good, "persons.csv"), []byte("id_number,name\n11010519491231002X,甲\n"), 0o644)
	if code, out := runWiis(t, "import", "--report", report, good); code != cli.ExitOK {
		t.Fatalf("all valid: exit %d\n%s", code, out)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "persons.csv"), []byte("id,name\n"), 0o644)
	if code, out := runWiis(t, "import", "--report", report, bad); code != cli.ExitInvalid || !strings.Contains(out, "persons.csv:1: header:") {
		t.Fatalf("bad header: exit %d\n%s", code, out)
	}
	if code, _ := runWiis(t, "import", filepath.Join(bad, "missing")); code != cli.ExitInvalid {
		t.Fatalf("missing folder: exit %d", code)
	}
	if code, out := runWiis(t, "import", "-h"); code != cli.ExitOK || !strings.Contains(out, "wiis import") {
		t.Fatalf("help: exit %d", code)
	}
}
