package codec

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

func mustCodec(t *testing.T, keys map[string][]byte, current string) *Codec {
	t.Helper()
	ring, err := NewKeyring(keys, current)
	require.NoError(t, err)
	c, err := New(ring)
	require.NoError(t, err)
	return c
}

type meeting struct {
	Topic    string
	Email    string
	Passcode string
}

var secretMeeting = meeting{Topic: "Board: acquisition of Initech", Email: "ceo@acme.example", Passcode: "k3yP4ss"}

func TestRoundTripHidesEverything(t *testing.T) {
	t.Parallel()
	dc := DataConverter(mustCodec(t, map[string][]byte{"k1": newKey(t)}, "k1"))
	p, err := dc.ToPayload(secretMeeting)
	require.NoError(t, err)
	require.Equal(t, Encoding, string(p.Metadata[converter.MetadataEncoding]))
	require.Equal(t, "k1", string(p.Metadata[MetadataKeyID]))
	raw, err := p.Marshal()
	require.NoError(t, err)
	for _, s := range []string{secretMeeting.Topic, secretMeeting.Email, secretMeeting.Passcode, "json/plain"} {
		require.NotContains(t, string(raw), s, "encrypted payload shows %q", s)
	}
	var back meeting
	require.NoError(t, dc.FromPayload(p, &back))
	require.Equal(t, secretMeeting, back)
}

func TestEncryptionIsRandomised(t *testing.T) {
	t.Parallel()
	dc := DataConverter(mustCodec(t, map[string][]byte{"k1": newKey(t)}, "k1"))
	a, err := dc.ToPayload("same")
	require.NoError(t, err)
	b, err := dc.ToPayload("same")
	require.NoError(t, err)
	require.NotEqual(t, a.Data, b.Data, "two encryptions of one value must differ (fresh nonce)")
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	k1, k2 := newKey(t), newKey(t)
	old := DataConverter(mustCodec(t, map[string][]byte{"k1": k1}, "k1"))
	sealedOld, err := old.ToPayload(secretMeeting)
	require.NoError(t, err)

	rotated := DataConverter(mustCodec(t, map[string][]byte{"k1": k1, "k2": k2}, "k2"))
	var back meeting
	require.NoError(t, rotated.FromPayload(sealedOld, &back), "a payload sealed with the previous key still decrypts")
	require.Equal(t, secretMeeting, back)

	sealedNew, err := rotated.ToPayload(secretMeeting)
	require.NoError(t, err)
	require.Equal(t, "k2", string(sealedNew.Metadata[MetadataKeyID]), "new payloads use the current key")

	// Once k1 is retired only k2's payloads decrypt.
	retired := DataConverter(mustCodec(t, map[string][]byte{"k2": k2}, "k2"))
	require.NoError(t, retired.FromPayload(sealedNew, &back))
	err = retired.FromPayload(sealedOld, &back)
	require.ErrorIs(t, err, ErrUnknownKey)
	require.Contains(t, err.Error(), `"k1"`)
}

func TestTamperDetection(t *testing.T) {
	t.Parallel()
	k1, k2 := newKey(t), newKey(t)
	c := mustCodec(t, map[string][]byte{"k1": k1, "k2": k2}, "k1")
	dc := DataConverter(c)
	good, err := dc.ToPayload(secretMeeting)
	require.NoError(t, err)

	cases := map[string]func(p *commonpb.Payload){
		"flipped ciphertext byte": func(p *commonpb.Payload) { p.Data[len(p.Data)-5] ^= 0x01 },
		"flipped nonce byte":      func(p *commonpb.Payload) { p.Data[0] ^= 0x80 },
		"truncated":               func(p *commonpb.Payload) { p.Data = p.Data[:20] },
		"empty":                   func(p *commonpb.Payload) { p.Data = nil },
		"key id swapped":          func(p *commonpb.Payload) { p.Metadata[MetadataKeyID] = []byte("k2") },
		"other cipher":            func(p *commonpb.Payload) { p.Metadata[MetadataCipher] = []byte("ROT13") },
	}
	for name, mutate := range cases {
		p := &commonpb.Payload{Metadata: map[string][]byte{}, Data: bytes.Clone(good.Data)}
		for k, v := range good.Metadata {
			p.Metadata[k] = bytes.Clone(v)
		}
		mutate(p)
		_, err := c.Decode([]*commonpb.Payload{p})
		require.Error(t, err, name)
		require.NotContains(t, err.Error(), base64.StdEncoding.EncodeToString(k1), name)
	}
	// The untouched payload still decodes.
	_, err = c.Decode([]*commonpb.Payload{good})
	require.NoError(t, err)
}

