package web

import (
	"net/http"

	"wiis/internal/auth"
)

// HandlerFunc is a route's handler. It returns an error instead of writing one, so every
// failure is answered the same way (Fail): an *apperr.Error keeps its code, anything else is
// logged and answered as a clean 500 without detail.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one endpoint: the unit every module adds to the server with Server.Handle.
//
//	s.Handle(web.Route{
//		Method:  "GET",
//		Pattern: "/api/v1/cases/{id}",
//		Perm:    auth.NewPerm("case.read", auth.DeterminationOfficer, auth.Teller),
//		Handler: h.caseJSON,
//		API:     &web.APIDoc{Summary: "读取案件 / Read a case", Response: Case{}},
//	})
//
// Perm is required (a route without one panics at start-up) and is enforced before the
// handler runs; the route-permission test checks the server's answer against it for every
// role. Routes under /api/ must carry an API doc; they appear in /api/openapi.json.
type Route struct {
	Method  string // GET, POST, PUT, PATCH or DELETE
	Pattern string // a net/http ServeMux path pattern, e.g. /admin/users/{username}
	Perm    auth.Perm
	Handler HandlerFunc
	// Nav, for GET pages, is the message key of a link to this page on the home page of every
	// role that Perm allows; leave it empty for pages reached from other pages.
	Nav string
	// MaxBody caps the request body (default 1 MiB); uploads raise it.
	MaxBody int64
	API     *APIDoc
	// Views, for a GET route whose answer shows one record's personal data in full (a case
	// page with the worker's ID number, a decision document), is the action of the audit
	// record each successful answer writes first, e.g. "determination.view" (security.md:
	// showing the full value is an audited action). Lists show masked values and set none.
	Views string
}

// APIDoc describes an API route for the OpenAPI document.
type APIDoc struct {
	Summary     string // one line, "中文 / English"
	Description string
	Request     any // a value of the JSON request body type, or nil
	Response    any // a value of the JSON response type, or nil
	Status      int // success status, 200 when zero
}

// unsafe reports whether a method changes state and so needs a CSRF token from browsers.
func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}
