package idcode

import "testing"

func TestMaskIDKeepsFourCharactersAtEachEnd(t *testing.T) {
	for in, want := range map[string]string{"34150219850505123X": "3415**********123X", "1234567": "******7", "": ""} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}
