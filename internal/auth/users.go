package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/store"
)

// Lockout rule of security.md: after MaxFailedLogins wrong passwords in a row the account is
// locked for LockoutDuration.
const (
	MaxFailedLogins = 5
	LockoutDuration = 15 * time.Minute
)

// Service is the account store. Its clock is replaceable so tests can age sessions and locks.
type Service struct {
	DB          *store.DB
	Now         func() time.Time
	IdleTimeout time.Duration // sessions end after this long without a request (30 min)
	MaxLifetime time.Duration // and in any case after this long (12 h)
	TOTPRoles   []Role        // roles that must pass a TOTP second factor (DefaultTOTPRoles)
}

// New returns a Service with the default clock and session limits.
func New(db *store.DB) *Service {
	return &Service{DB: db, Now: time.Now, IdleTimeout: 30 * time.Minute, MaxLifetime: 12 * time.Hour,
		TOTPRoles: DefaultTOTPRoles}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Second) }

// User is an account. Region is its scope, a GB/T 2260 code: a province-level user sees every
// region below it.
type User struct {
	ID             int64
	Username       string
	DisplayName    string
	Roles          []Role
	Region         string
	EmployerUSCC   string // employer portal users: the employer they act for
	PersonIDNumber string // worker self-service users: who they are
	Disabled       bool
	FailedLogins   int
	LockedUntil    time.Time
	CreatedAt      time.Time
	Version        int64
}

// Has reports whether u holds role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// ScopePrefix is the code prefix a region covers: "340000" → "34", "341500" → "3415",
// "341502" → "341502", "000000" → "" (the nation: everything).
func ScopePrefix(region string) string {
	p := region
	for len(p) >= 2 && strings.HasSuffix(p, "00") {
		p = p[:len(p)-2]
	}
	return p
}

// Sees reports whether region lies within u's scope; every back-office query filters by it.
func (u *User) Sees(region string) bool {
	return u != nil && strings.HasPrefix(region, ScopePrefix(u.Region))
}

// snapshot is what the audit log records of a user: never the password hash.
type snapshot struct {
	Username       string `json:"username"`
	DisplayName    string `json:"display_name"`
	Roles          string `json:"roles"`
	Region         string `json:"region"`
	EmployerUSCC   string `json:"employer_uscc,omitempty"`
	PersonIDNumber string `json:"person_id_number,omitempty"`
	Disabled       bool   `json:"disabled"`
	Version        int64  `json:"version"`
}

func (u *User) snapshot() snapshot {
	return snapshot{u.Username, u.DisplayName, joinRoles(u.Roles), u.Region, u.EmployerUSCC,
		u.PersonIDNumber, u.Disabled, u.Version}
}

// userCols are the columns scanUser reads, from the users table.
var userCols = userColsOf("users")

// userColsOf is the columns scanUser reads, qualified by a table alias for joins (the session
// look-up).
func userColsOf(alias string) string {
	return alias + `.id, ` + alias + `.username, ` + alias + `.display_name, ` + alias + `.roles, ` +
		alias + `.region, COALESCE(` + alias + `.employer_uscc, ''), COALESCE(` + alias +
		`.person_id_number, ''), ` + alias + `.disabled, ` + alias + `.failed_logins, COALESCE(` +
		alias + `.locked_until, ''), ` + alias + `.created_at, ` + alias + `.version`
}

func scanUser(sc interface{ Scan(...any) error }) (*User, error) {
	var u User
	var roles, locked, created string
	var disabled int
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &roles, &u.Region, &u.EmployerUSCC,
		&u.PersonIDNumber, &disabled, &u.FailedLogins, &locked, &created, &u.Version)
	if err != nil {
		return nil, err
	}
	u.Disabled = disabled != 0
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, Role(r))
		}
	}
	if locked != "" {
		u.LockedUntil, _ = audit.ParseTime(locked)
	}
	u.CreatedAt, _ = audit.ParseTime(created)
	return &u, nil
}

