package web

import (
	"net/http"
	"strings"

	"wiis/internal/audit"
	"wiis/internal/privacy"
)

// viewWriter holds back a record page's answer until its view is in the audit log
// (Route.Views): the first header or byte of a successful answer appends the record, and
// only once it has committed does anything reach the caller. A refused or failed answer
// showed nothing and is not recorded.
type viewWriter struct {
	http.ResponseWriter
	s       *Server
	r       *http.Request
	rt      Route
	decided bool
	failed  bool
}

// viewRecord is the audit record of a view (Route.Views): the action is rt.Views, the entity
// the part of it before the dot, the entity id the route's path values joined by "/" (a
// person's reference as the ID number it names, a typed number upper-cased).
func (s *Server) viewRecord(r *http.Request, rt Route) audit.Record {
	entity, _, _ := strings.Cut(rt.Views, ".")
	var ids []string
	for _, seg := range strings.Split(rt.Pattern, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			v := r.PathValue(strings.TrimSuffix(strings.TrimSuffix(name, "}"), "..."))
			if id, ok := s.DB.PersonOf(v); ok { // a person's page: record the number, which auditors search by
				v = id
			} else { // a typed number with a small x: as stored, so it is sealed and found
				v = privacy.ReplaceIDs(v, func(id string) string { return id })
			}
			ids = append(ids, v)
		}
	}
	return audit.Record{Action: rt.Views, Entity: entity, EntityID: strings.Join(ids, "/")}.By(ActorOf(r))
}

// decide appends the view's record before a successful answer goes out; on failure the
// answer becomes the error and the handler's output is dropped.
func (w *viewWriter) decide(status int) {
	if w.decided {
		return
	}
	w.decided = true
	if status >= 300 {
		return
	}
	// Waiting for the commit needs no CPU: the request's turn is lent meanwhile.
	err := w.s.Await(w.r, func() error { return w.s.AuditReads.Append(w.r.Context(), w.s.viewRecord(w.r, w.rt)) })
	if err != nil {
		w.failed = true
		w.Header().Del("Content-Type")
		w.Header().Del("Content-Disposition")
		w.s.Fail(w.ResponseWriter, w.r, err)
	}
}

func (w *viewWriter) WriteHeader(code int) {
	w.decide(code)
	if !w.failed {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *viewWriter) Write(b []byte) (int, error) {
	w.decide(http.StatusOK)
	if w.failed {
		return len(b), nil // the error has been written instead
	}
	return w.ResponseWriter.Write(b)
}

func (w *viewWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
