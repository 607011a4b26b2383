package web_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
	"wiis/internal/web/webtest"
)

func TestEveryRouteAnswersEveryRoleAsItsPermissionSays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		webtest.WalkRoutes(t, webtest.New(t, db))
	})
}

func TestARouteWithoutAPermissionIsRefusedAtStartUp(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	defer func() {
		if recover() == nil {
			t.Fatal("Handle accepted a route without a permission")
		}
	}()
	h.S.Handle(web.Route{Method: "GET", Pattern: "/nobody-said", Handler: func(http.ResponseWriter, *http.Request) error { return nil }})
}

func TestStateChangingFormsNeedTheSessionCSRFToken(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	c := h.As(auth.Teller)
	form := "name=x"
	post := func(token string) int {
		hdr := []string{"Content-Type", "application/x-www-form-urlencoded"}
		if token != "" {
			hdr = append(hdr, "X-CSRF-Token", token)
		}
		return c.Do("POST", "/account/tokens", strings.NewReader(form), false, hdr...).Code
	}
	if code := post(""); code != http.StatusForbidden {
		t.Errorf("no token: %d, want 403", code)
	}
	if code := post(h.As(auth.Teller).CSRF); code != http.StatusForbidden {
		t.Errorf("another session's token: %d, want 403", code)
	}
	if code := post(c.CSRF); code != http.StatusOK {
		t.Errorf("right token: %d, want 200", code)
	}
	// The form field works as well as the header.
	rec := c.Do("POST", "/account/tokens", strings.NewReader(form+"&csrf="+url.QueryEscape(c.CSRF)), false,
		"Content-Type", "application/x-www-form-urlencoded")
	if rec.Code != http.StatusOK {
		t.Errorf("token in the form: %d", rec.Code)
	}
	// Login needs the pre-session token too.
	anon := h.As("")
	rec = anon.Do("POST", "/login", strings.NewReader("username=h_teller&password="+webtest.Password), false,
		"Content-Type", "application/x-www-form-urlencoded")
	if rec.Code != http.StatusForbidden {
		t.Errorf("login without CSRF token: %d, want 403", rec.Code)
	}
}

func loginForm(user, pw string) *strings.Reader {
	return strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode())
}

func TestLoginShowsChineseErrorsAndLockout(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	anon := h.As("")
	ct := []string{"Content-Type", "application/x-www-form-urlencoded"}
	rec := anon.Do("POST", "/login", loginForm("h_teller", "wrong"), true, ct...)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "用户名或密码错误") {
		t.Fatalf("wrong password: %d %s", rec.Code, rec.Body)
	}
	for i := 0; i < 4; i++ {
		rec = anon.Do("POST", "/login", loginForm("h_teller", "wrong"), true, ct...)
	}
	if !strings.Contains(rec.Body.String(), "账户已锁定") {
		t.Fatalf("fifth failure: %s", rec.Body)
	}
	rec = anon.Do("POST", "/login?lang=en", loginForm("h_clerk", "wrong"), true, ct...)
	if !strings.Contains(rec.Body.String(), "Wrong username or password") {
		t.Fatalf("English: %s", rec.Body)
	}
	rec = anon.Do("POST", "/login", loginForm("h_benefits_reviewer", webtest.Password), true, ct...)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		t.Fatalf("good login: %d %v", rec.Code, rec.Header())
	}
	var sess *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "wiis_session" {
			sess = ck
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie: %+v", sess)
	}
}

func TestHomePageListsOnlyTheRolesOwnPages(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	body := h.As(auth.Auditor).Do("GET", "/", nil, false).Body.String()
	if !strings.Contains(body, `href="/audit"`) || strings.Contains(body, `href="/admin/users"`) {
		t.Errorf("auditor home: %s", body)
	}
	body = h.As(auth.Teller).Do("GET", "/", nil, false).Body.String()
	if !strings.Contains(body, "综合柜员") || !strings.Contains(body, `href="/account"`) || strings.Contains(body, `href="/audit"`) {
		t.Errorf("teller home: %s", body)
	}
	for _, rt := range h.S.Routes() {
		if rt.Nav != "" && (rt.Method != "GET" || strings.Contains(rt.Pattern, "{")) {
			t.Errorf("%s %s: only GET pages without wildcards can be home links", rt.Method, rt.Pattern)
		}
	}
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	for _, p := range []string{"/login", "/healthz", "/no-such-page", "/api/v1/me"} {
		rec := h.As("").Do("GET", p, nil, false)
		hd := rec.Header()
		if !strings.Contains(hd.Get("Content-Security-Policy"), "default-src 'self'") ||
			!strings.Contains(hd.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", p, hd)
		}
	}
}

