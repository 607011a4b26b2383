package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"wiis/internal/auth"
	"wiis/internal/web"
)

// Hostile strings of security.md's bad-input rule: SQL and script injection, invalid UTF-8,
// control characters, numbers too big for any column, and text far longer than any field.
var Hostile = []string{
	`' OR 1=1 --`,
	`1; DROP TABLE users; --`,
	`<script>alert("wiis")</script>`,
	"\xff\xfe\xfd",
	"a\x00b",
	"99999999999999999999999999",
	"-1",
	"1e400",
	"../../etc/passwd",
	"%s%n%x",
	strings.Repeat("长", 5000),
}

// queryKeys are the query parameters list and search pages commonly read; every GET route
// gets each hostile string in all of them.
var queryKeys = []string{"q", "page", "limit", "offset", "sort", "order", "from", "to", "month", "year",
	"region", "status", "id", "name", "before", "after", "kind", "type", "date", "lang", "next", "format"}

// HostileInput sends malformed and hostile input to every registered route as a caller its
// permission allows: hostile path wildcards and query strings on every route, and on every
// state-changing route an oversized body, broken and wrongly typed JSON, hostile strings in
// every field of the route's documented request type, and hostile form bodies. Every answer
// must be below 500, an HTML answer must not reflect an injected script unescaped, and an
// answer of 400 or more must leave every table's row count unchanged (a refused call changes
// nothing, audit log included; sign-in failures, which are audited by design, are exempt).
func HostileInput(t *testing.T, h *Harness) {
	t.Helper()
	ctx := context.Background()
	tables, err := h.DB.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	countQ := countQuery(tables)
	counts := func() []int64 {
		out := make([]int64, len(tables))
		ptrs := make([]any, len(tables))
		for i := range out {
			ptrs[i] = &out[i]
		}
		if err := h.DB.QueryRow(ctx, countQ).Scan(ptrs...); err != nil {
			t.Fatalf("row counts: %v", err)
		}
		return out
	}
	n := 0
	for _, rt := range h.S.Routes() {
		c := clientFor(h, rt)
		if c == nil {
			continue
		}
		for _, req := range hostileRequests(rt) {
			before := counts()
			rec := c.Do(req.method, req.path, strings.NewReader(req.body), true, req.hdr...)
			n++
			what := fmt.Sprintf("%s %s [%s]", rt.Method, rt.Pattern, req.what)
			body := rec.Body.String()
			switch {
			case rec.Code >= 500:
				t.Errorf("%s: got %d, want a 4xx: %.300s", what, rec.Code, body)
			case strings.Contains(body, `<script>alert("wiis")`):
				t.Errorf("%s: the answer (%d) reflects the injected script unescaped", what, rec.Code)
			case rec.Code >= 400 && !strings.HasPrefix(rt.Pattern, "/login"):
				if after := counts(); !equal(before, after) {
					t.Errorf("%s: refused with %d but changed the database: %s", what, rec.Code, diff(tables, before, after))
				}
			}
		}
	}
	t.Logf("hostile input: %d requests to %d routes", n, len(h.S.Routes()))
}

func countQuery(tables []string) string {
	parts := make([]string, len(tables))
	for i, tb := range tables {
		parts[i] = `(SELECT COUNT(*) FROM "` + tb + `")`
	}
	return "SELECT " + strings.Join(parts, ", ")
}

