package interchange

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// RowError is one rejected cell or row, printed as `file:line: column: reason` with the
// physical line number in the file (the header is line 1; for XLSX, the sheet row).
type RowError struct {
	File   string
	Line   int
	Column string // the column to blame; "-" when the row as a whole is malformed
	Reason string
}

// Error formats the report line `file:line: column: reason`.
func (e *RowError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Column, e.Reason)
}

// HeaderError says a file cannot be read at all: unreadable, not CSV/XLSX, or a header that
// is not exactly the layout's columns. An import stops before storing anything (exit 2).
type HeaderError struct {
	File   string
	Reason string
}

// Error formats the problem like a row error on line 1, column "header".
func (e *HeaderError) Error() string { return e.File + ":1: header: " + e.Reason }

// source yields raw records with their line numbers.
type source interface {
	next() (rec []string, line int, err error) // io.EOF at the end; *csv.ParseError for a bad row
	close() error
}

// Reader streams the rows of one interchange file, validating each against its layout. It
// never stops at an invalid row: Next advances over every data row, and Errors says what is
// wrong with the current one.
type Reader struct {
	Layout *Layout
	file   string
	src    source
	pos    []int // pos[i] = index in the record of layout column i
	row    Row
	line   int
	errs   []*RowError
	err    error
	// padShort accepts rows shorter than the header: XLSX rows drop trailing empty cells,
	// which are simply absent values there, while in CSV a short row is a broken row.
	padShort bool
}

// NewCSVReader reads a CSV stream (UTF-8, optional BOM, RFC 4180) named file in reports. It
// reads the header at once and returns a *HeaderError when it is not exactly l's columns.
func NewCSVReader(r io.Reader, file string, l *Layout) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted by us, to report the row rather than fail
	cr.ReuseRecord = true
	return newReader(&csvSource{r: cr}, file, l)
}

type csvSource struct{ r *csv.Reader }

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, err
		}
		return nil, 0, err
	}
	line, _ := s.r.FieldPos(0)
	return rec, line, nil
}

func (s *csvSource) close() error { return nil }

// OpenXLSX reads the sheet named like the layout (employers.xlsx → sheet "employers") of an
// Excel workbook, row by row through excelize's streaming iterator.
func OpenXLSX(path string, l *Layout) (*Reader, error) {
	name := baseName(path)
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, &HeaderError{File: name, Reason: "不是有效的Excel文件 not a readable .xlsx file: " + err.Error()}
	}
	if idx, _ := f.GetSheetIndex(l.Name); idx < 0 {
		f.Close()
		return nil, &HeaderError{File: name, Reason: fmt.Sprintf("缺少工作表 no sheet named %q (sheets: %s)", l.Name, strings.Join(f.GetSheetList(), ", "))}
	}
	rows, err := f.Rows(l.Name)
	if err != nil {
		f.Close()
		return nil, &HeaderError{File: name, Reason: err.Error()}
	}
	r, err := newReader(&xlsxSource{f: f, rows: rows}, name, l)
	if err != nil {
		return nil, err
	}
	r.padShort = true
	return r, nil
}

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
}

func (s *xlsxSource) next() ([]string, int, error) {
	for s.rows.Next() {
		s.line++
		rec, err := s.rows.Columns()
		if err != nil {
			return nil, s.line, err
		}
		if !slices.ContainsFunc(rec, func(c string) bool { return c != "" }) {
			continue // Excel keeps formatted but empty rows; CSV skips blank lines too
		}
		return rec, s.line, nil
	}
	if err := s.rows.Error(); err != nil {
		return nil, s.line, err
	}
	return nil, s.line, io.EOF
}

func (s *xlsxSource) close() error {
	s.rows.Close()
	return s.f.Close()
}

// Open opens path as CSV or XLSX by its extension.
func Open(path string, l *Layout) (*Reader, error) {
	if strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		return OpenXLSX(path, l)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &HeaderError{File: baseName(path), Reason: err.Error()}
	}
	r, err := NewCSVReader(f, baseName(path), l)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.src = &closeSource{source: r.src, c: f}
	return r, nil
}

type closeSource struct {
	source
	c io.Closer
}

func (s *closeSource) close() error { s.source.close(); return s.c.Close() }

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func newReader(src source, file string, l *Layout) (*Reader, error) {
	r := &Reader{Layout: l, file: file, src: src}
	rec, _, err := src.next()
	if err != nil {
		src.close()
		if err == io.EOF {
			return nil, &HeaderError{File: file, Reason: "文件为空 the file is empty: the header row is missing"}
		}
		return nil, &HeaderError{File: file, Reason: "无法读取表头 cannot read the header: " + err.Error()}
	}
	pos, reason := matchHeader(rec, l)
	if reason != "" {
		src.close()
		return nil, &HeaderError{File: file, Reason: reason}
	}
	r.pos = pos
	return r, nil
}

