package seal

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
)

// Blob marks file content (a scanned ID card, a medical record) that the storage layer seals
// when it is written. Files are never looked up by content, so unlike identifiers they are
// sealed with a random nonce (AES-256-GCM): equal files do not give equal ciphertexts.
type Blob []byte

// blobMagic starts every sealed blob; a NUL first byte keeps it apart from any text.
var blobMagic = []byte("\x00wiis-blob1")

var blobAAD = []byte("wiis blob")

func (k *DataKey) gcm() cipher.AEAD {
	a, err := cipher.NewGCM(k.block)
	if err != nil {
		panic(err) // AES always has a 16-byte block, which is all GCM needs
	}
	return a
}

// SealBlob encrypts b under the active data key: magic ‖ key id ‖ nonce ‖ GCM(b). A blob
// already sealed is returned as it is.
func (r *Keyring) SealBlob(b []byte) []byte {
	if IsSealedBlob(b) {
		return b
	}
	a := r.active.gcm()
	out := make([]byte, 0, len(blobMagic)+4+a.NonceSize()+len(b)+a.Overhead())
	out = append(out, blobMagic...)
	out = binary.BigEndian.AppendUint32(out, uint32(r.active.ID))
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return a.Seal(out, nonce, b, blobAAD)
}

// IsSealedBlob reports whether b starts like a sealed blob.
func IsSealedBlob(b []byte) bool { return bytes.HasPrefix(b, blobMagic) }

// OpenBlob decrypts a blob sealed by SealBlob; ok is false when b is not one or does not
// open (altered, or sealed under a key this keyring lacks).
func (r *Keyring) OpenBlob(b []byte) (clear []byte, ok bool) {
	if !IsSealedBlob(b) || len(b) < len(blobMagic)+4 {
		return nil, false
	}
	p := b[len(blobMagic):]
	k := r.keys[int(binary.BigEndian.Uint32(p))]
	if k == nil {
		return nil, false
	}
	a := k.gcm()
	p = p[4:]
	if len(p) < a.NonceSize() {
		return nil, false
	}
	clear, err := a.Open(nil, p[:a.NonceSize()], p[a.NonceSize():], blobAAD)
	if err != nil {
		return nil, false
	}
	if clear == nil {
		clear = []byte{}
	}
	return clear, true
}
