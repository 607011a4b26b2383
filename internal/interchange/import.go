package interchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/store"
)

// Options tune an import. The zero value imports quietly.
type Options struct {
	// Problems receives each rejected row as a `file:line: column: reason` line as it is
	// found (the CLI sends it to stdout and the report file).
	Problems io.Writer
	// Progress, when set, receives a progress bar per file; the CLI sets it on a terminal only.
	Progress io.Writer
	// BatchSize is the number of rows per transaction (default 5,000): large enough to
	// amortise a commit, small enough that a killed import loses at most one batch of work,
	// which the re-run redoes.
	BatchSize int
	// KeepProblems is how many RowErrors Report.Problems keeps (default 1,000), so memory
	// stays flat on a file that is wrong on every line; all of them go to Problems.
	KeepProblems int
	// Actor is who the audit records of row-applied files (Layout.Apply) name; the zero value
	// records "system".
	Actor audit.Actor
}

// FileStats counts one file's rows. Read = Imported + Updated + Unchanged + Rejected.
type FileStats struct {
	File      string
	Read      int
	Imported  int // new natural keys stored
	Updated   int // existing keys whose other values changed
	Unchanged int // existing keys with identical values
	Rejected  int
}

// String is the summary line the CLI prints for each file.
func (s FileStats) String() string {
	return fmt.Sprintf("%-24s 读取 read %d, 新增 imported %d, 更新 updated %d, 未变 unchanged %d, 拒绝 rejected %d",
		s.File, s.Read, s.Imported, s.Updated, s.Unchanged, s.Rejected)
}

// Report is the outcome of an import.
type Report struct {
	Files    []FileStats
	Problems []*RowError // the first Options.KeepProblems rejected rows
	Rejected int
}

// ExitCode is the CLI convention of interchange.md: 0 when every row was imported, 1 when
// some were rejected.
func (r *Report) ExitCode() int {
	if r.Rejected > 0 {
		return 1
	}
	return 0
}

// ErrUnusable marks errors that make the folder unusable (missing, empty, ambiguous files or a
// bad header): nothing was imported and the CLI exits 2.
var ErrUnusable = errors.New("interchange: folder unusable")

type unusable struct{ err error }

func (u unusable) Error() string           { return u.err.Error() }
func (u unusable) Unwrap() []error         { return []error{ErrUnusable, u.err} }
func unusableErr(f string, a ...any) error { return unusable{fmt.Errorf(f, a...)} }

// Found is an interchange file present in a folder.
type Found struct {
	Layout *Layout
	Path   string
}

// FindFiles lists the interchange files of dir in import order. A layout may come as .csv or
// .xlsx, not both (which one would win is a guess we refuse to make); other files are ignored.
func FindFiles(dir string) ([]Found, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, unusableErr("目录不可用 folder unusable: %w", err)
	}
	if !st.IsDir() {
		return nil, unusableErr("不是目录 not a folder: %s", dir)
	}
	var out []Found
	for _, l := range Layouts {
		var paths []string
		for _, ext := range []string{".csv", ".xlsx"} {
			p := filepath.Join(dir, l.Name+ext)
			if _, err := os.Stat(p); err == nil {
				paths = append(paths, p)
			}
		}
		if len(paths) > 1 {
			return nil, unusableErr("%s: 同时存在 both %s.csv and %s.xlsx; keep one", l.Name, l.Name, l.Name)
		}
		if len(paths) == 1 {
			out = append(out, Found{Layout: l, Path: paths[0]})
		}
	}
	if len(out) == 0 {
		names := make([]string, len(Layouts))
		for i, l := range Layouts {
			names[i] = l.File()
		}
		return nil, unusableErr("目录中没有交换文件 no interchange file in %s (expected any of %s)", dir, strings.Join(names, ", "))
	}
	return out, nil
}

// ImportDir imports every interchange file of dir into db, in dependency order, and reports
// per file. Every header is checked before anything is stored, so an unusable folder changes
// nothing (the error wraps ErrUnusable, with a *HeaderError for a bad header). Other errors are
// the database's or the disk's; batches committed before them stay, and a re-run completes
// the import without doubling anything.
func ImportDir(ctx context.Context, db *store.DB, dir string, opts Options) (*Report, error) {
	found, err := FindFiles(dir)
	if err != nil {
		return nil, err
	}
	for _, f := range found {
		r, err := Open(f.Path, f.Layout)
		if err != nil {
			return nil, unusable{err}
		}
		r.Close()
	}
	im := newImporter(db, opts)
	started := time.Now()
	for _, f := range found {
		if _, err = im.file(ctx, f.Path, f.Layout); err != nil {
			break
		}
	}
	if rerr := recordRun(context.WithoutCancel(ctx), db, dir, started, im.rep, err); err == nil {
		err = rerr
	}
	return im.rep, err
}