func getUser(ctx context.Context, q store.Querier, where string, arg any) (*User, string, error) {
	row := q.QueryRow(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE `+where, arg)
	var hash string
	u, err := scanUser(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &hash)...) }))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", apperr.NotFoundf("auth.user_not_found")
	}
	if err != nil {
		return nil, "", fmt.Errorf("auth: read user: %w", err)
	}
	return u, hash, nil
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// UserByName returns a user by username; not_found if there is none.
func (s *Service) UserByName(ctx context.Context, username string) (*User, error) {
	u, _, err := getUser(ctx, s.DB, "username = ?", username)
	return u, err
}

// UserByID returns a user by id; not_found if there is none.
func (s *Service) UserByID(ctx context.Context, id int64) (*User, error) {
	u, _, err := getUser(ctx, s.DB, "id = ?", id)
	return u, err
}

// ListUsers returns the users whose region lies in scope ("" or "000000" for all), by username.
func (s *Service) ListUsers(ctx context.Context, scope string) ([]*User, error) {
	cond, args := store.CodePrefix("region", ScopePrefix(scope))
	rows, err := s.DB.Query(ctx, `SELECT `+userCols+` FROM users WHERE `+cond+` ORDER BY username`, args...)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// NewUser is the input of CreateUser.
type NewUser struct {
	Username       string
	DisplayName    string
	Password       string
	Roles          []Role
	Region         string
	EmployerUSCC   string
	PersonIDNumber string
}

var (
	usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)
	regionRE   = regexp.MustCompile(`^[0-9]{6}([0-9]{3})?$`)
)

// CreateUser adds an account and audits it. Codes: invalid (field username, display_name,
// password, roles, region), conflict (username taken).
func (s *Service) CreateUser(ctx context.Context, by audit.Actor, nu NewUser) (*User, error) {
	nu.Username = strings.TrimSpace(nu.Username)
	nu.DisplayName = strings.TrimSpace(nu.DisplayName)
	switch {
	case !usernameRE.MatchString(nu.Username):
		return nil, apperr.Invalidf("username", "auth.username_format")
	case nu.DisplayName == "" || len([]rune(nu.DisplayName)) > 64:
		return nil, apperr.Invalidf("display_name", "auth.display_name_required")
	case !regionRE.MatchString(nu.Region):
		return nil, apperr.Invalidf("region", "auth.region_format")
	}
	if err := CheckRoles(nu.Roles); err != nil {
		return nil, err
	}
	if err := CheckComplexity(nu.Username, nu.Password); err != nil {
		return nil, err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return nil, apperr.Wrap(err, "error.internal")
	}
	now := audit.FormatTime(s.now())
	u := &User{Username: nu.Username, DisplayName: nu.DisplayName, Roles: nu.Roles, Region: nu.Region,
		EmployerUSCC: nu.EmployerUSCC, PersonIDNumber: nu.PersonIDNumber, Version: 1}
	u.CreatedAt, _ = audit.ParseTime(now)
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, password_hash, roles, region,
			employer_uscc, person_id_number, password_changed_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.DisplayName, hash, joinRoles(u.Roles), u.Region, nullable(u.EmployerUSCC),
			nullable(u.PersonIDNumber), now, now).Scan(&u.ID)
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("username", "auth.username_taken")
		}
		if err != nil {
			return fmt.Errorf("auth: create user: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO password_history (user_id, password_hash, changed_at) VALUES (?, ?, ?)`,
			u.ID, hash, now); err != nil {
			return fmt.Errorf("auth: password history: %w", err)
		}
		return auditUser(ctx, tx, by, "user.create", u, nil, u.snapshot())
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func auditUser(ctx context.Context, tx *store.Tx, by audit.Actor, action string, u *User, before, after any) error {
	_, err := audit.Append(ctx, tx, audit.Record{Action: action, Entity: "user",
		EntityID: fmt.Sprint(u.ID), Before: before, After: after}.By(by))
	return err
}

// SetRoles replaces a user's roles, enforcing CheckRoles (三员分立). version is the version the
// caller saw (0 to skip the check). Codes: invalid (roles), not_found, conflict (version).
func (s *Service) SetRoles(ctx context.Context, by audit.Actor, username string, roles []Role, version int64) (*User, error) {
	if err := CheckRoles(roles); err != nil {
		return nil, err
	}
	var out *User
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		u, _, err := getUser(ctx, tx, "username = ?", username)
		if err != nil {
			return err
		}
		if version != 0 && version != u.Version {
			return apperr.Conflictf("version", "error.version_conflict")
		}
		before := u.snapshot()
		if _, err := tx.Exec(ctx, `UPDATE users SET roles = ?, version = version + 1 WHERE id = ? AND version = ?`,
			joinRoles(roles), u.ID, u.Version); err != nil {
			return fmt.Errorf("auth: set roles: %w", err)
		}
		u.Roles, u.Version = roles, u.Version+1
		out = u
		return auditUser(ctx, tx, by, "user.set_roles", u, before, u.snapshot())
	})
	return out, err
}

// ResetPassword sets a new password for username (an administrator's reset), clears any
// lockout and ends the user's sessions. Codes: invalid (password), not_found.
func (s *Service) ResetPassword(ctx context.Context, by audit.Actor, username, pw string) error {
	return s.setPassword(ctx, by, "user.reset_password", "username = ?", username, "", pw, false)
}

// ChangePassword is the user's own change: the old password must match. Codes: invalid
// (old_password, password), not_found.
func (s *Service) ChangePassword(ctx context.Context, by audit.Actor, userID int64, old, pw string) error {
	return s.setPassword(ctx, by, "user.change_password", "id = ?", userID, old, pw, true)
}

