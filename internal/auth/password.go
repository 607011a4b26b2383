package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"wiis/internal/apperr"
)

// Argon2id parameters (OWASP's 19 MiB, 2 passes); they are written into each hash, so raising
// them later still verifies old hashes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// Password rules of security.md; the numbers are the 等保 level-3 customary ones.
const (
	MinPasswordLen  = 10
	MaxPasswordLen  = 128
	PasswordHistory = 5 // a new password may not repeat any of the last five
)

// HashPassword returns an argon2id hash in the PHC string form
// $argon2id$v=19$m=...,t=...,p=...$salt$key.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches hash, in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || p == 0 || t == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// CheckComplexity enforces the password rule: 10 to 128 characters, at least three of upper
// case, lower case, digits and symbols, and not containing the username. It returns an invalid
// error for field "password".
func CheckComplexity(username, pw string) error {
	n := len([]rune(pw))
	if n < MinPasswordLen || n > MaxPasswordLen {
		return apperr.Invalidf("password", "auth.password_length", MinPasswordLen, MaxPasswordLen)
	}
	var up, low, dig, sym int
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			up = 1
		case unicode.IsLower(r):
			low = 1
		case unicode.IsDigit(r):
			dig = 1
		default:
			sym = 1
		}
	}
	if up+low+dig+sym < 3 {
		return apperr.Invalidf("password", "auth.password_classes")
	}
	if len(username) >= 3 && strings.Contains(strings.ToLower(pw), strings.ToLower(username)) {
		return apperr.Invalidf("password", "auth.password_has_username")
	}
	return nil
}

// RandomPassword makes a password that meets the rule, for resets and demo accounts.
func RandomPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "Wi#" + base64.RawURLEncoding.EncodeToString(b) + "7a"
}
