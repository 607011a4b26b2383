package dataui

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/interchange"
	"wiis/internal/store"
	"wiis/internal/web"
)

// importRow is one stored upload.
type importRow struct {
	ID       int64
	Username string
	Started  string
	Outcome  string
	Rejected int64
	Files    []interchange.FileStats
	Report   string
}

type pageData struct {
	Layouts   []*interchange.Layout
	MayExport bool
	MayImport bool
	Recent    []importRow
	Error     string
	Scope     string
}

func (h *handlers) render(w http.ResponseWriter, r *http.Request, status int, errMsg string) error {
	u := web.CurrentUser(r)
	d := pageData{Layouts: interchange.Layouts, MayExport: PermExport.Allows(u), MayImport: PermImport.Allows(u), Error: errMsg, Scope: u.Region}
	if d.MayImport {
		var err error
		if d.Recent, err = recent(r, h.s.DB); err != nil {
			return err
		}
	}
	h.s.Render(w, r, status, "data_exchange", d)
	return nil
}

func (h *handlers) page(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "")
}

func recent(r *http.Request, db *store.DB) ([]importRow, error) {
	rows, err := db.Query(r.Context(), `SELECT id, username, started_at, outcome, rejected, files FROM data_imports ORDER BY id DESC LIMIT 20`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []importRow
	for rows.Next() {
		var ir importRow
		var files string
		if err := rows.Scan(&ir.ID, &ir.Username, &ir.Started, &ir.Outcome, &ir.Rejected, &files); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(files), &ir.Files)
		out = append(out, ir)
	}
	return out, rows.Err()
}

// export writes one layout as CSV or XLSX: the rows in the caller's scope are written to a
// temporary file first, the export is audited with its row count, and only then is the file
// sent, so nothing leaves without its audit record.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	l, ok := interchange.Lookup(r.PathValue("layout"))
	if !ok {
		return apperr.NotFoundf("dx.no_layout")
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		return apperr.Invalidf("format", "dx.bad_format")
	}
	tmp, err := os.CreateTemp("", "wiis-export-*."+format)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	var iw interchange.Writer
	if format == "xlsx" {
		iw, err = interchange.NewXLSXWriter(tmp, l)
	} else {
		iw, err = interchange.NewCSVWriter(tmp, l)
	}
	if err != nil {
		return err
	}
	u := web.CurrentUser(r)
	prefix := auth.ScopePrefix(u.Region)
	sw, err := newScoped(r.Context(), h.s.DB, l, iw, prefix)
	if err != nil {
		return err
	}
	if err := interchange.Export(r.Context(), h.s.DB, l, sw); err != nil {
		return err
	}
	if err := sw.Close(); err != nil {
		return err
	}
	if err := h.s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := audit.Append(r.Context(), tx, audit.Record{Action: "data.export", Entity: "layout", EntityID: l.Name,
			After: map[string]any{"format": format, "rows": sw.Rows, "scope": u.Region}}.By(web.ActorOf(r)))
		return err
	}); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, l.Name, format))
	w.Header().Set("X-Wiis-Rows", strconv.Itoa(sw.Rows))
	_, err = io.Copy(w, tmp)
	return err
}

// capped keeps the first max bytes written to it and counts the rest away.
type capped struct {
	buf       bytes.Buffer
	max       int
	truncated bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	if c.buf.Len() >= c.max {
		c.truncated = true
	}
	return len(p), nil
}

// upload saves the uploaded files into a temporary folder under their own names and imports
// it as `wiis import` does; the report is stored and shown.
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return h.render(w, r, http.StatusUnprocessableEntity, web.T(web.Lang(r), "dx.no_files"))
	}
	defer r.MultipartForm.RemoveAll()
	files := r.MultipartForm.File["files"]
	if len(files) == 0 {
		return h.render(w, r, http.StatusUnprocessableEntity, web.T(web.Lang(r), "dx.no_files"))
	}
	dir, err := os.MkdirTemp("", "wiis-upload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var ignored []string
	for _, fh := range files {
		name := filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
		if _, ok := interchange.Lookup(name); !ok || (!strings.HasSuffix(name, ".csv") && !strings.HasSuffix(name, ".xlsx")) {
			ignored = append(ignored, name)
			continue
		}
		if err := save(fh, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	started := time.Now()
	report := &capped{max: maxReport}
	rep, err := interchange.ImportDir(r.Context(), h.s.DB, dir, interchange.Options{Problems: report, Actor: web.ActorOf(r)})
	outcome := "ok"
	switch {
	case errors.Is(err, interchange.ErrUnusable):
		outcome = "unusable"
		fmt.Fprintln(report, err.Error())
		rep = &interchange.Report{}
	case err != nil:
		return err
	case rep.Rejected > 0:
		outcome = "partial"
	}
	for _, n := range ignored {
		fmt.Fprintf(report, "%s: %s\n", n, web.T(web.Lang(r), "dx.ignored"))
	}
	if report.truncated {
		fmt.Fprintf(&report.buf, "\n… %s\n", web.T(web.Lang(r), "dx.truncated"))
	}
	summary, _ := json.Marshal(rep.Files)
	var id int64
	err = h.s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.QueryRow(r.Context(), `INSERT INTO data_imports (username, started_at, outcome, rejected, files, report) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			web.CurrentUser(r).Username, audit.FormatTime(started), outcome, rep.Rejected, string(summary), report.buf.String()).Scan(&id); err != nil {
			return err
		}
		_, err := audit.Append(r.Context(), tx, audit.Record{Action: "data.import", Entity: "data_import", EntityID: strconv.FormatInt(id, 10),
			After: map[string]any{"outcome": outcome, "rejected": rep.Rejected, "files": rep.Files}}.By(web.ActorOf(r)))
		return err
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/data/imports/%d", id), http.StatusSeeOther)
	return nil
}

func save(fh *multipart.FileHeader, path string) error {
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func (h *handlers) load(r *http.Request) (importRow, error) {
	var ir importRow
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return ir, apperr.NotFoundf("dx.no_import")
	}
	var files string
	err = h.s.DB.QueryRow(r.Context(), `SELECT id, username, started_at, outcome, rejected, files, report FROM data_imports WHERE id = ?`, id).
		Scan(&ir.ID, &ir.Username, &ir.Started, &ir.Outcome, &ir.Rejected, &files, &ir.Report)
	if errors.Is(err, sql.ErrNoRows) {
		return ir, apperr.NotFoundf("dx.no_import")
	}
	if err != nil {
		return ir, err
	}
	json.Unmarshal([]byte(files), &ir.Files)
	return ir, nil
}

// importPage shows one upload's per-file counts and its first problem lines.
func (h *handlers) importPage(w http.ResponseWriter, r *http.Request) error {
	ir, err := h.load(r)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(ir.Report, "\n"), "\n")
	if ir.Report == "" {
		lines = nil
	}
	more := 0
	if len(lines) > 200 {
		more, lines = len(lines)-200, lines[:200]
	}
	h.s.Render(w, r, http.StatusOK, "data_import", map[string]any{"I": ir, "Lines": lines, "More": more})
	return nil
}

// reportFile sends the stored report as a text file.
func (h *handlers) reportFile(w http.ResponseWriter, r *http.Request) error {
	ir, err := h.load(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%d-report.txt"`, ir.ID))
	_, err = io.WriteString(w, ir.Report)
	return err
}
