package privacy_test

import (
	"context"
	"errors"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestMasksKeepOnlyTheEndsAndNeverAWholeShortValue(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{privacy.MaskID("34150219800101123X"), "3415**********123X"},
		{privacy.MaskID("341502800101123"), "3415*******1123"}, // the old 15-digit number
		{privacy.MaskBank("6217000010012345678"), "6217***********5678"},
		{privacy.MaskPhone("13812345678"), "138****5678"},
		{privacy.MaskPhone("0564-3331234"), "********1234"},
		{privacy.MaskID("12345"), "*****"},
		{privacy.MaskID(""), ""},
		{privacy.BankAccount.Mask("6217000010012345678"), "6217***********5678"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func actions(t *testing.T, db *store.DB) []audit.Record {
	t.Helper()
	recs, err := audit.List(context.Background(), db, audit.Filter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestRevealAndExportAreAuditedWithTheRowCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		by := audit.Actor{Username: "teller", RemoteAddr: "10.0.0.1"}
		if err := privacy.Reveal(ctx, db, by, "person", "42", privacy.IDNumber); err != nil {
			t.Fatal(err)
		}
		n, err := privacy.Audited(ctx, db, by, privacy.Export{What: "persons", Format: "csv"}, func() (int64, error) { return 1234, nil })
		if err != nil || n != 1234 {
			t.Fatal(n, err)
		}
		boom := errors.New("disk full")
		if _, err := privacy.Audited(ctx, db, by, privacy.Export{What: "persons", Format: "csv"}, func() (int64, error) { return 7, boom }); err != boom {
			t.Fatalf("export error not passed on: %v", err)
		}
		recs := actions(t, db)
		if len(recs) != 3 {
			t.Fatalf("%d records", len(recs))
		}
		// Newest first.
		if recs[2].Action != "reveal.id_number" || recs[2].EntityID != "42" || recs[2].Actor != "teller" {
			t.Errorf("reveal record %+v", recs[2])
		}
		if recs[1].Action != "export" || recs[1].AfterJSON != `{"format":"csv","rows":1234}` {
			t.Errorf("export record %+v", recs[1])
		}
		if recs[0].AfterJSON != `{"error":"disk full","format":"csv","rows":7}` {
			t.Errorf("failed export record %+v", recs[0])
		}
	})
}

func TestMaskTextMasksEveryIDNumberAndLeavesOtherDigits(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "",
		"/counter/persons/11010519491231002X": "/counter/persons/1101**********002X",
		"代扣 341502198001011234 个税；又 11010519491231002X": "代扣 3415**********1234 个税；又 1101**********002X",
		"/persons/11010519491231002x":                   "/persons/1101**********002X", // a small x, as people type it
		"A11010519491231002x":                           "A11010519491231002x",         // part of a longer code
		"11010519491231002xA":                           "11010519491231002xA",
		"341502198001011235":                            "341502198001011235",  // wrong check digit: not an ID number
		"9134150230000680X0":                            "9134150230000680X0",  // a credit code
		"A11010519491231002X":                           "A11010519491231002X", // part of a longer code
		"12345678901234567890123":                       "12345678901234567890123",
	} {
		if got := privacy.MaskText(in); got != want {
			t.Errorf("MaskText(%q) = %q, want %q", in, got, want)
		}
	}
}