func TestUnknownKeyID(t *testing.T) {
	t.Parallel()
	a := mustCodec(t, map[string][]byte{"prod-2026": newKey(t)}, "prod-2026")
	b := mustCodec(t, map[string][]byte{"other": newKey(t)}, "other")
	enc, err := a.Encode([]*commonpb.Payload{{Data: []byte(`"x"`)}})
	require.NoError(t, err)
	_, err = b.Decode(enc)
	require.True(t, errors.Is(err, ErrUnknownKey))
	require.Contains(t, err.Error(), `"prod-2026"`)
	require.Contains(t, err.Error(), EnvKeys, "the error says where to add the key")
}

func TestPlainPayloadsPassThrough(t *testing.T) {
	t.Parallel()
	c := mustCodec(t, map[string][]byte{"k1": newKey(t)}, "k1")
	plain, err := converter.GetDefaultDataConverter().ToPayload("written before the codec")
	require.NoError(t, err)
	out, err := c.Decode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.Same(t, plain, out[0])
}

func TestParseKeys(t *testing.T) {
	t.Parallel()
	k := base64.StdEncoding.EncodeToString(make([]byte, 32))
	keys, err := ParseKeys("test", "# comment\na:"+k+", b:"+k+"\n\n")
	require.NoError(t, err)
	require.Len(t, keys, 2)

	for name, text := range map[string]string{
		"no colon":  k,
		"short key": "a:" + base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"bad b64":   "a:!!!",
		"bad id":    "a b:" + k,
		"duplicate": "a:" + k + ",a:" + k,
	} {
		_, err := ParseKeys("MEETVAULT_CODEC_KEYS", text)
		require.Error(t, err, name)
		require.Contains(t, err.Error(), "MEETVAULT_CODEC_KEYS", name)
		require.NotContains(t, err.Error(), k, "%s: key material in the error", name)
	}
}

func TestFromLookup(t *testing.T) {
	t.Parallel()
	k1 := base64.StdEncoding.EncodeToString(newKey(t))
	k2 := base64.StdEncoding.EncodeToString(newKey(t))
	file := filepath.Join(t.TempDir(), "codec.keys")
	require.NoError(t, os.WriteFile(file, []byte("# old key\nold:"+k1+"\n"), 0o600))

	c, err := FromLookup(LookupEnviron(nil))
	require.NoError(t, err)
	require.Nil(t, c, "no keys: no codec")

	c, err = FromLookup(LookupEnviron([]string{EnvKeys + "=only:" + k1}))
	require.NoError(t, err)
	require.Equal(t, "only", c.Keyring().Current(), "a single key is the current one")

	c, err = FromLookup(LookupEnviron([]string{EnvKeyFile + "=" + file, EnvKeys + "=new:" + k2, EnvCurrentKeyID + "=new"}))
	require.NoError(t, err)
	require.Equal(t, []string{"new", "old"}, c.Keyring().IDs())
	require.Equal(t, "new", c.Keyring().Current())

	for name, vars := range map[string][]string{
		"two keys, no current": {EnvKeys + "=a:" + k1 + ",b:" + k2},
		"current unknown":      {EnvKeys + "=a:" + k1, EnvCurrentKeyID + "=b"},
		"current without keys": {EnvCurrentKeyID + "=b"},
		"missing file":         {EnvKeyFile + "=/nonexistent/codec.keys"},
		"same id twice":        {EnvKeyFile + "=" + file, EnvKeys + "=old:" + k2},
	} {
		_, err := FromLookup(LookupEnviron(vars))
		require.Error(t, err, name)
		require.True(t, strings.HasPrefix(err.Error(), "config: "), "%s: %v", name, err)
		require.Contains(t, err.Error(), "MEETVAULT_CODEC_", name)
	}
}

func TestWithoutKeysEncryptedPayloadsExplainThemselves(t *testing.T) {
	t.Parallel()
	enc := DataConverter(mustCodec(t, map[string][]byte{"prod": newKey(t)}, "prod"))
	p, err := enc.ToPayload(secretMeeting)
	require.NoError(t, err)
	none := DataConverter(nil)
	var m meeting
	err = none.FromPayload(p, &m)
	require.ErrorContains(t, err, EnvKeys)
	require.ErrorContains(t, err, `"prod"`)
	plain, err := none.ToPayload(secretMeeting)
	require.NoError(t, err)
	require.Equal(t, "json/plain", string(plain.Metadata[converter.MetadataEncoding]), "no keys: nothing is encrypted")
	require.NoError(t, none.FromPayload(plain, &m))
	require.Equal(t, secretMeeting, m)
}
