package codec

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

var fuzzKey = bytes.Repeat([]byte{7}, 32)

// FuzzDecode hands the codec payloads as an attacker with write access to
// the Temporal database could shape them, and flips bits of genuine ones.
// Properties: no panic; an encrypted payload altered anywhere does not
// decrypt; an unaltered one decrypts to its original.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("k1"), []byte(`"meeting"`), []byte{}, uint16(0), true)
	f.Add([]byte("k1"), []byte(`{"topic":"x"}`), []byte{1}, uint16(3), true)
	f.Add([]byte("nope"), []byte("garbage"), []byte{0xff, 0}, uint16(40), false)
	f.Fuzz(func(t *testing.T, keyID, data, mask []byte, at uint16, genuine bool) {
		ring, err := NewKeyring(map[string][]byte{"k1": fuzzKey}, "k1")
		if err != nil {
			t.Fatal(err)
		}
		c, err := New(ring)
		if err != nil {
			t.Fatal(err)
		}
		if !genuine {
			p := &commonpb.Payload{Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding), MetadataKeyID: keyID}, Data: data}
			_, _ = c.Decode([]*commonpb.Payload{p})
			return
		}
		orig := &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte("json/plain")}, Data: data}
		enc, err := c.Encode([]*commonpb.Payload{orig})
		if err != nil {
			t.Fatal(err)
		}
		altered := bytes.Clone(enc[0].Data)
		changed := false
		for i, m := range mask {
			j := (int(at) + i) % len(altered)
			altered[j] ^= m
			changed = changed || m != 0
		}
		p := &commonpb.Payload{Metadata: enc[0].Metadata, Data: altered}
		dec, err := c.Decode([]*commonpb.Payload{p})
		if changed && !bytes.Equal(altered, enc[0].Data) {
			if err == nil {
				t.Fatalf("an altered payload decrypted")
			}
			return
		}
		if err != nil {
			t.Fatalf("a genuine payload does not decrypt: %v", err)
		}
		if !bytes.Equal(dec[0].Data, data) {
			t.Fatal("round trip changed the data")
		}
	})
}

// FuzzKeyConfig: whatever is written in MEETVAULT_CODEC_KEYS, no error
// repeats a key.
func FuzzKeyConfig(f *testing.F) {
	k := base64.StdEncoding.EncodeToString(fuzzKey)
	f.Add("a:" + k)
	f.Add("a:" + k + ",a:" + k)
	f.Add("a " + k)
	f.Add("a:" + k[:20])
	f.Fuzz(func(t *testing.T, spec string) {
		_, err := FromLookup(LookupEnviron([]string{EnvKeys + "=" + spec}))
		if err == nil {
			return
		}
		for _, entry := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == '\n' }) {
			_, key, ok := strings.Cut(entry, ":")
			key = strings.TrimSpace(key)
			if ok && len(key) >= 16 && strings.Contains(err.Error(), key) {
				t.Fatalf("error repeats key material: %v", err)
			}
		}
	})
}
