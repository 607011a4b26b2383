package web

import (
	"net/http"

	"wiis/internal/privacy"
)

// Revealed is the answer of a reveal endpoint: the full value of one masked field.
type Revealed struct {
	Field privacy.Field `json:"field"`
	Value string        `json:"value"`
}

// Reveal answers the full value of a masked field after recording who saw it (security.md:
// lists show 3415**********123X; "showing the full value is an audited action"). A module
// offers it as a POST route (it writes the audit log, so browsers need the CSRF token) whose
// handler first loads the entity within the caller's region scope and checks the caller's
// need, then calls Reveal:
//
//	s.Handle(web.Route{Method: "POST", Pattern: "/api/v1/persons/{id}/reveal/id_number",
//		Perm: auth.NewPerm("person.reveal", auth.Teller), Handler: h.revealID,
//		API: &web.APIDoc{Summary: "显示完整身份证号（审计） / Reveal the ID number (audited)", Response: web.Revealed{}}})
//
//	func (h *handlers) revealID(w http.ResponseWriter, r *http.Request) error {
//		p, err := h.person(r) // not_found outside the caller's scope
//		if err != nil {
//			return err
//		}
//		return h.s.Reveal(w, r, "person", p.ID, privacy.IDNumber, p.IDNumber)
//	}
func (s *Server) Reveal(w http.ResponseWriter, r *http.Request, entity, entityID string, f privacy.Field, value string) error {
	if err := privacy.Reveal(r.Context(), s.DB, ActorOf(r), entity, entityID, f); err != nil {
		return err
	}
	return WriteJSON(w, http.StatusOK, Revealed{Field: f, Value: value})
}
