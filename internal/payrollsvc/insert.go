package payrollsvc

import (
	"context"
	"strings"

	"wiis/internal/payroll"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// pgChunk is the number of rows per multi-row INSERT on PostgreSQL (7 parameters each, well
// under the 65,535-parameter limit).
const pgChunk = 1000

// insertPayments stores lines as payments of the month's run, with the payee's name (so the
// bank file needs no lookup per line), and reports which were stored.
// A line whose (id_number, item, month) already has a payment from elsewhere (history imported
// from the legacy system, or a lump-sum module) is not stored: that month was paid already,
// and paying it again is what "nothing paid twice" forbids.
//
// SQLite takes one prepared statement per row in the batch's transaction (the fastest insert
// measured there, design.md); PostgreSQL takes multi-row statements, since a round trip per
// row would dominate.
func insertPayments(ctx context.Context, tx *store.Tx, month payroll.Month, lines []line) ([]bool, error) {
	ok := make([]bool, len(lines))
	if len(lines) == 0 {
		return ok, nil
	}
	m, src := month.String(), Source(month)
	if tx.Engine != store.Postgres {
		st, err := tx.Prepare(ctx, `INSERT INTO payments (id_number, item, month, amount, bank_account, source, name)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return nil, err
		}
		defer st.Close()
		for i, l := range lines {
			res, err := st.ExecContext(ctx, l.id, l.item, m, int64(l.amount), seal.Secret(l.bank), src, l.name)
			if err != nil {
				return nil, err
			}
			n, _ := res.RowsAffected()
			ok[i] = n == 1
		}
		return ok, nil
	}
	for lo := 0; lo < len(lines); lo += pgChunk {
		hi := min(lo+pgChunk, len(lines))
		var q strings.Builder
		q.WriteString(`INSERT INTO payments (id_number, item, month, amount, bank_account, source, name) VALUES `)
		args := make([]any, 0, 7*(hi-lo))
		index := make(map[payeeItem]int, hi-lo)
		for i := lo; i < hi; i++ {
			if i > lo {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			l := lines[i]
			args = append(args, l.id, l.item, m, int64(l.amount), seal.Secret(l.bank), src, l.name)
			index[payeeItem{l.id, l.item}] = i
		}
		q.WriteString(` ON CONFLICT DO NOTHING RETURNING id_number, item`)
		rows, err := tx.Query(ctx, q.String(), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k payeeItem
			if err := rows.Scan(&k.id, &k.item); err != nil {
				rows.Close()
				return nil, err
			}
			ok[index[k]] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return ok, nil
}