func equal(a, b []int64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func diff(tables []string, a, b []int64) string {
	var out []string
	for i := range a {
		if a[i] != b[i] {
			out = append(out, fmt.Sprintf("%s %d→%d", tables[i], a[i], b[i]))
		}
	}
	return strings.Join(out, ", ")
}

// clientFor returns a caller the route allows: anonymous for public routes, else a fresh
// session of the first role the permission names (a teller for any signed-in user).
func clientFor(h *Harness, rt web.Route) *Client {
	if rt.Perm.Public {
		return h.As("")
	}
	for _, r := range auth.AllRoles() {
		if rt.Perm.AllowsRole(r) {
			return h.As(r)
		}
	}
	return nil
}

type hostileReq struct {
	what   string
	method string
	path   string
	body   string
	hdr    []string
}

const (
	ctJSON = "application/json"
	ctForm = "application/x-www-form-urlencoded"
)

func hostileRequests(rt web.Route) []hostileReq {
	var out []hostileReq
	path := Concrete(rt.Pattern)
	if strings.Contains(rt.Pattern, "{") {
		for _, s := range Hostile {
			p := wildcard.ReplaceAllString(strings.ReplaceAll(rt.Pattern, "{$}", ""), url.PathEscape(s))
			out = append(out, hostileReq{"path " + short(s), rt.Method, p, "", nil})
		}
	}
	if rt.Method == http.MethodGet {
		for _, s := range Hostile {
			q := url.Values{}
			for _, k := range queryKeys {
				q.Set(k, s)
			}
			out = append(out, hostileReq{"query " + short(s), rt.Method, path + "?" + q.Encode(), "", nil})
		}
		return out
	}
	add := func(what, ct, body string) {
		out = append(out, hostileReq{what, rt.Method, path, body, []string{"Content-Type", ct}})
	}
	if rt.MaxBody <= 16<<20 {
		add("oversized JSON", ctJSON, `{"x":"`+strings.Repeat("a", int(rt.MaxBody))+`"}`)
		add("oversized form", ctForm, "x="+strings.Repeat("a", int(rt.MaxBody)))
	}
	for _, b := range []string{`{"`, `[1,2`, `null`, `[]`, `"text"`, `{"a":1}{"b":2}`, "\xff\xfe", `{"a":` + strings.Repeat("[", 10000)} {
		add("bad JSON "+short(b), ctJSON, b)
	}
	var fields []reflect.StructField
	if rt.API != nil && rt.API.Request != nil {
		fields = jsonFields(reflect.TypeOf(rt.API.Request))
	}
	if len(fields) > 0 {
		add("wrong types", ctJSON, jsonObject(fields, wrongType))
		for _, s := range Hostile {
			add("fields "+short(s), ctJSON, jsonObject(fields, func(f reflect.StructField) any { return hostileValue(f, s) }))
		}
	}
	for _, s := range Hostile {
		form := url.Values{}
		for _, k := range append([]string{"name", "username", "password", "code", "amount", "version", "roles", "region"}, queryKeys...) {
			form.Set(k, s)
		}
		add("form "+short(s), ctForm, form.Encode())
	}
	add("form with raw invalid UTF-8", ctForm, "name=\xff\xfe&q=%FF%FE&amount=\xc3")
	return out
}

func short(s string) string {
	if len(s) > 24 {
		return fmt.Sprintf("%q…(%d bytes)", s[:12], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// jsonFields lists the JSON-visible fields of a struct type (pointers followed).
func jsonFields(t reflect.Type) []reflect.StructField {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []reflect.StructField
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous || f.Tag.Get("json") == "-" {
			continue
		}
		out = append(out, f)
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

func jsonObject(fields []reflect.StructField, val func(reflect.StructField) any) string {
	m := map[string]any{}
	for _, f := range fields {
		m[jsonName(f)] = val(f)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// wrongType is a JSON value of another type than the field's.
func wrongType(f reflect.StructField) any {
	switch f.Type.Kind() {
	case reflect.String:
		return 12345
	case reflect.Slice, reflect.Array, reflect.Map:
		return "not a list"
	case reflect.Struct:
		return []int{1}
	default:
		return "not a number"
	}
}

// hostileValue puts s into a string field, and the raw number it spells (too big, negative or
// out of range) into a numeric one.
func hostileValue(f reflect.StructField, s string) any {
	switch f.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if json.Valid([]byte(s)) {
			return json.RawMessage(s)
		}
		return s
	case reflect.Slice:
		return []string{s}
	}
	return s
}
