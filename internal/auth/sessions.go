package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/store"
)

// newToken returns a random secret with a readable prefix; only its hash is ever stored.
func newToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is the stored form of a session or API token.
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// Session is a signed-in browser. The token itself lives only in the user's cookie.
type Session struct {
	TokenHash string
	User      *User
	CSRF      string // the per-session token every state-changing form must carry
	CreatedAt time.Time
	LastSeen  time.Time
	Lang      string
	// Pending is PendingTOTP or PendingEnrol while the user has passed the password but not the
	// second factor; such a session signs no one in (the web layer treats it as anonymous
	// except on the second-step pages). "" for a full session.
	Pending string
}

// pendingLifetime bounds the time between the password and the second factor.
const pendingLifetime = 10 * time.Minute

// touchEvery limits last_seen writes to one a minute per session.
const touchEvery = time.Minute

// CreateSession starts a full session for u and returns the secret token for the cookie.
func (s *Service) CreateSession(ctx context.Context, u *User, remote, lang string) (string, *Session, error) {
	return s.CreatePendingSession(ctx, u, remote, lang, "")
}

// CreatePendingSession starts a session that still waits for the second step pending
// (PendingTOTP, PendingEnrol, or "" for a full session).
func (s *Service) CreatePendingSession(ctx context.Context, u *User, remote, lang, pending string) (string, *Session, error) {
	tok := newToken("s_")
	now := s.now()
	sess := &Session{TokenHash: hashToken(tok), User: u, CSRF: newToken(""), CreatedAt: now, LastSeen: now,
		Lang: lang, Pending: pending}
	_, err := s.DB.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen, remote_addr, lang, pending)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sess.TokenHash, u.ID, sess.CSRF, audit.FormatTime(now), audit.FormatTime(now),
		remote, lang, pending)
	if err != nil {
		return "", nil, fmt.Errorf("auth: create session: %w", err)
	}
	return tok, sess, nil
}

// PromoteSession ends a pending session whose second step has passed and starts a full one
// under a new token, so a token seen before the second factor never becomes a full session.
func (s *Service) PromoteSession(ctx context.Context, sess *Session, remote string) (string, *Session, error) {
	if _, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, sess.TokenHash); err != nil {
		return "", nil, fmt.Errorf("auth: promote session: %w", err)
	}
	return s.CreateSession(ctx, sess.User, remote, sess.Lang)
}

