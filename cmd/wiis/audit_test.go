package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"wiis/internal/cli"
	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestAuditVerifyExitsOneNamingTheAlteredRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.SeedUsers(ctx, db); err != nil {
			t.Fatal(err)
		}
		run := func() (int, string) {
			var out bytes.Buffer
			code := cli.Main(ctx, &cli.Env{Args: []string{"audit", "verify", "--db", db.DSN}, Stdout: &out, Stderr: &out,
				Getenv: func(string) string { return "" }})
			return code, out.String()
		}
		if code, out := run(); code != 0 {
			t.Fatalf("intact: exit %d: %s", code, out)
		}
		var seq int64
		db.QueryRow(ctx, `SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET 3`).Scan(&seq)
		if _, err := db.Exec(ctx, `UPDATE audit_log SET actor = 'mallory' WHERE seq = ?`, seq); err != nil {
			t.Fatal(err)
		}
		code, out := run()
		if code != 1 || !strings.Contains(out, fmt.Sprintf("record %d", seq)) {
			t.Fatalf("tampered: exit %d: %s", code, out)
		}
	})
}
