package auth_test

import (
	"context"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

const goodPW = "Correct#Horse9"

var admin = audit.Actor{Username: "cli:test", RemoteAddr: "local"}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup(t *testing.T, db *store.DB) (*auth.Service, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	s := auth.New(db)
	s.Now = c.now
	return s, c
}

func mkUser(t *testing.T, s *auth.Service, name string, roles ...auth.Role) *auth.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), admin, auth.NewUser{Username: name, DisplayName: "测试 " + name,
		Password: goodPW, Roles: roles, Region: "341500"})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func wantMsg(t *testing.T, err error, code apperr.Code, msg string) {
	t.Helper()
	e := apperr.As(err)
	if err == nil || e.Code != code || e.Message != msg {
		t.Fatalf("got %v, want %s %s", err, code, msg)
	}
}

func TestLoginLocksAfterFiveFailuresForFifteenMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := setup(t, db)
		mkUser(t, s, "teller1", auth.Teller)
		for i := 1; i < auth.MaxFailedLogins; i++ {
			_, err := s.Login(ctx, "teller1", "wrong", "1.2.3.4")
			wantMsg(t, err, apperr.Unauthorized, "auth.bad_credentials")
		}
		_, err := s.Login(ctx, "teller1", "wrong", "1.2.3.4")
		wantMsg(t, err, apperr.Unauthorized, "auth.locked")
		_, err = s.Login(ctx, "teller1", goodPW, "1.2.3.4")
		wantMsg(t, err, apperr.Unauthorized, "auth.locked")
		c.t = c.t.Add(auth.LockoutDuration - time.Second)
		_, err = s.Login(ctx, "teller1", goodPW, "1.2.3.4")
		wantMsg(t, err, apperr.Unauthorized, "auth.locked")
		c.t = c.t.Add(2 * time.Second)
		if _, err := s.Login(ctx, "teller1", goodPW, "1.2.3.4"); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
		_, err = s.Login(ctx, "nobody", goodPW, "1.2.3.4")
		wantMsg(t, err, apperr.Unauthorized, "auth.bad_credentials")
		if res, err := audit.Verify(ctx, db); err != nil || !res.OK() || res.Records < 9 {
			t.Fatalf("every attempt must be audited on an intact chain: %+v %v", res, err)
		}
	})
}

func TestSessionEndsAfterThirtyIdleMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := setup(t, db)
		u := mkUser(t, s, "teller1", auth.Teller)
		tok, sess, err := s.CreateSession(ctx, u, "1.2.3.4", "zh")
		if err != nil || sess.CSRF == "" {
			t.Fatal(err)
		}
		var stored string
		db.QueryRow(ctx, `SELECT token_hash FROM sessions`).Scan(&stored)
		if stored == tok {
			t.Fatal("the session token must not be stored in clear")
		}
		c.t = c.t.Add(29 * time.Minute)
		if _, err := s.Session(ctx, tok); err != nil {
			t.Fatalf("29 idle minutes: %v", err)
		}
		c.t = c.t.Add(29 * time.Minute) // activity above reset the idle clock
		if _, err := s.Session(ctx, tok); err != nil {
			t.Fatalf("29 more idle minutes after a request: %v", err)
		}
		c.t = c.t.Add(31 * time.Minute)
		_, err = s.Session(ctx, tok)
		wantMsg(t, err, apperr.Unauthorized, "auth.session_expired")
		_, err = s.Session(ctx, tok)
		wantMsg(t, err, apperr.Unauthorized, "auth.session_expired")
	})
}

func TestThreeAdministratorRolesCannotBeCombined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := setup(t, db)
		u := mkUser(t, s, "ops1", auth.SysAdmin)
		for _, pair := range [][]auth.Role{{auth.SysAdmin, auth.SecAdmin}, {auth.SecAdmin, auth.Auditor}, {auth.SysAdmin, auth.Auditor}} {
			_, err := s.SetRoles(ctx, admin, "ops1", pair, 0)
			wantMsg(t, err, apperr.Invalid, "auth.roles_separated")
		}
		_, err := s.CreateUser(ctx, admin, auth.NewUser{Username: "ops2", DisplayName: "x", Password: goodPW,
			Roles: []auth.Role{auth.Auditor, auth.SysAdmin}, Region: "341500"})
		wantMsg(t, err, apperr.Invalid, "auth.roles_separated")
		got, err := s.SetRoles(ctx, admin, "ops1", []auth.Role{auth.SecAdmin, auth.Teller}, u.Version)
		if err != nil || !got.Has(auth.SecAdmin) {
			t.Fatalf("allowed roles: %v", err)
		}
		_, err = s.SetRoles(ctx, admin, "ops1", []auth.Role{auth.Teller}, u.Version)
		wantMsg(t, err, apperr.Conflict, "error.version_conflict")
	})
}

func TestPasswordRulesAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := setup(t, db)
		u := mkUser(t, s, "clerk", auth.Teller)
		for pw, msg := range map[string]string{
			"Short1!":           "auth.password_length",
			"alllowercaseonly1": "auth.password_classes",
			"My#clerk#Pass1":    "auth.password_has_username",
		} {
			wantMsg(t, s.ResetPassword(ctx, admin, "clerk", pw), apperr.Invalid, msg)
		}
		wantMsg(t, s.ChangePassword(ctx, admin, u.ID, "wrong", "Another#Pass2"), apperr.Invalid, "auth.old_password_wrong")
		if err := s.ChangePassword(ctx, admin, u.ID, goodPW, "Another#Pass2"); err != nil {
			t.Fatal(err)
		}
		wantMsg(t, s.ResetPassword(ctx, admin, "clerk", goodPW), apperr.Invalid, "auth.password_reused")
		if _, err := s.Login(ctx, "clerk", "Another#Pass2", ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAPITokensAreHashedAndRevocable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := setup(t, db)
		u := mkUser(t, s, "system1", auth.FundOfficer)
		other := mkUser(t, s, "system2", auth.FundOfficer)
		tok, tk, err := s.CreateAPIToken(ctx, admin, u, "bank link")
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.UserForAPIToken(ctx, tok)
		if err != nil || got.ID != u.ID {
			t.Fatalf("token lookup: %v", err)
		}
		wantMsg(t, s.RevokeAPIToken(ctx, admin, other, tk.ID), apperr.NotFound, "auth.token_not_found")
		if err := s.RevokeAPIToken(ctx, admin, u, tk.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.UserForAPIToken(ctx, tok)
		wantMsg(t, err, apperr.Unauthorized, "auth.token_invalid")
	})
}

func TestRegionScopeCoversEverythingBelow(t *testing.T) {
	prov := &auth.User{Region: "340000"}
	city := &auth.User{Region: "341500"}
	nation := &auth.User{Region: "000000"}
	for _, c := range []struct {
		u      *auth.User
		region string
		want   bool
	}{
		{prov, "341502", true}, {prov, "320400", false}, {city, "341502", true}, {city, "341500", true},
		{city, "340100", false}, {nation, "371000", true},
	} {
		if got := c.u.Sees(c.region); got != c.want {
			t.Errorf("%s sees %s = %v, want %v", c.u.Region, c.region, got, c.want)
		}
	}
}
