// Package seal encrypts personal identifiers at rest (security.md: ID numbers, bank accounts
// and phone numbers, under an envelope key that can be rotated).
//
// Why deterministic encryption: ID numbers are the natural key of a dozen tables and are
// joined, grouped and looked up everywhere. Sealing every ID number the same way under one
// data key keeps equality (WHERE, JOIN, GROUP BY, ON CONFLICT, UNIQUE) working on the
// ciphertext, so no query can forget to use a blind index and no clear copy is needed. The
// price is that equal values have equal ciphertexts (the same leak a blind index has) and
// that SQL can no longer read inside a value (no prefix LIKE, no substr, and ORDER BY follows
// the ciphertext). The construction is SIV (RFC 5297's shape with HMAC-SHA256 as the PRF):
// the synthetic IV = HMAC(macKey, kind‖value)[:16] is both the CTR IV and the authentication
// tag, so a token that was altered, or text that merely looks like a token, never opens.
//
// A token names its data key, so values sealed under an older key still open after a new one
// is made; the key-encryption key (KEK) only wraps the data keys (see Wrap), so rotating it
// rewraps a few rows and touches no data.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"wiis/internal/idcode"
)

// Kinds of sealed value; the kind is bound into the token so one kind cannot pass for another.
const (
	KindID     byte = 'I' // a resident ID number, found in any text
	KindSecret byte = 'S' // a value the caller marked (bank account, phone number)
)

// DataKeySize is the length of a data key: 32 bytes of AES-256 key and 32 of HMAC key.
const DataKeySize = 64

const ivSize = 16

var b64 = base64.RawURLEncoding

// Secret marks a value the storage layer seals whole when it is written (a bank account or a
// phone number): unlike ID numbers these have no shape that can be recognised safely.
type Secret string

// DataKey is one data-encryption key.
type DataKey struct {
	ID     int
	block  cipher.Block
	macKey []byte
	macs   sync.Pool // HMAC states: making one costs more than the sealing itself
	prefix [2]string // "~I<id>." and "~S<id>.", the start of this key's tokens
}

// NewDataKey prepares raw (DataKeySize bytes) as data key id.
func NewDataKey(id int, raw []byte) (*DataKey, error) {
	if len(raw) != DataKeySize {
		return nil, fmt.Errorf("seal: data key %d: %d bytes, want %d", id, len(raw), DataKeySize)
	}
	block, err := aes.NewCipher(raw[:32])
	if err != nil {
		return nil, err
	}
	k := &DataKey{ID: id, block: block, macKey: append([]byte(nil), raw[32:]...)}
	k.macs.New = func() any { return hmac.New(sha256.New, k.macKey) }
	k.prefix = [2]string{"~" + string(KindID) + strconv.Itoa(id) + ".", "~" + string(KindSecret) + strconv.Itoa(id) + "."}
	return k, nil
}

func (k *DataKey) siv(kind byte, value []byte, out *[sha256.Size]byte) {
	m := k.macs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte{kind})
	m.Write(value)
	m.Sum(out[:0])
	k.macs.Put(m)
}

// ctr XORs src into dst with AES-256 in counter mode from iv, as cipher.NewCTR does (the
// whole 16-byte block is the big-endian counter), without its allocations: values are short.
func (k *DataKey) ctr(dst, src []byte, iv []byte) {
	var ctr, ks [16]byte
	copy(ctr[:], iv)
	for i := 0; i < len(src); i += 16 {
		k.block.Encrypt(ks[:], ctr[:])
		for j := 0; j < 16 && i+j < len(src); j++ {
			dst[i+j] = src[i+j] ^ ks[j]
		}
		for b := 15; b >= 0; b-- {
			ctr[b]++
			if ctr[b] != 0 {
				break
			}
		}
	}
}

// seal returns the token of value.
func (k *DataKey) seal(kind byte, value string) string {
	var buf [256]byte
	n := ivSize + len(value)
	raw := buf[:0]
	if n > len(buf)/2 {
		raw = make([]byte, 0, n)
	}
	raw = raw[:n]
	var mac [sha256.Size]byte
	k.siv(kind, []byte(value), &mac)
	copy(raw, mac[:ivSize])
	k.ctr(raw[ivSize:], []byte(value), raw[:ivSize])
	pre := k.prefix[0]
	if kind == KindSecret {
		pre = k.prefix[1]
	}
	out := make([]byte, 0, len(pre)+b64.EncodedLen(n)+1)
	out = append(out, pre...)
	out = b64.AppendEncode(out, raw)
	out = append(out, '~')
	return unsafeString(out)
}

func (k *DataKey) open(kind byte, sealed []byte) (string, bool) {
	if len(sealed) < ivSize {
		return "", false
	}
	iv := sealed[:ivSize]
	clear := make([]byte, len(sealed)-ivSize)
	k.ctr(clear, sealed[ivSize:], iv)
	var mac [sha256.Size]byte
	k.siv(kind, clear, &mac)
	if subtle.ConstantTimeCompare(iv, mac[:ivSize]) != 1 {
		return "", false
	}
	return unsafeString(clear), true
}

