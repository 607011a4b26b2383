package payrollsvc

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"wiis/internal/money"
	"wiis/internal/payroll"
)

// BankFileHeader is the header of the bank file (payroll.md).
var BankFileHeader = []string{"id_number", "name", "item", "month", "amount", "bank_account"}

// WriteBankFile writes the lines stored for the run of month as the bank file of payroll.md:
// `id_number,name,item,month,amount,bank_account`, sorted by bank_account, then id_number,
// then item. It reads the stored lines, never a run's memory, so the file is complete and the
// same however often the run was interrupted or repeated. It returns the number of lines.
func (s *Service) WriteBankFile(ctx context.Context, month payroll.Month, w io.Writer) (int64, error) {
	// The payee's name is stored with the line by the run; lines stored before it was
	// (migration 00053) take the one on the payee's entitlements. COALESCE evaluates the
	// lookup only for those, on both engines.
	rows, err := s.DB.Query(ctx, `SELECT p.id_number,
			COALESCE(p.name, (SELECT e.name FROM payroll_entitlements e WHERE e.id_number = p.id_number
				ORDER BY e.item, e.worker_id_number LIMIT 1), ''),
			p.item, p.month, p.amount, COALESCE(p.bank_account, '')
		FROM payments p WHERE p.source = ?
`, Source(month))
	if err != nil {
		return 0, fmt.Errorf("bank file %s: %w", month, err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write(BankFileHeader); err != nil {
		return 0, err
	}
	// Account and ID number are stored sealed, so the database can only order their
	// ciphertext: the lines are sorted here, as the bank expects them.
	var recs [][]string
	for rows.Next() {
		rec := make([]string, 6)
		var amount int64
		if err := rows.Scan(&rec[0], &rec[1], &rec[2], &rec[3], &amount, &rec[5]); err != nil {
			return 0, fmt.Errorf("bank file %s: %w", month, err)
		}
		rec[4] = money.Amount(amount).String()
		recs = append(recs, rec)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("bank file %s: %w", month, err)
	}
	slices.SortFunc(recs, func(a, b []string) int {
		return cmp.Or(strings.Compare(a[5], b[5]), strings.Compare(a[0], b[0]), strings.Compare(a[2], b[2]))
	})
	var n int64
	for _, rec := range recs {
		if err := cw.Write(rec); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	return n, cw.Error()
}

// FormatSummary writes the run summary printed by `wiis payroll run`: lines, persons, total,
// then one line per item.
func FormatSummary(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "month: %s\nstate: %s\nlines: %d\npersons: %d\ntotal: %s\n", s.Month, s.State, s.Lines, s.Persons, s.Total)
	for _, it := range s.Items {
		fmt.Fprintf(w, "item %s: lines %s, total %s\n", it.Item, strconv.FormatInt(it.Lines, 10), it.Total)
	}
}
