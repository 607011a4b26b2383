package enroll_test

import (
	"context"
	"strings"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/seal"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

const (
	phoneID     = "341502199001010011"
	phoneMobile = "13800001234"
	phoneMasked = "138****1234"
)

var (
	teller    = audit.Actor{Username: "teller1", RemoteAddr: "10.0.0.1"}
	phoneUSCC = idcode.GenerateUSCC('9', '1', "341502", 30000001)
)

// rawColumn reads a column as stored, bypassing the opening of sealed values.
func rawColumn(t *testing.T, db *store.DB, query string, args ...any) string {
	t.Helper()
	var v string
	if err := db.QueryRow(store.Raw(context.Background()), query, args...).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// auditOf returns the newest audit record of an action on an entity, with its raw JSON.
func auditOf(t *testing.T, db *store.DB, action, id string) []audit.Record {
	t.Helper()
	rs, err := audit.List(context.Background(), db, audit.Filter{Action: action, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// assertSealed checks a stored value is one sealed token holding none of the clear digits.
func assertSealed(t *testing.T, stored, clear string) {
	t.Helper()
	if seal.KeyID(stored) == 0 || strings.Contains(stored, clear) {
		t.Fatalf("stored %q: want a sealed token, not the clear %q", stored, clear)
	}
}

func assertNoClear(t *testing.T, db *store.DB) {
	t.Helper()
	found, err := db.FindClear(context.Background())
	if err != nil || len(found) != 0 {
		t.Fatalf("values in clear: %+v %v", found, err)
	}
}

// security.md: phone numbers are encrypted at rest; a change is audited, and the audit log,
// which the store does not seal, carries the number masked.
func TestPersonPhoneIsSealedAtRestAndItsChangeAuditedMasked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &enroll.Service{DB: db}
		if _, err := db.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, phoneID, "王伟"); err != nil {
			t.Fatal(err)
		}
		got, err := svc.SetPersonPhone(ctx, teller, phoneID, " 138 0000 1234 ")
		if err != nil || got != phoneMobile {
			t.Fatalf("SetPersonPhone = %q, %v", got, err)
		}
		p, err := enroll.GetPerson(ctx, db, phoneID)
		if err != nil || p.Phone != phoneMobile || p.Name != "王伟" {
			t.Fatalf("GetPerson = %+v, %v", p, err)
		}
		assertSealed(t, rawColumn(t, db, `SELECT phone FROM persons WHERE id_number = ?`, phoneID), phoneMobile)
		assertNoClear(t, db)

		rs := auditOf(t, db, "person.phone", phoneID)
		if len(rs) != 1 || rs[0].Actor != "teller1" {
			t.Fatalf("audit records: %+v", rs)
		}
		if !strings.Contains(rs[0].AfterJSON, phoneMasked) || strings.Contains(rs[0].AfterJSON+rs[0].BeforeJSON, phoneMobile) {
			t.Fatalf("audit before %s after %s: want the masked number only", rs[0].BeforeJSON, rs[0].AfterJSON)
		}

		// The same number again changes nothing and writes no record.
		if _, err := svc.SetPersonPhone(ctx, teller, phoneID, "+86 138-0000-1234"); err != nil {
			t.Fatal(err)
		}
		if n := len(auditOf(t, db, "person.phone", phoneID)); n != 1 {
			t.Fatalf("an unchanged number wrote %d records", n)
		}

		// A bad number names the field and changes nothing.
		_, err = svc.SetPersonPhone(ctx, teller, phoneID, "12345")
		if e := apperr.As(err); e.Code != apperr.Invalid || e.Field != "phone" {
			t.Fatalf("bad phone: %v", err)
		}
		if p, _ := enroll.GetPerson(ctx, db, phoneID); p.Phone != phoneMobile {
			t.Fatalf("a refused number changed the phone to %q", p.Phone)
		}
		if n := len(auditOf(t, db, "person.phone", phoneID)); n != 1 {
			t.Fatalf("a refused number wrote a record (%d)", n)
		}

		// A landline replaces it; the record's before and after are both masked.
		if _, err := svc.SetPersonPhone(ctx, teller, phoneID, "0564-3312345"); err != nil {
			t.Fatal(err)
		}
		rs = auditOf(t, db, "person.phone", phoneID)
		if len(rs) != 2 || !strings.Contains(rs[0].BeforeJSON, phoneMasked) || !strings.Contains(rs[0].AfterJSON, "2345") ||
			strings.Contains(rs[0].BeforeJSON+rs[0].AfterJSON, "3312345") || strings.Contains(rs[0].BeforeJSON, phoneMobile) {
			t.Fatalf("audit before %s after %s", rs[0].BeforeJSON, rs[0].AfterJSON)
		}

		if _, err := svc.SetPersonPhone(ctx, teller, "341502199001010038", phoneMobile); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("unknown person: %v", err)
		}
	})
}