// matchHeader maps the header to the layout: exactly the layout's columns, in any order.
func matchHeader(rec []string, l *Layout) ([]int, string) {
	pos := make([]int, len(l.Columns))
	for i := range pos {
		pos[i] = -1
	}
	var unknown, dup, missing []string
	for j, h := range rec {
		h = strings.TrimSpace(h)
		i := l.Index(h)
		switch {
		case i < 0:
			unknown = append(unknown, fmt.Sprintf("%q", h))
		case pos[i] >= 0:
			dup = append(dup, h)
		default:
			pos[i] = j
		}
	}
	for i, p := range pos {
		if p < 0 {
			missing = append(missing, l.Columns[i].Name)
		}
	}
	var msgs []string
	if len(missing) > 0 {
		msgs = append(msgs, "缺少列 missing "+strings.Join(missing, ", "))
	}
	if len(unknown) > 0 {
		msgs = append(msgs, "未知列 unknown "+strings.Join(unknown, ", "))
	}
	if len(dup) > 0 {
		msgs = append(msgs, "重复列 repeated "+strings.Join(dup, ", "))
	}
	if len(msgs) > 0 {
		return nil, strings.Join(msgs, "; ") + " (want exactly: " + strings.Join(l.ColumnNames(), ",") + ")"
	}
	return pos, ""
}

// Next advances to the next data row and reports whether there is one. After it, Row is the
// validated row (nil when invalid), Errors what is wrong with it, Line its line number.
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	r.row, r.errs = nil, r.errs[:0]
	rec, line, err := r.src.next()
	r.line = line
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			r.errs = append(r.errs, &RowError{File: r.file, Line: line, Column: "-", Reason: "CSV格式错误 malformed CSV: " + pe.Err.Error()})
			return true
		}
		if err != io.EOF {
			r.err = fmt.Errorf("%s:%d: %w", r.file, line, err)
		}
		r.line = 0
		return false
	}
	r.row = r.Validate(rec, line)
	return true
}

// Validate checks one record (cells in header order of this file) and returns the row, or
// nil with the problems in Errors. It is exported through Reader for the fuzz test's sake and
// for callers that take records from elsewhere (an upload form).
func (r *Reader) Validate(rec []string, line int) Row {
	r.errs = r.errs[:0]
	if len(rec) != len(r.pos) && !(len(rec) < len(r.pos) && r.padShort) {
		r.errs = append(r.errs, &RowError{File: r.file, Line: line, Column: "-",
			Reason: fmt.Sprintf("列数应为%d wrong number of fields: %d, want %d", len(r.pos), len(rec), len(r.pos))})
		return nil
	}
	row := make(Row, len(r.Layout.Columns))
	for i := range r.Layout.Columns {
		c := &r.Layout.Columns[i]
		s := ""
		if p := r.pos[i]; p < len(rec) {
			s = strings.TrimSpace(rec[p])
		}
		if s == "" {
			if c.Kind == Bool {
				row[i] = int64(0) // an absent flag is false; the store's column is NOT NULL
			}
			if c.Required {
				r.errs = append(r.errs, &RowError{File: r.file, Line: line, Column: c.Name, Reason: "必填 required"})
			}
			continue
		}
		v, reason := c.parseCell(s)
		if reason != "" {
			r.errs = append(r.errs, &RowError{File: r.file, Line: line, Column: c.Name, Reason: reason})
			continue
		}
		row[i] = v
	}
	if len(r.errs) == 0 && r.Layout.Check != nil {
		if col, reason := r.Layout.Check(row); reason != "" {
			r.errs = append(r.errs, &RowError{File: r.file, Line: line, Column: col, Reason: reason})
		}
	}
	if len(r.errs) > 0 {
		return nil
	}
	return row
}

// Row returns the current row's values, nil when it is invalid.
func (r *Reader) Row() Row { return r.row }

// Line returns the current row's line number.
func (r *Reader) Line() int { return r.line }

// Errors returns the problems of the current row; the slice is reused by Next.
func (r *Reader) Errors() []*RowError { return r.errs }

// File returns the file name used in reports.
func (r *Reader) File() string { return r.file }

// Err returns the I/O error that ended reading early, if any.
func (r *Reader) Err() error { return r.err }

// Close releases the file.
func (r *Reader) Close() error { return r.src.close() }
