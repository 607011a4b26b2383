// Package demo fills an empty database with a synthetic city for `wiis serve --demo` and
// `wiis demo` (issue 2, item 9). Each module adds its part as a Seeder; seeders run in the
// order they were registered and must be idempotent (running twice changes nothing). Synthetic
// data only: no real person's data.
package demo

import (
	"context"
	"fmt"
	"sync"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/store"
)

// Login is a demo account printed at start so people can sign in.
type Login struct {
	Username string
	Password string
	Role     auth.Role
}

// Seeder adds one module's demo data and returns any logins it made or found.
type Seeder func(ctx context.Context, db *store.DB) ([]Login, error)

type entry struct {
	name string
	fn   Seeder
}

var (
	mu      sync.Mutex
	seeders []entry
)

// Register adds a seeder under a name; call it from an init function.
func Register(name string, fn Seeder) {
	mu.Lock()
	defer mu.Unlock()
	seeders = append(seeders, entry{name, fn})
}

// Run runs every seeder in order and returns all their logins.
func Run(ctx context.Context, db *store.DB) ([]Login, error) {
	mu.Lock()
	list := append([]entry(nil), seeders...)
	mu.Unlock()
	var out []Login
	for _, s := range list {
		l, err := s.fn(ctx, db)
		if err != nil {
			return out, fmt.Errorf("demo %s: %w", s.name, err)
		}
		out = append(out, l...)
	}
	return out, nil
}

// Password is the password of every demo account.
const Password = "Wiis@Demo2025"

// Region is the demo city (Lu'an, 六安市).
const Region = "341500"

func init() { Register("users", SeedUsers) }

// SeedUsers adds one user per role, named after the role, unless it exists already.
func SeedUsers(ctx context.Context, db *store.DB) ([]Login, error) {
	svc := auth.New(db)
	var out []Login
	for _, ri := range auth.Roles {
		_, err := svc.CreateUser(ctx, audit.Actor{Username: "system:demo"}, auth.NewUser{
			Username: string(ri.Code), DisplayName: "演示" + ri.Zh, Password: Password,
			Roles: []auth.Role{ri.Code}, Region: Region})
		if err != nil && apperr.CodeOf(err) != apperr.Conflict {
			return out, err
		}
		out = append(out, Login{Username: string(ri.Code), Password: Password, Role: ri.Code})
	}
	return out, nil
}