// Session returns the live session for tok, ending it if it has been idle longer than
// IdleTimeout or lived longer than MaxLifetime, or if its user is disabled or locked. Codes:
// unauthorized (auth.session_expired).
func (s *Service) Session(ctx context.Context, tok string) (*Session, error) {
	if tok == "" {
		return nil, apperr.Unauthorizedf("auth.session_expired")
	}
	h := hashToken(tok)
	var created, seen string
	sess := &Session{TokenHash: h}
	// One query for the session and its user: every signed-in request comes through here,
	// and on PostgreSQL each query is a round trip.
	row := s.DB.QueryRow(ctx, `SELECT s.csrf_token, s.created_at, s.last_seen, s.lang, s.pending, `+
		userColsOf("u")+` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, h)
	u, err := scanUser(scanFunc(func(dest ...any) error {
		return row.Scan(append([]any{&sess.CSRF, &created, &seen, &sess.Lang, &sess.Pending}, dest...)...)
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Unauthorizedf("auth.session_expired")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read session: %w", err)
	}
	sess.CreatedAt, _ = audit.ParseTime(created)
	sess.LastSeen, _ = audit.ParseTime(seen)
	now := s.now()
	if now.Sub(sess.LastSeen) > s.IdleTimeout || now.Sub(sess.CreatedAt) > s.MaxLifetime ||
		sess.Pending != "" && now.Sub(sess.CreatedAt) > pendingLifetime ||
		u.Disabled || now.Before(u.LockedUntil) {
		s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, h)
		return nil, apperr.Unauthorizedf("auth.session_expired")
	}
	sess.User = u
	if now.Sub(sess.LastSeen) >= touchEvery {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, audit.FormatTime(now), h); err != nil {
			return nil, fmt.Errorf("auth: touch session: %w", err)
		}
		sess.LastSeen = now
	}
	return sess, nil
}

// EndSession signs a session out (logout) and audits it.
func (s *Service) EndSession(ctx context.Context, by audit.Actor, sess *Session) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, sess.TokenHash); err != nil {
			return fmt.Errorf("auth: end session: %w", err)
		}
		return auditUser(ctx, tx, by, "logout", sess.User, nil, nil)
	})
}

// SetSessionLang remembers the language a signed-in user chose.
func (s *Service) SetSessionLang(ctx context.Context, sess *Session, lang string) error {
	_, err := s.DB.Exec(ctx, `UPDATE sessions SET lang = ? WHERE token_hash = ?`, lang, sess.TokenHash)
	return err
}

// APIToken is a credential another system uses as "Authorization: Bearer TOKEN".
type APIToken struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used,omitzero"`
	Revoked   bool      `json:"revoked"`
}

// CreateAPIToken issues a token for user u and returns the secret once; only its hash is kept.
// Codes: invalid (name).
func (s *Service) CreateAPIToken(ctx context.Context, by audit.Actor, u *User, name string) (string, *APIToken, error) {
	if name == "" || len([]rune(name)) > 64 {
		return "", nil, apperr.Invalidf("name", "auth.token_name_required")
	}
	tok := newToken("wiis_")
	now := s.now()
	t := &APIToken{Name: name, CreatedAt: now}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			u.ID, name, hashToken(tok), audit.FormatTime(now)).Scan(&t.ID); err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "api_token.create", Entity: "api_token",
			EntityID: fmt.Sprint(t.ID), After: map[string]any{"user": u.Username, "name": name}}.By(by))
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return tok, t, nil
}

// APITokens lists u's tokens, newest first.
func (s *Service) APITokens(ctx context.Context, u *User) ([]APIToken, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name, created_at, COALESCE(last_used, ''), revoked FROM api_tokens
		WHERE user_id = ? ORDER BY id DESC`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var created, used string
		var revoked int
		if err := rows.Scan(&t.ID, &t.Name, &created, &used, &revoked); err != nil {
			return nil, fmt.Errorf("auth: list tokens: %w", err)
		}
		t.CreatedAt, _ = audit.ParseTime(created)
		if used != "" {
			t.LastUsed, _ = audit.ParseTime(used)
		}
		t.Revoked = revoked != 0
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken withdraws one of u's tokens. Codes: not_found (no such token of u's).
func (s *Service) RevokeAPIToken(ctx context.Context, by audit.Actor, u *User, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked = 1 WHERE id = ? AND user_id = ? AND revoked = 0`, id, u.ID)
		if err != nil {
			return fmt.Errorf("auth: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFoundf("auth.token_not_found")
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "api_token.revoke", Entity: "api_token",
			EntityID: fmt.Sprint(id), After: map[string]any{"user": u.Username}}.By(by))
		return err
	})
}

// UserForAPIToken returns the user a bearer token belongs to. Codes: unauthorized
// (auth.token_invalid) for an unknown or revoked token, a disabled or locked user.
func (s *Service) UserForAPIToken(ctx context.Context, tok string) (*User, error) {
	h := hashToken(tok)
	var userID int64
	var used string
	err := s.DB.QueryRow(ctx, `SELECT user_id, COALESCE(last_used, '') FROM api_tokens WHERE token_hash = ? AND revoked = 0`, h).
		Scan(&userID, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Unauthorizedf("auth.token_invalid")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read token: %w", err)
	}
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if u.Disabled || now.Before(u.LockedUntil) {
		return nil, apperr.Unauthorizedf("auth.token_invalid")
	}
	if last, _ := audit.ParseTime(used); now.Sub(last) >= touchEvery {
		if _, err := s.DB.Exec(ctx, `UPDATE api_tokens SET last_used = ? WHERE token_hash = ?`, audit.FormatTime(now), h); err != nil {
			return nil, fmt.Errorf("auth: touch token: %w", err)
		}
	}
	return u, nil
}
