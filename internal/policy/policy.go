// Package policy answers "what is the rule here, then?": region-scoped, effective-dated
// parameters (design.md: policy is data). A value set for a province applies to its cities and
// counties unless one of them overrides it; the value in force on a date is the one with the
// latest effective date not after that date, taken from the most specific region that has one
// in force. National defaults live under region "000000" and are seeded by migrations.
//
// Values are JSON so one table holds money ("4809.75"), month tables ({"5": 24}), rates and
// enumerations; each consumer decodes the parameters it knows into typed Go values.
package policy

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"wiis/internal/store"
)

// National is the region code under which national defaults are stored.
const National = "000000"

// Value is one effective-dated parameter value.
type Value struct {
	Region        string          `json:"region"`
	Param         string          `json:"param"`
	EffectiveFrom string          `json:"effective_from"` // YYYY-MM-DD
	Raw           json.RawMessage `json:"value"`
	Note          string          `json:"note,omitempty"`
	CreatedBy     string          `json:"created_by,omitempty"`
	CreatedAt     string          `json:"created_at,omitempty"`
}

// Chain returns the region and its ancestors, most specific first, ending with National:
// 341502 → 341500 → 340000 → 000000. GB/T 2260 encodes the tree in the digits.
func Chain(region string) []string {
	if len(region) != 6 || region == National {
		return []string{National}
	}
	out := []string{region}
	city := region[:4] + "00"
	prov := region[:2] + "0000"
	if city != region {
		out = append(out, city)
	}
	if prov != city {
		out = append(out, prov)
	}
	return append(out, National)
}

// Resolve picks, from candidate values of one parameter, the value in force in region on date
// (YYYY-MM-DD). It is the pure rule behind Get, kept separate so it can be tested by the table.
func Resolve(values []Value, region, on string) (Value, bool) {
	for _, r := range Chain(region) {
		var best *Value
		for i := range values {
			v := &values[i]
			if v.Region != r || v.EffectiveFrom > on {
				continue
			}
			if best == nil || v.EffectiveFrom > best.EffectiveFrom {
				best = v
			}
		}
		if best != nil {
			return *best, true
		}
	}
	return Value{}, false
}

// Get returns the value of param in force in region on date (YYYY-MM-DD). Outside a
// transaction the values of param for region and its ancestors are reference data the node
// keeps for a few seconds (store.Remember); a value put through this node is seen at once.
func Get(ctx context.Context, q store.Querier, region, param, on string) (Value, bool, error) {
	vals, err := store.Remember(ctx, q, "policy_values", param+"|"+region, func(ctx context.Context, q store.Querier) ([]Value, error) {
		return chainValues(ctx, q, region, param)
	})
	if err != nil {
		return Value{}, false, err
	}
	v, ok := Resolve(vals, region, on)
	return v, ok, nil
}

// chainValues reads every value of param set for region or one of its ancestors, of any date.
func chainValues(ctx context.Context, q store.Querier, region, param string) ([]Value, error) {
	chain := Chain(region)
	args := []any{param}
	for _, c := range chain {
		args = append(args, c)
	}
	rows, err := q.Query(ctx, `SELECT region, param, effective_from, value, note, created_by, created_at
		FROM policy_values WHERE param = ? AND region IN (`+store.Placeholders(len(chain))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("policy: get %s: %w", param, err)
	}
	return scan(rows)
}

// Decode reads the value of param in force into dst; found is false when none is in force.
func Decode(ctx context.Context, q store.Querier, region, param, on string, dst any) (found bool, err error) {
	v, ok, err := Get(ctx, q, region, param, on)
	if err != nil || !ok {
		return false, err
	}
	if err := json.Unmarshal(v.Raw, dst); err != nil {
		return false, fmt.Errorf("policy: %s in %s from %s: %w", param, v.Region, v.EffectiveFrom, err)
	}
	return true, nil
}

