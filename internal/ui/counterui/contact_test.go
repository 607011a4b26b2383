package counterui

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/enroll"
	"wiis/internal/seal"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// auditCount counts the audit records of an action on an entity.
func auditCount(t *testing.T, db *store.DB, action, id string) []audit.Record {
	t.Helper()
	rs, err := audit.List(context.Background(), db, audit.Filter{Action: action, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// storedPhone reads a phone column as stored, bypassing the opening of sealed values.
func storedPhone(t *testing.T, db *store.DB, query, key string) string {
	t.Helper()
	var v string
	if err := db.QueryRow(store.Raw(context.Background()), query, key).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// noPhoneInClear fails when `keys check` would find a phone column in clear (the fixture's
// bank account is written in clear on purpose by raw SQL, so only phones are looked at).
func noPhoneInClear(t *testing.T, db *store.DB) {
	t.Helper()
	found, err := db.FindClear(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range found {
		if c.Column == "phone" {
			t.Fatalf("in clear: %+v", c)
		}
	}
}

// security.md: the phone is sealed at rest, shown in full only on the audited person page and
// answer, masked in lists; a change is audited with the number masked; a bad number is a 422
// naming the field and changes nothing.
func TestPersonPhoneAtTheCounter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		tel := f.h.As(auth.Teller)
		path := "/counter/persons/" + f.worker
		rec := tel.Do("POST", path+"/phone", form("phone", " 138 0000 1234 "), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", rec.Code, rec.Body)
		}
		if s := storedPhone(t, db, `SELECT phone FROM persons WHERE phone <> ? `, ""); seal.KeyID(s) == 0 || strings.Contains(s, "13800001234") {
			t.Fatalf("stored %q, want it sealed", s)
		}
		noPhoneInClear(t, db)
		changes := auditCount(t, db, "person.phone", f.worker)
		if len(changes) != 1 || changes[0].Actor != "h_teller" || !strings.Contains(changes[0].AfterJSON, "138****1234") ||
			strings.Contains(changes[0].BeforeJSON+changes[0].AfterJSON, "13800001234") {
			t.Fatalf("change records: %+v", changes)
		}

		// The person page shows the number in full, and that view is audited.
		views := len(auditCount(t, db, "person.view", f.worker))
		rec = tel.Do("GET", path, nil, false)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "13800001234") {
			t.Fatalf("person page: %d, full number shown: %v", rec.Code, strings.Contains(rec.Body.String(), "13800001234"))
		}
		if n := len(auditCount(t, db, "person.view", f.worker)); n != views+1 {
			t.Fatalf("person.view records %d → %d, want one more", views, n)
		}

		// A bad number: 422, the reason by the field, the input kept, nothing changed.
		rec = tel.Do("POST", path+"/phone", form("phone", "1380000"), true, "Content-Type", formType)
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "手机号码应为11位数字") || !strings.Contains(body, `value="1380000"`) {
			t.Fatalf("bad phone: %d\n%.2000s", rec.Code, body)
		}
		if p, _ := enroll.GetPerson(context.Background(), db, f.worker); p.Phone != "13800001234" {
			t.Fatalf("a refused number changed the phone to %q", p.Phone)
		}
		if n := len(auditCount(t, db, "person.phone", f.worker)); n != 1 {
			t.Fatalf("a refused number was audited as a change (%d records)", n)
		}
		rec = tel.Do("POST", path+"/phone", form("phone", "<b>x</b>"), true, "Content-Type", formType, "Accept", "application/json")
		if rec.Code != http.StatusUnprocessableEntity || strings.Contains(rec.Body.String(), "<b>") {
			t.Fatalf("hostile input: %d %s", rec.Code, rec.Body)
		}

		// The audited API record carries the full number; the search list carries it masked.
		views = len(auditCount(t, db, "person.view", f.worker))
		var pr PersonRecord
		rec = tel.Do("GET", "/api/v1/persons/"+f.worker, nil, false, "Accept", "application/json")
		if err := json.Unmarshal(rec.Body.Bytes(), &pr); err != nil || pr.Phone != "13800001234" {
			t.Fatalf("API person: %d %+v %v", rec.Code, pr, err)
		}
		if n := len(auditCount(t, db, "person.view", f.worker)); n != views+1 {
			t.Fatalf("the API read was not audited (%d → %d)", views, n)
		}
		rec = tel.Do("GET", "/api/v1/search?q=张伟", nil, false, "Accept", "application/json")
		if !strings.Contains(rec.Body.String(), `"phone":"138****1234"`) || strings.Contains(rec.Body.String(), "13800001234") {
			t.Fatalf("search answer: %s", rec.Body)
		}

		// Only the teller changes it, and only within the region.
		if rec := f.h.As(auth.BenefitsReviewer).Do("POST", path+"/phone", form("phone", "13900001234"), true, "Content-Type", formType); rec.Code != http.StatusForbidden {
			t.Errorf("benefits reviewer: %d, want 403", rec.Code)
		}
		if rec := tel.Do("POST", "/counter/persons/"+f.stranger+"/phone", form("phone", "13900001234"), true, "Content-Type", formType); rec.Code != http.StatusNotFound {
			t.Errorf("outside the region: %d, want 404", rec.Code)
		}
		if rec := tel.Do("POST", path+"/phone", form("phone", "13900001234"), false, "Content-Type", formType); rec.Code != http.StatusForbidden {
			t.Errorf("without the CSRF token: %d, want 403", rec.Code)
		}
		if p, _ := enroll.GetPerson(context.Background(), db, f.worker); p.Phone != "13800001234" {
			t.Fatalf("a refused request changed the phone to %q", p.Phone)
		}
	})
}

