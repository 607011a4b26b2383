package demo

import (
	"context"
	"fmt"
	"os"
	"time"

	"wiis/internal/interchange"
	"wiis/internal/phone"
	"wiis/internal/seal"
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
	return nil, seedContacts(ctx, db, d)
}

// seedContacts stores the city's contact phones, which no interchange file carries: checked by
// the same validator as a teller's input and written sealed, as every phone is.
func seedContacts(ctx context.Context, db *store.DB, d *Data) error {
	valid := func(p string) error {
		if n, err := phone.Normalize(p); err != nil || n != p {
			return fmt.Errorf("demo: generated phone %q is not canonical (%q, %v)", p, n, err)
		}
		return nil
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		for _, e := range d.Employers {
			if err := valid(e.Phone); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE employers SET contact_name = ?, phone = ? WHERE uscc = ?`, e.ContactName, seal.Secret(e.Phone), e.USCC); err != nil {
				return err
			}
		}
		for _, p := range d.Persons {
			if err := valid(p.Phone); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE persons SET phone = ? WHERE id_number = ?`, seal.Secret(p.Phone), p.ID); err != nil {
				return err
			}
		}
		return nil
	})
}
