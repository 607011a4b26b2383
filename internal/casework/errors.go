package casework

import (
	"errors"
	"fmt"

	"wiis/internal/apperr"
)

// Code classifies an error the way the edges answer it. The values are those of the shared
// error type being written in internal/apperr (web branch), so the web layer can map them
// with one table once both have landed: invalid → 422, conflict → 409, not_found → 404.
type Code string

// The codes a casework function returns.
const (
	CodeInvalid  Code = "invalid"   // the input or the transition breaks a rule; the user can fix it
	CodeConflict Code = "conflict"  // someone changed the case first (stale version) or a duplicate
	CodeNotFound Code = "not_found" // no such case
	// CodeForbidden: the actor may not do this (the proposer reviewing their own proposal).
	CodeForbidden Code = "forbidden"
)

// Error is a refused transition or input: the field it concerns and a reason, a message key
// turned into Chinese or English at the edge (design.md: errors are values).
type Error struct {
	Code   Code
	Field  string
	Reason string
}

// Error renders the error for logs and tests.
func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("casework: %s: %s", e.Code, e.Reason)
	}
	return fmt.Sprintf("casework: %s %s: %s", e.Code, e.Field, e.Reason)
}

func invalid(field, reason string, args ...any) error {
	return &Error{Code: CodeInvalid, Field: field, Reason: fmt.Sprintf(reason, args...)}
}

// ErrConflict builds the conflict error a stale update returns.
func ErrConflict(entity string, id int64) error {
	return &Error{Code: CodeConflict, Field: "version", Reason: fmt.Sprintf("%s %d was changed by someone else; reload it", entity, id)}
}

// ErrNotFound builds the error for a missing case.
func ErrNotFound(entity string, id int64) error {
	return &Error{Code: CodeNotFound, Reason: fmt.Sprintf("%s %d not found", entity, id)}
}

// CodeOf returns the code of the first *Error in err's chain, "" when there is none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// FieldOf returns the field of the first *Error in err's chain, "" when there is none.
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// AppErr maps err onto the shared error type when it is (or wraps) a casework *Error: the
// codes are the same strings, the reason becomes the message and the *Error stays reachable
// through Unwrap, so both casework.CodeOf and apperr.CodeOf answer. Any other error (nil
// included) is returned as it is.
func AppErr(err error) error {
	var e *Error
	if err == nil || !errors.As(err, &e) {
		return err
	}
	return &apperr.Error{Code: apperr.Code(e.Code), Field: e.Field, Message: "%s", Args: []any{e.Reason}, Err: err}
}