func TestEmployerContactAtTheCounterIsMaskedAndRevealedAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		tel := f.h.As(auth.Teller)
		path := "/counter/employers/" + f.uscc
		rec := tel.Do("POST", path+"/contact", form("contact_name", "李娜", "phone", "0564 3312345"), true, "Content-Type", formType)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", rec.Code, rec.Body)
		}
		if s := storedPhone(t, db, `SELECT phone FROM employers WHERE uscc = ?`, f.uscc); seal.KeyID(s) == 0 || strings.Contains(s, "3312345") {
			t.Fatalf("stored %q, want it sealed", s)
		}
		rs := auditCount(t, db, "employer.contact", f.uscc)
		if len(rs) != 1 || !strings.Contains(rs[0].AfterJSON, "李娜") || !strings.Contains(rs[0].AfterJSON, "********2345") ||
			strings.Contains(rs[0].AfterJSON, "3312345") {
			t.Fatalf("contact records: %+v", rs)
		}

		// The page masks the number and never echoes it into the form.
		body := tel.Do("GET", path, nil, false).Body.String()
		if !strings.Contains(body, "李娜") || !strings.Contains(body, "********2345") || strings.Contains(body, "3312345") {
			t.Fatalf("employer page: masked shown %v, full shown %v", strings.Contains(body, "********2345"), strings.Contains(body, "3312345"))
		}

		// The reveal shows it and is audited, as a page and as an API answer.
		rec = tel.Do("POST", path+"/reveal/phone", form(), true, "Content-Type", formType)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "0564-3312345") {
			t.Fatalf("reveal page: %d", rec.Code)
		}
		rec = tel.Do("POST", "/api/v1/employers/"+f.uscc+"/reveal/phone", nil, true, "Accept", "application/json")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"value":"0564-3312345"`) {
			t.Fatalf("reveal API: %d %s", rec.Code, rec.Body)
		}
		if rs := auditCount(t, db, "reveal.phone", f.uscc); len(rs) != 2 || rs[0].Entity != "employer" || strings.Contains(rs[0].AfterJSON+rs[1].AfterJSON, "3312345") {
			t.Fatalf("reveal records: %+v", rs)
		}
		if rec := tel.Do("POST", "/api/v1/employers/"+f.other+"/reveal/phone", nil, true, "Accept", "application/json"); rec.Code != http.StatusNotFound {
			t.Errorf("reveal outside the region: %d, want 404", rec.Code)
		}

		// A bad number: 422 naming the field, nothing changed; an empty one keeps the number.
		rec = tel.Do("POST", path+"/contact", form("contact_name", "王强", "phone", "0564-33"), true, "Content-Type", formType)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "区号后的电话号码应为7至8位") {
			t.Fatalf("bad phone: %d", rec.Code)
		}
		if e, _ := enroll.GetEmployer(context.Background(), db, f.uscc); e.ContactName != "李娜" || e.Phone != "0564-3312345" {
			t.Fatalf("a refused change changed the contact: %+v", e)
		}
		if rec := tel.Do("POST", path+"/contact", form("contact_name", "王强", "phone", ""), true, "Content-Type", formType); rec.Code != http.StatusSeeOther {
			t.Fatalf("name only: %d", rec.Code)
		}
		if e, _ := enroll.GetEmployer(context.Background(), db, f.uscc); e.ContactName != "王强" || e.Phone != "0564-3312345" {
			t.Fatalf("an empty phone did not keep the number: %+v", e)
		}
		if rec := tel.Do("POST", "/counter/employers/"+f.other+"/contact", form("contact_name", "x"), true, "Content-Type", formType); rec.Code != http.StatusNotFound {
			t.Errorf("outside the region: %d, want 404", rec.Code)
		}
		noPhoneInClear(t, db)
	})
}
