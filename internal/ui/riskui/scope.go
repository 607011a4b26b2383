package riskui

import (
	"context"
	"slices"

	"wiis/internal/auth"
	"wiis/internal/store"
)

// keysInScope keeps the look-up keys u may ask about (issue 10 item 1). Alerts carry no region
// of their own, so a key's regions are those of what it names: an employer (registered or
// insured), the employers a person was insured by or claimed against, a claim's employer, a
// determination case's region. A key naming something of another region only is dropped, so
// its alerts stay unseen; a key naming nothing regional (a bank account, a person known only
// from another department's file) is kept.
func keysInScope(ctx context.Context, q store.Querier, u *auth.User, keys []string) ([]string, error) {
	var ks []string
	for _, k := range keys {
		if k != "" && !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 || u == nil {
		return nil, nil
	}
	in := store.Placeholders(len(ks))
	var args []any
	for range 6 {
		for _, k := range ks {
			args = append(args, k)
		}
	}
	rows, err := q.Query(ctx, `SELECT uscc, region FROM employers WHERE uscc IN (`+in+`)
		UNION SELECT uscc, region FROM market_registry WHERE uscc IN (`+in+`)
		UNION SELECT e.id_number, m.region FROM enrollment_events e JOIN employers m ON m.uscc = e.uscc WHERE e.id_number IN (`+in+`)
		UNION SELECT c.id_number, m.region FROM claims c JOIN employers m ON m.uscc = c.uscc WHERE c.id_number IN (`+in+`)
		UNION SELECT c.claim_no, m.region FROM claims c JOIN employers m ON m.uscc = c.uscc WHERE c.claim_no IN (`+in+`)
		UNION SELECT case_no, region FROM determination_cases WHERE case_no IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	regional, seen := map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var k, region string
		if err := rows.Scan(&k, &region); err != nil {
			return nil, err
		}
		regional[k] = true
		seen[k] = seen[k] || u.Sees(region)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, k := range ks {
		if !regional[k] || seen[k] {
			out = append(out, k)
		}
	}
	return out, nil
}
