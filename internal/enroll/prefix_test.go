package enroll

import "testing"

// The name range of the search box ends just above every name that begins with the term.
func TestPrefixEndIsTheNextStringAfterThePrefix(t *testing.T) {
	for _, c := range []struct{ in, want string }{{"王", string('王' + 1)}, {"王伟", "王" + string('伟'+1)}, {"a", "b"}, {"\uD7FF", "\uE000"}} {
		if got := prefixEnd(c.in); got != c.want {
			t.Errorf("prefixEnd(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
