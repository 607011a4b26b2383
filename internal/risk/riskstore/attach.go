package riskstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"wiis/internal/seal"
	"wiis/internal/store"
)

// MaxAttachment is the largest file an investigator may attach to an alert (5 MiB): scans of
// documents and photos, not archives.
const MaxAttachment = 5 << 20

// Attachment is a file attached to an alert (without its bytes).
type Attachment struct {
	ID          int64
	AlertID     int64
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	UploadedBy  string
	CreatedAt   string
}

// AddAttachment stores a file on an alert with its size and SHA-256 and returns it. Like a
// note it leaves the alert's state and version alone. The caller audits in tx.
// Errors: ErrNotFound, ErrInvalid (empty or too large file, no name).
func AddAttachment(ctx context.Context, tx *store.Tx, alertID int64, filename, contentType string, data []byte, by string, now time.Time) (Attachment, error) {
	filename = filepath.Base(strings.ReplaceAll(strings.TrimSpace(filename), "\\", "/"))
	switch {
	case len(data) == 0:
		return Attachment{}, fmt.Errorf("%w: the file is empty", ErrInvalid)
	case len(data) > MaxAttachment:
		return Attachment{}, fmt.Errorf("%w: the file is larger than %d bytes", ErrInvalid, MaxAttachment)
	case filename == "" || filename == "." || filename == "/":
		return Attachment{}, fmt.Errorf("%w: the file has no name", ErrInvalid)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM risk_alerts WHERE id = ?`, alertID).Scan(&n); err != nil {
		return Attachment{}, err
	}
	if n == 0 {
		return Attachment{}, fmt.Errorf("riskstore: alert %d: %w", alertID, ErrNotFound)
	}
	sum := sha256.Sum256(data)
	a := Attachment{AlertID: alertID, Filename: filename, ContentType: contentType, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: by, CreatedAt: stamp(now)}
	err := tx.QueryRow(ctx, `INSERT INTO risk_alert_attachments (alert_id, filename, content_type, size, sha256, data,
		uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		alertID, a.Filename, a.ContentType, a.Size, a.SHA256, seal.Blob(data), by, a.CreatedAt).Scan(&a.ID)
	return a, err
}

// Attachments lists the files of an alert, oldest first.
func Attachments(ctx context.Context, q store.Querier, alertID int64) ([]Attachment, error) {
	rows, err := q.Query(ctx, `SELECT id, alert_id, filename, content_type, size, sha256, uploaded_by, created_at
		FROM risk_alert_attachments WHERE alert_id = ? ORDER BY id`, alertID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.AlertID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentData returns one file of an alert with its bytes. Errors: ErrNotFound (also when
// the file belongs to another alert).
func AttachmentData(ctx context.Context, q store.Querier, alertID, id int64) (Attachment, []byte, error) {
	var a Attachment
	var data []byte
	err := q.QueryRow(ctx, `SELECT id, alert_id, filename, content_type, size, sha256, uploaded_by, created_at, data
		FROM risk_alert_attachments WHERE id = ? AND alert_id = ?`, id, alertID).Scan(&a.ID, &a.AlertID, &a.Filename,
		&a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.CreatedAt, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, fmt.Errorf("riskstore: attachment %d: %w", id, ErrNotFound)
	}
	return a, data, err
}
