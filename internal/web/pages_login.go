package web

import (
	"net/http"
	"net/url"

	"wiis/internal/apperr"
	"wiis/internal/auth"
)

type loginData struct {
	Username string
	Next     string
	Error    string
	Notice   string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if CurrentUser(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.Render(w, r, http.StatusOK, "login", loginData{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// loginSubmit signs in: a wrong password or a locked account shows the login form again with
// the reason; success starts a server-side session and drops the pre-session CSRF cookie. A
// user with TOTP, or whose role requires it, gets a pending session and goes on to the second
// step (pages_totp.go).
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	d := loginData{Username: r.PostFormValue("username"), Next: safeNext(r.PostFormValue("next"))}
	u, err := s.Auth.Login(r.Context(), d.Username, r.PostFormValue("password"), remoteAddr(r))
	if err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Unauthorized {
			return err
		}
		d.Error = T(Lang(r), e.Message, e.Args...)
		s.Render(w, r, http.StatusUnauthorized, "login", d)
		return nil
	}
	pending, err := s.Auth.LoginPending(r.Context(), u)
	if err != nil {
		return err
	}
	tok, sess, err := s.Auth.CreatePendingSession(r.Context(), u, remoteAddr(r), Lang(r), pending)
	if err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, tok, 0)
	s.clearCookie(w, r, preCookie)
	st := state(r)
	st.session = sess
	switch pending {
	case auth.PendingTOTP:
		http.Redirect(w, r, "/login/totp?next="+url.QueryEscape(d.Next), http.StatusSeeOther)
	case auth.PendingEnrol:
		http.Redirect(w, r, "/login/totp/enrol?next="+url.QueryEscape(d.Next), http.StatusSeeOther)
	default:
		st.user = u
		http.Redirect(w, r, d.Next, http.StatusSeeOther)
	}
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if st := state(r); st.session != nil {
		if err := s.Auth.EndSession(r.Context(), ActorOf(r), st.session); err != nil {
			return err
		}
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
