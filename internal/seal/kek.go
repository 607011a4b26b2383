package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// KEK is the key-encryption key: it wraps the data keys stored in the database and is itself
// never stored there, so a copy of the database (or of a backup) alone reveals nothing.
type KEK struct {
	aead   cipher.AEAD
	Source string // where it came from, for `wiis keys status`
}

// ParseKEK reads a KEK written as base64 (standard or URL alphabet) of 32 bytes.
func ParseKEK(text, source string) (*KEK, error) {
	text = strings.TrimSpace(text)
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(text); err == nil {
			break
		}
	}
	if err != nil || len(raw) != 32 {
		return nil, fmt.Errorf("seal: %s: a key-encryption key is 32 bytes written in base64 (e.g. `openssl rand -base64 32`)", source)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &KEK{aead: aead, Source: source}, nil
}

// NewKEKText returns a fresh random KEK in the form ParseKEK reads.
func NewKEKText() string {
	raw := make([]byte, 32)
	rand.Read(raw)
	return base64.StdEncoding.EncodeToString(raw)
}

// NewDataKeyBytes returns a fresh random data key.
func NewDataKeyBytes() []byte {
	raw := make([]byte, DataKeySize)
	rand.Read(raw)
	return raw
}

func kekAAD(id int) []byte { return []byte("wiis data key " + strconv.Itoa(id)) }

// Wrap encrypts data key id under the KEK (AES-256-GCM, the key id as associated data so a
// wrapped key cannot be moved to another id).
func (k *KEK) Wrap(id int, dataKey []byte) []byte {
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, dataKey, kekAAD(id))
}

// Unwrap opens a data key wrapped by Wrap.
func (k *KEK) Unwrap(id int, wrapped []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(wrapped) < n {
		return nil, ErrWrongKEK
	}
	raw, err := k.aead.Open(nil, wrapped[:n], wrapped[n:], kekAAD(id))
	if err != nil {
		return nil, ErrWrongKEK
	}
	return raw, nil
}

// Environment variables naming the KEK.
const (
	EnvKEK     = "WIIS_KEK"      // the key itself, base64
	EnvKeyFile = "WIIS_KEY_FILE" // a file holding it
)

// LoadKEK finds the KEK: WIIS_KEK, else the file WIIS_KEY_FILE names, else defaultFile. When
// only the default file is in play and it does not exist, it is created with a fresh key,
// readable by the service user only: an embedded installation then encrypts from its first
// start without a setup step. A file named explicitly must exist.
func LoadKEK(defaultFile string) (*KEK, error) {
	if v := os.Getenv(EnvKEK); v != "" {
		return ParseKEK(v, EnvKEK)
	}
	if f := os.Getenv(EnvKeyFile); f != "" {
		return readKEKFile(f)
	}
	if defaultFile == "" {
		return nil, errors.New("seal: no key-encryption key: set " + EnvKEK + " or " + EnvKeyFile)
	}
	k, err := readKEKFile(defaultFile)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(filepath.Dir(defaultFile), 0o700); err != nil {
		return nil, fmt.Errorf("seal: create key directory: %w", err)
	}
	// Written aside and linked into place, so a process starting at the same moment either
	// finds no file or a whole one, never a half-written key.
	tmp, err := os.CreateTemp(filepath.Dir(defaultFile), ".kek-*")
	if err != nil {
		return nil, fmt.Errorf("seal: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(NewKEKText() + "\n")
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o600)
	}
	if werr != nil {
		return nil, fmt.Errorf("seal: write key file: %w", werr)
	}
	if err := os.Link(tmp.Name(), defaultFile); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("seal: create key file: %w", err)
	}
	return readKEKFile(defaultFile)
}

// LoadKEKFile reads a KEK from a file (the new key of a rotation).
func LoadKEKFile(path string) (*KEK, error) { return readKEKFile(path) }

func readKEKFile(path string) (*KEK, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seal: key file: %w", err)
	}
	return ParseKEK(string(b), path)
}
