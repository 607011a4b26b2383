package web

import (
	"net/http"

	"wiis/internal/auth"
	"wiis/internal/region"
)

// NavLink is a link on the home page.
type NavLink struct {
	Href  string
	Label string // message key
}

// RoleWork is one section of the home page: what a role does and the pages that do it.
type RoleWork struct {
	Role  auth.Role
	Work  string // message key
	Links []NavLink
}

// homeSections lists, for each of u's roles, the GET routes with a Nav key that the role may
// open, so the home page only ever links to pages that exist and that the user may see.
func (s *Server) homeSections(u *auth.User) (roles []RoleWork, common []NavLink) {
	for _, rt := range s.Routes() {
		if rt.Method == http.MethodGet && rt.Nav != "" && (rt.Perm.AnyUser || rt.Perm.Public) {
			common = append(common, NavLink{rt.Pattern, rt.Nav})
		}
	}
	for _, role := range u.Roles {
		rw := RoleWork{Role: role, Work: "role." + string(role) + ".work"}
		for _, rt := range s.Routes() {
			if rt.Method == http.MethodGet && rt.Nav != "" && !rt.Perm.AnyUser && !rt.Perm.Public && rt.Perm.AllowsRole(role) {
				rw.Links = append(rw.Links, NavLink{rt.Pattern, rt.Nav})
			}
		}
		roles = append(roles, rw)
	}
	return roles, common
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	u := CurrentUser(r)
	roles, common := s.homeSections(u)
	scope := region.Name(r.Context(), s.DB, u.Region, Lang(r)) + " (" + u.Region + ")"
	s.Render(w, r, http.StatusOK, "home", map[string]any{"Roles": roles, "Common": common, "Scope": scope})
	return nil
}
