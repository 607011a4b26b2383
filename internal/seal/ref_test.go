package seal

import (
	"strings"
	"testing"
)

func TestRefsOpenToTheirIDNumberAndNothingElseDoes(t *testing.T) {
	const id = "11010519491231002X"
	old := testRing(t, 1)
	r := testRing(t, 1, 2)
	ref := r.Ref(id)
	if strings.Contains(ref, id) || strings.ContainsAny(ref, "~/?#%+ ") {
		t.Fatalf("ref %q shows the number or is not path-safe", ref)
	}
	if r.Ref(id) != ref {
		t.Fatal("a person's reference changes between calls")
	}
	if got, ok := r.OpenRef(ref); !ok || got != id {
		t.Fatalf("OpenRef(%q) = %q, %v", ref, got, ok)
	}
	if strings.Contains(r.SealText(id), strings.TrimPrefix(ref, "p2.")) {
		t.Fatal("the reference repeats the stored token")
	}
	oldRef := old.Ref(id)
	if got, ok := r.OpenRef(oldRef); !ok || got != id {
		t.Fatalf("a reference of the retired key 1 does not open after rotation: %q, %v", got, ok)
	}
	if r.Ref("11010519491231003X") == ref {
		t.Fatal("two persons share a reference")
	}
	altered := ref[:len(ref)-2] + map[bool]string{true: "AA", false: "BB"}[ref[len(ref)-2:] != "AA"]
	for _, bad := range []string{id, "", "p", "p2.", "p9." + ref[3:], "p2" + ref[2:] + "x", altered,
		"x" + ref, strings.TrimPrefix(r.SealText(id), "~")} {
		if got, ok := r.OpenRef(bad); ok {
			t.Errorf("OpenRef(%q) = %q, want refused", bad, got)
		}
	}
	raw := make([]byte, DataKeySize)
	raw[0] = 1
	k, err := NewDataKey(2, raw)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewKeyring(2, []*DataKey{k})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := other.OpenRef(ref); ok {
		t.Error("another database's key 2 opens this reference")
	}
}

func FuzzOpenRefNeverPanics(f *testing.F) {
	r := testRing(f, 1)
	f.Add(r.Ref("11010519491231002X"))
	f.Add("p1.")
	f.Fuzz(func(t *testing.T, s string) {
		if id, ok := r.OpenRef(s); ok && r.Ref(id) != s {
			t.Fatalf("%q opens to %q, whose reference is %q", s, id, r.Ref(id))
		}
	})
}
