package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"wiis/internal/apperr"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[apperr.Code]int{
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Internal:     http.StatusInternalServerError,
	apperr.Unavailable:  http.StatusServiceUnavailable,
}

// HTTPStatus maps an error to its status.
func HTTPStatus(err error) int { return statusOf[apperr.CodeOf(err)] }

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail names the code, the field at fault (if any) and the reason in the caller's
// language.
type ErrorDetail struct {
	Code    apperr.Code `json:"code"`
	Field   string      `json:"field,omitempty"`
	Message string      `json:"message"`
}

// wantsJSON decides between a JSON and an HTML answer: API paths and clients that ask for JSON
// get JSON.
func wantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

// Fail answers err as JSON or an HTML page; internal errors are logged with their cause and
// answered without it.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	msg := e.Message
	if e.Code == apperr.Internal {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
		msg = "error.internal"
	}
	if msg == "" {
		msg = "error." + string(e.Code)
	}
	lang := Lang(r)
	text := T(lang, msg, e.Args...)
	if wantsJSON(r) {
		WriteJSON(w, status, ErrorBody{ErrorDetail{Code: e.Code, Field: e.Field, Message: text}})
		return
	}
	s.Render(w, r, status, "error", map[string]any{"Status": status, "Message": text})
}

// WriteJSON writes v as the JSON response with status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

// DecodeJSON reads the request body into v strictly: unknown fields, trailing data after the
// value, invalid UTF-8 and control characters in strings are refused rather than dropped or
// replaced. Codes: invalid (field "body", or the JSON field holding bad text).
func DecodeJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.Invalidf("body", "error.body_too_large")
		}
		return apperr.Invalidf("body", "error.bad_json")
	}
	if !utf8.Valid(b) {
		return apperr.Invalidf("body", "error.bad_text")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.Invalidf("body", "error.bad_json")
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.Invalidf("body", "error.bad_json")
	}
	return checkDecoded(reflect.ValueOf(v), "body")
}
