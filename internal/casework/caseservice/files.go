package caseservice

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// MaxFileSize caps one uploaded material (20 MiB).
const MaxFileSize = 20 << 20

// Upload is a received file of a material.
type Upload struct {
	Name        string
	ContentType string
	Content     []byte
}

// StoredFile is a kept file's metadata (Content is filled by File only).
type StoredFile struct {
	ID          int64  `json:"id"`
	Entity      string `json:"entity"`
	CaseID      int64  `json:"case_id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	UploadedBy  string `json:"uploaded_by"`
	UploadedAt  string `json:"uploaded_at"`
	Content     []byte `json:"-"`
}

// FileRef is how a material names a kept file.
func FileRef(id int64) string { return "file:" + strconv.FormatInt(id, 10) }

// FileID reads a FileRef; ok is false for references to files kept elsewhere.
func FileID(ref string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(ref, "file:"), 10, 64)
	return id, err == nil && strings.HasPrefix(ref, "file:")
}

// ReceiveFile keeps an uploaded file and records it on determination id (read at version) as
// a received material of its kind (casework.ReceiveMaterial), in one transaction. Errors:
// invalid (empty or oversized file, or the transition refused), not_found, conflict.
func (s *Service) ReceiveFile(ctx context.Context, actor string, id int64, version int, on casework.Date, kind, note string, f Upload) (casework.Determination, error) {
	switch {
	case len(f.Content) == 0:
		return casework.Determination{}, apperr.Invalidf("file", "请选择文件 / choose a file")
	case len(f.Content) > MaxFileSize:
		return casework.Determination{}, apperr.Invalidf("file", "文件超过 20 MiB / the file is larger than 20 MiB")
	}
	if f.ContentType == "" {
		f.ContentType = "application/octet-stream"
	}
	sum := sha256.Sum256(f.Content)
	return act(ctx, s, detKind, id, version, func(tx *store.Tx, c casework.Determination, lim casework.Limits) (casework.Determination, error) {
		var fid int64
		if err := tx.QueryRow(ctx, `INSERT INTO casework_files (entity, case_id, kind, name, content_type, size, sha256, content, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, EntityDetermination, id, kind, f.Name, f.ContentType,
			len(f.Content), hex.EncodeToString(sum[:]), seal.Blob(f.Content), actor, s.now()).Scan(&fid); err != nil {
			return c, fmt.Errorf("caseservice: keep file: %w", err)
		}
		return c.Apply(casework.ReceiveMaterial{Act: casework.Act{On: on}, Kind: kind, FileRef: FileRef(fid), Note: note}, actor, lim)
	})
}

// File returns a kept file with its content. Errors: not_found.
func (s *Service) File(ctx context.Context, id int64) (StoredFile, error) {
	f := StoredFile{ID: id}
	err := s.DB.QueryRow(ctx, `SELECT entity, case_id, kind, name, content_type, size, sha256, content, uploaded_by, uploaded_at
		FROM casework_files WHERE id = ?`, id).Scan(&f.Entity, &f.CaseID, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.SHA256,
		&f.Content, &f.UploadedBy, &f.UploadedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return f, apperr.NotFoundf("文件 %d 不存在 / file %d not found", id, id)
	}
	return f, err
}

// Document returns the kept document of a kind issued for a case, without issuing one.
// Errors: not_found (not issued yet).
func (s *Service) Document(ctx context.Context, entity string, caseID int64, kind casework.DocKind) (casework.Document, error) {
	var doc casework.Document
	var data string
	err := s.DB.QueryRow(ctx, `SELECT data FROM casework_documents WHERE entity = ? AND case_id = ? AND kind = ?`,
		entity, caseID, string(kind)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return doc, apperr.NotFoundf("文书尚未制发 / the document has not been issued")
	}
	if err != nil {
		return doc, err
	}
	return doc, unmarshal(data, &doc)
}

// Documents lists the kinds of document issued for a case with their numbers.
func (s *Service) Documents(ctx context.Context, entity string, caseID int64) (map[casework.DocKind]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT kind, number FROM casework_documents WHERE entity = ? AND case_id = ?`, entity, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[casework.DocKind]string{}
	for rows.Next() {
		var k, n string
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[casework.DocKind(k)] = n
	}
	return out, rows.Err()
}
