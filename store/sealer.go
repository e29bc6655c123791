package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Sealer encrypts secrets at rest with AES-256-GCM (nonce prepended).
type Sealer struct{ aead cipher.AEAD }

// NewSealer builds a sealer from a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("store: seal key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext; label binds the ciphertext to its use (e.g. the tenant id).
func (s *Sealer) Seal(plaintext, label string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return s.aead.Seal(nonce, nonce, []byte(plaintext), []byte(label))
}

// Open decrypts what Seal produced with the same label.
func (s *Sealer) Open(sealed []byte, label string) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("store: sealed secret too short")
	}
	pt, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(label))
	if err != nil {
		return "", errors.New("store: cannot unseal secret: MEETVAULT_SECRET_KEY differs from the key it was sealed with")
	}
	return string(pt), nil
}
