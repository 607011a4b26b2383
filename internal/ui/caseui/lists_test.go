package caseui

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/demo"
	"wiis/internal/idcode"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// TestListAnswersMaskIDNumbersAndNameThePersonByReference calls the API's case lists on the
// demo casework (security.md: ID numbers are masked in lists; showing the full value is an
// audited action): no answer holds a whole ID number; each row's number is the masked full
// number, and its reference names that person (store.DB.PersonOf), while the single-record
// route still answers the full number.
func TestListAnswersMaskIDNumbersAndNameThePersonByReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := demo.SeedCity(ctx, db); err != nil {
			t.Fatal(err)
		}
		if _, err := SeedCasework(ctx, db); err != nil {
			t.Fatal(err)
		}
		h := webtest.New(t, db)
		lists := []struct {
			role             auth.Role
			path, rows       string // rows: the member holding the rows, "" for a bare array
			idField, ref     string
			record, recordID string // the single-record route of a row and its full number's field
		}{
			{auth.DeterminationOfficer, "/api/v1/determinations", "rows", "worker_id", "worker_ref", "/api/v1/determinations/", "worker_id"},
			{auth.BenefitsReviewer, "/api/v1/proposals", "", "worker_id", "worker_ref", "/api/v1/proposals/", "worker_id"},
			{auth.BenefitsReviewer, "/api/v1/employer-items", "", "worker_id", "worker_ref", "", ""},
			{auth.PaymentOfficer, "/api/v1/payables", "", "id_number", "person_ref", "/api/v1/payables/", "id_number"},
		}
		for _, l := range lists {
			c := h.As(l.role)
			rec := c.Do("GET", l.path, nil, false)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", l.path, rec.Code, rec.Body.String())
			}
			body := rec.Body.String()
			for i := 0; i+18 <= len(body); i++ {
				if idcode.IDAt(body, i) {
					t.Errorf("GET %s: a whole ID number: …%s…", l.path, body[i:i+18])
					break
				}
			}
			var rows []map[string]any
			if l.rows == "" {
				err := json.Unmarshal(rec.Body.Bytes(), &rows)
				if err != nil {
					t.Fatal(err)
				}
			} else {
				var page map[string]json.RawMessage
				if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(page[l.rows], &rows); err != nil {
					t.Fatal(err)
				}
			}
			if len(rows) == 0 {
				t.Fatalf("GET %s: the demo has nothing listed", l.path)
			}
			for _, row := range rows {
				masked, _ := row[l.idField].(string)
				ref, _ := row[l.ref].(string)
				if ref == "" || !strings.Contains(masked, "**********") {
					t.Errorf("GET %s: %s %q, %s %q", l.path, l.idField, masked, l.ref, ref)
					continue
				}
				id, ok := db.PersonOf(ref)
				if !ok || idcode.ValidateID(id) != nil || ref == id || privacy.MaskID(id) != masked {
					t.Errorf("GET %s: %s %q opens to %q (%v), masked %q", l.path, l.ref, ref, id, ok, masked)
				}
				if l.record == "" {
					continue
				}
				var one map[string]any
				rec := c.Do("GET", l.record+jsonNumber(row["id"]), nil, false)
				if err := json.Unmarshal(rec.Body.Bytes(), &one); rec.Code != http.StatusOK || err != nil {
					t.Fatalf("GET %s%s: %d %v", l.record, jsonNumber(row["id"]), rec.Code, err)
				}
				if one[l.recordID] != id {
					t.Errorf("GET %s%s: %s %v, want the full %s", l.record, jsonNumber(row["id"]), l.recordID, one[l.recordID], id)
				}
			}
		}
	})
}

