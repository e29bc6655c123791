package codec

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Keyring holds the codec's keys by id and the id that encrypts.
type Keyring struct {
	keys    map[string][]byte
	current string
}

// keyIDPattern keeps ids printable and short: they are stored in every
// payload's metadata.
var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// NewKeyring builds a keyring from id → 32-byte key; current names the key
// that encrypts and must be one of them.
func NewKeyring(keys map[string][]byte, current string) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("codec: no keys")
	}
	k := &Keyring{keys: map[string][]byte{}, current: current}
	for id, key := range keys {
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("codec: key id %q: use 1 to 64 letters, digits, '.', '_' or '-'", id)
		}
		if len(key) != 32 {
			return nil, fmt.Errorf("codec: key %q is %d bytes: AES-256 needs 32 (head -c32 /dev/urandom | base64)", id, len(key))
		}
		k.keys[id] = slices.Clone(key)
	}
	if _, ok := k.keys[current]; !ok {
		return nil, fmt.Errorf("codec: current key id %q is not among the keys (%s)", current, strings.Join(k.IDs(), ", "))
	}
	return k, nil
}

// Current is the id of the key that encrypts.
func (k *Keyring) Current() string { return k.current }

// IDs lists the known key ids, sorted.
func (k *Keyring) IDs() []string {
	ids := make([]string, 0, len(k.keys))
	for id := range k.keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// ParseKeys reads "id:base64key" entries separated by commas or newlines;
// blank entries and lines starting with # are skipped. source names where
// the text came from, for errors (never the key material itself).
func ParseKeys(source, text string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, entry := range strings.Split(line, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			id, b64, ok := strings.Cut(entry, ":")
			id = strings.TrimSpace(id)
			if !ok || id == "" {
				return nil, fmt.Errorf("%s: an entry is not id:base64key (generate a key with: head -c32 /dev/urandom | base64)", source)
			}
			if !keyIDPattern.MatchString(id) {
				return nil, fmt.Errorf("%s: key id %q: use 1 to 64 letters, digits, '.', '_' or '-'", source, id)
			}
			key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
			if err != nil || len(key) != 32 {
				return nil, fmt.Errorf("%s: key %q must be base64 of exactly 32 bytes (head -c32 /dev/urandom | base64)", source, id)
			}
			if _, dup := out[id]; dup {
				return nil, fmt.Errorf("%s: key id %q is listed twice", source, id)
			}
			out[id] = key
		}
	}
	return out, nil
}
