package counterui

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"wiis/internal/auth"
	"wiis/internal/counter/counterstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// Materials are taken once, as files: the teller uploads scans with the start form, they are
// stored with the ticket (SHA-256), listed on the receipt and downloaded with an audited read.
// A missing required material still refuses naming it; a file that is not an image or PDF,
// or too big, is refused before anything is stored.
func TestMaterialsTakenAsFilesAreKeptWithTheTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		tel := f.h.As(auth.Teller)
		it, err := counterstore.Item(ctx, db, "GS0501")
		if err != nil || len(it.Materials) < 3 {
			t.Fatalf("item %+v %v", it, err)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
		type upload struct {
			field, name string
			content     []byte
		}
		post := func(checked []string, files ...upload) (int, string, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("subject", f.worker)
			for _, m := range checked {
				mw.WriteField("materials", m)
			}
			for _, u := range files {
				fw, _ := mw.CreateFormFile(u.field, u.name)
				fw.Write(u.content)
			}
			mw.Close()
			rec := tel.Do("POST", "/counter/start/GS0501", &buf, true, "Content-Type", mw.FormDataContentType())
			return rec.Code, rec.Body.String(), rec.Header().Get("Location")
		}
		tickets := func() int {
			var n int
			db.QueryRow(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&n)
			return n
		}
		before := tickets()
		// The third material is neither checked nor uploaded: refused, naming it.
		code, body, _ := post([]string{it.Materials[1]}, upload{"file_0", "申领表.pdf", pdf})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, it.Materials[2]) {
			t.Fatalf("missing material: %d", code)
		}
		// A text file is not a scan; an oversized one is refused too.
		code, body, _ = post([]string{it.Materials[1]}, upload{"file_0", "a.txt", []byte("plain text")}, upload{"file_2", "b.png", png})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "PDF") {
			t.Fatalf("text file: %d", code)
		}
		big := append(append([]byte{}, pdf...), make([]byte, counterstore.MaxMaterialBytes)...)
		code, _, _ = post([]string{it.Materials[1]}, upload{"file_0", "big.pdf", big}, upload{"file_2", "b.png", png})
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("oversized file: %d", code)
		}
		if tickets() != before {
			t.Fatal("a refused start opened a ticket")
		}
		// Two materials as files, one checked on paper: accepted.
		code, body, loc := post([]string{it.Materials[1]}, upload{"file_0", "申领表.pdf", pdf}, upload{"file_2", "银行卡.png", png})
		if code != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", code, body)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/counter/tickets/"), 10, 64)
		files, err := counterstore.Files(ctx, db, id)
		if err != nil || len(files) != 2 || files[0].Material != it.Materials[0] || files[0].MIME != "application/pdf" ||
			files[1].MIME != "image/png" || len(files[0].SHA256) != 64 || files[0].RetainUntil == "" {
			t.Fatalf("files %+v %v", files, err)
		}
		tk, _ := counterstore.Ticket(ctx, db, id)
		if len(tk.Materials) != 3 {
			t.Errorf("materials taken %v", tk.Materials)
		}
		receipt := tel.Do("GET", loc, nil, false).Body.String()
		href := loc + "/files/" + strconv.FormatInt(files[0].ID, 10)
		if !strings.Contains(receipt, "申领表.pdf") || !strings.Contains(receipt, href) {
			t.Fatalf("receipt lacks the files: %s", receipt)
		}
		var reads int
		rec := tel.Do("GET", href, nil, false)
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), pdf) || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("download: %d %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.file.read'`).Scan(&reads)
		if reads != 1 {
			t.Errorf("%d audited reads, want 1", reads)
		}
		if rec := tel.Do("GET", loc+"/files/999999", nil, false); rec.Code != http.StatusNotFound {
			t.Errorf("unknown file: %d", rec.Code)
		}
	})
}
