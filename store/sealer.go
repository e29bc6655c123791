package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Sealer encrypts secrets at rest with AES-256-GCM.
//
// A sealed value names the key that sealed it:
//
//	"MVS1" | key id (8 bytes) | nonce (12) | ciphertext+tag
//
// where the key id is the first 8 bytes of SHA-256("meetvault-seal-key:" ‖
// key): it identifies a key without revealing it and needs no
// configuration of its own. The header and the caller's label are the
// additional data, so a value cannot be moved to another row or relabelled.
// Values written before key ids existed (nonce | ciphertext, label as the
// only additional data) still open; `starter admin reseal` rewrites them, and
// values sealed with a previous key, under the current key.
//
// Rotation: put the new key in MEETVAULT_SECRET_KEY and the old one in
// MEETVAULT_SECRET_PREVIOUS_KEYS, restart, run `starter admin reseal`, then
// drop the old key.
type Sealer struct {
	current sealKey
	keys    []sealKey // current first
}

type sealKey struct {
	id   [8]byte
	aead cipher.AEAD
}

var sealMagic = []byte("MVS1")

const sealHeaderLen = 4 + 8

// SealKeyID is the id a key's sealed values carry, in hex.
func SealKeyID(key []byte) string {
	id := sealKeyID(key)
	return hex.EncodeToString(id[:])
}

func sealKeyID(key []byte) (id [8]byte) {
	sum := sha256.Sum256(append([]byte("meetvault-seal-key:"), key...))
	copy(id[:], sum[:8])
	return id
}

// NewSealer builds a sealer that seals with key (32 bytes) and also opens
// values sealed with any of previous.
func NewSealer(key []byte, previous ...[]byte) (*Sealer, error) {
	s := &Sealer{}
	for i, k := range append([][]byte{key}, previous...) {
		if len(k) != 32 {
			return nil, fmt.Errorf("store: seal key %d must be 32 bytes, got %d", i, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		sk := sealKey{id: sealKeyID(k), aead: aead}
		if i > 0 && sk.id == s.current.id {
			continue // the current key listed among the previous ones
		}
		if i == 0 {
			s.current = sk
		}
		s.keys = append(s.keys, sk)
	}
	return s, nil
}

// CurrentKeyID is the hex id of the sealing key.
func (s *Sealer) CurrentKeyID() string { return hex.EncodeToString(s.current.id[:]) }

// Seal encrypts plaintext; label binds the ciphertext to its use (e.g. the tenant id).
func (s *Sealer) Seal(plaintext, label string) []byte {
	k := s.current
	out := make([]byte, 0, sealHeaderLen+k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	out = append(out, sealMagic...)
	out = append(out, k.id[:]...)
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	out = append(out, nonce...)
	return k.aead.Seal(out, nonce, []byte(plaintext), sealedAD(out[:sealHeaderLen], label))
}

func sealedAD(header []byte, label string) []byte {
	return append(bytes.Clone(header), label...)
}

// Open decrypts what Seal produced with the same label.
func (s *Sealer) Open(sealed []byte, label string) (string, error) {
	pt, _, err := s.open(sealed, label)
	return pt, err
}

// open also reports whether the value is sealed in the current format with
// the current key (false: it should be resealed).
func (s *Sealer) open(sealed []byte, label string) (string, bool, error) {
	if len(sealed) >= sealHeaderLen && bytes.Equal(sealed[:4], sealMagic) {
		var id [8]byte
		copy(id[:], sealed[4:sealHeaderLen])
		for _, k := range s.keys {
			if k.id != id {
				continue
			}
			n := k.aead.NonceSize()
			if len(sealed) < sealHeaderLen+n {
				break
			}
			body := sealed[sealHeaderLen:]
			if pt, err := k.aead.Open(nil, body[:n], body[n:], sealedAD(sealed[:sealHeaderLen], label)); err == nil {
				return string(pt), id == s.current.id, nil
			}
			break
		}
	}
	// A value from before key ids (or, with odds of 2^-32, one whose random
	// nonce starts like the header): try every key.
	for _, k := range s.keys {
		n := k.aead.NonceSize()
		if len(sealed) < n {
			break
		}
		if pt, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte(label)); err == nil {
			return string(pt), false, nil
		}
	}
	if len(sealed) >= sealHeaderLen && bytes.Equal(sealed[:4], sealMagic) {
		return "", false, fmt.Errorf("store: cannot unseal secret: it was sealed with key %s, which is neither MEETVAULT_SECRET_KEY (%s) nor in MEETVAULT_SECRET_PREVIOUS_KEYS",
			hex.EncodeToString(sealed[4:sealHeaderLen]), s.CurrentKeyID())
	}
	return "", false, errors.New("store: cannot unseal secret: MEETVAULT_SECRET_KEY differs from the key it was sealed with (set the old key in MEETVAULT_SECRET_PREVIOUS_KEYS and run starter admin reseal)")
}

// EnvPreviousKeys lists retired sealing keys that still open values.
const EnvPreviousKeys = "MEETVAULT_SECRET_PREVIOUS_KEYS"

// ParsePreviousKeys reads comma-separated base64 keys (32 bytes each).
func ParsePreviousKeys(spec string) ([][]byte, error) {
	var out [][]byte
	for i, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, err := base64.StdEncoding.DecodeString(item)
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("config: %s: entry %d must be base64 of exactly 32 bytes", EnvPreviousKeys, i+1)
		}
		out = append(out, k)
	}
	return out, nil
}

// PreviousKeysFromEnv is ParsePreviousKeys of MEETVAULT_SECRET_PREVIOUS_KEYS.
func PreviousKeysFromEnv() ([][]byte, error) { return ParsePreviousKeys(os.Getenv(EnvPreviousKeys)) }
