package seal

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// KindRef is the kind of a person reference: bound into its synthetic IV, so a reference
// cannot pass for a stored token or the other way round.
const KindRef byte = 'R'

// strictB64 decodes references: only the one encoding Ref writes opens, so each person has
// exactly one reference per key.
var strictB64 = base64.RawURLEncoding.Strict()

// refPrefix starts every reference; an ID number never does (it starts with a digit).
const refPrefix = "p"

// Ref returns the reference of ID number id: "p" ‖ key id ‖ "." ‖ base64url(SIV(id)). It is
// what links, list answers and search hits carry instead of the number (security.md: lists
// mask ID numbers), and the person routes take it back (OpenRef). It is deterministic, so a
// person's links stay the same between pages and bookmarks keep working; it is not the
// stored token (another kind), so a reference read off a screen matches no database value;
// and it needs the data key to make or open, so it tells nothing to whoever holds one. A
// rotation keeps old references opening as long as their key is in the keyring.
func (r *Keyring) Ref(id string) string {
	var mac [32]byte
	n := ivSize + len(id)
	raw := make([]byte, n)
	r.active.siv(KindRef, []byte(id), &mac)
	copy(raw, mac[:ivSize])
	r.active.ctr(raw[ivSize:], []byte(id), raw[:ivSize])
	pre := refPrefix + strconv.Itoa(r.active.ID) + "."
	out := make([]byte, 0, len(pre)+b64.EncodedLen(n))
	out = append(out, pre...)
	return string(b64.AppendEncode(out, raw))
}

// OpenRef returns the ID number reference ref names; ok is false for anything that is not a
// reference made by a key of this keyring (an ID number typed in, a forged or altered
// reference).
func (r *Keyring) OpenRef(ref string) (id string, ok bool) {
	rest, found := strings.CutPrefix(ref, refPrefix)
	if !found {
		return "", false
	}
	num, body, found := strings.Cut(rest, ".")
	if !found {
		return "", false
	}
	kid, err := strconv.Atoi(num)
	if err != nil {
		return "", false
	}
	k := r.keys[kid]
	if k == nil {
		return "", false
	}
	raw, err := strictB64.DecodeString(body)
	if err != nil {
		return "", false
	}
	v, ok := k.open(KindRef, raw)
	if !ok {
		return "", false
	}
	return strings.Clone(v), true
}