func TestAPIErrorsAreJSONWithCodeAndField(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	c := h.As(auth.FundOfficer)
	tok, _, err := h.S.Auth.CreateAPIToken(t.Context(), audit.Actor{Username: "t"}, h.Users[auth.FundOfficer], "x")
	if err != nil {
		t.Fatal(err)
	}
	api := &webtest.Client{}
	*api = *h.As("")
	api.Cookies, api.Bearer = nil, tok
	type errBody struct {
		Error struct{ Code, Field, Message string }
	}
	check := func(rec interface {
		Result() *http.Response
	}, status int, code, field string) {
		t.Helper()
		res := rec.Result()
		var b errBody
		if err := json.NewDecoder(res.Body).Decode(&b); err != nil || res.StatusCode != status || b.Error.Code != code ||
			b.Error.Field != field || b.Error.Message == "" {
			t.Errorf("got %d %+v (%v), want %d %s %s", res.StatusCode, b, err, status, code, field)
		}
	}
	check(api.Do("POST", "/api/v1/tokens", strings.NewReader(`{"name": ""}`), false), 422, "invalid", "name")
	check(api.Do("POST", "/api/v1/tokens", strings.NewReader(`{"nme": "x"}`), false), 422, "invalid", "body")
	check(api.Do("POST", "/api/v1/tokens", strings.NewReader(`{"name": "`+strings.Repeat("x", 2<<20)+`"}`), false), 422, "invalid", "body")
	check(api.Do("DELETE", "/api/v1/tokens/99999", nil, false), 404, "not_found", "")
	check(api.Do("GET", "/api/v1/nothing", nil, false), 404, "not_found", "")
	check(h.As("").Do("GET", "/api/v1/me", nil, false), 401, "unauthorized", "")
	bad := *api
	bad.Bearer = "wiis_forged"
	check(bad.Do("GET", "/api/v1/me", nil, false), 401, "unauthorized", "")
	check(c.Do("GET", "/metrics", nil, false, "Accept", "application/json"), 403, "forbidden", "")
	// Bearer calls need no CSRF token; session calls do.
	if rec := api.Do("POST", "/api/v1/tokens", strings.NewReader(`{"name":"feed"}`), false); rec.Code != http.StatusCreated {
		t.Errorf("bearer create: %d %s", rec.Code, rec.Body)
	}
	check(c.Do("POST", "/api/v1/tokens", strings.NewReader(`{"name":"feed"}`), false), 403, "forbidden", "")
	if rec := api.Do("GET", "/api/v1/me", nil, false); !strings.Contains(rec.Body.String(), `"fund_officer"`) {
		t.Errorf("me: %s", rec.Body)
	}
}

func TestAPanicIsACleanLogged500(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	h.S.Handle(web.Route{Method: "GET", Pattern: "/api/v1/boom", Perm: auth.SignedIn,
		API:     &web.APIDoc{Summary: "boom"},
		Handler: func(http.ResponseWriter, *http.Request) error { panic("secret detail") }})
	rec := h.As(auth.Teller).Do("GET", "/api/v1/boom", nil, false)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatalf("panic answer: %d %s", rec.Code, rec.Body)
	}
}