// recordRun stores the run's outcome in import_runs.
func recordRun(ctx context.Context, db *store.DB, dir string, started time.Time, rep *Report, failure error) error {
	outcome := "ok"
	switch {
	case failure != nil:
		outcome = "failed"
	case rep.Rejected > 0:
		outcome = "partial"
	}
	summary, err := json.Marshal(rep.Files)
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	const ts = "2006-01-02T15:04:05Z"
	_, err = db.Exec(ctx, `INSERT INTO import_runs (dir, started_at, finished_at, outcome, rejected, summary)
		VALUES (?, ?, ?, ?, ?, ?)`, dir, started.UTC().Format(ts), time.Now().UTC().Format(ts), outcome, rep.Rejected, string(summary))
	if err != nil {
		return fmt.Errorf("interchange: record import run: %w", err)
	}
	return nil
}

// ImportFile imports one file (CSV or XLSX by extension) of layout l.
func ImportFile(ctx context.Context, db *store.DB, path string, l *Layout, opts Options) (*Report, error) {
	im := newImporter(db, opts)
	if _, err := im.file(ctx, path, l); err != nil {
		var he *HeaderError
		if errors.As(err, &he) {
			err = unusable{err}
		}
		return im.rep, err
	}
	return im.rep, nil
}

type importer struct {
	db   *store.DB
	opts Options
	rep  *Report
	// employers known to exist, filled from the database as enrollment events name them;
	// it grows with the number of distinct employers, not with the number of rows.
	employers map[string]bool
}

func newImporter(db *store.DB, opts Options) *importer {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 5000
	}
	if opts.KeepProblems <= 0 {
		opts.KeepProblems = 1000
	}
	return &importer{db: db, opts: opts, rep: &Report{}, employers: map[string]bool{}}
}

func (im *importer) reject(st *FileStats, errs []*RowError) {
	st.Rejected++
	im.rep.Rejected++
	for _, e := range errs {
		if im.opts.Problems != nil {
			fmt.Fprintln(im.opts.Problems, e.Error())
		}
		if len(im.rep.Problems) < im.opts.KeepProblems {
			im.rep.Problems = append(im.rep.Problems, e)
		}
	}
}

// pending is a valid row waiting in a batch, with its line for later rejections.
type pending struct {
	line int
	row  Row
}

// chunk is what the reading goroutine hands the writer: the batch's valid rows and the
// rejected rows it met on the way, in file order.
type chunk struct {
	rows     []pending
	rejected [][]*RowError
	read     int
	err      error
}

// file imports one file. Reading and validating run in their own goroutine, one batch ahead
// of the database, so parsing overlaps with the writes; the channel's capacity bounds memory
// to a few batches.
func (im *importer) file(ctx context.Context, path string, l *Layout) (FileStats, error) {
	st := FileStats{File: baseName(path)}
	bar := im.bar(path, l)
	r, err := im.open(path, l, bar)
	if err != nil {
		return st, err
	}
	if l.Apply != nil {
		return im.apply(ctx, r, bar, st)
	}
	sess, err := openSession(ctx, im.db)
	if err != nil {
		r.Close()
		return st, err
	}
	defer sess.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan chunk, 2)
	go func() {
		defer close(ch)
		defer r.Close()
		im.read(ctx, r, ch)
	}()
	for c := range ch {
		st.Read += c.read
		for _, errs := range c.rejected {
			im.reject(&st, errs)
		}
		if c.err == nil && len(c.rows) > 0 {
			c.err = im.store(ctx, sess, l, c.rows, &st)
		}
		if c.err != nil {
			cancel()
			for range ch {
			}
			im.rep.Files = append(im.rep.Files, st)
			return st, c.err
		}
	}
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(im.opts.Progress)
	}
	im.rep.Files = append(im.rep.Files, st)
	return st, nil
}

