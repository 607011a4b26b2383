package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"wiis/internal/apperr"
)

// Text that reaches a handler is valid UTF-8 without control characters other than tab and
// line breaks (security.md: bad input gets a clear error that names the field, never a 500).
// PostgreSQL refuses invalid UTF-8 and NUL in text with an error, SQLite stores them silently,
// so without this check the same request answers 500 on one engine and stores garbage on the
// other. The server checks the path, the query and urlencoded form bodies before any handler
// runs; DecodeJSON checks JSON bodies.

// badText reports whether s is not valid UTF-8 or holds a control character other than tab,
// CR and LF.
func badText(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return true
		}
	}
	return false
}

func checkValues(vs url.Values) error {
	for k, list := range vs {
		if badText(k) {
			return apperr.Invalidf("body", "error.bad_text")
		}
		for _, v := range list {
			if badText(v) {
				return apperr.Invalidf(k, "error.bad_text")
			}
		}
	}
	return nil
}

// checkInput refuses a request whose path, query or urlencoded form holds bad text, and a form
// body that is too large or malformed. It parses the form, so it runs before the CSRF check
// reads the form's token. Codes: invalid (the field, or "body").
func checkInput(r *http.Request) error {
	if badText(r.URL.Path) {
		return apperr.Invalidf("path", "error.bad_text")
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.Invalidf("query", "error.bad_text")
	}
	if err := checkValues(q); err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" || !unsafe(r.Method) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return apperr.Invalidf("body", "error.body_too_large")
		}
		return apperr.Invalidf("body", "error.bad_form")
	}
	return checkValues(r.PostForm)
}

// checkDecoded walks a decoded JSON value and refuses bad text in any string, naming the JSON
// field that holds it. JSON escapes (\u0000) can carry what raw UTF-8 checks cannot see.
func checkDecoded(v reflect.Value, field string) error {
	switch v.Kind() {
	case reflect.String:
		if badText(v.String()) {
			return apperr.Invalidf(field, "error.bad_text")
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkDecoded(v.Elem(), field)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if err := checkDecoded(v.Index(i), field); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := checkDecoded(it.Key(), field); err != nil {
				return err
			}
			if err := checkDecoded(it.Value(), field); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				name := jsonFieldName(f)
				if err := checkDecoded(v.Field(i), name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func jsonFieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}