// jsonNumber prints a JSON number decoded into an any.
func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestListRowsKeepEveryField checks that each list row of lists.go answers every field of the
// domain struct it shows, under the same name and type, with the same value except the masked
// ones, plus the reference, and nothing else.
func TestListRowsKeepEveryField(t *testing.T) {
	id := idcode.GenerateID(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), "341502", 117, idcode.Male)
	h := &handlers{s: webtest.New(t, storetest.Open(t, store.SQLite)).S}
	ref := h.s.PersonRef(id)
	cases := []struct {
		name     string
		domain   any // a pointer to the domain value, filled here
		row      func(domain any) any
		masked   map[string]string // field → what the row holds instead
		refField string
	}{
		{"CaseRow", &caseservice.CaseRow{}, func(d any) any {
			return h.caseListAnswer(caseservice.CasePage{Rows: []caseservice.CaseRow{*d.(*caseservice.CaseRow)}}).Rows[0]
		}, map[string]string{"worker_id": privacy.MaskID(id)}, "worker_ref"},
		{"Proposal", &casework.Proposal{}, func(d any) any {
			return h.proposalRows([]casework.Proposal{*d.(*casework.Proposal)})[0]
		}, map[string]string{"worker_id": privacy.MaskID(id), "note": "备注 " + privacy.MaskID(id)}, "worker_ref"},
		{"EmployerItem", &caseservice.EmployerItem{}, func(d any) any {
			return h.employerItemRows([]caseservice.EmployerItem{*d.(*caseservice.EmployerItem)})[0]
		}, map[string]string{"worker_id": privacy.MaskID(id), "evidence": "备注 " + privacy.MaskID(id)}, "worker_ref"},
		{"Payable", &caseservice.Payable{}, func(d any) any {
			return h.payableRows([]caseservice.Payable{*d.(*caseservice.Payable)})[0]
		}, map[string]string{"id_number": privacy.MaskID(id), "note": "备注 " + privacy.MaskID(id),
			"bank_account": privacy.MaskBank("6222021300001234")}, "person_ref"},
	}
	for _, c := range cases {
		v := reflect.ValueOf(c.domain).Elem()
		for i := range v.NumField() {
			f := v.Field(i)
			switch name := jsonTag(v.Type().Field(i)); {
			case name == "worker_id" || name == "id_number":
				f.SetString(id)
			case name == "note" || name == "evidence":
				f.SetString("备注 " + id)
			case name == "bank_account":
				f.SetString("6222021300001234")
			default:
				fill(f, i)
			}
		}
		var want, got map[string]any
		b, _ := json.Marshal(c.domain)
		json.Unmarshal(b, &want)
		row := c.row(c.domain)
		b, _ = json.Marshal(row)
		json.Unmarshal(b, &got)
		for k, m := range c.masked {
			want[k] = m
		}
		want[c.refField] = ref
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s as listed:\n got %v\nwant %v", c.name, got, want)
		}
		// The row's fields carry the domain's types, so the API document says the same.
		dt, rt := v.Type(), reflect.TypeOf(row)
		for i := range dt.NumField() {
			df := dt.Field(i)
			rf, ok := rt.FieldByName(df.Name)
			if !ok || rf.Type != df.Type || rf.Tag.Get("json") != df.Tag.Get("json") {
				t.Errorf("%s: the row's %s is %v %q, the domain's %v %q", c.name, df.Name, rf.Type, rf.Tag.Get("json"), df.Type, df.Tag.Get("json"))
			}
		}
		if rt.NumField() != 2 || !rt.Field(0).Anonymous || rt.Field(0).Type != dt || rt.Field(1).Type.Kind() != reflect.String {
			t.Errorf("%s: the row is %v, want the domain's fields (%v embedded) and the reference", c.name, rt, dt)
		}
	}
}

func jsonTag(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// fill sets f to a value that is not its zero value where the kind allows it simply (nested
// structs stay zero except a date).
func fill(f reflect.Value, n int) {
	switch f.Kind() {
	case reflect.String:
		f.SetString("v" + string(rune('a'+n)))
	case reflect.Int, reflect.Int64:
		f.SetInt(int64(n + 1))
	case reflect.Pointer:
		f.Set(reflect.New(f.Type().Elem()))
	case reflect.Slice:
		f.Set(reflect.MakeSlice(f.Type(), 1, 1))
	case reflect.Struct:
		if d, ok := f.Interface().(casework.Date); ok {
			d, _ = casework.ParseDate("2026-03-10")
			f.Set(reflect.ValueOf(d))
		}
	}
}
