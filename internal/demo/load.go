package demo

import (
	"context"
	"fmt"
	"os"
	"time"

	"wiis/internal/interchange"
	"wiis/internal/store"
)

func init() { Register("city", SeedCity) }

// Now is the demo's "today"; tests replace it for reproducible data.
var Now = time.Now

// SeedCity writes the generated city as interchange files and loads them through the ordinary
// import, so demo data passes the same validation as real data. The import is idempotent by
// natural key; a city already loaded is skipped quickly by its first employer.
func SeedCity(ctx context.Context, db *store.DB) ([]Login, error) {
	d := Generate(DefaultOptions(Now()))
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM employers WHERE uscc = ?`, d.Employers[0].USCC).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "wiis-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := d.WriteDir(dir); err != nil {
		return nil, err
	}
	rep, err := interchange.ImportDir(ctx, db, dir, interchange.Options{})
	if err != nil {
		return nil, err
	}
	if code := rep.ExitCode(); code != 0 {
		return nil, fmt.Errorf("the generated city has rejected rows (exit %d): %v", code, rep.Problems)
	}
	return nil, nil
}
