package interchange

import (
	"context"
	"fmt"
	"strings"

	"wiis/internal/store"
)

// Export writes every stored row of layout l to w, ordered by natural key, in the layout's
// columns: the same files other systems send us are what we send them. Rows stream from the
// database, so memory stays flat. The caller closes w.
func Export(ctx context.Context, db store.Querier, l *Layout, w Writer) error {
	cols := l.ColumnNames()
	rows, err := db.Query(ctx, fmt.Sprintf("SELECT %s FROM %s ORDER BY %s",
		strings.Join(cols, ", "), l.Name, strings.Join(l.Key, ", ")))
	if err != nil {
		return fmt.Errorf("export %s: %w", l.Name, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	row := make(Row, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("export %s: %w", l.Name, err)
		}
		for i, v := range vals {
			row[i] = normalize(v)
		}
		if err := w.Write(row); err != nil {
			return fmt.Errorf("export %s: %w", l.Name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export %s: %w", l.Name, err)
	}
	return nil
}
