package phone

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"wiis/internal/apperr"
)

func reasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func TestNormalizeAcceptsTheWaysNumbersAreWritten(t *testing.T) {
	cases := []struct{ in, want string }{
		{"13800001234", "13800001234"},
		{" 138 0000 1234 ", "13800001234"},
		{"138-0000-1234", "13800001234"},
		{"+86 138 0000 1234", "13800001234"},
		{"+86-13800001234", "13800001234"},
		{"0086 13800001234", "13800001234"},
		{"8613800001234", "13800001234"},
		{"+8-613800001234", "13800001234"}, // the prefix split oddly still strips whole
		{"１３８００００１２３４", "13800001234"},     // full-width digits from an input method
		{"19912345678", "19912345678"},
		{"010-62345678", "010-62345678"},
		{"01062345678", "010-62345678"}, // 010 is a three-digit area code: the split is known
		{"(010)62345678", "010-62345678"},
		{"（010）6234 5678", "010-62345678"},
		{"021 6234 5678", "021-62345678"},
		{"0564-3312345", "0564-3312345"},
		{"05643312345", "0564-3312345"},
		{"0571-888-8888", "0571-8888888"}, // the last group completes the local number
		{"0755-86001234", "0755-86001234"},
		{"+86 10 62345678", "010-62345678"}, // the trunk 0 comes back after +86
		{"+86 564 3312345", "0564-3312345"},
		{"010-62345678-123", "010-62345678-123"},
		{"01062345678-123", "010-62345678-123"},
		{"010-62345678转123", "010-62345678-123"},
		{"0564-3312345 ext. 88", "0564-3312345-88"},
		{"0564-3312345 EXT 88", "0564-3312345-88"},
		{"0564-3312345x8", "0564-3312345-8"},
		{"0564-3312345-8", "0564-3312345-8"}, // a third group after a complete number
		{"05643312345-8", "0564-3312345-8"},
		{"010-6234-5678", "010-62345678"},
		{"", ""},
		{"   ", ""},
	}
	for _, c := range cases {
		got, err := Normalize(c.in)
		if err != nil || got != c.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", c.in, got, err, c.want)
			continue
		}
		// The canonical form is a fixed point: stored values compare and seal alike.
		if again, err := Normalize(got); err != nil || again != got {
			t.Errorf("Normalize(%q) = %q, %v; the canonical form must normalise to itself", got, again, err)
		}
	}
}

func TestNormalizeRefusesWhatIsNoPhoneNumber(t *testing.T) {
	cases := []struct {
		in     string
		reason Reason
		msg    string
	}{
		{"1380000123", ReasonLength, "11 digits"},
		{"138000012345", ReasonLength, "11 digits"},
		{"12345678901", ReasonMobile, "13 to 19"},
		{"10086", ReasonLength, "11 digits"},
		{"138 0000 1234 转 5", ReasonExtension, "no extension"},
		{"0564-3312345转", ReasonExtension, "1 to 6 digits"},
		{"0564-3312345 ext 1234567", ReasonExtension, "1 to 6 digits"},
		{"0564-3312345 ext 12a", ReasonExtension, "1 to 6 digits"},
		{"011-62345678", ReasonArea, "area code"},
		{"057-18888888", ReasonArea, "area code is 0571"},
		{"0564-012345", ReasonLocal, "7 or 8 digits"},
		{"0564-1234567", ReasonLocal, "not starting with 0 or 1"},
		{"0564-123456789", ReasonLocal, "7 or 8 digits"},
		{"010-123456", ReasonLocal, "7 or 8 digits"},
		{"3312345", ReasonLocal, "area code"},
		{"+1 415 555 0100", ReasonCountry, "+86"},
		{"001 415 555 0100", ReasonCountry, "+86"},
		{"+", ReasonCountry, "+86"},
		{"+86", ReasonCharset, "digits"},
		{"-", ReasonCharset, "digits"},
		{"138+00001234", ReasonCharset, "'+'"},
		{"abc", ReasonCharset, "invalid character"},
		{"<script>alert(1)</script>", ReasonCharset, "invalid character"},
		{"13800001234'; DROP TABLE persons;--", ReasonCharset, "invalid character"},
		{"138\x000001234", ReasonCharset, "invalid character"},
		{"138\n00001234", ReasonCharset, "invalid character"},
		{"1380000123\u0665", ReasonCharset, "invalid character"}, // an Arabic-Indic digit is no digit here
		{"\xff\xfe", ReasonCharset, "invalid character"},
		{strings.Repeat("1", 41), ReasonLength, "too long"},
		{strings.Repeat("İ", 8) + "x1", ReasonCharset, "invalid character"}, // lower-casing must not shift offsets
	}
	for _, c := range cases {
		got, err := Normalize(c.in)
		if reasonOf(err) != c.reason || !strings.Contains(err.Error(), c.msg) || got != "" {
			t.Errorf("Normalize(%q) = %q, %v (reason %s); want reason %s mentioning %q", c.in, got, err, reasonOf(err), c.reason, c.msg)
			continue
		}
		if !utf8.ValidString(err.Error()) || !strings.Contains(err.Error(), " / ") {
			t.Errorf("Normalize(%q): %q is not a bilingual message", c.in, err)
		}
	}
}

func TestCheckNamesTheField(t *testing.T) {
	if n, err := Check("phone", "138 0000 1234"); err != nil || n != "13800001234" {
		t.Fatalf("Check: %q, %v", n, err)
	}
	_, err := Check("contact_phone", "12345")
	e := apperr.As(err)
	if e.Code != apperr.Invalid || e.Field != "contact_phone" || !strings.Contains(e.Error(), "11") {
		t.Fatalf("Check: %#v", e)
	}
}

func FuzzNormalizeIsTotalAndIdempotent(f *testing.F) {
	for _, s := range []string{"13800001234", "010-62345678-123", "+86 10 62345678", "（010）6234 5678", "x", "转", "+8-6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s) // never panics
		if err != nil {
			return
		}
		if again, err := Normalize(n); err != nil || again != n {
			t.Fatalf("Normalize(%q) = %q, then %q, %v", s, n, again, err)
		}
		if strings.Trim(n, "0123456789-") != "" {
			t.Fatalf("Normalize(%q) = %q holds more than digits and '-'", s, n)
		}
	})
}
