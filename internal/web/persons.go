package web

import (
	"net/http"
	"strings"

	"wiis/internal/privacy"
)

// PersonParam returns the ID number that the path value name holds. Links and list answers
// name a person by reference (store.DB.PersonRef, the "personRef" template function), so
// the number stays out of pages, browser history and logs; an API client that already has
// the number (a worker's own, an employer's declared worker) may still send it, and the
// request log masks it.
func (s *Server) PersonParam(r *http.Request, name string) string { return s.Person(r.PathValue(name)) }

// Person returns the ID number a value names: a person's reference opened, else the value
// upper-cased as a typed number (a form field or query value naming a person, as well as a
// path value).
func (s *Server) Person(v string) string {
	if id, ok := s.DB.PersonOf(v); ok {
		return id
	}
	return strings.ToUpper(v)
}

// PersonRef is the reference a link or a list answer carries for the person with ID number
// id (see PersonParam).
func (s *Server) PersonRef(id string) string { return s.DB.PersonRef(id) }

// RefLinks replaces every ID number in a link with the person's reference: for links built by
// code that only knows the number, such as the sections other modules add to the person and
// employer pages (package panels).
func (s *Server) RefLinks(href string) string { return privacy.ReplaceIDs(href, s.DB.PersonRef) }