func TestOpenAPIListsExactlyTheRegisteredAPIRoutes(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	rec := h.As("").Do("GET", "/api/openapi.json", nil, false)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi: %v %s", err, doc.OpenAPI)
	}
	var got, want []string
	for p, ops := range doc.Paths {
		for m := range ops {
			got = append(got, strings.ToUpper(m)+" "+p)
		}
	}
	for _, rt := range h.S.Routes() {
		if strings.HasPrefix(rt.Pattern, "/api/") && rt.Pattern != "/api/openapi.json" {
			want = append(want, rt.Method+" "+rt.Pattern)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("openapi paths:\n%s\nregistered API routes:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTemplatesUseOnlyCatalogueKeys(t *testing.T) {
	re := regexp.MustCompile(`\bt "([^"]+)"`)
	err := filepath.WalkDir("templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if !web.HasMessage(m[1]) {
				t.Errorf("%s: key %q is not in the catalogue in both languages", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	h := webtest.New(t, storetest.Open(t, store.SQLite))
	h.As("").Do("GET", "/healthz", nil, false)
	body := h.As(auth.SysAdmin).Do("GET", "/metrics", nil, false).Body.String()
	if !strings.Contains(body, `wiis_http_requests_total{code="200",method="GET",route="GET /healthz"}`) {
		t.Fatalf("metrics: %s", body)
	}
}

// security.md: bad input gets a clear error, never a 500, and a refused call changes nothing.
func TestHostileInputToEveryRouteGetsA4xxAndChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		webtest.HostileInput(t, webtest.New(t, db))
	})
}

func TestDecodeJSONRefusesTrailingDataBadUTF8AndControlCharacters(t *testing.T) {
	type req struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	for body, want := range map[string]string{
		`{"name":"张三","tags":["a"]}`: "",
		`{"name":"a"} {"name":"b"}`:  "body",
		"{\"name\":\"\xff\"}":        "body",
		`{"name":"a\u0000b"}`:        "name",
		`{"tags":["ok","\u0007"]}`:   "tags",
		`{"name":"line\nbreak"}`:     "",
	} {
		r, _ := http.NewRequest("POST", "/", strings.NewReader(body))
		var v req
		err := web.DecodeJSON(r, &v)
		got := ""
		if err != nil {
			got = apperr.As(err).Field
		}
		if got != want {
			t.Errorf("%q: error field %q (%v), want %q", body, got, err, want)
		}
	}
}

// FuzzDecodeJSON: any body gets either a decoded value or an invalid error, never a panic, and
// a decoded value holds only clean text.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"x"}`, `{"name":"\u0000"}`, "{\"name\":\"\xff\"}", `{"name":1}`, `[]`, `{"a":1}{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r, _ := http.NewRequest("POST", "/", strings.NewReader(body))
		var v web.TokenRequest
		err := web.DecodeJSON(r, &v)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("%q: %v", body, err)
			}
			return
		}
		if !utf8.ValidString(v.Name) || strings.ContainsRune(v.Name, 0) {
			t.Fatalf("%q decoded to bad text %q", body, v.Name)
		}
	})
}

// TestAuditPageMasksIDNumbersAndFiltersByTheFullNumber checks the auditor's list
// (security.md: ID numbers are masked in lists): a record about a person shows the subject and
// the before/after values with the number masked, the auditor still finds it by typing the
// full number into the entity filter, and the stored chain, which keeps the full value, still
// verifies.
func TestAuditPageMasksIDNumbersAndFiltersByTheFullNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const id, masked = "341502196601013648", "3415**********3648"
		h := webtest.New(t, db)
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := audit.Append(t.Context(), tx, audit.Record{Action: "enrollment.add", Entity: "person", EntityID: id,
				After: map[string]string{"id_number": id, "uscc": "91341500MA00000001"}}.By(audit.Actor{Username: "teller1"}))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		auditor := h.As(auth.Auditor)
		body := auditor.Do("GET", "/audit", nil, false).Body.String()
		if strings.Contains(body, id) || !strings.Contains(body, "person "+masked) || !strings.Contains(body, masked+`&#34;`) ||
			!strings.Contains(body, "91341500MA00000001") {
			t.Errorf("audit list shows the whole number or lost the record:\n%s", body)
		}
		rec := auditor.Do("GET", "/audit?entity=person&entity_id="+id, nil, false)
		rows := strings.Count(rec.Body.String(), `<tr><td class="num">`)
		if rec.Code != http.StatusOK || rows != 1 || !strings.Contains(rec.Body.String(), "enrollment.add") {
			t.Errorf("filter by the full number: %d, %d rows\n%s", rec.Code, rows, rec.Body)
		}
		if res, err := audit.Verify(t.Context(), db); err != nil || !res.OK() {
			t.Errorf("chain after masking the page: %+v %v", res, err)
		}
	})
}