// unsafeString turns a byte slice nobody else holds into a string without a copy.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Keyring holds the data keys of one database: the active one seals, every one opens.
type Keyring struct {
	active *DataKey
	keys   map[int]*DataKey
}

// NewKeyring returns a keyring sealing with active and opening with any of keys.
func NewKeyring(active int, keys []*DataKey) (*Keyring, error) {
	r := &Keyring{keys: map[int]*DataKey{}}
	for _, k := range keys {
		r.keys[k.ID] = k
	}
	r.active = r.keys[active]
	if r.active == nil {
		return nil, fmt.Errorf("seal: active data key %d is not in the keyring", active)
	}
	return r, nil
}

// Active is the id of the data key new values are sealed with.
func (r *Keyring) Active() int { return r.active.ID }

// SealSecret seals a marked value whole; an empty value stays empty so "has no account"
// checks keep working, and a value that is already a token is left as it is.
func (r *Keyring) SealSecret(v string) string {
	if v == "" || isToken(v) {
		return v
	}
	return r.active.seal(KindSecret, v)
}

// isToken reports whether v is one whole token (of any key).
func isToken(v string) bool {
	return len(v) > 4 && v[0] == '~' && v[len(v)-1] == '~' && strings.IndexByte(v[1:len(v)-1], '~') < 0 &&
		(v[1] == KindID || v[1] == KindSecret)
}

// SealText replaces every resident ID number in s, alone or inside longer text (JSON, a note,
// a SQL literal), with its token. An ID number counts when it is 18 characters standing on
// their own (no letter or digit either side) and passes the GB 11643 checks, check digit
// included; a mistyped number that fails them is not recognised as one and stays as typed.
func (r *Keyring) SealText(s string) string {
	if len(s) < 18 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+18 <= len(s); {
		if !idcode.IDAt(s, i) {
			i++
			continue
		}
		if b.Len() == 0 && last == 0 {
			b.Grow(len(s) + 40)
		}
		b.WriteString(s[last:i])
		b.WriteString(r.active.seal(KindID, s[i:i+18]))
		last, i = i+18, i+18
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Open replaces every token in s with its clear value. Text that only looks like a token, or
// a token of a key this keyring does not hold, is left as it is.
func (r *Keyring) Open(s string) string {
	if strings.IndexByte(s, '~') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		t := strings.IndexByte(s[i:], '~')
		if t < 0 {
			break
		}
		start := i + t
		clear, end, ok := r.openAt(s, start)
		if !ok {
			i = start + 1
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(clear)
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// openAt opens the token starting at s[start] ('~'), returning the clear value and the index
// just past the token.
func (r *Keyring) openAt(s string, start int) (string, int, bool) {
	p := start + 1
	if p >= len(s) || (s[p] != KindID && s[p] != KindSecret) {
		return "", 0, false
	}
	kind := s[p]
	p++
	q := p
	for q < len(s) && s[q] >= '0' && s[q] <= '9' {
		q++
	}
	if q == p || q >= len(s) || s[q] != '.' {
		return "", 0, false
	}
	id, err := strconv.Atoi(s[p:q])
	if err != nil {
		return "", 0, false
	}
	end := strings.IndexByte(s[q+1:], '~')
	if end < 0 {
		return "", 0, false
	}
	end += q + 1
	k := r.keys[id]
	if k == nil {
		return "", 0, false
	}
	var buf [192]byte
	enc := s[q+1 : end]
	if b64.DecodedLen(len(enc)) > len(buf) {
		return "", 0, false // longer than any identifier we seal
	}
	n, err := b64.Decode(buf[:], []byte(enc))
	if err != nil {
		return "", 0, false
	}
	clear, ok := k.open(kind, buf[:n])
	if !ok {
		return "", 0, false
	}
	return clear, end + 1, true
}

// KeyID returns the data key a whole token was sealed with, or 0 when v is not one.
func KeyID(v string) int {
	if !isToken(v) {
		return 0
	}
	dot := strings.IndexByte(v, '.')
	if dot < 0 {
		return 0
	}
	id, _ := strconv.Atoi(v[2:dot])
	return id
}

// Reseal opens every token in s and seals the clear text again with the active key: how a
// data-key rotation moves stored values to the new key, and how clear values left from before
// encryption (an upgraded database) get sealed. secret says the whole value is a marked one.
func (r *Keyring) Reseal(s string, secret bool) string {
	clear := r.Open(s)
	if secret {
		return r.SealSecret(clear)
	}
	return r.SealText(clear)
}

// ErrWrongKEK is returned when the key-encryption key does not open a wrapped data key.
var ErrWrongKEK = errors.New("seal: the key-encryption key does not open the data keys (wrong WIIS_KEK or key file?)")