func (s *Service) setPassword(ctx context.Context, by audit.Actor, action, where string, key any, old, pw string, checkOld bool) error {
	u, cur, err := getUser(ctx, s.DB, where, key)
	if err != nil {
		return err
	}
	if checkOld && !CheckPassword(cur, old) {
		return apperr.Invalidf("old_password", "auth.old_password_wrong")
	}
	if err := CheckComplexity(u.Username, pw); err != nil {
		return err
	}
	hist, err := s.recentHashes(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, h := range append(hist, cur) {
		if CheckPassword(h, pw) {
			return apperr.Invalidf("password", "auth.password_reused", PasswordHistory)
		}
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return apperr.Wrap(err, "error.internal")
	}
	now := audit.FormatTime(s.now())
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0,
			locked_until = NULL, version = version + 1 WHERE id = ?`, hash, now, u.ID); err != nil {
			return fmt.Errorf("auth: set password: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO password_history (user_id, password_hash, changed_at) VALUES (?, ?, ?)`,
			u.ID, hash, now); err != nil {
			return fmt.Errorf("auth: password history: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("auth: end sessions: %w", err)
		}
		return auditUser(ctx, tx, by, action, u, nil, map[string]string{"password_changed_at": now})
	})
}

func (s *Service) recentHashes(ctx context.Context, userID int64) ([]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT password_hash FROM password_history WHERE user_id = ?
		ORDER BY changed_at DESC LIMIT ?`, userID, PasswordHistory)
	if err != nil {
		return nil, fmt.Errorf("auth: password history: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// dummyHash keeps a login for an unknown user as slow as one for a known user.
var dummyHash, _ = HashPassword("not-a-real-password-Aa1!")

// Login checks a username and password. Wrong passwords count towards the lockout; a locked
// account is refused even with the right password. Every attempt is audited. Codes:
// unauthorized with message auth.bad_credentials (unknown user, wrong password, disabled) or
// auth.locked.
func (s *Service) Login(ctx context.Context, username, pw, remote string) (*User, error) {
	by := audit.Actor{Username: username, RemoteAddr: remote}
	if by.Username == "" {
		by.Username = "anonymous"
	}
	u, hash, err := getUser(ctx, s.DB, "username = ?", username)
	if apperr.CodeOf(err) == apperr.NotFound {
		CheckPassword(dummyHash, pw)
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			_, err := audit.Append(ctx, tx, audit.Record{Action: "login.failed", Entity: "user",
				After: map[string]string{"reason": "unknown user"}}.By(by))
			return err
		})
		if err != nil {
			return nil, err
		}
		return nil, apperr.Unauthorizedf("auth.bad_credentials")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.Before(u.LockedUntil) {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			return auditUser(ctx, tx, by, "login.refused_locked", u, nil, nil)
		})
		if err != nil {
			return nil, err
		}
		return nil, apperr.Unauthorizedf("auth.locked", int(LockoutDuration/time.Minute))
	}
	if !CheckPassword(hash, pw) || u.Disabled {
		return nil, s.countFailure(ctx, by, u, "auth.bad_credentials")
	}
	// The failure count stays while a TOTP code is still to come, so that signing in again with
	// the password does not reset the count of wrong codes; VerifyTOTP clears it.
	pending, err := s.LoginPending(ctx, u)
	if err != nil {
		return nil, err
	}
	// Only a row that has something to reset is written: a sign-in is frequent, and on
	// PostgreSQL every UPDATE leaves a dead row version behind (64 tellers signing in wrote 64
	// versions of the same row, each waiting for the one before).
	reset := `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ? AND (failed_logins <> 0 OR locked_until IS NOT NULL)`
	if pending == PendingTOTP {
		reset = `UPDATE users SET locked_until = NULL WHERE id = ? AND locked_until IS NOT NULL`
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, reset, u.ID); err != nil {
			return fmt.Errorf("auth: login: %w", err)
		}
		return auditUser(ctx, tx, by, "login", u, nil, nil)
	})
	if err != nil {
		return nil, err
	}
	u.LockedUntil = time.Time{}
	if pending != PendingTOTP {
		u.FailedLogins = 0
	}
	return u, nil
}

// countFailure records a failed sign-in step of u (a wrong password or TOTP code) towards the
// lockout, audits it, and returns the unauthorized error to answer: msg, or auth.locked when
// this failure locked the account.
func (s *Service) countFailure(ctx context.Context, by audit.Actor, u *User, msg string) error {
	locked := false
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?
			RETURNING failed_logins`, u.ID).Scan(&n); err != nil {
			return fmt.Errorf("auth: count failure: %w", err)
		}
		action := "login.failed"
		if n >= MaxFailedLogins {
			locked = true
			action = "login.locked"
			if _, err := tx.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?`,
				audit.FormatTime(now.Add(LockoutDuration)), u.ID); err != nil {
				return fmt.Errorf("auth: lock: %w", err)
			}
		}
		return auditUser(ctx, tx, by, action, u, nil, map[string]any{"failed_logins": n, "reason": msg})
	})
	if err != nil {
		return err
	}
	if locked {
		return apperr.Unauthorizedf("auth.locked", int(LockoutDuration/time.Minute))
	}
	return apperr.Unauthorizedf(msg)
}
