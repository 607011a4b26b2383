package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
)

type usersData struct {
	Users  []*auth.User
	Roles  []auth.RoleInfo
	Form   map[string]string
	Errors map[string]string
	Notice string
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, d usersData) error {
	users, err := s.Auth.ListUsers(r.Context(), CurrentUser(r).Region)
	if err != nil {
		return err
	}
	d.Users, d.Roles = users, auth.Roles
	s.Render(w, r, status, "users", d)
	return nil
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, usersData{Form: map[string]string{"region": CurrentUser(r).Region}})
}

// usersCreate adds a user within the administrator's own region scope; on invalid input the
// form comes back with the input kept and the error next to its field.
func (s *Server) usersCreate(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	form := map[string]string{}
	for _, k := range []string{"username", "display_name", "region"} {
		form[k] = r.PostFormValue(k)
	}
	var roles []auth.Role
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, auth.Role(v))
	}
	nu := auth.NewUser{Username: form["username"], DisplayName: form["display_name"], Region: form["region"],
		Roles: roles, Password: r.PostFormValue("password")}
	var err error
	if !CurrentUser(r).Sees(nu.Region) {
		err = apperr.Invalidf("region", "auth.region_format")
	} else {
		_, err = s.Auth.CreateUser(r.Context(), ActorOf(r), nu)
	}
	if err != nil {
		fe, err := FieldErrors(r, err)
		if apperr.CodeOf(err) == apperr.Conflict {
			e := apperr.As(err)
			fe, err = map[string]string{e.Field: T(Lang(r), e.Message, e.Args...)}, nil
		}
		if err != nil {
			return err
		}
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, usersData{Form: form, Errors: fe})
	}
	http.Redirect(w, r, "/admin/users/"+nu.Username, http.StatusSeeOther)
	return nil
}

// scopedUser finds a user the administrator may manage: outside their region it does not
// exist for them. Codes: not_found.
func (s *Server) scopedUser(r *http.Request) (*auth.User, error) {
	u, err := s.Auth.UserByName(r.Context(), r.PathValue("username"))
	if err != nil {
		return nil, err
	}
	if !CurrentUser(r).Sees(u.Region) {
		return nil, apperr.NotFoundf("auth.user_not_found")
	}
	return u, nil
}

type userData struct {
	U       *auth.User
	Roles   []auth.RoleInfo
	Errors  map[string]string
	Notice  string
	NewPass string
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, d userData) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	d.U, d.Roles = u, auth.Roles
	s.Render(w, r, status, "user", d)
	return nil
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUser(w, r, http.StatusOK, userData{})
}

func (s *Server) userRoles(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	var roles []auth.Role
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, auth.Role(v))
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if _, err := s.Auth.SetRoles(r.Context(), ActorOf(r), u.Username, roles, version); err != nil {
		fe, err := FieldErrors(r, err)
		if err != nil {
			return err
		}
		return s.renderUser(w, r, http.StatusUnprocessableEntity, userData{Errors: fe})
	}
	return s.renderUser(w, r, http.StatusOK, userData{Notice: "users.saved"})
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	pw := auth.RandomPassword()
	if err := s.Auth.ResetPassword(r.Context(), ActorOf(r), u.Username, pw); err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, userData{NewPass: pw})
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Entity: q.Get("entity"), EntityID: q.Get("entity_id"),
		Action: q.Get("action"), Limit: 100}
	f.BeforeSeq, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	recs, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	older := ""
	if len(recs) == f.Limit {
		q.Set("before", fmt.Sprint(recs[len(recs)-1].Seq))
		q.Del("lang")
		older = "/audit?" + q.Encode()
	}
	s.Render(w, r, http.StatusOK, "audit", map[string]any{"Records": recs, "Filter": f, "Older": older})
	return nil
}

func (s *Server) auditVerifyPage(w http.ResponseWriter, r *http.Request) error {
	res, err := audit.Verify(r.Context(), s.DB)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "audit_verify", res)
	return nil
}

func (s *Server) systemPage(w http.ResponseWriter, r *http.Request) error {
	migs, err := s.DB.MigrationStatus(r.Context())
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "system", map[string]any{
		"Engine": s.DB.Engine, "Version": s.Config.Version, "Migrations": migs,
		"Uptime": time.Since(s.started).Truncate(time.Second).String(), "Routes": s.Routes(),
	})
	return nil
}
