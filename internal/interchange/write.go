package interchange

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"wiis/internal/money"
)

// Writer writes rows of one layout, header first, in the layout's canonical column order.
type Writer interface {
	Write(r Row) error
	// Close finishes the file (for XLSX, writes the workbook); it does not close the
	// underlying io.Writer.
	Close() error
}

// FormatCell turns a Row value back into the file's text form: fen as yuan with two decimals,
// booleans as true/false, absent as empty. It is the inverse of validation, so an export
// re-imports unchanged.
func (c *Column) FormatCell(v any) string {
	if v == nil {
		return ""
	}
	switch c.Kind {
	case Money:
		return money.Amount(toInt64(v)).String()
	case Bool:
		if toInt64(v) != 0 {
			return "true"
		}
		return "false"
	case Int:
		return strconv.FormatInt(toInt64(v), 10)
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case int:
		return int64(n)
	case money.Amount:
		return n.Fen()
	case bool:
		if n {
			return 1
		}
	}
	return 0
}

type csvWriter struct {
	l   *Layout
	w   *csv.Writer
	rec []string
}

// NewCSVWriter writes l's header to w and returns a writer for its rows.
func NewCSVWriter(w io.Writer, l *Layout) (Writer, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(l.ColumnNames()); err != nil {
		return nil, err
	}
	return &csvWriter{l: l, w: cw, rec: make([]string, len(l.Columns))}, nil
}

func (w *csvWriter) Write(r Row) error {
	for i := range w.l.Columns {
		w.rec[i] = w.l.Columns[i].FormatCell(r[i])
	}
	return w.w.Write(w.rec)
}

func (w *csvWriter) Close() error {
	w.w.Flush()
	return w.w.Error()
}

type xlsxWriter struct {
	l    *Layout
	f    *excelize.File
	sw   *excelize.StreamWriter
	out  io.Writer
	n    int
	vals []any
}

// NewXLSXWriter returns a writer of an Excel workbook with one sheet named like the layout;
// the workbook is written to w on Close. Every cell is a string, so 18-digit ID numbers and
// bank accounts are not turned into floating-point numbers by Excel.
func NewXLSXWriter(w io.Writer, l *Layout) (Writer, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", l.Name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(l.Name)
	if err != nil {
		return nil, err
	}
	x := &xlsxWriter{l: l, f: f, sw: sw, out: w, vals: make([]any, len(l.Columns))}
	for i, n := range l.ColumnNames() {
		x.vals[i] = n
	}
	if err := x.row(); err != nil {
		return nil, err
	}
	return x, nil
}

func (w *xlsxWriter) row() error {
	w.n++
	cell, err := excelize.CoordinatesToCellName(1, w.n)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, w.vals)
}

func (w *xlsxWriter) Write(r Row) error {
	for i := range w.l.Columns {
		w.vals[i] = w.l.Columns[i].FormatCell(r[i])
	}
	return w.row()
}

func (w *xlsxWriter) Close() error {
	defer w.f.Close()
	if err := w.sw.Flush(); err != nil {
		return err
	}
	return w.f.Write(w.out)
}
