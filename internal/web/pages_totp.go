package web

import (
	"image/png"
	"net/http"

	"github.com/pquerna/otp"

	"wiis/internal/apperr"
	"wiis/internal/auth"
)

// The second sign-in step (security.md: TOTP for privileged roles). After a correct password
// a user who has TOTP, or whose role requires it, gets a pending session: it signs no one in,
// and only the pages below accept it. Passing the step replaces it with a full session under a
// new token. Privileged users without TOTP enrol here on their first sign-in (trust on first
// use after the password an administrator set); the security administrator can reset a lost
// authenticator from the user's page, and the user enrols again.

type totpData struct {
	Next   string
	Error  string
	Secret string
	URI    string
}

// pendingSession returns the caller's session waiting for second step want, or nil.
func pendingSession(r *http.Request, want string) *auth.Session {
	if st := state(r); st.session != nil && st.user == nil && st.session.Pending == want {
		return st.session
	}
	return nil
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request) error {
	if pendingSession(r, auth.PendingTOTP) == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	s.Render(w, r, http.StatusOK, "login_totp", totpData{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// totpSubmit checks the code; a wrong one shows the form again and counts towards the lockout.
func (s *Server) totpSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := pendingSession(r, auth.PendingTOTP)
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	d := totpData{Next: safeNext(r.PostFormValue("next"))}
	by := ActorOf(r)
	by.Username = sess.User.Username
	if err := s.Auth.VerifyTOTP(r.Context(), by, sess.User, r.PostFormValue("code")); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Unauthorized {
			return err
		}
		d.Error = T(Lang(r), e.Message, e.Args...)
		s.Render(w, r, http.StatusUnauthorized, "login_totp", d)
		return nil
	}
	return s.finishLogin(w, r, sess, d.Next)
}

func (s *Server) finishLogin(w http.ResponseWriter, r *http.Request, sess *auth.Session, next string) error {
	tok, full, err := s.Auth.PromoteSession(r.Context(), sess, remoteAddr(r))
	if err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, tok, 0)
	st := state(r)
	st.user, st.session = full.User, full
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) enrolData(r *http.Request, sess *auth.Session, d totpData) (totpData, error) {
	k, err := s.Auth.BeginTOTP(r.Context(), sess.User)
	if err != nil {
		return d, err
	}
	d.Secret, d.URI = k.Secret, k.URI
	return d, nil
}

func (s *Server) enrolPage(w http.ResponseWriter, r *http.Request) error {
	sess := pendingSession(r, auth.PendingEnrol)
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	d, err := s.enrolData(r, sess, totpData{Next: safeNext(r.URL.Query().Get("next"))})
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "login_enrol", d)
	return nil
}

// enrolSubmit enables the shown secret once the user proves it with a code, then signs in.
func (s *Server) enrolSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := pendingSession(r, auth.PendingEnrol)
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	next := safeNext(r.PostFormValue("next"))
	by := ActorOf(r)
	by.Username = sess.User.Username
	if err := s.Auth.ConfirmTOTP(r.Context(), by, sess.User, r.PostFormValue("code")); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		e := apperr.As(err)
		d, err := s.enrolData(r, sess, totpData{Next: next, Error: T(Lang(r), e.Message, e.Args...)})
		if err != nil {
			return err
		}
		s.Render(w, r, http.StatusUnprocessableEntity, "login_enrol", d)
		return nil
	}
	return s.finishLogin(w, r, sess, next)
}

// enrolQR draws the otpauth URI as a QR code; served from here, not as a data: URI, because
// the content security policy allows images from this site only.
func (s *Server) enrolQR(w http.ResponseWriter, r *http.Request) error {
	sess := pendingSession(r, auth.PendingEnrol)
	if sess == nil {
		return notFound()
	}
	k, err := s.Auth.BeginTOTP(r.Context(), sess.User)
	if err != nil {
		return err
	}
	key, err := otp.NewKeyFromURL(k.URI)
	if err != nil {
		return err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	return png.Encode(w, img)
}

// userResetTOTP is the security administrator's audited removal of a user's authenticator.
func (s *Server) userResetTOTP(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	if err := s.Auth.DisableTOTP(r.Context(), ActorOf(r), u.Username); err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, userData{Notice: "users.totp_reset_done"})
}
