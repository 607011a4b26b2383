package counterstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/counter"
	"wiis/internal/policy"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// MaxMaterialBytes caps one material file (a scan, photo or PDF). A technical limit — the
// bytes are kept in the database row and the request must fit in memory — not a legal rule.
const MaxMaterialBytes = 5 << 20

// MaterialFile is a material taken as a file at the counter.
type MaterialFile struct {
	Material string // the catalogue item's material name
	Filename string
	Content  []byte
}

// FileInfo is a stored material file's record, without its bytes.
type FileInfo struct {
	ID          int64  `json:"id"`
	TicketID    int64  `json:"ticket_id"`
	Material    string `json:"material"`
	Filename    string `json:"filename"`
	MIME        string `json:"mime"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	RetainUntil string `json:"retain_until"`
	FiledBy     string `json:"filed_by"`
	FiledAt     string `json:"filed_at"`
}

// allowedMIME are the kinds of material files taken: scans and photos as images, and PDFs.
var allowedMIME = []string{"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"}

// CheckMaterialFile validates a file before anything is stored: a material of the item, not
// empty, within MaxMaterialBytes, an image or a PDF by its content. It returns the MIME type.
// Errors: invalid on "materials".
func CheckMaterialFile(it counter.Item, f MaterialFile) (string, error) {
	if !slices.Contains(it.Materials, f.Material) {
		return "", apperr.Invalidf("materials", "材料“%s”不属于该事项 / not a material of this item", f.Material)
	}
	if len(f.Content) == 0 {
		return "", apperr.Invalidf("materials", "材料“%s”的文件为空 / the file is empty", f.Material)
	}
	if len(f.Content) > MaxMaterialBytes {
		return "", apperr.Invalidf("materials", "材料“%s”的文件超过 %d MB / the file is larger than %d MB", f.Material, MaxMaterialBytes>>20, MaxMaterialBytes>>20)
	}
	mime, _, _ := strings.Cut(http.DetectContentType(f.Content), ";")
	if !slices.Contains(allowedMIME, mime) {
		return "", apperr.Invalidf("materials", "材料“%s”须为图片或 PDF / the file must be an image or a PDF", f.Material)
	}
	return mime, nil
}

// fileMaterials stores a new ticket's material files in the ticket's transaction, each with
// its SHA-256 and the retention date of policy counter.material_retention_years in force.
func fileMaterials(ctx context.Context, tx *store.Tx, by audit.Actor, t counter.Ticket, files []MaterialFile, now time.Time) error {
	if len(files) == 0 {
		return nil
	}
	it, err := Item(ctx, tx, t.ItemCode)
	if err != nil {
		return err
	}
	day := now.In(shanghai)
	years := 30
	if _, err := policy.Decode(ctx, tx, t.Office, "counter.material_retention_years", day.Format("2006-01-02"), &years); err != nil {
		return err
	}
	until := day.AddDate(years, 0, 0).Format("2006-01-02")
	for _, f := range files {
		mime, err := CheckMaterialFile(it, f)
		if err != nil {
			return err
		}
		s := sha256.Sum256(f.Content)
		sum := hex.EncodeToString(s[:])
		name := strings.TrimSpace(f.Filename)
		if name == "" {
			name = f.Material
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO ticket_files (ticket_id, material, filename, mime, size, sha256, content, retain_until, filed_by, filed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.ID, f.Material, name, mime, len(f.Content), sum, seal.Blob(f.Content), until,
			by.Username, audit.FormatTime(now)).Scan(&id); err != nil {
			return err
		}
		if _, err := audit.Append(ctx, tx, audit.Record{Action: "ticket.file", Entity: "ticket", EntityID: t.No,
			After: map[string]any{"file_id": id, "material": f.Material, "filename": name, "mime": mime, "size": len(f.Content), "sha256": sum}}.By(by)); err != nil {
			return err
		}
	}
	return nil
}

const fileCols = `id, ticket_id, material, filename, mime, size, sha256, retain_until, filed_by, filed_at`

func scanFile(r scanner) (FileInfo, error) {
	var f FileInfo
	err := r.Scan(&f.ID, &f.TicketID, &f.Material, &f.Filename, &f.MIME, &f.Size, &f.SHA256, &f.RetainUntil, &f.FiledBy, &f.FiledAt)
	return f, err
}

// Files lists a ticket's material files in the order they were taken.
func Files(ctx context.Context, q store.Querier, ticketID int64) ([]FileInfo, error) {
	rows, err := q.Query(ctx, `SELECT `+fileCols+` FROM ticket_files WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileInfo
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ReadFile returns a ticket's material file with its bytes and records the read in the audit
// log in the same transaction, so no one reads a file unrecorded. Errors: not_found.
func ReadFile(ctx context.Context, db *store.DB, by audit.Actor, ticketID, fileID int64) (FileInfo, []byte, error) {
	var f FileInfo
	var content []byte
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		f, err = scanFile(tx.QueryRow(ctx, `SELECT `+fileCols+` FROM ticket_files WHERE id = ? AND ticket_id = ?`, fileID, ticketID))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("cu.counter.file_not_found")
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT content FROM ticket_files WHERE id = ?`, fileID).Scan(&content); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "ticket.file.read", Entity: "ticket_file", EntityID: strconv.FormatInt(fileID, 10),
			After: map[string]any{"ticket_id": ticketID, "file_id": fileID, "material": f.Material}}.By(by))
		return err
	})
	return f, content, err
}
