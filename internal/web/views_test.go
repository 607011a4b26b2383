package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
)

// A route marked Views writes its audit record before a successful answer, with the path
// values as the entity id, and none for an answer that showed nothing.
func TestRecordViewsAreAuditedBeforeTheAnswer(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	s, err := web.New(web.Config{DB: db, Version: "test", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle(web.Route{Method: "GET", Pattern: "/test/cases/{id}/documents/{kind}", Perm: auth.Public, Views: "case.view",
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			if r.PathValue("id") == "404" {
				return apperr.NotFoundf("error.not_found")
			}
			w.Header().Set("Content-Type", "text/plain")
			_, err := w.Write([]byte("the case"))
			return err
		}})
	count := func() (n int) {
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'case.view' AND entity = 'case' AND entity_id = '7/decision'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/test/cases/7/documents/decision", nil))
	if rec.Code != http.StatusOK || count() != 1 {
		t.Fatalf("view: %d %q, %d records", rec.Code, rec.Body.String(), count())
	}
	// A person's reference, or a number typed with a small x, is recorded as the number.
	const id = "11010519491231002X"
	for _, v := range []string{s.PersonRef(id), "11010519491231002x"} {
		rec = httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/test/cases/"+v+"/documents/decision", nil))
		var got string
		if err := db.QueryRow(context.Background(), `SELECT entity_id FROM audit_log WHERE action = 'case.view' ORDER BY seq DESC LIMIT 1`).Scan(&got); err != nil || got != id+"/decision" {
			t.Errorf("view of %s recorded as %q (%v), want %s/decision", v, got, err, id)
		}
		var stored string // as written: the number sealed
		db.QueryRow(store.Raw(context.Background()), `SELECT entity_id FROM audit_log WHERE action = 'case.view' ORDER BY seq DESC LIMIT 1`).Scan(&stored)
		if strings.Contains(strings.ToUpper(stored), "11010519491231002") {
			t.Errorf("view of %s stored in clear: %q", v, stored)
		}
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/test/cases/404/documents/decision", nil))
	var all int
	db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'case.view'`).Scan(&all)
	if rec.Code != http.StatusNotFound || all != 3 {
		t.Errorf("a 404 answer: %d, %d view records in all, want 3", rec.Code, all)
	}
}