// InForce returns every parameter in force in region on date, by parameter key.
func InForce(ctx context.Context, q store.Querier, region, on string) (map[string]Value, error) {
	chain := Chain(region)
	args := []any{on}
	for _, c := range chain {
		args = append(args, c)
	}
	rows, err := q.Query(ctx, `SELECT region, param, effective_from, value, note, created_by, created_at
		FROM policy_values WHERE effective_from <= ? AND region IN (`+store.Placeholders(len(chain))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("policy: in force: %w", err)
	}
	vals, err := scan(rows)
	if err != nil {
		return nil, err
	}
	byParam := map[string][]Value{}
	for _, v := range vals {
		byParam[v.Param] = append(byParam[v.Param], v)
	}
	out := map[string]Value{}
	for p, vs := range byParam {
		if v, ok := Resolve(vs, region, on); ok {
			out[p] = v
		}
	}
	return out, nil
}

// History lists every value of param set for region itself (not its ancestors), newest first:
// the audit trail of a parameter as a policy officer sees it.
func History(ctx context.Context, q store.Querier, region, param string) ([]Value, error) {
	rows, err := q.Query(ctx, `SELECT region, param, effective_from, value, note, created_by, created_at
		FROM policy_values WHERE region = ? AND param = ? ORDER BY effective_from DESC`, region, param)
	if err != nil {
		return nil, fmt.Errorf("policy: history: %w", err)
	}
	return scan(rows)
}

// ErrInvalid reports a value that cannot be stored.
var ErrInvalid = errors.New("policy: invalid value")

// Put stores a value (a new effective date adds history; the same region, param and date
// replaces that entry). The caller writes the audit record in the same transaction.
func Put(ctx context.Context, tx *store.Tx, v Value) (before *Value, err error) {
	if _, err := time.Parse("2006-01-02", v.EffectiveFrom); err != nil {
		return nil, fmt.Errorf("%w: effective_from must be YYYY-MM-DD", ErrInvalid)
	}
	if v.Param == "" || strings.TrimSpace(v.Param) != v.Param {
		return nil, fmt.Errorf("%w: param is required", ErrInvalid)
	}
	if len(v.Region) != 6 {
		return nil, fmt.Errorf("%w: region must be a six-digit GB/T 2260 code", ErrInvalid)
	}
	if !json.Valid(v.Raw) {
		return nil, fmt.Errorf("%w: value must be JSON", ErrInvalid)
	}
	rows, err := tx.Query(ctx, `SELECT region, param, effective_from, value, note, created_by, created_at
		FROM policy_values WHERE region = ? AND param = ? AND effective_from = ?`, v.Region, v.Param, v.EffectiveFrom)
	if err != nil {
		return nil, err
	}
	old, err := scan(rows)
	if err != nil {
		return nil, err
	}
	if v.CreatedAt == "" {
		v.CreatedAt = time.Now().UTC().Format("2006-01-02T15:04:05Z")
	}
	if v.CreatedBy == "" {
		v.CreatedBy = "system"
	}
	_, err = tx.Exec(ctx, `INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (region, param, effective_from) DO UPDATE SET value = excluded.value, note = excluded.note,
			created_by = excluded.created_by, created_at = excluded.created_at`,
		v.Region, v.Param, v.EffectiveFrom, string(v.Raw), v.Note, v.CreatedBy, v.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("policy: put: %w", err)
	}
	tx.Changed("policy_values")
	if len(old) > 0 {
		return &old[0], nil
	}
	return nil, nil
}

// Params lists the distinct parameter keys stored, for the policy pages.
func Params(ctx context.Context, q store.Querier) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT param FROM policy_values`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out, rows.Err()
}

func scan(rows *sql.Rows) ([]Value, error) {
	defer rows.Close()
	var out []Value
	for rows.Next() {
		var v Value
		var raw string
		if err := rows.Scan(&v.Region, &v.Param, &v.EffectiveFrom, &raw, &v.Note, &v.CreatedBy, &v.CreatedAt); err != nil {
			return nil, fmt.Errorf("policy: scan: %w", err)
		}
		v.Raw = json.RawMessage(raw)
		out = append(out, v)
	}
	return out, rows.Err()
}
