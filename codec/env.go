package codec

import (
	"fmt"
	"os"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// The environment variables this package reads.
const (
	EnvKeys         = "MEETVAULT_CODEC_KEYS"
	EnvKeyFile      = "MEETVAULT_CODEC_KEY_FILE"
	EnvCurrentKeyID = "MEETVAULT_CODEC_CURRENT_KEY_ID"
	EnvAuthToken    = "MEETVAULT_CODEC_AUTH_TOKEN"
	EnvCORSOrigins  = "MEETVAULT_CODEC_CORS_ORIGINS"
)

// Lookup reads one variable, like os.LookupEnv.
type Lookup func(name string) (string, bool)

// LookupEnviron reads variables from a NAME=value list (exec.Cmd.Env style);
// a later entry wins, as in a process environment.
func LookupEnviron(vars []string) Lookup {
	return func(name string) (string, bool) {
		var v string
		found := false
		for _, kv := range vars {
			if k, val, ok := strings.Cut(kv, "="); ok && k == name {
				v, found = val, true
			}
		}
		return v, found
	}
}

// FromLookup builds the codec the variables describe; nil (and no error)
// when neither MEETVAULT_CODEC_KEYS nor MEETVAULT_CODEC_KEY_FILE is set, which
// means payloads are not encrypted.
func FromLookup(lookup Lookup) (*Codec, error) {
	inline, _ := lookup(EnvKeys)
	file, _ := lookup(EnvKeyFile)
	current, _ := lookup(EnvCurrentKeyID)
	inline, file, current = strings.TrimSpace(inline), strings.TrimSpace(file), strings.TrimSpace(current)
	if inline == "" && file == "" {
		if current != "" {
			return nil, fmt.Errorf("config: %s=%q is set but no keys are: set %s or %s", EnvCurrentKeyID, current, EnvKeys, EnvKeyFile)
		}
		return nil, nil
	}
	keys := map[string][]byte{}
	if inline != "" {
		k, err := ParseKeys("config: "+EnvKeys, inline)
		if err != nil {
			return nil, err
		}
		keys = k
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("config: %s: %w", EnvKeyFile, err)
		}
		k, err := ParseKeys("config: "+EnvKeyFile+"="+file, string(b))
		if err != nil {
			return nil, err
		}
		for id, key := range k {
			if _, dup := keys[id]; dup {
				return nil, fmt.Errorf("config: key id %q is in both %s and %s: keep it in one", id, EnvKeys, EnvKeyFile)
			}
			keys[id] = key
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("config: %s / %s hold no key: add an entry id:base64key", EnvKeys, EnvKeyFile)
	}
	if current == "" {
		if len(keys) > 1 {
			return nil, fmt.Errorf("config: %s is empty but there are %d codec keys: name the one that encrypts", EnvCurrentKeyID, len(keys))
		}
		for id := range keys {
			current = id
		}
	}
	ring, err := NewKeyring(keys, current)
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", EnvCurrentKeyID, err)
	}
	return New(ring)
}

// FromEnv is FromLookup over the process environment.
func FromEnv() (*Codec, error) { return FromLookup(os.LookupEnv) }

// DataConverter wraps Temporal's default data converter with c. With a nil
// codec payloads are written unencrypted, and reading an encrypted one fails
// with an error saying which variables to set (rather than the SDK's
// "unsupported encoding").
func DataConverter(c *Codec) converter.DataConverter {
	if c == nil {
		return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), noKeys{})
	}
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// noKeys is the codec of a process without keys: it encrypts nothing and
// explains encrypted payloads it cannot read.
type noKeys struct{}

func (noKeys) Encode(p []*commonpb.Payload) ([]*commonpb.Payload, error) { return p, nil }

func (noKeys) Decode(p []*commonpb.Payload) ([]*commonpb.Payload, error) {
	for _, x := range p {
		if string(x.GetMetadata()[converter.MetadataEncoding]) == Encoding {
			return p, fmt.Errorf("codec: payload encrypted with key %q but this process has no codec keys: set %s or %s (the worker's keys)",
				x.Metadata[MetadataKeyID], EnvKeys, EnvKeyFile)
		}
	}
	return p, nil
}

// DataConverterFromEnv is the data converter the environment asks for.
func DataConverterFromEnv() (converter.DataConverter, error) {
	c, err := FromEnv()
	if err != nil {
		return nil, err
	}
	return DataConverter(c), nil
}

// Apply sets opts' data converter and failure converter to c's. The failure
// converter moves error messages and stack traces into the encrypted
// attributes, since messages may name hosts ("host alice@… has local
// recording disabled"). A nil codec encrypts nothing; its converter only
// explains encrypted payloads it meets.
func Apply(opts *client.Options, c *Codec) {
	if c == nil {
		opts.DataConverter = DataConverter(nil)
		return
	}
	dc := DataConverter(c)
	opts.DataConverter = dc
	opts.FailureConverter = temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          dc,
		EncodeCommonAttributes: true,
	})
}

// ApplyFromEnv is Apply with the codec the process environment describes;
// it reports whether payloads will be encrypted. This is the one call each
// place that builds client.Options makes.
func ApplyFromEnv(opts *client.Options) (encrypted bool, err error) {
	return ApplyFromLookup(opts, os.LookupEnv)
}

// ApplyFromLookup is ApplyFromEnv over another source of variables (tests
// that start processes with their own environment).
func ApplyFromLookup(opts *client.Options, lookup Lookup) (bool, error) {
	c, err := FromLookup(lookup)
	if err != nil {
		return false, err
	}
	Apply(opts, c)
	return c != nil, nil
}
