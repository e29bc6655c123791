package botprovider

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// The Standard Webhooks / Svix published test vector.
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS     = "1614265330"
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var vecNow = time.Unix(1614265330, 0)

func headers(prefix, id, ts, sig string) http.Header {
	h := http.Header{}
	if id != "" {
		h.Set(prefix+"-id", id)
	}
	if ts != "" {
		h.Set(prefix+"-timestamp", ts)
	}
	if sig != "" {
		h.Set(prefix+"-signature", sig)
	}
	return h
}

func TestVerifyWebhookPublishedVector(t *testing.T) {
	for _, prefix := range []string{"webhook", "svix"} {
		t.Run(prefix, func(t *testing.T) {
			if err := VerifyWebhook(vecSecret, headers(prefix, vecID, vecTS, vecSig), []byte(vecBody), vecNow); err != nil {
				t.Fatalf("published vector rejected: %v", err)
			}
		})
	}
}

func TestSignWebhookReproducesVector(t *testing.T) {
	got, err := SignWebhook(vecSecret, vecID, vecNow, []byte(vecBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vecSig {
		t.Fatalf("SignWebhook = %q, want %q", got, vecSig)
	}
}

func TestVerifyWebhookRotationLists(t *testing.T) {
	body := []byte(vecBody)
	for name, sig := range map[string]string{
		"match first":            vecSig + " v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"match last":             "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + vecSig,
		"with other versions":    "v1a,ZmFrZQ== v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= " + vecSig,
		"garbage then match":     "nonsense v1,!!notbase64!! " + vecSig,
		"double space separated": "v1,AAAA  " + vecSig,
	} {
		if err := VerifyWebhook(vecSecret, headers("webhook", vecID, vecTS, sig), body, vecNow); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The right bytes under a non-v1 version must not pass.
	onlyV2 := "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	if err := VerifyWebhook(vecSecret, headers("webhook", vecID, vecTS, onlyV2), body, vecNow); !errors.Is(err, ErrWebhookBadSignature) {
		t.Errorf("v2-only signature: %v, want ErrWebhookBadSignature", err)
	}
}

func TestVerifyWebhookTimestampWindow(t *testing.T) {
	body := []byte(vecBody)
	h := headers("webhook", vecID, vecTS, vecSig)
	for _, tc := range []struct {
		name string
		now  time.Time
		want error
	}{
		{"exactly 5 min later", vecNow.Add(5 * time.Minute), nil},
		{"exactly 5 min earlier", vecNow.Add(-5 * time.Minute), nil},
		{"stale", vecNow.Add(5*time.Minute + time.Second), ErrWebhookStale},
		{"future", vecNow.Add(-5*time.Minute - time.Second), ErrWebhookStale},
		{"a day late", vecNow.Add(24 * time.Hour), ErrWebhookStale},
	} {
		if err := VerifyWebhook(vecSecret, h, body, tc.now); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	for _, ts := range []string{"abc", "1614265330.5", "1e9"} {
		err := VerifyWebhook(vecSecret, headers("webhook", vecID, ts, vecSig), body, vecNow)
		if !errors.Is(err, ErrWebhookBadTimestamp) {
			t.Errorf("timestamp %q: %v, want ErrWebhookBadTimestamp", ts, err)
		}
	}
	// A fresh timestamp with the old signature: the timestamp is signed.
	err := VerifyWebhook(vecSecret, headers("webhook", vecID, "1614265331", vecSig), body, vecNow)
	if !errors.Is(err, ErrWebhookBadSignature) {
		t.Errorf("re-stamped request: %v, want ErrWebhookBadSignature", err)
	}
}

func TestVerifyWebhookRejectsTampering(t *testing.T) {
	for name, tc := range map[string]struct {
		id, body string
	}{
		"body changed":    {vecID, `{"test": 2432232315}`},
		"body whitespace": {vecID, `{"test":2432232314}`},
		"body extended":   {vecID, vecBody + "\n"},
		"id changed":      {"msg_p5jXN8AQM9LWM0D4loKWxJel", vecBody},
		"empty body":      {vecID, ""},
	} {
		err := VerifyWebhook(vecSecret, headers("svix", tc.id, vecTS, vecSig), []byte(tc.body), vecNow)
		if !errors.Is(err, ErrWebhookBadSignature) {
			t.Errorf("%s: %v, want ErrWebhookBadSignature", name, err)
		}
	}
	other := "whsec_" + "c2VjcmV0LWtleS1udW1iZXItdHdv" // base64("secret-key-number-two")
	if err := VerifyWebhook(other, headers("webhook", vecID, vecTS, vecSig), []byte(vecBody), vecNow); !errors.Is(err, ErrWebhookBadSignature) {
		t.Errorf("other secret: %v", err)
	}
}

func TestVerifyWebhookHeaders(t *testing.T) {
	body := []byte(vecBody)
	for name, h := range map[string]http.Header{
		"none":            {},
		"webhook no sig":  headers("webhook", vecID, vecTS, ""),
		"webhook no id":   headers("webhook", "", vecTS, vecSig),
		"svix no ts":      headers("svix", vecID, "", vecSig),
		"sets mixed":      mergeHeaders(headers("webhook", vecID, "", ""), headers("svix", "", vecTS, vecSig)),
		"blank signature": headers("webhook", vecID, vecTS, "   "),
	} {
		if err := VerifyWebhook(vecSecret, h, body, vecNow); !errors.Is(err, ErrWebhookMissingHeader) {
			t.Errorf("%s: %v, want ErrWebhookMissingHeader", name, err)
		}
	}
	// Both complete sets present: webhook-* wins, so a bad webhook-signature
	// fails even if svix-signature is right.
	h := mergeHeaders(headers("webhook", vecID, vecTS, "v1,AAAA"), headers("svix", vecID, vecTS, vecSig))
	if err := VerifyWebhook(vecSecret, h, body, vecNow); !errors.Is(err, ErrWebhookBadSignature) {
		t.Errorf("both sets: %v", err)
	}
	// Header names are case-insensitive.
	raw := http.Header{"WEBHOOK-ID": {vecID}, "Webhook-Timestamp": {vecTS}, "webhook-signature": {vecSig}}
	canon := http.Header{}
	for k, v := range raw {
		canon[http.CanonicalHeaderKey(k)] = v
	}
	if err := VerifyWebhook(vecSecret, canon, body, vecNow); err != nil {
		t.Errorf("canonicalised headers: %v", err)
	}
}

func TestVerifyWebhookSecrets(t *testing.T) {
	body := []byte(vecBody)
	h := headers("webhook", vecID, vecTS, vecSig)
	// Without the prefix the base64 key is still accepted (as Svix's
	// libraries do).
	if err := VerifyWebhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, body, vecNow); err != nil {
		t.Errorf("unprefixed secret: %v", err)
	}
	for _, s := range []string{"", "whsec_", "whsec_***not base64***", "   "} {
		if err := VerifyWebhook(s, h, body, vecNow); !errors.Is(err, ErrWebhookBadSecret) {
			t.Errorf("secret %q: %v, want ErrWebhookBadSecret", s, err)
		}
		if _, err := SignWebhook(s, vecID, vecNow, body); !errors.Is(err, ErrWebhookBadSecret) {
			t.Errorf("SignWebhook secret %q: %v", s, err)
		}
	}
}

func TestSignThenVerifyRoundTrip(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	body := []byte(`{"event":"bot.done","data":{"bot":{"id":"b1","metadata":{}},"data":{"code":"done","sub_code":null,"updated_at":"2026-05-01T09:30:00Z"}}}`)
	sig, err := SignWebhook(vecSecret, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	h := headers("webhook", "msg_1", "1777627800", sig)
	if err := VerifyWebhook(vecSecret, h, body, now.Add(time.Minute)); err != nil {
		t.Fatalf("round trip: %v", err)
	}
}

func mergeHeaders(hs ...http.Header) http.Header {
	out := http.Header{}
	for _, h := range hs {
		for k, v := range h {
			out[k] = append(out[k], v...)
		}
	}
	return out
}
