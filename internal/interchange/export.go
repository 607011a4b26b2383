package interchange

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"wiis/internal/store"
)

// Export writes every stored row of layout l to w, ordered by natural key, in the layout's
// columns: the same files other systems send us are what we send them. Rows stream from the
// database, so memory stays flat, except for layouts keyed by ID number: those are stored
// sealed (package seal), the database can only order their ciphertext, so their rows are
// collected and sorted here.
func Export(ctx context.Context, db store.Querier, l *Layout, w Writer) error {
	if l.keyedByID() {
		sorted := &sortingWriter{l: l}
		if err := export(ctx, db, l, sorted); err != nil {
			return err
		}
		return sorted.flush(w)
	}
	return export(ctx, db, l, w)
}

// keyedByID reports whether an ID number is part of l's natural key.
func (l *Layout) keyedByID() bool {
	for _, i := range l.keyIdx {
		if l.Columns[i].Kind == IDNumber {
			return true
		}
	}
	return false
}

// sortingWriter holds rows until flush writes them ordered by the layout's key.
type sortingWriter struct {
	l    *Layout
	rows []Row
}

func (s *sortingWriter) Write(r Row) error {
	s.rows = append(s.rows, append(Row(nil), r...))
	return nil
}

// Close is the caller's to call on the real writer.
func (s *sortingWriter) Close() error { return nil }

func (s *sortingWriter) flush(w Writer) error {
	slices.SortStableFunc(s.rows, func(a, b Row) int {
		for _, i := range s.l.keyIdx {
			if c := compareValues(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	for _, r := range s.rows {
		if err := w.Write(r); err != nil {
			return fmt.Errorf("export %s: %w", s.l.Name, err)
		}
	}
	return nil
}

// compareValues orders normalized values: nil first, then integers, then text.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case nil:
		if b == nil {
			return 0
		}
		return -1
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
		if b == nil {
			return 1
		}
		return -1
	}
	if b == nil {
		return 1
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func export(ctx context.Context, db store.Querier, l *Layout, w Writer) error {
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