func TestEmployerContactIsSealedKeptByRegistrationChangesAndAuditedMasked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &enroll.Service{DB: db}
		e := enroll.Employer{USCC: phoneUSCC, Name: "六安测试服装有限公司", Region: "341502", IndustryCode: "1810",
			ContactName: " 李娜 ", Phone: "(0564)3312345"}
		if err := svc.RegisterEmployer(ctx, teller, e); err != nil {
			t.Fatal(err)
		}
		got, err := enroll.GetEmployer(ctx, db, phoneUSCC)
		if err != nil || got.ContactName != "李娜" || got.Phone != "0564-3312345" {
			t.Fatalf("GetEmployer = %+v, %v", got, err)
		}
		assertSealed(t, rawColumn(t, db, `SELECT phone FROM employers WHERE uscc = ?`, phoneUSCC), "3312345")
		if rs := auditOf(t, db, "employer.register", phoneUSCC); len(rs) != 1 || strings.Contains(rs[0].AfterJSON, "3312345") ||
			!strings.Contains(rs[0].AfterJSON, got.MaskedPhone()) {
			t.Fatalf("register audit: %+v", rs)
		}

		// A registration change keeps the contact; its record shows the phone masked.
		got.Name = "六安测试服装股份有限公司"
		if err := svc.UpdateEmployer(ctx, teller, got); err != nil {
			t.Fatal(err)
		}
		if after, _ := enroll.GetEmployer(ctx, db, phoneUSCC); after.Phone != "0564-3312345" || after.ContactName != "李娜" {
			t.Fatalf("the registration change lost the contact: %+v", after)
		}
		if rs := auditOf(t, db, "employer.update", phoneUSCC); len(rs) != 1 || strings.Contains(rs[0].BeforeJSON+rs[0].AfterJSON, "3312345") {
			t.Fatalf("update audit: %+v", rs)
		}

		// An empty phone keeps the number (the form shows it masked); ClearPhone removes it.
		if _, err := svc.SetEmployerContact(ctx, teller, phoneUSCC, enroll.ContactChange{Name: "张强"}); err != nil {
			t.Fatal(err)
		}
		if after, _ := enroll.GetEmployer(ctx, db, phoneUSCC); after.Phone != "0564-3312345" || after.ContactName != "张强" {
			t.Fatalf("contact name change: %+v", after)
		}
		after, err := svc.SetEmployerContact(ctx, teller, phoneUSCC, enroll.ContactChange{Name: "张强", Phone: "139 1234 5678"})
		if err != nil || after.Phone != "13912345678" {
			t.Fatalf("SetEmployerContact = %+v, %v", after, err)
		}
		assertSealed(t, rawColumn(t, db, `SELECT phone FROM employers WHERE uscc = ?`, phoneUSCC), "13912345678")
		assertNoClear(t, db)
		rs := auditOf(t, db, "employer.contact", phoneUSCC)
		if len(rs) != 2 || !strings.Contains(rs[0].AfterJSON, "139****5678") || !strings.Contains(rs[0].BeforeJSON, "张强") ||
			strings.Contains(rs[0].BeforeJSON+rs[0].AfterJSON, "13912345678") || strings.Contains(rs[0].BeforeJSON, "3312345") {
			t.Fatalf("contact audit: %+v", rs)
		}

		// Bad input names its field and changes nothing.
		for _, c := range []struct {
			change enroll.ContactChange
			field  string
		}{
			{enroll.ContactChange{Name: "张强", Phone: "0564-12"}, "phone"},
			{enroll.ContactChange{Name: strings.Repeat("张", 51), Phone: phoneMobile}, "contact_name"},
		} {
			_, err := svc.SetEmployerContact(ctx, teller, phoneUSCC, c.change)
			if e := apperr.As(err); e.Code != apperr.Invalid || e.Field != c.field {
				t.Errorf("%+v: %v, want invalid %s", c.change, err, c.field)
			}
		}
		if now, _ := enroll.GetEmployer(ctx, db, phoneUSCC); now.Phone != "13912345678" || now.ContactName != "张强" {
			t.Fatalf("a refused change changed the contact: %+v", now)
		}
		if n := len(auditOf(t, db, "employer.contact", phoneUSCC)); n != 2 {
			t.Fatalf("refused changes wrote records: %d", n)
		}

		if after, err := svc.SetEmployerContact(ctx, teller, phoneUSCC, enroll.ContactChange{Name: "张强", ClearPhone: true}); err != nil || after.Phone != "" {
			t.Fatalf("clear: %+v, %v", after, err)
		}
	})
}

