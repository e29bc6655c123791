package zoom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook header names.
const (
	HeaderWebhookSignature = "x-zm-signature"
	HeaderWebhookTimestamp = "x-zm-request-timestamp"
)

// WebhookMaxSkew is how far the request timestamp may be from now.
const WebhookMaxSkew = 5 * time.Minute

// Webhook verification failures; VerifyWebhook wraps one of them, so test
// with errors.Is. All of them should be answered with 401.
var (
	ErrWebhookNoSecret      = errors.New("zoom webhook: no secret token configured for this app: set the app's Secret Token from the Zoom App Marketplace › Feature › Event Subscriptions")
	ErrWebhookMissingHeader = errors.New("zoom webhook: missing or malformed x-zm-signature / x-zm-request-timestamp header")
	ErrWebhookBadSignature  = errors.New("zoom webhook: signature does not match (wrong secret token, or the body was altered before verification)")
	ErrWebhookStale         = errors.New("zoom webhook: request timestamp is more than 5 minutes from now (replayed request or clock skew)")
)

// VerifyWebhook checks a Zoom webhook request: x-zm-signature must be
// "v0=" + hex(HMAC-SHA256(secretToken, "v0:{x-zm-request-timestamp}:{body}"))
// over the raw body bytes, and the timestamp (Unix seconds) must be within
// 5 minutes of now. The signature is compared in constant time.
func VerifyWebhook(secretToken string, header http.Header, body []byte, now time.Time) error {
	if secretToken == "" {
		return ErrWebhookNoSecret
	}
	sig := strings.TrimSpace(header.Get(HeaderWebhookSignature))
	ts := strings.TrimSpace(header.Get(HeaderWebhookTimestamp))
	switch {
	case sig == "" && ts == "":
		return fmt.Errorf("%w: neither header is present (is this request from Zoom?)", ErrWebhookMissingHeader)
	case sig == "":
		return fmt.Errorf("%w: %s is absent", ErrWebhookMissingHeader, HeaderWebhookSignature)
	case ts == "":
		return fmt.Errorf("%w: %s is absent", ErrWebhookMissingHeader, HeaderWebhookTimestamp)
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s %q is not Unix seconds", ErrWebhookMissingHeader, HeaderWebhookTimestamp, ts)
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return fmt.Errorf("%w: %s does not start with \"v0=\"", ErrWebhookBadSignature, HeaderWebhookSignature)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return fmt.Errorf("%w: %s is not hex", ErrWebhookBadSignature, HeaderWebhookSignature)
	}
	if !hmac.Equal(got, webhookMAC(secretToken, ts, body)) {
		return ErrWebhookBadSignature
	}
	skew := now.Sub(time.Unix(secs, 0))
	if skew > WebhookMaxSkew || skew < -WebhookMaxSkew {
		return fmt.Errorf("%w: timestamp %s, now %s", ErrWebhookStale,
			time.Unix(secs, 0).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// WebhookSignature returns the x-zm-signature value for body sent at
// timestamp (Unix seconds); useful to sign test requests.
func WebhookSignature(secretToken string, timestamp int64, body []byte) string {
	return "v0=" + hex.EncodeToString(webhookMAC(secretToken, strconv.FormatInt(timestamp, 10), body))
}

func webhookMAC(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	return m.Sum(nil)
}

// URLValidationResponse computes the answer to an endpoint.url_validation
// event: hex(HMAC-SHA256(secretToken, plainToken)).
func URLValidationResponse(secretToken, plainToken string) (encryptedToken string) {
	m := hmac.New(sha256.New, []byte(secretToken))
	m.Write([]byte(plainToken))
	return hex.EncodeToString(m.Sum(nil))
}
