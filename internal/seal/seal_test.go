package seal

import (
	"bytes"
	"strings"
	"testing"
)

func testRing(t testing.TB, ids ...int) *Keyring {
	t.Helper()
	var keys []*DataKey
	for _, id := range ids {
		raw := make([]byte, DataKeySize)
		for i := range raw {
			raw[i] = byte(id*31 + i)
		}
		k, err := NewDataKey(id, raw)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	r, err := NewKeyring(ids[len(ids)-1], keys)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const id1 = "11010519491231002X" // GB 11643's own example
const id2 = "341502198001011234"

func TestSealTextFindsIDNumbersAloneAndInText(t *testing.T) {
	r := testRing(t, 1)
	cases := []struct {
		in     string
		sealed int // ID numbers expected sealed
	}{
		{id1, 1},
		{`{"id_number":"` + id1 + `","worker":"` + id2 + `"}`, 2},
		{"申请人" + id1 + "，受伤", 1},
		{"x" + id1, 0},                  // part of a longer word
		{id1 + "9", 0},                  // part of a longer number
		{"110105194912310021", 0},       // wrong check digit: not an ID number, left as typed
		{"6217000010000474", 0},         // a bank account is not recognised by shape
		{"WHERE id = '" + id2 + "'", 1}, // a literal in SQL text
		{"", 0},
	}
	for _, c := range cases {
		got := r.SealText(c.in)
		if n := strings.Count(got, "~I1."); n != c.sealed {
			t.Errorf("SealText(%q) = %q: %d tokens, want %d", c.in, got, n, c.sealed)
		}
		if c.sealed > 0 && (strings.Contains(got, id1) || strings.Contains(got, id2)) {
			t.Errorf("SealText(%q) = %q still holds the clear number", c.in, got)
		}
		if back := r.Open(got); back != c.in {
			t.Errorf("Open(SealText(%q)) = %q", c.in, back)
		}
	}
}

func TestSealingIsDeterministicPerKeyAndBoundToKind(t *testing.T) {
	r := testRing(t, 1)
	a, b := r.SealText(id1), r.SealText(id1)
	if a != b {
		t.Fatalf("same value sealed twice differs: %q %q (lookups need equality)", a, b)
	}
	if r.SealText(id2) == a {
		t.Fatal("different values sealed alike")
	}
	s := r.SealSecret(id1)
	if s == a {
		t.Fatal("a secret and an ID number of the same text share a token: kind not bound")
	}
	if r.Open(s) != id1 {
		t.Fatalf("secret did not open: %q", r.Open(s))
	}
	if r.SealSecret("") != "" {
		t.Fatal("empty secret must stay empty")
	}
	if r.SealSecret(s) != s {
		t.Fatal("sealing a token again must leave it")
	}
	r2 := testRing(t, 1, 2)
	if r2.SealText(id1) == a || KeyID(r2.SealText(id1)) != 2 {
		t.Fatal("a new active key must seal differently and name itself")
	}
	if r2.Open(a) != id1 {
		t.Fatal("values sealed under an older key must still open")
	}
	if got := r2.Reseal(a, false); got != r2.SealText(id1) {
		t.Fatalf("Reseal = %q, want the new key's token", got)
	}
}

func TestOpenLeavesAlteredAndForeignTokens(t *testing.T) {
	r := testRing(t, 1)
	tok := r.SealText(id1)
	alt := []byte(tok)
	alt[10] ^= 1
	for _, s := range []string{string(alt), "~I9." + tok[4:], "~I1.abc~", "~~", "a ~ b ~I", "~S1.~"} {
		if got := r.Open(s); got != s {
			t.Errorf("Open(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestKEKWrapsAndRefusesAnotherKEK(t *testing.T) {
	k1, err := ParseKEK(NewKEKText(), "test")
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := ParseKEK(NewKEKText(), "other")
	dk := NewDataKeyBytes()
	w := k1.Wrap(3, dk)
	if got, err := k1.Unwrap(3, w); err != nil || string(got) != string(dk) {
		t.Fatalf("unwrap: %v", err)
	}
	if _, err := k2.Unwrap(3, w); err != ErrWrongKEK {
		t.Fatalf("another KEK: %v, want ErrWrongKEK", err)
	}
	if _, err := k1.Unwrap(4, w); err != ErrWrongKEK {
		t.Fatalf("moved to another id: %v, want ErrWrongKEK", err)
	}
	if _, err := ParseKEK("c2hvcnQ=", "env"); err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Fatalf("short key: %v", err)
	}
}

func TestLoadKEKCreatesTheDefaultFileOnceAndPrefersTheEnvironment(t *testing.T) {
	t.Setenv(EnvKEK, "")
	t.Setenv(EnvKeyFile, "")
	f := t.TempDir() + "/sub/master.key"
	a, err := LoadKEK(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadKEK(f)
	if err != nil {
		t.Fatal(err)
	}
	w := a.Wrap(1, NewDataKeyBytes())
	if _, err := b.Unwrap(1, w); err != nil {
		t.Fatal("the default key file changed between loads")
	}
	t.Setenv(EnvKEK, NewKEKText())
	c, err := LoadKEK(f)
	if err != nil || c.Source != EnvKEK {
		t.Fatalf("environment key not preferred: %v %v", c, err)
	}
	t.Setenv(EnvKEK, "")
	t.Setenv(EnvKeyFile, t.TempDir()+"/missing.key")
	if _, err := LoadKEK(f); err == nil {
		t.Fatal("a key file named explicitly must exist")
	}
}

func FuzzOpenNeverPanicsAndRoundTrips(f *testing.F) {
	f.Add("~I1.AAAA~")
	f.Add(id1)
	f.Add("note " + id2 + " ~S3.x~")
	f.Fuzz(func(t *testing.T, s string) {
		r := testRing(t, 1)
		if got := r.Open(r.SealText(s)); got != r.Open(s) {
			t.Fatalf("round trip of %q gave %q", s, got)
		}
	})
}

func TestBlobsSealWithARandomNonceAndOpenUnderRetiredKeys(t *testing.T) {
	r := testRing(t, 1)
	file := []byte("scan of " + id1)
	a, b := r.SealBlob(file), r.SealBlob(file)
	if bytes.Equal(a, b) || bytes.Contains(a, []byte(id1)) || !IsSealedBlob(a) {
		t.Fatal("blobs must be sealed, and differently each time")
	}
	r2 := testRing(t, 1, 2)
	if got, ok := r2.OpenBlob(a); !ok || !bytes.Equal(got, file) {
		t.Fatalf("open under a newer keyring: %q %v", got, ok)
	}
	a[len(a)-1] ^= 1
	if _, ok := r2.OpenBlob(a); ok {
		t.Fatal("an altered blob opened")
	}
	if got, ok := r.OpenBlob(r.SealBlob(nil)); !ok || len(got) != 0 {
		t.Fatal("an empty file must round-trip")
	}
	if r.SealBlob(b)[0] != 0 || !bytes.Equal(r.SealBlob(b), b) {
		t.Fatal("sealing a sealed blob again must leave it")
	}
}