// Search hits carry the phone masked, and a data-key rotation reseals the phone columns
// (found by name in store.SecretColumns) so they still read back clear.
func TestSearchShowsPhonesMaskedAndRotationResealsThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := &enroll.Service{DB: db}
		if _, err := db.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, phoneID, "王伟"); err != nil {
			t.Fatal(err)
		}
		if err := svc.RegisterEmployer(ctx, teller, enroll.Employer{USCC: phoneUSCC, Name: "王氏服装有限公司", Region: "341502",
			IndustryCode: "1810", Phone: "0564-3312345"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetPersonPhone(ctx, teller, phoneID, phoneMobile); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RotateDataKey(ctx); err != nil {
			t.Fatal(err)
		}
		stored := rawColumn(t, db, `SELECT phone FROM persons WHERE id_number = ?`, phoneID)
		if seal.KeyID(stored) != 2 {
			t.Fatalf("after rotation the phone is %q, want sealed under key 2", stored)
		}
		assertNoClear(t, db)
		for _, term := range []string{"王", phoneID} {
			hits, err := enroll.Search(ctx, db, term, 10)
			if err != nil {
				t.Fatal(err)
			}
			phones := map[string]string{}
			for _, h := range hits {
				phones[h.Kind] = h.Phone
			}
			if phones["person"] != phoneMasked {
				t.Errorf("search %q: person phone %q, want %q", term, phones["person"], phoneMasked)
			}
			if term == "王" && phones["employer"] != "********2345" {
				t.Errorf("search %q: employer phone %q, want it masked", term, phones["employer"])
			}
		}
		if p, err := enroll.GetPerson(ctx, db, phoneID); err != nil || p.Phone != phoneMobile {
			t.Fatalf("after rotation: %+v %v", p, err)
		}
		// Control: a number written in clear behind the store's back is what keys check finds.
		if _, err := db.Exec(store.Raw(ctx), `UPDATE employers SET phone = '0564-3312345'`); err != nil {
			t.Fatal(err)
		}
		found, err := db.FindClear(ctx)
		if err != nil || len(found) != 1 || found[0].Table != "employers" || found[0].Column != "phone" {
			t.Fatalf("FindClear = %+v, %v; want employers.phone", found, err)
		}
	})
}
