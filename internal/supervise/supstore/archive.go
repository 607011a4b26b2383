package supstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/casework"
	"wiis/internal/policy"
	"wiis/internal/seal"
	"wiis/internal/store"
	"wiis/internal/supervise"
)

// Document is an archived document's record (without its bytes).
type Document struct {
	ID          int64  `json:"id"`
	Entity      string `json:"entity"`
	CaseID      int64  `json:"case_id"`
	CaseNo      string `json:"case_no"`
	WorkerID    string `json:"worker_id"`
	Region      string `json:"region"`
	Category    string `json:"category"`
	Title       string `json:"title"`
	Source      string `json:"source"`
	SourceRef   string `json:"source_ref,omitempty"`
	MIME        string `json:"mime"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	FiledOn     string `json:"filed_on"`
	RetainYears int    `json:"retain_years"`
	RetainUntil string `json:"retain_until"`
	FiledBy     string `json:"filed_by"`
	DisposedOn  string `json:"disposed_on,omitempty"`
	DisposedBy  string `json:"disposed_by,omitempty"`
	Reads       int    `json:"reads"`
}

// RetentionYears reads the retention period of a category in region on day on (policy
// archive.retention_years). Errors: invalid when the policy has no period for the category.
func RetentionYears(ctx context.Context, q store.Querier, region, category, on string) (int, error) {
	var years map[string]int
	if _, err := policy.Decode(ctx, q, region, "archive.retention_years", on, &years); err != nil {
		return 0, err
	}
	y, ok := years[category]
	if !ok || y <= 0 {
		return 0, apperr.Invalidf("category", "sup.err.category")
	}
	return y, nil
}

// caseParty reads the case number, worker and office of the thing a document belongs to:
// a case, or a referral, conference or institution assessment of this module.
func caseParty(ctx context.Context, q store.Querier, entity string, id int64) (no, worker, region string, err error) {
	switch entity {
	case supervise.SourceDetermination, supervise.SourceAssessment, supervise.SourceAdvance:
		return caseOf(ctx, q, entity, id)
	case "referral":
		err = q.QueryRow(ctx, `SELECT referral_no, '', region FROM inspection_referrals WHERE id = ?`, id).Scan(&no, &worker, &region)
	case "conference":
		err = q.QueryRow(ctx, `SELECT case_no, worker_id, region FROM case_conferences WHERE id = ?`, id).Scan(&no, &worker, &region)
	case "institution":
		err = q.QueryRow(ctx, `SELECT a.institution_code || '/' || a.year, '', i.region FROM institution_assessments a
			JOIN medical_institutions i ON i.code = a.institution_code WHERE a.id = ?`, id).Scan(&no, &worker, &region)
	default:
		return "", "", "", apperr.Invalidf("entity", "sup.err.source")
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", apperr.Invalidf("case_id", "sup.err.source_missing")
	}
	return no, worker, region, err
}

// File archives a document: its bytes, SHA-256, and the retention period of its category in
// the case's region. A generated document with a source reference is filed once (a second
// filing returns the first). Errors: invalid.
func (s *Service) File(ctx context.Context, by audit.Actor, d supervise.NewDocument) (Document, error) {
	if err := d.Validate(); err != nil {
		return Document{}, err
	}
	if d.MIME == "" {
		d.MIME = "application/octet-stream"
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if d.SourceRef != "" {
			err := tx.QueryRow(ctx, `SELECT id FROM archive_documents WHERE source_ref = ?`, d.SourceRef).Scan(&id)
			if err == nil {
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		no, worker, region, err := caseParty(ctx, tx, d.Entity, d.CaseID)
		if err != nil {
			return err
		}
		years, err := RetentionYears(ctx, tx, region, d.Category, d.On)
		if err != nil {
			return err
		}
		until, err := supervise.RetainUntil(d.On, years)
		if err != nil {
			return err
		}
		sum := supervise.Hash(d.Content)
		if err := tx.QueryRow(ctx, `INSERT INTO archive_documents (entity, case_id, case_no, worker_id, region, category, title, source,
			source_ref, mime, size, sha256, content, filed_on, retain_years, retain_until, filed_by, filed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.Entity, d.CaseID, no, worker, region, d.Category, strings.TrimSpace(d.Title), d.Source, d.SourceRef, d.MIME,
			len(d.Content), sum, seal.Blob(d.Content), d.On, years, until, by.Username, s.stamp()).Scan(&id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "archive.file", "archive_document", id, nil, map[string]any{
			"entity": d.Entity, "case_id": d.CaseID, "category": d.Category, "title": d.Title, "sha256": sum, "size": len(d.Content), "retain_until": until})
	})
	if err != nil {
		return Document{}, err
	}
	return loadDoc(ctx, s.DB, id)
}