// apply imports a file of a layout with Apply, row by row, each row in its own transaction.
func (im *importer) apply(ctx context.Context, r *Reader, bar *progressbar.ProgressBar, st FileStats) (FileStats, error) {
	defer r.Close()
	l := r.Layout
	by := im.opts.Actor
	if by.Username == "" {
		by.Username = "system"
	}
	var err error
	for err == nil && r.Next() {
		st.Read++
		row := r.Row()
		if row == nil {
			im.reject(&st, append([]*RowError(nil), r.Errors()...))
			continue
		}
		stored, aerr := l.Apply(ctx, im.db, by, row)
		var ae *apperr.Error
		switch {
		case aerr == nil && stored:
			st.Imported++
		case aerr == nil:
			st.Unchanged++
		case errors.As(aerr, &ae) && ae.Code != apperr.Internal:
			col := ae.Field
			if l.Index(col) < 0 {
				col = l.Key[0]
			}
			im.reject(&st, []*RowError{{File: st.File, Line: r.Line(), Column: col, Reason: fmt.Sprintf(ae.Message, ae.Args...)}})
		default:
			err = fmt.Errorf("%s:%d: %w", st.File, r.Line(), aerr)
		}
	}
	if err == nil {
		err = r.Err()
	}
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(im.opts.Progress)
	}
	im.rep.Files = append(im.rep.Files, st)
	return st, err
}

func (im *importer) bar(path string, l *Layout) *progressbar.ProgressBar {
	if im.opts.Progress == nil {
		return nil
	}
	size := int64(-1)
	if fi, err := os.Stat(path); err == nil && strings.HasSuffix(path, ".csv") {
		size = fi.Size()
	}
	return progressbar.NewOptions64(size, progressbar.OptionSetWriter(im.opts.Progress),
		progressbar.OptionSetDescription(l.Name), progressbar.OptionShowBytes(size >= 0),
		progressbar.OptionThrottle(100e6), progressbar.OptionSetWidth(30))
}

// open opens the file; for CSV the progress bar counts bytes as they are read.
func (im *importer) open(path string, l *Layout, bar *progressbar.ProgressBar) (*Reader, error) {
	if bar == nil || !strings.HasSuffix(path, ".csv") {
		return Open(path, l)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &HeaderError{File: baseName(path), Reason: err.Error()}
	}
	r, err := NewCSVReader(io.TeeReader(f, bar), baseName(path), l)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.src = &closeSource{source: r.src, c: f}
	return r, nil
}

// read validates rows into batches of distinct natural keys: a key seen twice in one batch
// ends the batch, so the second row is compared with the first as stored (and counts as
// updated or unchanged), exactly as if it had come in a later file.
func (im *importer) read(ctx context.Context, r *Reader, ch chan<- chunk) {
	l := r.Layout
	keys := map[string]struct{}{}
	var c chunk
	send := func() bool {
		select {
		case ch <- c:
		case <-ctx.Done():
			return false
		}
		c = chunk{rows: make([]pending, 0, im.opts.BatchSize)}
		clear(keys)
		return true
	}
	c.rows = make([]pending, 0, im.opts.BatchSize)
	for r.Next() {
		c.read++
		row := r.Row()
		if row == nil {
			c.rejected = append(c.rejected, append([]*RowError(nil), r.Errors()...))
			continue
		}
		k := keyOf(l, row)
		if _, dup := keys[k]; dup && !send() {
			return
		}
		keys[k] = struct{}{}
		c.rows = append(c.rows, pending{line: r.Line(), row: row})
		if len(c.rows) >= im.opts.BatchSize && !send() {
			return
		}
	}
	c.err = r.Err()
	send()
}

func keyOf(l *Layout, row Row) string {
	if len(l.keyIdx) == 1 {
		return row[l.keyIdx[0]].(string)
	}
	var b strings.Builder
	for _, i := range l.keyIdx {
		b.WriteString(row[i].(string))
		b.WriteByte(0)
	}
	return b.String()
}

// store writes one batch in one transaction: it loads the stored rows of the batch's keys
// with one query, then inserts the new rows in bulk and updates the changed ones. Counts are
// added only after the commit, so they describe what is really stored.
func (im *importer) store(ctx context.Context, sess *session, l *Layout, rows []pending, st *FileStats) error {
	if l.Name == "enrollment_events" {
		var err error
		if rows, err = im.knownEmployers(ctx, sess, st, rows); err != nil {
			return err
		}
	}
	var ins, upd, same int
	cols := l.ColumnNames()
	err := sess.inTx(ctx, func(tx batchTx) error {
		ins, upd, same = 0, 0, 0
		if len(l.valIdx) == 0 {
			// Nothing but the key: a stored row can only be unchanged.
			n, err := insertNew(ctx, tx, l, rows)
			ins, same = n, len(rows)-n
			return err
		}
		stored, err := loadStored(ctx, tx, l, rows)
		if err != nil {
			return err
		}
		var fresh [][]any
		var changed []Row
		for _, p := range rows {
			old, ok := stored[keyOf(l, p.row)]
			switch {
			case !ok:
				fresh = append(fresh, l.storable(p.row))
			case sameValues(l, old, p.row):
				same++
			default:
				changed = append(changed, p.row)
			}
		}
		if len(fresh) > 0 {
			if err := tx.insert(ctx, l.Name, cols, fresh); err != nil {
				return fmt.Errorf("%s: insert: %w", l.File(), err)
			}
		}
		if len(changed) > 0 {
			if err := update(ctx, tx, l, changed); err != nil {
				return err
			}
		}
		ins, upd = len(fresh), len(changed)
		return nil
	})
	if err != nil {
		return err
	}
	st.Imported += ins
	st.Updated += upd
	st.Unchanged += same
	return nil
}

