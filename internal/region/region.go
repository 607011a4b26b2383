// Package region reads the GB/T 2260 region tree (the regions table seeded by migration):
// names in Chinese and English, parents and children, so every page names a region the same
// way and walks the province → city → county tree through one piece of code.
package region

import (
	"context"
	"database/sql"
	"errors"

	"wiis/internal/store"
)

// Region is one node of the tree.
type Region struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
	Parent string `json:"parent,omitempty"`
	Level  int    `json:"level"` // 0 nation, 1 province, 2 city, 3 county
}

// Label is the name in lang ("en" for English, anything else Chinese), the code when unnamed.
func (r Region) Label(lang string) string {
	switch {
	case lang == "en" && r.NameEn != "":
		return r.NameEn
	case r.Name != "":
		return r.Name
	}
	return r.Code
}

const cols = `code, name, name_en, COALESCE(parent, ''), level`

func scan(s interface{ Scan(...any) error }) (Region, error) {
	var r Region
	err := s.Scan(&r.Code, &r.Name, &r.NameEn, &r.Parent, &r.Level)
	return r, err
}

// Get returns one region; a code not in the table comes back with only its code set (a valid
// GB/T 2260 code we hold no name for is still a region), with found false. The table is
// reference data (migrations write it), which the node keeps (store.Remember): the home page
// and many others name the user's region.
func Get(ctx context.Context, q store.Querier, code string) (r Region, found bool, err error) {
	type lookup struct {
		r     Region
		found bool
	}
	l, err := store.Remember(ctx, q, "regions", code, func(ctx context.Context, q store.Querier) (lookup, error) {
		r, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM regions WHERE code = ?`, code))
		if errors.Is(err, sql.ErrNoRows) {
			return lookup{Region{Code: code}, false}, nil
		}
		return lookup{r, err == nil}, err
	})
	return l.r, l.found, err
}

// Name is the label of code in lang, or the code itself when it is not in the table.
func Name(ctx context.Context, q store.Querier, code, lang string) string {
	r, _, err := Get(ctx, q, code)
	if err != nil {
		return code
	}
	return r.Label(lang)
}

// Children lists the regions directly under code, by code.
func Children(ctx context.Context, q store.Querier, code string) ([]Region, error) {
	return list(ctx, q, `SELECT `+cols+` FROM regions WHERE parent = ? ORDER BY code`, code)
}

// All lists the whole table by code.
func All(ctx context.Context, q store.Querier) ([]Region, error) {
	return list(ctx, q, `SELECT `+cols+` FROM regions ORDER BY code`)
}

func list(ctx context.Context, q store.Querier, query string, args ...any) ([]Region, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