// FileIssued archives every document casework has issued that is not in the archive yet,
// under region: each is kept as the JSON it was printed from (casework.Document), so the
// archive holds what was delivered and a reprint matches it. It returns how many it filed.
func (s *Service) FileIssued(ctx context.Context, by audit.Actor, region string) (int, error) {
	rows, err := s.DB.Query(ctx, `SELECT d.entity, d.case_id, d.kind, d.number, d.issued_on, d.data FROM casework_documents d
		WHERE NOT EXISTS (SELECT 1 FROM archive_documents a WHERE a.source_ref = 'casework:' || d.number)
		ORDER BY d.issued_on, d.number`)
	if err != nil {
		return 0, err
	}
	type issued struct {
		entity, kind, number, on, data string
		caseID                         int64
	}
	var list []issued
	for rows.Next() {
		var i issued
		if err := rows.Scan(&i.entity, &i.caseID, &i.kind, &i.number, &i.on, &i.data); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, i := range list {
		_, _, r, err := caseOf(ctx, s.DB, i.entity, i.caseID)
		if err != nil || !strings.HasPrefix(r, prefix(region)) {
			continue
		}
		var doc casework.Document
		title := i.kind
		if json.Unmarshal([]byte(i.data), &doc) == nil && doc.Title != "" {
			title = doc.Title
		}
		cat := supervise.CatDetermination
		if i.entity == supervise.SourceAssessment {
			cat = supervise.CatAssessment
		}
		if _, err := s.File(ctx, by, supervise.NewDocument{Entity: i.entity, CaseID: i.caseID, Category: cat,
			Title: title + " " + i.number, Source: "generated", SourceRef: "casework:" + i.number,
			MIME: "application/json", Content: []byte(i.data), On: i.on}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

const docCols = `d.id, d.entity, d.case_id, d.case_no, d.worker_id, d.region, d.category, d.title, d.source, d.source_ref, d.mime,
	d.size, d.sha256, d.filed_on, d.retain_years, d.retain_until, d.filed_by, d.disposed_on, d.disposed_by,
	(SELECT COUNT(*) FROM archive_reads r WHERE r.doc_id = d.id)`

func scanDoc(sc interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var disposed sql.NullString
	err := sc.Scan(&d.ID, &d.Entity, &d.CaseID, &d.CaseNo, &d.WorkerID, &d.Region, &d.Category, &d.Title, &d.Source, &d.SourceRef,
		&d.MIME, &d.Size, &d.SHA256, &d.FiledOn, &d.RetainYears, &d.RetainUntil, &d.FiledBy, &disposed, &d.DisposedBy, &d.Reads)
	d.DisposedOn = disposed.String
	return d, err
}

func loadDoc(ctx context.Context, q store.Querier, id int64) (Document, error) {
	d, err := scanDoc(q.QueryRow(ctx, `SELECT `+docCols+` FROM archive_documents d WHERE d.id = ?`, id))
	return d, notFound(err)
}

// Doc loads a document's record without reading it (no read is logged). Errors: not_found.
func (s *Service) Doc(ctx context.Context, id int64) (Document, error) { return loadDoc(ctx, s.DB, id) }

// Read returns a document's bytes and logs the read (archive_reads and the audit log, in one
// transaction, so no one reads unrecorded). Errors: not_found (or disposed).
func (s *Service) Read(ctx context.Context, by audit.Actor, id int64, purpose string) (Document, []byte, error) {
	var d Document
	var content []byte
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = loadDoc(ctx, tx, id); err != nil {
			return err
		}
		if d.DisposedOn != "" {
			return apperr.NotFoundf("sup.err.disposed")
		}
		if err := tx.QueryRow(ctx, `SELECT content FROM archive_documents WHERE id = ?`, id).Scan(&content); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO archive_reads (doc_id, reader, at, purpose) VALUES (?, ?, ?, ?)`,
			id, by.Username, s.stamp(), strings.TrimSpace(purpose)); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "archive.read", "archive_document", id, nil, map[string]any{"purpose": purpose})
	})
	return d, content, err
}

// ReadLog is one read of a document.
type ReadLog struct {
	Reader, At, Purpose string
}

// Reads lists who read a document, newest first.
func (s *Service) Reads(ctx context.Context, id int64) ([]ReadLog, error) {
	rows, err := s.DB.Query(ctx, `SELECT reader, at, purpose FROM archive_reads WHERE doc_id = ? ORDER BY id DESC LIMIT 500`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReadLog
	for rows.Next() {
		var r ReadLog
		if err := rows.Scan(&r.Reader, &r.At, &r.Purpose); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Dispose deletes a document's bytes once its retention period has ended, keeping the record
// of what was filed and when it was disposed of. Before the end it is refused: the archive
// never loses a document early. Errors: not_found, conflict (still retained, or disposed).
func (s *Service) Dispose(ctx context.Context, by audit.Actor, id int64) error {
	today := s.Today()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := loadDoc(ctx, tx, id)
		if err != nil {
			return err
		}
		if d.DisposedOn != "" {
			return apperr.Conflictf("id", "sup.err.disposed")
		}
		if err := supervise.MayDispose(d.RetainUntil, today); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE archive_documents SET content = NULL, disposed_on = ?, disposed_by = ? WHERE id = ? AND disposed_on IS NULL`,
			today, by.Username, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, "archive.dispose", "archive_document", id, d, map[string]any{"disposed_on": today})
	})
}

// Mismatch is a document whose bytes no longer hash to what was filed.
type Mismatch struct {
	Document
	Actual string `json:"actual_sha256"`
}

// Verify recomputes the SHA-256 of every kept document under region and returns those that
// differ from the hash filed (an altered or damaged document), with the number checked.
func (s *Service) Verify(ctx context.Context, region string) ([]Mismatch, int, error) {
	scope, args := store.CodePrefix("region", prefix(region))
	rows, err := s.DB.Query(ctx, `SELECT id, sha256, content FROM archive_documents WHERE `+scope+` AND disposed_on IS NULL ORDER BY id`,
		args...)
	if err != nil {
		return nil, 0, err
	}
	var bad []int64
	actual := map[int64]string{}
	n := 0
	for rows.Next() {
		var id int64
		var sum string
		var content []byte
		if err := rows.Scan(&id, &sum, &content); err != nil {
			rows.Close()
			return nil, 0, err
		}
		n++
		if got := supervise.Hash(content); got != sum {
			bad = append(bad, id)
			actual[id] = got
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var out []Mismatch
	for _, id := range bad {
		d, err := loadDoc(ctx, s.DB, id)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, Mismatch{Document: d, Actual: actual[id]})
	}
	return out, n, nil
}

// DocFilter selects documents for the archive search; zero fields match everything.
type DocFilter struct {
	Region   string
	Text     string // case number, worker ID number or words of the title
	Category string
	Entity   string
	CaseID   int64
	Limit    int
}

// Search finds documents, newest first.
func (s *Service) Search(ctx context.Context, f DocFilter) ([]Document, error) {
	scope, args := store.CodePrefix("d.region", prefix(f.Region))
	where := []string{scope}
	if t := strings.TrimSpace(f.Text); t != "" {
		where = append(where, "(d.case_no = ? OR d.worker_id = ? OR d.title LIKE ?)")
		args = append(args, t, t, "%"+t+"%")
	}
	if f.Category != "" {
		where, args = append(where, "d.category = ?"), append(args, f.Category)
	}
	if f.Entity != "" {
		where, args = append(where, "d.entity = ? AND d.case_id = ?"), append(args, f.Entity, f.CaseID)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	rows, err := s.DB.Query(ctx, `SELECT `+docCols+` FROM archive_documents d WHERE `+strings.Join(where, " AND ")+
		` ORDER BY d.filed_on DESC, d.id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RetentionRow is one line of the retention report: documents of a category by the year
// their period ends.
type RetentionRow struct {
	Category  string `json:"category"`
	UntilYear string `json:"until_year"`
	Kept      int    `json:"kept"`
	Disposed  int    `json:"disposed"`
	Bytes     int64  `json:"bytes"`
	Due       int    `json:"due"` // kept documents whose period has ended: may be disposed of
}

// Retention reports the archive under region by category and the year retention ends.
func (s *Service) Retention(ctx context.Context, region string) ([]RetentionRow, error) {
	scope, args := store.CodePrefix("region", prefix(region))
	rows, err := s.DB.Query(ctx, `SELECT category, SUBSTR(retain_until, 1, 4),
		SUM(CASE WHEN disposed_on IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN disposed_on IS NULL THEN 0 ELSE 1 END),
		SUM(CASE WHEN disposed_on IS NULL THEN size ELSE 0 END),
		SUM(CASE WHEN disposed_on IS NULL AND retain_until <= ? THEN 1 ELSE 0 END)
		FROM archive_documents WHERE `+scope+` GROUP BY category, SUBSTR(retain_until, 1, 4) ORDER BY category, 2`,
		append([]any{s.Today()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RetentionRow
	for rows.Next() {
		var r RetentionRow
		if err := rows.Scan(&r.Category, &r.UntilYear, &r.Kept, &r.Disposed, &r.Bytes, &r.Due); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
