package web

import (
	"net/http"

	"wiis/internal/auth"
)

type accountData struct {
	Tokens   []auth.APIToken
	NewToken string
	Errors   map[string]string
	Notice   string
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, d accountData) error {
	toks, err := s.Auth.APITokens(r.Context(), CurrentUser(r))
	if err != nil {
		return err
	}
	d.Tokens = toks
	s.Render(w, r, status, "account", d)
	return nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, accountData{})
}

// accountPassword changes the user's own password; the change ends every session, so the user
// signs in again.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	u := CurrentUser(r)
	err := s.Auth.ChangePassword(r.Context(), ActorOf(r), u.ID, r.PostFormValue("old_password"), r.PostFormValue("password"))
	if err != nil {
		fe, err := FieldErrors(r, err)
		if err != nil {
			return err
		}
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, accountData{Errors: fe})
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) error {
	tok, _, err := s.Auth.CreateAPIToken(r.Context(), ActorOf(r), CurrentUser(r), r.PostFormValue("name"))
	if err != nil {
		fe, err := FieldErrors(r, err)
		if err != nil {
			return err
		}
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, accountData{Errors: fe})
	}
	return s.renderAccount(w, r, http.StatusOK, accountData{NewToken: tok})
}

func (s *Server) accountTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeAPIToken(r.Context(), ActorOf(r), CurrentUser(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
