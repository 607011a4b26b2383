package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
)

// A person route takes the person's reference or the number, links built from a number get
// the reference, and the request log never holds a whole ID number.
func TestPersonRoutesTakeReferencesAndTheLogMasksNumbers(t *testing.T) {
	const id = "11010519491231002X"
	db := storetest.Open(t, store.SQLite)
	var log bytes.Buffer
	s, err := web.New(web.Config{DB: db, Version: "test", Log: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle(web.Route{Method: "GET", Pattern: "/test/persons/{id}", Perm: auth.Public,
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			return web.WriteJSON(w, http.StatusOK, map[string]string{"id": s.PersonParam(r, "id")})
		}})
	ref := s.PersonRef(id)
	if ref == id || strings.Contains(ref, id) {
		t.Fatalf("reference %q shows the number", ref)
	}
	if got := s.RefLinks("/counter/persons/" + id + "#contact"); got != "/counter/persons/"+ref+"#contact" {
		t.Errorf("RefLinks: %q", got)
	}
	for _, path := range []string{"/test/persons/" + ref, "/test/persons/" + strings.ToLower(id)} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"id":"`+id+`"`) {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	if strings.Contains(log.String(), id) || strings.Contains(strings.ToUpper(log.String()), id) {
		t.Errorf("the request log holds the ID number:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "1101**********002X") {
		t.Errorf("the request log does not show the masked number:\n%s", log.String())
	}
}
