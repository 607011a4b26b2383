package auth

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/store"
)

// DefaultTOTPRoles are the privileged roles that must pass a TOTP second factor after the
// password (security.md: "a second factor (TOTP) for privileged roles"): the three separated
// administrators, whose accounts can change who may do what or read the whole audit trail, and
// the two roles that move fund money. A deployment may widen or narrow the list through
// Service.TOTPRoles (`wiis serve --totp-roles`).
var DefaultTOTPRoles = []Role{SysAdmin, SecAdmin, Auditor, FundOfficer, PaymentOfficer}

// TOTP parameters: RFC 6238 with the authenticator apps' defaults (SHA-1, 6 digits, 30 s), and
// one step of clock drift accepted either way.
const (
	totpPeriod = 30
	totpSkew   = 1
	totpIssuer = "wiis"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Pending second-factor states of a session (sessions.pending).
const (
	PendingTOTP  = "totp"  // the user has a TOTP secret and must enter a code
	PendingEnrol = "enrol" // the user's role needs TOTP but none is set up yet
)

// RequiresTOTP reports whether u holds a role of s.TOTPRoles.
func (s *Service) RequiresTOTP(u *User) bool {
	return slices.ContainsFunc(s.TOTPRoles, u.Has)
}

// TOTPKey is a new TOTP secret, shown once to the user to load into an authenticator app.
type TOTPKey struct {
	Secret string // base32, for typing in
	URI    string // otpauth://totp/... for scanning
}

type totpRow struct {
	secret   string
	enabled  bool
	lastStep int64
}

func getTOTP(ctx context.Context, q store.Querier, userID int64) (totpRow, error) {
	var r totpRow
	var enabled string
	err := q.QueryRow(ctx, `SELECT COALESCE(totp_secret, ''), COALESCE(totp_enabled_at, ''), totp_last_step
		FROM users WHERE id = ?`, userID).Scan(&r.secret, &enabled, &r.lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFoundf("auth.user_not_found")
	}
	if err != nil {
		return r, fmt.Errorf("auth: read totp: %w", err)
	}
	r.enabled = enabled != ""
	return r, nil
}

// TOTPEnabled reports whether u has a confirmed TOTP secret.
func (s *Service) TOTPEnabled(ctx context.Context, u *User) (bool, error) {
	r, err := getTOTP(ctx, s.DB, u.ID)
	return r.enabled, err
}

// LoginPending says what second step, if any, u must pass after a correct password:
// PendingTOTP, PendingEnrol or "" (none).
func (s *Service) LoginPending(ctx context.Context, u *User) (string, error) {
	r, err := getTOTP(ctx, s.DB, u.ID)
	switch {
	case err != nil:
		return "", err
	case r.enabled:
		return PendingTOTP, nil
	case s.RequiresTOTP(u):
		return PendingEnrol, nil
	}
	return "", nil
}

func keyURI(secret, username string) string {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: username, Secret: mustBase32(secret)})
	if err != nil {
		panic("auth: totp key: " + err.Error())
	}
	return k.URL()
}

// BeginTOTP returns the secret u is to enrol: a fresh one, or the unconfirmed one from an
// earlier attempt so that reloading the page does not invalidate a code already scanned. The
// secret counts only after ConfirmTOTP. Codes: conflict (already enabled).
func (s *Service) BeginTOTP(ctx context.Context, u *User) (*TOTPKey, error) {
	r, err := getTOTP(ctx, s.DB, u.ID)
	if err != nil {
		return nil, err
	}
	if r.enabled {
		return nil, apperr.Conflictf("code", "auth.totp_already")
	}
	if r.secret == "" {
		k, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Username, Period: totpPeriod})
		if err != nil {
			return nil, fmt.Errorf("auth: totp key: %w", err)
		}
		r.secret = k.Secret()
		if _, err := s.DB.Exec(ctx, `UPDATE users SET totp_secret = ? WHERE id = ? AND totp_enabled_at IS NULL`,
			r.secret, u.ID); err != nil {
			return nil, fmt.Errorf("auth: store totp: %w", err)
		}
	}
	return &TOTPKey{Secret: r.secret, URI: keyURI(r.secret, u.Username)}, nil
}

// matchStep returns the time step within ±totpSkew of now whose code is code and which is
// later than last (a code is good once: RFC 6238 §5.2), or 0.
func matchStep(secret, code string, now time.Time, last int64) int64 {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0
	}
	step := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		st := step + d
		if st <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*totpPeriod, 0), totpOpts)
		if err == nil && subtleEq(want, code) {
			return st
		}
	}
	return 0
}

// ConfirmTOTP enables u's unconfirmed secret once u proves it with a current code, and audits
// the enabling. Codes: invalid (code: auth.totp_bad_code), conflict (already enabled).
func (s *Service) ConfirmTOTP(ctx context.Context, by audit.Actor, u *User, code string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := getTOTP(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if r.enabled {
			return apperr.Conflictf("code", "auth.totp_already")
		}
		st := int64(0)
		if r.secret != "" {
			st = matchStep(r.secret, code, s.Now(), r.lastStep)
		}
		if st == 0 {
			return apperr.Invalidf("code", "auth.totp_bad_code")
		}
		now := audit.FormatTime(s.now())
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_enabled_at = ?, totp_last_step = ?, version = version + 1
			WHERE id = ?`, now, st, u.ID); err != nil {
			return fmt.Errorf("auth: enable totp: %w", err)
		}
		return auditUser(ctx, tx, by, "user.totp_enable", u, nil, map[string]string{"totp_enabled_at": now})
	})
}

// VerifyTOTP checks the second factor of a login. A wrong code counts towards the lockout like
// a wrong password; every attempt is audited. Codes: unauthorized (auth.totp_bad_code,
// auth.locked).
func (s *Service) VerifyTOTP(ctx context.Context, by audit.Actor, u *User, code string) error {
	var st int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := getTOTP(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if !r.enabled {
			return apperr.Unauthorizedf("auth.totp_bad_code")
		}
		if st = matchStep(r.secret, code, s.Now(), r.lastStep); st == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_last_step = ?, failed_logins = 0 WHERE id = ?`, st, u.ID); err != nil {
			return fmt.Errorf("auth: totp step: %w", err)
		}
		return auditUser(ctx, tx, by, "login.totp", u, nil, nil)
	})
	if err != nil {
		return err
	}
	if st == 0 {
		return s.countFailure(ctx, by, u, "auth.totp_bad_code")
	}
	return nil
}

// DisableTOTP removes username's TOTP secret (a lost phone), ends the user's sessions and
// audits it; a user whose role requires TOTP enrols again at the next login. Codes: not_found.
func (s *Service) DisableTOTP(ctx context.Context, by audit.Actor, username string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		u, _, err := getUser(ctx, tx, "username = ?", username)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0,
			version = version + 1 WHERE id = ?`, u.ID); err != nil {
			return fmt.Errorf("auth: disable totp: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("auth: end sessions: %w", err)
		}
		return auditUser(ctx, tx, by, "user.totp_disable", u, nil, nil)
	})
}

func mustBase32(s string) []byte {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(s))
	if err != nil {
		panic("auth: stored totp secret is not base32: " + err.Error())
	}
	return b
}

func subtleEq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
