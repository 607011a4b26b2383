// Package apperr is the one error type of wiis: a code (invalid, not_found, conflict,
// unauthorized, forbidden, internal, unavailable), the field it concerns and a reason. Domain and service
// packages return it without importing net/http; the web layer maps the code to an HTTP status
// in one table and turns the reason into Chinese or English at the edge (design.md: "errors
// are values with a field and a reason"; security.md: never a stack trace).
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error so every edge (HTTP, CLI) answers it the same way.
type Code string

// The codes. The web layer maps them to 422, 404, 409, 401, 403, 500 and 503.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	Internal     Code = "internal"
	// Unavailable: the server is too busy to take the request now; the caller may retry.
	Unavailable Code = "unavailable"
)

// Error is a classified error. Message is a message-catalogue key (translated at the edge) or,
// when no such key exists, a plain sentence shown as it is; Args fill its %-verbs.
type Error struct {
	Code    Code
	Field   string
	Message string
	Args    []any
	Err     error // the cause, logged but never shown to the user
}

// Error renders the error for logs.
func (e *Error) Error() string {
	s := string(e.Code)
	if e.Field != "" {
		s += " " + e.Field
	}
	if e.Message != "" {
		s += ": " + fmt.Sprintf(e.Message, e.Args...)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a code, a field (may be empty) and a message key or sentence.
func New(code Code, field, message string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: message, Args: args}
}

// Invalidf reports bad input in field; the user can fix it.
func Invalidf(field, message string, args ...any) *Error {
	return New(Invalid, field, message, args...)
}

// NotFoundf reports that the thing asked for does not exist (or is outside the caller's scope).
func NotFoundf(message string, args ...any) *Error { return New(NotFound, "", message, args...) }

// Conflictf reports a version conflict or a duplicate: someone else changed it first.
func Conflictf(field, message string, args ...any) *Error {
	return New(Conflict, field, message, args...)
}

// Forbiddenf reports that the caller is known but may not do this.
func Forbiddenf(message string, args ...any) *Error { return New(Forbidden, "", message, args...) }

// Unauthorizedf reports that the caller is not (or no longer) signed in.
func Unauthorizedf(message string, args ...any) *Error {
	return New(Unauthorized, "", message, args...)
}

// Wrap classifies an unexpected failure as internal, keeping the cause for the log.
func Wrap(err error, message string) *Error {
	return &Error{Code: Internal, Message: message, Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, Internal for any other error
// and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error in err's chain, or an internal one wrapping err.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: "error.internal", Err: err}
}
