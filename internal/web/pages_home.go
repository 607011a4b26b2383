package web

import (
	"net/http"
	"slices"

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

// HomePanel is a section a module adds to the home page of users holding one of Roles, such
// as casework's deadlines. Load returns the panel's table with its texts already in the
// request's language, or nil to show nothing.
type HomePanel struct {
	Roles []auth.Role
	Load  func(r *http.Request) (*PanelTable, error)
}

// PanelTable is what a home panel shows: a title linking to the full page and a small table.
type PanelTable struct {
	Title   string
	Href    string
	Columns []string
	Rows    [][]string
	Empty   string // shown when there are no rows
}

// AddHomePanel adds a panel to the home page; a module calls it from its Install.
func (s *Server) AddHomePanel(p HomePanel) { s.panels = append(s.panels, p) }

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	u := CurrentUser(r)
	roles, common := s.homeSections(u)
	var panels []*PanelTable
	for _, p := range s.panels {
		if !slices.ContainsFunc(p.Roles, u.Has) {
			continue
		}
		t, err := p.Load(r)
		if err != nil {
			return err
		}
		if t != nil {
			panels = append(panels, t)
		}
	}
	scope := region.Name(r.Context(), s.DB, u.Region, Lang(r)) + " (" + u.Region + ")"
	s.Render(w, r, http.StatusOK, "home", map[string]any{"Roles": roles, "Common": common, "Panels": panels, "Scope": scope})
	return nil
}
