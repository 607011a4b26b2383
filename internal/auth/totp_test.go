package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func auditActions(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	recs, err := audit.List(context.Background(), db, audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range recs {
		out[r.Action]++
	}
	return out
}

func TestPrivilegedRolesMustEnrolTOTPAndOthersNeedNone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := setup(t, db)
		for _, r := range auth.AllRoles() {
			u := mkUser(t, s, "u_"+string(r), r)
			p, err := s.LoginPending(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			for _, pr := range auth.DefaultTOTPRoles {
				if pr == r {
					want = auth.PendingEnrol
				}
			}
			if p != want {
				t.Errorf("%s: pending %q, want %q", r, p, want)
			}
		}
	})
}

func TestTOTPEnrolVerifyWithOneStepOfDriftAndNoReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := setup(t, db)
		u := mkUser(t, s, "sec1", auth.SecAdmin)
		k, err := s.BeginTOTP(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if k2, _ := s.BeginTOTP(ctx, u); k2.Secret != k.Secret {
			t.Fatal("reloading the enrolment page changed the secret")
		}
		if len(k.Secret) < 32 || k.URI == "" || k.URI[:15] != "otpauth://totp/" {
			t.Fatalf("key %+v", k)
		}
		wantMsg(t, s.ConfirmTOTP(ctx, admin, u, "000000"), apperr.Invalid, "auth.totp_bad_code")
		if err := s.ConfirmTOTP(ctx, admin, u, code(t, k.Secret, c.t)); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.LoginPending(ctx, u); p != auth.PendingTOTP {
			t.Fatalf("after enrolment pending %q", p)
		}
		// The code used to enrol is spent.
		wantMsg(t, s.VerifyTOTP(ctx, admin, u, code(t, k.Secret, c.t)), apperr.Unauthorized, "auth.totp_bad_code")
		c.t = c.t.Add(2 * time.Minute)
		// One step of drift either way is accepted; two are not.
		wantMsg(t, s.VerifyTOTP(ctx, admin, u, code(t, k.Secret, c.t.Add(-60*time.Second))), apperr.Unauthorized, "auth.totp_bad_code")
		if err := s.VerifyTOTP(ctx, admin, u, code(t, k.Secret, c.t.Add(-30*time.Second))); err != nil {
			t.Fatalf("previous step: %v", err)
		}
		if err := s.VerifyTOTP(ctx, admin, u, code(t, k.Secret, c.t.Add(30*time.Second))); err != nil {
			t.Fatalf("next step: %v", err)
		}
		// A code of a step before the last accepted one is refused even inside the window.
		wantMsg(t, s.VerifyTOTP(ctx, admin, u, code(t, k.Secret, c.t)), apperr.Unauthorized, "auth.totp_bad_code")
		if _, err := s.BeginTOTP(ctx, u); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("begin after enable: %v", err)
		}
		if err := s.DisableTOTP(ctx, admin, "sec1"); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.LoginPending(ctx, u); p != auth.PendingEnrol {
			t.Fatalf("after disable pending %q", p)
		}
		a := auditActions(t, db)
		if a["user.totp_enable"] != 1 || a["user.totp_disable"] != 1 || a["login.totp"] != 2 {
			t.Fatalf("audit %v", a)
		}
	})
}

func TestWrongTOTPCodesLockTheAccountAndPasswordDoesNotResetTheCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := setup(t, db)
		u := mkUser(t, s, "pay1", auth.PaymentOfficer)
		k, _ := s.BeginTOTP(ctx, u)
		if err := s.ConfirmTOTP(ctx, admin, u, code(t, k.Secret, c.t)); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < auth.MaxFailedLogins; i++ {
			if _, err := s.Login(ctx, "pay1", goodPW, "1.2.3.4"); err != nil {
				t.Fatal(err)
			}
			wantMsg(t, s.VerifyTOTP(ctx, admin, u, "123456"), apperr.Unauthorized, "auth.totp_bad_code")
		}
		wantMsg(t, s.VerifyTOTP(ctx, admin, u, "000001"), apperr.Unauthorized, "auth.locked")
		_, err := s.Login(ctx, "pay1", goodPW, "1.2.3.4")
		wantMsg(t, err, apperr.Unauthorized, "auth.locked")
	})
}

func TestPendingSessionExpiresAfterTenMinutesAndPromotionChangesTheToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := setup(t, db)
		u := mkUser(t, s, "fund1", auth.FundOfficer)
		tok, sess, err := s.CreatePendingSession(ctx, u, "1.2.3.4", "zh", auth.PendingEnrol)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Session(ctx, tok)
		if err != nil || got.Pending != auth.PendingEnrol {
			t.Fatalf("pending session: %+v %v", got, err)
		}
		full, _, err := s.PromoteSession(ctx, sess, "1.2.3.4")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, tok); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("old pending token still valid: %v", err)
		}
		if got, err := s.Session(ctx, full); err != nil || got.Pending != "" {
			t.Fatalf("promoted: %+v %v", got, err)
		}
		tok2, _, _ := s.CreatePendingSession(ctx, u, "1.2.3.4", "zh", auth.PendingTOTP)
		c.t = c.t.Add(11 * time.Minute)
		if _, err := s.Session(ctx, tok2); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("pending session older than 10 minutes: %v", err)
		}
	})
}
