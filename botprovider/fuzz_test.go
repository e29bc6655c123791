package botprovider

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzVerifyWebhook checks that VerifyWebhook never panics and that whenever
// it accepts a request, the request really carries a v1 signature made with
// the secret's key over "{id}.{timestamp}.{body}" and a timestamp within the
// tolerance. The oracle recomputes the MAC independently with crypto/hmac.
func FuzzVerifyWebhook(f *testing.F) {
	f.Add(vecSecret, vecID, vecTS, vecSig, []byte(vecBody), false, int64(0))
	f.Add(vecSecret, vecID, vecTS, "v1,AAAA "+vecSig, []byte(vecBody), true, int64(299))
	f.Add(vecSecret, vecID, vecTS, vecSig, []byte(`{"test": 2432232315}`), false, int64(-301))
	f.Add("whsec_", "", "", "", []byte{}, true, int64(0))
	f.Add("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", vecID, "+1614265330", vecSig, []byte(vecBody), false, int64(1))
	f.Fuzz(func(t *testing.T, secret, id, ts, sigs string, body []byte, svix bool, skew int64) {
		prefix := "webhook"
		if svix {
			prefix = "svix"
		}
		h := http.Header{}
		h.Set(prefix+"-id", id)
		h.Set(prefix+"-timestamp", ts)
		h.Set(prefix+"-signature", sigs)
		now := vecNow.Add(time.Duration(skew) * time.Second)
		if err := VerifyWebhook(secret, h, body, now); err != nil {
			return
		}
		// Accepted: check it independently. Header values as the server
		// would deliver them (trimmed by VerifyWebhook).
		id, ts, sigs = strings.TrimSpace(h.Get(prefix+"-id")), strings.TrimSpace(h.Get(prefix+"-timestamp")), strings.TrimSpace(h.Get(prefix+"-signature"))
		secs, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			t.Fatalf("accepted unparsable timestamp %q", ts)
		}
		if d := now.Sub(time.Unix(secs, 0)); d > 5*time.Minute || d < -5*time.Minute {
			t.Fatalf("accepted timestamp %d at now %d", secs, now.Unix())
		}
		keyText := strings.TrimPrefix(strings.TrimSpace(secret), "whsec_")
		key, err := base64.StdEncoding.DecodeString(keyText)
		if err != nil {
			key, err = base64.RawStdEncoding.DecodeString(keyText)
		}
		if err != nil || len(key) == 0 {
			t.Fatalf("accepted with undecodable secret %q", secret)
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id + "." + ts + "."))
		mac.Write(body)
		want := mac.Sum(nil)
		for _, s := range strings.Split(sigs, " ") {
			if b64, ok := strings.CutPrefix(s, "v1,"); ok {
				if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, want) {
					return
				}
			}
		}
		t.Fatalf("accepted a request not signed with the secret: id=%q ts=%q sigs=%q body=%q", id, ts, sigs, body)
	})
}

// FuzzParseStatusEvent checks that ParseStatusEvent never panics and that a
// successful parse always yields a bot id and a code.
func FuzzParseStatusEvent(f *testing.F) {
	f.Add([]byte(`{"event":"bot.in_call_recording","data":{"bot":{"id":"b","metadata":{"k":"v"}},"data":{"code":"in_call_recording","sub_code":null,"updated_at":"2026-05-01T09:30:00Z"}}}`))
	f.Add([]byte(`{"event":"bot.status_change","data":{"bot_id":"b","status":{"code":"fatal","sub_code":"zoom_internal_error","created_at":"2023-04-28T08:51:37.741790Z","message":null}}}`))
	f.Add([]byte(`{"event":"recording.done","data":{}}`))
	f.Add([]byte(`{"event":"bot.x","data":{"bot":{"id":1e400}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseStatusEvent(body)
		if err != nil {
			if ev != nil {
				t.Fatal("non-nil event with an error")
			}
			return
		}
		if ev.BotID == "" || ev.Code == "" || ev.Event == "" {
			t.Fatalf("incomplete event %+v from %q", ev, body)
		}
	})
}
