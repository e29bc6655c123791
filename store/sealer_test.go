package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"strings"
	"testing"
)

func randomKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// legacySeal is the format before key ids: nonce | ciphertext, label as AD.
func legacySeal(t *testing.T, key []byte, plaintext, label string) []byte {
	block, _ := aes.NewCipher(key)
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, []byte(plaintext), []byte(label))
}

func TestSealedValuesNameTheirKey(t *testing.T) {
	t.Parallel()
	k1 := randomKey(t)
	s, err := NewSealer(k1)
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.Seal("client-secret", "client:acme")
	id := sealKeyID(k1)
	if !bytes.HasPrefix(sealed, append([]byte("MVS1"), id[:]...)) {
		t.Fatalf("sealed value does not start with the header and key id %s", SealKeyID(k1))
	}
	if got, err := s.Open(sealed, "client:acme"); err != nil || got != "client-secret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := s.Open(sealed, "client:other"); err == nil {
		t.Fatal("a value opened under another label")
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := s.Open(tampered, "client:acme"); err == nil {
		t.Fatal("a tampered value opened")
	}
	swapped := bytes.Clone(sealed)
	swapped[5] ^= 1 // another key id
	if _, err := s.Open(swapped, "client:acme"); err == nil {
		t.Fatal("a value with an altered key id opened")
	}
}

func TestRotationOpensOldValuesAndSealsWithTheNewKey(t *testing.T) {
	t.Parallel()
	oldKey, newKey := randomKey(t), randomKey(t)
	before, _ := NewSealer(oldKey)
	sealedOld := before.Seal("s3cret", "webhook:acme")
	legacy := legacySeal(t, oldKey, "legacy", "webhook:acme")

	// The new key alone cannot open them, and says what to do.
	alone, _ := NewSealer(newKey)
	_, err := alone.Open(sealedOld, "webhook:acme")
	if err == nil || !strings.Contains(err.Error(), SealKeyID(oldKey)) || !strings.Contains(err.Error(), EnvPreviousKeys) {
		t.Fatalf("error should name the old key id and %s: %v", EnvPreviousKeys, err)
	}
	if _, err := alone.Open(legacy, "webhook:acme"); err == nil || !strings.Contains(err.Error(), EnvPreviousKeys) {
		t.Fatalf("legacy value: %v", err)
	}

	rotated, err := NewSealer(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string][]byte{"keyed": sealedOld, "legacy": legacy} {
		pt, current, err := rotated.open(v, "webhook:acme")
		if err != nil || current {
			t.Fatalf("%s: open = %q current=%v err=%v; want the plaintext, not current", name, pt, current, err)
		}
	}
	fresh := rotated.Seal("s3cret", "webhook:acme")
	if _, current, err := rotated.open(fresh, "webhook:acme"); err != nil || !current {
		t.Fatalf("a fresh value is sealed with the current key: current=%v err=%v", current, err)
	}
	if rotated.CurrentKeyID() != SealKeyID(newKey) {
		t.Fatal("the current key is the first one")
	}
}

func TestParsePreviousKeys(t *testing.T) {
	t.Parallel()
	keys, err := ParsePreviousKeys(" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= , ")
	if err != nil || len(keys) != 1 {
		t.Fatalf("ParsePreviousKeys = %d keys, %v", len(keys), err)
	}
	if _, err := ParsePreviousKeys("c2hvcnQ="); err == nil || !strings.Contains(err.Error(), EnvPreviousKeys) {
		t.Fatalf("a short key must be refused naming the variable: %v", err)
	}
}

func TestRedactWebhookBody(t *testing.T) {
	t.Parallel()
	body := []byte(`{"event":"recording.completed","download_token":"dl-tok-123456",
		"payload":{"object":{"topic":"Q3","password":"pw123","recording_files":[
		{"id":"f1","download_url":"https://zoom.us/rec/download/abc?access_token=at-98765"}]}}}`)
	out, changed := RedactWebhookBody(body)
	if !changed {
		t.Fatal("tokens not found")
	}
	for _, s := range []string{"dl-tok-123456", "pw123", "at-98765"} {
		if bytes.Contains(out, []byte(s)) {
			t.Fatalf("redacted body still holds %q: %s", s, out)
		}
	}
	for _, s := range []string{`"topic":"Q3"`, `"id":"f1"`, "https://zoom.us/rec/download/abc"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Fatalf("redacted body lost %q: %s", s, out)
		}
	}
	if again, changed := RedactWebhookBody(out); changed || !bytes.Equal(again, out) {
		t.Fatal("redacting twice changes the body")
	}
	if out, _ := RedactWebhookBody([]byte("not json")); string(out) != "null" {
		t.Fatalf("a body that is not JSON is not kept: %s", out)
	}
}
