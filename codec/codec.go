package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	// Encoding is the metadata "encoding" of an encrypted payload.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key that encrypted the payload.
	MetadataKeyID = "encryption-key-id"
	// MetadataCipher names the cipher, so a future one can be told apart.
	MetadataCipher = "encryption-cipher"
	cipherName     = "AES-256-GCM"
)

// ErrUnknownKey is wrapped by Decode's error for a payload sealed with a key
// the keyring does not hold.
var ErrUnknownKey = errors.New("codec: unknown key id")

// Codec is a converter.PayloadCodec encrypting with AES-256-GCM. The whole
// original payload (metadata and data) is marshalled and sealed, so even its
// encoding ("json/plain", …) is hidden; the key id is bound to the
// ciphertext as additional data, so swapping it makes decryption fail.
type Codec struct {
	ring  *Keyring
	aeads map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New builds the codec over a keyring.
func New(ring *Keyring) (*Codec, error) {
	c := &Codec{ring: ring, aeads: map[string]cipher.AEAD{}}
	for id, key := range ring.keys {
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("codec: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("codec: key %q: %w", id, err)
		}
		c.aeads[id] = aead
	}
	return c, nil
}

// Keyring is the codec's keyring.
func (c *Codec) Keyring() *Keyring { return c.ring }

func additionalData(keyID string) []byte { return []byte("meetvault-codec-v1:" + keyID) }

// Encode encrypts every payload with the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	id := c.ring.current
	aead := c.aeads[id]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("codec: marshalling payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("codec: random nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(id),
				MetadataCipher:             []byte(cipherName),
			},
			Data: aead.Seal(nonce, nonce, plain, additionalData(id)),
		}
	}
	return out, nil
}

// Decode decrypts the payloads this codec encrypted, with whichever known
// key sealed each; other payloads are returned unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		d, err := c.decodeOne(p)
		if err != nil {
			return payloads, err
		}
		out[i] = d
	}
	return out, nil
}

func (c *Codec) decodeOne(p *commonpb.Payload) (*commonpb.Payload, error) {
	id := string(p.Metadata[MetadataKeyID])
	if ciph := string(p.Metadata[MetadataCipher]); ciph != "" && ciph != cipherName {
		return nil, fmt.Errorf("codec: payload encrypted with %q, this codec knows %s", ciph, cipherName)
	}
	aead, ok := c.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %v): add that key back to MEETVAULT_CODEC_KEYS or MEETVAULT_CODEC_KEY_FILE; keys must stay until no retained history uses them",
			ErrUnknownKey, id, c.ring.IDs())
	}
	n := aead.NonceSize()
	if len(p.Data) < n+aead.Overhead() {
		return nil, fmt.Errorf("codec: encrypted payload (key %q) is too short: it was truncated or altered", id)
	}
	plain, err := aead.Open(nil, p.Data[:n], p.Data[n:], additionalData(id))
	if err != nil {
		return nil, fmt.Errorf("codec: encrypted payload (key %q) does not authenticate: it was altered, or key %q is not the key that sealed it", id, id)
	}
	var orig commonpb.Payload
	if err := proto.Unmarshal(plain, &orig); err != nil {
		return nil, fmt.Errorf("codec: decrypted payload (key %q) is not a Temporal payload: %w", id, err)
	}
	return &orig, nil
}
