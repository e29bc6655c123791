package botprovider

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook header names (Standard Webhooks). Workspaces created before
// November 2025 send the svix-* names instead; VerifyWebhook accepts both.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
	HeaderSvixID           = "svix-id"
	HeaderSvixTimestamp    = "svix-timestamp"
	HeaderSvixSignature    = "svix-signature"
)

// WebhookTolerance is how far webhook-timestamp may be from now, either way.
const WebhookTolerance = 5 * time.Minute

// webhookSecretPrefix precedes the base64 key in a signing secret.
const webhookSecretPrefix = "whsec_"

// Webhook verification failures; VerifyWebhook wraps exactly one of them, so
// test with errors.Is. Answer ErrWebhookBadSecret with 500 (our
// configuration is wrong) and the others with 401/400.
var (
	ErrWebhookBadSecret     = errors.New("botprovider webhook: signing secret is empty or not whsec_<base64>: copy it from the provider's webhook dashboard / Developer page")
	ErrWebhookMissingHeader = errors.New("botprovider webhook: missing webhook-id/-timestamp/-signature (or svix-*) header: is this request from the provider?")
	ErrWebhookBadTimestamp  = errors.New("botprovider webhook: timestamp header is not Unix seconds")
	ErrWebhookStale         = errors.New("botprovider webhook: timestamp is more than 5 minutes from now (replayed request or clock skew)")
	ErrWebhookBadSignature  = errors.New("botprovider webhook: no v1 signature matches (wrong secret, or the body was altered before verification)")
)

// VerifyWebhook checks a Standard Webhooks / Svix signed request. The key is
// the base64 decoding of secret after its "whsec_" prefix; a valid signature
// is "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")) over the raw
// body bytes. The signature header may list several space-separated
// signatures (key rotation): any v1 match passes and other versions are
// ignored. Comparison is constant-time, and a timestamp more than
// WebhookTolerance before or after now is rejected.
func VerifyWebhook(secret string, header http.Header, body []byte, now time.Time) error {
	key, err := webhookKey(secret)
	if err != nil {
		return err
	}
	id, ts, sigs, err := webhookHeaders(header)
	if err != nil {
		return err
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrWebhookBadTimestamp, ts)
	}
	sent := time.Unix(secs, 0)
	switch {
	case now.Sub(sent) > WebhookTolerance:
		return fmt.Errorf("%w: sent %s, now %s (too old)", ErrWebhookStale, sent.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case sent.Sub(now) > WebhookTolerance:
		return fmt.Errorf("%w: sent %s, now %s (in the future)", ErrWebhookStale, sent.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	want := webhookMAC(key, id, ts, body)
	for _, entry := range strings.Split(sigs, " ") {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrWebhookBadSignature
}

// SignWebhook returns the signature header value ("v1,<base64>") a provider
// would send; it is meant for tests of webhook receivers.
func SignWebhook(secret, id string, timestamp time.Time, body []byte) (string, error) {
	key, err := webhookKey(secret)
	if err != nil {
		return "", err
	}
	mac := webhookMAC(key, id, strconv.FormatInt(timestamp.Unix(), 10), body)
	return "v1," + base64.StdEncoding.EncodeToString(mac), nil
}

func webhookKey(secret string) ([]byte, error) {
	s := strings.TrimPrefix(strings.TrimSpace(secret), webhookSecretPrefix)
	if s == "" {
		return nil, ErrWebhookBadSecret
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if key, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			return nil, ErrWebhookBadSecret
		}
	}
	if len(key) == 0 {
		return nil, ErrWebhookBadSecret
	}
	return key, nil
}

// webhookHeaders picks the webhook-* set if any of its headers is present,
// otherwise the svix-* set, and requires all three of the chosen set.
func webhookHeaders(h http.Header) (id, ts, sigs string, err error) {
	names := [3]string{HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature}
	if h.Get(names[0]) == "" && h.Get(names[1]) == "" && h.Get(names[2]) == "" {
		names = [3]string{HeaderSvixID, HeaderSvixTimestamp, HeaderSvixSignature}
	}
	vals := [3]string{}
	for i, n := range names {
		vals[i] = strings.TrimSpace(h.Get(n))
		if vals[i] == "" {
			return "", "", "", fmt.Errorf("%w: %s is absent", ErrWebhookMissingHeader, n)
		}
	}
	return vals[0], vals[1], vals[2], nil
}

func webhookMAC(key []byte, id, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}
