package panels

import (
	"context"
	"testing"

	"wiis/internal/auth"
	"wiis/internal/store"
)

func TestPanelsShowInOrderOnlyToTheirRoles(t *testing.T) {
	load := func(context.Context, store.Querier, string) (Table, error) { return Table{}, nil }
	Register(Panel{Name: "test.b", Kind: Person, Order: 20, Load: load})
	Register(Panel{Name: "test.a", Kind: Person, Order: 10, Roles: []auth.Role{auth.DeterminationOfficer}, Load: load})
	Register(Panel{Name: "test.e", Kind: Employer, Load: load})
	got := For(Person, &auth.User{Roles: []auth.Role{auth.DeterminationOfficer}})
	if len(got) != 2 || got[0].Name != "test.a" || got[1].Name != "test.b" {
		t.Errorf("determination officer sees %+v", got)
	}
	if got := For(Person, &auth.User{Roles: []auth.Role{auth.Teller}}); len(got) != 1 || got[0].Name != "test.b" {
		t.Errorf("teller sees %+v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a duplicate panel name was accepted")
		}
	}()
	Register(Panel{Name: "test.b", Kind: Person, Load: load})
}