// knownEmployers rejects the events whose employer is neither stored nor imported earlier
// (interchange.md: enrollment_events.uscc must name a known employer).
func (im *importer) knownEmployers(ctx context.Context, sess *session, st *FileStats, rows []pending) ([]pending, error) {
	ui := 1 // enrollment_events.uscc
	var ask []string
	seen := map[string]bool{}
	for _, p := range rows {
		u := p.row[ui].(string)
		if !im.employers[u] && !seen[u] {
			seen[u] = true
			ask = append(ask, u)
		}
	}
	if len(ask) > 0 {
		err := sess.inTx(ctx, func(tx batchTx) error {
			return tx.selectIn(ctx, "employers", []string{"uscc"}, "uscc", ask, func(v []any) {
				im.employers[normalize(v[0]).(string)] = true
			})
		})
		if err != nil {
			return nil, err
		}
	}
	kept := rows[:0]
	for _, p := range rows {
		if u := p.row[ui].(string); !im.employers[u] {
			im.reject(st, []*RowError{{File: st.File, Line: p.line, Column: "uscc",
				Reason: "用人单位未登记 unknown employer " + u + ": not in employers.csv nor stored"}})
			continue
		}
		kept = append(kept, p)
	}
	return kept, nil
}

// loadStored returns the stored non-key values of the batch's keys, by key. It selects on the
// first key column, which leads each table's primary key or unique index, and matches the
// rest of the key in Go: one indexed query per batch on both engines.
func loadStored(ctx context.Context, tx batchTx, l *Layout, rows []pending) (map[string][]any, error) {
	first := l.keyIdx[0]
	seen := map[string]bool{}
	var in []string
	for _, p := range rows {
		if k := p.row[first].(string); !seen[k] {
			seen[k] = true
			in = append(in, k)
		}
	}
	var cols []string
	for _, i := range l.keyIdx {
		cols = append(cols, l.Columns[i].Name)
	}
	for _, i := range l.valIdx {
		cols = append(cols, l.Columns[i].Name)
	}
	nk := len(l.keyIdx)
	stored := map[string][]any{}
	key := make(Row, len(l.Columns))
	err := tx.selectIn(ctx, l.Name, cols, l.Columns[first].Name, in, func(v []any) {
		for j, i := range l.keyIdx {
			key[i] = normalize(v[j])
		}
		vals := make([]any, len(l.valIdx))
		for j := range l.valIdx {
			vals[j] = normalize(v[nk+j])
		}
		stored[keyOf(l, key)] = vals
	})
	return stored, err
}

func sameValues(l *Layout, old []any, row Row) bool {
	for j, i := range l.valIdx {
		if old[j] != row[i] {
			return false
		}
	}
	return true
}

// insertNew inserts key-only rows, skipping stored keys, and returns how many were new.
func insertNew(ctx context.Context, tx batchTx, l *Layout, rows []pending) (int, error) {
	cols := l.ColumnNames()
	q := "INSERT INTO " + l.Name + " (" + strings.Join(cols, ", ") + ") VALUES (" +
		store.Placeholders(len(cols)) + ") ON CONFLICT DO NOTHING"
	n := 0
	for _, p := range rows {
		k, err := tx.exec(ctx, q, l.storable(p.row)...)
		if err != nil {
			return 0, fmt.Errorf("%s:%d: insert: %w", l.File(), p.line, err)
		}
		n += int(k)
	}
	return n, nil
}

func update(ctx context.Context, tx batchTx, l *Layout, rows []Row) error {
	var set, where []string
	for _, i := range l.valIdx {
		set = append(set, l.Columns[i].Name+" = ?")
	}
	for _, i := range l.keyIdx {
		where = append(where, l.Columns[i].Name+" = ?")
	}
	q := "UPDATE " + l.Name + " SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(where, " AND ")
	args := make([]any, 0, len(l.Columns))
	for _, r := range rows {
		r := l.storable(r)
		args = args[:0]
		for _, i := range l.valIdx {
			args = append(args, r[i])
		}
		for _, i := range l.keyIdx {
			args = append(args, r[i])
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("%s: update: %w", l.File(), err)
		}
	}
	return nil
}
